"""Roles are checked and the CAWN pack states facts at their dates (issue 14 items 1, 2 and 7).

A small case written here as canonical CSV files and run through the real commands:
- C5, born 1996-09-01, recorded as a child, was served a notice about A1 on 1 Jun 2010 (aged 13);
  A1 was with her before and after it (one sighting in his car: together *and* a pickup).
- G1, born 1996-01-01, is recorded as a suspect: aged 15 in 2011, a child.
- A1 and A2 are adults; U0 is of unknown category with no date of birth.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import ingest
from graph_intel.safeguarding.common import people_date
from graph_intel.stores import open_store

runner = CliRunner()


def _p(pid: str, category: str, dob: str = "", **extra: str) -> dict[str, str]:
    return {
        "person_id": pid,
        "category": category,
        "date_of_birth": dob,
        "source_id": "S1",
        **extra,
    }


def _ev(eid: str, kind: str, start: str) -> dict[str, str]:
    return {"event_id": eid, "kind": kind, "start": start, "location_id": "", "source_id": "S1"}


def _part(eid: str, kind: str, pid: str, role: str = "with") -> dict[str, str]:
    return {"event_id": eid, "kind": kind, "id": pid, "role": role, "source_id": "S1"}


FILES: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {
            "source_id": "S1",
            "agency": "police",
            "recorded_at": "2010-05-01",
            "reference": "LOG-7",
            "source_eval": "2",
            "intel_eval": "B",
            "handling": "P",
        },
    ],
    "persons.csv": [
        _p("C5", "child", "1996-09-01", legal_status="care_order"),
        _p("G1", "suspect", "1996-01-01"),
        _p("A1", "suspect", "1980-01-01"),
        _p("A2", "associate", "1979-01-01"),
        _p("U0", "unknown"),
    ],
    "vehicles.csv": [{"vrm": "AB12CDE", "source_id": "S1"}],
    "events.csv": [
        _ev("SB", "sighting", "2010-05-01T21:00:00"),
        _ev("N1", "cawn_served", "2010-06-01T10:00:00"),
        _ev("SA", "sighting", "2011-02-01T22:30:00"),
        _ev("AR", "arrest", "2011-03-01T07:00:00"),
    ],
    "event_participants.csv": [
        _part("SB", "person", "A1"),
        _part("SB", "person", "C5"),
        _part("N1", "person", "A1", "served_on"),
        _part("N1", "person", "C5", "child"),
        _part("SA", "person", "A1"),
        _part("SA", "person", "C5"),
        _part("SA", "vehicle", "AB12CDE", "driver"),
        _part("AR", "person", "G1", "subject"),
        _part("AR", "person", "A2"),
    ],
    "links.csv": [
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "vehicle",
            "to_id": "AB12CDE",
            "link": "keeper_of",
            "first_seen": "2010-01-01",
            "source_id": "S1",
        },
    ],
}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    store = open_store(tmp_path / "store")
    try:
        ingest(store, write_dataset(tmp_path / "case", FILES))
    finally:
        store.close()
    return tmp_path / "store"


def _cli(store: Path, *args: str) -> tuple[int, Any, str]:
    result = runner.invoke(app, [*args, "--store", str(store), "--json"])
    doc = json.loads(result.stdout) if result.exit_code == 0 and result.stdout.strip() else None
    return result.exit_code, doc, result.output


def test_people_dates() -> None:
    assert people_date("2011-07-08") == "8 Jul 2011"
    assert people_date("2011-07-08T21:30:00") == "8 Jul 2011 21:30"
    assert people_date(None) is None


def test_pack_roles_are_checked(case: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "p.html")
    code, _, output = _cli(case, "cawn", "pack", "C5", "A1", "--out", out)
    assert code == 2 and "swapped" in output and not Path(out).exists()
    code, _, output = _cli(case, "cawn", "pack", "A1", "A2", "--out", out)
    assert code == 2 and "CHILD A2 is not a child" in output
    code, _, output = _cli(case, "cawn", "pack", "G1", "C5", "--out", out)
    assert code == 2 and "ADULT G1 is a child" in output and "aged 14" in output
    code, _, output = _cli(case, "cawn", "pack", "A1", "U0", "--out", out)
    assert code == 2 and "age unknown" in output
    code, _, output = _cli(case, "cawn", "pack", "A1", "A1", "--out", out)
    assert code == 2 and "same person" in output
    assert not Path(out).exists()


def test_pack_states_age_and_eligibility_at_each_date(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    code, doc, output = _cli(case, "cawn", "pack", "A1", "C5", "--out", str(out))
    assert code == 0, output
    assert (
        doc["on"] == "2011-02-01" and doc["age_on"] == 14 and doc["eligible_on"] is True
    )  # not today's age
    html = out.read_text(encoding="utf-8")
    assert "aged 18 or over" not in html
    assert "aged 13: under 16" in html  # at the notice, 1 Jun 2010
    assert "aged 14: under 16" in html  # at the contact after it
    assert "1 Jun 2010 10:00" in html and "1 Feb 2011 22:30" in html and "1 May 2010 21:00" in html
    assert "2010-06-01T10:00:00" not in re.sub(
        r'datetime="[^"]*"', "", html
    )  # ISO only as machine-readable attributes
    rows = re.findall(
        r"<tr[^>]*>.*?</tr>", html.split("Contact between them")[1].split("</table>")[0], re.S
    )
    data_rows = [r for r in rows if "<td>" in r or "<td" in r]
    assert (
        len(data_rows) == 2
    )  # the sighting in his car is one record: together and pickup on one row
    assert doc["items"] == 2
    after = [r for r in data_rows if 'class="after-notice"' in r]
    assert len(after) == 1 and "1 Feb 2011" in after[0] and "AFTER NOTICE" in after[0]
    assert (
        "seen together; vehicle pickup" in after[0] or "vehicle pickup; seen together" in after[0]
    )
    code, doc, _ = _cli(case, "cawn", "pack", "A1", "C5", "--out", str(out), "--on", "2013-01-01")
    assert doc["age_on"] == 16 and doc["eligible_on"] is True  # in care under 18
    code, doc, _ = _cli(case, "cawn", "pack", "A1", "C5", "--out", str(out), "--on", "2015-01-01")
    assert doc["age_on"] == 18 and doc["eligible_on"] is False
    assert "aged 14: under 16" in out.read_text(encoding="utf-8")  # each row still at its own date


def test_matrix_takes_children_only_and_closes_by_entry(case: Path) -> None:
    args = ["--by", "DS Ash", "--review", "2011-08-01", "--reason", "arrested with adults"]
    code, _, output = _cli(case, "matrix", "set", "A1", "red", *args)
    assert code == 2 and "A1 is not a child" in output and "matrix holds children only" in output
    code, _, output = _cli(case, "matrix", "set", "U0", "red", *args)
    assert code == 2 and "age unknown" in output
    code, doc, output = _cli(
        case, "matrix", "set", "G1", "red", *args
    )  # a suspect aged 15 is a child
    assert code == 0, output
    code, _, output = _cli(case, "matrix", "close", "A1", "--by", "DS Ash", "--reason", "x")
    assert code == 2 and "not on the CSE matrix" in output
    code, _, output = _cli(case, "matrix", "close", "G1", "--by", "DS Ash", "--reason", "")
    assert code == 2 and "--reason" in output
    code, doc, output = _cli(
        case,
        "matrix",
        "close",
        "G1",
        "--by",
        "DS Ash",
        "--reason",
        "moved out of area; case transferred",
    )
    assert code == 0 and doc["rag"] == "closed", output
    code, doc, _ = _cli(case, "matrix", "list")
    assert doc == []
    code, doc, _ = _cli(case, "matrix", "list", "--closed")
    assert [r["rag"] for r in doc[0]["history"]] == ["red", "closed"] and doc[0][
        "reason"
    ].startswith("moved")
    code, _, output = _cli(case, "matrix", "close", "G1", "--by", "DS Ash", "--reason", "again")
    assert code == 2 and "already left" in output


def test_a_child_recorded_as_a_suspect_is_prompted(case: Path) -> None:
    code, rows, _ = _cli(case, "chronology", "G1")
    prompts = [r for r in rows if r["record"] == "prompt"]
    assert {p["prompt"] for p in prompts} == {
        "recorded as a suspect while aged 14: consider exploitation",
        "arrested while aged 15: consider exploitation",
    }
    code, _, _ = _cli(
        case,
        "matrix",
        "set",
        "G1",
        "amber",
        "--by",
        "SW Birch",
        "--review",
        "2011-08-01",
        "--reason",
        "arrested with an adult",
    )
    code, doc, _ = _cli(case, "briefing", "--since", "2011-01-01", "--as-of", "2011-07-08")
    g1 = next(c for c in doc["children"] if c["person_id"] == "G1")
    assert "arrested while aged 15: consider exploitation" in g1["prompts"]
    assert {v["person_id"] for v in doc["possible_victims"]} == {"G1"}
    human = runner.invoke(
        app, ["briefing", "--since", "2011-01-01", "--as-of", "2011-07-08", "--store", str(case)]
    )
    assert human.exit_code == 0 and "consider exploitation" in human.stdout
