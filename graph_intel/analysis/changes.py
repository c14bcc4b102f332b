"""Changes since a date: the new links and contacts touching each child, and the new entities they bring.

A fact is new when it happened on or after the date (its `first_seen`, or the contact's time) or
was recorded on or after it (any of its sources' `recorded_at`). An entity is new when it was
first seen on or after the date.

Every read is one read of a whole table (all links once, each kind of entity at the other end
once), never one query per child or per link: at `demo --scale 100` the store holds tens of
thousands of children.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_intel.analysis.age import Ages
from graph_intel.analysis.contacts import adult_child_facts
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.explain import Sources, iso_texts
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore
from graph_intel.stores.frames import member

CHANGE_COLUMNS = [
    "child",
    "change",
    "link",
    "kind",
    "id",
    "at",
    "new_entity",
    "source_id",
    "grading",
    "sources",
]


def any_member(lists: pd.Series, keys: Collection[str]) -> np.ndarray:
    """Whether any key of each row's list of sources is one of `keys` (one Arrow lookup for all rows)."""
    if not len(lists) or not len(keys):
        return np.zeros(len(lists), dtype=bool)
    values = [
        v
        if isinstance(v, list | tuple | np.ndarray)
        else ([] if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else [v])
        for v in lists.tolist()
    ]
    arr = pa.array([[str(s) for s in v] for v in values], type=pa.list_(pa.string()))
    flat = pc.list_flatten(arr)
    hit = np.asarray(
        pc.is_in(flat, value_set=pa.array(list(keys), type=pa.string()))
        .fill_null(False)
        .to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    parents = np.asarray(pc.list_parent_indices(arr).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.bincount(parents[hit], minlength=len(values)) > 0


def _stamps(values: pd.Series) -> pd.Series:
    """Timestamps of a column (NaT for blanks), compared with the date as the per-row code did."""
    return pd.Series(pd.to_datetime(values.reset_index(drop=True), errors="coerce"))


def _fresh(
    at: pd.Series, sources: pd.Series, start: pd.Timestamp, fresh_sources: set[str]
) -> np.ndarray:
    """Whether each fact happened on or after `start`, or one of its sources was recorded on or after it."""
    stamp = _stamps(at)
    after = (stamp.notna() & (stamp >= start)).to_numpy(dtype=bool)
    return after | any_member(sources.reset_index(drop=True), fresh_sources)


def _admitted(srcs: Sources, sources: pd.Series) -> np.ndarray:
    """Whether each fact has a source that meets the minimum grade (all, without a minimum)."""
    if srcs.minimum is None:
        return np.ones(len(sources), dtype=bool)
    return any_member(sources.reset_index(drop=True), srcs.admitted)


def _child_links(links: pd.DataFrame, children: pd.Index) -> pd.DataFrame:
    """Every link touching a child, with `child` (its key) and the other end: each child's node_links, for all at once.

    `links`: every link touching a person (`all_links(touching="Person")`: links with no person at
    an end never touch a child). Rows come child by child (in `children` order), links from the
    child before links to it, as a `node_links` read per child gives them; a link from a child to
    itself comes once.
    """
    if links.empty or not len(children):
        return pd.DataFrame(columns=[*links.columns, "child", "entity", "other"])
    out_mask = (links["from_entity"] == "Person").to_numpy(dtype=bool) & member(
        links["from_key"], children
    )
    in_mask = (links["to_entity"] == "Person").to_numpy(dtype=bool) & member(
        links["to_key"], children
    )
    self_loop = (
        out_mask
        & (links["from_key"] == links["to_key"]).to_numpy(dtype=bool)
        & (links["to_entity"] == "Person").to_numpy(dtype=bool)
    )
    out = links[out_mask].assign(
        child=links["from_key"][out_mask],
        entity=links["to_entity"][out_mask],
        other=links["to_key"][out_mask],
        _dir=0,
    )
    keep_in = in_mask & ~self_loop
    into = links[keep_in].assign(
        child=links["to_key"][keep_in],
        entity=links["from_entity"][keep_in],
        other=links["from_key"][keep_in],
        _dir=1,
    )
    both = pd.concat([out, into], ignore_index=True)
    rank = pd.Series(np.arange(len(children)), index=children)
    both["_child"] = rank.reindex(both["child"]).to_numpy()
    return both.sort_values(["_child", "_dir"], kind="stable").reset_index(drop=True)


def _first_seen(store: GraphStore, frame: pd.DataFrame) -> pd.Series:
    """The stored `first_seen` of each row's other end (`entity`, `other`): one read per kind of entity."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    for entity, rows in frame.groupby("entity", sort=False):
        keys = pd.unique(rows["other"])
        nodes = store.nodes(str(entity), keys=[str(k) for k in keys], columns=["first_seen"])
        if nodes.empty:
            continue
        seen = pd.to_datetime(nodes.set_index("key")["first_seen"], errors="coerce")
        seen = seen[~seen.index.duplicated()]
        if isinstance(seen.dtype, pd.DatetimeTZDtype):
            seen = seen.dt.tz_localize(None)
        out.loc[rows.index] = seen.reindex(rows["other"]).to_numpy(dtype="datetime64[us]")
    return out


def changes_since(
    store: GraphStore, since: str | pd.Timestamp, minimum: MinGrade | None = None
) -> pd.DataFrame:
    """New links and contacts touching each child since `since` (CHANGE_COLUMNS), oldest first."""
    return pd.DataFrame(change_rows(store, since, minimum), columns=CHANGE_COLUMNS)


def changes_by_child(
    store: GraphStore, since: str | pd.Timestamp, minimum: MinGrade | None = None
) -> list[dict[str, Any]]:
    """The changes as the command's JSON lists them: per child id (sorted), its rows without `child`.

    Cut from the one sorted list of rows (a frame and a conversion per child took most of the
    command's time with thousands of children)."""
    out: list[dict[str, Any]] = []
    for row in change_rows(store, since, minimum):
        child = row.pop("child")
        if not out or out[-1]["person_id"] != child:
            out.append({"person_id": child, "changes": []})
        out[-1]["changes"].append(row)
    return out


def change_rows(
    store: GraphStore, since: str | pd.Timestamp, minimum: MinGrade | None = None
) -> list[dict[str, Any]]:
    """The rows of changes_since (CHANGE_COLUMNS), by child id then date, undated last, then by
    change, link, kind and id (an order fixed by content), in one list."""
    start = pd.Timestamp(since)
    srcs = Sources(store, minimum)
    recorded = pd.to_datetime(srcs.table["recorded_at"], errors="coerce")
    fresh_sources = {str(k) for k in recorded.index[recorded >= start]}
    people = persons(store)
    # a child by age when the data first records her, whatever her category (graph_intel.analysis.age)
    young = Ages(people).children_in_data()
    recorded_child = (
        (people["category"] == "child").fillna(False).to_numpy(dtype=bool)
        if "category" in people
        else np.zeros(len(people), dtype=bool)
    )
    children = people.index[member(pd.Series(people.index, dtype=object), young) | recorded_child]

    # one read of the links touching persons, for the children's links and the contact evidence
    person_links = store.all_links(touching="Person")
    links = _child_links(person_links, children)
    links = links[
        _admitted(srcs, links["sources"])
        & _fresh(links["first_seen"], links["sources"], start, fresh_sources)
    ]
    links = links.reset_index(drop=True)
    first = _first_seen(store, links)
    link_rows = _rows(
        links["child"],
        "link",
        [schema().links[k].canonical for k in links["link"]],
        links["entity"],
        links["other"],
        links["first_seen"],
        (first.notna() & (first >= start)).to_numpy(dtype=bool),
        srcs,
        links["sources"],
    )

    contacts = adult_child_facts(store, minimum, people=people, srcs=srcs, read=person_links)
    del person_links
    contacts = contacts[
        _fresh(contacts["at"], contacts["sources"], start, fresh_sources)
    ].reset_index(drop=True)
    adult_first = _stamps(
        pd.Series(
            contacts["adult"].map(people["first_seen"]) if len(contacts) else [], dtype=object
        )
    )
    contact_rows = _rows(
        contacts["child"],
        "contact",
        contacts["kind"].tolist(),
        pd.Series(["Person"] * len(contacts), dtype=object),
        contacts["adult"],
        contacts["at"],
        (adult_first.notna() & (adult_first >= start)).to_numpy(dtype=bool),
        srcs,
        contacts["sources"],
    )
    rows = link_rows + contact_rows
    # by child, then date (undated last), then what changed: contacts before links, by kind and id
    # (ties had come in the order read, and the store's scans return rows in no fixed order)
    rows.sort(
        key=lambda r: (
            r["child"],
            r["at"] is None,
            r["at"] or "",
            r["change"],
            r["link"],
            r["kind"],
            r["id"],
            r["source_id"] or "",
            [k or "" for k in r["sources"]],
        )
    )
    return rows


def _rows(
    child: pd.Series,
    change: str,
    link: list[str],
    entity: pd.Series,
    key: pd.Series,
    at: pd.Series,
    new: np.ndarray,
    srcs: Sources,
    sources: pd.Series,
) -> list[dict[str, Any]]:
    """The change rows of whole columns: ids, kinds, ISO dates and cited sources worked out once per column."""
    if not len(child):
        return []
    stamps = _stamps(at)
    texts = iso_texts(stamps)
    kinds = {e: schema().entity(e).cli for e in pd.unique(entity)}
    out = []
    for c, name, e, k, t, n, s in zip(
        child.tolist(),
        link,
        entity.tolist(),
        key.tolist(),
        texts,
        new.tolist(),
        sources.tolist(),
        strict=True,
    ):
        source_id, grading, ids = srcs.cited(s)
        out.append(
            {
                "child": split_key(c, "Person")[1],
                "change": change,
                "link": name,
                "kind": kinds[e],
                "id": split_key(k, e)[1],
                "at": t,
                "new_entity": bool(n),
                "source_id": source_id,
                "grading": grading,
                "sources": list(ids),
            }
        )
    return out
