"""Open a network page in headless Chromium with the network cut off, and read what it reports.

Used by the browser test and the benchmark. The page writes its own status element (`gi-status`:
nodes drawn, stabilisation time, resource requests, errors); `--dump-dom` returns it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: Flags that keep Chromium quiet and offline: every request goes to a dead proxy on port 9.
OFFLINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--dns-prefetch-disable",
]


@dataclass
class PageStatus:
    """What the page said about itself after loading, and how long Chromium took."""

    attributes: dict[str, str]
    wall_seconds: float
    stderr: str

    def int(self, name: str) -> int:
        """An integer attribute of the status element (0 when absent)."""
        return int(self.attributes.get(f"data-{name}") or 0)


def available() -> bool:
    """True when Debian's chromium is installed where the tests expect it."""
    return Path(CHROMIUM).is_file()


def _run(args: list[str], timeout: float) -> tuple[str, str, float]:
    profile = tempfile.mkdtemp(prefix="gi-chromium-")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [CHROMIUM, *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return done.stdout, done.stderr, time.perf_counter() - started


def status(page: Path, budget_ms: int = 60_000, timeout: float = 180) -> PageStatus:
    """Load the page offline (virtual time up to `budget_ms`) and return its status attributes."""
    dom, stderr, wall = _run(
        [f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri()], timeout
    )
    match = re.search(r'<div id="gi-status"([^>]*)>', dom)
    attributes = (
        {k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', match.group(1))}
        if match
        else {}
    )
    return PageStatus(attributes, wall, stderr)


def screenshot(
    page: Path, out: Path, size: str = "1280,900", budget_ms: int = 60_000, timeout: float = 180
) -> Path:
    """Save a PNG of the page after layout (offline), and return its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            f"--virtual-time-budget={budget_ms}",
            f"--window-size={size}",
            f"--screenshot={out.resolve()}",
            page.resolve().as_uri(),
        ],
        timeout,
    )
    return out
