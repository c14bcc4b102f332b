"""igraph is imported for the analyses without its matplotlib drawing back end (0.65 s of start-up),
and matplotlib stays importable afterwards for everything else (a real fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import graph_intel.analysis.groups
assert "matplotlib" not in sys.modules, "igraph pulled matplotlib in"
from graph_intel.analysis.igraph_lib import ig, leidenalg
g = ig.Graph(edges=[(0, 1), (1, 2), (3, 4)])
assert len(g.connected_components()) == 2
import matplotlib
assert matplotlib.__version__
print("ok")
"""


def test_analyses_import_igraph_without_matplotlib() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"
