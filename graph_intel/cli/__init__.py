"""The `graph-intel` command (see docs/cli.md and ../shared/spec/cli-contract.md).

Commands load lazily, so that `graph-intel --help` and a quick `show` start in a fraction of a
second: COMMANDS names, for each top-level command, the module whose `register(app)` defines it and
the one line `--help` lists. A command's module (and pandas, igraph, the store...) is imported only
when that command runs or shows its own help. A registered module that is missing, or that does not
define the command it is registered for, is an error, never a silent skip.
tests/test_cli_startup.py checks the table against what the modules register.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click as click  # typer's own click (it vendors one)
from typer.core import TyperCommand, TyperGroup

#: Top-level command -> (module whose register(app) adds it, its one-line summary), in --help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("graph_intel.cli.data",
        "Load one dataset folder; bad rows are quarantined with file, line and reason."),
    "demo": ("graph_intel.cli.data",
        "Write the synthetic demo case and ingest it (its planted bad rows are quarantined on purpose)."),
    "stats": ("graph_intel.cli.data",
        "Count what the store holds: entities by kind, links by kind, datasets."),
    "show": ("graph_intel.cli.data",
        "One entity: its properties, and every link with its source and dates."),
    "schema": ("graph_intel.cli.data",
        "Print the POLE schema: entity kinds, link kinds and properties, from pole.yaml."),
    "export": ("graph_intel.cli.data",
        "Write the store's content in the canonical format, one folder per dataset (for a later ingest)."),
    "quarantine": ("graph_intel.cli.data",
        "Each load's quarantined rows (file, line, field, reason), kept per load."),
    "import": ("graph_intel.cli.imports",
        "Load any CSV, Excel sheet or Neo4j admin-import folder through an import specification (graph-intel import SPEC FILE_OR_FOLDER); write, check and draft specifications."),
    "groups": ("graph_intel.cli.analysis",
        "Linked groups of adults and the evidence joining them, largest first."),
    "shared-contacts": ("graph_intel.cli.analysis",
        "Adults in contact with 2+ children, numbers in 2+ handsets, phones/vehicles/addresses shared."),
    "key-players": ("graph_intel.cli.analysis",
        "Adults by betweenness among adults, with degree and groups bridged."),
    "path": ("graph_intel.cli.analysis",
        "The shortest chain of evidence between two entities, each hop with its source and grade."),
    "hotspots": ("graph_intel.cli.analysis",
        "Locations by distinct children, adults and events seen there, with when."),
    "colocation": ("graph_intel.cli.analysis",
        "Pairs of persons or vehicles at the same place within a window, on repeated occasions."),
    "changes": ("graph_intel.cli.analysis",
        "New entities, links and contacts touching each child since a date."),
    "kept-apart": ("graph_intel.cli.analysis",
        "Persons kept out of groups and key players as possibly children, and children recorded as offenders."),
    "missing-triggers": ("graph_intel.cli.safeguarding",
        "Children missing for three working days, four times in a month or six in two months."),
    "chronology": ("graph_intel.cli.safeguarding",
        "Everything touching a child, oldest first, with the recording agency and unacted concerns flagged."),
    "briefing": ("graph_intel.cli.safeguarding",
        "The hub briefing: per child on the matrix, new adults, missing episodes, triggers, breaches, reviews."),
    "cawn": ("graph_intel.cli.safeguarding",
        "Child Abduction Warning Notices: eligibility, candidates, breaches, evidence packs."),
    "matrix": ("graph_intel.cli.safeguarding",
        "The CSE matrix: each child's RAG status, who set it, when and why."),
    "referrals": ("graph_intel.cli.records",
        "Referrals and requests between agencies: escalation prompts."),
    "risk": ("graph_intel.cli.records",
        "CSE risk assessments: prompts and the screening tool in force."),
    "network": ("graph_intel.cli.network",
        "Write a self-contained, offline network page around an entity, of a group or of a case."),
    "serve": ("graph_intel.cli.service",
        "Run the FastAPI service (uvicorn): every read command over HTTP, with tokens, roles and audit."),
    "users": ("graph_intel.cli.service",
        "Service users and their bearer tokens."),
    "audit": ("graph_intel.cli.service",
        "The service's hash-chained audit log."),
    "watch": ("graph_intel.cli.alerts",
        "Watchlists: a phone, VRM, adult or place whose new facts raise an alert at the next load."),
    "alerts": ("graph_intel.cli.alerts",
        "Alerts raised by loads, newest first, each with its evidence and the load that raised it."),
    "resolve": ("graph_intel.cli.resolve",
        "Entity resolution: the same person in different agencies' records, analyst in control."),
}

_loaded: dict[str, dict[str, click.Command]] = {}


def _module_commands(module: str) -> dict[str, click.Command]:
    """The click commands a command module registers (imported once; ImportError if it is missing)."""
    if module not in _loaded:
        mod = importlib.import_module(module)
        sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        mod.register(sub)
        built = typer.main.get_group(sub)
        _loaded[module] = dict(built.commands)
    return _loaded[module]


def load_command(name: str) -> click.Command:
    """The real command `name`, its module imported; a registered command that is not there is an error."""
    module, _summary = COMMANDS[name]
    commands = _module_commands(module)
    if name not in commands:
        raise RuntimeError(f"graph-intel: {module} does not define the command {name!r} it is registered for")
    return commands[name]


class LazyGroup(TyperGroup):
    """The top-level group: lists COMMANDS from the table, imports a command's module only to run it."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing:  # the top-level --help needs only the name and the line
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1], short_help=COMMANDS[cmd_name][1])
        return load_command(cmd_name)

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="graph-intel",
    cls=LazyGroup,
    rich_markup_mode=None,  # the top-level listing in plain click: rich's help renderer alone costs ~0.3 s to import
    help="Join the facts agencies hold into one evidence graph, and see who acts together.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Join the facts agencies hold into one evidence graph, and see who acts together."""
    from graph_intel.alerts import install
    from graph_intel.cli.common import fit_to_terminal

    fit_to_terminal()
    install()  # every load this command makes checks the watchlists and the matrix


def main() -> None:
    """Entry point of the `graph-intel` console script (every file it writes is private: 0600)."""
    from graph_intel.private import private_files

    private_files()
    app()
