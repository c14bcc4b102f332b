"""Each analysis finds exactly what the demo planted (graph_intel/demo/planted.py)."""

from __future__ import annotations

import networkx as nx

from graph_intel.analysis.contacts import adults_with_children, numbers_in_handsets, shared_objects
from graph_intel.analysis.groups import joining_facts, linked_groups
from graph_intel.analysis.paths import path_between
from graph_intel.analysis.places import colocation, hotspots
from graph_intel.analysis.players import key_players
from graph_intel.analysis.projection import to_igraph, to_networkx
from graph_intel.demo import planted
from graph_intel.grading import MinGrade
from graph_intel.stores import GraphStore


def _ids(keys: list[str]) -> frozenset[str]:
    return frozenset(k.split(":", 1)[1] for k in keys)


def test_groups_exact(demo: GraphStore) -> None:
    frame = linked_groups(demo)
    assert [_ids(m) for m in frame["members"]] == planted.GROUPS
    assert frame["split"].isna().all()
    grouped = set().union(*planted.GROUPS)
    everyone = set(demo.nodes("Person")["id"])
    adults_seen = {k.split(":")[1] for k in set(joining_facts(demo)[["a", "b"]].stack())}
    assert adults_seen == grouped
    assert planted.UNGROUPED_ADULTS <= everyone - grouped


def test_group_evidence_explains_each_member(demo: GraphStore) -> None:
    for row in linked_groups(demo).to_dict("records"):
        joined = {p for item in row["evidence"] for p in item["persons"]}
        assert joined == set(_ids(row["members"]))
        for item in row["evidence"]:
            assert item["kind"] in {"phone", "vehicle", "location", "event", "exhibit", "link"}
            assert item["source_id"] and item["sources"]


def test_groups_split_above_threshold_is_seeded_and_says_so(demo: GraphStore) -> None:
    first = linked_groups(demo, threshold=5)
    again = linked_groups(demo, threshold=5)
    assert first["members"].tolist() == again["members"].tolist()
    big = first[first["split"].notna()]
    assert not big.empty and "Leiden" in big["split"].iloc[0]
    assert set().union(*(set(m) for m in big["members"])) <= {
        f"demo:{p}" for p in planted.GROUPS[0]
    }


def test_shared_contacts_exact(demo: GraphStore) -> None:
    awc = adults_with_children(demo)
    assert {
        p: frozenset(c) for p, c in zip(awc["person_id"], awc["children"], strict=True)
    } == planted.ADULTS_WITH_CHILDREN
    for row in awc.to_dict("records"):
        assert row["evidence"] == len(row["facts"]) and all(f["source_id"] for f in row["facts"])
    nih = numbers_in_handsets(demo)
    got = {
        n: (frozenset(e), frozenset(s))
        for n, e, s in zip(nih["number"], nih["exhibits"], nih["saved_as"], strict=True)
    }
    assert got == planted.NUMBERS_IN_HANDSETS
    shared = shared_objects(demo)
    assert {
        (k, i): frozenset(p)
        for k, i, p in zip(shared["kind"], shared["id"], shared["persons"], strict=True)
    } == planted.SHARED_OBJECTS


def test_key_players_broker(demo: GraphStore) -> None:
    frame = key_players(demo)
    assert frame["person_id"].iloc[0] == planted.BROKER
    bridging = frame[frame["groups_bridged"] >= 2]
    assert bridging["person_id"].tolist() == [planted.BROKER]
    assert int(bridging["groups_bridged"].iloc[0]) == len(planted.BROKER_BRIDGES)


def test_betweenness_equals_networkx(demo: GraphStore) -> None:
    facts = joining_facts(demo)
    reference = nx.betweenness_centrality(to_networkx(facts))
    frame = key_players(demo)
    for key, value in zip(frame["key"], frame["betweenness"], strict=True):
        assert abs(reference[key] - value) < 1e-9
    assert to_igraph(facts).graph.ecount() == to_networkx(facts).number_of_edges()


def test_evidence_path(demo: GraphStore) -> None:
    (fk, fi), (tk, ti), length = planted.EVIDENCE_PATH
    hops = path_between(demo, fk, fi, tk, ti)
    assert len(hops) == length
    assert (hops["from_kind"].iloc[0], hops["from_id"].iloc[0]) == (fk, fi)
    assert (hops["to_kind"].iloc[-1], hops["to_id"].iloc[-1]) == (tk, ti)
    assert list(hops["to_id"].iloc[:-1]) == list(hops["from_id"].iloc[1:])
    assert hops["source_id"].notna().all() and hops["grading"].notna().all()
    assert "source" not in set(hops["from_kind"]) | set(hops["to_kind"])


def test_evidence_path_min_grade_restricts_hops(demo: GraphStore) -> None:
    (fk, fi), (tk, ti), _ = planted.EVIDENCE_PATH
    assert path_between(demo, fk, fi, tk, ti, MinGrade.parse("1A")).empty
    graded = path_between(demo, fk, fi, tk, ti, MinGrade.parse("2B"))
    assert not graded.empty
    assert all(MinGrade(2, "B").admits("3x5x2", g[0], g[1]) for g in graded["grading"])


def test_hotspots(demo: GraphStore) -> None:
    frame = hotspots(demo)
    assert frame["location_id"].tolist()[: len(planted.HOTSPOT_TOP)] == planted.HOTSPOT_TOP
    for loc, counts in planted.HOTSPOT_COUNTS.items():
        row = frame[frame["location_id"] == loc].iloc[0]
        assert (row["children"], row["adults"], row["events"]) == counts
        assert sum(row["by_hour"]) == sum(row["by_weekday"].values()) == row["events"]


def test_colocation(demo: GraphStore) -> None:
    for window in (planted.COLOCATION_WINDOW_MINUTES, 15):
        frame = colocation(demo, window_minutes=window, min_occasions=3)
        assert {
            frozenset((a, b)) for a, b in zip(frame["a"], frame["b"], strict=True)
        } == planted.COLOCATED_PAIRS
        assert set(frame["kind"]) == {"vehicle"}
    once = colocation(demo, window_minutes=planted.COLOCATION_WINDOW_MINUTES, min_occasions=1)
    pairs = {
        frozenset((a, b)): n
        for a, b, n in zip(once["a"], once["b"], once["occasions"], strict=True)
    }
    for pair in planted.COLOCATED_ONCE:
        assert pairs[pair] == 1
    assert colocation(demo, min_occasions=2)["occasions"].min() >= 2
