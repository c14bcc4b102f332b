"""What every command shares: store options, JSON output, exit codes and one-line errors."""

from __future__ import annotations

import functools
import inspect
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from graph_intel.commands import to_json
from graph_intel.refs import RefError
from graph_intel.stores import GraphStore, StoreError, open_store
from loaders.readers import IngestError

#: Progress, tables and messages for people go to stderr; stdout carries results.
err = Console(stderr=True)
out = Console()


def fit_to_terminal() -> None:
    """Size both consoles for this invocation: $COLUMNS when set, else the terminal's width, else 80.

    The consoles are made once, at import; a notebook, a test runner or a resized terminal that runs
    several commands in one process would otherwise keep the width of the first.
    """
    width = shutil.get_terminal_size().columns
    out.width = err.width = width


StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Embedded store directory [default: $GRAPH_INTEL_STORE or ./graph-intel-data].",
    ),
]
Neo4jOpt = Annotated[
    str | None,
    typer.Option(
        "--neo4j", help="Use a Neo4j server at this URI [default: $GRAPH_INTEL_NEO4J_URI]."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")]

EXIT_OK, EXIT_ATTENTION, EXIT_CANNOT_RUN = 0, 1, 2

#: --store, --neo4j and --json as the parameters of a command (graph_intel.cli.generate adds them
#: to every read command; `store_command` to a command of the CLI alone).
COMMON_OPTIONS = [
    inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=StoreOpt),
    inspect.Parameter("neo4j", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Neo4jOpt),
    inspect.Parameter("json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOpt),
]


@dataclass(frozen=True)
class Where:
    """The store a command runs on and how it answers: its --store, --neo4j and --json."""

    store: Path | None = None
    neo4j: str | None = None
    json: bool = False

    def opened(self, read_only: bool = False) -> AbstractContextManager[GraphStore]:
        """The selected store (`opened`: a failure is exit 2 with its reason)."""
        return opened(self.store, self.neo4j, read_only=read_only)

    def emit(self, data: Any, render: Callable[[Any], None] | None = None) -> None:
        """Print the result: JSON with --json, else the rendering."""
        emit(data, self.json, render)


def store_command(func: Callable[..., None]) -> Callable[..., None]:
    """A command of the CLI alone that takes `where: Where`, given --store, --neo4j and --json (declared once)."""
    sig = inspect.signature(func, eval_str=True)
    params = [p for p in sig.parameters.values() if p.name != "where"] + COMMON_OPTIONS

    @functools.wraps(func)
    def run(
        *args: Any,
        store: Path | None = None,
        neo4j: str | None = None,
        json: bool = False,
        **kwargs: Any,
    ) -> None:
        func(*args, where=Where(store, neo4j, json), **kwargs)

    run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


def fail(message: str) -> NoReturn:
    """Stop with exit status 2 and a one-line reason on stderr."""
    err.print(f"[bold red]graph-intel:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_CANNOT_RUN)


@contextmanager
def opened(
    store: Path | None, neo4j: str | None, read_only: bool = False, create: bool = False
) -> Iterator[GraphStore]:
    """Open the selected store; any failure to open or use it is exit 2 with its reason.

    Only the commands that load data (ingest, import, demo) pass `create=True`: any other command
    on a store that does not exist is exit 2 ("no graph-intel store at PATH"), never an empty
    answer, and leaves no store behind.
    """
    try:
        handle = open_store(store, neo4j, read_only=read_only, create=create)
    except StoreError as exc:
        fail(str(exc))
    try:
        yield handle
        warn_incomplete(handle)
    except (StoreError, IngestError, RefError) as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    finally:
        handle.close()


def warn_incomplete(store: GraphStore) -> None:
    """Every answer from a store holding a load that did not finish says so, on stderr."""
    for dataset, started in sorted(store.incomplete_loads().items()):
        err.print(
            f"[bold yellow]graph-intel: warning:[/] the load of dataset {dataset} begun at {started} did not "
            "finish (killed, crashed or failed): its data is partial until it is loaded again",
            highlight=False,
            soft_wrap=True,
        )


def date_read(value: str | None, option: str, parser: str) -> Any:
    """A date option read by the one parser (loaders.values.dates, by the name of its reading:
    parse_date_option, parse_datetime_option, utc_option): exit 2 naming the option and the reason.
    None (the option not given) stays None."""
    if value is None:
        return None
    from loaders.values import dates

    try:
        return getattr(dates, parser)(value)
    except dates.DateParseError as exc:
        fail(f"{option}: {exc}")


def day_option(value: str | None, option: str, default: date | None = None) -> date | None:
    """A date option read by the one parser (ISO or UK day-first, never US): exit 2 with the reason.

    None (the option not given) gives `default`.
    """
    day: date | None = date_read(value, option, "parse_date_option")
    return default if day is None else day


def time_option(value: str | None, option: str) -> datetime | None:
    """A date-or-time option (--since/--until of a page) read by the one parser: exit 2 with the reason."""
    moment: datetime | None = date_read(value, option, "parse_datetime_option")
    return moment


def written(value: date | datetime | str | None) -> str:
    """A date as the human output shows it: '8 Jul 2011' (and the time, when one was given)."""
    if value is None or value == "":
        return ""
    from loaders.values.dates import parse_datetime_option, written_date

    if isinstance(value, str):
        try:
            return written_date(parse_datetime_option(value))
        except ValueError:
            return value
    return written_date(value)


def emit(data: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print a result: one JSON document when asked, else the human rendering."""
    if as_json or render is None:
        sys.stdout.write(to_json(data) + "\n")
    else:
        render(data)


def cell(value: Any) -> str:
    """A value as a table cell: lists joined, missing values (None, NaN, NaT) blank, never 'nan'."""
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ in ("NaTType", "NAType")
    ):
        return ""
    return str(value)


def table(columns: list[str], rows: list[dict[str, Any]], title: str | None = None) -> Table:
    """A rich table whose cells wrap rather than being cut: ids and dates are never shortened with '…'."""
    shown = Table(title=title, title_justify="left")
    for c in columns:
        shown.add_column(c, overflow="fold", no_wrap=False)
    for row in rows:
        shown.add_row(*(cell(row.get(c)) for c in columns))
    return shown


def explain_empty(
    store: Path | None,
    neo4j: str | None,
    what: str,
    option: str | None = None,
    used: date | datetime | None = None,
    since: bool = False,
) -> str:
    """The one line an empty answer prints: what was not found, the date used, and the dates the data holds.

    The data's range comes from graph_intel.span (one aggregate per dated column, run in the store).
    When the date used lies outside it, the line says which date to try instead (for a `since`
    option past the data, its first date; for an `on`/`as-of` date past it, its last).
    """
    from graph_intel.span import data_span

    with opened(store, neo4j, read_only=True) as graph:
        span = data_span(graph)
    line = f"{what}; {span.text()}"
    day = used.date() if isinstance(used, datetime) else used
    if option and day is not None and span.last is not None and span.first is not None:
        from loaders.values.dates import written_date

        if day > span.last:
            suggest = span.first if since else span.last
            line += (
                f"; no facts after {written_date(span.last)}: try {option} {suggest.isoformat()}"
            )
        elif day < span.first:
            line += f"; no facts before {written_date(span.first)}: try {option} {span.first.isoformat()}"
    return line


def held(store: Path | None, neo4j: str | None, entity: str) -> int:
    """How many records of one kind the store holds: the count an empty answer's reason gives."""
    with opened(store, neo4j, read_only=True) as graph:
        return len(graph.nodes(entity, columns=["key"]))


def counted(n: int, word: str, plural: str | None = None) -> str:
    """'1 referral', '0 referrals', '2 person records'."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def say_empty(line: str) -> None:
    """Print an empty answer's explanation (stdout: it is the human result)."""
    out.print(line, highlight=False, markup=False, soft_wrap=True)
