"""Chronology flags, the CSE matrix history and the hub briefing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from graph_intel.demo import planted
from graph_intel.safeguarding.briefing import briefing
from graph_intel.safeguarding.chronology import chronology, chronology_rows, flags
from graph_intel.safeguarding.matrix import MatrixError, matrix_list, set_status

CHILDREN = [f"C{i}" for i in range(1, 9)]


def test_demo_chronology_flags_exactly_as_planted(demo_store) -> None:  # type: ignore[no-untyped-def]
    got = {}
    for child in CHILDREN:
        found = flags(chronology_rows(demo_store, f"demo:{child}"))
        if found:
            got[child] = [
                (f.start.date().isoformat(), f.end.date().isoformat(), frozenset(f.agencies))
                for f in found
            ]
    assert got == planted.CHRONOLOGY_FLAGS
    assert not set(got) & planted.CHRONOLOGY_NOT_FLAGGED


def test_chronology_oldest_first_with_agencies(demo_store) -> None:  # type: ignore[no-untyped-def]
    # the demo's social care and health sources carry handling C: asked for, and marked
    rows = chronology(demo_store, "demo:C8", include_restricted=True)
    dated = [r["at"] for r in rows if r["at"]]
    assert dated == sorted(dated)
    assert {"at", "what", "agency", "source_id"} <= set(rows[0])
    agencies = {r["agency"] for r in rows}
    assert {"education", "youth_offending", "police", "children_social_care"} <= agencies
    assert any(r["id"] == "E19" for r in rows)


def test_a_meeting_after_the_window_does_not_count() -> None:
    def ev(at: str, kind: str, agency: str, eid: str) -> dict[str, object]:
        return {"at": at, "event_kind": kind, "agency": agency, "agencies": [agency], "id": eid}

    rows = [
        ev("2011-01-01T10:00:00", "incident", "education", "a"),
        ev("2011-01-20T10:00:00", "incident", "health", "b"),
    ]
    assert (
        len(flags(rows + [ev("2011-02-25T10:00:00", "referral", "children_social_care", "r")])) == 1
    )
    assert (
        flags(rows + [ev("2011-02-15T10:00:00", "strategy_meeting", "children_social_care", "m")])
        == []
    )
    far = [
        ev("2011-01-01T10:00:00", "incident", "education", "a"),
        ev("2011-02-05T10:00:00", "incident", "health", "b"),
    ]
    assert flags(far) == []  # 35 days apart


def test_matrix_is_append_only_history(matrix_store) -> None:  # type: ignore[no-untyped-def]
    set_status(
        matrix_store,
        "C1",
        "Red",
        "DS Ash",
        "2011-07-01",
        "missing and CAWN breached",
        at=datetime(2011, 6, 1, 9),
    )
    set_status(
        matrix_store,
        "C1",
        "amber",
        "DS Ash",
        "2011-08-01",
        "strategy meeting held",
        at=datetime(2011, 7, 2, 9),
    )
    rows = {r["person_id"]: r for r in matrix_list(matrix_store, date(2011, 7, 8))}
    c1 = rows["C1"]
    assert (c1["rag"], c1["by"], c1["review"], c1["review_due"]) == (
        "amber",
        "DS Ash",
        "2011-08-01",
        False,
    )
    assert [h["rag"] for h in c1["history"]] == ["red", "amber"]
    with pytest.raises(MatrixError):
        set_status(matrix_store, "C1", "purple", "x", "2011-08-01", "y")
    with pytest.raises(MatrixError):
        set_status(matrix_store, "C1", "red", "x", "next week", "y")


def test_briefing(matrix_store) -> None:  # type: ignore[no-untyped-def]
    set_status(
        matrix_store,
        "C3",
        "red",
        "SW Birch",
        "2011-06-01",
        "picked up by car",
        at=datetime(2011, 5, 21, 9),
    )
    doc = briefing(matrix_store, date(2011, 2, 1), date(2011, 7, 8))
    kids = {c["person_id"]: c for c in doc["children"]}
    assert {"C1", "C3"} <= set(kids)
    c3 = kids["C3"]
    assert {"person_id", "rag", "new_adults", "new_missing", "triggers", "breaches"} <= set(c3)
    assert c3["triggers"] == ["three_working_days"] and c3["new_missing"] == 1
    assert [b["served_on"] for b in c3["breaches"]] == ["A12"] and c3["review_due"]
    assert "A13" in c3["new_adults"]  # drove the Astra that picked C3 up on 2011-05-20
    c1 = kids["C1"]
    assert {e["at"] for b in c1["breaches"] for e in b["evidence"]} == {"2011-02-11T22:40:00"}
    assert c1["new_missing"] == 1 and c1["triggers"] == []
