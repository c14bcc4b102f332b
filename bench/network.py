"""Benchmark: time for a 1,500-node network page to stabilise in headless Chromium (offline).

Run: .venv/bin/python bench/network.py [--nodes 1500]. Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

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


def main() -> int:
    """Build, render and time one page; print nodes, edges and seconds to stabilise."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1500)
    parser.add_argument(
        "--budget-ms", type=int, default=120_000, help="Chromium's virtual-time budget"
    )
    args = parser.parse_args()
    if not headless.available():
        sys.stderr.write(f"{headless.CHROMIUM} is absent: apt-get install chromium\n")
        return 2
    sources = {"b:S1": {"agency": "police", "source_eval": "1", "intel_eval": "A", "handling": "P"}}
    started = time.perf_counter()
    view = build_view(
        synthetic(args.nodes),
        sources,
        [],
        Options(budget=args.nodes),
        "Benchmark",
        connected_to_seeds=False,
    )
    html = render(view)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "bench.html"
        page.write_text(html, encoding="utf-8")
        status = headless.status(page, budget_ms=args.budget_ms, timeout=600)
        small = Path(tmp) / "empty.html"
        small.write_text(
            render(
                build_view(
                    synthetic(20), sources, [], Options(), "Baseline", connected_to_seeds=False
                )
            ),
            encoding="utf-8",
        )
        baseline = headless.status(small, budget_ms=args.budget_ms, timeout=600)
    ms = status.int("stabilize-ms")
    sys.stdout.write(
        f"network page: {status.int('nodes'):,} nodes drawn of {len(view.nodes):,}, {len(view.edges):,} edges, "
        f"{len(html) / 1e6:.1f} MB; built in {built:.2f} s; stabilised in {ms / 1000:.2f} s "
        f"by the in-page (virtual) clock; real: chromium wall {status.wall_seconds:.1f} s minus a 20-node "
        f"page's {baseline.wall_seconds:.1f} s = {status.wall_seconds - baseline.wall_seconds:.1f} s; "
        f"errors {status.int('errors')}, requests {status.int('requests')}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
