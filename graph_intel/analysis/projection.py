"""Graph projections for the analyses: igraph/networkx graphs built from edge frames with one index map.

Building igraph from integer arrays through a hand-made index map is about twice as fast as
`Graph.from_networkx` (shared/perf-notes.md); networkx is kept for the single-pair paths where its
bidirectional BFS wins, and as the pure-Python reference the benchmark compares against.

String ids are mapped to ints once (one `pd.factorize` over both ends; for Arrow string columns,
each column dictionary-encoded on its own thread and the two dictionaries merged), undirected
pairs are de-duplicated as one int64 each with a sort (not a hash), and igraph is fed the pairs
through a `zip` of two flat int lists. The `abi3` igraph wheel turns a numpy array or a memoryview
into nested Python lists first, which costs about 3x more than the zip (whose tuple is reused).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from graph_intel.analysis.igraph_lib import ig

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Projection:
    """An undirected simple igraph over string node names, with the map both ways."""

    graph: ig.Graph
    names: np.ndarray
    #: The names as the factorised index (Arrow-backed when the edge frame is), for fast sorting.
    labels: pd.Index | None = field(default=None, repr=False)

    def index(self) -> dict[str, int]:
        """Name -> vertex index."""
        return {str(n): i for i, n in enumerate(self.names)}

    def by_name(self) -> np.ndarray:
        """Vertex ids in the order of their names (each compared as str, as `sorted` would)."""
        labels = self.labels if self.labels is not None else pd.Index(self.names)
        if pd.api.types.infer_dtype(labels, skipna=False) != "string":
            labels = pd.Index([str(n) for n in self.names], dtype=object)
        return np.asarray(labels.argsort(), dtype=np.int64)


def encode(
    edges: pd.DataFrame, a: str = "a", b: str = "b", nodes: pd.Series | None = None
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Int codes of the two ends of every edge and the names, numbered in order of first appearance
    in `nodes`, then the `a` column, then the `b` column (as one `pd.factorize` over them all)."""
    if nodes is None:
        arrow = _arrow_strings(edges[a]), _arrow_strings(edges[b])
        if arrow[0] is not None and arrow[1] is not None:
            return _encode_arrow(arrow[0], arrow[1])
    ends = pd.concat([edges[a], edges[b]], ignore_index=True)
    if nodes is not None:
        ends = pd.concat([pd.Series(nodes), ends], ignore_index=True)
    codes, names = pd.factorize(ends, sort=False)
    n_edges = len(edges)
    offset = len(ends) - 2 * n_edges
    return codes[offset : offset + n_edges], codes[offset + n_edges :], pd.Index(names)


def _arrow_strings(column: pd.Series) -> pa.Array | None:
    """The column's Arrow string data when it is Arrow-backed and has no nulls."""
    if not isinstance(column.array, ArrowStringArray):
        return None
    data = pa.array(column.array)
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks()
    return data if data.null_count == 0 else None


def _encode_arrow(left: pa.Array, right: pa.Array) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """`encode` for two Arrow string columns: each dictionary-encoded on its own thread (Arrow
    releases the GIL), then the right dictionary renumbered after the left one."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        (li, ld), (ri, rd) = pool.map(_dictionary_encode, (left, right))
    both = pc.dictionary_encode(pa.concat_arrays([ld, rd.cast(ld.type)]))
    # the left names come first and are distinct, so they keep their codes; the right ones map on
    renumber = both.indices.to_numpy()[len(ld) :].astype(np.int64)
    return li, renumber[ri], pd.Index(pd.arrays.ArrowStringArray(both.dictionary))


def _dictionary_encode(data: pa.Array) -> tuple[np.ndarray, pa.Array]:
    encoded = pc.dictionary_encode(data)
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary


def simple_pairs(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct undirected non-loop pairs (lo < hi), sorted by (lo, hi), as two int64 arrays."""
    lo = np.minimum(src, dst).astype(np.int64)
    hi = np.maximum(src, dst).astype(np.int64)
    keep = lo != hi
    # one int64 per undirected pair; sort and drop repeats (np.unique hashes, about 7x slower here)
    pair = lo[keep] * n + hi[keep]
    pair.sort()
    if len(pair):
        first = np.empty(len(pair), dtype=bool)
        first[0] = True
        np.not_equal(pair[1:], pair[:-1], out=first[1:])
        pair = pair[first]
    return pair // n, pair % n


def to_igraph(
    edges: pd.DataFrame, a: str = "a", b: str = "b", nodes: pd.Series | None = None
) -> Projection:
    """An igraph from the (a, b) columns of an edge frame (duplicates and loops dropped), plus `nodes`."""
    src, dst, labels = encode(edges, a, b, nodes)
    lo, hi = simple_pairs(src, dst, len(labels))
    graph = ig.Graph(
        n=len(labels), edges=zip(lo.tolist(), hi.tolist(), strict=True), directed=False
    )
    return Projection(graph=graph, names=np.asarray(labels, dtype=object), labels=labels)


def to_networkx(
    edges: pd.DataFrame, a: str = "a", b: str = "b", nodes: pd.Series | None = None
) -> nx.Graph:
    """The same projection as plain networkx (the reference implementation)."""
    import networkx as nx

    graph = nx.Graph()
    if nodes is not None:
        graph.add_nodes_from(nodes)
    graph.add_edges_from(zip(edges[a], edges[b], strict=True))
    graph.remove_edges_from(nx.selfloop_edges(graph))
    return graph
