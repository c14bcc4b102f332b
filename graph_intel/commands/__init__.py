"""The one command registry: every read command is one function, and the CLI and the API are made from it.

A read command is `func(store, ...) -> JSON-able`, registered by `@read_command(*words)`; its words
make the CLI command and the route (`("cawn", "breaches")` is `graph-intel cawn breaches` and
`GET /api/v1/cawn/breaches`). Parameters without defaults are CLI arguments and path segments
(`show/person/C1`); the rest are CLI options and query parameters. A parameter's help, its
option name and how it is read (a date, a least value) are `Param` metadata in its annotation
(`Annotated[str | None, Param("...")]`), declared once here for the options many commands share
(`MinGradeOpt`, `IncludeRestrictedOpt`, the dates). `role` is the least role allowed to run it
over HTTP: viewer (the CSE team) or analyst. The CLI keeps only a renderer per command
(graph_intel.cli.generate); a command with none prints a plain table.

COMMAND_MODULES lists the modules that register read commands; CLI_COMMANDS the commands of the
command line alone (they load data, write files, change records or run the service), each
defined in its CLI module; GROUPS the help of each command group. The command line lists them
without importing any of it (`index()` reads the modules' source), so `graph-intel --help`
imports no pandas, igraph or store.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ReadCommand:
    """One read command: its words, function, least role, one-line summary, and whether the CLI
    makes a command of it (False where the CLI has its own command of these words, e.g. one that
    writes a file)."""

    words: tuple[str, ...]
    func: Callable[..., Any]
    role: Literal["viewer", "analyst"]
    summary: str
    cli: bool = True


@dataclass(frozen=True)
class Param:
    """How a read command's parameter reads on the command line (over HTTP it is its own name).

    `help` is the option's or argument's help; `flag` the option's name where it is not
    `--<name with dashes>` (a parameter without a default given a flag is a required option);
    `metavar` an argument's name in the usage line; `minimum` the least value an integer takes;
    `date` "day" or "time" when it is a date read by the one date parser (the CLI refuses a bad
    one naming the option, exit 2, and passes it on as ISO text; a day not given is today, unless
    `today` is False: then it is left unset, for the command's own default).
    """

    help: str = ""
    flag: str | None = None
    metavar: str | None = None
    minimum: int | float | None = None
    date: Literal["day", "time"] | None = None
    today: bool = True


#: The date forms every date option takes.
DATES = "YYYY-MM-DD or day first DD/MM/YYYY"

#: The options many commands share, declared once.
MinGradeOpt = Annotated[
    str | None, Param("Only facts whose source is graded at least this (3x5x2), e.g. 2B.")
]
IncludeRestrictedOpt = Annotated[
    bool,
    Param(
        "Include material whose every source has a restrictive handling code (C, or 5x5x5 other than 1), "
        "marked with its handling conditions [default: left out].",
        flag="--include-restricted",
    ),
]
OnOpt = Annotated[str | None, Param(f"Judge on this date ({DATES}) [default: today].", date="day")]
AsOfOpt = Annotated[
    str | None,
    Param(
        f"Count up to the end of this day ({DATES}) [default: today].", flag="--as-of", date="day"
    ),
]

READ_COMMANDS: dict[tuple[str, ...], ReadCommand] = {}

#: Modules that register read commands; load_all() imports every one (a missing one is an error).
COMMAND_MODULES = [
    "graph_intel.inspect",
    "graph_intel.commands.analysis",
    "graph_intel.commands.safeguarding",
    "graph_intel.commands.resolution",
]

#: The commands of the command line alone (they load data, write files, change records or run the
#: service): words -> "module:function" (a typer function; for a group of its own, a typer.Typer).
#: `index()` gives each its summary from the function's docstring, without importing the module.
CLI_COMMANDS: dict[tuple[str, ...], str] = {
    ("ingest",): "graph_intel.cli.data:ingest_cmd",
    ("demo",): "graph_intel.cli.data:demo_cmd",
    ("schema",): "graph_intel.cli.data:schema_cmd",
    ("export",): "graph_intel.cli.data:export_cmd",
    ("quarantine",): "graph_intel.cli.quarantine:quarantine_app",
    ("import",): "graph_intel.cli.imports:import_app",
    ("matrix", "set"): "graph_intel.cli.safeguarding:matrix_set_cmd",
    ("matrix", "close"): "graph_intel.cli.safeguarding:matrix_close_cmd",
    ("network",): "graph_intel.cli.network:network_cmd",
    ("serve",): "graph_intel.cli.service:serve_cmd",
    ("users", "add"): "graph_intel.cli.service:users_add",
    ("users", "revoke"): "graph_intel.cli.service:users_revoke",
    ("users", "list"): "graph_intel.cli.service:users_list",
    ("audit", "verify"): "graph_intel.cli.service:audit_verify",
    ("audit", "list"): "graph_intel.cli.service:audit_list",
    ("watch", "add"): "graph_intel.cli.alerts:watch_add",
    ("watch", "list"): "graph_intel.cli.alerts:watch_list",
    ("watch", "remove"): "graph_intel.cli.alerts:watch_remove",
    ("alerts",): "graph_intel.cli.alerts:alerts_cmd",
    ("resolve", "judge"): "graph_intel.cli.resolve:judge_cmd",
    ("resolve", "withdraw"): "graph_intel.cli.resolve:withdraw_cmd",
}

#: Each command group's one line of help (its commands are read commands and CLI commands alike).
GROUPS: dict[str, str] = {
    "cawn": "Child Abduction Warning Notices: eligibility, candidates, breaches, evidence packs.",
    "matrix": "The CSE matrix: each child's RAG status, who set it, when and why.",
    "referrals": "Referrals and requests between agencies: escalation prompts.",
    "risk": "CSE risk assessments: prompts and the screening tool in force.",
    "users": "Service users and their bearer tokens.",
    "audit": "The service's hash-chained audit log.",
    "watch": "Watchlists: a phone, VRM, adult or place whose new facts raise an alert at the next load.",
    "resolve": "Entity resolution: the same person in different agencies' records, analyst in control.",
}


def json_default(value: Any) -> Any:
    """JSON for what commands return besides plain types: dates as ISO 8601, numpy values as lists,
    pandas' missing values (NaT, NA) as null."""
    if _is_missing(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def finite(data: Any) -> Any:
    """`data` with every non-finite number (NaN, Infinity, numpy's too) made None, so JSON is strict.

    A missing value is `null` in our JSON, never `NaN`, which strict JSON readers refuse.
    """
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if hasattr(data, "tolist") and not isinstance(data, str | bytes):  # numpy scalars and arrays
        return finite(data.tolist())
    if data is not None and not isinstance(data, str | int | bool) and _is_missing(data):
        return None  # pandas' NaT and NA
    return data


def _is_missing(value: Any) -> bool:
    """NaN, NaT and NA (pandas' missing values), told apart without importing pandas."""
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN is not equal to itself
    except (TypeError, ValueError):  # arrays compare element-wise
        return False


def to_json(data: Any) -> str:
    """A command's result as the one JSON text both the CLI and the API print: strict JSON.

    No `NaN` or `Infinity` ever appears (json.dumps with allow_nan=False): non-finite numbers are
    written as null. The common case, with none, is dumped in one pass, by orjson (several times
    faster than json on the 70 MB answers of a large store), which writes non-finite numbers as
    null itself; dates, dataclasses and anything else not plain go through `json_default` as
    with json. What orjson refuses (integers over 64 bits, lone surrogates) goes to json.
    """
    text = _orjson(data)
    if text is not None:
        return text
    try:
        return json.dumps(data, default=json_default, ensure_ascii=False, allow_nan=False)
    except ValueError:
        return json.dumps(finite(data), default=json_default, ensure_ascii=False, allow_nan=False)


def _orjson(data: Any) -> str | None:
    """`data` as compact JSON by orjson, or None when orjson is not there or refuses it."""
    try:
        import orjson
    except ImportError:
        return None
    options = (
        orjson.OPT_SERIALIZE_NUMPY
        | orjson.OPT_NON_STR_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
    )
    try:
        return orjson.dumps(data, default=json_default, option=options).decode()
    except (orjson.JSONEncodeError, TypeError, ValueError):
        return None


def read_command(
    *words: str, role: Literal["viewer", "analyst"] = "analyst", cli: bool = True
) -> Callable[[F], F]:
    """Register `func` as the read command `words` (`cli=False`: the CLI has its own command of these words)."""

    def register(func: F) -> F:
        READ_COMMANDS[words] = ReadCommand(words, func, role, summary_of(func.__doc__), cli)
        return func

    return register


def summary_of(doc: str | None) -> str:
    """A docstring's first line: the one-line summary listings show."""
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


@dataclass(frozen=True)
class Entry:
    """What the command line lists of one command without importing it: words, summary, where it is."""

    words: tuple[str, ...]
    summary: str
    module: str
    read: bool  # a read command (made into a CLI command) or a command of the CLI alone


def index(summaries: bool = True) -> dict[tuple[str, ...], Entry]:
    """Every command of the command line, read from the modules' source, none imported.

    Read commands are found by their `@read_command(...)` decorators in COMMAND_MODULES (those with
    `cli=False` left out, their CLI command being in CLI_COMMANDS), CLI commands by CLI_COMMANDS;
    each summary is its function's docstring's first line. A module that is missing, a decorator
    whose words are not plain strings, or a CLI command its module does not define is an error.
    `summaries=False` (to run a command, not list them) leaves the CLI modules' source unread.
    """
    found: dict[tuple[str, ...], Entry] = {}
    for module in COMMAND_MODULES:
        for words, (summary, cli) in _decorated(module).items():
            if cli:
                found[words] = Entry(words, summary, module, True)
    for words, target in CLI_COMMANDS.items():
        module, _, name = target.partition(":")
        if words in found:
            raise ImportError(
                f"graph_intel.commands: {' '.join(words)} is both a read command of {found[words].module} "
                f"and a CLI command of {module} (give the read command cli=False)"
            )
        summary = ""
        if summaries:
            defined = _defined(module)
            if name not in defined:
                raise RuntimeError(
                    f"graph_intel.commands: {module} does not define {name}, registered in CLI_COMMANDS"
                )
            summary = defined[name][0]
        found[words] = Entry(words, summary, module, False)
    return found


_SOURCES: dict[str, ast.Module] = {}


def source_tree(module: str) -> ast.Module:
    """A module's syntax tree, from its source (not imported); ImportError naming it when it is not there."""
    if module not in _SOURCES:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ImportError(
                f"graph_intel.commands: registered command module {module} is missing"
            )
        with open(spec.origin, encoding="utf-8") as handle:
            _SOURCES[module] = ast.parse(handle.read(), spec.origin)
    return _SOURCES[module]


def decorated(
    module: str, decorator: str
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.Call, tuple[str, ...]]]:
    """Each top-level function of a module's source decorated by a call of `decorator`, with that
    call and its words (not imported); words that are not plain strings are an ImportError."""
    for node in source_tree(module).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for deco in node.decorator_list:
            if not (
                isinstance(deco, ast.Call)
                and getattr(deco.func, "id", getattr(deco.func, "attr", None)) == decorator
            ):
                continue
            if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in deco.args):
                raise ImportError(
                    f"graph_intel.commands: {module}.{node.name}: {decorator} words must be plain strings"
                )
            yield node, deco, tuple(a.value for a in deco.args)  # type: ignore[attr-defined]


@functools.cache
def _decorated(module: str) -> dict[tuple[str, ...], tuple[str, bool]]:
    """The read commands a module's source registers: words -> (summary, made a CLI command)."""
    commands: dict[tuple[str, ...], tuple[str, bool]] = {}
    for node, deco, words in decorated(module, "read_command"):
        cli = next((k.value for k in deco.keywords if k.arg == "cli"), ast.Constant(True))
        commands[words] = (summary_of(ast.get_docstring(node)), bool(getattr(cli, "value", True)))
    return commands


@functools.cache
def _defined(module: str) -> dict[str, tuple[str, bool]]:
    """The functions and typer apps a module's source defines at top level: name -> (summary, is a function)."""
    names: dict[str, tuple[str, bool]] = {}
    for node in source_tree(module).body:
        if isinstance(node, ast.FunctionDef):
            names[node.name] = (summary_of(ast.get_docstring(node)), True)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            helptext = next(
                (
                    k.value.value
                    for k in node.value.keywords
                    if k.arg == "help" and isinstance(k.value, ast.Constant)
                ),
                "",
            )
            for target in targets:
                if isinstance(target, ast.Name):
                    names[target.id] = (summary_of(str(helptext)), False)
    return names


def load_all() -> dict[tuple[str, ...], ReadCommand]:
    """Import every module that registers read commands, and return the registry.

    A module named in COMMAND_MODULES that is not there is an ImportError naming it, never a silent
    skip: a command the service should offer must not quietly vanish."""
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                raise ImportError(
                    f"graph_intel.commands: registered command module {name} is missing"
                ) from exc
            raise
    return READ_COMMANDS
