"""Filters (time window, grade, link kinds), redaction, third parties and the node budget."""

from __future__ import annotations

import pytest

from graph_intel.network import FilterError, NetworkPage, case_network, group_network, network
from graph_intel.stores import GraphStore


def _ids(picture: NetworkPage) -> set[str]:
    return {n["id"] for n in picture.nodes}


def test_around_a_child_two_hops(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", hops=2)
    ids = _ids(picture)
    assert {
        "Person|case:C1",
        "Person|case:A1",
        "Person|case:H1",
        "Person|case:W1",
        "Event|case:E1",
        "Event|case:E4",
        "Location|case:L1",
        "Vehicle|AB12CDE",
        "Phone|+447700900456",
    } <= ids
    assert "Person|case:A2" not in ids  # three hops away
    assert len(picture.edges) == len(picture.view.edges) and all(
        e["from"] in ids and e["to"] in ids for e in picture.edges
    )


def test_edge_tooltips_carry_kind_dates_agency_and_grade(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "A1", hops=1)
    lives = [e for e in picture.edges if e["gi_link"] == "lives_at"][0]
    assert lives["title"].startswith("lives_at\n")
    assert "source S1: police, graded 1A P, ref LOG-1" in lives["title"]
    uses = [e for e in picture.edges if e["gi_link"] == "uses_phone"][0]
    assert "dates: 2011-01-01" in uses["title"] and uses["label"] == "uses_phone"


def test_time_window_drops_links_and_events_outside_it(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", hops=2, since="2011-06-01", until="2011-06-30")
    ids = _ids(picture)
    assert "Event|case:E4" in ids and "Person|case:H1" in ids
    assert "Event|case:E1" not in ids and "Event|case:E2" not in ids and "Person|case:A1" not in ids
    assert any(n.startswith("Time window 2011-06-01 to 2011-06-30") for n in picture.notes)


def test_min_grade_keeps_only_well_graded_links(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", hops=2, min_grade="2B")
    ids = _ids(picture)
    assert "Event|case:E4" not in ids and "Person|case:H1" not in ids  # source S3 is graded 3E
    assert "Event|case:E1" in ids and "Person|case:W1" in ids  # S1 1A, S2 2B
    assert any("below grade 2B" in n for n in picture.notes)
    strict = network(case_store, "person", "C1", hops=2, min_grade="1A")
    assert "Person|case:W1" not in _ids(strict)  # S2 is 2B
    with pytest.raises(FilterError, match="3x5x2 grade like 2B"):
        network(case_store, "person", "C1", min_grade="9Z")


def test_link_kinds_filter(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "A1", hops=2, links="uses_phone,associate_of")
    assert {e["gi_link"] for e in picture.edges} <= {"uses_phone", "associate_of"}
    assert "Person|case:H1" in _ids(picture) and "Location|case:L2" not in _ids(picture)
    with pytest.raises(FilterError, match="unknown link kind"):
        network(case_store, "person", "A1", links=["knows_of"])


def test_redaction_shows_children_by_id_and_initials_and_withholds_free_text(
    case_store: GraphStore,
) -> None:
    picture = network(case_store, "person", "C1", hops=2, redact=True)
    child = [n for n in picture.nodes if n["id"] == "Person|case:C1"][0]
    assert child["label"] == "Child C1 (T.M.)"
    everything = " ".join(str(n["label"]) + str(n["title"]) for n in picture.nodes)
    everything += " ".join(e["title"] for e in picture.edges) + picture.view.title
    assert "Tia" not in everything and "Marsh" not in everything and "1997" not in everything
    assert "summary" not in everything  # free text can name a child
    plain = network(case_store, "person", "C1", hops=2)
    assert "Tia Marsh" in [n for n in plain.nodes if n["id"] == "Person|case:C1"][0]["label"]


def test_hide_third_parties(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", hops=2, hide_third_parties=True)
    assert "Person|case:W1" not in _ids(picture) and "Person|case:H1" in _ids(picture)
    assert any("1 third party" in n for n in picture.notes)


def test_budget_aggregates_and_says_what_it_did(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", hops=2, budget=6)
    notes = " ".join(picture.notes)
    assert "exceed the budget of 6" in notes and "events collapsed into" in notes
    assert not any(n["id"].startswith("Event|") for n in picture.nodes)
    assert len(picture.nodes) <= 6 and "Person|case:C1" in _ids(picture)
    together = [e for e in picture.edges if e["gi_link"] == "together at events"]
    assert together and "events: " in together[0]["title"]


def test_budget_folds_leaves_then_keeps_the_best_linked(case_store: GraphStore) -> None:
    picture = case_network(case_store, "case", budget=4)
    notes = " ".join(picture.notes)
    assert "folded into it" in notes and "least-linked entities not shown" in notes
    assert len(picture.nodes) <= 4 and "Person|case:C1" in _ids(picture)  # children always kept


def test_group_view_haloes_its_members(case_store: GraphStore) -> None:
    picture = group_network(case_store, ["A1", "H1"], name="Group 1")
    members = [n for n in picture.nodes if n["id"] in ("Person|case:A1", "Person|case:H1")]
    assert len(members) == 2 and all(n["shadow"]["enabled"] for n in members)
    assert {
        "section": "Groups (halo)",
        "symbol": "\u25c9",
        "colour": members[0]["shadow"]["color"],
        "text": "Group 1",
    } in picture.view.legend


def test_rag_ring(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1", rag={"C1": "red"})
    child = [n for n in picture.nodes if n["id"] == "Person|case:C1"][0]
    assert child["color"]["border"] == "#d50000" and "RAG: red" in child["title"]
    assert any(item["text"] == "RAG red" for item in picture.view.legend)


def test_case_view_holds_the_whole_dataset(case_store: GraphStore) -> None:
    picture = case_network(case_store, "case")
    assert {"Person|case:C1", "Person|case:A2", "Person|case:W1", "Phone|+447700900123"} <= _ids(
        picture
    )
