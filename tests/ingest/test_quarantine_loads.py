"""Every load keeps its own quarantine file; `quarantine list` and `quarantine show LOAD` read them back."""

from __future__ import annotations

import json
from pathlib import Path

from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _persons(folder: Path, rows: list[dict[str, str]]) -> Path:
    return write_dataset(folder, {"persons.csv": rows})


def test_second_load_keeps_the_first_loads_quarantine(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = _persons(
        tmp_path / "first" / "op",
        [{"person_id": "P1", "category": "suspect"}, {"person_id": "", "given_name": "No id"}],
    )
    second = _persons(
        tmp_path / "second" / "op",
        [{"person_id": "P2", "category": "child", "date_of_birth": "31/02/1997"}],
    )
    code, out, _ = _run("ingest", str(first), "--dataset", "op", "--store", store, "--json")
    assert code == 1
    one = json.loads(out)
    code, out, _ = _run("ingest", str(second), "--dataset", "op", "--store", store, "--json")
    assert code == 1
    two = json.loads(out)
    assert one["quarantine_file"] != two["quarantine_file"]
    assert (
        one["load"] != two["load"]
        and one["load"].startswith("op/")
        and two["load"].startswith("op/")
    )
    first_rows = Path(one["quarantine_file"]).read_text(encoding="utf-8")
    assert "person_id" in first_rows and "No id" in first_rows  # not emptied by the second load
    assert "date_of_birth" in Path(two["quarantine_file"]).read_text(encoding="utf-8")
    assert Path(one["quarantine_file"]).parent == Path(store) / "quarantine" / "op"

    code, out, _ = _run("quarantine", "list", "--store", store, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(r["load"], r["dataset"], r["rows"]) for r in listed] == [
        (one["load"], "op", 1),
        (two["load"], "op", 1),
    ]
    assert all(r["at"].endswith("Z") for r in listed)

    code, out, _ = _run("quarantine", "show", one["load"], "--store", store, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["load"] == one["load"]
    assert [(r["file"], r["line"], r["field"]) for r in shown["quarantined"]] == [
        ("persons.csv", "3", "person_id")
    ]

    code, out, _ = _run("quarantine", "show", one["load"], "--store", store)  # human table
    assert code == 0 and "persons.csv" in out and "person_id" in out


def test_every_load_is_listed_even_a_clean_one_and_a_repeat(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    folder = _persons(tmp_path / "clean", [{"person_id": "P1", "category": "child"}])
    for _ in range(2):
        code, _, _ = _run("ingest", str(folder), "--store", store, "--json")
        assert code == 0
    code, out, _ = _run("quarantine", "list", "--dataset", "clean", "--store", store, "--json")
    loads = json.loads(out)
    assert len(loads) == 2 and {r["rows"] for r in loads} == {0}
    code, out, _ = _run("quarantine", "show", loads[0]["load"], "--store", store)
    assert code == 0 and "quarantined no rows" in out


def test_quarantine_show_mistakes_are_exit_2(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    folder = _persons(tmp_path / "op", [{"person_id": "P1"}])
    _run("ingest", str(folder), "--store", store)
    _run("ingest", str(folder), "--store", store)
    code, _, err = _run("quarantine", "show", "op", "--store", store)  # two loads: name one
    assert code == 2 and "has 2 loads" in err
    code, _, err = _run("quarantine", "show", "op/2001-01-01T00-00-00Z", "--store", store)
    assert code == 2 and "no load" in err
    code, _, err = _run("quarantine", "show", "../../etc/passwd", "--store", store)
    assert code == 2 and "no load" in err
    code, _, err = _run("quarantine", "list", "--store", str(tmp_path / "nowhere"))
    assert code == 2 and "no graph-intel store" in err
    assert not (tmp_path / "nowhere").exists()


def test_import_keeps_a_file_per_load(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "Calling Number,Called Number,Call Date,Call Time,Duration (s),Call Type\n"
        "07700 900123,07700 900456,22/06/2011,12:00:00,5,Voice\n"
        "07700 900123,07700 900456,22/06/2011,12:00:00,about 5 mins,Voice\n",
        encoding="utf-8",
    )
    outs = []
    for _ in range(2):
        code, out, err = _run(
            "import", "cdr-export", str(calls), "--dataset", "cdr", "--store", store, "--json"
        )
        assert code in (0, 1), err
        outs.append(json.loads(out))
    assert outs[0]["quarantine_file"] != outs[1]["quarantine_file"]
    assert all(Path(o["quarantine_file"]).exists() for o in outs)
    code, out, _ = _run("quarantine", "list", "--store", store, "--json")
    assert [r["load"] for r in json.loads(out)] == [outs[0]["load"], outs[1]["load"]]
