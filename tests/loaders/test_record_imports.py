"""The safeguarding record as agencies export it: the shipped specifications for a school attendance
summary, a case-management referral list and a health attendance list load their samples exactly,
the records they load drive the prompts, and `import suggest` drafts load each sample unedited."""

from __future__ import annotations

import importlib.util
import json
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
CASES = [
    ("school-attendance-summary", "ATTENDANCE_SUMMARY", "SchoolRecord"),
    ("referral-list", "REFERRAL_LIST", "Referral"),
    ("health-attendances", "HEALTH_LIST", "HealthAttendance"),
]


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


@pytest.mark.parametrize(("name", "rows", "entity"), CASES)
def test_the_committed_sample_is_what_make_samples_writes(
    tmp_path: Path, name: str, rows: str, entity: str
) -> None:
    written = _samples().write_table(getattr(_samples(), rows), tmp_path / f"{name}.csv")
    assert written.read_bytes() == (FIXTURES / f"{name}.csv").read_bytes()


@pytest.mark.parametrize(("name", "rows", "entity"), CASES)
def test_each_sample_loads_exactly(store: LadybugStore, name: str, rows: str, entity: str) -> None:
    expected = getattr(_samples(), f"{rows}_EXPECTED")
    report = import_path(
        store, load_spec(shipped_spec(name)), FIXTURES / f"{name}.csv", dataset="op"
    )
    assert (report.rows_loaded, report.quarantined) == ({f"{name}.csv": expected["rows"]}, 0)
    counts = store.counts()
    assert {k: counts[k] for k in expected if k != "rows"} == {
        k: v for k, v in expected.items() if k != "rows"
    }
    frame = store.nodes(entity)
    assert frame["extra"].isna().all() or not any(
        json.loads(x) for x in frame["extra"].dropna()
    )  # every column placed


def test_school_summary_values(store: LadybugStore) -> None:
    import_path(
        store,
        load_spec(shipped_spec("school-attendance-summary")),
        FIXTURES / "school-attendance-summary.csv",
        dataset="sch",
    )
    rows = store.nodes("SchoolRecord").set_index("id")
    drop = rows.loc["A821400012001/04/01/2011"]
    assert (drop["attendance_pct"], drop["unauthorised_sessions"], drop["recorded_as"]) == (
        37.0,
        61,
        "temporarily_absent",
    )
    assert (
        str(drop["period_start"])[:10] == "2011-01-04"
        and str(drop["period_end"])[:10] == "2011-04-08"
    )
    assert rows.loc["A821400012003/04/01/2011", "recorded_as"] == "missing_education"  # CME
    assert set(store.links("CONCERNS")["to_key"]) == {
        "sch:A821400012001",
        "sch:A821400012002",
        "sch:A821400012003",
    }


def test_referral_list_values_and_prompts(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "import",
            str(shipped_spec("referral-list")),
            str(FIXTURES / "referral-list.csv"),
            "--dataset",
            "csc",
            "--store",
            str(store_dir),
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    with LadybugStore(store_dir) as opened:
        rows = opened.nodes("Referral").set_index("id")
    icpc = rows.loc["REF-2011-0141"]
    assert (icpc["kind"], icpc["from_agency"], icpc["to_agency"], icpc["received"]) == (
        "conference_request",
        "police",
        "children_social_care",
        "unknown",
    )
    refused = rows.loc["REF-2011-0192"]
    assert (
        refused["kind"],
        refused["from_agency"],
        refused["outcome"],
        refused["reason"],
        refused["received"],
    ) == ("referral", "voluntary", "refused", "No new information", "yes")
    assert rows.loc["REF-2011-0187", "received"] == "no"
    # The loaded list drives the escalation prompts: the conference request and the school's referral
    # went unanswered, the conference was never held; the accepted referral raises nothing.
    found = runner.invoke(
        app, ["referrals", "prompts", "--on", "2011-04-20", "--store", str(store_dir), "--json"]
    )
    assert found.exit_code == 0, found.output
    got = {(p["referral"], p["rule"]) for p in json.loads(found.stdout)}
    assert got == {
        ("REF-2011-0141", "unanswered"),
        ("REF-2011-0141", "meeting_not_held"),
        ("REF-2011-0187", "unanswered"),
    }


def test_health_list_values(store: LadybugStore) -> None:
    import_path(
        store,
        load_spec(shipped_spec("health-attendances")),
        FIXTURES / "health-attendances.csv",
        dataset="nhs",
    )
    rows = store.nodes("HealthAttendance").set_index("id")
    assert list(rows.loc[["ED-55120", "ED-55187", "ED-55230"], "kind"]) == [
        "ambulance",
        "sexual_health",
        "a_and_e",
    ]
    assert list(rows.loc["ED-55230", "shared_with"]) == ["children_social_care", "police"]
    assert str(rows.loc["ED-55120", "attended_at"]) == "2011-03-19 23:40:00"
    source = store.nodes("Source").set_index("id").loc["HEALTH-ATTENDANCES"]
    assert (source["agency"], source["handling"]) == (
        "health",
        "C",
    )  # health records: restricted by default


@pytest.mark.parametrize(("name", "rows", "entity"), CASES)
def test_suggest_drafts_load_each_sample_unedited(
    tmp_path: Path, name: str, rows: str, entity: str
) -> None:
    runner = CliRunner()
    drafted = runner.invoke(app, ["import", "suggest", str(FIXTURES / f"{name}.csv")])
    assert drafted.exit_code == 0, drafted.output
    draft = tmp_path / "draft.yaml"
    draft.write_text(drafted.stdout, encoding="utf-8")
    with LadybugStore(tmp_path / "store") as opened:
        report = import_path(opened, load_spec(draft), FIXTURES / f"{name}.csv", dataset="d")
    assert (report.rows_loaded, report.quarantined) == (
        {f"{name}.csv": getattr(_samples(), f"{rows}_EXPECTED")["rows"]},
        0,
    )
