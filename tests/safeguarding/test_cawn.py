"""CAWN eligibility, candidates and breaches: ages, every legal status, and the demo's plants."""

from __future__ import annotations

from datetime import date

import pytest

from graph_intel.demo import planted
from graph_intel.safeguarding.cawn import (
    age_on,
    breaches,
    candidates,
    eligibility,
    eligible_children,
    served_json,
)


def test_age_on_birthdays() -> None:
    assert age_on(date(1995, 6, 20), date(2011, 6, 19)) == 15
    assert age_on(date(1995, 6, 20), date(2011, 6, 20)) == 16
    # born 29 February: a year older on 1 March in common years, on 29 February in leap years
    assert age_on(date(1996, 2, 29), date(2012, 2, 28)) == 15
    assert age_on(date(1996, 2, 29), date(2012, 2, 29)) == 16
    assert age_on(date(1996, 2, 29), date(2013, 2, 28)) == 16
    assert age_on(date(1996, 2, 29), date(2013, 3, 1)) == 17


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, (False, "aged_16_17_not_in_care")),
        ("care_order", (True, "in_care_under_18")),
        ("interim_care_order", (True, "in_care_under_18")),
        ("emergency_protection_order", (True, "in_care_under_18")),
        ("police_protection", (True, "in_care_under_18")),
        ("accommodated_s20", (False, "accommodated_s20_not_covered")),
    ],
)
def test_every_legal_status_at_16_and_15(status: str | None, expected: tuple[bool, str]) -> None:
    dob = date(1995, 3, 1)
    assert eligibility(dob, status, date(2011, 3, 1)) == expected
    assert eligibility(dob, status, date(2011, 2, 28)) == (True, "under_16")
    assert eligibility(dob, status, date(2013, 3, 1)) is None  # 18: not a child
    assert eligibility(None, status, date(2011, 3, 1)) is None


@pytest.mark.parametrize("on", sorted(planted.CAWN_ELIGIBLE_ON))
def test_demo_eligibility_exactly_as_planted(demo_store, on: date) -> None:  # type: ignore[no-untyped-def]
    rows = eligible_children(demo_store, on)
    assert {r["person_id"]: r["reason"] for r in rows} == planted.CAWN_ELIGIBLE_ON[on]
    assert all(r["eligible"] for r in rows)
    everyone = eligible_children(demo_store, on, include_all=True)
    not_covered = {r["person_id"]: r["reason"] for r in everyone if not r["eligible"]}
    assert not_covered == planted.NOT_COVERED[on]


def test_demo_notices(demo_store) -> None:  # type: ignore[no-untyped-def]
    got = {
        (n["served_on"], n["child"]): (n["notice"], n["served_at"]) for n in served_json(demo_store)
    }
    assert got == planted.CAWN_SERVED


def test_demo_breaches_exactly_as_planted(demo_store) -> None:  # type: ignore[no-untyped-def]
    got = {
        (b["served_on"], b["child"]): frozenset(e["at"] for e in b["evidence"])
        for b in breaches(demo_store)
    }
    assert got == planted.BREACHES
    for b in breaches(demo_store):
        assert all(e["at"] > b["served_at"] and e["source_id"] for e in b["evidence"])


def test_demo_candidates(demo_store) -> None:  # type: ignore[no-untyped-def]
    rows = candidates(demo_store, planted.AS_OF)
    pairs = {(r["adult"], r["child"]) for r in rows}
    covered = set(planted.CAWN_ELIGIBLE_ON[planted.AS_OF])
    assert not pairs & set(planted.CAWN_SERVED)  # warned pairs are not candidates
    assert {c for _, c in pairs} <= covered and "C4" not in {c for _, c in pairs}
    assert {("A20", "C1"), ("A26", "C3"), ("A15", "C5"), ("A11", "C6")} <= pairs
    assert all(r["evidence"] == len(r["items"]) for r in rows)
    keys = [(-r["evidence"], r["last_contact"]) for r in rows]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    a26 = next(r for r in rows if (r["adult"], r["child"]) == ("A26", "C3"))
    assert {i["kind"] for i in a26["items"]} == {"together", "handset_contact"}
