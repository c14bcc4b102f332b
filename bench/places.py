"""Benchmark `hotspots` and `colocation` over many events at many places, end to end from a store.

Run: .venv/bin/python bench/places.py [--events 30000] [--data DIR]. A synthetic case (invented
names; sightings and ANPR reads at places, each with two or three persons or a vehicle present,
over two years) of EVENTS events at EVENTS/2 places is written in the canonical format and loaded
with `graph-intel ingest`, at a quarter, a half and the whole of the size (issue 17: 30,000 events
at 15,000 places, under 2 s each). Each command is timed as an analyst runs it,
`graph-intel CMD --store S --json` in a process of its own (start-up, store read, analysis, JSON),
with its CPU time and peak resident memory, beside the reference measured in the same run: one
direct Cypher statement reading what both analyses read (every placed event with who was there),
on the opened store. Prints the table and the growth exponent between sizes; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import CLI, run_command
from scaling import exponent, load_average

#: The reference read: every placed event with the persons and vehicles present.
REFERENCE = (
    "MATCH (x)-[p:PARTICIPATED_IN]->(e:Event)-[:OCCURRED_AT]->(l:Location) "
    "RETURN l.key AS location, e.key AS event, e.kind AS kind, e.started_at AS at, x.key AS who"
)


def write_case(folder: Path, events: int, seed: int = 17) -> Path:
    """A canonical folder of `events` sightings and ANPR reads at `events // 2` places."""
    rng = random.Random(seed)
    places = max(1, events // 2)
    persons = max(4, events // 3)
    vehicles = max(2, events // 10)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows)

    write(
        "sources.csv",
        [
            "source_id",
            "agency",
            "recorded_at",
            "reference",
            "source_eval",
            "intel_eval",
            "handling",
        ],
        [["S1", "police", "2012-01-01", "BENCH-1", "1", "A", "P"]],
    )
    write(
        "persons.csv",
        ["person_id", "given_name", "family_name", "date_of_birth", "category", "source_id"],
        [
            [
                f"P{i}",
                f"Given{i}",
                f"Family{i % 997}",
                f"{1996 if i % 20 == 0 else 1975 + i % 20}-0{1 + i % 9}-1{i % 9}",
                "child" if i % 20 == 0 else "associate",
                "S1",
            ]
            for i in range(persons)
        ],
    )
    write(
        "locations.csv",
        ["location_id", "name", "kind", "postcode", "source_id"],
        [[f"L{i}", f"Place {i}", "hotel" if i % 3 else "street", "", "S1"] for i in range(places)],
    )
    write(
        "vehicles.csv",
        ["vrm", "make", "model", "source_id"],
        [[f"BN{i:05d}", "Ford", "Focus", "S1"] for i in range(vehicles)],
    )
    rows, parts = [], []
    for i in range(events):
        kind = "anpr_read" if i % 4 == 0 else "sighting"
        day, minute = rng.randrange(730), rng.randrange(1440)
        at = time.strftime("%Y-%m-%dT%H:%M:00", time.gmtime(1293840000 + day * 86400 + minute * 60))
        # places are visited unevenly (a few busy ones), as addresses in case data are
        place = min(int(rng.paretovariate(1.2)) - 1, places - 1) if i % 3 == 0 else i % places
        rows.append([f"E{i}", kind, at, f"L{place}", "", "S1"])
        if kind == "anpr_read":
            parts.append([f"E{i}", "vehicle", f"BN{rng.randrange(vehicles):05d}", "read", "S1"])
            continue
        for who in rng.sample(range(persons), 2 + i % 2):
            parts.append([f"E{i}", "person", f"P{who}", "with", "S1"])
    write("events.csv", ["event_id", "kind", "start", "location_id", "summary", "source_id"], rows)
    write("event_participants.csv", ["event_id", "kind", "id", "role", "source_id"], parts)
    return folder


def build_store(data: Path, events: int) -> Path:
    """The store of the case of `events` events under `data` (loaded by `graph-intel ingest` once)."""
    store = data / f"places{events}"
    if not (store / "graph.lbug").exists():
        folder = write_case(data / f"case{events}", events)
        started = time.perf_counter()
        subprocess.run(
            [*CLI, "ingest", str(folder), "--dataset", "bench", "--store", str(store)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"(loaded {events:,} events in {time.perf_counter() - started:.1f} s)", flush=True)
    return store


def reference(store: Path) -> tuple[float, int]:
    """Seconds and rows of the direct Cypher read on the opened store (best of three)."""
    from graph_intel.stores import open_store

    with open_store(store, read_only=True) as handle:
        best, rows = float("inf"), 0
        for _ in range(3):
            started = time.perf_counter()
            rows = len(handle.query(REFERENCE))
            best = min(best, time.perf_counter() - started)
    return best, rows


def main(argv: list[str] | None = None) -> int:
    """Time hotspots and colocation end to end at three sizes; print the table on stdout."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--events", type=int, default=30_000, help="events at the largest size")
    ap.add_argument(
        "--data", type=Path, default=None, help="where the cases and stores are built and reused"
    )
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    sizes = sorted({max(8, args.events // 4), max(8, args.events // 2), args.events})
    data = args.data or Path(tempfile.mkdtemp(prefix="graph-intel-places-"))
    data.mkdir(parents=True, exist_ok=True)
    stores = {n: build_store(data, n) for n in sizes}
    print(
        f"end to end, `graph-intel CMD --store S --json` in a subprocess; events {sizes} at half as "
        f"many places; load average {load_average()} ({os.cpu_count()} cores)"
    )
    head = "".join(f"{f'{n:,} ev s':>12}{'cpu s':>8}{'MB':>7}" for n in sizes)
    print(f"{'command':24}{head}{'growth k':>14}  ratio to the read (largest)")
    refs = {n: reference(stores[n]) for n in sizes}
    failed = []
    with tempfile.TemporaryDirectory(prefix="graph-intel-bench-") as tmp:
        for name in ("hotspots", "colocation"):
            cells, walls = "", []
            for n in sizes:
                wall, mb, _, status, cpu = run_command([name], stores[n], Path(tmp), args.timeout)
                walls.append(wall)
                cells += f"{wall:12.2f}{cpu:8.2f}{mb:7.0f}"
                if status != "ok":
                    failed.append(f"{name} at {n} events: {status}")
            ks = [exponent(walls[i], walls[i + 1], sizes[i], sizes[i + 1]) for i in range(2)]
            growth = ", ".join("-" if k is None else f"{k:.2f}" for k in ks)
            ratio = walls[-1] / max(refs[sizes[-1]][0], 1e-9)
            print(f"{name:24}{cells}{growth:>14}  {ratio:.1f}x", flush=True)
    cells = "".join(f"{refs[n][0]:12.2f}{'':8}{'':7}" for n in sizes)
    print(f"{'reference: Cypher read':24}{cells}  ({refs[sizes[-1]][1]:,} rows at the largest)")
    print(f"load average: {load_average()}")
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
