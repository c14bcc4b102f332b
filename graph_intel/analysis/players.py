"""Key players: betweenness and degree among adults in the joining graph, and groups each bridges."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from graph_intel.analysis.groups import SEED, SPLIT_THRESHOLD, find_groups, joining_facts
from graph_intel.analysis.projection import Projection, to_igraph
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.stores.base import GraphStore

#: Above this many adults betweenness is estimated from SAMPLE random sources, rescaled by n/k.
SAMPLE_ABOVE = 5_000
SAMPLE = 200


def betweenness(proj: Projection, sample: int | None = None, seed: int = SEED) -> np.ndarray:
    """Normalised betweenness (networkx's scale); estimated from `sample` sources when given."""
    graph = proj.graph
    n = graph.vcount()
    if n < 3:
        return np.zeros(n)
    if sample is not None and sample < n:
        sources = random.Random(seed).sample(range(n), sample)
        raw = np.asarray(graph.betweenness(sources=sources, directed=False)) * (n / sample) / 2.0
    else:
        raw = np.asarray(graph.betweenness(directed=False))
    return raw * 2.0 / ((n - 1) * (n - 2))


def groups_bridged(
    proj: Projection, threshold: int = SPLIT_THRESHOLD, seed: int = SEED
) -> np.ndarray:
    """Per vertex: the parts of 2+ adults its group falls into without it (0 unless 2 or more).

    For a connected set split by Leiden, the number of subgroups among the vertex's neighbours
    and itself (0 unless 2 or more).
    """
    graph = proj.graph
    out = np.zeros(graph.vcount(), dtype=int)
    membership = graph.connected_components().membership
    big = {c for c, size in enumerate(np.bincount(membership)) if size > threshold}
    for v in graph.articulation_points():
        if membership[v] in big:
            continue
        comp = [u for u in graph.subcomponent(v) if u != v]
        sub = graph.induced_subgraph(comp)
        parts = sum(1 for c in sub.connected_components() if len(c) >= 2)
        out[v] = parts if parts >= 2 else 0
    if big:
        index = proj.index()
        edges = pd.DataFrame(
            {
                "a": proj.names[[e.source for e in graph.es]],
                "b": proj.names[[e.target for e in graph.es]],
            }
        )
        sub_of: dict[int, int] = {}
        for g_no, group in enumerate(find_groups(edges, threshold, seed)):
            if group.split:
                for m in group.members:
                    sub_of[index[m]] = g_no
        for v in sub_of:
            touched = {sub_of[u] for u in graph.neighbors(v) if u in sub_of} | {sub_of[v]}
            out[v] = len(touched) if len(touched) >= 2 else 0
    return out


def key_players(
    store: GraphStore,
    minimum: MinGrade | None = None,
    sample: int | None = None,
    threshold: int = SPLIT_THRESHOLD,
    seed: int = SEED,
) -> pd.DataFrame:
    """Adults in the joining graph by betweenness: person_id, betweenness, degree, groups_bridged."""
    facts = joining_facts(store, minimum)
    if facts.empty:
        return pd.DataFrame(
            columns=["person_id", "key", "betweenness", "degree", "groups_bridged", "sampled"]
        )
    proj = to_igraph(facts)
    n = proj.graph.vcount()
    k = sample if sample is not None else (SAMPLE if n > SAMPLE_ABOVE else None)
    frame = pd.DataFrame(
        {
            "person_id": [split_key(str(x), "Person")[1] for x in proj.names],
            "key": proj.names,
            "betweenness": betweenness(proj, k, seed),
            "degree": proj.graph.degree(),
            "groups_bridged": groups_bridged(proj, threshold, seed),
            "sampled": k is not None and k < n,
        }
    )
    return frame.sort_values(
        ["betweenness", "degree", "person_id"], ascending=[False, False, True]
    ).reset_index(drop=True)
