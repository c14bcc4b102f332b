"""Changes since a date: the new links and contacts touching each child, and the new entities they bring.

A fact is new when it happened on or after the date (its `first_seen`, or the contact's time) or
was recorded on or after it (any of its sources' `recorded_at`). An entity is new when it was
first seen on or after the date.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from graph_intel.analysis.age import Ages
from graph_intel.analysis.contacts import adult_child_facts
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.explain import Sources
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore

CHANGE_COLUMNS = ["child", "change", "link", "kind", "id", "at", "new_entity", "source_id", "grading", "sources"]


def changes_since(store: GraphStore, since: str | pd.Timestamp, minimum: MinGrade | None = None) -> pd.DataFrame:
    """New links and contacts touching each child since `since` (CHANGE_COLUMNS), oldest first."""
    start = pd.Timestamp(since)
    srcs = Sources(store, minimum)
    recorded = pd.to_datetime(srcs.table["recorded_at"], errors="coerce")
    fresh_sources = set(recorded.index[recorded >= start])
    people = persons(store)
    # a child by age when the data first records her, whatever her category (graph_intel.analysis.age)
    young = Ages(people).children_in_data()
    children = [k for k in people.index if k in young or people.at[k, "category"] == "child"]
    rows: list[dict[str, Any]] = []

    def is_new(at: Any, sources: Any) -> bool:
        stamp = pd.to_datetime(at, errors="coerce")
        return bool((pd.notna(stamp) and stamp >= start) or any(s in fresh_sources for s in (sources or [])))

    for child in children:
        frame = store.node_links("Person", child)
        for row in frame.to_dict("records"):
            if not srcs.ok(row["sources"]) or not is_new(row["first_seen"], row["sources"]):
                continue
            outgoing = row["from_key"] == child
            entity, key = (row["to_entity"], row["to_key"]) if outgoing else (row["from_entity"], row["from_key"])
            node = store.get_node(entity, key) or {}
            first = pd.to_datetime(node.get("first_seen"), errors="coerce")
            rows.append(_row(child, "link", schema().links[row["link"]].canonical, entity, key,
                             row["first_seen"], bool(pd.notna(first) and first >= start), srcs, row["sources"]))
    contacts = adult_child_facts(store, minimum)
    for adult, child, kind, at, sources in zip(contacts["adult"], contacts["child"], contacts["kind"], contacts["at"],
                                               contacts["sources"], strict=True):
        if not is_new(at, sources):
            continue
        first = pd.to_datetime(people["first_seen"].get(adult), errors="coerce")
        rows.append(_row(child, "contact", kind, "Person", adult, at, bool(pd.notna(first) and first >= start),
                         srcs, sources))
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    return frame.sort_values(["child", "at"], na_position="last").reset_index(drop=True)


def _row(child: str, change: str, link: str, entity: str, key: str, at: Any, new: bool, srcs: Sources,
         sources: Any) -> dict[str, Any]:
    stamp = pd.to_datetime(at, errors="coerce")
    return {"child": split_key(child, "Person")[1], "change": change, "link": link,
            "kind": schema().entity(entity).cli, "id": split_key(key, entity)[1],
            "at": None if pd.isna(stamp) else stamp.isoformat(), "new_entity": new, **srcs.cite(sources)}
