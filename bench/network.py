"""Benchmark: time for a 1,500-node network page to stabilise in headless Chromium (offline).

Run: .venv/bin/python bench/network.py [--nodes 1500]: pages of 375, 750 and 1,500 nodes, each\nbuilt in its own process, with the growth exponent and the build's peak memory. Prints figures;\nnothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import scaling

from graph_intel.network import headless
from graph_intel.network.build import Options, build_view
from graph_intel.network.page import render
from graph_intel.stores.base import Subgraph


def synthetic(n_nodes: int, seed: int = 7) -> Subgraph:
    """A case-shaped subgraph: persons (a few children), their phones and vehicles, associations."""
    rng = random.Random(seed)
    persons = int(n_nodes * 0.5)
    phones = int(n_nodes * 0.35)
    vehicles = n_nodes - persons - phones
    rows = [
        {
            "entity": "Person",
            "key": f"b:P{i}",
            "id": f"P{i}",
            "given_name": f"Name{i}",
            "category": "child" if i % 25 == 0 else rng.choice(["suspect", "associate", "witness"]),
        }
        for i in range(persons)
    ]
    rows += [
        {"entity": "Phone", "key": f"+447700{900000 + i:06d}", "id": f"+447700{900000 + i:06d}"}
        for i in range(phones)
    ]
    rows += [
        {"entity": "Vehicle", "key": f"BE{i:02d}NCH", "id": f"BE{i:02d}NCH"}
        for i in range(vehicles)
    ]
    links = []
    for i in range(phones):
        links.append(
            (
                "USES_PHONE",
                "Person",
                f"b:P{rng.randrange(persons)}",
                "Phone",
                f"+447700{900000 + i:06d}",
            )
        )
    for i in range(vehicles):
        links.append(
            ("DRIVES", "Person", f"b:P{rng.randrange(persons)}", "Vehicle", f"BE{i:02d}NCH")
        )
    for i in range(1, persons):
        links.append(("ASSOCIATE_OF", "Person", f"b:P{i}", "Person", f"b:P{rng.randrange(i)}"))
    for _ in range(persons // 2):
        links.append(
            (
                "ASSOCIATE_OF",
                "Person",
                f"b:P{rng.randrange(persons)}",
                "Person",
                f"b:P{rng.randrange(persons)}",
            )
        )
    frame = pd.DataFrame(
        [
            {
                "link": k,
                "from_entity": fe,
                "from_key": fk,
                "to_entity": te,
                "to_key": tk,
                "sources": ["b:S1"],
                "first_seen": pd.Timestamp("2011-01-01"),
                "last_seen": pd.NaT,
            }
            for k, fe, fk, te, tk in links
        ]
    )
    return Subgraph(nodes=pd.DataFrame(rows), links=frame)


SOURCES = {"b:S1": {"agency": "police", "source_eval": "1", "intel_eval": "A", "handling": "P"}}


def _page(nodes: int, budget_ms: int) -> dict[str, float]:
    """Build, render and open one page of `nodes` in Chromium (in its own process)."""
    started = time.perf_counter()
    view = build_view(
        synthetic(nodes), SOURCES, [], Options(budget=nodes), "Benchmark", connected_to_seeds=False
    )
    html = render(view)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "bench.html"
        page.write_text(html, encoding="utf-8")
        status = headless.status(page, budget_ms=budget_ms, timeout=600)
    return {
        "drawn": status.int("nodes"),
        "nodes": len(view.nodes),
        "edges": len(view.edges),
        "mb": len(html) / 1e6,
        "built": built,
        "ms": status.int("stabilize-ms"),
        "wall": status.wall_seconds,
        "errors": status.int("errors"),
        "requests": status.int("requests"),
    }


def main() -> int:
    """Build, render and time a page at --nodes/4, /2 and --nodes; print nodes, edges, seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1500, help="the largest page's nodes")
    parser.add_argument(
        "--budget-ms", type=int, default=120_000, help="Chromium's virtual-time budget"
    )
    parser.add_argument("--one-size", action="store_true", help="time --nodes alone")
    args = parser.parse_args()
    if not headless.available():
        sys.stderr.write(f"{headless.CHROMIUM} is absent: apt-get install chromium\n")
        return 2
    baseline = scaling.in_child(_page, 20, args.budget_ms).value["wall"]
    growth = scaling.Growth(unit="nodes")
    sizes = [args.nodes] if args.one_size else scaling.three_sizes(args.nodes, floor=20)
    for size in sizes:
        done = scaling.in_child(_page, size, args.budget_ms)
        page = done.value
        real = page["wall"] - baseline
        growth.add("built (Python)", size, scaling.Measure(page["built"], done.cpu, done.peak_mb))
        growth.add("stabilised (Chromium, real)", size, scaling.Measure(real, 0.0, 0.0))
        sys.stdout.write(
            f"network page: {page['drawn']:,} nodes drawn of {page['nodes']:,}, {page['edges']:,} "
            f"edges, {page['mb']:.1f} MB; built in {page['built']:.2f} s; stabilised in "
            f"{page['ms'] / 1000:.2f} s by the in-page (virtual) clock; real: chromium wall "
            f"{page['wall']:.1f} s minus a 20-node page's {baseline:.1f} s = {real:.1f} s; "
            f"errors {page['errors']}, requests {page['requests']}\n"
        )
    growth.print()
    print("(peak MB: the Python process that built the page; Chromium's own is not counted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
