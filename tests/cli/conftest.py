"""The demo case in a real embedded store, made once for the CLI tests (tests that write copy it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`graph-intel demo` into a fresh store, with one service user (analyst-user)."""
    runner = CliRunner()
    root = tmp_path_factory.mktemp("demo")
    store = root / "store"
    result = runner.invoke(
        app, ["demo", "--out", str(root / "demo-data"), "--store", str(store), "--json"]
    )
    assert result.exit_code in (0, 1), result.stderr
    json.loads(result.stdout)
    users = runner.invoke(
        app, ["users", "add", "analyst-user", "--role", "analyst", "--store", str(store)]
    )
    assert users.exit_code == 0, users.stderr
    return store
