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
    folder = write_dataset(
        root / "quiet",
        {
            "sources.csv": [
                {
                    "source_id": "S1",
                    "agency": "police",
                    "recorded_at": "2011-07-08",
                    "source_eval": "2",
                    "intel_eval": "B",
                    "handling": "P",
                }
            ],
            "persons.csv": [
                {
                    "person_id": "C1",
                    "category": "child",
                    "date_of_birth": "1997-05-01",
                    "source_id": "S1",
                },
                {
                    "person_id": "A1",
                    "category": "suspect",
                    "date_of_birth": "1980-01-01",
                    "source_id": "S1",
                },
            ],
            "events.csv": [
                {
                    "event_id": "E1",
                    "kind": "sighting",
                    "start": "2011-03-01T20:00:00",
                    "source_id": "S1",
                }
            ],
        },
    )
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


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("missing-triggers", "--as-of", "2026-01-01"),
            "no child meets a missing rule as of 1 Jan 2026; the data runs from 1 Mar 2011 to 8 Jul 2011; "
            "no facts after 8 Jul 2011: try --as-of 2011-07-08",
        ),
        (("cawn", "eligible", "--on", "01/01/2026"), "no child a CAWN can cover on 1 Jan 2026"),
        (("cawn", "eligible", "--on", "01/01/2026"), "try --on 2011-07-08"),
        (
            ("cawn", "candidates", "--on", "2011-07-08"),
            "no adult is associated with a child a CAWN covers on 8 Jul 2011",
        ),
        (
            ("cawn", "breaches"),
            "no contact evidence is dated after a CAWN was served; the data runs from 1 Mar 2011",
        ),
        (
            ("changes", "--since", "2012-01-01"),
            "no change touching a child since 1 Jan 2012; the data runs from 1 Mar 2011 "
            "to 8 Jul 2011; no facts after 8 Jul 2011: try --since 2011-03-01",
        ),
        (("matrix", "list"), "no children on the matrix"),
        (
            ("briefing", "--since", "2011-01-01"),
            "no children on the matrix, so there is no one to brief on",
        ),
        (("groups",), "no linked group: no two adults share evidence"),
        (("key-players",), "no key players"),
        (("colocation",), "no pair was at one place within 15 minutes on 3 or more occasions"),
        (("hotspots",), "the data runs from 1 Mar 2011 to 8 Jul 2011"),
        (("shared-contacts",), "none: no adult is in contact with two or more children"),
    ],
)
def test_empty_answers_say_why(quiet_store: Path, args: tuple[str, ...], says: str) -> None:
    assert says in _human(quiet_store, *args)


def test_json_stays_the_contract_when_empty(quiet_store: Path) -> None:
    result = runner.invoke(
        app, ["missing-triggers", "--as-of", "2026-01-01", "--store", str(quiet_store), "--json"]
    )
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ("groups",),
        ("groups", "--threshold", "3"),
        ("colocation",),
        ("shared-contacts",),
        ("key-players",),
        ("hotspots",),
        ("missing-triggers", "--as-of", "2011-07-08"),
        ("cawn", "breaches"),
        ("cawn", "candidates", "--on", "2011-07-08"),
        ("chronology", "C1"),
        ("changes", "--since", "2011-01-01"),
    ],
)
def test_demo_tables_never_cut_nor_print_nan(demo_store: Path, args: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*args, "--store", str(demo_store)], env={"COLUMNS": "80"})
    assert result.exit_code in (0, 1), result.stderr
    assert "…" not in result.stdout
    assert (
        "nan" not in result.stdout.lower().replace("nant", "").split()
        and " nan " not in result.stdout.lower()
    )


def test_tables_show_the_evidence_the_json_holds(demo_store: Path) -> None:
    colocation = _human(demo_store, "colocation")
    assert (
        "HX59TXK and KM08RLW" in colocation
        and "10 Sep 2010 22:01" in colocation
        and "CAM-A629-03" in colocation
    )
    triggers = _human(demo_store, "missing-triggers", "--as-of", "2011-07-08")
    assert "E35 (7 Feb" in triggers and "three_working_days:" in triggers
    groups = _human(demo_store, "groups")
    assert "recorded" in groups and "2009" in groups
    breaches = _human(demo_store, "cawn", "breaches")
    assert "possible CAWN breaches" in breaches


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("referrals", "prompts", "--on", "2011-07-08"),
            "no referral escalation prompt on 8 Jul 2011: the store holds no referrals; the data runs from 1 Mar 2011",
        ),
        (
            ("risk", "prompts", "--on", "2011-07-08"),
            "no CSE risk prompt on 8 Jul 2011 (no risk assessments recorded): no missing episode lacks an assessment",
        ),
        (
            ("resolve", "candidates"),
            "no candidate matches with a score of 0.5 or more among 2 person records in 1 dataset",
        ),
        (
            ("resolve", "clusters"),
            "no confirmed clusters: no two person records are judged the same person",
        ),
        (
            ("groups",),
            "at the date of the fact): 1 adult among 2 persons (1 child by date of birth)",
        ),
        (
            ("key-players",),
            "no key players: no adults are joined by evidence: 1 adult among 2 persons (1 child by date of birth)",
        ),
        (("kept-apart",), "none: every person has a date of birth or a known category"),
        (
            ("path", "person", "C1", "person", "A1"),
            "no chain of evidence joins person C1 and person A1",
        ),
        (
            ("cawn", "pack", "A1", "C1", "--out", "{tmp}/pack.html", "--on", "2011-07-08"),
            "no contact evidence that is not restricted joins A1 and C1; the data runs from 1 Mar 2011",
        ),
    ],
)
def test_more_empty_answers_say_why(
    quiet_store: Path, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    assert says in _human(quiet_store, *(a.replace("{tmp}", str(tmp_path)) for a in args))


def _empty_table(text: str) -> bool:
    """Whether the output holds a table with a header and no rows (rich draws ┡━┩ then └─┘)."""
    lines = [line.strip() for line in text.splitlines()]
    return any(
        a.startswith("┡") and b.startswith("└") for a, b in zip(lines, lines[1:], strict=False)
    )


#: Commands that write (a judgement, a matrix entry) or serve: not answers to read.
WRITES = {
    ("matrix", "set"),
    ("matrix", "close"),
    ("resolve", "judge"),
    ("resolve", "withdraw"),
    ("serve",),
}


def _read_commands() -> list[tuple[str, ...]]:
    from cli_walk import READS, SERVICE_DB

    return [w for w in READS if w not in WRITES | SERVICE_DB]


@pytest.mark.parametrize("words", _read_commands(), ids=" ".join)
def test_every_read_command_answers_a_quiet_store_in_words(
    quiet_store: Path, tmp_path: Path, words: tuple[str, ...]
) -> None:
    """Walked from the CLI itself: no read command prints nothing, nor a table with no rows, on a quiet store."""
    from cli_walk import command_args

    args = command_args(words, tmp_path, {"ident": "C1", "to_id": "A1"}) + [
        "--store",
        str(quiet_store),
    ]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1, 2), (args, result.stderr)
    said = result.stdout if result.exit_code != 2 else result.stderr
    assert said.strip(), (args, "an empty answer says why")
    assert not _empty_table(said), (args, said)


def test_groups_say_when_no_one_qualifies_as_an_adult(tmp_path: Path) -> None:
    """Two children by date of birth (one recorded as a suspect) and one person who may be a child share a phone."""
    folder = write_dataset(
        tmp_path / "young",
        {
            "sources.csv": [
                {
                    "source_id": "S1",
                    "agency": "police",
                    "recorded_at": "2011-07-08",
                    "handling": "P",
                }
            ],
            "persons.csv": [
                {
                    "person_id": "C1",
                    "category": "child",
                    "date_of_birth": "1997-05-01",
                    "source_id": "S1",
                },
                {
                    "person_id": "C2",
                    "category": "suspect",
                    "date_of_birth": "1996-02-01",
                    "source_id": "S1",
                },
                {"person_id": "U1", "category": "unknown", "source_id": "S1"},
            ],
            "links.csv": [
                {
                    "from_kind": "person",
                    "from_id": p,
                    "to_kind": "phone",
                    "to_id": "07700 900123",
                    "link": "uses_phone",
                    "first_seen": "2011-01-01",
                    "source_id": "S1",
                }
                for p in ("C1", "C2", "U1")
            ],
        },
    )
    store = tmp_path / "store"
    assert runner.invoke(
        app, ["ingest", str(folder), "--store", str(store), "--json"]
    ).exit_code in (0, 1)
    said = _human(store, "groups")
    assert (
        "no linked group: 0 adults among 3 persons (2 children by date of birth, 1 possibly a child)"
        in said
    )
    assert "a person counts as an adult only when aged 18 or over at the date of the fact" in said
    result = runner.invoke(app, ["groups", "--store", str(store), "--json"])
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


def test_an_empty_audit_list_says_why_on_stderr(tmp_path: Path) -> None:
    db = tmp_path / "api.sqlite"
    assert (
        runner.invoke(
            app, ["users", "add", "alice", "--role", "analyst", "--api-db", str(db)]
        ).exit_code
        == 0
    )
    result = runner.invoke(app, ["audit", "list", "--api-db", str(db), "--who", "bob"])
    assert result.exit_code == 0 and result.stdout.strip() == "[]"
    assert "no audit entries by bob" in result.stderr
