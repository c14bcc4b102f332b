"""A new or second phone, and going missing together with another child: the prompts on small
hand-built cases (real store, real CLI), the cases that are not prompts, and the dates they are known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()
SOURCES = [
    {
        "source_id": "POL",
        "agency": "police",
        "recorded_at": "2011-03-01",
        "reference": "LOG-1",
        "source_eval": "1",
        "intel_eval": "A",
        "handling": "P",
    },
    {
        "source_id": "YW",
        "agency": "voluntary",
        "recorded_at": "2011-03-01",
        "reference": "YW-3",
        "source_eval": "2",
        "intel_eval": "B",
        "handling": "P",
    },
]
PERSONS = [
    {"person_id": "C1", "date_of_birth": "1997-05-01", "category": "child", "source_id": "POL"},
    {"person_id": "C2", "date_of_birth": "1996-02-10", "category": "child", "source_id": "POL"},
    {"person_id": "C3", "date_of_birth": "1996-08-10", "category": "child", "source_id": "POL"},
    # Recorded as a suspect, but 15 at the time: a child, whatever the category says.
    {"person_id": "C4", "date_of_birth": "1995-09-01", "category": "suspect", "source_id": "POL"},
    {"person_id": "A1", "date_of_birth": "1980-01-01", "category": "suspect", "source_id": "POL"},
]


def _link(who: str, number: str, first: str = "", source: str = "POL") -> dict[str, str]:
    return {
        "from_kind": "person",
        "from_id": who,
        "to_kind": "phone",
        "to_id": number,
        "link": "uses_phone",
        "first_seen": first,
        "last_seen": "",
        "source_id": source,
    }


def _episode(eid: str, start: str, end: str) -> dict[str, str]:
    return {
        "event_id": eid,
        "kind": "missing_episode",
        "start": start,
        "end": end,
        "summary": "reported missing",
        "source_id": "POL",
    }


def _subject(eid: str, who: str) -> dict[str, str]:
    return {"event_id": eid, "kind": "person", "id": who, "role": "subject", "source_id": "POL"}


def _store(tmp_path: Path) -> Path:
    files = {
        "sources.csv": SOURCES,
        "persons.csv": PERSONS,
        "links.csv": [
            _link("C1", "07700 900101", "2010-09-01"),
            _link("C1", "07700 900131", "2011-03-20", "YW"),  # C1: a new phone
            _link("C2", "07700 900102", "2010-09-01"),  # C2: one phone only
            _link("C3", "07700 900103"),
            _link("C3", "07700 900133"),  # C3: two phones, undated: a second phone
            _link("A1", "07700 900201", "2010-01-01"),
            _link("A1", "07700 900202", "2011-01-01"),  # an adult: no prompt
        ],
        "events.csv": [
            _episode("M1", "2011-03-05T20:00:00", "2011-03-06T10:00:00"),  # C1
            _episode("M2", "2011-03-06T08:00:00", "2011-03-06T09:30:00"),  # C2, overlapping M1
            _episode(
                "M3", "2011-03-06T10:00:00", "2011-03-07T09:00:00"
            ),  # C3, starts as M1 ends: not together
            _episode(
                "M4", "2011-04-01T21:00:00", "2011-04-02T09:00:00"
            ),  # C3 and C4 in one episode
            _episode(
                "M5", "2011-04-01T22:00:00", "2011-04-02T06:00:00"
            ),  # A1 (an adult) at the same time
        ],
        "event_participants.csv": [
            _subject("M1", "C1"),
            _subject("M2", "C2"),
            _subject("M3", "C3"),
            _subject("M4", "C3"),
            _subject("M4", "C4"),
            _subject("M5", "A1"),
        ],
        "gifts.csv": [
            {
                "gift_id": "G1",
                "child_id": "C1",
                "kind": "phone",
                "given_at": "2011-03-18",
                "giver_id": "A1",
                "source_id": "YW",
            }
        ],
    }
    folder = write_dataset(tmp_path / "case", files)
    store = tmp_path / "store"
    done = runner.invoke(app, ["ingest", str(folder), "--store", str(store)])
    assert done.exit_code == 0, done.output
    return store


def _prompts(store: Path, on: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["risk", "prompts", "--on", on, "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    return [p for p in json.loads(result.stdout) if p["rule"] in ("new_phone", "missing_together")]


def test_new_and_second_phones(tmp_path: Path) -> None:
    store = _store(tmp_path)
    phones = {p["child"]: p for p in _prompts(store, "2011-05-01") if p["rule"] == "new_phone"}
    assert set(phones) == {"C1", "C3"}  # C2 has one phone; A1 is an adult
    c1 = phones["C1"]
    assert (c1["phone"], c1["first_phone"], c1["attributed_at"][:10]) == (
        "+447700900131",
        "+447700900101",
        "2011-03-20",
    )
    # The evidence: the new attribution, the first, and the phone given to C1 two days before.
    assert [(e["record"], e["id"], e["agency"]) for e in c1["evidence"]] == [
        ("link", "+447700900131", "voluntary"),
        ("link", "+447700900101", "police"),
        ("gift", "G1", "voluntary"),
    ]
    assert "ask who gave it" in c1["prompt"]
    # C3's two attributions are undated, so both are dated by their source (1 March): a second phone.
    assert (
        phones["C3"]["phone"],
        phones["C3"]["first_phone"],
        phones["C3"]["attributed_at"][:10],
    ) == ("+447700900133", "+447700900103", "2011-03-01")
    # Before the new phone is first seen, C1 has no prompt.
    assert {p["child"] for p in _prompts(store, "2011-03-19") if p["rule"] == "new_phone"} == {"C3"}


def test_going_missing_together(tmp_path: Path) -> None:
    store = _store(tmp_path)
    together = sorted(
        (p["child"], p["episode"], p["with"], p["with_episode"], p["same_episode"])
        for p in _prompts(store, "2011-05-01")
        if p["rule"] == "missing_together"
    )
    assert together == [
        ("C1", "M1", "C2", "M2", False),
        ("C2", "M2", "C1", "M1", False),  # overlapping episodes
        ("C3", "M4", "C4", "M4", True),
        ("C4", "M4", "C3", "M4", True),  # one episode naming both (C4 a child at 15)
    ]  # not C3's M3, which began as C1's ended; never the adult A1
    c1 = next(
        p
        for p in _prompts(store, "2011-05-01")
        if p["child"] == "C1" and p["rule"] == "missing_together"
    )
    assert [e["id"] for e in c1["evidence"]] == ["M1", "M2"] and "peers_at_risk" in c1["prompt"]
    # An episode not yet begun on the date asked is not known.
    assert not [p for p in _prompts(store, "2011-03-05") if p["rule"] == "missing_together"]


def test_chronology_and_briefing_carry_them(tmp_path: Path) -> None:
    store = _store(tmp_path)
    rows = json.loads(
        runner.invoke(app, ["chronology", "C1", "--store", str(store), "--json"]).stdout
    )
    assert sorted(
        (r["rule"], r["id"]) for r in rows if r["record"] == "prompt" and r.get("rule")
    ) == [("missing_together", "M1"), ("new_phone", "+447700900131")]
    set_ = runner.invoke(
        app,
        [
            "matrix",
            "set",
            "C1",
            "red",
            "--by",
            "DS Ash",
            "--review",
            "2011-06-01",
            "--reason",
            "screened",
            "--store",
            str(store),
        ],
    )
    assert set_.exit_code == 0, set_.output
    doc = json.loads(
        runner.invoke(
            app,
            [
                "briefing",
                "--since",
                "2011-03-10",
                "--as-of",
                "2011-05-01",
                "--store",
                str(store),
                "--json",
            ],
        ).stdout
    )
    c1 = doc["children"][0]
    # Since 10 March: the new phone (20 March) is new; the missing episode with C2 (5 March) is not.
    assert [(c["rule"], c["id"]) for c in c1["new_concerns"] if c.get("rule")] == [
        ("new_phone", "+447700900131")
    ]
    assert [e["id"] for e in next(c for c in c1["new_concerns"] if c.get("rule"))["evidence"]] == [
        "+447700900131",
        "+447700900101",
        "G1",
    ]
