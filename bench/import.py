"""A specification import of a neo4j-admin folder beside canonical ingest of the same rows and
LadybugDB's COPY, in one run.

The data: persons (nodes), phones (nodes), USES (person -> phone) and KNOWS (person -> person)
relationships, written once as a neo4j-admin import folder and once as canonical persons.csv and
links.csv with the same persons, phones and links. Times, each into a fresh embedded store:
`graph-intel import` of the folder through a specification (read, map, normalise, reconcile,
write), `graph-intel ingest` of the canonical folder, and COPY FROM of the canonical parser's
normalised rows (bench/ingest.py's reference). Prints rows/s and the ratios; the goal is a
specification import at least as fast as canonical ingest, and >= 50,000 rows/s at 100,000 rows.

    python bench/import.py --rows 100000           # also at 25,000 and 50,000: growth and peak memory
    python bench/import.py --rows 100000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scaling

SPEC = {
    "name": "bench-admin",
    "format": "neo4j-admin",
    "labels": {
        "Suspect": {
            "kind": "Person",
            "properties": {
                "given_name": "forename",
                "family_name": "surname",
                "date_of_birth": "dob",
                "category": {"constant": "suspect"},
            },
        },
        "Mobile": {"kind": "Phone"},
    },
    "types": {"USES": {"link": "uses_phone"}, "KNOWS": {"link": "associate_of"}},
}


def _bench_ingest() -> Any:
    """bench/ingest.py, for its phone spellings and its COPY reference."""
    spec = importlib.util.spec_from_file_location(
        "bench_ingest", Path(__file__).with_name("ingest.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(out: Path, rows: int, seed: int = 11) -> tuple[Path, Path, dict[str, int]]:
    """An admin folder and a canonical folder of the same facts, about `rows` admin rows in all."""
    rng = np.random.default_rng(seed)
    helpers = _bench_ingest()
    n_people, n_phones = max(rows // 5, 10), max(rows // 5, 10)
    n_uses = n_knows = max((rows - n_people - n_phones) // 2, 1)
    people = np.char.add("P", np.arange(n_people).astype(str))
    phones = pd.unique(helpers._phones(rng, n_phones * 2, n_phones * 4))[:n_phones]
    given = rng.choice(np.array(["Dale", "Ross", "Sam", "Kim", "Lee", "Jo"]), n_people)
    family = rng.choice(np.array(["Korver", "Pellow", "Teal", "Ashby", "Hale"]), n_people)
    dob = np.datetime_as_string(
        np.datetime64("1960-01-01") + rng.integers(0, 30 * 365, n_people).astype("timedelta64[D]")
    )
    uses = (people[rng.integers(0, n_people, n_uses)], phones[rng.integers(0, len(phones), n_uses)])
    knows = (people[rng.integers(0, n_people, n_knows)], people[rng.integers(0, n_people, n_knows)])

    admin = out / "admin"
    admin.mkdir(parents=True)
    pd.DataFrame(
        {
            "personId:ID(Person)": people,
            "forename": given,
            "surname": family,
            "dob:date": dob,
            "nhs_number": "",
            ":LABEL": "Person;Suspect",
        }
    ).to_csv(admin / "people.csv", index=False)
    pd.DataFrame({"phone:ID(Mobile)": phones, ":LABEL": "Mobile"}).to_csv(
        admin / "mobiles.csv", index=False
    )
    pd.DataFrame(
        {":START_ID(Person)": uses[0], ":END_ID(Mobile)": uses[1], ":TYPE": "USES"}
    ).to_csv(admin / "uses.csv", index=False)
    pd.DataFrame(
        {":START_ID(Person)": knows[0], ":END_ID(Person)": knows[1], ":TYPE": "KNOWS"}
    ).to_csv(admin / "knows.csv", index=False)

    canonical = out / "canonical"
    canonical.mkdir()
    pd.DataFrame(
        {
            "person_id": people,
            "given_name": given,
            "family_name": family,
            "date_of_birth": dob,
            "category": "suspect",
        }
    ).to_csv(canonical / "persons.csv", index=False)
    links = pd.concat(
        [
            pd.DataFrame(
                {
                    "from_kind": "person",
                    "from_id": uses[0],
                    "to_kind": "phone",
                    "to_id": uses[1],
                    "link": "uses_phone",
                }
            ),
            pd.DataFrame(
                {
                    "from_kind": "person",
                    "from_id": knows[0],
                    "to_kind": "person",
                    "to_id": knows[1],
                    "link": "associate_of",
                }
            ),
        ]
    )
    links.to_csv(canonical / "links.csv", index=False)
    counts = {
        "admin": n_people + len(phones) + n_uses + n_knows,
        "canonical": n_people + n_uses + n_knows,
    }
    return admin, canonical, counts


def time_import(folder: Path, work: Path, profile: bool) -> tuple[float, float]:
    from graph_intel.ingest import import_path
    from graph_intel.stores.ladybug_store import LadybugStore
    from loaders.mapping import parse_spec

    store = LadybugStore(work / "store-import")
    try:
        spec = parse_spec(SPEC)
        profiler = cProfile.Profile() if profile else None
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = import_path(store, spec, folder, dataset="bench")
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        took = time.perf_counter() - t0, time.process_time() - c0
        if report.quarantined:
            print(f"  warning: the import quarantined {report.quarantined:,} rows", file=sys.stderr)
        return took
    finally:
        store.close()


def time_ingest(folder: Path, work: Path) -> tuple[float, float]:
    from graph_intel.ingest import ingest
    from graph_intel.stores.ladybug_store import LadybugStore

    store = LadybugStore(work / "store-ingest")
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        report = ingest(store, folder, dataset="bench")
        took = time.perf_counter() - t0, time.process_time() - c0
        if report.quarantined:
            print(f"  warning: the ingest quarantined {report.quarantined:,} rows", file=sys.stderr)
        return took
    finally:
        store.close()


def time_copy(folder: Path, work: Path) -> tuple[float, float]:
    """COPY's wall and CPU seconds (the process's, every thread's, over the COPY statements only:
    the rows it is given are parsed before the clocks start)."""
    helpers = _bench_ingest()
    total, cpu = 0.0, []
    for name in ("persons.csv", "links.csv"):
        trial = work / f"copy-{name}"
        trial.mkdir()
        total += helpers.run_copy(folder / name, trial, cpu)
    return total, sum(cpu)


def _time_size(rows: int, work: Path, repeat: int, profile: bool, growth: Any) -> dict[str, float]:
    """Time the three paths at one size (best of `repeat`, each run in a child); print its table."""
    admin, canonical, counts = generate(work / "data", rows)
    runs: dict[str, list[Any]] = {"import": [], "ingest": [], "copy": []}
    for attempt in range(max(repeat, 1)):
        trial = work / f"run-{attempt}"
        trial.mkdir()
        first = profile and attempt == 0
        runs["import"].append(scaling.in_child(time_import, admin, trial, first))
        runs["ingest"].append(scaling.in_child(time_ingest, canonical, trial))
        runs["copy"].append(scaling.in_child(time_copy, canonical, trial))
        shutil.rmtree(trial, ignore_errors=True)
    # each path's own clocks (around the load itself: the child's start and imports left out)
    best = {k: min(m.value[0] for m in v) for k, v in runs.items()}
    cpu = {k: min(m.value[1] for m in v) for k, v in runs.items()}
    for key, measures in runs.items():
        fastest = min(measures, key=lambda m: m.value[0])
        growth.add(key, rows, scaling.Measure(fastest.value[0], fastest.value[1], fastest.peak_mb))
    n = {"import": counts["admin"], "ingest": counts["canonical"], "copy": counts["canonical"]}
    rate = {k: n[k] / best[k] for k in best}
    per_cpu = {k: n[k] / cpu[k] for k in cpu}
    peak = {k: max(m.peak_mb for m in v) for k, v in runs.items()}
    print(
        f"\ndata: {counts['admin']:,} admin-import rows ({counts['canonical']:,} canonical rows of "
        f"the same facts); best of {repeat}; load average {scaling.load_average()}"
    )
    print(
        f"{'path':<34}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'CPU s':>8}{'rows/CPU s':>12}"
        f"{'peak MB':>9}"
    )
    for key, label in (
        ("import", "import (neo4j-admin spec)"),
        ("ingest", "ingest (canonical)"),
        ("copy", "COPY FROM (LadybugDB)"),
    ):
        print(
            f"{label:<34}{n[key]:>10,}{best[key]:>10.2f}{rate[key]:>12,.0f}{cpu[key]:>8.2f}"
            f"{per_cpu[key]:>12,.0f}{peak[key]:>9.0f}"
        )
    print(
        f"import / ingest: {rate['import'] / rate['ingest']:.2f} (rows/s), "
        f"{per_cpu['import'] / per_cpu['ingest']:.2f} (rows per CPU s); "
        f"import / COPY: {rate['import'] / rate['copy']:.3f} (rows/s), "
        f"{per_cpu['import'] / per_cpu['copy']:.3f} (rows per CPU s)"
    )
    shutil.rmtree(work / "data", ignore_errors=True)
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=100_000,
        help="admin-import rows in all (nodes and relationships) at the largest size; also timed "
        "at a quarter and a half of it",
    )
    parser.add_argument(
        "--one-size", action="store_true", help="time --rows alone (no growth between sizes)"
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="time each this many times and keep the best"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the specification import (to stderr)"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="graph-intel-bench-import-"))
    try:
        sizes = [args.rows] if args.one_size else scaling.three_sizes(args.rows, floor=100)
        growth = scaling.Growth(unit="rows")
        for size in sizes:
            rate = _time_size(size, work, args.repeat, args.profile and size == sizes[-1], growth)
        growth.print()
        met = rate["import"] >= max(50_000, rate["ingest"])
        print(
            f"goal at {sizes[-1]:,} rows: import >= ingest and >= 50,000 rows/s: "
            f"{'met' if met else 'not met'}"
            + (
                f" (COPY itself ran at {rate['copy']:,.0f} rows/s in this run: the goal is "
                f"then import as close to COPY as the write path allows)"
                if rate["copy"] < 50_000
                else ""
            )
        )
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
