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

    def add(self, frame: pd.DataFrame, identities: Sequence[Hashable]) -> None:
        """Hold rows whose identities (given, one per row) are not held yet."""
        self.first.append(frame)
        self.index.update(identities)
        self.rows += len(frame)

    def absorb(
        self, incoming: pd.DataFrame, identities: list[Hashable]
    ) -> tuple[pd.DataFrame, list[Hashable]]:
        """Hold the incoming rows whose identity is held already, to merge later; return the
        others (renumbered from 0) and their identities."""
        hit = np.fromiter((i in self.index for i in identities), dtype=bool, count=len(identities))
        if not hit.any():
            return incoming, identities
        self.repeats.append(incoming[hit])
        self.repeated.update(i for i, h in zip(identities, hit, strict=True) if h)
        self.rows += int(hit.sum())
        rest = [i for i, h in zip(identities, hit, strict=True) if not h]
        return incoming[~hit].reset_index(drop=True), rest

    def take(self) -> pd.DataFrame:
        """Every held row, one per identity, merged by the upsert rules in arrival order."""
        first = _concat(self.first)
        if not self.repeats:
            return first
        # rows whose identity repeated: found by their first identity column (an Arrow lookup),
        # then checked whole, so few rows have their identity built
        heads = {str(i[0]) if isinstance(i, tuple) else str(i) for i in self.repeated}
        maybe = np.flatnonzero(member(first[self.identity[0]], heads))
        again = np.zeros(len(first), dtype=bool)
        again[maybe] = [i in self.repeated for i in self.identify(first.iloc[maybe])]
        merged = merge.collapse(
            _concat([first[again], *self.repeats]), self.identity, self.list_columns
        )
        return pd.concat([first[~again], merged], ignore_index=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
