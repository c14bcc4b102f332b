"""The CLI's commands found by walking the app itself, and a value for each required parameter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from graph_intel.cli import app

#: The commands that make a store (they load data into it), and those that touch no store.
CREATORS = {("ingest",), ("import",), ("import", "run"), ("demo",)}
#: Commands of the users and audit database: reading it never creates it either.
SERVICE_DB = {("users", "list"), ("users", "revoke"), ("audit", "verify"), ("audit", "list")}
#: Writes users (and so the service database); it is not a read of the graph store.
NOT_READS = {("users", "add")}

#: A plausible value for each required argument or option, by parameter name.
VALUES = {
    "kind": "person",
    "ident": "C1",
    "from_kind": "person",
    "from_id": "A1",
    "to_kind": "person",
    "to_id": "A2",
    "since": "2011-07-08",
    "person": "C1",
    "adult": "A1",
    "child": "C1",
    "rag": "red",
    "by": "tester",
    "review": "2011-08-01",
    "reason": "testing",
    "name": "nobody",
    "a": "d:A1",
    "b": "d:A2",
    "judgement": "same",
    "number": "1",
}


def _commands(group: Any, words: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if hasattr(group, "commands"):
        # list_commands/get_command, not .commands: the top level loads its commands lazily
        ctx = typer.Context(group)
        for name in group.list_commands(ctx):
            yield from _commands(group.get_command(ctx, name), (*words, name))
    else:
        yield words, group


ALL = dict(_commands(typer.main.get_command(app)))
STORE_COMMANDS = sorted(w for w, c in ALL.items() if any(p.name == "store" for p in c.params))
READS = [w for w in STORE_COMMANDS if w not in CREATORS | NOT_READS]


def command_args(
    words: tuple[str, ...], tmp: Path, values: dict[str, str] | None = None
) -> list[str]:
    """The command with a value for every required parameter (files go under tmp)."""
    args = list(words)
    for param in ALL[words].params:
        if not param.required:
            continue
        value = {**VALUES, **(values or {})}.get(
            param.name or "", str(tmp / "out.html") if "out" in (param.name or "") else "x"
        )
        if param.name == "folder":
            value = str(tmp / "folder")
        if param.param_type_name == "option":
            args.append(param.opts[0])
        args.append(value)
    return args
