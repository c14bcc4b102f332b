"""Help text is shown as written: rich's help renderer took "[default: today]" for a style tag and
dropped it, so the generated and the hand-written commands' help escape square brackets
(graph_intel.cli.generate.literal)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.cli.generate import literal

runner = CliRunner()


def test_literal_escapes_square_brackets_for_rich() -> None:
    from rich.text import Text

    text = "Judge on this date [default: today]."
    assert Text.from_markup(literal(text)).plain == text


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (["cawn", "eligible"], "[default: today]"),
        (["briefing"], "[default: left out]"),
        (["stats"], "[default: $GRAPH_INTEL_STORE or ./graph-intel-data]"),
    ],
)
def test_help_shows_its_bracketed_defaults(words: list[str], shown: str) -> None:
    result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert shown in result.output
    assert "\\[" not in result.output
