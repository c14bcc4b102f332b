"""What parsing a chunk produces: frames for the store, and the rows it could not accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph_intel.schema import schema
from loaders.canonical.chunks import Chunk


@dataclass
class Problems:
    """Problems found in one chunk: which rows, which field, why."""

    chunk: Chunk
    bad: np.ndarray = field(init=False)
    records: list[dict[str, object]] = field(default_factory=list)
    faulty: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.chunk.frame), dtype=bool)
        faults = self.chunk.faults
        if faults:  # rows the reader could not read as they stand (a quote left open, a NUL byte)
            at = np.flatnonzero(np.isin(self.chunk.lines, np.fromiter(faults, dtype=np.int64)))
            for i in at.tolist():
                fieldname, why = faults[int(self.chunk.lines[i])]
                self._record(i, fieldname, why)
            self.bad[at] = True
        self.faulty = (
            self.bad.copy()
        )  # their reason is the reader's; parsers' findings on them add nothing

    def add(
        self,
        mask: pd.Series | np.ndarray,
        fieldname: str,
        reason: str | pd.Series | Callable[[], pd.Series],
    ) -> None:
        """Mark rows where `mask` holds as bad, for `reason`: a text, one per row, or a function
        giving one per row (called only when some row is bad, so the good path builds no texts)."""
        mask = np.asarray(mask, dtype=bool) & ~self.faulty
        if not mask.any():
            return
        if callable(reason):
            reason = reason()
        idx = np.flatnonzero(mask)
        reasons = reason[mask].tolist() if isinstance(reason, pd.Series) else [reason] * len(idx)
        for i, why in zip(idx, reasons, strict=True):
            self._record(int(i), fieldname, why)
        self.bad |= mask

    def _record(self, i: int, fieldname: str, why: object) -> None:
        self.records.append(
            {
                "file": self.chunk.file,
                "line": int(self.chunk.lines[i]),
                "field": fieldname,
                "reason": why,
                "row": json.dumps(self.chunk.frame.iloc[i].to_dict(), ensure_ascii=False),
            }
        )

    @property
    def good(self) -> np.ndarray:
        """Rows with no problem."""
        return ~self.bad


@dataclass
class Batch:
    """Frames ready for the store, grouped by entity kind and by (link, from kind, to kind)."""

    nodes: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    ensured: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    links: dict[tuple[str, str, str], list[pd.DataFrame]] = field(default_factory=dict)

    def add_nodes(self, entity: str, frame: pd.DataFrame) -> None:
        if not frame.empty:
            self.nodes.setdefault(entity, []).append(frame)

    def add_endpoint(self, entity: str, frame: pd.DataFrame) -> None:
        """An entity named by reference: phones and vehicles merge (their rows are their record);
        a dataset-scoped entity (person, location, event) is only created if missing, since its
        own file carries its provenance."""
        if frame.empty:
            return
        if schema().entity(entity).scope == "global":
            self.add_nodes(entity, frame)
        else:
            self.ensured.setdefault(entity, []).append(frame)

    def add_links(self, link: str, from_entity: str, to_entity: str, frame: pd.DataFrame) -> None:
        if not frame.empty:
            self.links.setdefault((link, from_entity, to_entity), []).append(frame)
