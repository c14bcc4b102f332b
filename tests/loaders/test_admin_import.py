"""A Neo4j admin-import export folder, mapped by a specification, loads with exact counts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import import_path, load_spec, shipped_spec
from loaders.mapping.admin import parse_header

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "neo4j-admin"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def test_header_parsing() -> None:
    header = parse_header(["personId:ID(Person)", "name:string", "latitude:double", ":LABEL", "skip:IGNORE", "tags:string[]"])
    assert header.renames == {
        "personId:ID(Person)": [":ID", "personId"], "name:string": ["name"], "latitude:double": ["latitude"],
        ":LABEL": [":LABEL"], "skip:IGNORE": [], "tags:string[]": ["tags"]}
    assert header.spaces == {":ID": "Person"} and header.is_nodes and not header.is_relationships
    rel = parse_header([":START_ID(Person)", ":END_ID(Mobile)", ":TYPE"])
    assert rel.spaces == {":START_ID": "Person", ":END_ID": "Mobile"} and rel.is_relationships


def test_mapped_admin_import_loads_exactly(tmp_path: Path, store: LadybugStore) -> None:
    spec = load_spec(shipped_spec("neo4j-admin-example"))
    progress: list[tuple[str, int]] = []
    report = import_path(store, spec, FOLDER, dataset="partner", quarantine_file=tmp_path / "q.csv",
                         progress=lambda f, n: progress.append((f, n)))
    assert report.rows_loaded == {
        "cars.csv": 1, "mobiles.csv": 2, "people.csv": 3, "places.csv": 1,
        "calls.csv": 2, "drives.csv": 1, "knows.csv": 2, "uses.csv": 2, "visits.csv": 2}
    assert report.quarantined == 6
    assert sum(n for _, n in progress) == 22  # every data row of the nine files
    counts = {k: v for k, v in store.counts().items() if v}
    assert counts == {
        "Person": 3, "Phone": 2, "Vehicle": 1, "Location": 1, "Event": 2, "Source": 2,
        "USES_PHONE": 2, "DRIVES": 1, "FREQUENTS": 2, "ASSOCIATE_OF": 2, "PARTICIPATED_IN": 4}
    rows = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert sorted((r["file"], int(r["line"]), r["field"]) for r in rows) == [
        ("calls.csv", 4, "at"), ("calls.csv", 5, ":TYPE"), ("people.csv", 5, ":LABEL"), ("people.csv", 6, ":ID"),
        ("places.csv", 3, "latitude"), ("uses.csv", 4, ":START_ID")]
    dale = store.get_node("Person", "partner:P1")
    assert dale is not None and (dale["given_name"], dale["family_name"], dale["category"]) == ("Dale", "Korver", "suspect")
    assert store.get_node("Person", "partner:V1")["category"] == "child"  # type: ignore[index]
    assert store.get_node("Phone", "+447700900123")["imei"] == "356938035643809"  # type: ignore[index]
    drives = store.links("DRIVES")  # exported Car->Person as DRIVEN_BY, turned round
    assert list(zip(drives["from_key"], drives["to_key"], strict=True)) == [("partner:P2", "AB12CDE")]
    calls = store.nodes("Event")
    assert sorted(calls["duration_s"]) == [12, 65] and set(calls["kind"]) == {"call"}
    again = import_path(store, spec, FOLDER, dataset="partner")
    assert (again.writes.created, again.writes.updated) == (0, 0)


def test_unmapped_pair_is_quarantined(tmp_path: Path, store: LadybugStore) -> None:
    from loaders.mapping import parse_spec

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "n.csv").write_text(":ID,:LABEL\nP1,Suspect\nH1,Place\n", encoding="utf-8")
    (folder / "r.csv").write_text(":START_ID,:END_ID,:TYPE\nP1,H1,USES\nP1,H1,AT\n", encoding="utf-8")
    spec = parse_spec({"name": "x", "format": "neo4j-admin",
                       "labels": {"Suspect": {"kind": "Person"}, "Place": {"kind": "Location"}},
                       "types": {"USES": {"link": "uses_phone"}, "AT": {"link": "frequents"}}})
    report = import_path(store, spec, folder, quarantine_file=tmp_path / "q.csv")
    assert report.rows_loaded == {"n.csv": 2, "r.csv": 1} and report.quarantined == 1
    reason = next(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))["reason"]
    assert reason == "USES joins Person to Location, but uses_phone joins only Person->Phone"
