"""Session fixtures: the demo written and ingested once per backend (tests/backends.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import demo_in, open_backend

from graph_intel.stores import GraphStore, open_store


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of an embedded store holding the scale-0 demo (ingested once per session), for the CLI."""
    root = tmp_path_factory.mktemp("analysis-demo")
    demo_in("embedded", root).close()
    return root / "store"


@pytest.fixture(scope="session")
def demo(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """The demo in a store of each backend, open for the whole session (the embedded one is the CLI's store)."""
    if backend == "embedded":
        store = open_backend(backend, request.getfixturevalue("demo_store_path"))
    else:
        store = demo_in(backend, tmp_path_factory.mktemp(f"analysis-demo-{backend}"))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def scale1_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of `demo --scale 1`: the story plus about a thousand background persons."""
    from graph_intel.demo import write_demo
    from graph_intel.ingest import ingest

    base = tmp_path_factory.mktemp("scale1")
    folder = write_demo(base / "demo", scale=1)
    path = base / "store"
    store = open_store(path)
    try:
        ingest(store, folder)
    finally:
        store.close()
    return path
