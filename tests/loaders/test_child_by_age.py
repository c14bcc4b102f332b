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


#: Nominals who use phones: N1 (15, recorded as an offender) shares a phone with adults N2 and N6.
PHONE_SPEC = {
    **SPEC,
    "entities": {**SPEC["entities"], "phone": {"kind": "Phone", "id": "Phone", "optional": True}},
    "links": [{"kind": "uses_phone", "from": "person", "to": "phone"}],
}
PHONE_ROWS = (
    "Nominal,Role,Age,Recorded,Phone\nN1,Offender,15,03/03/2011,07700 900101\n"
    "N2,Offender,30,03/03/2011,07700 900101\nN2,Offender,30,03/03/2011,07700 900102\n"
    "N6,Offender,41,03/03/2011,07700 900102\nN6,Offender,41,03/03/2011,07700 900101\n"
    "N4,Witness,17,04/03/2011,07700 900103\n"
)


def test_a_child_recorded_as_an_offender_is_a_prompt_never_a_key_player(tmp_path: Path) -> None:
    """Through the CLI: N1, 15 and recorded as an offender, is listed by kept-apart as a possible
    victim (consider exploitation) and is never a key player; N4, a 17-year-old witness, is no prompt."""
    spec = tmp_path / "nominals.yaml"
    spec.write_text(yaml.safe_dump(PHONE_SPEC), encoding="utf-8")
    data = tmp_path / "nominals.csv"
    data.write_text(PHONE_ROWS, encoding="utf-8")
    store = tmp_path / "store"
    runner = CliRunner()
    done = runner.invoke(
        app, ["import", str(spec), str(data), "--dataset", "op", "--store", str(store), "--json"]
    )
    assert done.exit_code == 0, done.output
    apart = runner.invoke(app, ["kept-apart", "--store", str(store), "--json"])
    assert apart.exit_code == 0, apart.output
    victims = json.loads(apart.stdout)["possible_victims"]
    assert [(v["person_id"], v["age"], v["prompt"]) for v in victims] == [
        ("N1", 15, "recorded as a suspect while aged 15: consider exploitation")
    ]
    assert victims[0]["at"].startswith("2011-03-03")
    players = runner.invoke(app, ["key-players", "--store", str(store), "--json"])
    assert players.exit_code == 0, players.output
    named = json.dumps(json.loads(players.stdout))
    assert {p["person_id"] for p in json.loads(players.stdout)} == {"N2", "N6"}
    assert '"N1"' not in named and "op:N1" not in named
    shown = runner.invoke(app, ["kept-apart", "--store", str(store)])
    assert shown.exit_code == 0 and "consider exploitation" in shown.output
