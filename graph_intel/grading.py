"""3x5x2 gradings: reading them, printing them, and filtering facts by a minimum grade."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph_intel.stores.base import GraphStore

_MIN = re.compile(r"^\s*([1-3])\s*([A-Ea-e])\s*$|^\s*([A-Ea-e])\s*([1-5])\s*$")


class GradeError(ValueError):
    """A minimum grade is not of the form 2B (3x5x2) or B2 (legacy 5x5x5)."""


@dataclass(frozen=True)
class MinGrade:
    """A grading floor in one scheme: 3x5x2 (source 1-3, intelligence A-E; `2B`) or 5x5x5 (`B2`).

    Grades of the two schemes are never converted, so a source meets a floor only when it is
    graded in the floor's scheme, at least as well on both axes (1 and A are best).
    """

    source: str
    intel: str
    scheme: str = "3x5x2"

    def __post_init__(self) -> None:
        # MinGrade(2, "b") means the same as MinGrade.parse("2B").
        object.__setattr__(self, "source", str(self.source).upper())
        object.__setattr__(self, "intel", str(self.intel).upper())

    @classmethod
    def parse(cls, text: str | None) -> MinGrade | None:
        """'2B' -> 3x5x2 floor, 'B2' -> 5x5x5 floor; None or '' -> None (no floor)."""
        if not text:
            return None
        match = _MIN.match(text)
        if not match:
            raise GradeError(
                f"minimum grade {text!r}: give a 3x5x2 grade like 2B (source 1-3, intelligence A-E) "
                "or a legacy 5x5x5 grade like B2"
            )
        if match.group(1):
            return cls(match.group(1), match.group(2).upper())
        return cls(match.group(3).upper(), match.group(4), scheme="5x5x5")

    def admits(self, scheme: Any, source_eval: Any, intel_eval: Any) -> bool:
        """Whether a source graded so meets the floor (an ungraded source never does)."""
        if _blank(scheme):
            scheme = "3x5x2"
        if scheme != self.scheme or _blank(source_eval) or _blank(intel_eval):
            return False
        return str(source_eval).upper() <= self.source and str(intel_eval).upper() <= self.intel

    def admits_source(self, source: Mapping[str, Any]) -> bool:
        """`admits` for a source given as a mapping with scheme, source_eval and intel_eval."""
        return self.admits(
            source.get("scheme"), source.get("source_eval"), source.get("intel_eval")
        )


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value))


def grading_label(scheme: Any, source_eval: Any, intel_eval: Any, handling: Any) -> str | None:
    """'2B P' (or '5x5x5 B2 4' for a legacy record); None when the source is ungraded."""
    parts = [
        str(p) for p in (source_eval, intel_eval) if p is not None and not pd.isna(p) and str(p)
    ]
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
        return pd.DataFrame(
            columns=[
                "id",
                "dataset",
                "agency",
                "recorded_at",
                "reference",
                "grading",
                "scheme",
                "source_eval",
                "intel_eval",
                "handling",
            ]
        )
    frame["grading"] = [
        grading_label(s, a, b, h)
        for s, a, b, h in zip(
            frame["scheme"],
            frame["source_eval"],
            frame["intel_eval"],
            frame["handling"],
            strict=True,
        )
    ]
    return frame.set_index("key")


def admitted_sources(sources: pd.DataFrame, minimum: MinGrade | None) -> set[str]:
    """Keys of the sources that meet `minimum` (all of them when there is no floor)."""
    if minimum is None:
        return set(sources.index)
    return {
        key
        for key, s, a, b in zip(
            sources.index,
            sources["scheme"],
            sources["source_eval"],
            sources["intel_eval"],
            strict=True,
        )
        if minimum.admits(s, a, b)
    }


def filter_by_grade(
    facts: pd.DataFrame, sources: pd.DataFrame, minimum: MinGrade | None
) -> pd.DataFrame:
    """Facts (rows with a `sources` list) backed by at least one source meeting the floor."""
    if minimum is None or facts.empty:
        return facts
    ok = admitted_sources(sources, minimum)
    keep = [
        any(s in ok for s in (srcs if isinstance(srcs, list | tuple) else list(srcs)))
        for srcs in facts["sources"]
    ]
    return facts[keep]
