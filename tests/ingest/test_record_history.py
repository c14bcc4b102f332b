"""A record a later load changes keeps its earlier version; `show --history` displays it; loading twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_suspect_replaced_by_a_child_keeps_the_earlier_version(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    """The police's P1 (a suspect) reloaded as social care's P1 (a child) into one dataset."""
    store = str(tmp_path / "store")
    police, care = exports
    assert _run("ingest", str(police), "--dataset", "op", "--store", store)[0] == 0
    code, out, err = _run(
        "ingest", str(care), "--dataset", "op", "--store", store, "--json"
    )  # on purpose
    assert code == 0, err
    second = json.loads(out)
    assert second["superseded"] == 1
    code, out, _ = _run("show", "person", "P1", "--history", "--store", store, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["properties"]["category"] == "child"
    assert len(doc["history"]) == 1
    past = doc["history"][0]
    assert past["superseded_by"] == second["load"]
    assert sorted(past["changed"]) == ["category", "date_of_birth", "given_name"]
    assert past["earlier"]["category"] == "suspect" and past["earlier"]["given_name"] == "Dale"
    assert past["earlier"]["date_of_birth"].startswith("1980-01-01")

    code, out, _ = _run("show", "person", "P1", "--history", "--store", store)  # the human table
    assert code == 0 and "earlier versions" in out and "suspect" in out

    code, out, _ = _run(
        "ingest", str(care), "--dataset", "op", "--store", store, "--json"
    )  # again: nothing changes
    assert (json.loads(out)["superseded"], json.loads(out)["updated"]) == (0, 0)
    code, out, _ = _run("stats", "--store", store, "--json")
    assert json.loads(out)["versions"] == 1
    code, out, _ = _run("show", "person", "P1", "--store", store, "--json")
    assert "history" not in json.loads(out)


def test_an_unchanged_record_has_no_history(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    folder = write_dataset(
        tmp_path / "op", {"persons.csv": [{"person_id": "P1", "category": "child"}]}
    )
    for _ in range(2):
        assert _run("ingest", str(folder), "--store", store)[0] == 0
    code, out, _ = _run("show", "person", "P1", "--history", "--store", store)
    assert code == 0 and "no earlier versions" in out
