"""Fixtures of the hub tests (helpers in web_env.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_env import Hub, build_demo_store, copy_store, settings_for, start


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case in an embedded store, built once per session (never written by tests)."""
    return build_demo_store(tmp_path_factory.mktemp("hub-demo"))


@pytest.fixture
def hub(demo_store: Path, tmp_path: Path) -> Iterator[Hub]:
    """A hub over a private copy of the demo store, with its own users and audit log."""
    yield from start(settings_for(copy_store(demo_store, tmp_path), tmp_path))
