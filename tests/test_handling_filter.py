"""Handling.keep, keep_records and strip give what the rule says row by row, for any sources column.

The filter tests each row with one set test and goes row by row only where a restricted source is
present; these compare it with the plain reading of the rule (graph_intel.handling's docstring):
a fact is left out when it has sources and every one is restricted, and is otherwise kept citing
its open sources only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_intel.handling import Handling

RESTRICTED = {"d:S1": "handling C: informant", "d:S2": "handling C: do not disseminate"}
KEYS = st.sampled_from(["d:S1", "d:S2", "d:S3", "d:S4"])
SOURCES = st.one_of(
    st.lists(KEYS, max_size=4),
    st.tuples(KEYS, KEYS),
    KEYS,
    st.none(),
    st.just(float("nan")),
)


def _handling(notes: dict[str, str]) -> Handling:
    handling = Handling.__new__(Handling)  # the store's restricted sources, as Handling finds them
    handling.notes = dict(notes)
    return handling


def _listed(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    return [value] if isinstance(value, str) else [str(k) for k in value]


def _expected(values: list[Any], notes: dict[str, str]) -> list[tuple[int, list[str]]]:
    out = []
    for i, value in enumerate(values):
        keys = _listed(value)
        if keys and all(k in notes for k in keys):
            continue
        out.append((i, [k for k in keys if k not in notes]))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(SOURCES, min_size=1, max_size=12), st.booleans())
def test_keep_is_the_rule_row_by_row(values: list[Any], any_restricted: bool) -> None:
    notes = RESTRICTED if any_restricted else {}
    frame = pd.DataFrame({"n": range(len(values)), "sources": pd.Series(values, dtype=object)})
    kept = _handling(notes).keep(frame)
    expected = _expected(values, notes)
    assert kept["n"].tolist() == [i for i, _ in expected]
    if notes:
        assert [list(v) for v in kept["sources"]] == [keys for _, keys in expected]
        assert list(kept.index) == list(range(len(kept)))


@settings(max_examples=300, deadline=None)
@given(st.lists(SOURCES, min_size=1, max_size=12))
def test_keep_records_equals_keep(values: list[Any]) -> None:
    rows = [{"n": i, "sources": v} for i, v in enumerate(values)]
    kept = _handling(RESTRICTED).keep_records(rows)
    expected = _expected(values, RESTRICTED)
    assert [(r["n"], list(r["sources"])) for r in kept] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(SOURCES, min_size=1, max_size=12))
def test_strip_leaves_every_row_citing_its_open_sources(values: list[Any]) -> None:
    frame = pd.DataFrame({"n": range(len(values)), "sources": pd.Series(values, dtype=object)})
    stripped = _handling(RESTRICTED).strip(frame)
    assert stripped["n"].tolist() == list(range(len(values)))
    for value, got in zip(values, stripped["sources"], strict=True):
        if isinstance(value, list) and not set(value) & set(RESTRICTED):
            assert got is value  # untouched rows keep their own list
        else:
            assert list(got) == [k for k in _listed(value) if k not in RESTRICTED]


def test_a_frame_with_nothing_restricted_is_kept_whole() -> None:
    frame = pd.DataFrame({"sources": [["d:S3"], ["d:S4", "d:S3"]]}, index=[5, 9])
    kept = _handling(RESTRICTED).keep(frame)
    assert kept["sources"].tolist() == [["d:S3"], ["d:S4", "d:S3"]]
    assert list(kept.index) == [0, 1]
