"""The commands' rows (`graph_intel.commands.analysis._records`) are what converting every cell with
`_plain` gave, now that columns already plain (integers, booleans, floats without NaN, str alone)
are passed through as to_dict gives them: a reference test over every kind of column."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from graph_intel.commands.analysis import _records
from graph_intel.stores.base import _plain


def _reference(frame: pd.DataFrame, drop: tuple[str, ...] = ("key",)) -> list[dict[str, Any]]:
    """The conversion before: every cell through `_plain`."""
    cols = [c for c in frame.columns if c not in drop]
    return [{c: _plain(row[c]) for c in cols} for row in frame.to_dict("records")]


def test_records_match_the_cell_by_cell_conversion() -> None:
    frame = pd.DataFrame(
        {
            "key": ["person:A1", "person:A2", "person:A3"],
            "person": ["A1", "A2", "A3"],
            "maybe": ["x", None, "z"],
            "score": [0.5, 1.25, 2.0],
            "gaps": [0.5, np.nan, 2.0],
            "count": np.array([1, 2, 3], dtype=np.int64),
            "flag": [True, False, True],
            "when": pd.to_datetime(["2010-01-01", None, "2011-02-03"]),
            "lists": [["a"], [], ["b", "c"]],
            "arrays": [np.array([1, 2]), np.array([], dtype=np.int64), np.array([3])],
            "mixed": ["a", 1, None],
        }
    )
    frame["text"] = pd.Series(["p", "q", None], dtype="string")
    assert _records(frame) == _reference(frame)
    assert _records(frame, drop=()) == _reference(frame, drop=())
    for column in frame.columns:
        alone = frame[[column]]
        assert _records(alone, drop=()) == _reference(alone, drop=()), column
    empty = frame.iloc[:0]
    assert _records(empty) == _reference(empty) == []
