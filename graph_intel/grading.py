"""3x5x2 gradings: reading them, printing them, and filtering facts by a minimum grade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph_intel.stores.base import GraphStore

_MIN = re.compile(r"^\s*([1-3])\s*([A-Ea-e])\s*$")


class GradeError(ValueError):
    """A minimum grade is not of the form 2B."""


@dataclass(frozen=True)
class MinGrade:
    """A 3x5x2 floor: source evaluation at least as good as `source` (1 best), intel as `intel` (A best)."""

    source: int
    intel: str

    @classmethod
    def parse(cls, text: str | None) -> MinGrade | None:
        """'2B' -> MinGrade(2, 'B'); None or '' -> None (no floor)."""
        if not text:
            return None
        match = _MIN.match(text)
        if not match:
            raise GradeError(f"minimum grade {text!r} must be a source evaluation 1-3 and an intelligence assessment A-E, e.g. 2B")
        return cls(int(match.group(1)), match.group(2).upper())

    def admits(self, scheme: Any, source_eval: Any, intel_eval: Any) -> bool:
        """Whether a source's grades meet the floor. Legacy 5x5x5 grades are never converted, so never meet a 3x5x2 floor."""
        if (scheme or "3x5x2") != "3x5x2":
            return False
        try:
            return int(source_eval) <= self.source and str(intel_eval).upper() <= self.intel
        except (TypeError, ValueError):
            return False


def grading_label(scheme: Any, source_eval: Any, intel_eval: Any, handling: Any) -> str | None:
    """'2B P' (or '5x5x5 B2 4' for a legacy record); None when the source is ungraded."""
    parts = [str(p) for p in (source_eval, intel_eval) if p is not None and not pd.isna(p) and str(p)]
    if not parts:
        return None
    text = "".join(parts)
    if handling is not None and not pd.isna(handling) and str(handling):
        text += f" {handling}"
    if scheme and not pd.isna(scheme) and scheme != "3x5x2":
        text = f"{scheme} {text}"
    return text


def source_table(store: GraphStore) -> pd.DataFrame:
    """Every source, indexed by key: id, dataset, agency, recorded_at, reference, grading label."""
    frame = store.nodes("Source")
    if frame.empty:
        return pd.DataFrame(columns=["id", "dataset", "agency", "recorded_at", "reference", "grading",
                                     "scheme", "source_eval", "intel_eval", "handling"])
    frame["grading"] = [
        grading_label(s, a, b, h)
        for s, a, b, h in zip(frame["scheme"], frame["source_eval"], frame["intel_eval"], frame["handling"], strict=True)
    ]
    return frame.set_index("key")


def admitted_sources(sources: pd.DataFrame, minimum: MinGrade | None) -> set[str]:
    """Keys of the sources that meet `minimum` (all of them when there is no floor)."""
    if minimum is None:
        return set(sources.index)
    return {
        key
        for key, s, a, b in zip(sources.index, sources["scheme"], sources["source_eval"], sources["intel_eval"], strict=True)
        if minimum.admits(s, a, b)
    }


def filter_by_grade(facts: pd.DataFrame, sources: pd.DataFrame, minimum: MinGrade | None) -> pd.DataFrame:
    """Facts (rows with a `sources` list) backed by at least one source meeting the floor."""
    if minimum is None or facts.empty:
        return facts
    ok = admitted_sources(sources, minimum)
    keep = [any(s in ok for s in (srcs if isinstance(srcs, list | tuple) else list(srcs))) for srcs in facts["sources"]]
    return facts[keep]
