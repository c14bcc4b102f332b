"""The chronology interleaves the safeguarding record, and a referral with no receipt never clears a flag."""

from __future__ import annotations

import json
from pathlib import Path

from record_case import EVERY_RECORD, write_case
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()
HEALTH = [
    {
        "attendance_id": "H1",
        "child_id": "C1",
        "kind": "ambulance",
        "attended_at": "2011-03-06T02:10:00",
        "source_id": "NHS",
    }
]
EXCLUSION = [
    {
        "record_id": "EX1",
        "child_id": "C1",
        "kind": "exclusion",
        "period_start": "2011-03-14",
        "source_id": "SCH",
    }
]


def _chronology(tmp_path: Path, **files: list[dict[str, str]]) -> list[dict]:
    folder = write_case(tmp_path / "case", **files)
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["ingest", str(folder), "--store", store]).exit_code in (0, 1)
    result = runner.invoke(app, ["chronology", "C1", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _referral(received: str) -> list[dict[str, str]]:
    return [
        {
            "referral_id": "R1",
            "child_id": "C1",
            "kind": "referral",
            "from_agency": "education",
            "to_agency": "children_social_care",
            "sent_at": "2011-03-15T10:00:00",
            "received": received,
            "source_id": "SCH",
        }
    ]


def test_child_side_concerns_of_two_agencies_are_flagged(tmp_path: Path) -> None:
    rows = _chronology(tmp_path, health_attendances=HEALTH, school_records=EXCLUSION)
    flags = [r for r in rows if r["record"] == "flag"]
    assert len(flags) == 1 and flags[0]["flag"]["agencies"] == ["education", "health"]
    assert flags[0]["flag"]["events"] == ["H1", "EX1"]


def test_a_referral_with_no_record_of_receipt_never_clears_the_flag(tmp_path: Path) -> None:
    for received in ("no", "unknown"):
        rows = _chronology(
            tmp_path / received,
            health_attendances=HEALTH,
            school_records=EXCLUSION,
            referrals=_referral(received),
        )
        flags = [r for r in rows if r["record"] == "flag"]
        assert len(flags) == 1, received
        assert flags[0]["flag"]["unreceived_referrals"] == ["R1"]
        assert "no receipt recorded" in flags[0]["what"]


def test_a_referral_whose_receipt_is_recorded_clears_it(tmp_path: Path) -> None:
    rows = _chronology(
        tmp_path, health_attendances=HEALTH, school_records=EXCLUSION, referrals=_referral("yes")
    )
    assert [r for r in rows if r["record"] == "flag"] == []


def test_the_chronology_says_who_was_asked_and_who_answered(tmp_path: Path) -> None:
    rows = _chronology(tmp_path, **EVERY_RECORD)
    text = [
        (r["at"][:10] if r["at"] else None, r["record"], r["agency"], r["what"])
        for r in rows
        if r["record"] != "flag"
    ]
    whats = "\n".join(t[3] for t in text)
    assert (
        "referral from education to children_social_care (Duty team): cannabis in school [no record of receipt]"
        in whats
    )
    assert "conference request from police to children_social_care [receipt recorded]" in whats
    assert "received by children_social_care: R2" in whats
    assert "response from children_social_care to R2: refused (no new information)" in whats
    assert (
        "school attendance 37% from 2011-02-21 to 2011-04-01, 31 unauthorised sessions, recorded as temporarily absent"
        in whats
    )
    assert (
        "ambulance call-out: intoxicated, collected from a street; shared with no other agency"
        in whats
    )
    assert "gift: top up (£20) from A1" in whats
    assert "allocated social_worker Social worker 2 (children_social_care)" in whats
    assert "CSE risk assessment: medium by Hub officer 1" in whats
    dated = [r["at"] for r in rows if r["at"]]
    assert dated == sorted(dated)
    assert not any(
        r["what"].endswith("concerns this child") for r in rows
    )  # records have their own rows, not link rows
    agencies = {t[2] for t in text}
    assert {"education", "health", "voluntary", "police", "children_social_care"} <= agencies
