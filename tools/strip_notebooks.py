"""Strip the analyst notebooks for committing: no outputs, no execution counts, no metadata but the kernelspec.

.venv/bin/python tools/strip_notebooks.py            # strip notebooks/*.ipynb in place
.venv/bin/python tools/strip_notebooks.py --check    # exit 1 naming any notebook not stripped
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as committed: cells' sources only, and the python3 kernelspec."""
    nb.metadata = nbformat.NotebookNode({"kernelspec": KERNELSPEC})
    for cell in nb.cells:
        cell.metadata = nbformat.NotebookNode()
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def main(argv: list[str] | None = None) -> int:
    """Strip (or with --check, only report) every notebook given, default notebooks/*.ipynb."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)"
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if any is not stripped"
    )
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    dirty = []
    for path in paths:
        before = path.read_text(encoding="utf-8")
        nb = strip(nbformat.reads(before, as_version=4))
        after = nbformat.writes(nb) + "\n"
        if after != before:
            dirty.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    for path in dirty:
        print(f"{path}: {'not stripped' if args.check else 'stripped'}", file=sys.stderr)
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())
