"""Export executed notebooks to HTML that works offline: nbconvert's `basic` body (no require.js,
MathJax or mermaid from a CDN) inside a minimal page with its own styles and a Content-Security-Policy
that lets nothing load from anywhere.

    .venv/bin/python tools/export_notebooks.py notebooks/01-getting-started.ipynb --out exported/
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "frame-src 'self' data: about:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
STYLE = """body { font: 15px/1.5 sans-serif; color: #212121; max-width: 1100px; margin: 1em auto; padding: 0 1em; }
pre { background: #f5f5f5; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #b0bec5; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; }
img { max-width: 100%; }
.jp-InputPrompt, .jp-OutputPrompt { display: none; }"""


def offline_html(nb: nbformat.NotebookNode, title: str) -> str:
    """One executed notebook as a self-contained page that loads nothing from the network."""
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(nb)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n<meta name="referrer" content="no-referrer">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--out", type=Path, required=True, help="the folder to write the HTML files into"
    )
    args = parser.parse_args(argv)
    if not args.out.is_dir():
        sys.stderr.write(f"--out: the folder {args.out} does not exist\n")
        return 2
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        (args.out / f"{path.stem}.html").write_text(offline_html(nb, path.stem), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
