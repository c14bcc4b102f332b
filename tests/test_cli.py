"""The command line keeps the contract: JSON alone on stdout, exit 0/1/2, one-line reasons."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from canonical_fixtures import SMALL_LOADED, SMALL_QUARANTINED, write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_stats_show_json(tmp_path: Path, small_folder: Path) -> None:
    store = str(tmp_path / "store")
    code, out, _ = _run("ingest", str(small_folder), "--store", store, "--json")
    assert code == 1  # rows were quarantined: done, but needs attention
    doc = json.loads(out)
    assert doc["rows_loaded"] == SMALL_LOADED
    assert doc["quarantined"] == SMALL_QUARANTINED
    assert Path(doc["quarantine_file"]).exists()

    code, out, _ = _run("stats", "--store", store, "--json")
    assert code == 0
    counts = json.loads(out)
    assert {
        k: counts[k] for k in ("persons", "phones", "vehicles", "locations", "events", "sources")
    } == {"persons": 3, "phones": 1, "vehicles": 1, "locations": 2, "events": 2, "sources": 3}

    code, out, _ = _run("show", "person", "A1", "--store", store, "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["kind"], shown["id"]) == ("person", "A1")
    assert shown["properties"]["given_name"] == "Dale"
    assert {
        "link": "uses_phone",
        "kind": "phone",
        "id": "+447700900123",
        "source_id": "S1",
    }.items() <= shown["links"][0].items()
    for link in shown["links"]:
        assert set(link) >= {"link", "kind", "id", "source_id", "first_seen", "last_seen"}

    code, out, _ = _run("show", "phone", "(07700) 900-123", "--store", store, "--json")
    assert code == 0 and json.loads(out)["id"] == "+447700900123"


def test_reingest_json_reports_no_change(tmp_path: Path, small_folder: Path) -> None:
    store = str(tmp_path / "store")
    _run("ingest", str(small_folder), "--store", store, "--json")
    code, out, _ = _run("ingest", str(small_folder), "--store", store, "--json")
    doc = json.loads(out)
    assert (doc["created"], doc["updated"]) == (0, 0)


def test_clean_dataset_exits_zero(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "clean", {"persons.csv": [{"person_id": "P1", "category": "child"}]}
    )
    code, out, _ = _run("ingest", str(folder), "--store", str(tmp_path / "s"), "--json")
    assert code == 0 and json.loads(out)["quarantined"] == 0


def test_ambiguous_id_is_exit_2_naming_the_choices(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    for name in ("police", "school"):
        folder = write_dataset(tmp_path / name, {"persons.csv": [{"person_id": "P1"}]})
        _run("ingest", str(folder), "--store", store)
    code, out, err = _run("show", "person", "P1", "--store", store, "--json")
    assert code == 2 and out == ""
    assert "police:P1" in err and "school:P1" in err
    code, out, _ = _run("show", "person", "school:P1", "--store", store, "--json")
    assert code == 0 and json.loads(out)["dataset"] == "school"


def test_cannot_run_is_exit_2_with_one_line(tmp_path: Path, small_folder: Path) -> None:
    code, out, err = _run(
        "ingest", str(tmp_path / "absent"), "--store", str(tmp_path / "s"), "--json"
    )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no such folder" in err
    _run(
        "ingest", str(small_folder), "--store", str(tmp_path / "s"), "--json"
    )  # a store to look in
    code, out, err = _run("show", "person", "NOBODY", "--store", str(tmp_path / "s"), "--json")
    assert code == 2 and "no person NOBODY" in err


def test_json_is_alone_on_stdout_in_a_real_process(tmp_path: Path, small_folder: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph_intel",
            "ingest",
            str(small_folder),
            "--store",
            str(tmp_path / "s"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    json.loads(proc.stdout)  # exactly one document, nothing else


def test_schema_command_prints_the_schema(tmp_path: Path) -> None:
    code, out, _ = _run("schema", "--json")
    assert code == 0 and "Person" in json.loads(out)["entities"]
