"""Benchmark of the read commands as users run them, end to end from a store, at three sizes.

Each read command runs as `graph-intel CMD --store STORE --json` in a subprocess (start-up, opening
the store, the analysis with its evidence, the JSON on stdout): its wall time and peak resident
memory (the child's own, from wait4) at `demo --scale` N/4, N/2 and N, and the growth exponent
between sizes (time ~ persons^k; 1 is linear). Beside it, in the same run, a reference doing the
same work: plain networkx and igraph over the same joining links for groups (components, the split
of large sets, and each group's evidence selected from the graph's edges), key players and the
path; a direct Cypher statement for `show`. Stores are built once under --data and reused.

    python bench/analysis.py --scale 100 --data /tmp/graph-intel-bench-stores
    python bench/analysis.py --scale 5                    # CI
    python bench/analysis.py --inner --scale 250          # inner functions on CSV frames (below)

The `--inner` benchmark (kept, labelled as such) times find_groups, shared-contact counts,
betweenness and one path on projection frames built from the generated CSVs, beside networkx: it
measures the engines, not what users run.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from graph_intel.analysis.groups import find_groups
from graph_intel.analysis.paths import bidirectional_search
from graph_intel.analysis.players import betweenness
from graph_intel.analysis.projection import to_igraph, to_networkx
from graph_intel.demo import write_demo

PUBLIC_OR_PLACEMENT = {
    "hotel",
    "takeaway",
    "park",
    "street",
    "shop",
    "school",
    "camera",
    "care_placement",
    "other",
}
TOGETHER = {"sighting", "incident", "arrest"}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False, engine="pyarrow")


def _phone(s: pd.Series) -> pd.Series:
    """Cheap E.164-ish normalisation for the benchmark (digits; 44... -> 0...)."""
    d = s.str.replace(r"\D", "", regex=True)
    return d.where(~d.str.startswith("44"), "0" + d.str[2:])


def _norm(kind: pd.Series, ident: pd.Series) -> pd.Series:
    out = ident.copy()
    ph = kind == "phone"
    out[ph] = _phone(ident[ph])
    ve = kind == "vehicle"
    out[ve] = ident[ve].str.replace(" ", "").str.upper()
    return kind + ":" + out


def frames(folder: Path) -> dict[str, Any]:
    """The projections: adult joining edges, attributions, adult-child facts, saved contacts, full graph."""
    persons = _read(folder, "persons.csv")
    persons = persons[persons["person_id"] != ""]
    dob = pd.to_datetime(persons["date_of_birth"], errors="coerce")
    cat = persons["category"].replace("", "unknown")
    children = set("person:" + persons["person_id"][cat == "child"])
    grown = set(
        "person:"
        + persons["person_id"][
            (cat != "child") & ((cat != "unknown") | (dob <= pd.Timestamp("1993-12-31")))
        ]
    )
    links = _read(folder, "links.csv")
    links = links[links["from_kind"] != ""]
    links = links.assign(
        a=_norm(links["from_kind"], links["from_id"]), b=_norm(links["to_kind"], links["to_id"])
    )
    locs = _read(folder, "locations.csv")
    not_home = set("location:" + locs["location_id"][locs["kind"].isin(PUBLIC_OR_PLACEMENT)])
    attr = links[links["link"].isin(["uses_phone", "keeper_of", "drives", "lives_at"])][
        ["a", "b", "link"]
    ]
    child_things = set(attr["b"][attr["a"].isin(children)])
    phone_users = attr[attr["link"] == "uses_phone"][["a", "b"]].rename(
        columns={"a": "person", "b": "phone"}
    )
    edges: list[pd.DataFrame] = []
    shared = attr[
        attr["a"].isin(grown) & ~attr["b"].isin(child_things) & ~attr["b"].isin(not_home)
    ][["a", "b"]].drop_duplicates()
    pairs = shared.merge(shared, on="b")
    edges.append(
        pairs[pairs["a_x"] < pairs["a_y"]].rename(columns={"a_x": "a", "a_y": "c"})[["a", "c"]]
    )
    assoc = links[links["link"].isin(["family_of", "associate_of", "partner_of", "introduced"])]
    edges.append(assoc[["a", "b"]].rename(columns={"b": "c"}))
    calls = _read(folder, "calls.csv")
    calls = calls.assign(
        caller=_phone(calls["caller"]).radd("phone:"), callee=_phone(calls["callee"]).radd("phone:")
    )
    cp = calls.merge(phone_users.rename(columns={"phone": "caller", "person": "x"}), on="caller")
    cp = cp.merge(phone_users.rename(columns={"phone": "callee", "person": "y"}), on="callee")
    ok = ~cp["caller"].isin(child_things) & ~cp["callee"].isin(child_things)
    edges.append(cp[ok][["x", "y"]].rename(columns={"x": "a", "y": "c"}))
    hs = _read(folder, "handset_contacts.csv")
    hs = hs.assign(
        h=_phone(hs["handset"]).radd("phone:"), n=_phone(hs["contact_number"]).radd("phone:")
    )
    hp = hs.merge(phone_users.rename(columns={"phone": "h", "person": "x"}), on="h")
    hp = hp.merge(phone_users.rename(columns={"phone": "n", "person": "y"}), on="n")
    edges.append(hp[["x", "y"]].rename(columns={"x": "a", "y": "c"}))
    events = _read(folder, "events.csv")
    parts = _read(folder, "event_participants.csv")
    parts = parts.assign(who=_norm(parts["kind"], parts["id"]))
    kinds = events.set_index("event_id")["kind"]
    present = parts[(parts["kind"] == "person") & parts["event_id"].map(kinds).isin(TOGETHER)][
        ["event_id", "who"]
    ]
    tog = present.merge(present, on="event_id")
    edges.append(
        tog[tog["who_x"] < tog["who_y"]].rename(columns={"who_x": "a", "who_y": "c"})[["a", "c"]]
    )
    joins = pd.concat(edges, ignore_index=True).rename(columns={"c": "b"})
    joins = joins[joins["a"].isin(grown) & joins["b"].isin(grown) & (joins["a"] != joins["b"])]
    # adult-child facts: calls both ways and being together
    ac = pd.concat(
        [
            cp[["x", "y"]].rename(columns={"x": "a", "y": "b"}),
            cp[["y", "x"]].rename(columns={"y": "a", "x": "b"}),
            tog[["who_x", "who_y"]].rename(columns={"who_x": "a", "who_y": "b"}),
        ],
        ignore_index=True,
    )
    ac = ac[ac["a"].isin(grown) & ac["b"].isin(children)]
    # the full POLE graph (events, calls and reads as nodes; provenance never a node)
    anpr = _read(folder, "anpr.csv")
    full = [
        links[["a", "b"]],
        pd.DataFrame({"a": "event:" + parts["event_id"], "b": parts["who"]}),
        pd.DataFrame(
            {"a": "event:" + events["event_id"], "b": "location:" + events["location_id"]}
        )[events["location_id"] != ""],
        pd.DataFrame({"a": "call:" + calls.index.astype(str), "b": calls["caller"]}),
        pd.DataFrame({"a": "call:" + calls.index.astype(str), "b": calls["callee"]}),
        pd.DataFrame(
            {
                "a": "read:" + anpr.index.astype(str),
                "b": "vehicle:" + anpr["vrm"].str.replace(" ", "").str.upper(),
            }
        ),
        pd.DataFrame({"a": "read:" + anpr.index.astype(str), "b": "camera:" + anpr["camera_id"]}),
        pd.DataFrame({"a": "exhibit:" + hs["exhibit_ref"], "b": hs["n"]}),
        pd.DataFrame({"a": "exhibit:" + hs["exhibit_ref"], "b": hs["h"]}),
    ]
    full_edges = pd.concat(full, ignore_index=True)
    saved = hs[["n", "exhibit_ref"]]
    return {
        "joins": joins,
        "attr": attr,
        "ac": ac,
        "saved": saved,
        "full": full_edges,
        "entities": int(pd.concat([full_edges["a"], full_edges["b"]]).nunique()),
        "links": len(full_edges),
    }


def ours_shared(f: dict[str, Any]) -> tuple[int, int, int]:
    """Shared contacts with pandas group-bys (as graph_intel.analysis.contacts does)."""
    awc = f["ac"].groupby("a")["b"].nunique()
    nih = f["saved"].groupby("n")["exhibit_ref"].nunique()
    objs = f["attr"].groupby("b")["a"].nunique()
    return int((awc >= 2).sum()), int((nih >= 2).sum()), int((objs >= 2).sum())


def nx_shared(f: dict[str, Any]) -> tuple[int, int, int]:
    """The same counts by walking networkx graphs."""
    out = []
    for frame, a, b in (
        (f["ac"], "a", "b"),
        (f["saved"], "n", "exhibit_ref"),
        (f["attr"], "b", "a"),
    ):
        g = nx.Graph()
        left = set(frame[a])
        g.add_edges_from(zip("L" + frame[a], "R" + frame[b], strict=True))
        out.append(sum(1 for n in left if g.degree("L" + n) >= 2))
    return out[0], out[1], out[2]


def nx_groups(edges: pd.DataFrame, threshold: int, seed: int) -> int:
    """Connected components and Louvain splits (networkx has no Leiden)."""
    g = to_networkx(edges)
    n = 0
    for comp in nx.connected_components(g):
        if len(comp) > threshold:
            n += sum(
                1
                for c in nx.community.louvain_communities(g.subgraph(comp), seed=seed)
                if len(c) >= 2
            )
        elif len(comp) >= 2:
            n += 1
    return n


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def inner_main(argv: list[str] | None = None) -> int:
    """The inner-function benchmark (engines on CSV frames, not commands): its table on stdout."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--scale", type=int, default=5, help="demo --scale (x 1,000 background persons)"
    )
    ap.add_argument(
        "--out", type=Path, default=None, help="where the demo CSVs are written (reused if present)"
    )
    ap.add_argument("--sample", type=int, default=200, help="betweenness sources")
    ap.add_argument("--threshold", type=int, default=25)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    folder = args.out or Path(f"/tmp/graph-intel-bench-{args.scale}")
    if not (folder / "persons.csv").exists():
        t, _ = timed(lambda: write_demo(folder, scale=args.scale))
        sys.stderr.write(f"wrote demo --scale {args.scale} in {t:.1f} s\n")
    t_frames, f = timed(lambda: frames(folder))
    print(
        f"demo --scale {args.scale}: {f['entities']:,} entities, {f['links']:,} links; "
        f"{len(f['joins']):,} adult joining facts; frames built from CSV in {t_frames:.1f} s"
    )
    rows = []

    t1, g1 = timed(lambda: len(find_groups(f["joins"], args.threshold, args.seed)))
    t2, g2 = timed(lambda: nx_groups(f["joins"], args.threshold, args.seed))
    rows.append(("groups (components + Leiden/Louvain split)", t1, t2, f"{g1:,} vs {g2:,} groups"))
    t1, s1 = timed(lambda: ours_shared(f))
    t2, s2 = timed(lambda: nx_shared(f))
    assert s1 == s2, (s1, s2)
    rows.append(("shared contacts", t1, t2, f"{s1}"))

    def ours_bc() -> float:
        proj = to_igraph(f["joins"])
        return float(betweenness(proj, args.sample, args.seed).max())

    def nx_bc() -> float:
        g = to_networkx(f["joins"])
        k = min(args.sample, g.number_of_nodes())
        return max(nx.betweenness_centrality(g, k=k, seed=args.seed).values())

    t1, b1 = timed(ours_bc)
    t2, b2 = timed(nx_bc)
    rows.append(
        (
            f"key players (betweenness, {args.sample} sampled sources)",
            t1,
            t2,
            f"max {b1:.2e} vs {b2:.2e}",
        )
    )

    src, dst = "person:C1", "person:A8"

    def ours_path() -> int:
        proj = to_igraph(f["full"])
        idx = proj.index()
        graph = proj.graph
        chain = bidirectional_search(
            idx[src], idx[dst], lambda v: ((u, None) for u in graph.neighbors(v))
        )
        return len(chain) if chain is not None else -1

    def nx_path() -> int:
        g = to_networkx(f["full"])
        return len(nx.bidirectional_shortest_path(g, src, dst)) - 1

    t1, p1 = timed(ours_path)
    t2, p2 = timed(nx_path)
    rows.append(("one evidence path (build + search)", t1, t2, f"{p1} vs {p2} hops"))
    print(f"{'analysis':52} {'ours s':>9} {'networkx s':>11} {'ratio':>7}  check")
    for name, a, b, note in rows:
        print(f"{name:52} {a:9.2f} {b:11.2f} {b / max(a, 1e-9):6.1f}x  {note}")
    return 0


# ---------------------------------------------------------------------------------------------
# End to end: the commands users run, from a store

#: The read commands timed (argv after `graph-intel`), with the demo's own ids and dates.
COMMANDS: list[tuple[str, list[str]]] = [
    ("show person C1", ["show", "person", "C1"]),
    ("stats", ["stats"]),
    ("groups", ["groups"]),
    ("shared-contacts", ["shared-contacts"]),
    ("key-players --sample 200", ["key-players", "--sample", "200"]),
    ("path person C1 person A8", ["path", "person", "C1", "person", "A8"]),
    ("hotspots", ["hotspots"]),
    ("colocation", ["colocation"]),
    ("changes --since 2011-01-01", ["changes", "--since", "2011-01-01"]),
    ("missing-triggers", ["missing-triggers"]),
    ("cawn eligible", ["cawn", "eligible"]),
    ("cawn candidates", ["cawn", "candidates"]),
    ("cawn breaches", ["cawn", "breaches"]),
    ("matrix list", ["matrix", "list"]),
    ("chronology C1", ["chronology", "C1"]),
    ("briefing --since 2011-01-01", ["briefing", "--since", "2011-01-01"]),
    ("network person C1", ["network", "person", "C1", "--out", "{tmp}/network.html"]),
]
#: The graph-intel command, run with this interpreter.
CLI = [sys.executable, "-m", "graph_intel"]


def build_store(data: Path, scale: int) -> Path:
    """The store of `demo --scale N` under `data` (built by the demo command once, then reused)."""
    store = data / f"scale{scale}"
    if not (store / "graph.lbug").exists():
        started = time.perf_counter()
        subprocess.run(
            [
                *CLI,
                "demo",
                "--scale",
                str(scale),
                "--out",
                str(data / f"scale{scale}-csv"),
                "--store",
                str(store),
                "--json",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sys.stderr.write(
            f"built demo --scale {scale} store in {time.perf_counter() - started:.0f} s\n"
        )
    return store


def run_command(
    argv: list[str], store: Path, tmp: Path, timeout: float
) -> tuple[float, float, int, str, float]:
    """(wall s, peak resident MB, JSON bytes, status, CPU s) of `graph-intel ARGV --store S --json` in a child.

    CPU time (user + system, the child's own, from wait4) is printed beside the wall time: on a
    shared machine the wall time is mostly waiting for a core, the CPU time is the work."""
    args = [a.replace("{tmp}", str(tmp)) for a in argv]
    out = tmp / "out.json"
    started = time.perf_counter()
    with open(out, "wb") as fh:
        proc = subprocess.Popen(
            [*CLI, *args, "--store", str(store), "--json"], stdout=fh, stderr=subprocess.DEVNULL
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                return (
                    time.perf_counter() - started,
                    usage.ru_maxrss / 1024,
                    0,
                    "timeout",
                    usage.ru_utime + usage.ru_stime,
                )
            time.sleep(0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode
    return (
        wall,
        usage.ru_maxrss / 1024,
        out.stat().st_size,
        "ok" if code in (0, 1) else f"exit {code}",
        usage.ru_utime + usage.ru_stime,
    )


def reference_groups(store_path: Path, threshold: int = 25, seed: int = 42) -> dict[str, float]:
    """The groups work in plain networkx and in igraph over the same joining facts, beside ours in-process.

    Each side is timed from an opened store: ours is the command's function and its JSON; the
    references are the same store read into joining facts, then their own graph work.

    networkx: build the graph with each edge's facts, connected components, Louvain for sets over
    the threshold (networkx has no Leiden), and each group's evidence gathered from its subgraph's
    edges and grouped by record, as a networkx user would. igraph: components and Leiden only.
    """
    import igraph as ig
    import leidenalg

    from graph_intel.analysis.groups import joining_facts
    from graph_intel.commands import analysis as an
    from graph_intel.commands import to_json
    from graph_intel.stores import open_store

    store = open_store(store_path, read_only=True)
    try:
        started = time.perf_counter()
        facts = joining_facts(store)
        t_read = time.perf_counter() - started
        started = time.perf_counter()
        to_json(an.groups_json(store))
        t_ours = time.perf_counter() - started
    finally:
        store.close()
    rows = list(
        zip(
            facts["a"].tolist(),
            facts["b"].tolist(),
            facts["kind"].tolist(),
            facts["ref_key"].tolist(),
            strict=True,
        )
    )
    started = time.perf_counter()
    g = nx.Graph()
    for i, (a, b, _k, _r) in enumerate(rows):
        if g.has_edge(a, b):
            g[a][b]["facts"].append(i)
        else:
            g.add_edge(a, b, facts=[i])
    evidence = 0
    for comp in nx.connected_components(g):
        parts = (
            nx.community.louvain_communities(g.subgraph(comp), seed=seed)
            if len(comp) > threshold
            else [comp]
        )
        for part in parts:
            if len(part) < 2:
                continue
            by_record: dict[tuple[str, str], list[int]] = {}
            for _a, _b, data in g.subgraph(part).edges(data=True):
                for i in data["facts"]:
                    by_record.setdefault((rows[i][2], rows[i][3]), []).append(i)
            evidence += len(by_record)
    t_nx = time.perf_counter() - started
    started = time.perf_counter()
    names = pd.Index(pd.unique(pd.concat([facts["a"], facts["b"]], ignore_index=True)))
    graph = ig.Graph(
        n=len(names),
        edges=list(
            zip(
                names.get_indexer(facts["a"]).tolist(),
                names.get_indexer(facts["b"]).tolist(),
                strict=True,
            )
        ),
    )
    graph.simplify()
    for comp in graph.connected_components():
        if len(comp) > threshold:
            leidenalg.find_partition(
                graph.induced_subgraph(comp), leidenalg.ModularityVertexPartition, seed=seed
            )
    t_ig = time.perf_counter() - started
    return {
        "networkx": t_nx + t_read,
        "igraph": t_ig + t_read,
        "ours": t_ours,
        "read": t_read,
        "evidence": float(evidence),
    }


def reference_show(store_path: Path) -> float:
    """One direct Cypher statement: person C1's links and the entities at their other ends."""
    import ladybug

    db = ladybug.Database(str(store_path / "graph.lbug"), read_only=True)
    conn = ladybug.Connection(db)
    started = time.perf_counter()
    result = conn.execute("MATCH (p:Person)-[l]-(x) WHERE p.id = $id RETURN p, l, x", {"id": "C1"})
    rows = result.get_as_df()  # type: ignore[union-attr]
    elapsed = time.perf_counter() - started
    del rows
    return elapsed


def exponent(t1: float, t2: float, n1: float, n2: float) -> float | None:
    """k in t ~ n^k between two sizes (None when a time is too small to mean anything)."""
    if min(t1, t2) <= 0.05 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Time every read command end to end at three sizes; print the table on stdout."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--scale", type=int, default=5, help="the largest demo --scale (x 1,000 background persons)"
    )
    ap.add_argument(
        "--sizes",
        type=str,
        default=None,
        help="the scales, e.g. 25,50,100 [default: N/4,N/2,N]; 0 is the demo story alone",
    )
    ap.add_argument(
        "--data",
        type=Path,
        default=Path("/tmp/graph-intel-bench-stores"),
        help="where the stores are built and reused",
    )
    ap.add_argument(
        "--timeout", type=float, default=600, help="seconds before a command is stopped"
    )
    ap.add_argument(
        "--only",
        "--commands",
        dest="only",
        type=str,
        default=None,
        help="comma-separated command names to run (a first word, e.g. groups,cawn, or a full name)",
    )
    ap.add_argument("--inner", action="store_true", help="run the inner-function benchmark instead")
    ap.add_argument(
        "--out", type=Path, default=None, help="(--inner) where the demo CSVs are written"
    )
    args, rest = ap.parse_known_args(argv)
    if args.inner:
        return inner_main(
            [
                *(["--scale", str(args.scale)]),
                *(["--out", str(args.out)] if args.out else []),
                *rest,
            ]
        )
    sizes = (
        [int(x) for x in args.sizes.split(",")]
        if args.sizes
        else sorted({max(1, args.scale // 4), max(1, args.scale // 2), args.scale})
    )
    args.data.mkdir(parents=True, exist_ok=True)
    stores = {n: build_store(args.data, n) for n in sizes}
    wanted = [
        c
        for c in COMMANDS
        if args.only is None or c[0].split()[0] in args.only.split(",") or c[0] in args.only
    ]
    print(
        f"end to end, `graph-intel CMD --store S --json` in a subprocess; sizes demo --scale {sizes}; "
        f"load average {load_average()} ({os.cpu_count()} cores)"
    )
    head = "".join(f"{f'scale {n} s':>12}{'cpu s':>8}{'MB':>7}" for n in sizes)
    print(f"{'command':30}{head}{'growth k':>18}  notes")
    times: dict[str, list[float]] = {}
    failed = []
    with tempfile.TemporaryDirectory(prefix="graph-intel-bench-") as tmp:
        for name, cmd in wanted:
            cells, notes, ts = "", [], []
            for n in sizes:
                wall, mb, size, status, cpu = run_command(cmd, stores[n], Path(tmp), args.timeout)
                ts.append(wall)
                cells += f"{wall:12.2f}{cpu:8.2f}{mb:7.0f}"
                if status != "ok":
                    notes.append(f"scale {n}: {status}")
                    failed.append(f"{name} at scale {n}: {status}")
            ks = [exponent(ts[i], ts[i + 1], sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
            growth = ", ".join("-" if k is None else f"{k:.2f}" for k in ks)
            times[name] = ts
            print(f"{name:30}{cells}{growth:>18}  {'; '.join(notes)}", flush=True)
    largest = stores[sizes[-1]]
    print(f"\nreferences at demo --scale {sizes[-1]}, same run, in-process:")
    if args.only is None or "groups" in args.only:
        ref = reference_groups(largest)
        ours = times.get("groups", [float("nan")])[-1]
        print(
            f"groups, from an opened store: ours {ref['ours']:.2f} s (function + JSON; {ours:.2f} s end to end); "
            f"plain networkx {ref['networkx']:.2f} s ({ref['networkx'] / ref['ours']:.1f}x ours); igraph "
            f"components + Leiden without evidence {ref['igraph']:.2f} s; both including the same store read "
            f"into joining facts ({ref['read']:.2f} s); {int(ref['evidence']):,} evidence records"
        )
    if args.only is None or "show" in args.only:
        t = reference_show(largest)
        ours = times.get("show person C1", [float("nan")])[-1]
        print(
            f"show person C1: ours end to end {ours:.2f} s; one direct Cypher statement {t * 1000:.0f} ms"
        )
    if failed:
        sys.stderr.write("commands that did not run: " + "; ".join(failed) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
