"""The period a store's data covers, so that an empty answer can say what dates it holds.

One aggregate per dated column, run in the store (patterns.date_span): nothing is read into Python.
Commands ask for it only when an answer is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from graph_intel.stores import patterns
from graph_intel.stores.base import GraphStore


@dataclass(frozen=True)
class DataSpan:
    """The first and last dates of the facts a store holds (None for an empty store)."""

    first: date | None
    last: date | None

    def text(self) -> str:
        """'the data runs from 3 Jan 2009 to 8 Jul 2011', or that it holds no dated facts."""
        from loaders.values.dates import written_date

        if self.first is None or self.last is None:
            return "the store holds no dated facts"
        return f"the data runs from {written_date(self.first)} to {written_date(self.last)}"


def _day(value: Any) -> date | None:
    if value is None or value != value:  # None or NaN/NaT
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def data_span(store: GraphStore) -> DataSpan:
    """The earliest and latest dates among the store's events and sources (patterns.SPAN_COLUMNS)."""
    firsts: list[date] = []
    lasts: list[date] = []
    for entity, column in patterns.SPAN_COLUMNS:
        frame = store.run_pattern(patterns.date_span(entity, column))
        if frame.empty:
            continue
        first, last = _day(frame["first"].iloc[0]), _day(frame["last"].iloc[0])
        if first is not None:
            firsts.append(first)
        if last is not None:
            lasts.append(last)
    return DataSpan(min(firsts) if firsts else None, max(lasts) if lasts else None)
