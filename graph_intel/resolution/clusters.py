"""Confirmed same-person clusters: connected components of the pairs whose current judgement is `same`.

This is the one mechanism by which analyses treat a confirmed cluster as one person:
`representatives(store)` maps every record in a cluster of two or more to the cluster's
representative key (the lowest key, so the choice is stable and needs no extra state), and the
analysis projection (graph_intel.analysis.evidence) and the chronology replace person keys with
it. Records outside any cluster are absent from the map, so with no SAME_AS links (or none whose
current judgement is `same`) it is empty and nothing changes.
"""

from __future__ import annotations

import pandas as pd

from graph_intel.resolution.judgements import current
from graph_intel.stores.base import GraphStore


def clusters(store: GraphStore) -> list[list[str]]:
    """Each confirmed cluster's member keys (sorted), largest first, then by representative."""
    pairs = [pair for pair, entry in current(store).items() if entry.get("judgement") == "same"]
    if not pairs:  # most stores: no clusters, and no networkx to import (a tenth of a second)
        return []
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(pairs)
    found = [sorted(c) for c in nx.connected_components(graph)]
    found.sort(key=lambda c: (-len(c), c[0]))
    return found


def representatives(store: GraphStore) -> dict[str, str]:
    """Person key -> its cluster's representative key, for members of confirmed clusters only."""
    return {member: group[0] for group in clusters(store) for member in group}


def members(store: GraphStore, key: str) -> list[str]:
    """Every record of the cluster holding `key` (just [key] when it is in none)."""
    for group in clusters(store):
        if key in group:
            return group
    return [key]


def canonical(keys: pd.Series, reps: dict[str, str]) -> pd.Series:
    """Person keys with each cluster member replaced by its representative (others unchanged)."""
    if not reps or keys.empty:
        return keys
    return keys.where(~keys.isin(reps.keys()), keys.map(reps))


def merge_persons(people: pd.DataFrame, reps: dict[str, str]) -> pd.DataFrame:
    """A person frame (indexed by key) with each cluster's rows folded into one row under its representative.

    The representative's own values come first and blanks are filled from the other records;
    sources and aliases are unioned, first_seen/last_seen widened, and the category is `child`
    when any record says so (a child is never lost by merging). A `records` column lists the keys
    of the source records each row stands for. Without clusters the frame is returned unchanged.
    """
    if not reps or people.empty:
        return people
    rep_of = canonical(pd.Series(people.index, index=people.index), reps)
    inside = people.index.isin(list(reps.keys()))
    rows = []
    for rep, group in people[inside].groupby(rep_of[inside].to_numpy(), sort=True):
        group = group.loc[sorted(group.index, key=lambda k: (k != rep, k))]
        row = {col: _first(group[col]) for col in group.columns}
        for col in ("sources", "aliases"):
            if col in group:
                row[col] = (
                    list(
                        dict.fromkeys(
                            x
                            for v in group[col]
                            if isinstance(v, list | tuple) or hasattr(v, "tolist")
                            for x in list(v)
                        )
                    )
                    or row[col]
                )
        for col, pick in (("first_seen", "min"), ("last_seen", "max")):
            if col in group:
                row[col] = getattr(pd.to_datetime(group[col], errors="coerce"), pick)()
        if "category" in group:
            cats = [c for c in group["category"] if isinstance(c, str) and c != "unknown"]
            row["category"] = "child" if "child" in cats else (cats[0] if cats else row["category"])
        if "looked_after" in group and (group["looked_after"] == True).any():  # noqa: E712 (NaN-safe)
            row["looked_after"] = True
        row["records"] = list(group.index)
        rows.append(pd.Series(row, name=rep))
    alone = people[~inside].copy()
    alone["records"] = [[k] for k in alone.index]
    merged = pd.DataFrame(rows)
    merged.index.name = people.index.name
    return pd.concat([alone, merged]).rename_axis(people.index.name)


def _first(values: pd.Series) -> object:
    """The first value that is not blank (None, NaN, '' or an empty list), else the first value."""
    for v in values:
        if isinstance(v, list | tuple):
            if v:
                return v
        elif hasattr(v, "tolist"):
            if len(v):
                return v
        elif v is not None and v == v and v != "":
            return v
    return values.iloc[0]
