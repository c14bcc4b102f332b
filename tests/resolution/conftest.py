"""Fixtures of the resolution tests: the three-agency world built one record or three records."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import world  # noqa: E402

from graph_intel.stores.base import GraphStore  # noqa: E402


@pytest.fixture
def one(tmp_path: Path) -> Iterator[GraphStore]:
    """The child as one record in one dataset."""
    store = world.build(tmp_path / "one", world.one_record())
    yield store
    store.close()


@pytest.fixture
def three(tmp_path: Path) -> Iterator[GraphStore]:
    """The child as three agencies' records, not yet judged."""
    store = world.build(tmp_path / "three", world.three_records())
    yield store
    store.close()
