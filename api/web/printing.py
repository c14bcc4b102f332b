"""Print-ready documents of the hub: briefing, CAWN evidence pack, chronology and network picture.

Every document carries the same print stylesheet inline (A4, the protective marking at the top and
bottom of every page, who produced it and when, the data's as-of date, the case or operation
reference, page x of y, table headers repeated on every page), so it prints the same anywhere; the
same templates serve the hub's pages and the command line's `--out FILE.html`. `--pdf` prints a
file through headless Chromium where it is installed. Restricted material (handling code C) is left
out unless asked for, and then each such item is marked (the commands behind the documents do it).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.web.state import page_environment
from graph_intel.stores.base import GraphStore

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: The marking when none is configured (graph_intel.settings.Settings.protective_marking).
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Imprint:
    """What every printed page says about the document: marking, who and when, as-of, reference."""

    marking: str = DEFAULT_MARKING
    produced_by: str = ""
    as_of: str = ""
    reference: str = ""
    produced_at: str = field(default_factory=_now)

    def css(self) -> str:
        """The print stylesheet with its page margin boxes filled in from this imprint."""
        return print_css(
            self.marking, self.produced_by, self.produced_at, self.as_of, self.reference
        )


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

    css = Imprint(
        doc["marking"],
        doc["produced_by"],
        doc["data_as_of"],
        doc.get("reference", ""),
        doc["produced_at"],
    ).css()
    return (
        environment()
        .get_template("briefing.html")
        .render(doc=doc, inline_css=css, form=False, prefix="", q=quote)
    )


def write_briefing(doc: dict[str, Any], out: Path) -> dict[str, Any]:
    """Write a briefing document (api.web.views.briefing_document) to `out` (HTML); returns what it holds."""
    out.write_text(briefing_html(doc), encoding="utf-8")
    return {
        "file": str(out),
        "children": len(doc["children"]),
        "breaches": len(doc["breach_rows"]),
        "marking": doc["marking"],
        "since": doc["since"],
        "as_of": doc["as_of"],
    }


def pack_html(data: dict[str, Any], imprint: Imprint) -> str:
    """A CAWN evidence pack (graph_intel.safeguarding.pack.pack_data) as a print-ready page."""
    from graph_intel.safeguarding.pack import render_pack

    return render_pack(data, print_css=imprint.css(), imprint=imprint)


def write_pack(
    store: GraphStore, adult: str, child: str, out: Path, imprint: Imprint, **options: Any
) -> dict[str, Any]:
    """Write the print-ready evidence pack to `out`; returns the pack command's answer (file, items...)."""
    from graph_intel.safeguarding.pack import pack_data, pack_summary

    data = pack_data(store, adult, child, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(pack_html(data, imprint), encoding="utf-8")
    return {**pack_summary(data, out), "marking": imprint.marking}


def chronology_document(
    store: GraphStore, person: str, imprint: Imprint, include_restricted: bool = False
) -> dict[str, Any]:
    """A child's chronology (the `chronology` command's rows) with what the printed page says about it."""
    from graph_intel.commands.safeguarding import chronology_cmd
    from graph_intel.safeguarding.common import ident, initials, people_date, person_key

    key = person_key(store, person)
    node = store.get_node("Person", key) or {}
    rows = chronology_cmd(store, person, include_restricted=include_restricted)
    label = f"{ident(key)} ({initials(node.get('given_name'), node.get('family_name')) or 'initials unknown'})"
    return {
        "person": label,
        "rows": [
            {**r, "at_text": people_date(r.get("at")) if r.get("at") else "undated"} for r in rows
        ],
        "include_restricted": include_restricted,
        "restricted_items": sum(1 for r in rows if r.get("restricted")),
        "imprint": imprint,
    }


def chronology_html(doc: dict[str, Any]) -> str:
    """The chronology document as one self-contained, print-ready page."""
    return (
        environment()
        .get_template("chronology_print.html")
        .render(doc=doc, inline_css=doc["imprint"].css())
    )


def write_chronology(doc: dict[str, Any], out: Path) -> dict[str, Any]:
    """Write the chronology document to `out` (HTML); returns what it holds."""
    out.write_text(chronology_html(doc), encoding="utf-8")
    return {
        "file": str(out),
        "person": doc["person"],
        "rows": len(doc["rows"]),
        "include_restricted": doc["include_restricted"],
        "restricted_items": doc["restricted_items"],
        "marking": doc["imprint"].marking,
    }


def chromium() -> str | None:
    """The headless Chromium on this machine, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path, timeout: float = 120, settle_ms: int = 0) -> Path:
    """Print an HTML file to PDF through headless Chromium, offline (every request to a dead proxy).

    `settle_ms` lets the page's own script run that long first (a network picture draws itself).
    """
    browser = chromium()
    if browser is None:
        raise FileNotFoundError(
            "headless Chromium is not installed (apt-get install chromium): the HTML file is written, print it from a browser"
        )
    profile = tempfile.mkdtemp(prefix="gi-print-")
    settle = [f"--virtual-time-budget={settle_ms}"] if settle_ms else []
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
                *settle,
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
