"""Every input row is loaded or quarantined: a corpus of hostile CSV files, each loaded as
persons.csv by the real `graph-intel ingest`, counted against the records a person sees in it.

The corpus is tests/fixtures/hostile-csv/. For each file the table says how many records it holds
(rows of data, counted by eye: a blank line is not a record, a quoted field over several lines is
one record) and which lines must be quarantined; a file that cannot be read at all is refused
whole (exit 2, nothing stored) with a reason naming the problem.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app

CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile-csv"
runner = CliRunner()

#: file -> (records in it, lines quarantined)
READ = {
    "unterminated-quote-mid.csv": (5, [2]),
    "unterminated-quote-at-end.csv": (5, [4]),
    "unterminated-quotes-cascade.csv": (5, [2, 3, 6]),
    "embedded-newlines.csv": (4, []),
    "bom.csv": (2, []),
    "crlf-cr-mix.csv": (4, []),
    "blank-lines.csv": (2, []),
    "nul-bytes.csv": (3, [3]),
    "very-long-cell.csv": (2, []),
    "more-cells-than-header.csv": (3, []),
    "fewer-cells-than-header.csv": (3, []),
    "stray-quote-in-field.csv": (2, []),
    "header-only.csv": (0, []),
    "header-only-no-newline.csv": (0, []),
    "no-final-newline.csv": (2, []),
}
#: file -> what the one-line reason must say
REFUSED = {
    "duplicate-header.csv": "column 'given_name' appears twice in the header (columns 2 and 4)",
    "duplicate-blank-header.csv": "column a blank name appears twice in the header (columns 2 and 4)",
    "non-utf8.csv": "line 3: not UTF-8 text",
    "empty.csv": "the file is empty",
}


def test_the_table_covers_the_whole_corpus() -> None:
    assert {p.name for p in CORPUS.glob("*.csv")} == set(READ) | set(REFUSED)


def _ingest(tmp_path: Path, source: Path) -> tuple[int, str, str, Path]:
    folder = tmp_path / "hostile"
    folder.mkdir()
    shutil.copyfile(source, folder / "persons.csv")
    store = tmp_path / "store"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "--json"])
    return result.exit_code, result.stdout, result.stderr, store


def _persons(store: Path, incomplete: list[str] | None = None) -> int:
    """Persons stored; the loads `stats` lists as not finished must be `incomplete` (none by default)."""
    result = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    doc = json.loads(result.stdout)
    assert [item["dataset"] for item in doc["incomplete_loads"]] == (incomplete or [])
    assert result.exit_code == (1 if incomplete else 0), result.stderr
    return int(doc["persons"])


@pytest.mark.parametrize("name", sorted(READ))
def test_every_record_is_loaded_or_quarantined(tmp_path: Path, name: str) -> None:
    records, bad_lines = READ[name]
    code, out, err, store = _ingest(tmp_path, CORPUS / name)
    assert code == (1 if bad_lines else 0), err
    report = json.loads(out)
    assert sum(report["rows_loaded"].values()) + report["quarantined"] == records
    assert report["quarantined"] == len(bad_lines)
    with open(report["quarantine_file"], newline="", encoding="utf-8") as handle:
        quarantined = [row for row in csv.DictReader(handle) if row["file"] == "persons.csv"]
    assert sorted({int(row["line"]) for row in quarantined}) == bad_lines
    assert all(row["reason"] for row in quarantined)
    assert _persons(store) == records - len(bad_lines)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_that_cannot_be_read_is_refused_whole_with_its_reason(
    tmp_path: Path, name: str
) -> None:
    code, out, err, store = _ingest(tmp_path, CORPUS / name)
    assert code == 2
    assert out == ""
    assert REFUSED[name] in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert (
        _persons(store) == 0
    )  # refused before the load began: nothing stored, nothing left unfinished


def test_a_quote_left_open_is_quarantined_on_its_line_and_the_rows_after_it_load(
    tmp_path: Path,
) -> None:
    """The probe's case: five rows, one with a quote never closed; before, 3 loaded and 0 quarantined."""
    code, out, _, store = _ingest(tmp_path, CORPUS / "unterminated-quote-mid.csv")
    report = json.loads(out)
    assert (code, report["rows_loaded"]["persons.csv"], report["quarantined"]) == (1, 4, 1)
    with open(report["quarantine_file"], newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["line"], row["field"]) == ("2", "given_name")
    assert "never closed" in row["reason"] or "left open" in row["reason"]
    child = runner.invoke(app, ["show", "person", "C1", "--store", str(store), "--json"])
    assert (
        json.loads(child.stdout)["properties"]["category"] == "child"
    )  # not swallowed, not 'unknown'


def test_a_cell_over_the_limit_is_quarantined_and_the_rows_after_it_load(tmp_path: Path) -> None:
    from loaders.canonical.chunks import MAX_CELL_CHARS

    header = "person_id,given_name,category,note\n"
    big = tmp_path / "big.csv"
    big.write_text(
        header
        + "P1,Adam,suspect,ok\nP2,Ben,suspect,"
        + "x" * (MAX_CELL_CHARS + 10)
        + "\nC1,Cara,child,\n"
    )
    code, out, _, store = _ingest(tmp_path, big)
    report = json.loads(out)
    assert (code, report["rows_loaded"]["persons.csv"], report["quarantined"]) == (1, 2, 1)
    with open(report["quarantine_file"], newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["line"], row["field"]) == ("3", "note")
    assert f"more than {MAX_CELL_CHARS:,} characters" in row["reason"]
    assert (
        len(row["row"]) < 20_000
    )  # the quarantine file shows the start of the cell, not all of it


def test_a_header_with_too_many_columns_is_refused_before_any_row_is_read(tmp_path: Path) -> None:
    from loaders.canonical.chunks import MAX_COLUMNS

    wide = tmp_path / "wide.csv"
    wide.write_text("person_id," + ",".join(f"c{i}" for i in range(MAX_COLUMNS + 5)) + "\nP1\n")
    code, _, err, store = _ingest(tmp_path, wide)
    assert code == 2
    assert f"at most {MAX_COLUMNS:,} are read" in err
    assert _persons(store) == 0
