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
    spread = 80.0 * max(1.0, len(nodes) ** 0.5)
    where = nx.spring_layout(
        graph, seed=seed, k=1.6 / max(1.0, len(nodes) ** 0.5), iterations=200, scale=spread
    )
    for n in nodes:
        x, y = where[n["id"]]
        n["x"], n["y"] = round(float(x), 1), round(float(y), 1)
    _apart(sorted(nodes, key=lambda n: n["id"]))
    return True


def _apart(nodes: list[dict[str, Any]], rounds: int = 400) -> None:
    """Push overlapping label boxes apart along the shorter way out, until none overlaps."""
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
                    step = dx / 2 + 0.5
                    sign = 1 if (nj["x"], nj["id"]) >= (ni["x"], ni["id"]) else -1
                    ni["x"] -= sign * step
                    nj["x"] += sign * step
                else:
                    step = dy / 2 + 0.5
                    sign = 1 if (nj["y"], nj["id"]) >= (ni["y"], ni["id"]) else -1
                    ni["y"] -= sign * step
                    nj["y"] += sign * step
                boxes[i], boxes[j] = label_box(ni), label_box(nj)
                moved = True
        if not moved:
            break
    for n in nodes:
        n["x"], n["y"] = round(n["x"], 1), round(n["y"], 1)
