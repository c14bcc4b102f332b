"""The graph analyses made for scale give the answers of the plainer code they replaced.

Each reference here is the earlier implementation, kept on purpose (simple, obviously right, slow).
They are compared over the demo, over `demo --scale 1` (test_vectorised_same_answers.scale1_path)
and over a small case built here that holds what the fast paths must get right: ties (one person
attributed one vehicle twice on the same date, three adults on one phone, two adults of one home
seen on the same day, calls at the same minute), a child in a group's events and calls (and a
phone used while a child), and restricted sources (facts stated only by a handling-C source), read
both through the store and through the restricted view that viewers get.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from analysis_case import build_store
from analysis_case import link_row as _l
from test_vectorised_same_answers import reference_linked_groups

from graph_intel.analysis import groups as groups_mod
from graph_intel.analysis.evidence import (
    TOGETHER_EVENTS,
    VEHICLE_LINKS,
    attributions,
    contact_evidence,
)
from graph_intel.grading import MinGrade
from graph_intel.handling import restricted_view
from graph_intel.stores import GraphStore, open_store


def _p(pid: str, category: str = "suspect", dob: str = "1970-01-01") -> dict[str, str]:
    return {"person_id": pid, "category": category, "date_of_birth": dob, "source_id": "S1"}


def _call(caller: str, callee: str, start: str, source: str = "S1", kind: str = "voice") -> dict:
    return {
        "caller": caller,
        "callee": callee,
        "start": start,
        "duration_s": "30",
        "type": kind,
        "source_id": source,
    }


def _part(eid: str, pid: str, kind: str = "person", source: str = "S1") -> dict[str, str]:
    return {"event_id": eid, "kind": kind, "id": pid, "role": "with", "source_id": source}


def _ev(eid: str, kind: str, start: str, where: str, source: str = "S1") -> dict[str, str]:
    return {
        "event_id": eid,
        "kind": kind,
        "start": start,
        "location_id": where,
        "source_id": source,
    }


PHONE = {n: f"07700 900{100 + n}" for n in range(1, 8)}
PHONE_KEY = {n: f"+447700900{100 + n}" for n in range(1, 8)}
#: The case: every tie, the child and the restricted source the fast paths must handle as before.
FILES: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {"source_id": "S1", "agency": "police", "recorded_at": "2011-01-01"}
        | {"source_eval": "2", "intel_eval": "B", "handling": "P"},
        {"source_id": "S2", "agency": "police", "recorded_at": "2011-01-01"}
        | {"source_eval": "3", "intel_eval": "E", "handling": "P"},
        {"source_id": "SC", "agency": "police", "recorded_at": "2011-01-01"}
        | {"source_eval": "1", "intel_eval": "A", "handling": "C", "handling_note": "informant"},
    ],
    "persons.csv": [
        _p("K1", "child", "2000-05-01"),
        _p("K2", "child", "1999-01-01"),
        _p("T1", "suspect", "1992-06-01"),  # 18 on 2010-06-01
        *[_p(f"A{i}") for i in range(1, 12)],
    ],
    "locations.csv": [
        {"location_id": "H1", "kind": "home", "source_id": "S1"},
        {"location_id": "H2", "kind": "home", "source_id": "S1"},  # a child lives here
        {"location_id": "HOT", "kind": "hotel", "source_id": "S1"},
    ],
    "vehicles.csv": [{"vrm": "AB12 CDE", "source_id": "S1"}],
    "events.csv": [
        _ev("SG", "sighting", "2011-02-10T22:00:00", "HOT"),
        _ev("SH", "sighting", "2011-02-10T22:30:00", "HOT", "S2"),
        _ev("IN", "incident", "2011-04-01T09:00:00", "H1", "SC"),
        _ev("AR", "arrest", "2011-04-01T09:00:00", "H1"),
    ],
    "event_participants.csv": [
        _part("SG", "A1"),
        _part("SG", "A2", source="S2"),
        _part("SG", "K1"),
        _part("SH", "A8"),
        _part("SH", "K2"),
        _part("SH", "AB12 CDE", "vehicle"),
        _part("IN", "A8", source="SC"),
        _part("IN", "A9", source="SC"),
        _part("AR", "A10"),
        _part("AR", "A11"),
        _part("AR", "K2"),
    ],
    "links.csv": [
        # one person, one vehicle, two attributions on one date; a second keeper on a restricted source
        _l("A1", "person", "AB12 CDE", "vehicle", "keeper_of", "S1", "2010-02-01"),
        _l("A1", "person", "AB12 CDE", "vehicle", "drives", "S2", "2010-02-01"),
        _l("A2", "person", "AB12 CDE", "vehicle", "keeper_of", "SC", "2010-02-01"),
        # three adults on one phone, on three sources
        _l("A3", "person", PHONE[1], "phone", "uses_phone", "S1", "2010-03-01"),
        _l("A4", "person", PHONE[1], "phone", "uses_phone", "S2", "2010-03-01"),
        _l("A5", "person", PHONE[1], "phone", "uses_phone", "SC", "2010-03-01"),
        # a phone used while a child (T1 then 16), and by an adult: joins no one
        _l("T1", "person", PHONE[2], "phone", "uses_phone", "S1", "2009-01-01"),
        _l("A9", "person", PHONE[2], "phone", "uses_phone", "S1", "2010-08-01"),
        _l("T1", "person", PHONE[6], "phone", "uses_phone", "S1", "2011-01-01"),
        _l("A6", "person", PHONE[3], "phone", "uses_phone"),
        _l("A7", "person", PHONE[4], "phone", "uses_phone"),
        _l("K1", "person", PHONE[5], "phone", "uses_phone"),
        _l("A10", "person", PHONE[7], "phone", "uses_phone", "SC"),
        # two adults of one home seen on one day; a child's home
        _l("A6", "person", "H1", "location", "lives_at", "S1", "2010-01-01"),
        _l("A7", "person", "H1", "location", "lives_at", "S2", "2010-01-01"),
        _l("K1", "person", "H2", "location", "lives_at", "S1", "2010-01-01"),
        _l("A8", "person", "H2", "location", "lives_at", "S1", "2010-01-01"),
        _l("A8", "person", "A1", "person", "associate_of", "S2", "2010-05-01") | {"basis": ""},
        _l("A9", "person", "A8", "person", "family_of", "SC", "2010-05-01"),
        _l("A4", "person", "A5", "person", "partner_of", "S1", "2010-05-01"),
        _l("A11", "person", "A1", "person", "associate_of", "S1", "2010-05-01"),
    ],
    "calls.csv": [
        _call(PHONE[3], PHONE[4], "2011-02-01T10:00:00"),
        _call(PHONE[4], PHONE[3], "2011-02-01T10:00:00", "S2"),
        _call(PHONE[3], PHONE[4], "2011-02-02T10:00:00", "SC", "sms"),
        _call(PHONE[6], PHONE[1], "2011-03-01T12:00:00"),  # T1, an adult by then
        _call(PHONE[2], PHONE[1], "2009-06-01T12:00:00"),  # the phone T1 used as a child
        _call(PHONE[5], PHONE[3], "2011-02-03T10:00:00"),  # K1 calls A6
        _call(PHONE[7], PHONE[3], "2011-02-04T10:00:00", "SC"),
    ],
    "handset_contacts.csv": [
        {"handset": PHONE[3], "exhibit_ref": "EX1", "contact_number": PHONE[4], "source_id": "S1"},
        {"handset": PHONE[3], "exhibit_ref": "EX1", "contact_number": PHONE[5], "source_id": "S1"},
    ],
}


@pytest.fixture(scope="module")
def case_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded store of the case."""
    base = tmp_path_factory.mktemp("graph-analyses-case")
    build_store(base, FILES).close()
    return base / "store"


@pytest.fixture(params=["demo", "scale1", "case", "case-restricted"])
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The demo, demo --scale 1, the case, and the case as a viewer reads it (no restricted facts)."""
    name = {"demo": "demo_store_path", "scale1": "scale1_path"}.get(request.param, "case_path")
    handle = open_store(request.getfixturevalue(name), read_only=True)
    try:
        yield restricted_view(handle) if request.param == "case-restricted" else handle
    finally:
        handle.close()


def reference_shared_pairs(shared: pd.DataFrame) -> pd.DataFrame:
    """The earlier _shared_pairs: a self-merge of the holders on the object, each pair's sources united."""
    slim = shared[["person", "link", "entity", "key", "sources", "first_seen"]]
    slim = slim.iloc[groups_mod._content_order(slim, ("person", "key", "link"), slim["first_seen"])]
    slim = slim.drop_duplicates(subset=["person", "key"])
    pairs = slim.merge(slim[["person", "key", "sources"]], on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_a"] < pairs["person_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=groups_mod.JOIN_COLUMNS)
    kind = pairs["link"].map(groups_mod.SHARED_LINKS)
    return pd.DataFrame(
        {
            "a": pairs["person_a"],
            "b": pairs["person_b"],
            "fact": "shared_" + kind.replace({"location": "home"}),
            "kind": kind,
            "ref_key": pairs["key"],
            "at": pairs["first_seen"],
            "sources": [
                list(dict.fromkeys([*x, *y]))
                for x, y in zip(pairs["sources_a"], pairs["sources_b"], strict=True)
            ],
        }
    )


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """A frame's rows as comparable tuples, in order (lists of sources as tuples)."""
    return [
        tuple(tuple(v) if isinstance(v, list) else (None if pd.isna(v) else v) for v in row)
        for row in frame.itertuples(index=False)
    ]


@pytest.mark.parametrize("min_grade", [None, "2B"])
def test_joining_facts_equal_those_of_the_self_merge(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, min_grade: str | None
) -> None:
    minimum = MinGrade.parse(min_grade)
    got = groups_mod.joining_facts(store, minimum)
    monkeypatch.setattr(groups_mod, "_shared_pairs", reference_shared_pairs)
    expected = groups_mod.joining_facts(store, minimum)
    assert _rows(got) == _rows(expected)
    assert not got.empty


@pytest.mark.parametrize(("min_grade", "threshold"), [(None, 25), ("2B", 25), (None, 3)])
def test_groups_equal_the_per_group_reference(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, min_grade: str | None, threshold: int
) -> None:
    minimum = MinGrade.parse(min_grade)
    got = groups_mod.linked_groups(store, minimum, threshold).to_dict("records")
    named = groups_mod.linked_groups(store, minimum, threshold, name=str.lower).to_dict("records")
    monkeypatch.setattr(groups_mod, "_shared_pairs", reference_shared_pairs)
    assert got == reference_linked_groups(store, minimum, threshold).to_dict("records")
    assert named == reference_linked_groups(store, minimum, threshold, name=str.lower).to_dict(
        "records"
    )
    assert got


def test_the_case_holds_what_it_is_for(case_path: Path) -> None:
    """The case's groups: the child and the phone used as a child join no one; ties kept once."""
    handle = open_store(case_path, read_only=True)
    try:
        frame = groups_mod.linked_groups(handle)
        viewed = groups_mod.linked_groups(restricted_view(handle))
    finally:
        handle.close()
    members = [sorted(k.split(":")[1] for k in m) for m in frame["members"]]
    assert members == [["A1", "A10", "A11", "A2", "A6", "A7", "A8", "A9"], ["A3", "A4", "A5", "T1"]]
    items = [e for g in frame["evidence"] for e in g]
    assert not any(e["id"] == PHONE_KEY[2] for e in items), "a phone used as a child joins no one"
    vehicle = [e for e in items if e["kind"] == "vehicle"]
    assert len(vehicle) == 1 and vehicle[0]["facts"] == ["shared_vehicle"]
    assert [e["persons"] for e in items if e["id"] == PHONE_KEY[1]] == [["A3", "A4", "A5"]]
    seen = [sorted(k.split(":")[1] for k in m) for m in viewed["members"]]
    assert seen == [["A1", "A10", "A11", "A2", "A8"], ["A3", "A4", "A5", "T1"], ["A6", "A7"]]
    assert not any("SC" in e["sources"] for g in viewed["evidence"] for e in g)


def reference_pickups(store: GraphStore) -> list[tuple[Any, ...]]:
    """The earlier pickups: each vehicle's users with every person at its event, from a groupby of lists."""
    people = store.participants("Person", TOGETHER_EVENTS)
    vehicles = store.participants("Vehicle", TOGETHER_EVENTS)
    owners = attributions(store, ("USES_PHONE", *VEHICLE_LINKS))
    users = owners[owners["link"].isin(VEHICLE_LINKS)][["key", "person"]].drop_duplicates()
    carried = people.groupby("event", sort=False)["who"].agg(list).to_dict()
    cars = vehicles[["event", "who", "sources"]].rename(columns={"who": "vehicle"})
    cars = cars.merge(users.rename(columns={"key": "vehicle", "person": "user"}), on="vehicle")
    rows = []
    for event, vehicle, user, srcs in cars[["event", "vehicle", "user", "sources"]].itertuples(
        index=False
    ):
        for other in carried.get(event, []):
            rows.append((user, other, event, vehicle, tuple(srcs)))
            rows.append((other, user, event, vehicle, tuple(srcs)))
    return rows


def test_pickups_equal_the_groupby_reference(store: GraphStore) -> None:
    frame = contact_evidence(store)
    picked = frame[frame["kind"] == "pickup"]
    got = _rows(picked[["a", "b", "ref_key", "via", "sources"]])
    assert sorted(got) == sorted(r for r in reference_pickups(store) if r[0] != r[1])
