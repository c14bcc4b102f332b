"""Every benchmark runs (at a tiny size): nothing about time is asserted, only that it can run.

.ci/run also runs each benchmark at a small size; these keep a broken benchmark from surviving a
plain `pytest` run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted(p.name for p in (ROOT / "bench").glob("*.py"))


def _run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("bench", BENCHES)
def test_every_benchmark_starts(bench: str) -> None:
    proc = _run(f"bench/{bench}", "--help", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_end_to_end_analysis_benchmark_runs_commands_from_a_store(tmp_path: Path) -> None:
    proc = _run(
        "bench/analysis.py",
        "--sizes",
        "0",
        "--data",
        str(tmp_path),
        "--only",
        "show,groups,hotspots",
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "groups" in proc.stdout and "networkx" in proc.stdout and "Cypher" in proc.stdout


def test_the_api_benchmark_reports_memory() -> None:
    proc = _run("bench/api.py", "--seconds", "1", "--clients", "2", "--routes", "show")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "resident memory" in proc.stdout
    assert "answer cache at the end" in proc.stdout
