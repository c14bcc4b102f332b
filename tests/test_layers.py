"""The layers of docs/architecture.md, as import-linter checks them (the contract in pyproject.toml).

The contract passes on the tree as it is, and fails, naming the import, when a loader imports a
store or two modules of a package import each other: shown on a copy of the packages with the
violation planted, so the check is seen to bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT.exists(), reason="import-linter is not installed (pip install -e '.[test]')"
)


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [str(LINT), "--no-cache", str(where / "pyproject.toml")],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    for package in ("graph_intel", "loaders", "api"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_loader_that_imports_a_store_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    (tree / "loaders" / "canonical" / "planted.py").write_text(
        '"""A loader that writes to the store itself: not allowed."""\n\n'
        "from graph_intel.stores.base import GraphStore\n\n__all__ = ['GraphStore']\n"
    )
    result = _lint(tree)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout
    assert "loaders.canonical.planted -> graph_intel.stores.base" in result.stdout


def test_an_analysis_that_imports_the_cli_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    with (tree / "graph_intel" / "analysis" / "players.py").open("a") as handle:
        handle.write("\nfrom graph_intel.cli import common as _common  # noqa: E402,F401\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "graph_intel.analysis.players -> graph_intel.cli.common" in result.stdout


def test_an_import_circle_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    with (tree / "loaders" / "mapping" / "engine.py").open("a") as handle:
        handle.write(
            "\n\ndef _circle() -> None:\n    from loaders.mapping import admin  # noqa: F401\n"
        )
    result = _lint(tree)
    assert result.returncode == 1
    assert "No cycles are allowed in loaders.mapping" in result.stdout, result.stdout
