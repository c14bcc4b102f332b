"""`graph-intel quarantine list` and `quarantine show LOAD`: every load's bad rows, read back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from graph_intel.cli.common import Where, fail, out, store_command
from graph_intel.quarantine import (
    QuarantineError,
    find_load,
    list_loads,
    quarantine_root,
    read_load,
)

quarantine_app = typer.Typer(
    help="Each load's quarantined rows (file, line, field, reason), kept per load.",
    no_args_is_help=True,
)


def _root(where: Where) -> Path:
    """The folder the store keeps its loads' quarantine files in."""
    with where.opened(read_only=True) as graph:
        return quarantine_root(graph)


@quarantine_app.command("list")
@store_command
def list_cmd(
    dataset: Annotated[str | None, typer.Option(help="Only this dataset's loads.")] = None,
    *,
    where: Where,
) -> None:
    """Every load's quarantine file, oldest first per dataset, with its count of bad rows."""
    root = _root(where)
    rows = [f.as_json() for f in list_loads(root, dataset)]

    def render(data: list[dict[str, Any]]) -> None:
        if not data:
            where = f" of dataset {dataset}" if dataset else ""
            out.print(f"no loads{where} have quarantine files in {root}", highlight=False)
            return
        table = Table(title=f"loads and their quarantined rows ({root})")
        for col in ("load", "loaded at (UTC)", "rows quarantined", "file"):
            table.add_column(col, overflow="fold")
        for r in data:
            table.add_row(
                r["load"], r["at"] or "before loads were kept apart", f"{r['rows']:,}", r["file"]
            )
        out.print(table)

    where.emit(rows, render)


@quarantine_app.command("show")
@store_command
def show_cmd(
    load: Annotated[
        str,
        typer.Argument(
            metavar="LOAD",
            help="DATASET/LOAD_TIME as `quarantine list` names it (or a dataset with one load).",
        ),
    ],
    *,
    where: Where,
) -> None:
    """One load's quarantined rows: file, line, field, reason and the row as read."""
    try:
        found = find_load(_root(where), load)
    except QuarantineError as exc:
        fail(str(exc))
    doc = {**found.as_json(), "quarantined": read_load(found)}

    def render(data: dict[str, Any]) -> None:
        if not data["quarantined"]:
            out.print(f"load {data['load']} quarantined no rows", highlight=False)
            return
        table = Table(title=f"load {data['load']}: {data['rows']:,} row(s) quarantined")
        for col in ("file", "line", "field", "reason", "row"):
            table.add_column(col, overflow="fold")
        for r in data["quarantined"]:
            table.add_row(r["file"], r["line"], r["field"], r["reason"], r["row"])
        out.print(table, markup=False, highlight=False)

    where.emit(doc, render)
