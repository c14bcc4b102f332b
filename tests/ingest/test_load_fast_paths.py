"""The load's fast paths give the store the slow path gives: a file's tables loaded while the next
file is parsed (a bulk block inside the load's), and a few new nodes stored by CREATE instead of
COPY. The reference stores every row by COPY and waits for each chunk's writes (a flush after
every chunk), on a hand-built admin-import folder with bad rows, skipped and unmapped labels,
extra columns and ids given twice."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph_intel.ingest import import_path, ingest
from graph_intel.schema import schema
from graph_intel.stores import ladybug_store
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import parse_spec

SPEC = {
    "name": "fast-paths",
    "format": "neo4j-admin",
    "source": {"id": "EXPORT", "agency": "police", "recorded_at": "2011-07-01"},
    "labels": {
        "Suspect": {
            "kind": "Person",
            "properties": {
                "given_name": "forename",
                "date_of_birth": "dob",
                "category": {"constant": "suspect"},
            },
        },
        "Victim": {
            "kind": "Person",
            "properties": {"given_name": "forename", "date_of_birth": "dob"},
        },
        "Mobile": {"kind": "Phone", "properties": {"imei": "imei"}},
    },
    "types": {
        "USES": {"link": "uses_phone"},
        "KNOWS": {"link": "associate_of"},
        "KNOWS_SN": {"link": "associate_of", "basis": "social_network"},
    },
    "ignore": {"labels": ["Officer"], "types": ["PARTY_TO"]},
}


def admin_folder(root: Path) -> Path:
    """Nodes and relationships with every kind of row a load must keep, merge or quarantine."""
    folder = root / "export"
    folder.mkdir()
    (folder / "mobiles.csv").write_text(
        ":ID(Mobile),imei:string,:LABEL\n"
        "07700 900123,356938035643809,Mobile\n"
        "+44 7700 900123,,Mobile\n"  # the same phone spelled again: merged, both spellings kept
        "07700 900456,,Mobile\n"
        "not a phone,,Mobile\n",  # kept as written, marked not parsed
        encoding="utf-8",
    )
    (folder / "people.csv").write_text(
        "personId:ID(Person),forename:string,dob:date,nhs_number:string,:LABEL\n"
        "P1,Dale,1980-01-01,943 476 5919,Person;Suspect\n"
        "P2,Ross,,,Suspect\n"
        "P1,Dale,,,Suspect\n"  # P1 again: merged into the first
        "V1,Tia,2001-05-01,,Person;Victim\n"
        "V2,Mia,31/31/2001,,Victim\n"  # quarantined: no such date
        ",Nobody,,,Suspect\n"  # quarantined: no id
        "O1,PC Ashby,,,Officer\n"  # ignored
        "W1,Kim,,,Witness\n",  # neither mapped nor ignored: reported once
        encoding="utf-8",
    )
    (folder / "uses.csv").write_text(
        ":START_ID(Person),:END_ID(Mobile),:TYPE,since:string\n"
        "P1,07700 900123,USES,2010\n"
        "P1,+44 7700 900123,USES,\n"  # the same link again, by another spelling
        "P2,07700 900456,USES,\n"
        "P9,07700 900456,USES,\n",  # quarantined: no such person
        encoding="utf-8",
    )
    (folder / "knows.csv").write_text(
        ":START_ID(Person),:END_ID(Person),:TYPE\n"
        "P1,P2,KNOWS\nP1,P2,KNOWS_SN\nP2,V1,KNOWS\nP2,V1,KNOWS\nP1,O1,KNOWS\nP1,V1,PARTY_TO\n",
        encoding="utf-8",
    )
    return folder


def contents(store: LadybugStore) -> dict[str, Any]:
    """Every table's rows in a fixed order, without what names the load itself (its time)."""
    stamped = {"first_seen", "last_seen", "loads"}
    out: dict[str, Any] = {}
    for entity in schema().entities:
        frame = store.nodes(entity)
        if entity == "Dataset":
            frame = frame.drop(columns=[c for c in frame if c in stamped])
        out[entity] = _plain_rows(frame, ["key"])
    for link in schema().links:
        out[link] = _plain_rows(store.links(link), ["from_key", "to_key"])
    return out


def _plain_rows(frame: pd.DataFrame, order: list[str]) -> list[dict[str, Any]]:
    """Rows as plain values (lists for arrays, None for blanks), sorted."""
    rows = [
        {k: _plain(v) for k, v in row.items()}
        for row in frame.sort_values(order).to_dict("records")
    ]
    return sorted(rows, key=repr)


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return list(value) if not hasattr(value, "tolist") else value.tolist()
    return None if pd.isna(value) else value


def quarantine(path: Path) -> list[tuple[str, str, str, str]]:
    rows = csv.DictReader(path.open(encoding="utf-8"))
    return sorted((r["file"], r["line"], r["field"], r["reason"]) for r in rows)


def run(
    root: Path, name: str, load: Any, reference: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, str, str]]]:
    """Load with the fast paths, or (`reference`) with every row by COPY, waiting per chunk."""
    with monkeypatch.context() as patch:
        if reference:
            patch.setattr(ladybug_store, "_CREATE_ROWS", 0)
        with LadybugStore(root / name) as store:
            wait = (lambda _file, _rows: store.flush()) if reference else None
            report = load(store, root / f"{name}.q.csv", wait).as_json()
            stored = contents(store)
    for key in ("load", "quarantine_file"):
        report.pop(key)
    return stored, report, quarantine(root / f"{name}.q.csv")


@pytest.mark.parametrize("chunk_rows", [2, 10_000])
def test_a_specification_import_stores_what_the_slow_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    folder = admin_folder(tmp_path)

    def load(store: LadybugStore, q: Path, progress: Any) -> Any:
        return import_path(
            store,
            parse_spec(SPEC),
            folder,
            dataset="x",
            quarantine_file=q,
            progress=progress,
            chunk_rows=chunk_rows,
        )

    fast = run(tmp_path, "fast", load, False, monkeypatch)
    slow = run(tmp_path, "slow", load, True, monkeypatch)
    assert fast == slow
    stored, report, bad = fast
    assert [r["key"] for r in stored["Person"]] == ["x:P1", "x:P2", "x:V1"]
    assert report["rows_loaded"] == {
        "mobiles.csv": 4,
        "people.csv": 4,
        "uses.csv": 3,
        "knows.csv": 4,
    }
    assert sorted((u["file"], u["name"], u["rows"]) for u in report["unmapped"]) == [
        ("people.csv", "Witness", 1)
    ]
    assert {(i["file"], i["name"]) for i in report["ignored"]} >= {
        ("people.csv", "Officer"),
        ("knows.csv", "PARTY_TO"),
    }
    assert report["extra_columns"] == {"people.csv": ["nhs_number"], "uses.csv": ["since"]}
    assert [(f, line, field) for f, line, field, _ in bad] == [
        ("people.csv", "6", "dob"),
        ("people.csv", "7", ":ID"),
        ("people.csv", "9", ":LABEL"),
        ("uses.csv", "5", ":START_ID"),
    ]
    phones = {r["key"]: r["spellings"] for r in stored["Phone"]}
    assert phones == {
        "+447700900123": ["07700 900123", "+44 7700 900123"],
        "+447700900456": ["07700 900456"],
        "not a phone": ["not a phone"],
    }
    assert json.loads(stored["Person"][0]["extra"]) == {"nhs_number": "943 476 5919"}
    assert sorted((r["from_key"], r["to_key"], r["basis"]) for r in stored["ASSOCIATE_OF"]) == [
        ("x:P1", "x:P2", "recorded"),
        ("x:P1", "x:P2", "social_network"),
        ("x:P2", "x:V1", "recorded"),
    ]
    assert len(stored["USES_PHONE"]) == 2 and report["quarantined"] == 4


def test_a_canonical_ingest_stores_what_the_slow_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "canonical"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        "person_id,given_name,date_of_birth,category\n"
        "P1,Dale,1980-01-01,suspect\nP2,Ross,,suspect\nP1,Dale,,\nV1,Tia,2001-05-01,\n"
        "V2,Mia,2001-31-31,\n",
        encoding="utf-8",
    )
    (folder / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link\n"
        "person,P1,phone,07700 900123,uses_phone\nperson,P1,phone,+44 7700 900123,uses_phone\n"
        "person,P2,phone,07700 900456,uses_phone\nperson,P1,person,P2,associate_of\n"
        "person,P9,person,P2,associate_of\nperson,P2,phone,not a phone,uses_phone\n",
        encoding="utf-8",
    )

    def load(store: LadybugStore, q: Path, progress: Any) -> Any:
        return ingest(
            store, folder, dataset="x", quarantine_file=q, progress=progress, chunk_rows=2
        )

    fast = run(tmp_path, "fast", load, False, monkeypatch)
    assert fast == run(tmp_path, "slow", load, True, monkeypatch)
    assert [line for _, line, _, _ in fast[2]] == ["6"]  # V2's date; P9 is made, as ingest does
    assert fast[1]["rows_loaded"] == {"persons.csv": 4, "links.csv": 6}
    assert [r["key"] for r in fast[0]["Person"]] == ["x:P1", "x:P2", "x:P9", "x:V1"]
