"""Shared fixtures: small canonical datasets written in the test, real embedded stores in tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from backends import BACKENDS, open_backend  # noqa: E402
from canonical_fixtures import write_dataset  # noqa: E402

from graph_intel.stores import open_store  # noqa: E402
from graph_intel.stores.base import GraphStore  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def small_folder(tmp_path: Path) -> Path:
    """The small canonical dataset (tests/canonical_fixtures.py) in a folder named case1."""
    return write_dataset(tmp_path / "case1")


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh embedded store."""
    store = open_store(tmp_path / "store")
    yield store
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn (tests/backends.py): embedded, and Neo4j when a server is configured."""
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend, closed after the test."""
    opened = open_backend(backend, tmp_path / "store")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def store_factory(backend: str, tmp_path: Path) -> Iterator[Callable[[str], GraphStore]]:
    """Make stores of the test's backend, by name (each closed after the test)."""
    opened: list[GraphStore] = []

    def make(name: str = "store") -> GraphStore:
        opened.append(open_backend(backend, tmp_path / name))
        return opened[-1]

    yield make
    for handle in opened:
        handle.close()
