"""Session-scoped demo stores for the safeguarding tests (one read-only use, one for matrix writes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.demo import write_demo
from graph_intel.ingest import ingest
from graph_intel.stores.ladybug_store import LadybugStore


def _demo_store(root: Path) -> LadybugStore:
    folder = write_demo(root / "demo")
    store = LadybugStore(root / "store")
    store.ensure_schema()
    ingest(store, folder, quarantine_file=root / "quarantine.csv")
    return store


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of an embedded store holding the scale-0 demo (not written to by tests)."""
    root = tmp_path_factory.mktemp("sg-demo")
    _demo_store(root).close()
    return root / "store"


@pytest.fixture(scope="session")
def demo_store(demo_store_path: Path) -> Iterator[LadybugStore]:
    """The demo store, opened once for the session."""
    store = LadybugStore(demo_store_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def matrix_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LadybugStore]:
    """A second demo store that matrix tests write entries into."""
    store = _demo_store(tmp_path_factory.mktemp("sg-matrix"))
    yield store
    store.close()
