"""Every date option of every command reads dates one way: ISO or UK day-first, else exit 2 with why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_walk import ALL, command_args
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()

#: Parameter names that hold a date in any command (a new date option should use one of them).
DATE_PARAMS = {"on", "as_of", "since", "until", "review", "from_date", "to_date"}
DATE_OPTIONS = sorted(
    (words, param.opts[0])
    for words, command in ALL.items()
    for param in command.params
    if param.name in DATE_PARAMS and param.param_type_name == "option"
)
DEMO_VALUES = {"ident": "C1", "person": "C1", "child": "C1", "name": "analyst-user"}
BAD = [
    ("08/07/11", "ambiguous"),
    ("junk", "not a date"),
    ("07/31/2011", "31 is not a month"),
    ("31/02/2011", "no day 31"),
    ("", "blank"),
]
GOOD = ["2011-07-08", "08/07/2011", "2011-7-8", "8 Jul 2011"]


def _invoke(
    words: tuple[str, ...], option: str, value: str, store: Path, tmp: Path, as_json: bool = True
) -> tuple[int, str, str]:
    args = [a for a in command_args(words, tmp, DEMO_VALUES)]
    if option in args:  # a required date option: replace its placeholder value
        i = args.index(option)
        del args[i : i + 2]
    args += [option, value, "--store", str(store)] + (["--json"] if as_json else [])
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_the_walk_finds_the_date_options() -> None:
    found = {(" ".join(w), o) for w, o in DATE_OPTIONS}
    assert {
        ("changes", "--since"),
        ("missing-triggers", "--as-of"),
        ("cawn eligible", "--on"),
        ("cawn candidates", "--on"),
        ("briefing", "--since"),
        ("briefing", "--as-of"),
        ("matrix set", "--review"),
        ("matrix list", "--as-of"),
        ("network", "--since"),
        ("network", "--until"),
        ("audit list", "--since"),
    } <= found


@pytest.mark.parametrize(
    ("words", "option"), DATE_OPTIONS, ids=[f"{' '.join(w)} {o}" for w, o in DATE_OPTIONS]
)
def test_bad_dates_are_exit_2_with_the_reason(
    words: tuple[str, ...], option: str, demo_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    for value, why in BAD:
        code, out, err = _invoke(words, option, value, store, tmp_path)
        assert code == 2, (words, option, value, out, err)
        assert out == "" and why in " ".join(err.split()) and option in err


@pytest.mark.parametrize(
    ("words", "option"), DATE_OPTIONS, ids=[f"{' '.join(w)} {o}" for w, o in DATE_OPTIONS]
)
def test_iso_and_day_first_give_the_same_answer(
    words: tuple[str, ...], option: str, demo_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    answers = []
    for value in GOOD:
        code, out, err = _invoke(words, option, value, store, tmp_path)
        assert code in (0, 1), (words, option, value, err)
        doc = json.loads(out)
        if isinstance(
            doc, dict
        ):  # what differs by run, not by date: when a matrix entry was written, a file
            doc.pop("set_at", None)
            doc.pop("at", None)
            doc.pop("entry", None)
        answers.append(doc)
    if words not in {("audit", "list")}:  # the audit log grows with every run
        assert all(a == answers[0] for a in answers), (words, option)


def test_changes_since_a_uk_date_reads_the_day_first(demo_store: Path, tmp_path: Path) -> None:
    """`changes --since 08/07/2011` is 8 July 2011, not 7 August, and the human output says so."""
    code, out, _ = _invoke(("changes",), "--since", "08/07/2011", demo_store, tmp_path)
    assert code == 0 and json.loads(out)["since"] == "2011-07-08T00:00:00"
    code, out, _ = _invoke(
        ("changes",), "--since", "08/07/2011", demo_store, tmp_path, as_json=False
    )
    assert code == 0 and "8 Jul 2011" in out


@pytest.mark.parametrize(
    ("words", "option", "shown"),
    [
        (("missing-triggers",), "--as-of", "as of 8 Jul 2011"),
        (("cawn", "eligible"), "--on", "on 8 Jul 2011"),
        (("cawn", "candidates"), "--on", "on 8 Jul 2011"),
        (("matrix", "list"), "--as-of", "as of 8 Jul 2011"),
        (("briefing",), "--as-of", "as of 8 Jul 2011"),
    ],
)
def test_human_output_writes_out_the_date_it_used(
    words: tuple[str, ...], option: str, shown: str, demo_store: Path, tmp_path: Path
) -> None:
    code, out, err = _invoke(words, option, "08/07/2011", demo_store, tmp_path, as_json=False)
    assert code in (0, 1), err
    assert shown in " ".join(out.split())
