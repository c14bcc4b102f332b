"""A command on a store that does not exist is exit 2, never an empty answer, and creates nothing.

Only ingest, import and demo create a store. The commands are found by walking the CLI itself, so a
command added later is covered without being listed here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_walk import ALL, READS, SERVICE_DB, command_args
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from graph_intel.cli import app
from graph_intel.commands import load_all
from graph_intel.stores import StoreError, open_store

runner = CliRunner()


def test_the_walk_finds_the_read_commands() -> None:
    assert len(READS) >= 25
    assert {
        ("stats",),
        ("groups",),
        ("cawn", "breaches"),
        ("matrix", "list"),
        ("export",),
        ("serve",),
    } <= set(READS)


def test_every_registered_read_command_is_a_cli_command_covered_here() -> None:
    registered = set(load_all())
    assert registered, "the registry is empty"
    assert registered <= set(READS), f"not covered: {registered - set(READS)}"


@pytest.mark.parametrize("words", READS, ids=[" ".join(w) for w in READS])
@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_read_command_on_a_missing_store_is_exit_2(
    words: tuple[str, ...], as_json: bool, tmp_path: Path
) -> None:
    missing = tmp_path / "no-store-here"
    args = command_args(words, tmp_path) + ["--store", str(missing)]
    if as_json and any(p.name == "json" for p in ALL[words].params):
        args.append("--json")
    result = runner.invoke(
        app,
        args,
        env={"GRAPH_INTEL_NEO4J_URI": None, "GRAPH_INTEL_API_DB": None, "GRAPH_INTEL_STORE": None},
    )
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert result.stdout == ""
    reason = " ".join(result.stderr.split())
    expected = (
        "no users and audit database at" if words in SERVICE_DB else "no graph-intel store at"
    )
    assert expected in reason and str(missing) in reason
    assert not missing.exists(), "a read command created a store"


def test_a_folder_that_is_no_store_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = runner.invoke(app, ["stats", "--store", str(tmp_path / "docs"), "--json"])
    assert result.exit_code == 2 and "no graph-intel store at" in result.stderr
    assert list((tmp_path / "docs").iterdir()) == []


def test_ingest_still_creates_the_store(tmp_path: Path, small_folder: Path) -> None:
    store = tmp_path / "new"
    assert (
        runner.invoke(app, ["ingest", str(small_folder), "--store", str(store), "--json"]).exit_code
        == 1
    )
    result = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["persons"] == 3


def test_open_store_without_create_refuses(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph-intel store at"):
        open_store(tmp_path / "absent", create=False)
    assert not (tmp_path / "absent").exists()


def test_the_service_refuses_to_start_on_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    service = create_app(Settings(store=missing, api_db=tmp_path / "api.sqlite"))
    with pytest.raises(StoreError, match="no graph-intel store at"), TestClient(service):
        pass
    assert not missing.exists()
