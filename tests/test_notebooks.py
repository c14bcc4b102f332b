"""The analyst notebooks (notebooks/*.ipynb): each runs top to bottom on a fresh kernel, and is committed stripped.

The kernel is this interpreter (sys.executable), through a kernelspec written to a temporary
folder, so the notebooks run against the project installed in the test's own environment and
never against whatever `python3` kernel happens to be registered on the machine.
"""

from __future__ import annotations

import json
import re
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
REMOTE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)
STRIP_HINT = "strip it with `.venv/bin/python tools/strip_notebooks.py` before committing"


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 5, (
        f"expected at least five notebooks in notebooks/, found {len(NOTEBOOKS)}"
    )


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec folder whose one kernel runs this test's own interpreter."""
    root = tmp_path_factory.mktemp("kernels")
    spec = root / KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "graph-intel tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= {"kernelspec"}, (
        f"{path.name}: notebook metadata beyond kernelspec: {sorted(nb.metadata)}; {STRIP_HINT}"
    )
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: kernelspec must be python3"
    )
    for number, cell in enumerate(nb.cells, 1):
        assert not cell.get("metadata"), (
            f"{path.name} cell {number}: cell metadata {dict(cell.metadata)}; {STRIP_HINT}"
        )
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {number}: has outputs; {STRIP_HINT}"
            assert cell.execution_count is None, (
                f"{path.name} cell {number}: has an execution count; {STRIP_HINT}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, kernel_dir: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    manager = KernelManager(
        kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    )
    client = NotebookClient(
        nb, km=manager, timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(tmp_path)}}
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    probe = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert Path(probe).resolve() == Path(sys.executable).resolve(), (
        f"kernel ran {probe!r}, not {sys.executable}"
    )
    last = nb.cells[-1]
    assert last.cell_type == "code", f"{path.name}: must end with a computed 'What we found' cell"
    summary = "".join(o.get("text", "") for o in last.outputs if o.get("output_type") == "stream")
    assert summary.strip(), f"{path.name}: the last cell printed no findings"
    heading = nb.cells[-2]
    assert heading.cell_type == "markdown" and "what we found" in heading.source.lower(), (
        f"{path.name}: the next-to-last cell must be the 'What we found' heading"
    )
    # The kernel's working folder is tmp_path: a notebook writes only into its own tempfile folder.
    assert not list(tmp_path.iterdir()), (
        f"{path.name} wrote into its working folder: {sorted(tmp_path.iterdir())}"
    )
    _outputs_are_tidy(path.name, nb)
    _exported_html_is_offline(path, nb)


def _outputs_are_tidy(name: str, nb: nbformat.NotebookNode) -> None:
    """No NaN in what a cell prints or shows, and no raw lists of dicts, dicts or truncated text in its tables.

    A network picture's HTML (an iframe holding the inlined vis-network library) is not read for
    NaN: the library's own code holds the word; the picture's words are in its nodes' labels.
    """
    for number, cell in enumerate(nb.cells[1:], 1):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            tables = "".join(data.get("text/html", ""))
            shown = "" if "<iframe" in tables else tables
            text = "".join(output.get("text", "")) + "".join(data.get("text/plain", "")) + shown
            assert not re.search(r"\bNaN\b", text), (
                f"{name} cell {number}: 'NaN' in its output:\n{text[:600]}"
            )
            if "<table" in tables:
                assert "[{" not in tables, (
                    f"{name} cell {number}: a raw list of dicts in a table:\n{tables[:600]}"
                )
                assert not re.search(r"<td>\[(?:'|&#x27;|\])", tables), (
                    f"{name} cell {number}: a raw list in a table:\n{tables[:600]}"
                )
                assert "{'" not in tables and "{&#x27;" not in tables, (
                    f"{name} cell {number}: a dict in a table"
                )
                assert "...</td>" not in tables and "\u2026</td>" not in tables, (
                    f"{name} cell {number}: truncated text"
                )


def _exported_html_is_offline(path: Path, nb: nbformat.NotebookNode) -> None:
    """The notebook exported to HTML (tools/export_notebooks.py) loads no script, style or image from off the machine."""
    sys.path.insert(0, str(path.parents[1] / "tools"))
    try:
        from export_notebooks import offline_html
    finally:
        sys.path.pop(0)
    page = offline_html(nb, path.stem)
    remote = REMOTE.findall(page)
    assert not remote, f"{path.name}: the exported HTML references the network: {remote[:5]}"
    assert 'import("http' not in page and "import('http" not in page, (
        f"{path.name}: the exported HTML imports a module from the network"
    )
