"""The synthetic demo dataset: a small hand-written case (story.py), its planted truths
(planted.py) and a vectorised background generator for benchmarks (scale.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from graph_intel.demo import story

__all__ = ["write_demo"]


def _write_story(out: Path) -> None:
    """Write the scale-0 rows of every file, with its header, as UTF-8 CSV."""
    for name, columns in story.COLUMNS.items():
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(
                fh, fieldnames=columns, lineterminator="\n", extrasaction="raise"
            )
            writer.writeheader()
            for row in story.ROWS_BY_FILE[name]:
                writer.writerow({c: row.get(c, "") for c in columns})


def write_demo(out: Path, scale: int = 0, seed: int = 7) -> Path:
    """Write the demo dataset as canonical CSV files into `out` (created), return `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _write_story(out)
    if scale > 0:
        from graph_intel.demo.scale import append_background

        append_background(out, scale=scale, seed=seed)
    return out
