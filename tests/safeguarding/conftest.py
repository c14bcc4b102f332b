"""Session-scoped demo stores for the safeguarding tests, one per backend (tests/backends.py):
one read-only use, one for matrix writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import demo_in, open_backend

from graph_intel.stores.base import GraphStore


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of an embedded store holding the scale-0 demo (not written to by tests), for the CLI."""
    root = tmp_path_factory.mktemp("sg-demo")
    demo_in("embedded", root).close()
    return root / "store"


@pytest.fixture(scope="session")
def demo_store(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """The demo in a store of each backend, opened once for the session (the embedded one is the CLI's)."""
    if backend == "embedded":
        store = open_backend(backend, request.getfixturevalue("demo_store_path"))
    else:
        store = demo_in(backend, tmp_path_factory.mktemp(f"sg-demo-{backend}"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def matrix_store(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A second demo store of each backend that matrix tests write entries into."""
    store = demo_in(backend, tmp_path_factory.mktemp(f"sg-matrix-{backend}"))
    yield store
    store.close()
