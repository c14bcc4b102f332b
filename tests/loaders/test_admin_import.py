"""A Neo4j admin-import export folder, mapped by a specification, loads with exact counts."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import load_spec, shipped_spec
from loaders.mapping.admin import parse_header

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "neo4j-admin"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def test_header_parsing() -> None:
    header = parse_header(
        [
            "personId:ID(Person)",
            "name:string",
            "latitude:double",
            ":LABEL",
            "skip:IGNORE",
            "tags:string[]",
        ]
    )
    assert header.renames == {
        "personId:ID(Person)": [":ID", "personId"],
        "name:string": ["name"],
        "latitude:double": ["latitude"],
        ":LABEL": [":LABEL"],
        "skip:IGNORE": [],
        "tags:string[]": ["tags"],
    }
    assert header.spaces == {":ID": "Person"} and header.is_nodes and not header.is_relationships
    rel = parse_header([":START_ID(Person)", ":END_ID(Mobile)", ":TYPE"])
    assert rel.spaces == {":START_ID": "Person", ":END_ID": "Mobile"} and rel.is_relationships


def test_mapped_admin_import_loads_exactly(tmp_path: Path, store: LadybugStore) -> None:
    spec = load_spec(shipped_spec("neo4j-admin-example"))
    progress: list[tuple[str, int]] = []
    report = import_path(
        store,
        spec,
        FOLDER,
        dataset="partner",
        quarantine_file=tmp_path / "q.csv",
        progress=lambda f, n: progress.append((f, n)),
    )
    assert report.rows_loaded == {
        "cars.csv": 1,
        "mobiles.csv": 2,
        "people.csv": 3,
        "places.csv": 1,
        "calls.csv": 2,
        "drives.csv": 1,
        "knows.csv": 2,
        "uses.csv": 2,
        "visits.csv": 2,
    }
    assert report.quarantined == 6
    assert sum(n for _, n in progress) == 22  # every data row of the nine files
    counts = {k: v for k, v in store.counts().items() if v}
    assert counts == {
        "Person": 3,
        "Phone": 2,
        "Vehicle": 1,
        "Location": 1,
        "Event": 2,
        "Source": 2,
        "Dataset": 1,
        "USES_PHONE": 2,
        "DRIVES": 1,
        "FREQUENTS": 2,
        "ASSOCIATE_OF": 2,
        "PARTICIPATED_IN": 4,
    }
    rows = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert sorted((r["file"], int(r["line"]), r["field"]) for r in rows) == [
        ("calls.csv", 4, "at"),
        ("calls.csv", 5, ":TYPE"),
        ("people.csv", 5, ":LABEL"),
        ("people.csv", 6, ":ID"),
        ("places.csv", 3, "latitude"),
        ("uses.csv", 4, ":START_ID"),
    ]
    dale = store.get_node("Person", "partner:P1")
    assert dale is not None and (dale["given_name"], dale["family_name"], dale["category"]) == (
        "Dale",
        "Korver",
        "suspect",
    )
    assert store.get_node("Person", "partner:V1")["category"] == "child"  # type: ignore[index]
    assert store.get_node("Phone", "+447700900123")["imei"] == "356938035643809"  # type: ignore[index]
    drives = store.links("DRIVES")  # exported Car->Person as DRIVEN_BY, turned round
    assert list(zip(drives["from_key"], drives["to_key"], strict=True)) == [
        ("partner:P2", "AB12CDE")
    ]
    calls = store.nodes("Event")
    assert sorted(calls["duration_s"]) == [12, 65] and set(calls["kind"]) == {"call"}
    again = import_path(store, spec, FOLDER, dataset="partner")
    assert (again.writes.created, again.writes.updated) == (0, 0)


def test_unmapped_pair_is_quarantined(tmp_path: Path, store: LadybugStore) -> None:
    from loaders.mapping import parse_spec

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "n.csv").write_text(":ID,:LABEL\nP1,Suspect\nH1,Place\n", encoding="utf-8")
    (folder / "r.csv").write_text(
        ":START_ID,:END_ID,:TYPE\nP1,H1,USES\nP1,H1,AT\n", encoding="utf-8"
    )
    spec = parse_spec(
        {
            "name": "x",
            "format": "neo4j-admin",
            "labels": {"Suspect": {"kind": "Person"}, "Place": {"kind": "Location"}},
            "types": {"USES": {"link": "uses_phone"}, "AT": {"link": "frequents"}},
        }
    )
    report = import_path(store, spec, folder, quarantine_file=tmp_path / "q.csv")
    assert report.rows_loaded == {"n.csv": 2, "r.csv": 1} and report.quarantined == 1
    reason = next(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))["reason"]
    assert reason == "USES joins Person to Location, but uses_phone joins only Person->Phone"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "personId:ID(Person),name:string,nhs_number:string,age:int,notes:string,:LABEL\n"
        "P1,Dale Korver,943 476 5919,31,met twice,Suspect\n"
        "P2,Tia Marsh,,14,,Victim\n"
        "O1,PC Ashby,,,,Officer\n"
        "O2,PC Lane,,,,Officer\n"
        "W1,Kim Hale,,,,Witness\n",
        encoding="utf-8",
    )
    (folder / "crimes.csv").write_text(
        ":ID(Crime),ref:string,:LABEL\nK1,CR/1,Crime\nK2,CR/2,Crime\n", encoding="utf-8"
    )
    (folder / "party_to.csv").write_text(
        ":START_ID(Person),:END_ID(Crime),:TYPE\nP1,K1,PARTY_TO\nP2,K2,PARTY_TO\n", encoding="utf-8"
    )
    (folder / "knows.csv").write_text(
        ":START_ID(Person),:END_ID(Person),:TYPE,since:string\n"
        "P1,P2,KNOWS,2010\nP1,P2,KNOWS_SN,\nP2,P1,KNOWS_SN,\nP1,O1,KNOWS,\nP1,W1,KNOWS,\n",
        encoding="utf-8",
    )
    (folder / "summary.csv").write_text("what,count\npersons,5\ncrimes,2\n", encoding="utf-8")
    (folder / "old-export.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def test_ignore_and_report_unmapped_once_each(tmp_path: Path, store: LadybugStore) -> None:
    from loaders.mapping import parse_spec

    spec = parse_spec(
        {
            "name": "x",
            "format": "neo4j-admin",
            "labels": {
                "Suspect": {"kind": "Person", "properties": {"given_name": "name"}},
                "Victim": {
                    "kind": "Person",
                    "properties": {"given_name": "name", "category": {"constant": "child"}},
                },
            },
            "types": {"KNOWS": {"link": "associate_of"}},
            "ignore": {
                "labels": ["Officer", "Crime"],
                "types": ["PARTY_*"],
                "files": ["old-*"],
                "columns": ["notes"],
            },
        }
    )
    report = import_path(
        store, spec, _folder(tmp_path), dataset="x", quarantine_file=tmp_path / "q.csv"
    )
    assert report.rows_loaded == {
        "crimes.csv": 0,
        "people.csv": 2,
        "knows.csv": 1,
        "party_to.csv": 0,
    }
    assert sorted((u["file"], u["what"], u["name"], u["rows"]) for u in report.unmapped) == [
        ("knows.csv", "end", "KNOWS", 1),
        ("knows.csv", "type", "KNOWS_SN", 2),
        ("people.csv", "label", "Witness", 1),
        ("summary.csv", "file", "summary.csv", 2),
    ]
    assert report.quarantined == 6  # the unmapped rows, none loaded
    assert sorted((i["file"], i["what"], i["name"], i["rows"]) for i in report.ignored) == [
        ("crimes.csv", "label", "Crime", 2),
        ("knows.csv", "end", "KNOWS", 1),
        ("old-export.csv", "file", "old-export.csv", 1),
        ("party_to.csv", "type", "PARTY_TO", 2),
        ("people.csv", "label", "Officer", 2),
    ]
    rows = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert len(rows) == 4  # one record per file, label or type, not one per row
    sn = next(r for r in rows if r["field"] == ":TYPE")
    assert (sn["line"], sn["reason"]) == (
        "3",
        "relationship type 'KNOWS_SN' is not mapped (2 rows); add it under types:, or list it under ignore.types",
    )
    dale = store.get_node("Person", "x:P1")
    assert dale is not None and json.loads(dale["extra"]) == {
        "nhs_number": "943 476 5919",
        "age": "31",
    }
    assert store.get_node("Person", "x:P2")["extra"] == '{"age": "14"}'  # type: ignore[index]
    knows = store.links("ASSOCIATE_OF")
    assert json.loads(knows["extra"].iloc[0]) == {"since": "2010"}
    assert report.extra_columns == {"people.csv": ["nhs_number", "age"], "knows.csv": ["since"]}


def test_ignore_in_the_cli_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graph_intel.cli import app

    folder = _folder(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: x\nformat: neo4j-admin\nlabels:\n  Suspect: {kind: Person}\n  Victim: {kind: Person}\n  Witness: {kind: Person}\n"
        "types:\n  KNOWS: {link: associate_of}\n  KNOWS_SN: {link: associate_of}\n"
        "ignore:\n  labels: [Officer, Crime]\n  types: [PARTY_TO]\n  files: [old-export.csv, summary.csv]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["import", str(spec), str(folder), "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    assert "ignored" in result.output and "Officer" in result.output
    spec.write_text(spec.read_text(encoding="utf-8").replace(", summary.csv", ""), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["import", str(spec), str(folder), "--store", str(tmp_path / "s"), "--json"]
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["unmapped"] == [
        {
            "file": "summary.csv",
            "what": "file",
            "name": "summary.csv",
            "rows": 2,
            "first_line": None,
        }
    ]


def test_knows_types_keep_their_basis(tmp_path: Path, store: LadybugStore) -> None:
    from typer.testing import CliRunner

    from graph_intel.cli import app
    from loaders.mapping import SpecError, parse_spec

    folder = _folder(tmp_path)
    raw = {
        "name": "x",
        "format": "neo4j-admin",
        "labels": {"Suspect": {"kind": "Person"}, "Victim": {"kind": "Person"}},
        "types": {
            "KNOWS": {"link": "associate_of"},
            "KNOWS_SN": {"link": "associate_of", "basis": "social_network"},
        },
        "ignore": {
            "labels": ["Officer", "Crime", "Witness"],
            "types": ["PARTY_TO"],
            "files": ["old-*", "summary.csv"],
        },
    }
    report = import_path(store, parse_spec(raw), folder, dataset="x")
    assert report.quarantined == 0
    links = store.links("ASSOCIATE_OF")
    assert sorted(zip(links["from_key"], links["to_key"], links["basis"], strict=True)) == [
        ("x:P1", "x:P2", "recorded"),
        ("x:P1", "x:P2", "social_network"),
        ("x:P2", "x:P1", "social_network"),
    ]
    store.close()
    shown = CliRunner().invoke(
        app, ["show", "person", "x:P1", "--store", str(tmp_path / "store"), "--json"]
    )
    assert shown.exit_code == 0, shown.output
    bases = sorted(
        str(link.get("basis"))
        for link in json.loads(shown.stdout)["links"]
        if link["link"] == "associate_of"
    )
    assert bases == ["recorded", "social_network", "social_network"]
    raw["types"]["KNOWS_SN"]["basis"] = "gossip"
    with pytest.raises(SpecError, match="unknown basis 'gossip'"):
        parse_spec(raw)
    raw["types"]["KNOWS_SN"] = {"link": "uses_phone", "basis": "social_network"}
    with pytest.raises(SpecError, match="uses_phone has no basis"):
        parse_spec(raw)


def test_the_rest_is_reported_in_a_few_lines(tmp_path: Path) -> None:
    """A folder of mapped and unmapped files, through the CLI: what is neither mapped nor ignored is one
    line per file, label or type with its row count (never a line per row), beside one line per ignored."""
    from typer.testing import CliRunner

    from graph_intel.cli import app

    folder = _folder(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: x\nformat: neo4j-admin\nlabels:\n  Suspect: {kind: Person}\n  Victim: {kind: Person}\n"
        "types:\n  KNOWS: {link: associate_of}\nignore:\n  labels: [Officer, Crime]\n  types: [PARTY_TO]\n"
        "  files: [old-export.csv]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["import", str(spec), str(folder), "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 1, result.output  # rows neither mapped nor ignored: attention
    lines = result.output.splitlines()
    unmapped = sorted(line.strip() for line in lines if "not mapped" in line)
    assert unmapped == [
        "not mapped: knows.csv: 1 row of KNOWS name a node left out",
        "not mapped: knows.csv: type KNOWS_SN (2 rows)",
        "not mapped: people.csv: label Witness (1 row)",
        "not mapped: summary.csv (2 rows)",
    ]
    assert len([line for line in lines if line.strip().startswith("ignored:")]) == 5
