"""Commands that load and look at data: ingest, demo, stats, show.

`stats` and `show` are read commands of graph_intel.inspect, made by graph_intel.cli.generate:
only their renderers are here (show's with --include-restricted, of the command line alone: the
restricted view unless it is given). The others are commands of the command line alone (graph_intel.commands.CLI_COMMANDS)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from graph_intel.cli.common import (
    EXIT_ATTENTION,
    EXIT_OK,
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    Where,
    emit,
    err,
    fail,
    opened,
    out,
    store_command,
)
from graph_intel.cli.generate import Answer, renders
from graph_intel.cli.restricted import IncludeRestrictedOpt
from graph_intel.stores import GraphStore

if (
    TYPE_CHECKING
):  # the load pipeline (pandas) is imported by the commands that load: `show` starts quickly
    from graph_intel.load import IngestReport


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Callable[[str, int], None]]:
    """A rich progress bar on stderr, one line per file, fed by a load's progress callback."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(file: str, rows: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=None)
            bar.advance(tasks[file], rows)

        yield progress


def run_ingest(
    store: GraphStore, folder: Path, dataset: str | None, agency: str, quiet: bool
) -> IngestReport:
    """Ingest with a progress bar on stderr (rich); the load's own quarantine file goes beside the store."""
    from graph_intel.load import IngestError, LoadSettings, dataset_name, load, reader

    try:
        if folder.is_dir():
            dataset_name(folder, dataset)  # a bad name is refused before the progress bar starts
    except IngestError as exc:
        fail(str(exc))
    with progress_bar(quiet) as progress:
        return load(
            store,
            reader("canonical"),
            folder,
            dataset,
            LoadSettings(agency=agency, progress=progress, keep_quarantine=True),
        )


def _render_ingest(report: dict[str, Any]) -> None:
    table = Table(title=f"dataset {report['dataset']}")
    table.add_column("file")
    table.add_column("rows loaded", justify="right")
    for name, n in report["rows_loaded"].items():
        table.add_row(name, f"{n:,}")
    out.print(table)
    if report["quarantined"]:
        out.print(
            f"[yellow]{report['quarantined']} row(s) quarantined[/] with reasons in {report['quarantine_file']}"
        )
    for name in report.get("ignored_files", []):
        out.print(f"[yellow]not a canonical file, not read:[/] {name}")


def ingest_cmd(
    folder: Annotated[
        Path, typer.Argument(help="Folder of canonical CSV files (docs/canonical-format.md).")
    ],
    dataset: Annotated[
        str | None, typer.Option(help="Dataset name [default: the folder's name].")
    ] = None,
    agency: Annotated[str, typer.Option(help="Agency of the dataset's default source.")] = "other",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Load one dataset folder; bad rows are quarantined with file, line and reason."""
    from loaders.mapping.reader import not_canonical_hint

    hint = not_canonical_hint(folder)
    if hint is not None:
        fail(hint)
    if not folder.is_dir():
        fail(f"{folder}: no such folder; give the folder that holds the canonical CSV files")
    with opened(store, neo4j, create=True) as graph:
        report = run_ingest(graph, folder, dataset, agency, quiet=False).as_json()
    emit(report, json, _render_ingest)
    raise typer.Exit(EXIT_ATTENTION if report["quarantined"] else EXIT_OK)


def demo_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the demo dataset.")] = Path(
        "demo-data"
    ),
    scale: Annotated[int, typer.Option(help="Add N x 1,000 background persons (benchmarks).")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed of the background data.")] = 7,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Write the synthetic demo case and ingest it (its planted bad rows are quarantined on purpose)."""
    from graph_intel.demo import write_demo

    folder = write_demo(out_dir, scale=scale, seed=seed)
    with opened(store, neo4j, create=True) as graph:
        report = run_ingest(graph, folder, None, "other", quiet=False).as_json()
    result = {"dataset": str(folder), "ingest": report}

    def render(data: dict[str, Any]) -> None:
        _render_ingest(data["ingest"])
        out.print(
            f"Demo written to {data['dataset']}; try: graph-intel stats, graph-intel show person C1"
        )

    emit(result, json, render)


def _stats_attention(answer: Answer) -> None:
    """Exit 1 when a load did not finish: the counts are partial (after the JSON or the table)."""
    if answer.data.get("incomplete_loads"):
        raise typer.Exit(EXIT_ATTENTION)


@renders("stats", after_json=_stats_attention)
def stats_table(answer: Answer) -> None:
    """Entities by kind, links by kind, the datasets, and any load that did not finish (exit 1)."""
    d = answer.data
    table = Table(title="graph-intel store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for k, v in d.items():
        if isinstance(v, int):
            table.add_row(k, f"{v:,}")
    for k, v in d["links"].items():
        table.add_row(f"  {k}", f"{v:,}")
    out.print(table)
    out.print("datasets: " + ", ".join(d["datasets"]))
    for item in d.get("incomplete_loads", []):
        out.print(
            f"[yellow]incomplete load:[/] {item['dataset']} (begun {item['started_at']}): {item['reason']}"
        )
    _stats_attention(answer)


def _show(store: GraphStore, args: dict[str, Any]) -> dict[str, Any]:
    """`show` on the command line: the id found in the whole store, then restricted material left
    out unless --include-restricted (graph_intel.inspect.entity_document)."""
    from graph_intel.inspect import entity_document

    return entity_document(
        store,
        args["kind"],
        args["ident"],
        history=args["history"],
        leave_out_restricted=not args["include_restricted"],
    )


@renders(
    "show",
    options=(
        inspect.Parameter(
            "include_restricted",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=IncludeRestrictedOpt,
        ),
    ),
    call=_show,
)
def show_entity(answer: Answer) -> None:
    """The entity's properties, its links with source and dates, and its earlier versions if asked."""
    d, include_restricted = answer.data, answer.args["include_restricted"]
    out.print(f"[bold]{d['kind']} {d['id']}[/]")
    if d.get("restricted"):
        out.print(f"  RESTRICTED: {d['restricted']}", highlight=False, markup=False)
    for k, v in d["properties"].items():
        if v not in (None, [], ""):
            out.print(f"  {k}: {v}", highlight=False, markup=False)
    if not d["links"]:
        out.print(
            f"no links: nothing recorded joins this {d['kind']} to anything else"
            + ("" if include_restricted else " that is not restricted"),
            highlight=False,
        )
    else:
        table = Table()
        for c in ("link", "kind", "id", "source", "seen"):
            table.add_column(c, overflow="fold")
        for link in d["links"]:
            name = link["link"] + (f" ({link['role']})" if link.get("role") else "")
            first, last = _day(link.get("first_seen")), _day(link.get("last_seen"))
            seen = first if first == last else f"{first} to {last}"
            source = str(link.get("source_id") or "") + (
                f"\nRESTRICTED: {link['restricted']}" if link.get("restricted") else ""
            )
            table.add_row(name, link["kind"], str(link["id"]), source, seen)
        out.print(table)
    if "history" in d:
        if not d["history"]:
            out.print("no earlier versions: no later load changed this record", highlight=False)
            return
        past = Table(title="earlier versions (oldest first)")
        for c in ("superseded at (UTC)", "by load", "what it was"):
            past.add_column(c, overflow="fold")
        for v in d["history"]:
            was = "; ".join(f"{k}: {val}" for k, val in v["earlier"].items())
            past.add_row(str(v["superseded_at"]), str(v["superseded_by"]), was)
        out.print(past)


def _day(value: str | None) -> str:
    """A stored time as people read it: the date alone when no time of day was recorded."""
    if not value:
        return ""
    return value[:10] if value.endswith("T00:00:00") else value[:16].replace("T", " ")


def schema_cmd(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the schema page (docs/schema.md).")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Print the POLE schema: entity kinds, link kinds and properties, from pole.yaml."""
    from graph_intel.schema import schema
    from graph_intel.schema.docs import schema_markdown

    if markdown and not json:
        out.print(schema_markdown(), markup=False, highlight=False, soft_wrap=True)
        return
    emit(schema().model_dump(mode="json", by_alias=True), True)


@store_command
def export_cmd(
    folder: Annotated[
        Path, typer.Argument(help="Where to write one canonical folder per dataset.")
    ],
    dataset: Annotated[
        list[str] | None, typer.Option(help="Export only this dataset (repeatable).")
    ] = None,
    include_restricted: IncludeRestrictedOpt = False,
    *,
    where: Where,
) -> None:
    """Write the store's content in the canonical format, one folder per dataset (for a later ingest)."""
    from graph_intel.export import export

    with where.opened() as graph:
        unknown = sorted(set(dataset or []) - set(graph.datasets()))
        if unknown:
            fail(
                f"no dataset {', '.join(unknown)} in the store; it holds: {', '.join(graph.datasets())}"
            )
        written = export(graph, folder, dataset, include_restricted=include_restricted)
    result = {"folder": str(folder), "datasets": written, "include_restricted": include_restricted}

    def render(d: dict[str, Any]) -> None:
        for name, files in d["datasets"].items():
            out.print(f"{d['folder']}/{name}: " + ", ".join(f"{f} {n:,}" for f, n in files.items()))
        out.print(
            "restricted material included (its handling codes and notes are in sources.csv)"
            if d["include_restricted"]
            else "restricted material left out (--include-restricted to include it)"
        )

    where.emit(result, render)
