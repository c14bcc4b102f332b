"""The `store` fixture: every contract test runs on the embedded store and, when configured, Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.settings import Settings
from graph_intel.stores.base import GraphStore

NEO4J_SKIP_REASON = (
    "set GRAPH_INTEL_NEO4J_URI to run the contract suite against a live Neo4j 5 server "
    "(docker compose up neo4j)"
)


def _embedded(tmp_path: Path) -> GraphStore:
    from graph_intel.stores.ladybug_store import LadybugStore

    return LadybugStore(tmp_path / "store")


def _neo4j() -> GraphStore:
    settings = Settings()
    if not settings.neo4j_uri:
        pytest.skip(NEO4J_SKIP_REASON)
    from graph_intel.stores import open_store

    store = open_store(neo4j=settings.neo4j_uri, settings=settings)
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
                    not Settings().neo4j_uri, reason=NEO4J_SKIP_REASON
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
