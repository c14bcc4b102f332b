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


def cli_args(backend: str, store: Path) -> list[str]:
    """The options that point a CLI command at the test's backend: `--store PATH` for the embedded
    store, `--neo4j URI` (the configured server, tests/backends.py) for Neo4j."""
    if backend == "embedded":
        return ["--store", str(store)]
    from backends import NEO4J_SKIP_REASON

    from graph_intel.settings import Settings

    uri = Settings().neo4j_uri
    if not uri:
        pytest.skip(NEO4J_SKIP_REASON)
    return ["--neo4j", uri]


@pytest.fixture
def cli_store(backend: str, tmp_path: Path) -> list[str]:
    """The demo case loaded through the real CLI into the test's backend (embedded, and Neo4j when
    GRAPH_INTEL_NEO4J_URI is set, skipped otherwise saying why); the options to pass to reach it."""
    args = cli_args(backend, tmp_path / "store")
    result = CliRunner().invoke(
        app, ["demo", "--out", str(tmp_path / "demo-data"), *args, "--json"]
    )
    assert result.exit_code in (0, 1), result.stderr
    return args
