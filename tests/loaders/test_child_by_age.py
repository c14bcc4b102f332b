"""A child recognised by age inside a mapping: `age:` on a Person entity makes anyone the row records
as under 18 a child, whatever category the specification maps (a suspect of 15 is a child)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import SpecError, load_spec, parse_spec

SPEC = {
    "name": "nominals",
    "source": {"id": "NOMINALS", "agency": "police"},
    "row_date": {"column": "Recorded", "date_format": "%d/%m/%Y"},
    "entities": {
        "person": {
            "kind": "Person",
            "id": "Nominal",
            "age": "Age",
            "properties": {
                "category": {
                    "column": "Role",
                    "lower": True,
                    "map": {"offender": "suspect", "victim": "child"},
                }
            },
        }
    },
}
ROWS = "Nominal,Role,Age,Recorded\nN1,Offender,15,03/03/2011\nN2,Offender,30,03/03/2011\nN3,Offender,,03/03/2011\nN4,Witness,17,04/03/2011\nN5,Offender,fifteen,05/03/2011\n"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "nominals.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    data = tmp_path / "nominals.csv"
    data.write_text(ROWS, encoding="utf-8")
    return spec, data


def test_under_18_by_age_is_a_child_whatever_the_category(tmp_path: Path) -> None:
    spec, data = _files(tmp_path)
    with LadybugStore(tmp_path / "store") as store:
        report = import_path(
            store, load_spec(spec), data, dataset="op", quarantine_file=tmp_path / "q.csv"
        )
        assert (report.rows_loaded, report.quarantined) == ({"nominals.csv": 4}, 1)
        people = store.nodes("Person").set_index("id")["category"].to_dict()
    assert people == {"N1": "child", "N2": "suspect", "N3": "suspect", "N4": "child"}
    quarantine = (tmp_path / "q.csv").read_text(encoding="utf-8")
    assert "nominals.csv,6,Age," in quarantine and "not a whole number of years" in quarantine


def test_what_the_row_recorded_is_kept(tmp_path: Path) -> None:
    spec, data = _files(tmp_path)
    store = tmp_path / "store"
    done = CliRunner().invoke(
        app, ["import", str(spec), str(data), "--dataset", "op", "--store", str(store), "--json"]
    )
    assert (
        done.exit_code == 1 and json.loads(done.stdout)["quarantined"] == 1
    )  # N5's age: exit 1, rows quarantined
    with LadybugStore(store) as opened:
        people = opened.nodes("Person").set_index("id")
    assert json.loads(people.loc["N1", "extra"]) == {
        "recorded_age": 15,
        "recorded_category": "suspect",
    }
    assert json.loads(people.loc["N4", "extra"]) == {
        "recorded_age": 17,
        "recorded_category": "witness",
    }
    assert not isinstance(people.loc["N2", "extra"], str)  # an adult: nothing added


def test_age_is_for_a_person_and_its_column_is_checked(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="only a Person has an age"):
        parse_spec({"name": "x", "entities": {"p": {"kind": "Phone", "id": "N", "age": "Age"}}})
    spec, _ = _files(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("Nominal,Role,Recorded\nN1,Offender,03/03/2011\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "check", str(spec), str(other)])
    assert result.exit_code != 0 and "Age" in result.output
