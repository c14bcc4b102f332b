"""`header_row: auto`: the header below a title block is found in each file or sheet as it is read,
as `import suggest` finds it; a spec that declares the row keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import SpecError, load_spec, parse_spec, shipped_spec
from loaders.mapping.reader import find_header_row, open_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def _auto(tmp_path: Path, name: str) -> Path:
    raw = yaml.safe_load(shipped_spec(name).read_text(encoding="utf-8"))
    raw["file"]["header_row"] = "auto"
    out = tmp_path / f"{name}-auto.yaml"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("name", "sample", "rows"),
    [
        ("school-attendance", "school-attendance.csv", {"school-attendance.csv": 4}),
        (
            "social-care-cases",
            "social-care-cases.xlsx",
            {"social-care-cases.xlsx[Open cases]": 3, "social-care-cases.xlsx[Closed cases]": 2},
        ),
        ("referral-list", "referral-list.csv", {"referral-list.csv": 4}),
    ],
)
def test_auto_loads_what_the_declared_row_loads(
    tmp_path: Path, name: str, sample: str, rows: dict[str, int]
) -> None:
    with LadybugStore(tmp_path / "declared") as a, LadybugStore(tmp_path / "auto") as b:
        declared = import_path(a, load_spec(shipped_spec(name)), FIXTURES / sample, dataset="d")
        found = import_path(b, load_spec(_auto(tmp_path, name)), FIXTURES / sample, dataset="d")
        assert declared.rows_loaded == found.rows_loaded == rows
        assert declared.quarantined == found.quarantined == 0
        assert {k: v for k, v in a.counts().items() if k != "Dataset"} == {
            k: v for k, v in b.counts().items() if k != "Dataset"
        }


def test_the_row_found_and_the_title_kept(tmp_path: Path) -> None:
    spec = load_spec(_auto(tmp_path, "school-attendance"))
    table = open_table(FIXTURES / "school-attendance.csv", spec.file)
    assert table.header_line == 3 and table.header[0] == "UPN"
    assert table.preamble.startswith("Attendance extract - Moorside Academy")
    assert find_header_row([["a", "b", "c"], ["1", "2", "3"]]) == 1
    assert (
        find_header_row([["Report"], [], ["Name", "Seen", "Place"], ["Tia", "2011-01-01", "Hotel"]])
        == 3
    )
    assert (
        find_header_row([["1", "2"], ["3", "4"]]) == 1
    )  # no header found: the first row, as by default


def test_suggest_finds_it_too() -> None:
    result = CliRunner().invoke(app, ["import", "suggest", str(FIXTURES / "school-attendance.csv")])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(result.stdout)
    assert draft["file"]["header_row"] == 3 and "rows 1-2 are a title block" in result.stdout


def test_a_bad_header_row_is_refused() -> None:
    for bad in (0, "sometimes"):
        with pytest.raises(SpecError, match="header_row"):
            parse_spec(
                {
                    "name": "x",
                    "file": {"header_row": bad},
                    "entities": {"p": {"kind": "Person", "id": "ID"}},
                }
            )
