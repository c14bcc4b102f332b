"""Start-up of `--help` and `show`: what a fresh interpreter imports (no timings asserted).

`graph-intel --help` imports no analysis library at all; `graph-intel show person C1` opens the
embedded store and reads one entity without pandas (the store reads plain rows for it). Each is
run as a real command in a fresh interpreter under `python -X importtime`, on a store the real
`demo` command made, and its output is checked too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: What a command that only prints its help must not import.
NOT_FOR_HELP = {"pandas", "numpy", "pyarrow", "igraph", "networkx", "leidenalg", "ladybug"}
#: What `show` must not import: it opens the store (ladybug) and reads one entity's rows.
NOT_FOR_SHOW = {"pandas", "numpy", "pyarrow", "igraph", "networkx", "leidenalg"}


def _run(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m graph_intel ARGS`: the process, and every module it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "graph_intel", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return proc, modules


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the demo store, made by the real `graph-intel demo` command."""
    root = tmp_path_factory.mktemp("startup")
    proc = subprocess.run(
        [sys.executable, "-m", "graph_intel", "demo", "--out", "demo", "--store", "store"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root


def test_help_imports_no_heavy_library(tmp_path: Path) -> None:
    proc, modules = _run(tmp_path, "--help")
    assert "show" in proc.stdout
    assert not _tops(modules) & NOT_FOR_HELP, sorted(_tops(modules) & NOT_FOR_HELP)
    assert "pyarrow.compute" not in modules


def test_show_reads_one_entity_without_pandas(demo_dir: Path) -> None:
    proc, modules = _run(demo_dir, "show", "person", "C1", "--store", "store", "--json")
    assert "ladybug" in _tops(modules)  # the store was really opened
    assert not _tops(modules) & NOT_FOR_SHOW, sorted(_tops(modules) & NOT_FOR_SHOW)
    doc = json.loads(proc.stdout)
    assert (doc["kind"], doc["id"]) == ("person", "C1")
    assert doc["links"], "C1's links were read"
    assert any(link["id"] == "C2" and link["link"] == "introduced" for link in doc["links"])


def test_show_text_reads_without_pandas(demo_dir: Path) -> None:
    proc, modules = _run(demo_dir, "show", "person", "C1", "--store", "store")
    assert not _tops(modules) & NOT_FOR_SHOW, sorted(_tops(modules) & NOT_FOR_SHOW)
    assert "person C1" in proc.stdout
    assert "introduced" in proc.stdout


@pytest.mark.parametrize(
    ("kind", "spelling", "key"),
    [("phone", "07700 900202", "+447700900202"), ("vehicle", "hx59 txk", "HX59TXK")],
)
def test_show_phone_and_vehicle_clean_the_id_without_pandas(
    demo_dir: Path, kind: str, spelling: str, key: str
) -> None:
    """The id as an analyst types it is cleaned (E.164, a VRM's spacing and case) by the loaders'
    value types, one value at a time: the package's column code (pandas) is never imported."""
    proc, modules = _run(demo_dir, "show", kind, spelling, "--store", "store", "--json")
    assert not _tops(modules) & NOT_FOR_SHOW, sorted(_tops(modules) & NOT_FOR_SHOW)
    doc = json.loads(proc.stdout)
    assert (doc["kind"], doc["id"]) == (kind, key)
    assert doc["links"], f"{kind} {key}'s links were read"


def test_show_help_imports_no_heavy_library(tmp_path: Path) -> None:
    proc, modules = _run(tmp_path, "show", "--help")
    assert "Usage" in proc.stdout
    assert not _tops(modules) & NOT_FOR_HELP, sorted(_tops(modules) & NOT_FOR_HELP)
