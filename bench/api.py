"""Benchmark the service on loopback: N concurrent clients for S seconds against show (and the
person-network page when served, else stats) on the demo data; prints throughput and p50/p95/p99.

    python bench/api.py --seconds 60 --clients 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The `graph-intel` command, run with this interpreter.
CLI = [sys.executable, "-c", "import sys; from graph_intel.cli import main; sys.argv[0] = 'graph-intel'; main()"]


def _cli(*args: str) -> str:
    return subprocess.run([*CLI, *args], check=False, capture_output=True, text=True, cwd=ROOT).stdout


def _client(port: int, paths: list[str], headers: dict[str, str], until: float,
            latencies: dict[str, list[float]], errors: list[str]) -> None:
    """One client: a persistent loopback connection (like a browser tab), requests in turn until `until`.

    Standard-library HTTP in a thread, so that the load generator spends as little of the
    machine's two cores as it can: the figures are the server's, not the client's.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while time.perf_counter() < until:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"{path}: {resp.status}")
                continue
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{path}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.setdefault(path, []).append((time.perf_counter() - started) * 1000)
    conn.close()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    """Seed demo data, start uvicorn on 127.0.0.1, run the clients, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    seconds = max(1.0, min(args.seconds, 600.0))
    clients = max(1, min(args.clients, 500))
    with tempfile.TemporaryDirectory(prefix="graph-intel-bench-") as tmp:
        store = Path(tmp) / "store"
        _cli("demo", "--out", str(Path(tmp) / "demo"), "--store", str(store), "--json")
        token = json.loads(_cli("users", "add", "bench", "--role", "analyst", "--store", str(store)))["token"]
        port = _free_port()
        server = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}", "X-Purpose": "benchmark"}
            for _ in range(100):
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            spec = httpx.get(base + "/api/v1/openapi.json", headers=headers).json()
            paths = ["/api/v1/show/person/C1"]
            if "/api/v1/pages/network/{kind}/{ident}" in spec.get("paths", {}):
                paths.append("/api/v1/pages/network/person/C1")
            else:
                paths.append("/api/v1/stats")
            latencies: dict[str, list[float]] = {}
            errors: list[str] = []
            until = time.perf_counter() + seconds
            started = time.perf_counter()
            _gather(port, paths, headers, until, latencies, errors, clients)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    everything = [v for vs in latencies.values() for v in vs]
    print(f"{clients} clients, {elapsed:.1f} s, loopback, embedded store, demo data")
    print(f"requests {len(everything)}  throughput {len(everything) / elapsed:.1f} req/s  errors {len(errors)}")
    for name, values in [("all", everything), *latencies.items()]:
        if values:
            print(f"{name:40s} n={len(values):6d}  p50 {statistics.median(values):7.1f} ms  "
                  f"p95 {_pct(values, 95):7.1f} ms  p99 {_pct(values, 99):7.1f} ms")
    if errors:
        print("first errors:", errors[:5])


def _gather(port: int, paths: list[str], headers: dict[str, str], until: float,
            latencies: dict[str, list[float]], errors: list[str], clients: int) -> None:
    threads = [
        threading.Thread(target=_client, args=(port, paths, headers, until, latencies, errors))
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
