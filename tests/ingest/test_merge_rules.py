"""The upsert rules in merge.py against a plain-Python statement of them (property-based)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from graph_intel.stores import merge

_LIST = st.one_of(
    st.none(),
    st.lists(st.one_of(st.sampled_from(["a", "b", "c", "d"]), st.none()), max_size=3),
    st.tuples(st.sampled_from(["a", "e"])),
)
_ROWS = st.lists(st.tuples(st.sampled_from(["k1", "k2", "k3", "k4"]), _LIST), max_size=30)


def reference_collapse(rows: list[tuple[str, Any]]) -> dict[str, list[str] | None]:
    """Per key, the union of its rows' lists in first-seen order, blanks dropped; None when empty."""
    out: dict[str, list[str]] = {}
    for key, values in rows:
        acc = out.setdefault(key, [])
        for v in values or []:
            if v is not None and v not in acc:
                acc.append(v)
    return {k: v or None for k, v in out.items()}


@given(_ROWS)
def test_collapse_unions_lists_in_first_seen_order(rows: list[tuple[str, Any]]) -> None:
    frame = pd.DataFrame(
        {"key": [k for k, _ in rows], "sources": pd.Series([v for _, v in rows], dtype=object)}
    )
    merged = merge.collapse(frame, ["key"], ["sources"])
    got = dict(zip(merged["key"], merged["sources"], strict=True))
    want = reference_collapse(rows)
    assert set(got) == set(want)
    for key, values in want.items():
        dup = sum(1 for k, _ in rows if k == key) > 1
        if dup:  # a key given once is passed through as written
            assert got[key] == values, key


def test_unions_by_group_keeps_order_and_empty_groups() -> None:
    values = pd.Series([["b", "a"], None, ["a", "c"], ["b"], [None]], dtype=object)
    codes = np.array([0, 2, 0, 2, 1])
    assert merge._unions_by_group(values, codes, 4) == [["b", "a", "c"], None, ["b"], None]
