"""The real CLI over every backend: the demo loaded by `graph-intel demo`, then read back by
commands of the CLI alone and generated read commands, on the embedded store and (when
GRAPH_INTEL_NEO4J_URI is set) Neo4j, through the `cli_store` fixture (tests/cli/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app

runner = CliRunner()


def test_stats_counts_the_demo_on_each_backend(cli_store: list[str]) -> None:
    result = runner.invoke(app, ["stats", *cli_store, "--json"])
    assert result.exit_code == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts, "the demo loaded nothing"


@pytest.mark.parametrize(
    "words",
    [
        ["groups"],
        ["cawn", "breaches"],
        ["matrix", "list"],
        ["chronology", "C1"],
        ["briefing", "--since", "2011-01-01", "--as-of", "2011-07-08"],
        ["missing-triggers", "--as-of", "2011-07-08"],
    ],
)
def test_read_commands_answer_json_on_each_backend(cli_store: list[str], words: list[str]) -> None:
    result = runner.invoke(app, [*words, *cli_store, "--json"])
    assert result.exit_code in (0, 1), result.stderr
    json.loads(result.stdout)


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["cawn", "pack", "A26", "C1"], "items"),
        (["chronology", "C1"], "rows"),
        (["briefing", "--since", "2011-01-01", "--as-of", "2011-07-08"], "children"),
    ],
)
def test_print_ready_documents_are_written_from_each_backend(
    cli_store: list[str], tmp_path: Path, words: list[str], said: str
) -> None:
    page = tmp_path / "doc.html"
    result = runner.invoke(
        app, [*words, "--out", str(page), "--reference", "OP 1", *cli_store, "--json"]
    )
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["file"] == str(page) and done[said] >= 0 and done["marking"] == "OFFICIAL-SENSITIVE"
    html = page.read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in html and "OP 1" in html and "<script src" not in html
