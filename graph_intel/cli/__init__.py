"""The `graph-intel` command (see docs/cli.md and ../shared/spec/cli-contract.md)."""

from __future__ import annotations

import typer

from graph_intel.cli import (
    analysis,
    data,
    imports,
    network,
    records,
    resolve,
    safeguarding,
    service,
)

app = typer.Typer(
    name="graph-intel",
    help="Join the facts agencies hold into one evidence graph, and see who acts together.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (data, imports, analysis, safeguarding, records, network, service, resolve):
    module.register(app)


def main() -> None:
    """Entry point of the `graph-intel` console script."""
    app()
