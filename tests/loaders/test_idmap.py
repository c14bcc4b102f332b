"""The admin reader's id map: a column of relationship ends resolved at once, as a dict would."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from loaders.mapping.idmap import IdMap

_IDS = st.text(alphabet="ab1;: ", max_size=3)


@given(
    st.lists(st.lists(st.tuples(_IDS, st.integers(0, 5)), max_size=8), max_size=4),
    st.lists(_IDS, max_size=12),
)
def test_lookup_is_a_dict_where_the_later_id_wins(
    batches: list[list[tuple[str, int]]], wanted: list[str]
) -> None:
    held, expected = IdMap(), {}
    for batch in batches:
        raw = np.array([r for r, _ in batch], dtype=object)
        codes = np.array([c for _, c in batch], dtype=np.int64)
        held.add(raw, codes, np.array([f"k{r}{c}" for r, c in batch], dtype=object))
        expected.update({r: (c, f"k{r}{c}") for r, c in batch})
        for column in (pd.Series(wanted, dtype=object), pd.Series(wanted, dtype="string[pyarrow]")):
            codes_, keys_ = held.lookup(column)
            assert [(int(c), k) for c, k in zip(codes_, keys_, strict=True)] == [
                expected.get(w, (-1, None)) for w in wanted
            ]


def test_blank_and_missing_ends_are_not_found() -> None:
    held = IdMap()
    assert not held and held.lookup(pd.Series(["P1"]))[0].tolist() == [-1]
    held.add(np.array(["P1", "P2"], dtype=object), 3)
    assert held
    codes, keys = held.lookup(pd.Series(["P2", None, "", "P9"], dtype=object))
    assert codes.tolist() == [3, -1, -1, -1] and keys.tolist() == [None, None, None, None]
