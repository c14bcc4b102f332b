"""Resolution against a real embedded store: candidates, judgements, clusters, and analyses by cluster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_intel.analysis.contacts import adults_with_children, shared_objects
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.groups import linked_groups
from graph_intel.cli import app
from graph_intel.commands.resolution import candidates_json, clusters_json
from graph_intel.refs import split_key
from graph_intel.resolution.clusters import representatives
from graph_intel.resolution.judgements import JudgementError, judge, judgements, withdraw
from graph_intel.safeguarding.chronology import chronology, chronology_rows, flags
from graph_intel.stores.base import GraphStore

POLICE, CSC, EDU = "police:P-101", "children_social_care:CSC-77", "education:UPN-5"
CHILD = (POLICE, CSC, EDU)


def _judge_all_same(store: GraphStore) -> None:
    judge(store, POLICE, CSC, "same", "same name variant, same date of birth", "DS Ash")
    judge(store, POLICE, EDU, "same", "school export reads dates US-style", "DS Ash")


def _label(key: str) -> str:
    """A person (key or bare id) as both builds name it: the child is CHILD, everyone else their id."""
    ident = split_key(key, "Person")[1] if ":" in key else key
    return "CHILD" if ident in ("P-101", "CSC-77", "UPN-5", "C1") else ident


def test_three_agency_child_is_found_with_reasons(three: GraphStore) -> None:
    found = {(c["a"], c["b"]): c for c in candidates_json(three)}
    assert {(CSC, POLICE), (EDU, POLICE), (CSC, EDU)} <= set(found)
    edu = found[(EDU, POLICE)]
    assert "date_of_birth: day and month transposed (2004-07-03 / 2004-03-07)" in edu["agreements"]
    assert "given_name: nickname of the same name (jess / jessica)" in edu["agreements"]
    assert all(0.0 <= c["score"] <= 1.0 for c in found.values())
    scores = [c["score"] for c in candidates_json(three, min_score=0.0)]
    assert scores == sorted(scores, reverse=True)
    assert not any({c["a"], c["b"]} & {"police:A1", "police:A2"} for c in found.values())


def test_no_same_judgement_changes_nothing(three: GraphStore) -> None:
    before = persons(three)
    judge(three, POLICE, EDU, "not_same", "checking", "DS Ash")
    judge(three, POLICE, CSC, "unsure", "checking", "DS Ash")
    assert representatives(three) == {}
    assert three.links("SAME_AS").empty
    assert persons(three).equals(before) and "records" not in before
    assert [j["judgement"] for j in judgements(three)] == ["not_same", "unsure"]


def test_judgements_are_reversible_and_keep_history(three: GraphStore) -> None:
    _judge_all_same(three)
    assert clusters_json(three) == [{"members": sorted(CHILD), "records": 3}]
    withdraw(three, EDU, POLICE, "wrong school record", "DS Bell")
    assert clusters_json(three) == [{"members": sorted([POLICE, CSC]), "records": 2}]
    history = json.loads(three.links("SAME_AS", from_keys=[EDU])["extra"].iloc[0])["judgements"]
    assert [(h["judgement"], h["by"]) for h in history] == [
        ("same", "DS Ash"),
        ("withdrawn", "DS Bell"),
    ]
    judge(three, EDU, POLICE, "same", "school confirmed the date of birth", "DS Bell")
    assert clusters_json(three)[0]["records"] == 3
    assert len(judgements(three)) == 4
    with pytest.raises(JudgementError):
        judge(three, POLICE, POLICE, "same", "x", "DS Ash")
    with pytest.raises(JudgementError):
        judge(three, POLICE, CSC, "maybe", "x", "DS Ash")
    with pytest.raises(JudgementError):
        judge(three, POLICE, CSC, "same", " ", "DS Ash")


def _groups(store: GraphStore) -> list[list[str]]:
    return sorted(sorted(_label(m) for m in members) for members in linked_groups(store)["members"])


def _shared(store: GraphStore) -> tuple[Any, Any]:
    adults = adults_with_children(store)
    objects = shared_objects(store)
    return (
        sorted(
            (_label(a), sorted(_label(c) for c in kids))
            for a, kids in zip(adults["key"], adults["children"], strict=True)
        ),
        sorted((k, sorted(p)) for k, p in zip(objects["id"], objects["persons"], strict=True)),
    )


def _chrono(store: GraphStore, child: str) -> list[tuple[Any, ...]]:
    return sorted(
        (r["at"], r["what"], r["agency"], r["record"], r["id"]) for r in chronology(store, child)
    )


def test_analyses_agree_whether_one_record_or_three_judged_same(
    one: GraphStore, three: GraphStore
) -> None:
    _judge_all_same(three)
    assert _groups(one) == _groups(three) == [["A1", "A2", "A3"]]
    assert (
        _shared(one) == _shared(three) == ([("A2", ["C2", "CHILD"])], [("AB12CDE", ["A1", "A2"])])
    )
    assert _chrono(one, "single:C1") == _chrono(three, POLICE) == _chrono(three, EDU)
    kid = persons(three).loc[CSC]
    assert kid["category"] == "child" and sorted(kid["records"]) == sorted(CHILD)


def test_chronology_shows_all_three_agencies_once_judged_same(three: GraphStore) -> None:
    alone = {r["agency"] for r in chronology_rows(three, EDU)}
    assert alone == {"education"}
    assert flags(chronology_rows(three, EDU)) == []
    _judge_all_same(three)
    rows = chronology_rows(three, EDU)
    assert {r["agency"] for r in rows} == {"police", "children_social_care", "education"}
    assert {r["id"] for r in rows if r["record"] == "event"} == {"E1", "E3", "E4"}
    found = flags(rows)
    assert found and {"police", "education"} <= found[0].agencies


def test_cli_resolve_json(three: GraphStore, tmp_path: Any) -> None:
    path = str(three.path)  # type: ignore[attr-defined]
    three.close()
    runner = CliRunner()
    res = runner.invoke(
        app, ["resolve", "candidates", "--min-score", "0.5", "--json", "--store", path]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and set(rows[0]) == {"a", "b", "score", "agreements", "disagreements"}
    res = runner.invoke(
        app,
        [
            "resolve",
            "judge",
            POLICE,
            EDU,
            "same",
            "--reason",
            "dob export",
            "--by",
            "DS Ash",
            "--json",
            "--store",
            path,
        ],
    )
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert (
        set(got) == {"a", "b", "judgement", "by", "at"}
        and got["judgement"] == "same"
        and got["by"] == "DS Ash"
    )
    res = runner.invoke(app, ["resolve", "clusters", "--json", "--store", path])
    assert json.loads(res.stdout) == [{"members": sorted([POLICE, EDU]), "records": 2}]
    res = runner.invoke(
        app,
        [
            "resolve",
            "withdraw",
            POLICE,
            EDU,
            "--reason",
            "mistake",
            "--by",
            "DS Ash",
            "--store",
            path,
        ],
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["resolve", "clusters", "--json", "--store", path])
    assert json.loads(res.stdout) == []
    res = runner.invoke(
        app, ["resolve", "judge", POLICE, EDU, "perhaps", "--reason", "x", "--store", path]
    )
    assert res.exit_code == 2
