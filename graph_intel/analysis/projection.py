"""Graph projections for the analyses: igraph/networkx graphs built from edge frames with one index map.

Building igraph from integer arrays through a hand-made index map is about twice as fast as
`Graph.from_networkx` (shared/perf-notes.md); networkx is kept for the single-pair paths where its
bidirectional BFS wins, and as the pure-Python reference the benchmark compares against.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd


@dataclass
class Projection:
    """An undirected simple igraph over string node names, with the map both ways."""

    graph: ig.Graph
    names: np.ndarray

    def index(self) -> dict[str, int]:
        """Name -> vertex index."""
        return {str(n): i for i, n in enumerate(self.names)}


def to_igraph(edges: pd.DataFrame, a: str = "a", b: str = "b", nodes: pd.Series | None = None) -> Projection:
    """An igraph from the (a, b) columns of an edge frame (duplicates and loops dropped), plus `nodes`."""
    ends = pd.concat([edges[a], edges[b]], ignore_index=True)
    if nodes is not None:
        ends = pd.concat([pd.Series(nodes), ends], ignore_index=True)
    codes, names = pd.factorize(ends, sort=False)
    n_edges = len(edges)
    offset = len(ends) - 2 * n_edges
    src = codes[offset: offset + n_edges]
    dst = codes[offset + n_edges:]
    lo = np.minimum(src, dst).astype(np.int64)
    hi = np.maximum(src, dst).astype(np.int64)
    keep = lo != hi
    # one int64 per undirected pair: a 1-D unique is far faster than np.unique(axis=0)
    codes_1d = np.unique(lo[keep] * len(names) + hi[keep])
    pairs = np.stack([codes_1d // len(names), codes_1d % len(names)], axis=1) if len(codes_1d) else np.empty((0, 2), dtype=np.int64)
    graph = ig.Graph(n=len(names), edges=pairs.tolist(), directed=False)
    return Projection(graph=graph, names=np.asarray(names, dtype=object))


def to_networkx(edges: pd.DataFrame, a: str = "a", b: str = "b", nodes: pd.Series | None = None) -> nx.Graph:
    """The same projection as plain networkx (the reference implementation)."""
    graph = nx.Graph()
    if nodes is not None:
        graph.add_nodes_from(nodes)
    graph.add_edges_from(zip(edges[a], edges[b], strict=True))
    graph.remove_edges_from(nx.selfloop_edges(graph))
    return graph
