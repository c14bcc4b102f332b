"""`graph-intel import suggest`: a draft from a sample that, unedited, loads the sample."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.schema import schema
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import load_spec, parse_spec, shipped_spec
from loaders.mapping.suggest import enum_map, judge, suggest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def _draft(path: Path, tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, ["import", "suggest", str(path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "draft.yaml"
    out.write_text(result.stdout, encoding="utf-8")
    return out


def test_columns_are_recognised() -> None:
    assert judge("Calling Number", ["07700 900123", "+44 7700 900456"]).kind == "phone"
    assert judge("VRM", ["AB12 CDE", "ab12cde"]).kind == "vrm"
    assert judge("Postcode", ["HX1 1AA", "hx11aa"]).kind == "postcode"
    assert judge("IMEI", ["356938035643809"]).kind == "imei"
    day_first = judge("Seen", ["20/06/2011 19:50", "21/06/2011 08:01"])
    assert (day_first.kind, day_first.date_format) == ("datetime", "%d/%m/%Y %H:%M")
    assert judge("Date of Birth", ["29221", "35000"]).date_format == "excel"
    assert judge("Forename", ["Tia", "Kim"]).kind == "name"
    assert judge("Case Ref", ["CR1", "CR2"]).kind == "id"
    assert enum_map(["Voice", "SMS", "Text"], ("voice", "sms", "mms")) == {"text": "sms"}
    assert enum_map(["Voice", "Fax"], ("voice", "sms", "mms")) is None


def test_clean_handset_sample_loads_unedited(tmp_path: Path, store: LadybugStore) -> None:
    draft = _draft(FIXTURES / "handset-contacts-export.xlsx", tmp_path)
    text = draft.read_text(encoding="utf-8")
    assert text.startswith("# Draft import specification") and "title block" in text
    report = import_path(
        store, load_spec(draft), FIXTURES / "handset-contacts-export.xlsx", dataset="h"
    )
    assert (report.rows_loaded, report.quarantined) == ({"handset-contacts-export.xlsx": 5}, 0)
    assert store.counts()["SAVED_CONTACT"] == 5


def test_cdr_sample_draft_finds_the_call(tmp_path: Path, store: LadybugStore) -> None:
    draft = _draft(FIXTURES / "cdr-export.csv", tmp_path)
    raw = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert raw["events"]["call"]["start"]["date_format"] == "%d/%m/%Y %H:%M:%S"
    assert [p["role"] for p in raw["events"]["call"]["participants"]] == ["caller", "callee"]
    report = import_path(
        store,
        parse_spec(raw),
        FIXTURES / "cdr-export.csv",
        dataset="c",
        quarantine_file=tmp_path / "q.csv",
    )
    shipped = import_path(
        store, load_spec(shipped_spec("cdr-export")), FIXTURES / "cdr-export.csv", dataset="c2"
    )
    assert report.quarantined <= shipped.quarantined  # the sample's bad rows, no more
    assert report.rows_loaded["cdr-export.csv"] >= shipped.rows_loaded["cdr-export.csv"]
    lines = {int(r["line"]) for r in csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8"))}
    assert lines <= {7, 8, 9, 10}  # only rows the shipped spec quarantines too


def test_admin_folder_draft(tmp_path: Path, store: LadybugStore) -> None:
    draft = _draft(FIXTURES / "neo4j-admin", tmp_path)
    raw = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert raw["format"] == "neo4j-admin"
    assert {k: v["kind"] for k, v in raw["labels"].items()} == {
        "Car": "Vehicle",
        "Mobile": "Phone",
        "Suspect": "Person",
        "Person": "Person",
        "Victim": "Person",
        "Informant": "Person",
        "Place": "Location",
        "Hotel": "Location",
    }
    assert raw["labels"]["Car"]["id"] == "plate"
    assert raw["types"]["KNOWS"] == {"link": "associate_of"} and raw["ignore"]["types"] == [
        "TEXTED"
    ]
    report = import_path(store, parse_spec(raw), FIXTURES / "neo4j-admin", dataset="a")
    shipped = import_path(
        store,
        load_spec(shipped_spec("neo4j-admin-example")),
        FIXTURES / "neo4j-admin",
        dataset="a2",
    )
    assert report.quarantined <= shipped.quarantined
    assert store.get_node("Person", "a:P1")["category"] == "suspect"  # type: ignore[index]
    assert store.get_node("Person", "a:V1")["category"] == "child"  # type: ignore[index]


def test_knows_kinds_become_bases(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id:ID(Person),name,:LABEL\nP1,Dale Korver,Person\nP2,Ross Pellow,Person\n",
        encoding="utf-8",
    )
    (folder / "knows.csv").write_text(
        ":START_ID(Person),:END_ID(Person),:TYPE\nP1,P2,KNOWS\nP1,P2,KNOWS_SN\nP1,P2,KNOWS_PHONE\nP1,P2,KNOWS_LW\n",
        encoding="utf-8",
    )
    raw = yaml.safe_load(suggest(folder))
    assert raw["types"] == {
        "KNOWS": {"link": "associate_of"},
        "KNOWS_LW": {"link": "associate_of"},
        "KNOWS_PHONE": {"link": "associate_of", "basis": "phone_contact"},
        "KNOWS_SN": {"link": "associate_of", "basis": "social_network"},
    }


def test_suggest_mistakes(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["import", "suggest", str(tmp_path / "nothing.csv")]).exit_code == 2
    (tmp_path / "empty").mkdir()
    res = runner.invoke(app, ["import", "suggest", str(tmp_path / "empty")])
    assert res.exit_code == 2 and "no CSV or Excel file" in res.output
    hostile = tmp_path / "h.csv"
    hostile.write_text(
        'Name,Phone\n"<script>alert(1)</script>",07700 900123\n"a: {b: [c",x\n', encoding="utf-8"
    )
    res = runner.invoke(app, ["import", "suggest", str(hostile)])
    assert res.exit_code == 0
    assert isinstance(yaml.safe_load(res.stdout), dict)
    assert json.dumps(yaml.safe_load(res.stdout))


SPECS = Path(__file__).resolve().parents[2] / "loaders" / "specs"
#: Samples whose name is not their specification's.
SAMPLE_OF = {"neo4j-admin-example": "neo4j-admin"}


def _sample(spec_name: str) -> Path:
    stem = SAMPLE_OF.get(spec_name, spec_name)
    found = [
        p
        for p in (FIXTURES / stem, FIXTURES / f"{stem}.csv", FIXTURES / f"{stem}.xlsx")
        if p.exists()
    ]
    assert found, f"the shipped specification {spec_name} has no sample in {FIXTURES}"
    return found[0]


@pytest.mark.parametrize("spec_name", sorted(p.stem for p in SPECS.glob("*.yaml")))
def test_every_shipped_sample_loads_through_its_unedited_draft(
    spec_name: str, tmp_path: Path
) -> None:
    """`import suggest` on each shipped sample, through the CLI, loads it unedited: no quarantine where the
    sample is clean (never more than the shipped specification), every row the shipped one loads, and
    records of the kind the shipped specification makes (a referral list gives referrals, not persons)."""
    sample = _sample(spec_name)
    draft = _draft(sample, tmp_path)
    with (
        LadybugStore(tmp_path / "drafted") as drafted,
        LadybugStore(tmp_path / "shipped") as shipped,
    ):
        mine = import_path(drafted, load_spec(draft), sample, dataset="d")
        theirs = import_path(shipped, load_spec(shipped_spec(spec_name)), sample, dataset="d")
        got, want = drafted.counts(), shipped.counts()
    assert mine.quarantined <= theirs.quarantined
    if theirs.quarantined == 0:
        assert mine.quarantined == 0
        assert sum(mine.rows_loaded.values()) == sum(theirs.rows_loaded.values())
    assert sum(mine.rows_loaded.values()) >= sum(theirs.rows_loaded.values())
    records = [e.name for e in schema().record_entities() if want.get(e.name)]
    for kind in [*records, *(["CONCERNS"] if records else [])]:
        assert got.get(kind) == want[kind], (kind, got, want)
    if records or (theirs.quarantined == 0 and sample.is_file()):
        assert got.get("Person") == want.get("Person"), (got, want)


def test_record_list_draft_names_the_record_and_the_child(tmp_path: Path) -> None:
    raw = yaml.safe_load(
        _draft(FIXTURES / "referral-list.csv", tmp_path).read_text(encoding="utf-8")
    )
    assert {a: e["kind"] for a, e in raw["entities"].items()} == {
        "referral": "Referral",
        "person": "Person",
    }
    assert (
        raw["entities"]["referral"]["id"] == "Referral No"
        and raw["entities"]["person"]["id"] == "Child ID"
    )
    assert raw["links"] == [{"kind": "concerns", "from": "referral", "to": "person"}]
    assert raw["row_date"] == {"column": "Date Sent", "date_format": "%d/%m/%Y"}
    assert raw["entities"]["referral"]["properties"]["received"]["map"] == {"n": "no", "y": "yes"}
    assert (
        "outcome" not in raw["entities"]["referral"]["properties"]
    )  # is 'NFA' a refusal? not guessed: kept in extra
    summary = yaml.safe_load(
        _draft(FIXTURES / "school-attendance-summary.csv", tmp_path).read_text(encoding="utf-8")
    )
    assert summary["entities"]["school_record"]["id"] == {"template": "{UPN}/{Term Start}"}
    assert summary["source"]["agency"] == "education"


def test_a_person_list_is_not_taken_for_records(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "Case Ref,Forename,Surname,DOB,Reason\nCR1,Tia,Marsh,01/05/1997,none\n", encoding="utf-8"
    )
    raw = yaml.safe_load(suggest(people))
    assert [e["kind"] for e in raw["entities"].values()] == ["Person"]
    assert "row_date" not in raw  # a date of birth is not when the row's facts were seen
