"""Spreadsheet formulas in CSV cells: neutralised when graph-intel writes a file, restored when it reads one.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Sheets (`=HYPERLINK(...)` sends whoever clicks it elsewhere). The OWASP
rule: write such a cell with a leading `'`, which spreadsheets show as text and do not display.
The pair is exact, so an export read back gives every value as it was:

- writing, a text that starts with any number of `'` followed by one of those characters gets
  one more `'` in front (`=SUM(A1)` -> `'=SUM(A1)`, `'=x` -> `''=x`); a plain number
  (`-1.86`, `+447700900123`) is not a formula and is written as it is;
- reading, a cell that starts with one or more `'` followed by one of those characters loses
  its first `'` (as a spreadsheet shows it); every other cell is read as it stands (`O'Brien`,
  `'Big D'`).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
_NEEDS = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A value as a CSV cell that no spreadsheet runs as a formula (non-text values unchanged)."""
    if isinstance(value, str) and _NEEDS.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """A cell as it was before `neutralise`."""
    return value[1:] if _ESCAPED.match(value) else value


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of a frame passed through `restore` (in place; only cells starting with `'`
    are looked at, so a file without them costs one vectorised test per column)."""
    for column in frame.columns:
        series = frame[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        quoted = series.str.startswith("'", na=False).to_numpy(dtype=bool)
        if not quoted.any():
            continue
        values = series.astype(object).to_numpy(copy=True)
        values[quoted] = [restore(v) for v in values[quoted]]
        restored = pd.Series(values, index=series.index, dtype=object)
        frame[column] = restored if series.dtype == object else restored.astype(series.dtype)
    return frame
