"""Evidence paths: the shortest chain of recorded links between two entities, each hop cited.

The search is a bidirectional breadth-first search that asks the store for one entity's links at a
time (`node_links`), so it never pulls the whole graph and works the same against Neo4j. Sources are
provenance, never a step. With a minimum grade only links backed by a source at or above it count.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

import pandas as pd

from graph_intel.analysis.explain import Sources
from graph_intel.grading import MinGrade
from graph_intel.refs import resolve, split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore

Node = tuple[str, str]
HOP_COLUMNS = [
    "from_kind",
    "from_id",
    "to_kind",
    "to_id",
    "link",
    "source_id",
    "grading",
    "at",
    "sources",
]


def bidirectional_search(
    start: Hashable,
    goal: Hashable,
    neighbours: Callable[[Any], Iterable[tuple[Any, Any]]],
    max_hops: int = 12,
) -> list[tuple[Any, Any, Any]] | None:
    """Shortest path as [(node, next_node, edge)], or None; `neighbours(n)` yields (other, edge)."""
    if start == goal:
        return []
    pred: dict[Any, tuple[Any, Any] | None] = {start: None}
    succ: dict[Any, tuple[Any, Any] | None] = {goal: None}
    front, back = [start], [goal]
    for _ in range(max_hops):
        if not front or not back:
            return None
        forward = len(front) <= len(back)
        level, seen, other = (front, pred, succ) if forward else (back, succ, pred)
        nxt = []
        for node in level:
            for nb, edge in neighbours(node):
                if nb in seen:
                    continue
                seen[nb] = (node, edge)
                if nb in other:
                    return _join(nb, pred, succ)
                nxt.append(nb)
        if forward:
            front = nxt
        else:
            back = nxt
    return None


def _join(meet: Any, pred: dict[Any, Any], succ: dict[Any, Any]) -> list[tuple[Any, Any, Any]]:
    left: list[tuple[Any, Any, Any]] = []
    node = meet
    while pred[node] is not None:
        prev, edge = pred[node]
        left.append((prev, node, edge))
        node = prev
    left.reverse()
    node = meet
    while succ[node] is not None:
        nxt, edge = succ[node]
        left.append((node, nxt, edge))
        node = nxt
    return left


def evidence_path(
    store: GraphStore,
    source: Node,
    target: Node,
    minimum: MinGrade | None = None,
    max_hops: int = 12,
) -> pd.DataFrame:
    """The hops (HOP_COLUMNS) of a shortest chain between two (entity, key) nodes; empty when none."""
    srcs = Sources(store, minimum)
    cache: dict[Node, list[tuple[Node, dict[str, Any]]]] = {}

    def neighbours(node: Node) -> list[tuple[Node, dict[str, Any]]]:
        if node not in cache:
            frame = store.node_links(*node)
            out = []
            for row in frame.to_dict("records"):
                if not srcs.ok(row.get("sources")):
                    continue
                a = (row["from_entity"], row["from_key"])
                b = (row["to_entity"], row["to_key"])
                out.append((b if a == node else a, row))
            out.sort(key=lambda x: (x[0][0], x[0][1], x[1]["link"]))
            cache[node] = out
        return cache[node]

    chain = bidirectional_search(source, target, neighbours, max_hops)
    if chain is None:
        return pd.DataFrame(columns=HOP_COLUMNS)
    rows = []
    for (fe, fk), (te, tk), edge in chain:
        cite = srcs.cite(edge.get("sources"))
        at = edge.get("first_seen")
        rows.append(
            {
                "from_kind": schema().entity(fe).cli,
                "from_id": split_key(fk, fe)[1],
                "to_kind": schema().entity(te).cli,
                "to_id": split_key(tk, te)[1],
                "link": schema().links[edge["link"]].canonical,
                "source_id": cite["source_id"],
                "grading": cite["grading"],
                "at": None if at is None or pd.isna(at) else pd.Timestamp(at).isoformat(),
                "sources": cite["sources"],
            }
        )
    return pd.DataFrame(rows, columns=HOP_COLUMNS)


def path_between(
    store: GraphStore,
    from_kind: str,
    from_id: str,
    to_kind: str,
    to_id: str,
    minimum: MinGrade | None = None,
) -> pd.DataFrame:
    """evidence_path between two entities named as on the command line (`person C1`, `phone 07700...`)."""
    return evidence_path(
        store, resolve(store, from_kind, from_id), resolve(store, to_kind, to_id), minimum
    )
