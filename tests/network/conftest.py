"""Fixtures of the network tests: a real embedded store holding network_case's dataset."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canonical_fixtures import write_dataset  # noqa: E402
from network_case import network_dataset  # noqa: E402

from graph_intel.ingest import ingest  # noqa: E402
from graph_intel.stores import GraphStore, open_store  # noqa: E402


@pytest.fixture(scope="module")
def case_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """An embedded store holding the network test case, dataset `case`."""
    root = tmp_path_factory.mktemp("network")
    folder = write_dataset(root / "case", network_dataset())
    handle = open_store(root / "store")
    ingest(handle, folder)
    yield handle
    handle.close()
