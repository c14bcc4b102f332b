"""Benchmark the hub workspace's first render: home, child and briefing pages on a demo store.

Builds (or reuses) a store of `graph-intel demo --scale N`, starts `graph-intel serve` on
loopback, signs in as a person would (password, purpose, the child's purpose; the demo's child C1 put on the
CSE matrix first, as the team would), and times each
page from the request to the last byte of its HTML: the first request and the median of the next
ones, with the server's CPU seconds for the first. Twice, in the same run: on a server that
prepares its first pages (api.web.prepare: home and briefing of the default period, every child
on the matrix, the group list), timed once an admin's `GET /api/v1/admin/hub` says they are
ready (the preparation's own time is printed); then on one that prepares nothing
(GRAPH_INTEL_HUB_PREPARE=false), where every first render computes the analyses behind it. The
home page and briefing of a period asked for (`--since`) are timed too: they are never prepared.
Beside each page, the same command's JSON through the API (`/api/v1/matrix/list`,
`/api/v1/chronology/C1`, `/api/v1/briefing/SINCE`). With headless Chromium installed
(Playwright), it also times the browser's load event of each page. Goal: under one second each.

    python bench/web.py --scale 50        # the figure in docs/performance.md
    python bench/web.py --scale 1 --repeat 2   # CI
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = [
    sys.executable,
    "-c",
    "import sys; from graph_intel.cli import main; sys.argv[0] = 'graph-intel'; main()",
]
PASSWORD = "bench password, long enough"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
GOAL_SECONDS = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store(data: Path, scale: int) -> Path:
    store = data / "store"
    if not store.exists():
        print(f"building demo --scale {scale} in {data} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                *CLI,
                "demo",
                "--scale",
                str(scale),
                "--out",
                str(data / "demo-data"),
                "--store",
                str(store),
                "--json",
            ],
            check=False,
            capture_output=True,
            cwd=ROOT,
            timeout=3600,
        )
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    _on_the_matrix(store, "C1")
    return store


def _on_the_matrix(store: Path, child: str) -> None:
    """Put the demo's child on the CSE matrix, as the team would (once: the store is reused), so
    the home page lists her and her page is among those the service prepares."""
    listed = subprocess.run(
        [*CLI, "matrix", "list", "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    if any(row.get("person_id") == child for row in json.loads(listed)):
        return
    review = (date.today() + timedelta(days=14)).isoformat()
    subprocess.run(
        [
            *CLI,
            "matrix",
            "set",
            child,
            "red",
            "--by",
            "bench",
            "--review",
            review,
            "--reason",
            "benchmark: the hub's case",
            "--store",
            str(store),
            "--json",
        ],
        capture_output=True,
        check=True,
        cwd=ROOT,
    )


def _cpu(pid: int) -> float:
    """The server process's CPU seconds so far (user + system, all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux: no CPU column
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(client: httpx.Client, path: str, headers: dict[str, str] | None = None) -> float:
    """Seconds to the last byte of one page (inf when it did not come within the client's timeout)."""
    started = time.perf_counter()
    try:
        r = client.get(path, headers=headers)
    except httpx.TimeoutException:
        return float("inf")
    elapsed = time.perf_counter() - started
    if r.status_code != 200:
        raise SystemExit(f"{path}: {r.status_code} {r.text[:200]}")
    return elapsed


def _users(db: Path) -> tuple[str, str]:
    """A person who signs in with a password, and API tokens for an analyst and an admin."""
    subprocess.run(
        [*CLI, "users", "add", "bench", "--role", "analyst", "--password", "--api-db", str(db)],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    tokens = []
    for name, role in (("bench-api", "analyst"), ("bench-admin", "admin")):
        out = subprocess.run(
            [*CLI, "users", "add", name, "--role", role, "--api-db", str(db), "--json"],
            text=True,
            capture_output=True,
            check=True,
            cwd=ROOT,
        ).stdout
        tokens.append(json.loads(out.splitlines()[-1])["token"])
    return tokens[0], tokens[1]


def _sign_in(client: httpx.Client) -> None:
    """Sign in with the password and give the child's purpose, as a person in a browser does."""
    form = client.get("/hub/sign-in")
    client.post(
        "/hub/sign-in",
        data={
            "username": "bench",
            "password": PASSWORD,
            "purpose": "benchmark",
            "csrf": CSRF.search(form.text).group(1),  # type: ignore[union-attr]
        },
    )
    ask = client.get("/hub/child/C1")
    client.post(
        "/hub/child/C1/purpose",
        data={"purpose": "benchmark", "csrf": CSRF.search(ask.text).group(1)},  # type: ignore[union-attr]
    )


def _serve(
    store: Path, db: Path, work: Path, prepare: bool
) -> tuple[subprocess.Popen[bytes], str, float]:
    """`graph-intel serve` on a free loopback port; its base URL and when it was started."""
    port = _free_port()
    env = {**os.environ, "GRAPH_INTEL_HUB_PREPARE": "true" if prepare else "false"}
    log = (work / f"serve-{'prepared' if prepare else 'cold'}.log").open("wb")
    started = time.perf_counter()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--store", str(store), "--api-db", str(db)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/health", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    return server, base, started


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def _run(args: argparse.Namespace, store: Path, db: Path, work: Path, prepare: bool) -> None:
    """Time each page's first render and the next ones, on a server that prepares its first pages
    (timed once they are ready) or one that does not (every first render computes it all)."""
    analyst, admin = args.tokens
    server, base, started = _serve(store, db, work, prepare)
    try:
        with httpx.Client(base_url=base, timeout=args.timeout, follow_redirects=False) as client:
            if prepare:
                for _ in range(int(args.timeout * 5)):
                    hub = client.get(
                        "/api/v1/admin/hub",
                        headers={"Authorization": f"Bearer {admin}", "X-Purpose": "benchmark"},
                    ).json()
                    if hub.get("ready"):
                        break
                    time.sleep(0.2)
                print(
                    f"\nprepared: {hub.get('pages')} pages in {hub.get('seconds') or 0:.1f} s of the "
                    f"server's time ({time.perf_counter() - started:.1f} s after it was started)"
                )
            _sign_in(client)
            api = {"Authorization": f"Bearer {analyst}", "X-Purpose": "benchmark"}
            pages = [
                ("home", "/hub/", "/api/v1/matrix/list"),
                ("child", "/hub/child/C1", "/api/v1/chronology/C1"),
                ("briefing", "/hub/briefing", f"/api/v1/briefing/{args.since}"),
                (f"home {args.since}", f"/hub/?since={args.since}", None),
                (f"briefing {args.since}", f"/hub/briefing?since={args.since}", None),
            ]
            what = (
                "first pages prepared"
                if prepare
                else "nothing prepared (GRAPH_INTEL_HUB_PREPARE=false)"
            )
            print(
                f"\nhub first render, demo --scale {args.scale}, {what} (loopback; seconds to the last byte of the HTML)"
            )
            print(
                f"{'page':20} {'first':>8} {'CPU s':>6} {'median':>8} {'JSON first':>11} {'JSON median':>12}  goal < {GOAL_SECONDS:.0f} s"
            )
            for name, path, ref in pages:
                cpu = _cpu(server.pid)
                first = _timed(client, path)  # the first render of this page
                cpu = _cpu(server.pid) - cpu  # the server's CPU seconds for that render
                if first == float("inf"):
                    print(
                        f"{name:20} {'> ' + str(int(args.timeout)) + ' s':>8} (not rendered within the timeout)  NOT met",
                        flush=True,
                    )
                    continue
                again = statistics.median(_timed(client, path) for _ in range(args.repeat))
                refs = (
                    ""
                    if ref is None
                    else f"{_timed(client, ref, api):11.3f} {statistics.median(_timed(client, ref, api) for _ in range(args.repeat)):12.3f}"
                )
                verdict = "met" if first < GOAL_SECONDS else "NOT met"
                print(
                    f"{name:20} {first:8.3f} {cpu:6.2f} {again:8.3f} {refs or ' ' * 24:24}  {verdict}"
                )
            load = os.getloadavg()
            print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
            if prepare:
                _browser(base, client.cookies, args.since)
    finally:
        _stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="timed requests after the first")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder of the demo store (reused when it holds one)",
    )
    parser.add_argument(
        "--since", default="2009-01-01", help="a period asked for, beside the default"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="seconds a page may take before it counts as not rendered",
    )
    parser.add_argument(
        "--prepared-only", action="store_true", help="skip the server that prepares nothing"
    )
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="gi-bench-web-"))
    data.mkdir(parents=True, exist_ok=True)
    store = _store(data, args.scale)
    work = Path(tempfile.mkdtemp(prefix="gi-bench-web-db-"))
    db = work / "api.sqlite"
    args.tokens = _users(db)
    _run(args, store, db, work, prepare=True)
    if not args.prepared_only:
        _run(args, store, db, work, prepare=False)


def _browser(base: str, cookies: httpx.Cookies, since: str) -> None:
    """The load event of each page in headless Chromium, when it and Playwright are installed."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(browser timing skipped: Playwright is not installed)")
        return
    if not chromium.is_file():
        print("(browser timing skipped: /usr/bin/chromium is not installed)")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.add_cookies(
            [{"name": c.name, "value": c.value or "", "url": base + "/hub/"} for c in cookies.jar]
        )
        page = context.new_page()
        print(
            "\nin headless Chromium (seconds to the load event, the network picture's frame included)"
        )
        for name, path in (
            ("home", f"/hub/?since={since}"),
            ("child", "/hub/child/C1"),
            ("briefing", f"/hub/briefing?since={since}"),
        ):
            started = time.perf_counter()
            page.goto(base + path, wait_until="load")
            print(f"{name:10} {time.perf_counter() - started:8.3f}")
        browser.close()


if __name__ == "__main__":
    main()
