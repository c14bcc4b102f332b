"""Node ids of a neo4j-admin id space, looked up a whole column at a time.

A relationship file names its ends by the `:ID`s of node files. The admin reader remembers, per id
space, each node's entity kind and store key (or why it was left out), and resolves a column of
ends with one hash lookup instead of one Python call per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class IdMap:
    """Raw ids -> (a small integer code, a key); a later id replaces an earlier one of the same spelling."""

    _raw: list[np.ndarray] = field(default_factory=list)
    _codes: list[np.ndarray] = field(default_factory=list)
    _keys: list[np.ndarray] = field(default_factory=list)
    _built: tuple[pa.Array, np.ndarray, np.ndarray] | None = None

    def __bool__(self) -> bool:
        return any(len(r) for r in self._raw)

    def add(self, raw: np.ndarray, code: int | np.ndarray, keys: np.ndarray | None = None) -> None:
        """Remember `raw` ids with their code (one for all, or one each) and keys (None: no key)."""
        raw = np.asarray(raw, dtype=object)
        if not len(raw):
            return
        codes = np.broadcast_to(np.asarray(code, dtype=np.int64), raw.shape).copy()
        held = (
            np.asarray(keys, dtype=object)
            if keys is not None
            else np.full(len(raw), None, dtype=object)
        )
        self._raw.append(raw)
        self._codes.append(codes)
        self._keys.append(held)
        self._built = None

    def _table(self) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """The ids newest first (a lookup finds the first match, so a later id wins), with their codes and keys."""
        if self._built is None:
            raw = np.concatenate(self._raw) if self._raw else np.array([], dtype=object)
            codes = np.concatenate(self._codes) if self._codes else np.array([], dtype=np.int64)
            keys = np.concatenate(self._keys) if self._keys else np.array([], dtype=object)
            self._raw, self._codes, self._keys = [raw], [codes], [keys]
            self._built = (
                pa.array(raw[::-1], type=pa.string(), from_pandas=True),
                codes[::-1],
                keys[::-1],
            )
        return self._built

    def lookup(self, values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code, key) of each value; code -1 and key None where the id is not held (one Arrow hash lookup)."""
        ids, codes, keys = self._table()
        n = len(values)
        if not len(ids) or not n:
            return np.full(n, -1, dtype=np.int64), np.full(n, None, dtype=object)
        wanted = pa.array(
            values.array if isinstance(values, pd.Series) else values,
            type=pa.string(),
            from_pandas=True,
        )
        where = np.asarray(
            pc.index_in(wanted, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        found = where >= 0
        safe = np.where(found, where, 0)
        held = keys[safe]
        held[~found] = None
        return np.where(found, codes[safe], -1), held
