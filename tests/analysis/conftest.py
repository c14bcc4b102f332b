"""Session fixtures: the demo written and ingested once into a temporary embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.stores import GraphStore, open_store


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of a store holding the scale-0 demo (ingested once per session)."""
    from graph_intel.demo import write_demo
    from graph_intel.ingest import ingest

    base = tmp_path_factory.mktemp("analysis-demo")
    folder = write_demo(base / "demo")
    path = base / "store"
    store = open_store(path)
    try:
        ingest(store, folder)
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def demo(demo_store_path: Path) -> Iterator[GraphStore]:
    """The demo store, open for reading for the whole session."""
    store = open_store(demo_store_path)
    try:
        yield store
    finally:
        store.close()
