"""Fixtures for the service tests (helpers live in api_env.py, imported by the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_env import ApiEnv, seeded_settings, start


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    """One app per test module (reads only; tests that write use `fresh`)."""
    yield from start(seeded_settings(tmp_path_factory.mktemp("api")))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[ApiEnv]:
    """A new app with its own store and audit log, for tests that write or count entries."""
    yield from start(seeded_settings(tmp_path))
