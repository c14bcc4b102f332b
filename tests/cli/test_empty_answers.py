"""Every empty human-readable answer says why in one line: the date used and the dates the data holds.

Human tables never cut ids or dates with an ellipsis, never print 'nan', and show the evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.span import data_span
from graph_intel.stores import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def quiet_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store: one child, one adult, an event in 2011 and nothing else."""
    root = tmp_path_factory.mktemp("quiet")
    folder = write_dataset(root / "quiet", {
        "sources.csv": [{"source_id": "S1", "agency": "police", "recorded_at": "2011-07-08", "source_eval": "2",
                         "intel_eval": "B", "handling": "P"}],
        "persons.csv": [{"person_id": "C1", "category": "child", "date_of_birth": "1997-05-01", "source_id": "S1"},
                        {"person_id": "A1", "category": "suspect", "date_of_birth": "1980-01-01", "source_id": "S1"}],
        "events.csv": [{"event_id": "E1", "kind": "sighting", "start": "2011-03-01T20:00:00", "source_id": "S1"}],
    })
    store = root / "store"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "--json"])
    assert result.exit_code in (0, 1), result.stderr
    return store


def _human(store: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1), result.stderr
    return " ".join(result.stdout.split())


def test_the_data_span_is_one_cheap_query_per_dated_column(quiet_store: Path) -> None:
    store = open_store(quiet_store, read_only=True)
    try:
        span = data_span(store)
    finally:
        store.close()
    assert (span.first.isoformat(), span.last.isoformat()) == ("2011-03-01", "2011-07-08")  # type: ignore[union-attr]
    assert span.text() == "the data runs from 1 Mar 2011 to 8 Jul 2011"


@pytest.mark.parametrize(("args", "says"), [
    (("missing-triggers", "--as-of", "2026-01-01"),
     "no child meets a missing rule as of 1 Jan 2026; the data runs from 1 Mar 2011 to 8 Jul 2011; "
     "no facts after 8 Jul 2011: try --as-of 2011-07-08"),
    (("cawn", "eligible", "--on", "01/01/2026"), "no child a CAWN can cover on 1 Jan 2026"),
    (("cawn", "eligible", "--on", "01/01/2026"), "try --on 2011-07-08"),
    (("cawn", "candidates", "--on", "2011-07-08"), "no adult is associated with a child a CAWN covers on 8 Jul 2011"),
    (("cawn", "breaches"), "no contact evidence is dated after a CAWN was served; the data runs from 1 Mar 2011"),
    (("changes", "--since", "2012-01-01"), "no change touching a child since 1 Jan 2012; the data runs from 1 Mar 2011 "
     "to 8 Jul 2011; no facts after 8 Jul 2011: try --since 2011-03-01"),
    (("matrix", "list"), "no children on the matrix"),
    (("briefing", "--since", "2011-01-01"), "no children on the matrix, so there is no one to brief on"),
    (("groups",), "no linked group: no two adults share evidence"),
    (("key-players",), "no key players"),
    (("colocation",), "no pair was at one place within 15 minutes on 3 or more occasions"),
    (("hotspots",), "the data runs from 1 Mar 2011 to 8 Jul 2011"),
    (("shared-contacts",), "none: no adult is in contact with two or more children"),
])
def test_empty_answers_say_why(quiet_store: Path, args: tuple[str, ...], says: str) -> None:
    assert says in _human(quiet_store, *args)


def test_json_stays_the_contract_when_empty(quiet_store: Path) -> None:
    result = runner.invoke(app, ["missing-triggers", "--as-of", "2026-01-01", "--store", str(quiet_store), "--json"])
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [("groups",), ("groups", "--threshold", "3"), ("colocation",), ("shared-contacts",),
                                  ("key-players",), ("hotspots",), ("missing-triggers", "--as-of", "2011-07-08"),
                                  ("cawn", "breaches"), ("cawn", "candidates", "--on", "2011-07-08"),
                                  ("chronology", "C1"), ("changes", "--since", "2011-01-01")])
def test_demo_tables_never_cut_nor_print_nan(demo_store: Path, args: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*args, "--store", str(demo_store)], env={"COLUMNS": "80"})
    assert result.exit_code in (0, 1), result.stderr
    assert "…" not in result.stdout
    assert "nan" not in result.stdout.lower().replace("nant", "").split() and " nan " not in result.stdout.lower()


def test_tables_show_the_evidence_the_json_holds(demo_store: Path) -> None:
    colocation = _human(demo_store, "colocation")
    assert "HX59TXK and KM08RLW" in colocation and "10 Sep 2010 22:01" in colocation and "CAM-A629-03" in colocation
    triggers = _human(demo_store, "missing-triggers", "--as-of", "2011-07-08")
    assert "E35 (7 Feb" in triggers and "three_working_days:" in triggers
    groups = _human(demo_store, "groups")
    assert "recorded" in groups and "2009" in groups
    breaches = _human(demo_store, "cawn", "breaches")
    assert "possible CAWN breaches" in breaches
