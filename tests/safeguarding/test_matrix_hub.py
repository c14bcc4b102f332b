"""The CSE matrix as the hub keeps it: lead worker, NRM referral flag, off the matrix with a reason
(append-only), and the prompt for a child with no new intelligence for a period (real CLI, --json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.demo import write_demo
from graph_intel.ingest import ingest
from graph_intel.stores.ladybug_store import LadybugStore

runner = CliRunner()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A demo store of this module's own, with C1, C4 and C5 put on the matrix in spring 2011."""
    root = tmp_path_factory.mktemp("sg-hub")
    store = LadybugStore(root / "store")
    store.ensure_schema()
    ingest(store, write_demo(root / "demo"), quarantine_file=root / "quarantine.csv")
    store.close()
    yield root / "store"


def _cli(store: Path, *words: str, code: int = 0) -> Any:
    result = runner.invoke(app, [*words, "--store", str(store), "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if code == 0 else result.output


def _listed(store: Path, *words: str) -> dict[str, dict[str, Any]]:
    return {r["person_id"]: r for r in _cli(store, "matrix", "list", *words)}


def test_lead_worker_and_nrm_flag_stand_until_restated(hub: Path) -> None:
    first = _cli(
        hub,
        "matrix",
        "set",
        "C1",
        "red",
        "--by",
        "DS Ash",
        "--review",
        "2011-05-01",
        "--reason",
        "hub screening",
        "--lead-worker",
        "SW Birch",
        "--nrm",
    )
    assert (first["lead_worker"], first["nrm_referral"]) == ("SW Birch", True)
    # A later entry that says nothing of them keeps them; one that states them replaces them.
    later = _cli(
        hub,
        "matrix",
        "set",
        "C1",
        "amber",
        "--by",
        "DS Ash",
        "--review",
        "2011-06-01",
        "--reason",
        "strategy meeting held",
    )
    assert "lead_worker" not in later and "nrm_referral" not in later
    c1 = _listed(hub, "--as-of", "2011-04-20")["C1"]
    assert (c1["rag"], c1["lead_worker"], c1["nrm_referral"]) == ("amber", "SW Birch", True)
    assert [e["rag"] for e in c1["history"]] == ["red", "amber"]
    _cli(
        hub,
        "matrix",
        "set",
        "C1",
        "amber",
        "--by",
        "DS Ash",
        "--review",
        "2011-06-01",
        "--reason",
        "new lead worker",
        "--lead-worker",
        "YOT officer Dale",
        "--no-nrm",
    )
    c1 = _listed(hub, "--as-of", "2011-04-20")["C1"]
    assert (c1["lead_worker"], c1["nrm_referral"]) == ("YOT officer Dale", False)
    assert [e.get("lead_worker") for e in c1["history"]] == [
        "SW Birch",
        None,
        "YOT officer Dale",
    ]  # nothing overwritten
    # C1's latest intelligence on 20 April 2011: children's social care refused RF2 on 6 April; no prompt.
    assert c1["last_intelligence"]["id"] == "RF2" and c1["no_new_intelligence"] is None


def test_no_new_intelligence_is_a_prompt_never_a_removal(hub: Path) -> None:
    _cli(
        hub,
        "matrix",
        "set",
        "C4",
        "green",
        "--by",
        "DS Ash",
        "--review",
        "2011-06-01",
        "--reason",
        "no contact seen",
    )
    _cli(
        hub,
        "matrix",
        "set",
        "C6",
        "red",
        "--by",
        "DS Ash",
        "--review",
        "2011-06-01",
        "--reason",
        "seen at the hotel",
        "--lead-worker",
        "SW Birch",
        "--nrm",
    )
    rows = _listed(hub, "--as-of", "2011-04-20")
    c4 = rows["C4"]
    assert rows["C6"]["no_new_intelligence"] is None  # C6 was seen at the hotel on 16 April
    # C4's last intelligence is the handset entry of 1 Nov 2010 (SW/4): 170 days before the date.
    prompt = c4["no_new_intelligence"]
    assert prompt["rule"] == "no_new_intelligence" and (
        prompt["since"],
        prompt["days"],
        prompt["period_days"],
    ) == ("2010-11-01", 170, 90)
    assert [e["id"] for e in prompt["evidence"]] == ["SW/4"] and "candidate for review" in prompt[
        "prompt"
    ]
    assert c4["rag"] == "green"  # still on the matrix: the tool takes no one off it
    # The period is configurable: 200 days and there is no prompt yet.
    assert (
        _listed(hub, "--as-of", "2011-04-20", "--quiet-days", "200")["C4"]["no_new_intelligence"]
        is None
    )
    # The human table names the prompt too.
    shown = runner.invoke(
        app,
        ["matrix", "list", "--as-of", "2011-04-20", "--store", str(hub)],
        env={"COLUMNS": "250"},
    )
    assert (
        shown.exit_code == 0
        and "candidate for review" in shown.output
        and "lead_worker" in shown.output
    )
    brief = {
        c["person_id"]: c
        for c in _cli(hub, "briefing", "--since", "2011-04-01", "--as-of", "2011-04-20")["children"]
    }
    # The briefing leaves restricted material out (the handset download's source is handling code C),
    # so its latest intelligence about C4 is older; asked for, the restricted entry is the latest again.
    assert (
        brief["C4"]["no_new_intelligence"]["since"] < "2010-11-01"
        and brief["C6"]["no_new_intelligence"] is None
    )
    marked = {
        c["person_id"]: c
        for c in _cli(
            hub,
            "briefing",
            "--since",
            "2011-04-01",
            "--as-of",
            "2011-04-20",
            "--include-restricted",
        )["children"]
    }
    assert marked["C4"]["no_new_intelligence"]["since"] == "2010-11-01"
    assert brief["C6"]["lead_worker"] == "SW Birch" and brief["C6"]["nrm_referral"] is True


def test_off_the_matrix_with_a_reason_is_appended(hub: Path) -> None:
    _cli(
        hub,
        "matrix",
        "set",
        "C5",
        "red",
        "--by",
        "DS Ash",
        "--review",
        "2011-05-01",
        "--reason",
        "missing four times",
    )
    closed = _cli(
        hub,
        "matrix",
        "close",
        "C5",
        "--by",
        "DS Ash",
        "--reason",
        "moved out of area; case transferred",
    )
    assert closed["rag"] == "closed"
    assert "C5" not in _listed(hub)
    c5 = _listed(hub, "--closed")["C5"]
    assert (
        c5["off_matrix"]["reason"] == "moved out of area; case transferred"
        and c5["no_new_intelligence"] is None
    )
    assert [e["rag"] for e in c5["history"]] == ["red", "closed"]
    assert "already left" in _cli(
        hub, "matrix", "close", "C5", "--by", "DS Ash", "--reason", "again", code=2
    )


def test_mistakes_are_refused(hub: Path) -> None:
    assert "lead worker" in _cli(
        hub,
        "matrix",
        "set",
        "C1",
        "red",
        "--by",
        "x",
        "--review",
        "2011-05-01",
        "--reason",
        "y",
        "--lead-worker",
        "  ",
        code=2,
    )
    result = runner.invoke(app, ["matrix", "list", "--quiet-days", "0", "--store", str(hub)])
    assert result.exit_code == 2
