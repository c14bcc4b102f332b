"""Set membership over key columns, vectorised: `isin(column, keys)` without a Python object per key.

pandas' `Series.isin` on Arrow-backed strings makes a pyarrow scalar of every value in the set, one
by one, on each call; over 100,000 adults and a million facts that is most of an analysis. Here the
set becomes one Arrow array and pyarrow's `is_in` does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def isin(column: pd.Series, keys: Iterable[object]) -> np.ndarray:
    """A boolean mask: whether each value of `column` is one of `keys` (missing values never are)."""
    values = keys if isinstance(keys, list) else list(keys)
    if not values or column.empty:
        return np.zeros(len(column), dtype=bool)
    try:
        arr = pa.array(column.array, from_pandas=True)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            raise TypeError(arr.type)
        wanted = pa.array([v for v in values if isinstance(v, str)], type=arr.type)
    except (TypeError, pa.ArrowException):
        return column.isin(values).to_numpy(dtype=bool)
    return np.asarray(pc.is_in(arr, value_set=wanted).fill_null(False), dtype=bool)
