"""The `graph-intel` command (see docs/cli.md and ../shared/spec/cli-contract.md).

Commands load lazily, so that `graph-intel --help` and a quick `show` start in a fraction of a
second. Every command comes from the one registry, graph_intel.commands: its read commands are
made into CLI commands (graph_intel.cli.generate) and its CLI_COMMANDS are the commands of the
command line alone, each in a CLI module here. The top-level listing reads the registry's index
(the modules' source, none imported); a command's module (and pandas, igraph, the store...) is
imported only when that command runs or shows its own help. A registered module that is missing,
or that does not define the command it is registered for, is an error, never a silent skip.
tests/test_cli_startup.py checks the index against what the modules register.
"""

from __future__ import annotations

from typing import Any

import typer
from typer import _click as click  # typer's own click (it vendors one)
from typer.core import TyperCommand, TyperGroup

from graph_intel.commands import GROUPS, Entry, index


def commands(summaries: bool = True) -> dict[str, list[Entry]]:
    """Top-level command name -> the registry's entries under it (one, or a group's), in --help order
    (`summaries=False`: without the CLI commands' summaries, to run one)."""
    top: dict[str, list[Entry]] = {}
    for words, entry in index(summaries).items():
        top.setdefault(words[0], []).append(entry)
    return top


def summary(name: str, entries: list[Entry]) -> str:
    """The one line the top-level --help lists for a command or a group."""
    if name in GROUPS:
        return GROUPS[name]
    return entries[0].summary


def load_command(name: str) -> click.Command:
    """The real command `name`, its module imported (a group's commands each when asked for)."""
    from graph_intel.cli.generate import build, group
    from graph_intel.collector import paused

    entries = commands(summaries=False)[name]
    if len(entries) == 1 and len(entries[0].words) == 1:
        with paused():  # its modules' imports (pandas, the store, the analyses): nothing to free
            return build(entries[0].words)
    return group(name, [e.words[1] for e in entries])


class LazyGroup(TyperGroup):
    """The top-level group: lists the registry's commands from its index, imports a command's module only to run it."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        listed = commands(summaries=self._listing)
        return [*listed, *(n for n in super().list_commands(ctx) if n not in listed)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        listed = commands(summaries=self._listing)
        if cmd_name not in listed:
            return super().get_command(ctx, cmd_name)
        if self._listing:  # the top-level --help needs only the name and the line
            line = summary(cmd_name, listed[cmd_name])
            return TyperCommand(cmd_name, help=line, short_help=line)
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
