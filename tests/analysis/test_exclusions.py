"""Each rule of what may and may not join two adults, on a small graph built here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from analysis_case import build_store, link_row

from graph_intel.analysis.contacts import adults_with_children
from graph_intel.analysis.groups import linked_groups
from graph_intel.analysis.paths import path_between
from graph_intel.grading import MinGrade
from graph_intel.stores import GraphStore


def _p(pid: str, category: str = "suspect", dob: str = "1970-01-01") -> dict[str, str]:
    return {"person_id": pid, "category": category, "date_of_birth": dob, "source_id": "S1"}


def _l(a: str, kind_a: str, b: str, kind_b: str, link: str, source: str = "S1") -> dict[str, str]:
    return link_row(a, kind_a, b, kind_b, link, source)


def _ev(eid: str, kind: str, start: str, where: str = "") -> dict[str, str]:
    return {"event_id": eid, "kind": kind, "start": start, "location_id": where, "source_id": "S1"}


def _part(eid: str, pid: str, role: str = "with") -> dict[str, str]:
    return {"event_id": eid, "kind": "person", "id": pid, "role": role, "source_id": "S1"}


ADULTS = [f"B{i}" for i in range(1, 27)]
FILES: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {
            "source_id": "S1",
            "agency": "police",
            "recorded_at": "2011-01-01",
            "source_eval": "2",
            "intel_eval": "B",
            "handling": "P",
        },
        {
            "source_id": "S3",
            "agency": "police",
            "recorded_at": "2011-01-01",
            "source_eval": "3",
            "intel_eval": "E",
            "handling": "P",
        },
    ],
    "persons.csv": [
        _p("K1", "child", "1997-01-01"),
        _p("K2", "child", "1997-02-01"),
        *[_p(a) for a in ADULTS],
        _p("U1", "unknown", ""),
        _p("U2", "unknown", "1970-05-05"),
        _p("U3", "unknown", "2000-01-01"),
    ],
    "locations.csv": [
        {"location_id": "H1", "kind": "home", "source_id": "S1"},  # K1's home
        {"location_id": "CP", "kind": "care_placement", "source_id": "S1"},
        {"location_id": "HOT", "kind": "hotel", "source_id": "S1"},
        {"location_id": "TK", "kind": "takeaway", "source_id": "S1"},
        {"location_id": "H2", "kind": "home", "source_id": "S1"},  # an adults' home
    ],
    "events.csv": [
        _ev("N1", "cawn_served", "2011-02-01T10:00:00"),
        _ev("M1", "missing_episode", "2011-02-02T10:00:00"),
        _ev("SG", "sighting", "2011-02-03T22:00:00", "HOT"),
        _ev("SH", "sighting", "2011-02-04T22:00:00", "HOT"),
        _ev("SK", "sighting", "2011-02-05T22:00:00", "TK"),
    ],
    "event_participants.csv": [
        _part("N1", "B11", "served_on"),
        _part("N1", "B12", "reporter"),
        _part("N1", "K1", "child"),
        _part("M1", "K1", "subject"),
        _part("M1", "B13", "reporter"),
        _part("M1", "B14", "with"),
        _part("SG", "B19"),
        _part("SG", "B20"),
        _part("SH", "B9"),
        _part("SK", "B10"),
        _part("SH", "K1"),
        _part("SK", "K1"),
        _part("SH", "K2"),
    ],
    "links.csv": [
        _l("B1", "person", "K1", "person", "associate_of"),
        _l("K1", "person", "B2", "person", "associate_of"),
        _l("K1", "person", "07700 900001", "phone", "uses_phone"),
        _l("B3", "person", "07700 900001", "phone", "uses_phone"),
        _l("B4", "person", "07700 900001", "phone", "uses_phone"),
        _l("B24", "person", "07700 900002", "phone", "uses_phone"),
        _l("K1", "person", "H1", "location", "lives_at"),
        _l("B5", "person", "H1", "location", "lives_at"),
        _l("B6", "person", "H1", "location", "lives_at"),
        _l("B7", "person", "CP", "location", "lives_at"),
        _l("B8", "person", "CP", "location", "lives_at"),
        _l("B9", "person", "HOT", "location", "lives_at"),
        _l("B10", "person", "HOT", "location", "lives_at"),
        _l("B9", "person", "TK", "location", "frequents"),
        _l("B10", "person", "TK", "location", "frequents"),
        _l("B17", "person", "H2", "location", "lives_at"),
        _l("B18", "person", "H2", "location", "lives_at"),
        _l("B21", "person", "U1", "person", "associate_of"),
        _l("U1", "person", "B22", "person", "family_of"),
        _l("B23", "person", "U2", "person", "associate_of"),
        _l("B25", "person", "B26", "person", "partner_of", "S3"),
        _l("B15", "person", "U3", "person", "associate_of"),
    ],
    "calls.csv": [
        {
            "caller": "07700 900001",
            "callee": "07700 900002",
            "start": "2011-03-01T20:00:00",
            "duration_s": "30",
            "type": "voice",
            "source_id": "S1",
        },
    ],
}


@pytest.fixture(scope="module")
def small(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The exclusions case in a store of each backend."""
    store = build_store(tmp_path_factory.mktemp("exclusions"), FILES, backend)
    try:
        yield store
    finally:
        store.close()


def _groups(store: GraphStore, minimum: MinGrade | None = None) -> set[frozenset[str]]:
    frame = linked_groups(store, minimum)
    return {frozenset(k.split(":")[1] for k in m) for m in frame["members"]}


def test_only_the_allowed_joins_make_groups(small: GraphStore) -> None:
    assert _groups(small) == {
        frozenset({"B17", "B18"}),  # a shared home
        frozenset(
            {"B19", "B20"}
        ),  # together at a sighting (at a hotel: the event joins, not the place)
        frozenset({"B23", "U2"}),  # unknown category with an adult date of birth counts as an adult
        frozenset({"B25", "B26"}),  # partners, on a 3E source
    }


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("B1", "B2", "through a child"),
        ("B3", "B4", "a child's phone"),
        ("B3", "B24", "a call from a child's phone"),
        ("B5", "B6", "a child's home"),
        ("B7", "B8", "a care placement"),
        ("B9", "B10", "a public place (lives_at a hotel, frequents a takeaway)"),
        ("B11", "B12", "a notice"),
        ("B13", "B14", "a missing episode"),
        ("B21", "B22", "a person of unknown category and age"),
        ("B15", "B16", "the same source record"),
    ],
)
def test_never_joined(small: GraphStore, a: str, b: str, rule: str) -> None:
    for group in _groups(small):
        assert not ({a, b} <= group), rule
    assert not any(a in g for g in _groups(small)), rule


def test_unknown_age_person_is_not_an_adult(small: GraphStore) -> None:
    members = set().union(*_groups(small))
    assert "U1" not in members and "U3" not in members


def test_min_grade_drops_weak_joins(small: GraphStore) -> None:
    assert frozenset({"B25", "B26"}) not in _groups(small, MinGrade.parse("2B"))
    assert frozenset({"B17", "B18"}) in _groups(small, MinGrade.parse("2B"))


def test_adult_with_two_children(small: GraphStore) -> None:
    frame = adults_with_children(small)
    rows = {p: set(c) for p, c in zip(frame["person_id"], frame["children"], strict=True)}
    assert rows == {"B9": {"K1", "K2"}}  # B9 at SH with K1 and K2; B10 only with K1


def test_provenance_is_never_a_path(small: GraphStore) -> None:
    assert path_between(small, "person", "B15", "person", "B16").empty
    assert len(path_between(small, "person", "B17", "person", "B18")) == 2
