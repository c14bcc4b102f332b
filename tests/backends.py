"""The stores backend-wide tests run on: the embedded LadybugDB store and, when configured, Neo4j.

As splink runs one suite over each SQL dialect, the contract, analysis, safeguarding and
resolution tests take the `store` fixture (or a dataset fixture built through `open_backend`),
parametrised over BACKENDS. The Neo4j half skips, saying why, when no server is configured
(`GRAPH_INTEL_NEO4J_URI`, read through graph_intel.settings like every other setting).

Against Neo4j every store is the one configured database, cleared when opened: run the Neo4j half
without xdist (`-p no:xdist -m neo4j`), one test directory at a time, so that no two dataset
fixtures hold it at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_intel.settings import Settings
from graph_intel.stores.base import GraphStore

NEO4J_SKIP_REASON = (
    "set GRAPH_INTEL_NEO4J_URI to run the backend-wide tests against a live Neo4j 5 server "
    "(docker compose up neo4j)"
)

#: The backends, as pytest parameters: the embedded store always, Neo4j when a server is configured.
BACKENDS = [
    pytest.param("embedded"),
    pytest.param(
        "neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not Settings().neo4j_uri, reason=NEO4J_SKIP_REASON),
        ],
    ),
]


def open_backend(kind: str, path: Path) -> GraphStore:
    """A store of the kind: the embedded store at `path` (made when it is not there, kept when it
    is), or the configured Neo4j database, emptied (every test starts from nothing)."""
    if kind == "embedded":
        from graph_intel.stores.ladybug_store import LadybugStore

        store: GraphStore = LadybugStore(path)
        store.ensure_schema()
        return store
    settings = Settings()
    if not settings.neo4j_uri:
        pytest.skip(NEO4J_SKIP_REASON)
    from graph_intel.stores import open_store

    store = open_store(neo4j=settings.neo4j_uri, settings=settings)
    store.clear()
    return store


def demo_in(kind: str, root: Path) -> GraphStore:
    """A store of the kind holding the scale-0 demo (its planted bad rows quarantined under root)."""
    from graph_intel.demo import write_demo
    from graph_intel.ingest import ingest

    store = open_backend(kind, root / "store")
    ingest(store, write_demo(root / "demo"), quarantine_file=root / "quarantine.csv")
    return store
