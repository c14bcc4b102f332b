"""Fixtures of the resolution tests: the three-agency world built one record or three records,
in a store of each backend (tests/backends.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import world  # noqa: E402

from graph_intel.stores.base import GraphStore  # noqa: E402


@pytest.fixture
def one(tmp_path: Path, store_factory: Callable[[str], GraphStore]) -> GraphStore:
    """The child as one record in one dataset."""
    return world.build(tmp_path / "one", world.one_record(), store_factory("one-store"))


@pytest.fixture
def three(tmp_path: Path, store_factory: Callable[[str], GraphStore]) -> GraphStore:
    """The child as three agencies' records, not yet judged."""
    return world.build(tmp_path / "three", world.three_records(), store_factory("three-store"))
