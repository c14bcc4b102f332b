"""`graph-intel import`: load any CSV, Excel sheet or Neo4j admin-import folder through an import specification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from graph_intel.cli.common import (
    EXIT_ATTENTION,
    EXIT_OK,
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    emit,
    fail,
    opened,
    out,
)
from graph_intel.cli.data import progress_bar
from graph_intel.ingest import IngestError


class _ImportGroup(TyperGroup):
    """`import SPEC FILE` loads (the `run` subcommand); `import schema|check|suggest ...` do the rest."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


#: `graph-intel import` and its `schema`, `check` and `suggest` (registered in graph_intel.commands.CLI_COMMANDS).
import_app = typer.Typer(
    cls=_ImportGroup,
    no_args_is_help=True,
    add_completion=False,
    help="Load any CSV, Excel sheet or Neo4j admin-import folder through an import specification "
    "(graph-intel import SPEC FILE_OR_FOLDER); write, check and draft specifications.",
)


def schema_cmd() -> None:
    """Print the JSON Schema of import specifications (for editors that validate YAML as it is typed)."""
    from loaders.mapping.check import json_schema_text

    typer.echo(json_schema_text(), nl=False)


def suggest_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FILE_OR_FOLDER",
            help="A sample export: CSV, Excel workbook, or a neo4j-admin folder.",
        ),
    ],
) -> None:
    """Write a commented draft specification for a sample file or folder to stdout (edit it, then import check)."""
    from loaders.canonical.chunks import SourceFileError
    from loaders.mapping.suggest import suggest

    if not path.exists():
        fail(f"{path}: no such file or folder")
    try:
        text = suggest(path)
    except (SourceFileError, ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(text, nl=False)


def check_cmd(
    spec: Annotated[
        str,
        typer.Argument(
            help="Import specification: a YAML file, or a shipped name such as cdr-export."
        ),
    ],
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[FILE_OR_FOLDER]",
            help="Check the specification against this file's columns (or this admin-import folder's labels and types).",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Validate a specification, and against a file its columns; every problem at once, with its line in the YAML."""
    from loaders.mapping.check import check

    spec_file = _spec_path(spec)
    parsed, problems = check(spec_file, path)
    errors = [p for p in problems if p.severity == "error"]
    result = {
        "specification": str(spec_file),
        "valid": not errors,
        "file": str(path) if path else None,
        "problems": [p.as_json() for p in problems],
    }

    def render(data: dict[str, Any]) -> None:
        for p in problems:
            colour = "red" if p.severity == "error" else "yellow"
            where = f"{p.path}: " if p.path else ""
            out.print(
                f"{spec_file}:{p.line}: [{colour}]{p.severity}[/] {where}{p.message}",
                highlight=False,
                soft_wrap=True,
            )
        verdict = "[green]valid[/]" if not errors else f"[red]{len(errors)} error(s)[/]"
        against = f" against {path}" if path else ""
        out.print(f"{spec_file}: {verdict}{against}", highlight=False)

    emit(result, json, render)
    raise typer.Exit(EXIT_ATTENTION if errors or parsed is None else EXIT_OK)


def _spec_path(spec: str) -> Path:
    """A specification file, or the name of one shipped in loaders/specs (e.g. cdr-export)."""
    from loaders.mapping import shipped_spec

    given = Path(spec)
    if given.is_file():
        return given
    shipped = shipped_spec(spec)
    if shipped.is_file():
        return shipped
    known = sorted(p.stem for p in shipped.parent.glob("*.yaml"))
    fail(f"{spec}: no such specification file, nor a shipped one (shipped: {', '.join(known)})")


def _left_out(item: dict[str, Any]) -> str:
    """One line for a file, label or type the specification left out."""
    rows = f"{item['rows']:,} row{'s' if item['rows'] != 1 else ''}"
    if item["what"] == "file":
        return f"{item['file']} ({rows})"
    if item["what"] == "end":
        return f"{item['file']}: {rows} of {item['name']} name a node left out"
    return f"{item['file']}: {item['what']} {item['name']} ({rows})"


def import_cmd(
    spec: Annotated[
        str,
        typer.Argument(
            help="Import specification: a YAML file, or a shipped name such as cdr-export."
        ),
    ],
    path: Annotated[
        Path,
        typer.Argument(metavar="FILE_OR_FOLDER", help="The file (CSV or Excel) or folder to load."),
    ],
    dataset: Annotated[
        str | None,
        typer.Option(help="Dataset name [default: the file's stem or the folder's name]."),
    ] = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Load a file or folder through an import specification; bad rows are quarantined with file, line and reason."""
    from graph_intel.load import LoadSettings, load
    from loaders.mapping import SpecError, load_spec, spec_reader

    try:
        parsed = load_spec(_spec_path(spec))
    except SpecError as exc:
        fail(str(exc))
    if not path.exists():
        fail(f"{path}: no such file or folder")
    with opened(store, neo4j, create=True) as graph:
        with progress_bar() as progress:
            try:
                report = load(
                    graph,
                    spec_reader(parsed),
                    path,
                    dataset,
                    LoadSettings(progress=progress, keep_quarantine=True),
                )
            except IngestError as exc:
                fail(str(exc))
    result = {"specification": parsed.name, **report.as_json()}

    def render(data: dict[str, Any]) -> None:
        out.print(f"[bold]{data['specification']}[/] -> dataset {data['dataset']}")
        for file, n in data["rows_loaded"].items():
            out.print(f"  {file}: {n:,} rows loaded", highlight=False)
        out.print(
            f"  created {data['created']:,}, updated {data['updated']:,}, unchanged {data['unchanged']:,}"
        )
        for item in data["unmapped"]:
            out.print(f"[yellow]  not mapped[/]: {_left_out(item)}", highlight=False)
        for item in data["ignored"]:
            out.print(f"  ignored: {_left_out(item)}", highlight=False)
        for file, columns in data["extra_columns"].items():
            out.print(f"  {file}: kept in extra: {', '.join(columns)}", highlight=False)
        if data["quarantined"]:
            out.print(
                f"[yellow]{data['quarantined']} row(s) quarantined[/] with reasons in {data['quarantine_file']}"
            )

    emit(result, json, render)
    raise typer.Exit(EXIT_ATTENTION if report.quarantined else EXIT_OK)


import_app.command("run")(import_cmd)
import_app.command("schema")(schema_cmd)
import_app.command("check")(check_cmd)
import_app.command("suggest")(suggest_cmd)
