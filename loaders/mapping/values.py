"""Evaluate a specification's values over a chunk: origin, transforms, and schema types."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.schema import PropertySpec
from loaders.canonical.batch import Problems
from loaders.canonical.chunks import Chunk
from loaders.canonical.columns import col, typed
from loaders.mapping.spec import Value
from loaders.values import parse_datetime_series

_FIELD = re.compile(r"\{([^{}]+)\}")
_NEWLINE = re.compile(r"\r?\n")


class Evaluator:
    """Values of one chunk. `flat` gives text per row position (repeated positions when split)."""

    def __init__(self, chunk: Chunk, problems: Problems, preamble: str = "") -> None:
        self.chunk = chunk
        self.problems = problems
        self.preamble = preamble
        self.n = len(chunk.frame)
        self._flat: dict[int, pd.Series] = {}

    def origin(self, value: Value) -> pd.Series:
        """The text a value starts from, one per row."""
        index = pd.RangeIndex(self.n)
        if value.column is not None:
            return col(self.chunk, value.column).reset_index(drop=True)
        if value.columns is not None:
            joined = np.full(self.n, "", dtype=object)
            for c in value.columns:  # the non-blank parts joined, a whole column at a time
                part = (
                    col(self.chunk, c)
                    .reset_index(drop=True)
                    .fillna("")
                    .astype(str)
                    .to_numpy(dtype=object)
                )
                given, started = part != "", joined != ""
                joined = np.where(
                    given & started, joined + value.join + part, np.where(given, part, joined)
                )
            return pd.Series(joined, index=index, dtype=object)
        if value.template is not None:
            out = pd.Series("", index=index, dtype=object)
            last = 0
            for m in _FIELD.finditer(value.template):
                out = (
                    out
                    + value.template[last : m.start()]
                    + col(self.chunk, m.group(1)).reset_index(drop=True)
                )
                last = m.end()
            return out + value.template[last:]
        text = self.preamble if value.preamble else (value.constant or "")
        return pd.Series(text, index=index, dtype=object)

    def flat(self, value: Value) -> pd.Series:
        """The value's text after its transforms, indexed by row position ('' for blank); computed once."""
        key = id(value)
        if key not in self._flat:
            self._flat[key] = self._transform(value)
        return self._flat[key]

    def _transform(self, value: Value) -> pd.Series:
        s = self.origin(value).fillna("").astype(str)
        if value.trim:
            s = s.str.strip()
        if value.split is not None:
            sep = value.split

            def parts(t: str) -> list[str]:
                return [
                    p.strip() if value.trim else p
                    for p in (_NEWLINE.split(t) if sep in ("\n", "newline") else t.split(sep))
                    if p.strip()
                ]

            s = per_distinct(s, parts).explode().dropna().astype(str)
        if value.regex is not None:
            s = _extract(s, value.regex)
        if value.upper:
            s = s.str.upper()
        if value.lower:
            s = s.str.lower()
        if value.map is not None:
            mapping = value.map
            s = per_distinct(s, lambda t: mapping.get(t, t))
        if value.date_format is not None:
            s = self._dates(s, value)
        if value.default is not None:
            s = s.where(s.ne(""), value.default)
        return s

    def _dates(self, s: pd.Series, value: Value) -> pd.Series:
        fmt = value.date_format
        if (
            fmt == "excel"
        ):  # Excel's serial day numbers (1 = 1900-01-01, with its 1900 leap-year slip)
            days = pd.to_numeric(s.where(s.ne(""), None), errors="coerce")
            days = days.where((days > 0) & (days < 2_958_466))
            parsed = pd.to_datetime(days, unit="D", origin="1899-12-30", errors="coerce").dt.round(
                "s"
            )
        else:
            parsed = pd.to_datetime(s.where(s.ne(""), None), format=fmt, errors="coerce")
        iso, _ = parse_datetime_series(s.where(parsed.isna(), ""))
        parsed = parsed.where(parsed.notna(), iso.to_numpy())
        bad = s.ne("") & parsed.isna()
        if bad.any():
            mask = np.zeros(self.n, dtype=bool)
            mask[s.index[bad.to_numpy()].to_numpy()] = True
            label = value.label()
            shown = "of Excel serial day numbers" if fmt == "excel" else f"in the format {fmt}"
            self.problems.add(mask, label, f"'{label}' is not a date {shown} (nor ISO 8601)")
        out = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S")
        return out.where(parsed.notna(), "").astype(object)

    def per_row(self, value: Value) -> pd.Series:
        """One text per row: split values joined by ';' (the list separator), blanks ''."""
        s = self.flat(value)
        if value.split is None:
            return s.reindex(range(self.n), fill_value="")
        joined = s[s.ne("")].groupby(level=0).agg(";".join)
        return joined.reindex(range(self.n), fill_value="")

    def typed(self, value: Value, prop: PropertySpec, name: str) -> pd.Series:
        """One value per row, read as the schema type of property `name`; misfits are quarantined."""
        label = value.label()
        column = label if value.referenced() else f"{label} {name}"
        frame = pd.DataFrame({column: self.per_row(value).to_numpy()}, dtype=object)
        derived = Chunk(self.chunk.file, frame, self.chunk.lines)
        return typed(derived, column, prop, self.problems).reset_index(drop=True)


def _extract(s: pd.Series, pattern: str) -> pd.Series:
    """The regex's `value` group, else its first group, else the whole match; '' when no match."""
    compiled = re.compile(pattern)
    if "value" in compiled.groupindex:
        group: int | str = "value"
    elif compiled.groups:
        group = 1
    else:
        group = 0

    def one(text: str) -> str:
        m = compiled.search(text)
        return (m.group(group) or "").strip() if m else ""

    return per_distinct(s, one)


def per_distinct(values: pd.Series, fn: Callable[[str], Any]) -> pd.Series:
    """fn of each value, computed once per distinct value (object dtype, same index): a column of
    a few thousand distinct spellings over a million rows costs a few thousand calls."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    table = np.empty(len(distinct), dtype=object)
    for i, v in enumerate(distinct):  # one by one: a list result (split) must stay one cell
        table[i] = fn(v)
    return pd.Series(
        table[codes] if len(distinct) else np.array([], dtype=object),
        index=values.index,
        dtype=object,
    )
