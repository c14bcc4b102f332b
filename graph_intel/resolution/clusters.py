"""Confirmed same-person clusters: connected components of the pairs whose current judgement is `same`.

This is the one mechanism by which analyses treat a confirmed cluster as one person:
`representatives(store)` maps every record in a cluster of two or more to the cluster's
representative key (the lowest key, so the choice is stable and needs no extra state), and the
analysis projection (graph_intel.analysis.evidence) and the chronology replace person keys with
it. Records outside any cluster are absent from the map, so with no SAME_AS links (or none whose
current judgement is `same`) it is empty and nothing changes.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph_intel.resolution.judgements import current
from graph_intel.stores.base import GraphStore


def clusters(store: GraphStore) -> list[list[str]]:
    """Each confirmed cluster's member keys (sorted), largest first, then by representative."""
    graph = nx.Graph()
    graph.add_edges_from(pair for pair, entry in current(store).items() if entry.get("judgement") == "same")
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
