"""A dataset records its agency and origin; two agencies' `export/` folders never merge silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import IngestError, ingest

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_second_agencys_export_folder_is_refused_unless_named(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    police, care = exports
    store = str(tmp_path / "store")
    code, out, err = _run("ingest", str(police), "--agency", "police", "--store", store, "--json")
    assert code == 0, err
    assert json.loads(out)["dataset"] == "export"

    code, out, err = _run(
        "ingest", str(care), "--agency", "children_social_care", "--store", store, "--json"
    )
    assert code == 2 and out == ""
    assert "dataset 'export' was loaded from" in err and str(police.resolve()) in " ".join(
        err.split()
    )
    assert "--dataset" in err
    code, out, _ = _run("show", "person", "P1", "--store", store, "--json")
    assert json.loads(out)["properties"]["given_name"] == "Dale"  # the police suspect is untouched
    assert json.loads(out)["properties"]["category"] == "suspect"

    code, _, err = _run(
        "ingest",
        str(care),
        "--agency",
        "children_social_care",
        "--dataset",
        "csc_export",
        "--store",
        store,
    )
    assert code == 0, err
    code, out, _ = _run("stats", "--store", store, "--json")
    stats = json.loads(out)
    assert stats["datasets"] == ["csc_export", "export"]
    records = {r["dataset"]: r for r in stats["dataset_records"]}
    assert records["export"]["agencies"] == ["police"] and records["export"]["origins"] == [
        str(police.resolve())
    ]
    assert records["csc_export"]["agencies"] == ["children_social_care"]
    assert records["csc_export"]["origins"] == [str(care.resolve())]
    assert len(records["export"]["loads"]) == 1 and records["export"]["loads"][0].startswith(
        "export/"
    )
    code, _, err = _run("show", "person", "P1", "--store", store)
    assert code == 2 and "csc_export:P1" in err and "export:P1" in err


def test_reloading_the_same_folder_is_allowed_and_a_new_agency_is_not(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    police, _ = exports
    store = str(tmp_path / "store")
    assert _run("ingest", str(police), "--agency", "police", "--store", store)[0] == 0
    code, out, _ = _run("ingest", str(police), "--agency", "police", "--store", store, "--json")
    assert code == 0 and (json.loads(out)["created"], json.loads(out)["updated"]) == (0, 0)
    code, _, err = _run("ingest", str(police), "--agency", "health", "--store", store)
    assert code == 2 and "another agency" in err
    code, _, err = _run(
        "ingest", str(police), "--agency", "health", "--dataset", "export", "--store", store
    )
    assert code == 0, err  # named on purpose: the load joins the dataset
    code, out, _ = _run("stats", "--store", store, "--json")
    record = json.loads(out)["dataset_records"][0]
    assert record["agencies"] == ["police", "health"] and len(record["loads"]) == 3


def test_library_ingest_refuses_too_and_an_import_of_another_file_of_that_name(
    tmp_path: Path, exports: tuple[Path, Path], embedded
) -> None:  # type: ignore[no-untyped-def]
    police, care = exports
    ingest(embedded, police)
    with pytest.raises(IngestError, match="would merge into it"):
        ingest(embedded, care)
    store = str(tmp_path / "store2")
    for agency_dir in ("a", "b"):
        (tmp_path / agency_dir).mkdir()
        (tmp_path / agency_dir / "calls.csv").write_text(
            "Calling Number,Called Number,Call Date,Call Time,Duration (s),Call Type\n"
            "07700 900123,07700 900456,22/06/2011,12:00:00,5,Voice\n",
            encoding="utf-8",
        )
    assert _run("import", "cdr-export", str(tmp_path / "a" / "calls.csv"), "--store", store)[0] == 0
    code, _, err = _run("import", "cdr-export", str(tmp_path / "b" / "calls.csv"), "--store", store)
    assert code == 2 and "dataset 'calls' was loaded from" in err
    assert not list((Path(store) / "quarantine" / "calls").glob("*"))[
        1:
    ]  # the refused import left no file
