"""Referral escalation prompts on small hand-built cases, through the real CLI with --json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from record_case import write_case
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.safeguarding.referrals import (
    ReferralRules,
    add_working_days,
    due_date,
    says_no_new_information,
)

runner = CliRunner()


def _prompts(tmp_path: Path, on: str, **files: list[dict[str, str]]) -> list[dict]:
    folder = write_case(tmp_path / "case", **files)
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["ingest", str(folder), "--store", store]).exit_code in (0, 1)
    result = runner.invoke(app, ["referrals", "prompts", "--on", on, "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- due dates in working days -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2011, 4, 21), 1, date(2011, 4, 26)),  # Thursday before Good Friday and Easter Monday
        (
            date(2011, 4, 21),
            5,
            date(2011, 5, 4),
        ),  # also the royal wedding (29 Apr) and May Day (2 May)
        (date(2011, 3, 4), 1, date(2011, 3, 7)),  # a Friday: due on Monday
        (date(2011, 3, 5), 1, date(2011, 3, 7)),  # sent on a Saturday: the next working day
        (date(2011, 12, 23), 1, date(2011, 12, 28)),  # Christmas, Boxing Day, Christmas (observed)
        (date(2011, 3, 7), 15, date(2011, 3, 28)),  # fifteen working days: three weeks
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due


def test_a_recorded_due_date_stands_and_a_blank_one_is_computed_by_kind() -> None:
    assert due_date({"due": "2011-03-31", "sent_at": "2011-03-01"}) == (date(2011, 3, 31), False)
    assert due_date({"kind": "conference_request", "sent_at": "2011-04-21T16:00:00"}) == (
        date(2011, 5, 18),
        True,
    )
    rules = ReferralRules(due_working_days={"referral": 2})
    assert due_date({"kind": "referral", "sent_at": "2011-04-21"}, rules) == (
        date(2011, 4, 27),
        True,
    )


def test_no_new_information_is_read_in_its_usual_wordings() -> None:
    for reason in (
        "No new information",
        "refused: no new  information since last referral",
        "Nothing new to assess",
    ):
        assert says_no_new_information(reason)
    assert not says_no_new_information("threshold not met")
    assert not says_no_new_information(None)


# -- unanswered ----------------------------------------------------------------------------------
REF = {
    "referral_id": "R1",
    "child_id": "C1",
    "kind": "referral",
    "from_agency": "education",
    "to_agency": "children_social_care",
    "to_contact": "Duty team",
    "sent_at": "2011-04-21T10:00:00",
    "source_id": "SCH",
}


def test_a_referral_with_no_receipt_is_a_prompt_only_once_its_due_date_passes(
    tmp_path: Path,
) -> None:
    found = _prompts(tmp_path, "2011-04-26", referrals=[{**REF, "received": "no"}])
    assert found == []  # due 26 April (Easter): not yet overdue on the day
    found = _prompts(tmp_path / "b", "2011-04-27", referrals=[{**REF, "received": "no"}])
    assert [p["rule"] for p in found] == ["unanswered"]
    p = found[0]
    assert (
        p["child"] == "C1"
        and p["referral"] == "R1"
        and p["due"] == "2011-04-26"
        and p["due_computed"]
    )
    assert p["missing"] == ["no receipt recorded", "no response recorded"]
    assert p["chase"] == "Duty team (children_social_care)" and p["escalate_by"] == "education"
    assert (
        p["evidence"][0]["id"] == "R1"
        and p["evidence"][0]["agency"] == "education"
        and p["evidence"][0]["grading"]
    )


def test_received_and_answered_in_time_is_no_prompt_but_an_answer_after_the_date_asked_is_not_known(
    tmp_path: Path,
) -> None:
    answered = {
        **REF,
        "received": "yes",
        "received_at": "2011-04-21T11:00:00",
        "outcome": "accepted",
        "responded_at": "2011-05-10T09:00:00",
    }
    assert _prompts(tmp_path, "2011-05-11", referrals=[answered]) == []
    found = _prompts(tmp_path / "b", "2011-05-03", referrals=[answered])
    assert [p["missing"] for p in found] == [["no response recorded"]]


def test_an_outcome_of_no_response_is_unanswered(tmp_path: Path) -> None:
    found = _prompts(
        tmp_path, "2011-06-01", referrals=[{**REF, "received": "yes", "outcome": "no_response"}]
    )
    assert [(p["rule"], p["missing"]) for p in found] == [("unanswered", ["no response recorded"])]


# -- refused for no new information --------------------------------------------------------------
REFUSAL = {
    "referral_id": "R2",
    "child_id": "C1",
    "kind": "referral",
    "from_agency": "voluntary",
    "to_agency": "children_social_care",
    "sent_at": "2011-03-10T09:00:00",
    "received": "yes",
    "received_at": "2011-03-10T10:00:00",
    "outcome": "refused",
    "reason": "No new information",
    "responded_at": "2011-03-11T15:00:00",
    "source_id": "YW",
}


def test_a_refusal_while_another_agency_held_new_concerns_is_a_prompt_with_them_as_evidence(
    tmp_path: Path,
) -> None:
    health = [
        {
            "attendance_id": "H1",
            "child_id": "C1",
            "kind": "sexual_health",
            "attended_at": "2011-03-01T15:00:00",
            "source_id": "NHS",
        }
    ]
    old = [
        {
            "attendance_id": "H0",
            "child_id": "C1",
            "kind": "a_and_e",
            "attended_at": "2011-01-20T15:00:00",
            "source_id": "NHS",
        }
    ]
    found = _prompts(tmp_path, "2011-03-20", referrals=[REFUSAL], health_attendances=health + old)
    assert [p["rule"] for p in found] == ["refused_no_new_information"]
    p = found[0]
    assert p["new_information_from"] == ["health"] and p["reason"] == "No new information"
    assert [e["id"] for e in p["evidence"]] == [
        "R2",
        "H1",
    ]  # H0 is older than 30 days before the refusal
    assert "children_social_care" in p["chase"]


def test_a_refusal_with_no_new_concerns_elsewhere_is_no_prompt(tmp_path: Path) -> None:
    old = [
        {
            "attendance_id": "H0",
            "child_id": "C1",
            "kind": "a_and_e",
            "attended_at": "2011-01-20T15:00:00",
            "source_id": "NHS",
        }
    ]
    own = [
        {
            "record_id": "SA1",
            "child_id": "C1",
            "kind": "exclusion",
            "period_start": "2011-03-02",
            "source_id": "CSC",
        }
    ]
    assert (
        _prompts(
            tmp_path, "2011-03-20", referrals=[REFUSAL], health_attendances=old, school_records=own
        )
        == []
    )


def test_a_refusal_for_another_reason_is_no_prompt(tmp_path: Path) -> None:
    health = [
        {
            "attendance_id": "H1",
            "child_id": "C1",
            "kind": "sexual_health",
            "attended_at": "2011-03-01T15:00:00",
            "source_id": "NHS",
        }
    ]
    found = _prompts(
        tmp_path,
        "2011-03-20",
        referrals=[{**REFUSAL, "reason": "threshold not met"}],
        health_attendances=health,
    )
    assert found == []


# -- meetings requested and not held -------------------------------------------------------------
CONF = {
    "referral_id": "R3",
    "child_id": "C1",
    "kind": "conference_request",
    "from_agency": "police",
    "to_agency": "children_social_care",
    "sent_at": "2011-03-01T09:00:00",
    "due": "2011-03-22",
    "received": "yes",
    "outcome": "accepted",
    "source_id": "POL",
}


def test_a_conference_requested_and_never_held_is_a_prompt(tmp_path: Path) -> None:
    found = _prompts(tmp_path, "2011-03-30", referrals=[CONF])
    assert [(p["rule"], p["referral"], p["escalate_by"]) for p in found] == [
        ("meeting_not_held", "R3", "police")
    ]


def test_a_conference_held_after_the_request_clears_it(tmp_path: Path) -> None:
    events = [
        {
            "event_id": "E1",
            "kind": "child_protection_conference",
            "start": "2011-03-21T10:00:00",
            "source_id": "CSC",
        }
    ]
    parts = [
        {"event_id": "E1", "kind": "person", "id": "C1", "role": "subject", "source_id": "CSC"}
    ]
    assert (
        _prompts(tmp_path, "2011-03-30", referrals=[CONF], events=events, event_participants=parts)
        == []
    )
    before = [
        {**events[0], "start": "2011-02-21T10:00:00"}
    ]  # a meeting before the request does not answer it
    found = _prompts(
        tmp_path / "b", "2011-03-30", referrals=[CONF], events=before, event_participants=parts
    )
    assert [p["rule"] for p in found] == ["meeting_not_held"]


def test_a_bad_date_is_exit_2_and_an_empty_store_has_no_prompts(tmp_path: Path) -> None:
    folder = write_case(tmp_path / "case")
    store = str(tmp_path / "s")
    runner.invoke(app, ["ingest", str(folder), "--store", store])
    bad = runner.invoke(
        app, ["referrals", "prompts", "--on", "next week", "--store", store, "--json"]
    )
    assert bad.exit_code == 2
    ok = runner.invoke(
        app, ["referrals", "prompts", "--on", "2011-03-31", "--store", store, "--json"]
    )
    assert ok.exit_code == 0 and json.loads(ok.stdout) == []
