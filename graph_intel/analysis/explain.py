"""Explaining a row: the sources behind a fact, their ids and grades, and the best of them."""

from __future__ import annotations

from typing import Any

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
        if key not in self.table.index:
            return (9, "Z", key)
        row = self.table.loc[key]
        src = str(row["source_eval"]) if pd.notna(row["source_eval"]) else "9"
        intel = str(row["intel_eval"]) if pd.notna(row["intel_eval"]) else "Z"
        return (int(src) if src.isdigit() else 9, intel, key)

    def source_id(self, key: str | None) -> str | None:
        """A source's contract id (its id within its dataset)."""
        return split_key(key, "Source")[1] if key else None

    def grading(self, key: str | None) -> str | None:
        """A source's grading label, e.g. '2B P'."""
        if key is None or key not in self.table.index:
            return None
        value = self.table.loc[key, "grading"]
        return str(value) if isinstance(value, str) else None

    def cite(self, sources: Any) -> dict[str, Any]:
        """{source_id, grading, sources: [ids]} for a fact: its best source first, then all of them."""
        best = self.best(sources)
        return {
            "source_id": self.source_id(best),
            "grading": self.grading(best),
            "sources": [self.source_id(s) for s in _keys(sources)],
        }


def _keys(sources: Any) -> list[str]:
    if sources is None:
        return []
    if isinstance(sources, str):
        return [sources]
    try:
        return [str(s) for s in sources]
    except TypeError:
        return []
