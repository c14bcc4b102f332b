"""Embedded ingest throughput beside LadybugDB's own COPY FROM of the same rows, in one run.

For each of links.csv, events.csv, calls.csv and anpr.csv: the full path (graph_intel.ingest.ingest
into a fresh LadybugStore: read, parse, normalise, reconcile, write) against COPY FROM of the
parser's own output (pre-normalised, de-duplicated Arrow tables straight into the same tables of a
fresh database). Prints rows/s for both and their ratio; the goal is >= 50,000 rows/s for links and
events and within 3x of COPY.

    python bench/ingest.py --rows 500000            # numpy-generated rows per file (and 1/4, 1/2 of it)
    python bench/ingest.py --scale 100              # graph_intel.demo.write_demo(out, scale=100)
    python bench/ingest.py --rows 200000 --profile events.csv
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scaling

BENCH_FILES = ["links.csv", "events.csv", "calls.csv", "anpr.csv"]
_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXY"))


def _phones(rng: np.random.Generator, n: int, pool: int) -> np.ndarray:
    """Spellings of never-valid mobiles (07700 200000-899999), in mixed styles."""
    from graph_intel.demo.numbers import scale_mobiles

    idx = rng.integers(0, min(pool, 6_999_999), n)
    plain = scale_mobiles(idx).to_numpy(dtype=object)
    style = rng.integers(0, 3, n)
    spaced = np.array([p[:5] + " " + p[5:] for p in plain], dtype=object)
    intl = np.array(["+44 " + p[1:5] + " " + p[5:] for p in plain], dtype=object)
    return np.where(style == 0, plain, np.where(style == 1, spaced, intl))


def _vrms(rng: np.random.Generator, n: int, pool: int) -> np.ndarray:
    """Current-format marks (AB12 CDE), drawn from a pool of `pool` distinct ones."""
    idx = rng.integers(0, pool, n)
    a = _LETTERS[idx % 23]
    b = _LETTERS[(idx // 23) % 23]
    age = (idx // 529) % 20 + 10
    c = _LETTERS[(idx // 10580) % 23]
    d = _LETTERS[(idx // 243340) % 23]
    e = _LETTERS[(idx // 5596820) % 23]
    return np.char.add(
        np.char.add(np.char.add(a, b), age.astype(str)),
        np.char.add(" ", np.char.add(np.char.add(c, d), e)),
    )


def _times(rng: np.random.Generator, n: int) -> np.ndarray:
    base = np.datetime64("2011-01-01T00:00:00")
    return np.datetime_as_string(
        base + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]"), unit="s"
    )


def generate(out: Path, rows: int, seed: int = 7) -> Path:
    """Write links/events/calls/anpr CSV files of `rows` rows each, shaped like demo --scale data."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    persons = max(rows // 4, 10)
    kinds = rng.choice(
        np.array(["uses_phone", "associate_of", "drives", "lives_at"]),
        rows,
        p=[0.4, 0.3, 0.15, 0.15],
    )
    to_id = np.empty(rows, dtype=object)
    to_kind = np.empty(rows, dtype=object)
    for kind, target, make in (
        ("uses_phone", "phone", lambda k: _phones(rng, k, persons)),
        (
            "associate_of",
            "person",
            lambda k: np.char.add("P", rng.integers(0, persons, k).astype(str)),
        ),
        ("drives", "vehicle", lambda k: _vrms(rng, k, persons)),
        (
            "lives_at",
            "location",
            lambda k: np.char.add("L", rng.integers(0, persons // 3 + 1, k).astype(str)),
        ),
    ):
        m = kinds == kind
        to_id[m] = make(int(m.sum()))
        to_kind[m] = target
    pd.DataFrame(
        {
            "from_kind": "person",
            "from_id": np.char.add("P", rng.integers(0, persons, rows).astype(str)),
            "to_kind": to_kind,
            "to_id": to_id,
            "link": kinds,
            "first_seen": _times(rng, rows),
            "source_id": "",
        }
    ).to_csv(out / "links.csv", index=False)
    pd.DataFrame(
        {
            "event_id": np.char.add("E", np.arange(rows).astype(str)),
            "kind": rng.choice(
                np.array(["sighting", "incident", "missing_episode", "referral"]), rows
            ),
            "start": _times(rng, rows),
            "end": "",
            "location_id": np.char.add("L", rng.integers(0, persons // 3 + 1, rows).astype(str)),
            "summary": "seen together",
            "source_id": "",
        }
    ).to_csv(out / "events.csv", index=False)
    pd.DataFrame(
        {
            "caller": _phones(rng, rows, persons),
            "callee": _phones(rng, rows, persons),
            "start": _times(rng, rows),
            "duration_s": rng.integers(0, 900, rows),
            "type": rng.choice(np.array(["voice", "sms"]), rows),
            "source_id": "",
        }
    ).to_csv(out / "calls.csv", index=False)
    cams = rng.integers(0, 500, rows)
    pd.DataFrame(
        {
            "vrm": _vrms(rng, rows, persons),
            "seen_at": _times(rng, rows),
            "camera_id": np.char.add("CAM-", cams.astype(str)),
            "latitude": np.round(53.7 + cams / 5000, 5),
            "longitude": np.round(-1.86 + cams / 5000, 5),
            "location_id": "",
            "direction": rng.choice(np.array(["N", "S", "E", "W"]), rows),
        }
    ).to_csv(out / "anpr.csv", index=False)
    return out


def _rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def run_ingest(path: Path, work: Path, reload: bool, profile: bool) -> tuple[float, float | None]:
    """Seconds to ingest one file into a fresh store (and to re-ingest it, when asked)."""
    from graph_intel.ingest import ingest
    from graph_intel.stores import open_store

    folder = work / f"in-{path.stem}"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    store = open_store(
        f"ladybug:{work / f'store-{path.stem}'}"
    )  # the embedded store, whatever the environment names
    try:
        sources = _sources_folder(path, work)
        if sources is not None:  # the rows cite these sources: stored first, not timed
            ingest(store, sources, dataset="bench")
        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        report = ingest(store, folder, dataset="bench")
        if profiler:
            profiler.disable()
        first = time.perf_counter() - t0
        # a benchmark that quarantines its rows measures nothing: say so
        if report.quarantined > report.rows_loaded.get(path.name, 0) // 100:
            print(
                f"  warning: {report.quarantined:,} of the rows in {path.name} were quarantined",
                file=sys.stderr,
            )
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
        again = None
        if reload:
            t0 = time.perf_counter()
            report = ingest(store, folder, dataset="bench")
            again = time.perf_counter() - t0
            assert (report.writes.created, report.writes.updated) == (0, 0), (
                "re-ingest changed the store"
            )
        return first, again
    finally:
        store.close()


def _sources_folder(path: Path, work: Path) -> Path | None:
    """A folder holding the data's sources.csv (demo data cites its sources), or None."""
    sources = path.parent / "sources.csv"
    if not sources.exists() or path.name == "sources.csv":
        return None
    folder = work / f"sources-{path.stem}"
    folder.mkdir(exist_ok=True)
    shutil.copy(sources, folder / sources.name)
    return folder


def run_copy(path: Path, work: Path, cpu: list[float] | None = None) -> float:
    """Seconds for LadybugDB's COPY FROM of the parser's normalised rows (parsing not timed);
    the process's CPU seconds over the same statements are appended to `cpu` when given."""
    import ladybug

    from graph_intel.schema import schema
    from graph_intel.stores.frames import arrow_table, conform_links, conform_nodes, link_types
    from graph_intel.stores.ladybug_store import ladybug_ddl
    from loaders.canonical.batch import Batch, Problems
    from loaders.canonical.chunks import read_chunks
    from loaders.canonical.columns import LoadContext
    from loaders.canonical.parsers import CANONICAL_FILES

    parse = next(f.parse for f in CANONICAL_FILES if f.name == path.name)
    ctx = LoadContext(dataset="bench")
    ctx.source_dates[ctx.default_source] = pd.NaT
    sources = path.parent / "sources.csv"
    if (
        sources.exists() and path.name != "sources.csv"
    ):  # the sources the rows cite, as the ingest has them
        parse_sources = next(f.parse for f in CANONICAL_FILES if f.name == "sources.csv")
        for chunk in read_chunks(sources):
            parse_sources(chunk, ctx, Problems(chunk), Batch())
    nodes: dict[str, list[pd.DataFrame]] = {}
    links: dict[tuple[str, str, str], list[pd.DataFrame]] = {}
    for chunk in read_chunks(path):
        batch = Batch()
        parse(chunk, ctx, Problems(chunk), batch)
        for entity, frames in [*batch.nodes.items(), *getattr(batch, "ensured", {}).items()]:
            nodes.setdefault(entity, []).extend(frames)
        for key, frames in batch.links.items():
            links.setdefault(key, []).extend(frames)
    node_tables = []
    for entity, frames in nodes.items():
        ent = schema().entity(entity)
        frame = conform_nodes(ent, pd.concat(frames, ignore_index=True)).drop_duplicates(
            subset=["key"]
        )
        node_tables.append((ent.name, arrow_table(frame, dict(ent.columns())), ""))
    for (link, a, b), frames in links.items():
        spec = schema().link(link)
        frame = conform_links(spec, pd.concat(frames, ignore_index=True))
        frame = frame.drop_duplicates(subset=["from_key", "to_key", *spec.identity])
        node_tables.append(
            (spec.name, arrow_table(frame, link_types(spec)), f" (from='{a}', to='{b}')")
        )
    db = ladybug.Database(str(work / f"copy-{path.stem}.lbug"))
    conn = ladybug.Connection(db)
    try:
        for stmt in ladybug_ddl():
            conn.execute(stmt)
        t0, c0 = time.perf_counter(), time.process_time()
        for table, data, options in node_tables:  # noqa: B007 - COPY reads `data` by name; nodes before rels
            conn.execute(f"COPY {table} FROM data{options}")
        if cpu is not None:
            cpu.append(time.process_time() - c0)
        return time.perf_counter() - t0
    finally:
        conn.close()
        db.close()


def main(argv: list[str] | None = None) -> int:
    """Generate data, time ingest and COPY per file (best of --repeat each), print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=200_000, help="rows per file when generating with numpy"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=None,
        help="use graph_intel.demo.write_demo(out, scale=N) instead",
    )
    parser.add_argument("--files", nargs="*", default=BENCH_FILES, help="which files to time")
    parser.add_argument(
        "--no-reload", action="store_true", help="skip timing the idempotent re-ingest"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="time ingest and COPY this many times each, alternately, and keep each one's best "
        "(the machine is shared: the best run is the one least disturbed)",
    )
    parser.add_argument(
        "--profile", default=None, help="cProfile the ingest of this file (to stderr)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument(
        "--one-size",
        action="store_true",
        help="time --rows (or --scale) alone; by default also a quarter and a half of it",
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="graph-intel-bench-"))
    try:
        largest = args.scale if args.scale is not None else args.rows
        sizes = [largest] if args.one_size else scaling.three_sizes(largest)
        growth = scaling.Growth(unit="scale" if args.scale is not None else "rows")
        for size in sizes:
            _time_size(args, size, work / f"size-{size}", growth)
        growth.print()
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _time_size(args: argparse.Namespace, size: int, work: Path, growth: scaling.Growth) -> None:
    """Ingest and COPY of each file at one size (a demo scale or rows per file), as one table."""
    t0 = time.perf_counter()
    if args.scale is not None:
        from graph_intel.demo import write_demo

        data = write_demo(work / "data", scale=size)
        what = f"demo --scale {size}"
    else:
        data = generate(work / "data", size)
        what = f"numpy, {size:,} rows per file"
    print(
        f"\ndata: {what} ({time.perf_counter() - t0:.1f}s to write) in {work}; best of "
        f"{args.repeat} runs each, each in its own process; load average {scaling.load_average()}"
    )
    header = f"{'file':<14}{'rows':>11}{'ingest s':>10}{'ingest rows/s':>15}{'COPY s':>9}{'COPY rows/s':>13}{'ingest/COPY':>13}{'re-ingest rows/s':>18}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for name in args.files:
        path = data / name
        if not path.exists():
            print(f"{name:<14}  (not in the data)")
            continue
        n = _rows(path)
        ingest_runs, copy_runs, again_runs = [], [], []
        for attempt in range(max(args.repeat, 1)):
            trial = work / f"{path.stem}-{attempt}"
            trial.mkdir()
            done = scaling.in_child(
                run_ingest,
                path,
                trial,
                not args.no_reload and attempt == 0,
                args.profile == name and attempt == 0,
            )
            first, again = done.value
            ingest_runs.append(scaling.Measure(first, done.cpu, done.peak_mb))
            if again is not None:
                again_runs.append(again)
            copied = scaling.in_child(run_copy, path, trial)
            copy_runs.append(scaling.Measure(copied.value, copied.cpu, copied.peak_mb))
            shutil.rmtree(trial, ignore_errors=True)
        best_ingest = min(ingest_runs, key=lambda m: m.wall)
        best_copy = min(copy_runs, key=lambda m: m.wall)
        growth.add(f"ingest {name}", size, best_ingest)
        growth.add(f"COPY {name}", size, best_copy)
        ingest_s, copy_s = best_ingest.wall, best_copy.wall
        again_s = min(again_runs) if again_runs else None
        again = f"{n / again_s:>18,.0f}" if again_s else f"{'-':>18}"
        print(
            f"{name:<14}{n:>11,}{ingest_s:>10.2f}{n / ingest_s:>15,.0f}{copy_s:>9.2f}{n / copy_s:>13,.0f}"
            f"{ingest_s / copy_s:>12.1f}x{again}{best_ingest.peak_mb:>9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
