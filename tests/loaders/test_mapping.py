"""Import specifications: strict validation, transforms, and the shipped examples with exact counts."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import SpecError, load_spec, parse_spec, shipped_spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def _xlsx_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_handset_xlsx", FIXTURES / "make_handset_xlsx.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def _nonzero(store: LadybugStore) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if v}


# -- validation ------------------------------------------------------------------------------------
MINIMAL: dict[str, Any] = {
    "name": "t",
    "entities": {"a": {"kind": "Person", "id": "Id"}, "p": {"kind": "Phone", "id": "Tel"}},
    "links": [{"kind": "uses_phone", "from": "a", "to": "p"}],
}


def _with(**changes: Any) -> dict[str, Any]:
    raw = json.loads(json.dumps(MINIMAL))
    raw.update(changes)
    return raw


def test_minimal_spec_is_valid() -> None:
    assert parse_spec(MINIMAL).entity_kinds() == {"a": "Person", "p": "Phone"}


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (_with(colour="red"), "unknown key 'colour'"),
        (
            _with(entities={"a": {"kind": "Person", "id": "Id", "colur": 1}}),
            "entities.a.colur: unknown key 'colur'",
        ),
        (_with(file={"header": 2}), "file.header: unknown key 'header'"),
        (
            _with(entities={"a": {"kind": "Suspect", "id": "Id"}}),
            "entities.a.kind: unknown entity kind 'Suspect'",
        ),
        (
            _with(links=[{"kind": "knows", "from": "a", "to": "a"}]),
            "links.0.kind: unknown link kind 'knows'",
        ),
        (
            _with(links=[{"kind": "uses_phone", "from": "p", "to": "a"}]),
            "uses_phone cannot join Phone to Person",
        ),
        (
            _with(links=[{"kind": "uses_phone", "from": "a", "to": "x"}]),
            "links.0.to: no entity 'x'",
        ),
        (
            _with(entities={"a": {"kind": "Person", "id": "Id", "properties": {"shoe": "S"}}}),
            "Person has no property 'shoe'",
        ),
        (
            _with(entities={"a": {"kind": "Person", "id": {"column": "Id", "constant": "x"}}}),
            "exactly one of",
        ),
        (_with(entities={"a": {"kind": "Source", "id": "Id"}}), "Source is provenance"),
        (_with(source={"id": "S", "agency": "mi5"}), "agency 'mi5' is not one of"),
        (_with(events={"e": {"kind": "party", "start": "When"}}), "unknown event kind 'party'"),
        (
            _with(
                events={
                    "e": {
                        "kind": "call",
                        "start": "When",
                        "participants": [{"entity": "p", "role": "boss"}],
                    }
                }
            ),
            "unknown role 'boss'",
        ),
        (
            _with(entities={"a": {"kind": "Person", "id": {"column": "Id", "regex": "(["}}}),
            "does not compile",
        ),
    ],
)
def test_bad_specs_name_the_problem(raw: dict[str, Any], named: str) -> None:
    with pytest.raises(SpecError, match=None) as info:
        parse_spec(raw, "t.yaml")
    assert named in str(info.value)
    assert str(info.value).startswith("t.yaml: ")


def test_shipped_specs_validate() -> None:
    for path in sorted(shipped_spec("x").parent.glob("*.yaml")):
        load_spec(path)


# -- transforms ------------------------------------------------------------------------------------
def _write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_transforms_split_regex_template_dates_delimiter_encoding(
    tmp_path: Path, store: LadybugStore
) -> None:
    spec = parse_spec(
        {
            "name": "t",
            "file": {"header_row": 2, "delimiter": ";", "encoding": "cp1252"},
            "source": {
                "id": "SRC",
                "agency": "police",
                "recorded_at": "2011-07-01",
                "intel_eval": "B",
            },
            "entities": {
                "person": {
                    "kind": "Person",
                    "id": {"template": "N-{Ref}"},
                    "properties": {
                        "family_name": {"column": "Name", "upper": True},
                        "aliases": {"column": "Also", "split": "|"},
                        "date_of_birth": {"column": "Born", "date_format": "%d/%m/%Y"},
                    },
                },
                "phone": {
                    "kind": "Phone",
                    "optional": True,
                    "id": {"column": "Phones", "split": "\n", "regex": r"Tel:\s*(?P<value>.+)"},
                },
            },
            "links": [{"kind": "uses_phone", "from": "person", "to": "phone"}],
        }
    )
    path = _write_csv(
        tmp_path / "people.csv",
        [
            ["Nominal export – café"],
            ["Ref", "Name", "Also", "Born", "Phones"],
            [
                "1",
                "Korver",
                "Dee|Big D",
                "01/01/1980",
                "Tel: 07700 900123\nFax: 0113 496 0999\nTel: 07700 900124",
            ],
            ["2", "Pellow", "", "31/02/1980", "Tel: 07700 900125"],
            ["3", "Marsh", "", "1997-05-01", ""],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    report = import_path(store, spec, path, dataset="t", quarantine_file=tmp_path / "q.csv")
    assert report.rows_loaded == {"people.csv": 2}
    assert report.quarantined == 1
    bad = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert [(r["line"], r["field"]) for r in bad] == [("6", "Born")]  # row 1's cell spans lines 3-5
    person = store.get_node("Person", "t:N-1")
    assert person is not None
    assert person["family_name"] == "KORVER" and person["aliases"] == ["Dee", "Big D"]
    assert person["date_of_birth"].startswith("1980-01-01")
    assert person["sources"] == ["t:SRC"]
    assert (
        store.get_node("Person", "t:N-3") is not None
    )  # optional phone blank: the person still loads
    assert sorted(store.links("USES_PHONE")["to_key"]) == ["+447700900123", "+447700900124"]
    assert store.get_node("Source", "t:SRC")["intel_eval"] == "B"  # type: ignore[index]


def test_missing_column_is_a_clear_error(tmp_path: Path, store: LadybugStore) -> None:
    from graph_intel.ingest import IngestError

    path = _write_csv(tmp_path / "x.csv", [["Id", "Phone"], ["1", "07700 900123"]])
    with pytest.raises(IngestError, match="no column.*'Tel'"):
        import_path(store, parse_spec(MINIMAL), path)


# -- the shipped examples --------------------------------------------------------------------------
def test_cdr_export_loads_exactly(tmp_path: Path, store: LadybugStore) -> None:
    seen: list[tuple[str, int]] = []
    report = import_path(
        store,
        load_spec(shipped_spec("cdr-export")),
        FIXTURES / "cdr-export.csv",
        dataset="op",
        quarantine_file=tmp_path / "q.csv",
        progress=lambda f, n: seen.append((f, n)),
        chunk_rows=3,
    )
    assert report.rows_loaded == {"cdr-export.csv": 5}
    assert report.quarantined == 4
    assert sum(n for _, n in seen) == 9 and len(seen) == 3
    assert _nonzero(store) == {
        "Phone": 5,
        "Event": 5,
        "Source": 2,
        "Dataset": 1,
        "PARTICIPATED_IN": 10,
    }
    rows = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert sorted((int(r["line"]), r["field"]) for r in rows) == [
        (7, "Call Date+Call Time"),
        (8, "Calling Number"),
        (9, "Duration (s)"),
        (10, "Call Type"),
    ]
    events = store.nodes("Event").set_index("id")
    first = events.loc["call/+447700900123/+447700900456/2011-06-20T19:50:00"]
    assert first["kind"] == "call" and first["duration_s"] == 65 and first["call_type"] == "voice"
    assert sorted(events["call_type"]) == ["mms", "sms", "sms", "voice", "voice"]
    roles = store.links("PARTICIPATED_IN")
    assert sorted(roles["role"].value_counts().items()) == [("callee", 5), ("caller", 5)]
    again = import_path(
        store, load_spec(shipped_spec("cdr-export")), FIXTURES / "cdr-export.csv", dataset="op"
    )
    assert (again.writes.created, again.writes.updated) == (0, 0)


def test_handset_contacts_export_loads_exactly(tmp_path: Path, store: LadybugStore) -> None:
    module = _xlsx_module()
    book = module.write_handset_xlsx(tmp_path / "contacts.xlsx")
    spec = load_spec(shipped_spec("handset-contacts-export"))
    report = import_path(store, spec, book, dataset="op")
    assert report.rows_loaded == {"contacts.xlsx": module.EXPECTED["rows"]}
    assert report.quarantined == 0
    counts = _nonzero(store)
    assert {k: counts[k] for k in ("Exhibit", "Phone", "SAVED_CONTACT")} == {
        k: module.EXPECTED[k] for k in ("Exhibit", "Phone", "SAVED_CONTACT")
    }
    saved = store.links("SAVED_CONTACT")
    assert set(saved["from_key"]) == {"op:ABC/1"}
    assert sorted(zip(saved["saved_name"], saved["to_key"], strict=True)) == [
        ("Dale K", "+441134960000"),
        ("Dale K", "+447700900123"),
        ("Mum", "+447700900123"),
        ("Ross", "+447700900456"),
        ("Taxi Sam", "+447700900789"),
    ]
    again = import_path(store, spec, book, dataset="op")
    assert (again.writes.created, again.writes.updated) == (0, 0)
    committed = import_path(store, spec, FIXTURES / "handset-contacts-export.xlsx", dataset="op")
    assert committed.rows_loaded == {"handset-contacts-export.xlsx": 5}
    assert (committed.writes.created, committed.writes.updated) == (0, 0)


def test_wrong_sheet_is_a_clear_error(tmp_path: Path, store: LadybugStore) -> None:
    from graph_intel.ingest import IngestError

    raw = yaml.safe_load(shipped_spec("handset-contacts-export").read_text(encoding="utf-8"))
    raw["file"]["sheet"] = "Calls"
    with pytest.raises(IngestError, match="no sheet 'Calls'; sheets: Contacts"):
        import_path(store, parse_spec(raw), FIXTURES / "handset-contacts-export.xlsx")


def test_cli_import_json_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--store", str(tmp_path / "s")]
    result = runner.invoke(
        app, ["import", "cdr-export", str(FIXTURES / "cdr-export.csv"), *where, "--json"]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert (
        doc["rows_loaded"] == {"cdr-export.csv": 5}
        and doc["quarantined"] == 4
        and doc["created"] == 22
    )
    ok = runner.invoke(
        app,
        [
            "import",
            str(shipped_spec("handset-contacts-export")),
            str(FIXTURES / "handset-contacts-export.xlsx"),
            *where,
            "--json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert runner.invoke(app, ["import", "no-such-spec", str(FIXTURES), *where]).exit_code == 2
    assert (
        runner.invoke(
            app, ["import", "cdr-export", str(tmp_path / "missing.csv"), *where]
        ).exit_code
        == 2
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nentities: {a: {kind: Suspect, id: Id}}\n", encoding="utf-8")
    res = runner.invoke(app, ["import", str(bad), str(FIXTURES / "cdr-export.csv"), *where])
    assert res.exit_code == 2


def test_unmapped_columns_are_kept_in_extra_unless_ignored(
    tmp_path: Path, store: LadybugStore
) -> None:
    report = import_path(
        store, load_spec(shipped_spec("cdr-export")), FIXTURES / "cdr-export.csv", dataset="op"
    )
    assert report.extra_columns == {"cdr-export.csv": ["Cell ID"]}
    events = store.nodes("Event").set_index("id")
    first = events.loc["call/+447700900123/+447700900456/2011-06-20T19:50:00"]
    assert json.loads(first["extra"]) == {"Cell ID": "HX-0041"}
    raw = yaml.safe_load(shipped_spec("cdr-export").read_text(encoding="utf-8"))
    raw["ignore"] = {"columns": ["Cell*"]}
    raw["extra_to"] = "caller"
    again = import_path(store, parse_spec(raw), FIXTURES / "cdr-export.csv", dataset="op2")
    assert again.extra_columns == {}
    raw["ignore"] = {}
    path = _write_csv(
        tmp_path / "c.csv",
        [
            [
                "Call Date",
                "Call Time",
                "Calling Number",
                "Called Number",
                "Duration (s)",
                "Call Type",
                "Cell ID",
                "Operator",
            ],
            [
                "20/06/2011",
                "19:50:00",
                "07700 900111",
                "07700 900222",
                "5",
                "Voice",
                "",
                "Vodafone",
            ],
        ],
    )
    import_path(store, parse_spec(raw), path, dataset="op3")
    assert json.loads(store.get_node("Phone", "+447700900111")["extra"]) == {"Operator": "Vodafone"}  # type: ignore[index]


def test_a_folder_reports_files_the_pattern_leaves_out(tmp_path: Path, store: LadybugStore) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    _write_csv(folder / "calls-1.csv", [["Id", "Tel"], ["1", "07700 900123"]])
    _write_csv(folder / "notes.txt", [["x"], ["1"], ["2"]])
    _write_csv(folder / "skip.csv", [["x"], ["1"]])
    raw = _with(file={"pattern": "calls-*.csv"}, ignore={"files": ["skip.csv"]})
    report = import_path(store, parse_spec(raw), folder, quarantine_file=tmp_path / "q.csv")
    assert report.rows_loaded == {"calls-1.csv": 1}
    assert report.unmapped == [
        {"file": "notes.txt", "what": "file", "name": "notes.txt", "rows": 2, "first_line": None}
    ]
    assert report.ignored == [{"file": "skip.csv", "what": "file", "name": "skip.csv", "rows": 1}]
    assert report.quarantined == 2
