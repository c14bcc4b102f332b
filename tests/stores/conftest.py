"""The `store` fixture: every contract test runs on the embedded store and, when configured, Neo4j."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.stores.base import GraphStore

NEO4J_SKIP_REASON = (
    "set GRAPH_INTEL_NEO4J_URI to run the contract suite against a live Neo4j 5 server "
    "(docker compose up neo4j)"
)


def _embedded(tmp_path: Path) -> GraphStore:
    from graph_intel.stores.ladybug_store import LadybugStore

    return LadybugStore(tmp_path / "store")


def _neo4j() -> GraphStore:
    uri = os.environ.get("GRAPH_INTEL_NEO4J_URI")
    if not uri:
        pytest.skip(NEO4J_SKIP_REASON)
    from graph_intel.stores.neo4j_store import Neo4jStore

    store = Neo4jStore(
        uri,
        user=os.environ.get("GRAPH_INTEL_NEO4J_USER", "neo4j"),
        password=os.environ.get("GRAPH_INTEL_NEO4J_PASSWORD", ""),
    )
    store.clear()  # every test starts from an empty database
    return store


@pytest.fixture(
    params=[
        pytest.param("embedded"),
        pytest.param(
            "neo4j",
            marks=[
                pytest.mark.neo4j,
                pytest.mark.skipif(
                    not os.environ.get("GRAPH_INTEL_NEO4J_URI"), reason=NEO4J_SKIP_REASON
                ),
            ],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind, closed after the test."""
    opened = _embedded(tmp_path) if request.param == "embedded" else _neo4j()
    try:
        yield opened
    finally:
        opened.close()
