"""Rows held back from a bulk load until their table's batch is loaded, merged as stored rows are.

LadybugDB loads rows into an empty table fast and into a table that already holds rows slowly
(a COPY into a non-empty relationship table, and every UPDATE). Holding a file's new rows and
loading each table once means a row seen again in a later chunk merges in memory, by the same
rules as with a stored row (merge.collapse), instead of being written twice. A row merged into a
held one counts as part of the row first created, exactly as repeats within one chunk do, so a
file read in many chunks reports what it reports read whole.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph_intel.stores import merge
from graph_intel.stores.frames import member

#: Each row's identity: its key for a node, (from, to, identity properties) for a link.
Identify = Callable[[pd.DataFrame], list[Hashable]]


@dataclass
class HeldRows:
    """The held rows of one table: first sightings (one row per identity) and later repeats."""

    identify: Identify
    identity: Sequence[str]
    list_columns: Sequence[str]
    first: list[pd.DataFrame] = field(default_factory=list)
    repeats: list[pd.DataFrame] = field(default_factory=list)
    index: set[Hashable] = field(default_factory=set)
    repeated: set[Hashable] = field(default_factory=set)
    rows: int = 0

    def add(self, frame: pd.DataFrame) -> None:
        """Hold rows whose identities are not held yet (one row each)."""
        self.first.append(frame)
        self.index.update(self.identify(frame))
        self.rows += len(frame)

    def absorb(self, incoming: pd.DataFrame) -> pd.DataFrame:
        """Hold the incoming rows whose identity is held already, to merge later; return the others."""
        idents = self.identify(incoming)
        hit = np.fromiter((i in self.index for i in idents), dtype=bool, count=len(idents))
        if not hit.any():
            return incoming
        self.repeats.append(incoming[hit])
        self.repeated.update(i for i, h in zip(idents, hit, strict=True) if h)
        self.rows += int(hit.sum())
        return incoming[~hit]

    def take(self) -> pd.DataFrame:
        """Every held row, one per identity, merged by the upsert rules in arrival order."""
        first = _concat(self.first)
        if not self.repeats:
            return first
        # rows whose identity repeated: found by their first identity column (an Arrow lookup),
        # then checked whole, so few rows have their identity built
        heads = {i[0] if isinstance(i, tuple) else i for i in self.repeated}
        maybe = np.flatnonzero(member(first[self.identity[0]], heads))
        again = np.zeros(len(first), dtype=bool)
        again[maybe] = [i in self.repeated for i in self.identify(first.iloc[maybe])]
        merged = merge.collapse(_concat([first[again], *self.repeats]), self.identity, self.list_columns)
        return pd.concat([first[~again], merged], ignore_index=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
