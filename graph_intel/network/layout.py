"""Where each entity sits: a seeded layout computed server-side, with labels kept apart.

The same entities and links always get the same places (a fixed seed, nodes and links in sorted
order), so the redacted and the unredacted page of one view look the same; redaction changes the
words only. After the force layout, the places are spread until no two labels' boxes overlap at
the default zoom (vis-network draws a label below its node, 13 px sans-serif).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

SEED = 7
#: Above this many entities the browser's own (seeded) physics lays the picture out.
MAX_SERVER_LAYOUT = 400
FONT_PX = 13
CHAR_PX = 8.6  # the widest sans-serif characters (digits) at 13 px, measured in Chromium
LINE_PX = 16
GAP_PX = 6


def label_box(node: dict[str, Any]) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a node and its label take, in the page's units at zoom 1."""
    lines = str(node.get("label") or "").split("\n")
    size = float(node.get("size") or 14)
    font = node.get("font") if isinstance(node.get("font"), dict) else {}
    scale = float(font.get("size", FONT_PX)) / FONT_PX if font else 1.0
    width = max(max((len(line) for line in lines), default=0) * CHAR_PX * scale, 2 * size)
    height = 2 * size + len(lines) * LINE_PX * scale
    x, y = float(node["x"]), float(node["y"])
    return (x - width / 2, y - size, x + width / 2, y - size + height)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two boxes overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place(
    nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]], seed: int = SEED
) -> bool:
    """Give every node its `x` and `y` (in place); False, leaving them unplaced, for a picture too big."""
    if not nodes or len(nodes) > MAX_SERVER_LAYOUT:
        return False
    graph = nx.Graph()
    graph.add_nodes_from(sorted(n["id"] for n in nodes))
    graph.add_edges_from(
        sorted({tuple(sorted((e["from"], e["to"]))) for e in edges if e["from"] != e["to"]})
    )
    spread = 100.0 * max(1.0, len(nodes) ** 0.5)
    where = nx.spring_layout(
        graph,
        seed=seed,
        k=1.6 / max(1.0, len(nodes) ** 0.5),
        iterations=200,
        scale=spread,
        method="force",
    )
    for n in nodes:
        x, y = where[n["id"]]
        n["x"], n["y"] = round(float(x), 1), round(float(y), 1)
    _apart(sorted(nodes, key=lambda n: n["id"]))
    return True


def _apart(nodes: list[dict[str, Any]], rounds: int = 200) -> None:
    """Push overlapping label boxes apart along the shorter way out, all pairs at once (fast, but a
    crowd can jostle), then pair by pair until none overlaps."""
    boxes = np.array([label_box({**n, "x": 0.0, "y": 0.0}) for n in nodes], dtype=float)
    x = np.array([float(n["x"]) for n in nodes])
    y = np.array([float(n["y"]) for n in nodes])
    order = np.arange(len(nodes), dtype=float)  # ties broken by the sorted ids: the same every time
    upper = np.triu(np.ones((len(nodes), len(nodes)), dtype=bool), 1)
    for _ in range(rounds):
        left, right = x + boxes[:, 0] - GAP_PX / 2, x + boxes[:, 2] + GAP_PX / 2
        top, bottom = y + boxes[:, 1] - GAP_PX / 2, y + boxes[:, 3] + GAP_PX / 2
        ox = np.minimum(right[:, None], right[None, :]) - np.maximum(left[:, None], left[None, :])
        oy = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
        clash = (ox > 0) & (oy > 0) & upper
        if not clash.any():
            break
        i, j = np.nonzero(clash)
        along_x = ox[i, j] < oy[i, j]
        sx = np.sign(x[j] - x[i] + 1e-9 * (order[j] - order[i]))
        sy = np.sign(y[j] - y[i] + 1e-9 * (order[j] - order[i]))
        step_x = np.where(along_x, ox[i, j] / 2 + 0.5, 0.0) * sx
        step_y = np.where(along_x, 0.0, oy[i, j] / 2 + 0.5) * sy
        dx, dy = np.zeros(len(nodes)), np.zeros(len(nodes))
        np.add.at(dx, i, -step_x)
        np.add.at(dx, j, step_x)
        np.add.at(dy, i, -step_y)
        np.add.at(dy, j, step_y)
        x, y = x + dx, y + dy
    for n, nx_, ny_ in zip(nodes, x, y, strict=True):
        n["x"], n["y"] = float(nx_), float(ny_)
    _apart_pairwise(nodes)


def _apart_pairwise(nodes: list[dict[str, Any]], rounds: int = 400) -> None:
    """Push each overlapping pair of label boxes apart along the shorter way out, until none overlaps."""
    for _ in range(rounds):
        moved = False
        boxes = [label_box(n) for n in nodes]
        order = sorted(range(len(nodes)), key=lambda i: boxes[i][0])
        for a_pos, i in enumerate(order):
            for j in order[a_pos + 1 :]:
                a, b = boxes[i], boxes[j]
                if b[0] >= a[2] + GAP_PX:
                    break
                if not overlaps((a[0] - GAP_PX, a[1] - GAP_PX, a[2] + GAP_PX, a[3] + GAP_PX), b):
                    continue
                dx = min(a[2], b[2]) - max(a[0], b[0]) + GAP_PX
                dy = min(a[3], b[3]) - max(a[1], b[1]) + GAP_PX
                ni, nj = nodes[i], nodes[j]
                if dx < dy:
                    sign = 1 if (nj["x"], nj["id"]) >= (ni["x"], ni["id"]) else -1
                    ni["x"] -= sign * (dx / 2 + 0.5)
                    nj["x"] += sign * (dx / 2 + 0.5)
                else:
                    sign = 1 if (nj["y"], nj["id"]) >= (ni["y"], ni["id"]) else -1
                    ni["y"] -= sign * (dy / 2 + 0.5)
                    nj["y"] += sign * (dy / 2 + 0.5)
                boxes[i], boxes[j] = label_box(ni), label_box(nj)
                moved = True
        if not moved:
            break
    for n in nodes:
        n["x"], n["y"] = round(n["x"], 1), round(n["y"], 1)
