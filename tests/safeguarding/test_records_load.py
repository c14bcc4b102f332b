"""The safeguarding record files load through the real CLI, quarantine bad rows, and export back exactly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from record_case import EVERY_RECORD, write_case
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.export import export
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

runner = CliRunner()


def _ingest(folder: Path, store: Path) -> dict:
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_every_record_file_loads_with_its_child_and_provenance(tmp_path: Path) -> None:
    doc = _ingest(write_case(tmp_path / "case", **EVERY_RECORD), tmp_path / "s")
    assert doc["quarantined"] == 0, doc
    stats = json.loads(
        runner.invoke(app, ["stats", "--store", str(tmp_path / "s"), "--json"]).stdout
    )
    assert (
        stats["referrals"] == 2
        and stats["school_records"] == 3
        and stats["health_attendances"] == 2
    )
    assert stats["gifts"] == 2 and stats["allocations"] == 2 and stats["risk_assessments"] == 1
    assert stats["links"]["concerns"] == 12 and stats["links"]["given_by"] == 1
    shown = json.loads(
        runner.invoke(
            app, ["show", "referral", "R1", "--store", str(tmp_path / "s"), "--json"]
        ).stdout
    )
    assert shown["properties"]["received"] == "no"
    assert shown["properties"]["first_seen"].startswith("2011-03-04T10:00")
    assert any(link["link"] == "concerns" for link in shown["links"])


def test_bad_rows_are_quarantined_with_line_and_field(tmp_path: Path) -> None:
    bad = {
        "referrals": [
            {
                "referral_id": "R1",
                "child_id": "",
                "kind": "referral",
                "sent_at": "2011-03-04",
                "source_id": "SCH",
            },
            {
                "referral_id": "R2",
                "child_id": "C1",
                "kind": "phone_call",
                "sent_at": "2011-03-04",
                "source_id": "SCH",
            },
            {
                "referral_id": "R3",
                "child_id": "C1",
                "received": "maybe",
                "sent_at": "4/3/2011",
                "source_id": "SCH",
            },
            {"referral_id": "R4", "child_id": "C1", "sent_at": "2011-03-04", "source_id": "NOPE"},
            {"referral_id": "R5", "child_id": "C1", "sent_at": "2011-03-04", "source_id": "SCH"},
        ],
        "school_records": [
            {"record_id": "SA1", "child_id": "C1", "attendance_pct": "eighty", "source_id": "SCH"}
        ],
    }
    doc = _ingest(write_case(tmp_path / "case", **bad), tmp_path / "s")
    assert doc["quarantined"] == 5  # rows: R1-R4 and SA1
    with open(doc["quarantine_file"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = {(r["file"].rsplit("/", 1)[-1], r["line"], r["field"]) for r in rows}
    assert ("referrals.csv", "2", "child_id") in fields
    assert ("referrals.csv", "3", "kind") in fields
    assert ("referrals.csv", "4", "received") in fields and (
        "referrals.csv",
        "4",
        "sent_at",
    ) in fields
    assert ("referrals.csv", "5", "source_id") in fields
    assert ("school_records.csv", "2", "attendance_pct") in fields


def test_a_record_file_without_its_child_column_is_refused(tmp_path: Path) -> None:
    folder = write_case(
        tmp_path / "case", referrals=[{"referral_id": "R1", "sent_at": "2011-03-04"}]
    )
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "child_id" in result.output


def test_record_files_export_back_exactly(tmp_path: Path) -> None:
    from test_export import _assert_same_graph

    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        ingest(a, write_case(tmp_path / "case", **EVERY_RECORD), dataset="hub")
        written = export(a, tmp_path / "out")
        for name, rows in EVERY_RECORD.items():
            assert written["hub"][f"{name}.csv"] == len(rows)
        report = ingest(b, tmp_path / "out" / "hub", dataset="hub")
        assert report.quarantined == 0
        _assert_same_graph(a, b)
