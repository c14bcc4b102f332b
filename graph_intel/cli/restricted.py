"""The `--include-restricted` option of every printable or shareable output (graph_intel.handling)."""

from __future__ import annotations

from typing import Annotated

import typer

IncludeRestrictedOpt = Annotated[
    bool,
    typer.Option(
        "--include-restricted",
        help="Include material whose every source has a restrictive handling code (C, or 5x5x5 other than 1), "
        "marked with its handling conditions [default: left out].",
    ),
]
