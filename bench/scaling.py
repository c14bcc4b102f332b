"""How a benchmark's cost grows: each measured path run in a child process at three sizes, its
wall and CPU seconds and peak resident memory (the child's own, from wait4), and the growth
exponent k between sizes (time ~ size^k: 1 is linear, 2 quadratic).

Shared by the bench/ scripts that time a path at one size (import.py, ingest.py, resolve.py,
network.py); bench/analysis.py does the same for the read commands, each already a process.
"""

from __future__ import annotations

import math
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Measure:
    """One path at one size: wall and CPU seconds, the child's peak resident MB, what it returned."""

    wall: float
    cpu: float
    peak_mb: float
    value: Any = None


def in_child(fn: Callable[..., Any], *args: Any) -> Measure:
    """Run `fn(*args)` in a forked child; its wall time, CPU time and peak memory (never the parent's).

    The child's own peak resident set comes from wait4, so each path's memory is its own even when
    the parent ran larger ones before. `fn`'s result travels back pickled (keep it small)."""
    read, write = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: run, send the result, leave without the parent's exit handlers
        os.close(read)
        code = 0
        try:
            payload = pickle.dumps(("ok", fn(*args)))
        except BaseException:  # noqa: BLE001 - reported by the parent
            payload, code = pickle.dumps(("error", traceback.format_exc())), 1
        with os.fdopen(write, "wb") as out:
            out.write(payload)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    kind, value = pickle.loads(data) if data else ("error", f"the child ended with status {status}")
    if kind == "error":
        raise RuntimeError(f"the benchmarked path failed in its child process:\n{value}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, value)


def three_sizes(largest: int, floor: int = 1) -> list[int]:
    """largest/4, largest/2 and largest (never below `floor`, never twice the same)."""
    return sorted({max(largest // 4, floor), max(largest // 2, floor), max(largest, floor)})


def exponent(t1: float, t2: float, n1: float, n2: float) -> float | None:
    """k in t ~ n^k between two sizes (None where a time or the size ratio gives nothing)."""
    if t1 <= 0 or t2 <= 0 or n1 <= 0 or n2 <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, printed beside every figure."""
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


@dataclass
class Growth:
    """The measures of each path at each size, printed as one table at the end of a run."""

    unit: str
    sizes: list[int] = field(default_factory=list)
    runs: dict[str, dict[int, Measure]] = field(default_factory=dict)

    def add(self, path: str, size: int, measure: Measure) -> None:
        if size not in self.sizes:
            self.sizes.append(size)
        self.runs.setdefault(path, {})[size] = measure

    def print(self) -> None:
        """Per path: wall s at each size, the exponents between them, the largest peak memory."""
        sizes = sorted(self.sizes)
        head = "".join(f"{f'{n:,} {self.unit}':>18}" for n in sizes)
        print("\ngrowth (wall s at each size; k: time ~ size^k; peak: the child's resident MB)")
        print(f"{'path':<34}{head}{'k':>14}{'peak MB':>10}")
        for path, by_size in self.runs.items():
            cells = "".join(
                f"{by_size[n].wall:>18.2f}" if n in by_size else f"{'-':>18}" for n in sizes
            )
            ks = [
                exponent(by_size[a].wall, by_size[b].wall, a, b)
                for a, b in zip(sizes, sizes[1:], strict=False)
                if a in by_size and b in by_size
            ]
            shown = ", ".join("-" if k is None else f"{k:.2f}" for k in ks) or "-"
            peak = max(m.peak_mb for m in by_size.values())
            peak_cell = f"{peak:>10.0f}" if peak else f"{'-':>10}"  # 0: not measured
            print(f"{path:<34}{cells}{shown:>14}{peak_cell}")
        print(f"load average: {load_average()}")


if __name__ == "__main__":
    print(__doc__)
