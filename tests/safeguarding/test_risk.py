"""CSE risk prompts on small hand-built cases, through the real CLI with --json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from record_case import write_case
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.safeguarding.risk import RiskRules, default_rules

runner = CliRunner()


def _prompts(tmp_path: Path, on: str, **files: list[dict[str, str]]) -> list[dict]:
    folder = write_case(tmp_path / "case", **files)
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["ingest", str(folder), "--store", store]).exit_code in (0, 1)
    result = runner.invoke(app, ["risk", "prompts", "--on", on, "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _assessment(level: str, at: str = "2011-01-10", **more: str) -> dict[str, str]:
    return {
        "assessment_id": f"RA-{level}",
        "child_id": "C1",
        "assessed_at": at,
        "assessor": "Hub officer 1",
        "level": level,
        "source_id": "POL",
        **more,
    }


def test_the_shipped_tool_has_fourteen_indicators_and_the_review_periods() -> None:
    rules = default_rules()
    assert len(rules.indicators) == 14
    assert rules.review_months == {"high": 2, "medium": 3, "low": 3} and rules.refer_under_age == 13


@pytest.mark.parametrize(
    ("level", "due"),
    [("high", date(2011, 3, 10)), ("medium", date(2011, 4, 10)), ("low", date(2011, 4, 10))],
)
def test_review_cadence_per_level(level: str, due: date) -> None:
    assert default_rules().review_due({"level": level, "assessed_at": "2011-01-10T11:00:00"}) == due


def test_a_month_end_review_falls_on_the_last_day_of_a_shorter_month() -> None:
    assert default_rules().review_due({"level": "high", "assessed_at": "2010-12-31"}) == date(
        2011, 2, 28
    )


@pytest.mark.parametrize(
    ("level", "quiet", "overdue"),
    [("high", "2011-03-10", "2011-03-11"), ("medium", "2011-04-10", "2011-04-11")],
)
def test_a_review_is_overdue_the_day_after_it_is_due(
    tmp_path: Path, level: str, quiet: str, overdue: str
) -> None:
    assert _prompts(tmp_path / "a", quiet, risk_assessments=[_assessment(level)]) == []
    found = _prompts(tmp_path / "b", overdue, risk_assessments=[_assessment(level)])
    assert [(p["rule"], p["level"], p["review_due"], p["review_due_computed"]) for p in found] == [
        ("review_overdue", level, quiet, True)
    ]
    assert found[0]["evidence"][0]["id"] == f"RA-{level}"


def test_a_later_assessment_resets_the_review_and_a_recorded_review_date_stands(
    tmp_path: Path,
) -> None:
    rows = [_assessment("high"), {**_assessment("low", "2011-03-01"), "assessment_id": "RA-2"}]
    assert _prompts(tmp_path / "a", "2011-04-01", risk_assessments=rows) == []
    found = _prompts(
        tmp_path / "b", "2011-02-02", risk_assessments=[_assessment("high", review_by="2011-02-01")]
    )
    assert [(p["review_due"], p["review_due_computed"]) for p in found] == [("2011-02-01", False)]


CHILD12 = [
    {
        "person_id": "C1",
        "given_name": "Tia",
        "family_name": "Marsh",
        "date_of_birth": "1998-06-01",
        "category": "child",
        "source_id": "CSC",
    }
]


def _under13(tmp_path: Path, referrals: list[dict[str, str]]) -> list[dict]:
    files = {"persons": CHILD12, "risk_assessments": [_assessment("low", "2011-03-01")]}
    if referrals:
        files["referrals"] = referrals
    return [
        p for p in _prompts(tmp_path, "2011-03-20", **files) if p["rule"] == "under_13_not_referred"
    ]


def test_an_under_13_assessed_and_not_referred_to_social_care_is_a_prompt(tmp_path: Path) -> None:
    found = _under13(tmp_path, [])
    assert [(p["child"], p["age_at_assessment"], p["assessment"]) for p in found] == [
        ("C1", 12, "RA-low")
    ]


def test_an_under_13_referred_to_social_care_is_no_prompt_but_a_referral_elsewhere_does_not_count(
    tmp_path: Path,
) -> None:
    ref = {
        "referral_id": "R1",
        "child_id": "C1",
        "kind": "referral",
        "from_agency": "police",
        "to_agency": "children_social_care",
        "sent_at": "2011-03-02",
        "source_id": "POL",
    }
    assert _under13(tmp_path / "a", [ref]) == []
    assert len(_under13(tmp_path / "b", [{**ref, "to_agency": "health"}])) == 1


def test_age_at_the_assessment_decides_the_under_13_rule(tmp_path: Path) -> None:
    files = {
        "persons": [{**CHILD12[0], "date_of_birth": "1998-02-01"}],
        "risk_assessments": [_assessment("low", "2011-03-01")],
    }
    assert [
        p for p in _prompts(tmp_path, "2011-03-20", **files) if p["rule"] == "under_13_not_referred"
    ] == []  # 13 on 1 Feb 2011


MISSING = {
    "events": [
        {
            "event_id": "M1",
            "kind": "missing_episode",
            "start": "2011-03-10T20:00:00",
            "end": "2011-03-11T09:00:00",
            "source_id": "POL",
        }
    ],
    "event_participants": [
        {"event_id": "M1", "kind": "person", "id": "C1", "role": "subject", "source_id": "POL"}
    ],
}


def test_a_missing_episode_with_no_assessment_is_a_prompt_and_one_after_an_assessment_is_not(
    tmp_path: Path,
) -> None:
    found = _prompts(tmp_path / "a", "2011-03-20", **MISSING)
    assert [(p["rule"], p["episode"]) for p in found] == [("missing_without_assessment", "M1")]
    assert found[0]["evidence"][0]["agency"] == "police"
    assessed = _prompts(
        tmp_path / "b",
        "2011-03-20",
        **MISSING,
        risk_assessments=[_assessment("medium", "2011-03-12")],
    )
    assert [p for p in assessed if p["rule"] == "missing_without_assessment"] == []
    old = _prompts(
        tmp_path / "c", "2011-05-20", **MISSING
    )  # the episode is older than the look-back
    assert old == []


def test_rules_are_data_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tool.yaml"
    path.write_text(
        "indicators: {a: one}\nreview_months: {high: 1, medium: 2, low: 6}\nrefer_under_age: 14\n"
    )
    rules = RiskRules.load(path)
    assert (
        rules.review_due({"level": "low", "assessed_at": "2011-01-10"}) == date(2011, 7, 10)
        and rules.refer_under_age == 14
    )
    path.write_text("review_monthz: {}\n")
    with pytest.raises(ValueError, match="review_monthz"):
        RiskRules.load(path)
    path.write_text("review_months: {high: 0, medium: 2, low: 6}\n")
    with pytest.raises(ValueError, match="review_months"):
        RiskRules.load(path)


def test_the_indicators_command_lists_the_tool(tmp_path: Path) -> None:
    folder = write_case(tmp_path / "case")
    store = str(tmp_path / "s")
    runner.invoke(app, ["ingest", str(folder), "--store", store])
    doc = json.loads(runner.invoke(app, ["risk", "indicators", "--store", store, "--json"]).stdout)
    assert len(doc["indicators"]) == 14 and doc["review_months"]["high"] == 2
