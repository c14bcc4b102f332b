"""A toy read command, registered from outside graph_intel: the registry's worked example.

tests/test_command_registry.py adds this module to graph_intel.commands.COMMAND_MODULES and shows
that `graph-intel toy-count KIND` and `GET /api/v1/toy-count/{kind}` both exist, with no other code.
"""

from __future__ import annotations

from typing import Annotated, Any

from graph_intel.commands import Param, read_command
from graph_intel.stores.base import GraphStore

#: Least number of records a kind must hold to be listed.
AT_LEAST = 1


@read_command("toy-count", role="viewer")
def toy_count(
    store: GraphStore,
    kind: Annotated[str, Param("An entity kind of the schema: Person, Phone, Vehicle...")],
    at_least: Annotated[
        int, Param("List the kind only when it holds at least this many records.", minimum=0)
    ] = AT_LEAST,
) -> list[dict[str, Any]]:
    """How many records of one kind the store holds (a toy command).

    An unknown kind is refused (a ValueError: exit 2 on the command line, 400 over HTTP)."""
    from graph_intel.schema import schema

    if kind not in schema().entities:
        raise ValueError(f"unknown kind {kind}; known: {', '.join(schema().entities)}")
    records = len(store.nodes(kind, columns=["key"]))
    return [{"kind": kind, "records": records}] if records >= at_least else []
