"""The analyst notebooks (notebooks/*.ipynb): each runs top to bottom on a fresh kernel, and is committed stripped.

The kernel is this interpreter (sys.executable), through a kernelspec written to a temporary
folder, so the notebooks run against the project installed in the test's own environment and
never against whatever `python3` kernel happens to be registered on the machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 300
KERNEL = "graph-intel-test"
PROBE = "import sys, graph_intel; print(sys.executable)"
STRIP_HINT = "strip it with `.venv/bin/python tools/strip_notebooks.py` before committing"


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 5, f"expected at least five notebooks in notebooks/, found {len(NOTEBOOKS)}"


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec folder whose one kernel runs this test's own interpreter."""
    root = tmp_path_factory.mktemp("kernels")
    spec = root / KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "graph-intel tests",
        "language": "python",
    }), encoding="utf-8")
    return root


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= {"kernelspec"}, f"{path.name}: notebook metadata beyond kernelspec: {sorted(nb.metadata)}; {STRIP_HINT}"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec must be python3"
    for number, cell in enumerate(nb.cells, 1):
        assert not cell.get("metadata"), f"{path.name} cell {number}: cell metadata {dict(cell.metadata)}; {STRIP_HINT}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {number}: has outputs; {STRIP_HINT}"
            assert cell.execution_count is None, f"{path.name} cell {number}: has an execution count; {STRIP_HINT}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, kernel_dir: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))
    client = NotebookClient(nb, km=manager, timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    probe = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert Path(probe).resolve() == Path(sys.executable).resolve(), f"kernel ran {probe!r}, not {sys.executable}"
    last = nb.cells[-1]
    assert last.cell_type == "code", f"{path.name}: must end with a computed 'What we found' cell"
    summary = "".join(o.get("text", "") for o in last.outputs if o.get("output_type") == "stream")
    assert summary.strip(), f"{path.name}: the last cell printed no findings"
    heading = nb.cells[-2]
    assert heading.cell_type == "markdown" and "what we found" in heading.source.lower(), (
        f"{path.name}: the next-to-last cell must be the 'What we found' heading"
    )
    # The kernel's working folder is tmp_path: a notebook writes only into its own tempfile folder.
    assert not list(tmp_path.iterdir()), f"{path.name} wrote into its working folder: {sorted(tmp_path.iterdir())}"
