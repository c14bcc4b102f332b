"""`graph-intel import check` and `import schema`: every problem at once, each with its YAML line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from loaders.mapping import shipped_spec
from loaders.mapping.check import check, json_schema, json_schema_text, line_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ROOT = Path(__file__).resolve().parents[2]

BAD = """\
name: bad
entities:
  caller:
    kind: Phone
    id: Calling No
  who:
    kind: Suspect
    id: Name
events:
  call:
    kind: call
    start: {column: When, date_fmt: "%d"}
    participants:
      - {entity: caller, role: boss}
"""


def test_every_problem_with_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD, encoding="utf-8")
    parsed, problems = check(spec)
    assert parsed is None
    assert [(p.line, p.path) for p in problems] == [
        (7, "entities.who.kind"),
        (12, "events.call.start.date_fmt"),
        (14, "events.call.participants.0.role"),
    ]
    assert "unknown role 'boss'" in problems[2].message


def test_columns_against_a_file(tmp_path: Path) -> None:
    raw = yaml.safe_load(shipped_spec("cdr-export").read_text(encoding="utf-8"))
    raw["entities"]["caller"]["id"] = "Calling No"
    raw["events"]["call"]["properties"]["duration_s"] = "Secs"
    spec = tmp_path / "cdr.yaml"
    spec.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    parsed, problems = check(spec, FIXTURES / "cdr-export.csv")
    assert parsed is not None
    errors = [p for p in problems if p.severity == "error"]
    text = spec.read_text(encoding="utf-8").splitlines()
    assert [p.path for p in errors] == ["entities.caller.id", "events.call.properties.duration_s"]
    assert "Calling No" in text[errors[0].line - 1] and "Secs" in text[errors[1].line - 1]
    assert "has no column 'Calling No'" in errors[0].message
    notes = [p.message for p in problems if p.severity == "note"]
    assert any(
        "Calling Number" in n and "extra" in n for n in notes
    )  # the real column would be kept


def test_admin_folder_labels_and_types(tmp_path: Path) -> None:
    raw = yaml.safe_load(shipped_spec("neo4j-admin-example").read_text(encoding="utf-8"))
    raw["labels"]["Car"]["properties"]["make"] = "maker"
    spec = tmp_path / "admin.yaml"
    spec.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    _, problems = check(spec, FIXTURES / "neo4j-admin")
    found = {(p.severity, p.path, p.message.split(";")[0]) for p in problems}
    assert (
        "error",
        "types",
        "relationship type TEXTED (calls.csv) is neither mapped nor ignored",
    ) in found
    assert any(
        p.path == "labels.Car.properties.make" and "no column 'maker'" in p.message
        for p in problems
    )
    assert any(p.severity == "note" and "label Informant" in p.message for p in problems)


def test_line_of_walks_mappings_and_lists() -> None:
    root = yaml.compose(BAD)
    assert line_of(root, ("events", "call", "participants", 0, "role")) == 14
    assert line_of(root, ("entities", "nobody")) == 2


def test_cli_check_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app, ["import", "check", "cdr-export", str(FIXTURES / "cdr-export.csv"), "--json"]
    )
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert doc["valid"] is True and all(p["severity"] == "note" for p in doc["problems"])
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD, encoding="utf-8")
    bad = runner.invoke(app, ["import", "check", str(spec)])
    assert bad.exit_code == 1
    assert f"{spec}:7: error entities.who.kind" in bad.output.replace("\n", " ")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nentities: [\n", encoding="utf-8")
    res = runner.invoke(app, ["import", "check", str(broken), "--json"])
    assert res.exit_code == 1 and json.loads(res.stdout)["problems"][0]["message"].startswith(
        "not valid YAML"
    )
    assert runner.invoke(app, ["import", "check", "no-such-spec"]).exit_code == 2


def test_json_schema_is_shipped_and_accepts_every_shipped_spec() -> None:
    assert (ROOT / "docs" / "import-specification.schema.json").read_text(
        encoding="utf-8"
    ) == json_schema_text(), (
        "run: graph-intel import schema > docs/import-specification.schema.json"
    )
    validator = jsonschema.Draft202012Validator(json_schema())
    for path in sorted(shipped_spec("x").parent.glob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, errors[0].message if errors else "")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(
            {"name": "x", "entities": {"a": {"kind": "Person", "id": "Id", "colur": 1}}}
        )
    result = CliRunner().invoke(app, ["import", "schema"])
    assert (
        result.exit_code == 0
        and json.loads(result.stdout)["title"] == "graph-intel import specification"
    )
