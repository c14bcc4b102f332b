"""Benchmark the hub workspace's first render: home, child and briefing pages on a demo store.

Builds (or reuses) a store of `graph-intel demo --scale N`, starts `graph-intel serve` on
loopback, signs in as a person would (password, purpose, the child's purpose), and times each
page from the request to the last byte of its HTML: the first request (cold: nothing cached) and
the median of the next ones. Beside each page it times the same command's JSON through the API
(`/api/v1/matrix/list`, `/api/v1/chronology/C1`, `/api/v1/briefing`), measured in the same run,
and prints the ratio page / JSON. With headless Chromium installed (Playwright), it also times the
browser's load event of each page (first render in a real browser). Goal: under one second each.

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
    return store


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
    parser.add_argument("--since", default="2009-01-01")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="seconds a page may take before it counts as not rendered",
    )
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="gi-bench-web-"))
    data.mkdir(parents=True, exist_ok=True)
    store = _store(data, args.scale)
    work = Path(tempfile.mkdtemp(prefix="gi-bench-web-db-"))
    db = work / "api.sqlite"
    subprocess.run(
        [
            *CLI,
            "users",
            "add",
            "bench",
            "--role",
            "analyst",
            "--password",
            "--api-db",
            str(db),
            "--json",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    token_out = subprocess.run(
        [*CLI, "users", "add", "bench-api", "--role", "analyst", "--api-db", str(db), "--json"],
        text=True,
        capture_output=True,
        check=True,
        cwd=ROOT,
    ).stdout
    token = json.loads(token_out.splitlines()[-1])["token"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--store", str(store), "--api-db", str(db)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        with httpx.Client(base_url=base, timeout=args.timeout, follow_redirects=False) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            form = client.get("/hub/sign-in")
            client.post(
                "/hub/sign-in",
                data={
                    "username": "bench",
                    "password": PASSWORD,
                    "purpose": "benchmark",
                    "csrf": CSRF.search(form.text).group(1),
                },
            )  # type: ignore[union-attr]
            ask = client.get("/hub/child/C1")
            client.post(
                "/hub/child/C1/purpose",
                data={"purpose": "benchmark", "csrf": CSRF.search(ask.text).group(1)},
            )  # type: ignore[union-attr]
            api = {"Authorization": f"Bearer {token}", "X-Purpose": "benchmark"}
            pages = [
                ("home", f"/hub/?since={args.since}", "/api/v1/matrix/list"),
                ("child", "/hub/child/C1", "/api/v1/chronology/C1"),
                ("briefing", f"/hub/briefing?since={args.since}", f"/api/v1/briefing/{args.since}"),
            ]
            print(
                f"\nhub first render, demo --scale {args.scale} (loopback; seconds to the last byte of the HTML)"
            )
            print(
                f"{'page':10} {'first':>8} {'CPU s':>6} {'median':>8} {'JSON first':>11} {'JSON median':>12} {'page/JSON':>10}  goal < {GOAL_SECONDS:.0f} s"
            )
            for name, path, ref in pages:
                cpu = _cpu(server.pid)
                first = _timed(client, path)  # the first render: nothing cached yet
                cpu = _cpu(server.pid) - cpu  # the server's CPU seconds for that render
                ref_first = _timed(client, ref, api)
                if first == float("inf"):
                    print(
                        f"{name:10} {'> ' + str(int(args.timeout)) + ' s':>8} (not rendered within the timeout)  NOT met",
                        flush=True,
                    )
                    continue
                again = [_timed(client, path) for _ in range(args.repeat)]
                ref_again = [_timed(client, ref, api) for _ in range(args.repeat)]
                med, ref_med = statistics.median(again), statistics.median(ref_again)
                verdict = "met" if first < GOAL_SECONDS else "NOT met"
                print(
                    f"{name:10} {first:8.3f} {cpu:6.2f} {med:8.3f} {ref_first:11.3f} {ref_med:12.3f} {first / ref_first:10.2f}  {verdict}"
                )
            load = os.getloadavg()
            print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
            _browser(base, client.cookies, args.since)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


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
