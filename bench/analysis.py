"""Benchmark of the analyses on `demo --scale N` data, each beside plain networkx in the same run.

Projection frames are built directly from the generated canonical CSVs (ingest at millions of rows
is a separate benchmark), with the same joining rules as graph_intel.analysis.groups. Then, for
groups, shared contacts, key players (sampled betweenness) and one evidence path, it times our
engine (igraph/leidenalg/pandas through graph_intel.analysis) and the plain networkx reference,
and prints a table with the ratio. Usage: python bench/analysis.py --scale 250 [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
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

PUBLIC_OR_PLACEMENT = {"hotel", "takeaway", "park", "street", "shop", "school", "camera", "care_placement", "other"}
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
    grown = set("person:" + persons["person_id"][(cat != "child") & ((cat != "unknown") | (dob <= pd.Timestamp("1993-12-31")))])
    links = _read(folder, "links.csv")
    links = links[links["from_kind"] != ""]
    links = links.assign(a=_norm(links["from_kind"], links["from_id"]), b=_norm(links["to_kind"], links["to_id"]))
    locs = _read(folder, "locations.csv")
    not_home = set("location:" + locs["location_id"][locs["kind"].isin(PUBLIC_OR_PLACEMENT)])
    attr = links[links["link"].isin(["uses_phone", "keeper_of", "drives", "lives_at"])][["a", "b", "link"]]
    child_things = set(attr["b"][attr["a"].isin(children)])
    phone_users = attr[attr["link"] == "uses_phone"][["a", "b"]].rename(columns={"a": "person", "b": "phone"})
    edges: list[pd.DataFrame] = []
    shared = attr[attr["a"].isin(grown) & ~attr["b"].isin(child_things) & ~attr["b"].isin(not_home)][["a", "b"]].drop_duplicates()
    pairs = shared.merge(shared, on="b")
    edges.append(pairs[pairs["a_x"] < pairs["a_y"]].rename(columns={"a_x": "a", "a_y": "c"})[["a", "c"]])
    assoc = links[links["link"].isin(["family_of", "associate_of", "partner_of", "introduced"])]
    edges.append(assoc[["a", "b"]].rename(columns={"b": "c"}))
    calls = _read(folder, "calls.csv")
    calls = calls.assign(caller=_phone(calls["caller"]).radd("phone:"), callee=_phone(calls["callee"]).radd("phone:"))
    cp = calls.merge(phone_users.rename(columns={"phone": "caller", "person": "x"}), on="caller")
    cp = cp.merge(phone_users.rename(columns={"phone": "callee", "person": "y"}), on="callee")
    ok = ~cp["caller"].isin(child_things) & ~cp["callee"].isin(child_things)
    edges.append(cp[ok][["x", "y"]].rename(columns={"x": "a", "y": "c"}))
    hs = _read(folder, "handset_contacts.csv")
    hs = hs.assign(h=_phone(hs["handset"]).radd("phone:"), n=_phone(hs["contact_number"]).radd("phone:"))
    hp = hs.merge(phone_users.rename(columns={"phone": "h", "person": "x"}), on="h")
    hp = hp.merge(phone_users.rename(columns={"phone": "n", "person": "y"}), on="n")
    edges.append(hp[["x", "y"]].rename(columns={"x": "a", "y": "c"}))
    events = _read(folder, "events.csv")
    parts = _read(folder, "event_participants.csv")
    parts = parts.assign(who=_norm(parts["kind"], parts["id"]))
    kinds = events.set_index("event_id")["kind"]
    present = parts[(parts["kind"] == "person") & parts["event_id"].map(kinds).isin(TOGETHER)][["event_id", "who"]]
    tog = present.merge(present, on="event_id")
    edges.append(tog[tog["who_x"] < tog["who_y"]].rename(columns={"who_x": "a", "who_y": "c"})[["a", "c"]])
    joins = pd.concat(edges, ignore_index=True).rename(columns={"c": "b"})
    joins = joins[joins["a"].isin(grown) & joins["b"].isin(grown) & (joins["a"] != joins["b"])]
    # adult-child facts: calls both ways and being together
    ac = pd.concat([cp[["x", "y"]].rename(columns={"x": "a", "y": "b"}), cp[["y", "x"]].rename(columns={"y": "a", "x": "b"}),
                    tog[["who_x", "who_y"]].rename(columns={"who_x": "a", "who_y": "b"})], ignore_index=True)
    ac = ac[ac["a"].isin(grown) & ac["b"].isin(children)]
    # the full POLE graph (events, calls and reads as nodes; provenance never a node)
    anpr = _read(folder, "anpr.csv")
    full = [links[["a", "b"]],
            pd.DataFrame({"a": "event:" + parts["event_id"], "b": parts["who"]}),
            pd.DataFrame({"a": "event:" + events["event_id"], "b": "location:" + events["location_id"]})[events["location_id"] != ""],
            pd.DataFrame({"a": "call:" + calls.index.astype(str), "b": calls["caller"]}),
            pd.DataFrame({"a": "call:" + calls.index.astype(str), "b": calls["callee"]}),
            pd.DataFrame({"a": "read:" + anpr.index.astype(str), "b": "vehicle:" + anpr["vrm"].str.replace(" ", "").str.upper()}),
            pd.DataFrame({"a": "read:" + anpr.index.astype(str), "b": "camera:" + anpr["camera_id"]}),
            pd.DataFrame({"a": "exhibit:" + hs["exhibit_ref"], "b": hs["n"]}),
            pd.DataFrame({"a": "exhibit:" + hs["exhibit_ref"], "b": hs["h"]})]
    full_edges = pd.concat(full, ignore_index=True)
    saved = hs[["n", "exhibit_ref"]]
    return {"joins": joins, "attr": attr, "ac": ac, "saved": saved, "full": full_edges,
            "entities": int(pd.concat([full_edges["a"], full_edges["b"]]).nunique()), "links": len(full_edges)}


def ours_shared(f: dict[str, Any]) -> tuple[int, int, int]:
    """Shared contacts with pandas group-bys (as graph_intel.analysis.contacts does)."""
    awc = f["ac"].groupby("a")["b"].nunique()
    nih = f["saved"].groupby("n")["exhibit_ref"].nunique()
    objs = f["attr"].groupby("b")["a"].nunique()
    return int((awc >= 2).sum()), int((nih >= 2).sum()), int((objs >= 2).sum())


def nx_shared(f: dict[str, Any]) -> tuple[int, int, int]:
    """The same counts by walking networkx graphs."""
    out = []
    for frame, a, b in ((f["ac"], "a", "b"), (f["saved"], "n", "exhibit_ref"), (f["attr"], "b", "a")):
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
            n += sum(1 for c in nx.community.louvain_communities(g.subgraph(comp), seed=seed) if len(c) >= 2)
        elif len(comp) >= 2:
            n += 1
    return n


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table on stdout."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=5, help="demo --scale (x 1,000 background persons)")
    ap.add_argument("--out", type=Path, default=None, help="where the demo CSVs are written (reused if present)")
    ap.add_argument("--sample", type=int, default=200, help="betweenness sources")
    ap.add_argument("--threshold", type=int, default=25)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    folder = args.out or Path(f"/tmp/graph-intel-bench-{args.scale}")
    if not (folder / "persons.csv").exists():
        t, _ = timed(lambda: write_demo(folder, scale=args.scale))
        sys.stderr.write(f"wrote demo --scale {args.scale} in {t:.1f} s\n")
    t_frames, f = timed(lambda: frames(folder))
    print(f"demo --scale {args.scale}: {f['entities']:,} entities, {f['links']:,} links; "
          f"{len(f['joins']):,} adult joining facts; frames built from CSV in {t_frames:.1f} s")
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
    rows.append((f"key players (betweenness, {args.sample} sampled sources)", t1, t2, f"max {b1:.2e} vs {b2:.2e}"))

    src, dst = "person:C1", "person:A8"

    def ours_path() -> int:
        proj = to_igraph(f["full"])
        idx = proj.index()
        graph = proj.graph
        chain = bidirectional_search(idx[src], idx[dst], lambda v: ((u, None) for u in graph.neighbors(v)))
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


if __name__ == "__main__":
    raise SystemExit(main())
