"""Explaining a row: the sources behind a fact, their ids and grades, and the best of them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from graph_intel.grading import MinGrade, admitted_sources, filter_by_grade, source_table
from graph_intel.refs import split_key
from graph_intel.stores.base import GraphStore


class Sources:
    """The store's sources, looked up by key: ids, grading labels, and which meet a minimum grade."""

    def __init__(self, store: GraphStore, minimum: MinGrade | None = None) -> None:
        self.table = source_table(store)
        self.minimum = minimum
        self.admitted = admitted_sources(self.table, minimum)
        # rank and label of each source, built once on first use: cite() runs once per evidence row,
        # and a `table.loc` lookup per source per row costs more than the analysis itself at scale
        self._ranks: dict[str, tuple[int, str, str]] | None = None
        self._labels: dict[str, str | None] | None = None
        self._cited: dict[
            tuple[str, ...], tuple[str | None, str | None, tuple[str | None, ...]]
        ] = {}

    def filter(self, facts: pd.DataFrame) -> pd.DataFrame:
        """Facts with at least one source at or above the minimum grade (all without a minimum)."""
        return filter_by_grade(facts, self.table, self.minimum)

    def ok(self, sources: Any) -> bool:
        """Whether a fact with these sources meets the minimum grade."""
        return self.minimum is None or any(s in self.admitted for s in _keys(sources))

    def best(self, sources: Any) -> str | None:
        """The key of the best-graded admitted source of a fact (first one when none is graded)."""
        keys = [s for s in _keys(sources) if self.minimum is None or s in self.admitted]
        if not keys:
            return None
        return min(keys, key=self._rank)

    def _rank(self, key: str) -> tuple[int, str, str]:
        if self._ranks is None:
            self._ranks = {
                k: (int(src) if src.isdigit() else 9, intel, k)
                for k, src, intel in zip(
                    self.table.index,
                    (str(v) if pd.notna(v) else "9" for v in self.table["source_eval"]),
                    (str(v) if pd.notna(v) else "Z" for v in self.table["intel_eval"]),
                    strict=True,
                )
            }
        return self._ranks.get(key, (9, "Z", key))

    def source_id(self, key: str | None) -> str | None:
        """A source's contract id (its id within its dataset)."""
        return split_key(key, "Source")[1] if key else None

    def grading(self, key: str | None) -> str | None:
        """A source's grading label, e.g. '2B P'."""
        if key is None:
            return None
        if self._labels is None:
            self._labels = {
                k: (str(v) if isinstance(v, str) else None)
                for k, v in zip(self.table.index, self.table["grading"], strict=True)
            }
        return self._labels.get(key)

    def cite(self, sources: Any) -> dict[str, Any]:
        """{source_id, grading, sources: [ids]} for a fact: its best source first, then all of them.

        Facts share a few combinations of sources, so each combination is worked out once."""
        known = self.cited(sources)
        return {"source_id": known[0], "grading": known[1], "sources": list(known[2])}

    def cited(self, sources: Any) -> tuple[str | None, str | None, tuple[str | None, ...]]:
        """What cite() gives, as (source_id, grading, source ids): for callers that build many items."""
        keys = tuple(_keys(sources))
        known = self._cited.get(keys)
        if known is None:
            best = self.best(keys)
            known = (
                self.source_id(best),
                self.grading(best),
                tuple(self.source_id(s) for s in keys),
            )
            self._cited[keys] = known
        return known


def _keys(sources: Any) -> list[str]:
    if sources is None:
        return []
    if isinstance(sources, str):
        return [sources]
    try:
        return [str(s) for s in sources]
    except TypeError:
        return []


def iso_texts(stamps: Any) -> list[str | None]:
    """Each date as `Timestamp.isoformat()` writes it (None for a blank), for a whole column at once."""
    when = pd.to_datetime(
        pd.Series(stamps) if not isinstance(stamps, pd.Series) else stamps, errors="coerce"
    )
    if isinstance(when.dtype, pd.DatetimeTZDtype):
        return [None if pd.isna(t) else t.isoformat() for t in when]
    values = when.to_numpy(dtype="datetime64[us]")
    blank = np.isnat(values)
    ticks = np.where(blank, 0, values.astype(np.int64))
    text = np.datetime_as_string(ticks.astype("datetime64[us]"), unit="s").astype(object)
    for i in np.flatnonzero((ticks % 1_000_000 != 0) & ~blank).tolist():  # fractions of a second
        text[i] = pd.Timestamp(values[i]).isoformat()
    text[blank] = None
    return list(text.tolist())
