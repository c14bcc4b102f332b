"""Print-ready documents of the hub: the briefing as one self-contained HTML file, and its PDF.

The same template serves the hub's briefing page and `graph-intel briefing --out FILE.html`; the
file carries its print styles inline (A4, the protective marking at the top and bottom of every
page, who produced it and when, the data's as-of date, page x of y, table headers repeated), so
it prints the same anywhere. `--pdf` prints it through headless Chromium where it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from api.web.state import page_environment
from graph_intel.stores.base import GraphStore

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def environment() -> Any:
    """The hub's templates (autoescaped)."""
    return page_environment()


def print_css(
    marking: str, produced_by: str, produced_at: str, as_of: str, reference: str = ""
) -> str:
    """The print stylesheet with its page margin boxes filled in."""
    return (
        environment()
        .get_template("print.css.j2")
        .render(
            marking=marking,
            produced_by=produced_by,
            produced_at=produced_at,
            as_of=as_of,
            reference=reference,
        )
    )


def briefing_html(doc: dict[str, Any]) -> str:
    """The briefing document (api.web.views.briefing_document) as one self-contained HTML page."""
    from urllib.parse import quote

    css = print_css(
        doc["marking"],
        doc["produced_by"],
        doc["produced_at"],
        doc["data_as_of"],
        doc.get("reference", ""),
    )
    return (
        environment()
        .get_template("briefing.html")
        .render(doc=doc, inline_css=css, form=False, prefix="", q=quote)
    )


def write_briefing(
    store: GraphStore,
    since: date,
    as_of: date,
    out: Path,
    produced_by: str,
    marking: str,
    reference: str = "",
    include_restricted: bool = False,
) -> dict[str, Any]:
    """Write the briefing to `out` (HTML); returns what it holds."""
    from api.web.views import briefing_document

    doc = briefing_document(
        store,
        since,
        as_of,
        produced_by=produced_by,
        marking=marking,
        reference=reference,
        include_restricted=include_restricted,
    )
    out.write_text(briefing_html(doc), encoding="utf-8")
    return {
        "file": str(out),
        "children": len(doc["children"]),
        "breaches": len(doc["breach_rows"]),
        "marking": marking,
        "since": doc["since"],
        "as_of": doc["as_of"],
    }


def chromium() -> str | None:
    """The headless Chromium on this machine, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print an HTML file to PDF through headless Chromium, offline (every request to a dead proxy)."""
    browser = chromium()
    if browser is None:
        raise FileNotFoundError(
            "headless Chromium is not installed (apt-get install chromium): the HTML file is written, print it from a browser"
        )
    profile = tempfile.mkdtemp(prefix="gi-print-")
    try:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--proxy-server=127.0.0.1:9",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf.resolve()}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not pdf.is_file():
        raise RuntimeError(f"Chromium did not write the PDF: {done.stderr.strip()[-300:]}")
    return pdf
