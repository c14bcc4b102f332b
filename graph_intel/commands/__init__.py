"""The read commands: one function each, shared by the CLI (JSON with --json) and the API (GET).

A read command is `func(store, ...) -> JSON-able`; its words make the CLI command and the route
(`("cawn", "breaches")` is `graph-intel cawn breaches` and `GET /api/v1/cawn/breaches`).
Parameters without defaults are path segments (`show/person/C1`); the rest are query parameters.
`role` is the least role allowed to run it over HTTP: viewer (the CSE team) or analyst.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ReadCommand:
    """One read command: its words, function, least role and one-line summary."""

    words: tuple[str, ...]
    func: Callable[..., Any]
    role: Literal["viewer", "analyst"]
    summary: str


READ_COMMANDS: dict[tuple[str, ...], ReadCommand] = {}

#: Modules that register read commands; load_all() imports every one (a missing one is an error).
COMMAND_MODULES = [
    "graph_intel.inspect",
    "graph_intel.commands.analysis",
    "graph_intel.commands.safeguarding",
    "graph_intel.commands.resolution",
]


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
    options = (orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
               | orjson.OPT_PASSTHROUGH_DATACLASS)
    try:
        return orjson.dumps(data, default=json_default, option=options).decode()
    except (orjson.JSONEncodeError, TypeError, ValueError):
        return None


def read_command(*words: str, role: Literal["viewer", "analyst"] = "analyst") -> Callable[[F], F]:
    """Register `func` as the read command `words`."""

    def register(func: F) -> F:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        READ_COMMANDS[words] = ReadCommand(words, func, role, summary)
        return func

    return register


def load_all() -> dict[tuple[str, ...], ReadCommand]:
    """Import every module that registers read commands, and return the registry.

    A module named in COMMAND_MODULES that is not there is an ImportError naming it, never a silent
    skip: a command the service should offer must not quietly vanish."""
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                raise ImportError(f"graph_intel.commands: registered command module {name} is missing") from exc
            raise
    return READ_COMMANDS
