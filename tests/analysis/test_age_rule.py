"""A child is decided by age at the date of each fact, and age beats category (issue 14 item 1).

Small hand-built case, run through the real commands (typer's runner, --json) on a store built
here from canonical CSV files:
- G1, born 1996-01-01, is recorded as a *suspect*; in 2011 she is 15. She shares a phone with A1
  and is arrested with A2 and A3.
- U97 is of unknown category, born 1997: a child in 2011 facts.
- U0 is of unknown category with no date of birth: possibly a child, never joined.
- C2 is recorded as a child.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from analysis_case import build_store, link_row
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graph_intel.analysis.age import ADULT, CHILD, POSSIBLE, Ages, age_on, ages_at
from graph_intel.cli import app

runner = CliRunner()


def _p(pid: str, category: str, dob: str = "") -> dict[str, str]:
    return {"person_id": pid, "category": category, "date_of_birth": dob, "source_id": "S1"}


def _l(
    a: str, kind_a: str, b: str, kind_b: str, link: str, first: str = "2011-03-01"
) -> dict[str, str]:
    return link_row(a, kind_a, b, kind_b, link, seen=first)


def _ev(eid: str, kind: str, start: str, where: str = "") -> dict[str, str]:
    return {"event_id": eid, "kind": kind, "start": start, "location_id": where, "source_id": "S1"}


def _part(eid: str, pid: str, role: str = "with") -> dict[str, str]:
    return {"event_id": eid, "kind": "person", "id": pid, "role": role, "source_id": "S1"}


FILES: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {
            "source_id": "S1",
            "agency": "police",
            "recorded_at": "2011-03-01",
            "source_eval": "2",
            "intel_eval": "B",
            "handling": "P",
        },
    ],
    "persons.csv": [
        _p("G1", "suspect", "1996-01-01"),
        _p("A1", "suspect", "1980-01-01"),
        _p("A2", "suspect", "1981-01-01"),
        _p("A3", "associate", "1982-01-01"),
        _p("A4", "suspect", "1979-01-01"),
        _p("C2", "child", "1997-06-01"),
        _p("U97", "unknown", "1997-02-02"),
        _p("U0", "unknown"),
    ],
    "locations.csv": [
        {"location_id": "L1", "name": "Harbour Hotel", "kind": "hotel", "source_id": "S1"},
        {"location_id": "L2", "name": "Fern Park", "kind": "park", "source_id": "S1"},
    ],
    "events.csv": [
        _ev("AR1", "arrest", "2011-04-01T07:00:00", "L1"),
        _ev("SG1", "sighting", "2011-04-05T22:00:00", "L1"),
        _ev("SG2", "sighting", "2011-04-06T22:00:00", "L1"),
        *[_ev(f"SP{d}", "sighting", f"2011-05-0{d}T20:00:00", "L2") for d in (1, 2, 3)],
    ],
    "event_participants.csv": [
        _part("AR1", "G1", "subject"),
        _part("AR1", "A2"),
        _part("AR1", "A3"),
        _part("SG1", "A2"),
        _part("SG1", "C2"),
        _part("SG2", "A4"),
        _part("SG2", "U97"),
        _part("SG2", "C2"),
        *[_part(f"SP{d}", who) for d in (1, 2, 3) for who in ("A1", "G1")],
    ],
    "links.csv": [
        _l("G1", "person", "07700 900101", "phone", "uses_phone"),
        _l("A1", "person", "07700 900101", "phone", "uses_phone"),
        _l("A1", "person", "U0", "person", "associate_of"),
        _l("A4", "person", "U97", "person", "associate_of"),
    ],
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("age-rule")
    build_store(base, FILES).close()
    return base / "store"


def _run(path: Path, *args: str) -> tuple[int, Any]:
    result = runner.invoke(app, [*args, "--store", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return result.exit_code, json.loads(result.stdout)


def test_age_at_each_date_beats_category() -> None:
    people = pd.DataFrame(
        {
            "date_of_birth": ["1996-01-01", "1997-02-02", None, None, None, "1996-02-29"],
            "category": ["suspect", "unknown", "unknown", "child", "associate", "suspect"],
            "first_seen": ["2011-03-01"] * 6,
        },
        index=["G1", "U97", "U0", "C9", "A9", "L1"],
    )
    rule = Ages(people)
    got = rule.status(
        ["G1", "G1", "U97", "U97", "U0", "C9", "A9", "L1", "L1", "nobody"],
        [
            "2011-04-01",
            "2014-01-01",
            "2011-04-01",
            "2015-02-02",
            "2011-04-01",
            "2030-01-01",
            "2011-04-01",
            "2014-02-28",
            "2014-03-01",
            "2011-04-01",
        ],
    )
    assert list(got) == [CHILD, ADULT, CHILD, ADULT, POSSIBLE, CHILD, ADULT, CHILD, ADULT, POSSIBLE]
    # an undated fact is judged at the earliest date the data holds about the person
    assert list(rule.status(["G1", "U97"], [None, None])) == [CHILD, CHILD]
    assert rule.possibly_children() == ["U0"]
    assert ages_at(pd.Series(["1996-02-29"]), pd.Series(["2012-02-28"])).iloc[0] == 15


def test_a_child_recorded_as_a_suspect_is_in_no_group(store_path: Path) -> None:
    _, groups = _run(store_path, "groups")
    members = [set(g["members"]) for g in groups]
    assert members == [{"A2", "A3"}]  # arrested together; G1 (15) joins nobody, nor her phone
    assert not any(m & {"G1", "A1", "U97", "U0", "C2"} for m in members)


def test_a_child_is_never_a_key_player(store_path: Path) -> None:
    _, players = _run(store_path, "key-players")
    assert {p["person_id"] for p in players} == {"A2", "A3"}


def test_adults_in_contact_count_her_as_a_child(store_path: Path) -> None:
    _, doc = _run(store_path, "shared-contacts")
    rows = {r["person_id"]: r["children"] for r in doc["adults_with_children"]}
    assert sorted(rows["A2"]) == ["C2", "G1"]  # G1, a suspect aged 15, is a child to A2
    assert sorted(rows["A4"]) == [
        "C2",
        "U97",
    ]  # U97, of unknown category born 1997, is a child in 2011


def test_hotspots_count_children_by_age_at_the_event(store_path: Path) -> None:
    _, rows = _run(store_path, "hotspots")
    hotel = next(r for r in rows if r["location_id"] == "L1")
    assert hotel["children"] == 3  # G1, C2 and U97, whatever their category
    assert hotel["adults"] == 3  # A2, A3, A4


def test_cawn_eligible_when_recorded_as_a_suspect(store_path: Path) -> None:
    _, rows = _run(store_path, "cawn", "eligible", "--on", "2011-04-01")
    got = {r["person_id"]: r for r in rows}
    assert got["G1"]["eligible"] and got["G1"]["reason"] == "under_16" and got["G1"]["age"] == 15
    assert got["U97"]["age"] == 14
    _, cands = _run(store_path, "cawn", "candidates", "--on", "2011-05-01")
    pairs = {(c["adult"], c["child"]) for c in cands}
    assert ("A2", "G1") in pairs and ("A3", "G1") in pairs and ("A4", "U97") in pairs
    assert not any(c["adult"] in ("G1", "U97", "U0") for c in cands)


def test_kept_apart_lists_possible_children_and_prompts(store_path: Path) -> None:
    _, doc = _run(store_path, "kept-apart")
    assert doc["possibly_children"] == ["U0"]
    prompts = [v for v in doc["possible_victims"] if v["person_id"] == "G1"]
    assert {v["prompt"] for v in prompts} == {
        "recorded as a suspect while aged 15: consider exploitation",
        "arrested while aged 15: consider exploitation",
    }
    assert next(v for v in prompts if v["what"] == "arrested")["event"] == "AR1"
    assert not any(v["person_id"] in ("A1", "A2", "A3") for v in doc["possible_victims"])
    result = runner.invoke(app, ["kept-apart", "--store", str(store_path)])
    assert (
        result.exit_code == 0 and "U0" in result.stdout and "consider exploitation" in result.stdout
    )


def test_network_draws_her_as_a_child(store_path: Path, tmp_path: Path) -> None:
    from graph_intel.network import network, styles
    from graph_intel.stores import open_store

    with open_store(store_path) as store:
        picture = network(store, "person", "G1", hops=2)
    nodes = {n["id"].split(":")[-1]: n for n in picture.view.nodes if n["id"].startswith("Person|")}
    child = styles.CATEGORY_COLOURS["child"]
    assert (
        nodes["G1"]["color"]["background"] == child
        and nodes["G1"]["color"]["border"] == styles.CHILD_BORDER
    )
    assert "recorded as suspect while a child: consider exploitation" in nodes["G1"]["title"]
    assert nodes["A2"]["color"]["background"] == styles.CATEGORY_COLOURS["suspect"]
    out = tmp_path / "g1.html"
    result = runner.invoke(
        app, ["network", "person", "G1", "--out", str(out), "--store", str(store_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "consider exploitation" in out.read_text(encoding="utf-8")


def test_colocation_says_who_was_a_child(store_path: Path) -> None:
    _, rows = _run(store_path, "colocation")
    pair = next(r for r in rows if {r["a"], r["b"]} == {"A1", "G1"})
    assert pair["occasions"] == 3 and pair["children"] == [
        "G1"
    ]  # a suspect, aged 15 at each sighting


def test_human_groups_and_key_players_name_who_was_kept_apart(store_path: Path) -> None:
    for command in ("groups", "key-players"):
        result = runner.invoke(app, [command, "--store", str(store_path)])
        assert result.exit_code == 0
        assert "possibly children" in result.stderr and "U0" in result.stderr
        assert "G1" in result.stderr and "consider exploitation" in result.stderr


@settings(max_examples=300, deadline=None)
@given(
    born=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    on=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2060, 12, 31)),
)
def test_status_by_the_18th_birthday_is_age_in_whole_years(
    born: dt.datetime, on: dt.datetime
) -> None:
    """status() compares each fact's date with the 18th birthday; that is the same judgement as
    whole years of age (age_on, 29 February falling on 1 March in common years) being under 18."""
    rule = Ages(pd.DataFrame({"date_of_birth": [born], "category": ["suspect"]}, index=["P1"]))
    expected = CHILD if age_on(born.date(), on.date()) < 18 else ADULT
    assert list(rule.status(["P1"], [on])) == [expected]
