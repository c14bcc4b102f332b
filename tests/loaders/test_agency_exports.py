"""Agency exports as they arrive: workbooks of several sheets, zips, Windows-1252, Excel serial and
day-first dates, title blocks; each shipped specification loads its sample with exact counts."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import load_spec, shipped_spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def _samples() -> Any:
    spec = importlib.util.spec_from_file_location("make_samples", FIXTURES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def _counts(store: LadybugStore, keys: dict[str, int]) -> dict[str, int]:
    counts = store.counts()
    return {k: counts[k] for k in keys if k != "rows"}


def test_anpr_export_loads_exactly(store: LadybugStore) -> None:
    expected = _samples().ANPR_EXPECTED
    report = import_path(
        store, load_spec(shipped_spec("anpr-export")), FIXTURES / "anpr-export.csv", dataset="op"
    )
    assert (report.rows_loaded, report.quarantined) == ({"anpr-export.csv": expected["rows"]}, 0)
    assert _counts(store, expected) == {k: v for k, v in expected.items() if k != "rows"}
    reads = store.nodes("Event")
    assert sorted(reads["camera_id"]) == ["CAM-017", "CAM-017", "CAM-017", "CAM-022"]
    assert set(reads["kind"]) == {"anpr_read"} and "eastbound" in set(reads["direction"])
    camera = store.get_node("Location", "op:CAM-017")
    assert camera is not None and (camera["kind"], camera["name"], camera["latitude"]) == (
        "camera",
        "A58 Godley Bridge",
        53.7241,
    )
    assert sorted(store.nodes("Vehicle")["key"]) == ["AB12CDE", "YX61ABC"]


def test_social_care_workbook_every_sheet(store: LadybugStore) -> None:
    expected = _samples().CASES_EXPECTED
    report = import_path(
        store,
        load_spec(shipped_spec("social-care-cases")),
        FIXTURES / "social-care-cases.xlsx",
        dataset="csc",
    )
    assert report.rows_loaded == {
        "social-care-cases.xlsx[Open cases]": 3,
        "social-care-cases.xlsx[Closed cases]": 2,
    }
    assert report.quarantined == 0
    assert _counts(store, expected) == {k: v for k, v in expected.items() if k != "rows"}
    tia = store.get_node("Person", "csc:CS-1001")
    assert tia is not None and (
        tia["legal_status"],
        tia["category"],
        str(tia["date_of_birth"])[:10],
    ) == ("accommodated_s20", "child", "1997-05-01")
    jade = store.get_node("Person", "csc:CS-0907")  # dd/mm/yyyy text on the closed sheet
    assert jade is not None and (jade["legal_status"], str(jade["date_of_birth"])[:10]) == (
        "interim_care_order",
        "1995-09-03",
    )
    assert json.loads(tia["extra"]) == {"Allocated Worker": "J Booth"}


def test_school_attendance_cp1252_and_excel_serials(store: LadybugStore) -> None:
    expected = _samples().ATTENDANCE_EXPECTED
    report = import_path(
        store,
        load_spec(shipped_spec("school-attendance")),
        FIXTURES / "school-attendance.csv",
        dataset="sch",
    )
    assert (report.rows_loaded, report.quarantined) == (
        {"school-attendance.csv": expected["rows"]},
        0,
    )
    assert _counts(store, expected) == {k: v for k, v in expected.items() if k != "rows"}
    chloe = store.get_node("Person", "sch:A821400012002")
    assert (
        chloe is not None
        and chloe["given_name"] == "Chloé"
        and str(chloe["date_of_birth"])[:10] == "1997-10-17"
    )
    assert str(store.get_node("Person", "sch:A821400012001")["date_of_birth"])[:10] == "1997-05-01"  # type: ignore[index]
    tia = store.links("FREQUENTS").set_index("from_key").loc["sch:A821400012001"]
    assert (str(tia["first_seen"])[:10], str(tia["last_seen"])[:10]) == ("2011-06-20", "2011-06-21")


def test_a_zip_of_csvs(tmp_path: Path, store: LadybugStore) -> None:
    archive = tmp_path / "drop.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "anpr-export.csv", "export/reads-1.csv")
        z.writestr(
            "../../evil/reads-2.csv",
            "VRM,Read Date,Read Time,Camera,Site,Direction,Lat,Long\n"
            "CD34 EFG,22/06/2011,10:00:00,CAM-022,Orange Street,Northbound,53.7230,-1.8610\n",
        )
    report = import_path(store, load_spec(shipped_spec("anpr-export")), archive)
    assert report.dataset == "drop"
    assert report.rows_loaded == {"reads-1.csv": 4, "reads-2.csv": 1} and report.quarantined == 0
    assert not (tmp_path / "evil").exists()


def test_bad_excel_serial_is_quarantined(tmp_path: Path, store: LadybugStore) -> None:
    path = tmp_path / "att.csv"
    text = (FIXTURES / "school-attendance.csv").read_bytes().replace(b"35551,21/06", b"soon,21/06")
    path.write_bytes(text)
    report = import_path(
        store,
        load_spec(shipped_spec("school-attendance")),
        path,
        dataset="s",
        quarantine_file=tmp_path / "q.csv",
    )
    assert report.quarantined == 1
    assert "not a date of Excel serial day numbers" in (tmp_path / "q.csv").read_text(
        encoding="utf-8"
    )


def test_ingest_of_a_workbook_says_how_to_load_it(tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--store", str(tmp_path / "s")]
    res = runner.invoke(app, ["ingest", str(FIXTURES / "social-care-cases.xlsx"), *where])
    assert res.exit_code == 2 and "import suggest" in res.output and "Excel workbook" in res.output
    books = tmp_path / "books"
    books.mkdir()
    (books / "a.xlsx").write_bytes((FIXTURES / "social-care-cases.xlsx").read_bytes())
    res = runner.invoke(app, ["ingest", str(books), *where])
    assert (
        res.exit_code == 2
        and "no CSV file" in res.output
        and "import spec.yaml" in res.output.replace("\n", " ")
    )
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "sample",
    [
        "anpr-export.csv",
        "social-care-cases.xlsx",
        "school-attendance.csv",
        "handset-contacts-export.xlsx",
    ],
)
def test_suggest_on_clean_samples_loads_them_unedited(
    tmp_path: Path, store: LadybugStore, sample: str
) -> None:
    result = CliRunner().invoke(app, ["import", "suggest", str(FIXTURES / sample)])
    assert result.exit_code == 0, result.output
    draft = tmp_path / "draft.yaml"
    draft.write_text(result.stdout, encoding="utf-8")
    report = import_path(
        store, load_spec(draft), FIXTURES / sample, dataset="d", quarantine_file=tmp_path / "q.csv"
    )
    assert report.quarantined == 0, (tmp_path / "q.csv").read_text(encoding="utf-8")
    assert sum(report.rows_loaded.values()) > 0
