"""On the demo, each planted safeguarding-record case produces exactly its prompt and nothing else (real CLI, --json)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.demo import planted

runner = CliRunner()


def _run(store: Path, *words: str) -> object:
    result = runner.invoke(app, [*words, "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_referral_prompts_are_exactly_the_planted_ones(demo_store_path: Path) -> None:
    found = _run(demo_store_path, "referrals", "prompts", "--on", planted.RECORDS_ON)
    assert isinstance(found, list)
    assert {(p["child"], p["referral"], p["rule"]) for p in found} == planted.REFERRAL_PROMPTS
    assert len(found) == len(planted.REFERRAL_PROMPTS)
    refusal = next(p for p in found if p["rule"] == "refused_no_new_information")
    assert {e["id"] for e in refusal["evidence"][1:]} == planted.REFUSAL_NEW_INFORMATION
    assert refusal["new_information_from"] == ["health", "voluntary"]
    for p in found:
        assert p["chase"] and p["evidence"][0]["id"] == p["referral"] and p["evidence"][0]["agency"]


def test_risk_prompts_are_exactly_the_planted_ones(demo_store_path: Path) -> None:
    found = _run(demo_store_path, "risk", "prompts", "--on", planted.RECORDS_ON)
    assert isinstance(found, list)
    got = {
        (
            p["child"],
            p["rule"],
            p.get("record") or p.get("assessment") or p.get("episode") or p.get("phone"),
        )
        for p in found
    }
    assert got == planted.RISK_PROMPTS | planted.CHILD_SIDE_PROMPTS
    assert len(found) == len(planted.RISK_PROMPTS) + len(planted.CHILD_SIDE_PROMPTS)
    drop = next(p for p in found if p["rule"] == "attendance_drop")
    assert (drop["previous_pct"], drop["attendance_pct"]) == (84.0, 37.0)
    assert all(p["evidence"] for p in found)


def test_c1_chronology_reads_as_the_review_does(demo_store_path: Path) -> None:
    rows = _run(
        demo_store_path, "chronology", "C1", "--include-restricted"
    )  # social care and health: handling C
    assert isinstance(rows, list)
    lines = [
        f"{(r['at'] or '')[:10]} {r['agency']}: {r['what']}"
        for r in rows
        if r["at"] and r["at"] >= "2011-01-01"
    ]
    text = "\n".join(lines)
    # who was asked, who answered, which agency knew what
    expected_in_order = [
        "2011-01-01 children_social_care: allocated social_worker Social worker two",
        "2011-01-04 education: school attendance 37%",
        "2011-02-14 police: conference request from police to children_social_care (Children's social care duty manager)",
        "2011-03-19 health: ambulance call-out: collected intoxicated from a street near the takeaway; shared with no other agency",
        "2011-03-21 voluntary: gift: top up (£20) from A1",
        "2011-03-21 police: CSE risk assessment: high by CSE hub officer",
        "2011-03-25 health: sexual health attendance",
        "2011-03-28 education: referral from education to children_social_care (Children's social care front door): "
        "C1 found with cannabis in school; the school told the police [no record of receipt]",
        "2011-04-01 children_social_care: allocated social_worker Social worker three",
        "2011-04-04 voluntary: referral from voluntary to children_social_care",
        "2011-04-04 voluntary: received by children_social_care: RF2",
        "2011-04-06 voluntary: response from children_social_care to RF2: refused (No new information)",
    ]
    at = -1
    for want in expected_in_order:
        hits = [i for i, line in enumerate(lines) if line.startswith(want)]
        assert hits, f"missing from C1's chronology: {want}\n{text}"
        assert hits[0] > at, f"out of order: {want}"
        at = hits[0]
    assert "[receipt not known]" in text  # RF3: nobody recorded receiving the conference request


def test_the_new_files_are_in_the_demo_and_load_without_quarantine(tmp_path: Path) -> None:
    from graph_intel.demo import story, write_demo

    folder = write_demo(tmp_path / "demo")
    for name in (
        "referrals.csv",
        "school_records.csv",
        "health_attendances.csv",
        "gifts.csv",
        "allocations.csv",
        "risk_assessments.csv",
    ):
        assert (folder / name).exists() and name in story.COLUMNS


def test_the_briefing_carries_the_record_for_a_child_on_the_matrix(tmp_path: Path) -> None:
    from graph_intel.demo import write_demo

    store = str(tmp_path / "s")
    assert runner.invoke(
        app, ["ingest", str(write_demo(tmp_path / "demo")), "--store", store]
    ).exit_code in (0, 1)
    for child in ("C1", "C3", "C8"):
        done = runner.invoke(
            app,
            [
                "matrix",
                "set",
                child,
                "red",
                "--by",
                "DS Ash",
                "--review",
                "2011-05-01",
                "--reason",
                "hub screening",
                "--store",
                store,
            ],
        )
        assert done.exit_code == 0, done.output
    doc = _run(Path(store), "briefing", "--since", "2011-03-15", "--as-of", planted.RECORDS_ON)
    assert isinstance(doc, dict)
    kids = {c["person_id"]: c for c in doc["children"]}
    c1 = kids["C1"]
    assert {p["referral"] for p in c1["unanswered_referrals"]} == {"RF1", "RF3"}
    assert {(p["referral"], p["rule"]) for p in c1["escalations"]} == {
        (r, rule) for child, r, rule in planted.REFERRAL_PROMPTS if child == "C1"
    }
    # The health source (S5) is handling code C: its attendances are left out unless asked for.
    assert {e["id"] for e in c1["new_concerns"]} == {"G1", "G2", "SR2"}
    assert (
        c1["new_allocations"] == []
    )  # AL3's source (S3, children's social care) is handling code C: left out
    assert [p["assessment"] for p in kids["C3"]["overdue_reviews"]] == ["RA2"]
    assert [p["rule"] for p in kids["C8"]["risk_prompts"]] == ["under_13_not_referred"]
    assert kids["C8"]["escalations"] == [] and kids["C3"]["new_concerns"] == []


def test_child_side_prompts_are_exactly_the_planted_ones_with_their_evidence(
    demo_store_path: Path,
) -> None:
    found = _run(demo_store_path, "risk", "prompts", "--on", planted.RECORDS_ON)
    assert isinstance(found, list)
    side = [p for p in found if p["rule"] in ("new_phone", "missing_together")]
    assert {
        (p["child"], p["rule"], p.get("phone") or p["episode"]) for p in side
    } == planted.CHILD_SIDE_PROMPTS
    assert len(side) == len(planted.CHILD_SIDE_PROMPTS)
    phone = next(p for p in side if p["rule"] == "new_phone")
    assert (phone["attributed_at"][:10], phone["first_phone"]) == ("2011-04-02", "+447700900105")
    assert [(e["record"], e["id"], e["agency"]) for e in phone["evidence"]] == [
        ("link", "+447700900135", "police"),
        ("link", "+447700900105", "children_social_care"),
    ]
    together = {p["child"]: p for p in side if p["rule"] == "missing_together"}
    assert (together["C7"]["with"], together["C5"]["with"]) == ("C5", "C7")
    assert together["C7"]["same_episode"] and [e["id"] for e in together["C7"]["evidence"]] == [
        "E39"
    ]
    # Before the facts, neither prompt: the phone is first seen on 2 April, the episode began on 19 March.
    early = _run(demo_store_path, "risk", "prompts", "--on", "2011-03-18")
    assert isinstance(early, list) and not [
        p for p in early if p["rule"] in ("new_phone", "missing_together")
    ]


def test_child_side_prompts_in_the_chronology(demo_store_path: Path) -> None:
    # the demo's social care records carry handling C: asked for (the prompts rest on them), and marked
    rows = _run(demo_store_path, "chronology", "C7", "--include-restricted")
    assert isinstance(rows, list)
    prompts = [r for r in rows if r["record"] == "prompt" and r.get("rule")]
    assert [(r["rule"], r["id"], r["at"][:10]) for r in prompts] == [
        ("missing_together", "E39", "2011-03-19")
    ]
    assert "same episode as C5" in prompts[0]["what"] and prompts[0]["evidence"][0]["id"] == "E39"
    c5 = _run(demo_store_path, "chronology", "C5", "--include-restricted")
    assert isinstance(c5, list)
    assert sorted(
        (r["rule"], r["id"]) for r in c5 if r["record"] == "prompt" and r.get("rule")
    ) == [("missing_together", "E39"), ("new_phone", "+447700900135")]
