"""The whole-table rewrites of `changes`, CAWN eligibility and breaches, and the offender prompts,
give exactly what the per-child, per-notice and per-person code they replaced gave.

Each reference below is the earlier implementation, kept here on purpose: simple, obviously right,
and slow (one store query per child and per link, one scan of all evidence per notice, one pandas
call per person). The answers on the demo store must equal the reference's from the same store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph_intel.analysis.age import (
    ADULT_AGE,
    OFFENDER_CATEGORIES,
    Ages,
    _article,
    arrests,
    offender_prompts,
)
from graph_intel.analysis.changes import CHANGE_COLUMNS, change_rows, changes_since
from graph_intel.analysis.contacts import adult_child_facts
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.analysis.explain import Sources
from graph_intel.refs import split_key
from graph_intel.safeguarding import cawn
from graph_intel.safeguarding.common import to_date, to_datetime
from graph_intel.schema import schema
from graph_intel.stores import GraphStore, open_store


@pytest.fixture
def store(demo_store_path: Path) -> Iterator[GraphStore]:
    handle = open_store(demo_store_path, read_only=True)
    try:
        yield handle
    finally:
        handle.close()


def reference_changes(store: GraphStore, since: str) -> pd.DataFrame:
    """changes_since as it was: node_links and a get_node per link, is_new per row."""
    start = pd.Timestamp(since)
    srcs = Sources(store, None)
    recorded = pd.to_datetime(srcs.table["recorded_at"], errors="coerce")
    fresh = set(recorded.index[recorded >= start])
    people = persons(store)
    young = Ages(people).children_in_data()
    children = [k for k in people.index if k in young or people.at[k, "category"] == "child"]
    rows: list[dict[str, Any]] = []

    def is_new(at: Any, sources: Any) -> bool:
        stamp = pd.to_datetime(at, errors="coerce")
        return bool(
            (pd.notna(stamp) and stamp >= start) or any(s in fresh for s in (sources or []))
        )

    def row(
        child: str, change: str, link: str, entity: str, key: str, at: Any, new: bool, sources: Any
    ) -> dict[str, Any]:
        stamp = pd.to_datetime(at, errors="coerce")
        return {
            "child": split_key(child, "Person")[1],
            "change": change,
            "link": link,
            "kind": schema().entity(entity).cli,
            "id": split_key(key, entity)[1],
            "at": None if pd.isna(stamp) else stamp.isoformat(),
            "new_entity": new,
            **srcs.cite(sources),
        }

    for child in children:
        for r in store.node_links("Person", child).to_dict("records"):
            if not is_new(r["first_seen"], r["sources"]):
                continue
            outgoing = r["from_key"] == child
            entity, key = (
                (r["to_entity"], r["to_key"]) if outgoing else (r["from_entity"], r["from_key"])
            )
            node = store.get_node(entity, key) or {}
            first = pd.to_datetime(node.get("first_seen"), errors="coerce")
            rows.append(
                row(
                    child,
                    "link",
                    schema().links[r["link"]].canonical,
                    entity,
                    key,
                    r["first_seen"],
                    bool(pd.notna(first) and first >= start),
                    r["sources"],
                )
            )
    contacts = adult_child_facts(store, None)
    for adult, child, kind, at, sources in zip(
        contacts["adult"],
        contacts["child"],
        contacts["kind"],
        contacts["at"],
        contacts["sources"],
        strict=True,
    ):
        if is_new(at, sources):
            first = pd.to_datetime(people["first_seen"].get(adult), errors="coerce")
            rows.append(
                row(
                    child,
                    "contact",
                    kind,
                    "Person",
                    adult,
                    at,
                    bool(pd.notna(first) and first >= start),
                    sources,
                )
            )
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    return frame.sort_values(["child", "at"], na_position="last").reset_index(drop=True)


def _canon(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as tuples, in a total order (the store gives a child's links in no fixed order)."""
    return sorted(tuple(str(v) for v in r) for r in frame.itertuples(index=False))


@pytest.mark.parametrize("since", ["2000-01-01", "2010-06-01", "2011-01-01", "2030-01-01"])
def test_changes_equal_the_per_child_reference(store: GraphStore, since: str) -> None:
    new, old = changes_since(store, since), reference_changes(store, since)
    assert len(new) > 0 or since == "2030-01-01"
    assert list(new.columns) == list(old.columns)
    assert _canon(new) == _canon(old)
    assert list(new["child"]) == list(old["child"]) and list(new["at"]) == list(old["at"])


def test_changes_that_tie_on_child_and_date_come_in_an_order_fixed_by_content(
    store: GraphStore,
) -> None:
    """Two contacts with a child at the same instant (the demo's group messages) are listed by
    change, link, kind and id, never in the order the store's scan happened to return them."""
    rows = change_rows(store, "2000-01-01")
    keys = [
        (r["child"], r["at"] is None, r["at"] or "", r["change"], r["link"], r["kind"], r["id"])
        for r in rows
    ]
    assert keys == sorted(keys)
    assert max(Counter(k[:3] for k in keys).values()) > 1, (
        "the demo has contacts that tie on child and date: the order among them is tested"
    )


def reference_offender_prompts(
    people: pd.DataFrame, arrested: pd.DataFrame
) -> list[dict[str, Any]]:
    """offender_prompts as it was: one age() per suspect and per arrest."""
    rule = Ages(people)
    out: list[dict[str, Any]] = []
    for key in people.index:
        category = rule.category.get(key, "")
        if category not in OFFENDER_CATEGORIES:
            continue
        at = rule.first_seen.get(key)
        age = rule.age(key, at)
        if age is not None and age < ADULT_AGE:
            out.append(
                {
                    "key": str(key),
                    "what": f"recorded as {_article(category)} {category}",
                    "age": age,
                    "at": at.isoformat() if pd.notna(at) else None,
                    "event": None,
                    "prompt": f"recorded as {_article(category)} {category} while aged {age}: consider exploitation",
                }
            )
    for key, event, at in zip(arrested["person"], arrested["event"], arrested["at"], strict=True):
        age = rule.age(key, at) if key in rule.keys else None
        if age is not None and age < ADULT_AGE:
            out.append(
                {
                    "key": str(key),
                    "what": "arrested",
                    "age": age,
                    "at": pd.Timestamp(at).isoformat(),
                    "event": str(event),
                    "prompt": f"arrested while aged {age}: consider exploitation",
                }
            )
    out.sort(key=lambda p: (p["key"], p["at"] or "", p["what"]))
    return out


def test_offender_prompts_equal_the_per_person_reference(store: GraphStore) -> None:
    people, arrested = persons(store), arrests(store)
    assert offender_prompts(people, arrested) == reference_offender_prompts(people, arrested)


@pytest.mark.parametrize("on", [date(2009, 1, 1), date(2010, 10, 1), date(2012, 6, 1)])
def test_cawn_eligibility_equals_the_per_person_reference(store: GraphStore, on: date) -> None:
    people = persons(store)
    expected = set()
    for key, row in people.iterrows():
        verdict = cawn.eligibility(
            to_date(row["date_of_birth"]), cawn._status(row["legal_status"]), on
        )
        if verdict is not None and verdict[0]:
            expected.add(str(key))
    assert cawn.covered_children(people, on) == expected
    listed = cawn.eligible_children(store, on, include_all=True)
    assert {r["person_id"] for r in listed if r["eligible"]} == {
        split_key(k, "Person")[1] for k in expected
    }


def test_breaches_equal_the_per_notice_reference(store: GraphStore) -> None:
    served, evidence, sources = cawn.notices(store), contact_evidence(store), cawn.Sources(store)
    expected = []
    for note in served.to_dict("records"):
        at = to_datetime(note["served_at"])
        pair = cawn.pair_evidence(evidence, {note["served_on"]}, {note["child"]})
        after = (
            pair[pair["at"].notna() & (pair["at"] > pd.Timestamp(at))]
            if at is not None
            else pair.iloc[0:0]
        )
        items = sorted(
            (cawn.evidence_json(r, sources) for r in after.to_dict("records")),
            key=lambda e: (e["at"] or "", e["id"]),
        )
        if items:
            expected.append((split_key(note["served_on"], "Person")[1], items))
    found = cawn.breaches(store)
    assert expected, "the demo plants a breach"
    assert [(b["served_on"], b["evidence"]) for b in found] == expected


@pytest.mark.parametrize(
    "kinds",
    [("call", "message", "handset_contact"), ("together",), ("pickup", "link"), ("message",)],
)
def test_contact_evidence_of_some_kinds_is_those_rows_of_all_kinds(
    store: GraphStore, kinds: tuple[str, ...]
) -> None:
    """Asking contact_evidence for some kinds (the chronology asks for calls, messages and handset
    contacts) reads only what they are made from, and gives exactly those rows of every kind's
    answer, in the same order."""
    every = contact_evidence(store)
    some = contact_evidence(store, kinds=kinds)
    expected = every[every["kind"].isin(kinds)].reset_index(drop=True)
    assert not expected.empty or kinds == ("pickup", "link")
    # the same values; a column may be typed otherwise (`via` is all strings for calls alone, and
    # objects once the None of meetings joins it)
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expected, check_dtype=False)


def test_contact_evidence_refuses_a_kind_it_does_not_make(store: GraphStore) -> None:
    with pytest.raises(ValueError, match="no contact kind sighting; the kinds are call"):
        contact_evidence(store, kinds=("call", "sighting"))
