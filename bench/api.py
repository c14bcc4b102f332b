"""Benchmark the service on loopback: N concurrent clients for S seconds against its read routes on
the demo data (show person C1, the person-network page, and every read route without a path
parameter: groups, shared-contacts, hotspots...); prints throughput, p50/p95/p99 per route, and the
server's resident memory at the start and end of the run (and its peak), so growth is visible,
and how full the answer cache is at the end (its byte budget: --cache-bytes, else the setting's
default, GRAPH_INTEL_ANSWER_CACHE_BYTES).

With --ingest-persons N the clients then read for S seconds more while an ingest of N synthetic
persons runs as a job (`POST /api/v1/ingest` with `Prefer: respond-async`), and a probe calls
`/health` every 0.2 s throughout: the p95 of the reads during the ingest is printed beside the p95
with no ingest. A read told that a load is in progress (503 with Retry-After) is counted apart,
not as an error; anything else that is not 200 is an error.

    python bench/api.py --seconds 60 --clients 50 --ingest-persons 100000
    python bench/api.py --seconds 300 --clients 50      # the 5-minute run
    python bench/api.py --seconds 5 --clients 10        # CI
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
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
CLI = [
    sys.executable,
    "-c",
    "import sys; from graph_intel.cli import main; sys.argv[0] = 'graph-intel'; main()",
]


def _cli(*args: str) -> str:
    return subprocess.run(
        [*CLI, *args], check=False, capture_output=True, text=True, cwd=ROOT
    ).stdout


def _client(
    port: int,
    paths: list[str],
    headers: dict[str, str],
    until: float,
    latencies: dict[str, list[float]],
    errors: list[str],
    told_to_wait: list[float] | None = None,
    stamps: list[tuple[float, float | None]] | None = None,
) -> None:
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
            if resp.status == 503 and resp.getheader("retry-after") and told_to_wait is not None:
                told_to_wait.append((time.perf_counter() - started) * 1000)
                time.sleep(
                    0.2
                )  # a client told a load is in progress waits a little, then asks again
                continue
            if resp.status != 200:
                errors.append(f"{path}: {resp.status}")
                if stamps is not None:
                    stamps.append((started, None))
                continue
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{path}: {exc}")
            if stamps is not None:
                stamps.append((started, None))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.setdefault(path, []).append((time.perf_counter() - started) * 1000)
        if stamps is not None:
            stamps.append((started, latencies[path][-1]))
    conn.close()


def _memory(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of a process, from /proc (0 where /proc is not there)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    kb = {k: float(fields.get(k, "0 kB").split()[0]) for k in ("VmRSS", "VmHWM")}
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    """Seed demo data, start uvicorn on 127.0.0.1, run the clients, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--ingest-persons",
        type=int,
        default=0,
        help="then read for as long again while an ingest of this many persons runs as a job",
    )
    parser.add_argument(
        "--routes",
        choices=["read", "show"],
        default="read",
        help="read: every read route without a path parameter, and show; show: show and the page",
    )
    parser.add_argument(
        "--cache-bytes",
        type=int,
        default=None,
        help="the answer cache's budget in bytes (GRAPH_INTEL_ANSWER_CACHE_BYTES; default: the setting's)",
    )
    args = parser.parse_args()
    seconds = max(1.0, min(args.seconds, 900.0))
    clients = max(1, min(args.clients, 500))
    with tempfile.TemporaryDirectory(prefix="graph-intel-bench-") as tmp:
        store = Path(tmp) / "store"
        _cli("demo", "--out", str(Path(tmp) / "demo"), "--store", str(store), "--json")
        token = json.loads(
            _cli("users", "add", "bench", "--role", "analyst", "--store", str(store))
        )["token"]
        admin = json.loads(
            _cli("users", "add", "bench-admin", "--role", "admin", "--store", str(store))
        )["token"]
        env = dict(os.environ)
        if args.cache_bytes is not None:
            env["GRAPH_INTEL_ANSWER_CACHE_BYTES"] = str(args.cache_bytes)
        port = _free_port()
        log = Path(tmp) / "server.log"
        server = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}", "X-Purpose": "benchmark"}
            deadline = time.perf_counter() + 180  # a loaded machine starts the server slowly
            while True:
                if server.poll() is not None:
                    raise SystemExit(
                        f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}"
                    )
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.perf_counter() > deadline:
                        raise SystemExit("the server never answered /health") from None
                    time.sleep(0.2)
            spec = httpx.get(base + "/api/v1/openapi.json", headers=headers).json()
            paths = ["/api/v1/show/person/C1"]
            if "/api/v1/pages/network/{kind}/{ident}" in spec.get("paths", {}):
                paths.append("/api/v1/pages/network/person/C1")
            else:
                paths.append("/api/v1/stats")
            if args.routes == "read":
                for route, ops in sorted(spec.get("paths", {}).items()):
                    if (
                        "get" in ops
                        and "{" not in route
                        and route.startswith("/api/v1/")
                        and "openapi" not in route
                        and "/admin/" not in route
                        and route not in paths
                        and httpx.get(base + route, headers=headers, timeout=120).status_code == 200
                    ):
                        paths.append(
                            route
                        )  # routes that need a parameter (changes --since...) are left out
            rss_start, _ = _memory(server.pid)
            latencies: dict[str, list[float]] = {}
            errors: list[str] = []
            until = time.perf_counter() + seconds
            started = time.perf_counter()
            _gather(port, paths, headers, until, latencies, errors, clients)
            elapsed = time.perf_counter() - started
            during = (
                _during_ingest(
                    base, port, paths, headers, seconds, clients, args.ingest_persons, Path(tmp)
                )
                if args.ingest_persons > 0
                else None
            )
            rss_end, rss_peak = _memory(server.pid)
            cache = httpx.get(
                base + "/api/v1/admin/cache",
                headers={"Authorization": f"Bearer {admin}", "X-Purpose": "benchmark"},
                timeout=30,
            ).json()
        finally:
            server.terminate()
            server.wait(timeout=10)
    everything = [v for vs in latencies.values() for v in vs]
    print(f"{clients} clients, {elapsed:.1f} s, loopback, embedded store, demo data")
    print(
        f"requests {len(everything)}  throughput {len(everything) / elapsed:.1f} req/s  errors {len(errors)}"
    )
    print(
        f"server resident memory: start {rss_start:.0f} MB, end {rss_end:.0f} MB, peak {rss_peak:.0f} MB"
    )
    print(
        f"answer cache at the end: {cache.get('answers')} answers, {cache.get('bytes', 0) / 2**20:.1f} MiB "
        f"of {cache.get('max_bytes', 0) / 2**20:.0f} MiB, {cache.get('evicted')} dropped"
    )
    for name, values in [("all", everything), *latencies.items()]:
        if values:
            print(
                f"{name:40s} n={len(values):6d}  p50 {statistics.median(values):7.1f} ms  "
                f"p95 {_pct(values, 95):7.1f} ms  p99 {_pct(values, 99):7.1f} ms"
            )
    if errors:
        print("first errors:", errors[:5])
    if during is not None:
        _report_during(during, everything)


def _persons_csv(folder: Path, n: int) -> Path:
    """N synthetic persons (invented names, adults and children) as one canonical persons.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "persons.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("person_id,given_name,family_name,date_of_birth,category\n")
        for i in range(n):
            child = i % 10 == 0
            fh.write(
                f"B{i},Given{i % 997},Family{i % 991},{2008 if child else 1975 + i % 30}-0{1 + i % 9}-1{i % 9},"
                f"{'child' if child else 'associate'}\n"
            )
    return path


def _during_ingest(
    base: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    clients: int,
    persons: int,
    tmp: Path,
) -> dict[str, object]:
    """Read for `seconds` while an ingest job of `persons` persons runs; probe /health throughout."""
    upload = _persons_csv(tmp / "bulk", persons)
    health: list[float] = []
    health_errors: list[str] = []
    stop = threading.Event()
    job_ended: list[float] = []
    job_location: list[str] = []

    def probe() -> None:
        polled = 0.0
        while not stop.is_set():
            if job_location and not job_ended and time.perf_counter() - polled > 0.5:
                polled = time.perf_counter()
                try:
                    state = httpx.get(base + job_location[0], headers=headers, timeout=5).json()[
                        "status"
                    ]
                    if state in ("done", "failed"):
                        job_ended.append(time.perf_counter())
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
            started = time.perf_counter()
            try:
                status = httpx.get(base + "/health", timeout=5).status_code
                if status != 200:
                    health_errors.append(str(status))
            except httpx.HTTPError as exc:
                health_errors.append(type(exc).__name__)
            health.append((time.perf_counter() - started) * 1000)
            stop.wait(0.2)

    prober = threading.Thread(target=probe)
    prober.start()
    posted = time.perf_counter()
    with upload.open("rb") as fh:
        job = httpx.post(
            base + "/api/v1/ingest",
            headers={**headers, "Prefer": "respond-async"},
            timeout=600,
            files=[("files", ("persons.csv", fh, "text/csv"))],
            data={"dataset": "bulk"},
        )
    accepted_ms = (time.perf_counter() - posted) * 1000
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    told: list[float] = []
    if job.status_code != 202:
        errors.append(f"ingest: {job.status_code} {job.text[:200]}")
    else:
        job_location.append(job.headers["location"])
    stamps: list[tuple[float, float | None]] = []
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=_client, args=(port, paths, headers, until, latencies, errors, told, stamps)
        )
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state: dict[str, object] = {"status": "not started"}
    deadline = time.perf_counter() + 600
    while job.status_code == 202 and time.perf_counter() < deadline:
        state = httpx.get(base + job.headers["location"], headers=headers, timeout=30).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    stop.set()
    prober.join()
    ended = job_ended[0] if job_ended else time.perf_counter()
    return {
        "persons": persons,
        "latencies": latencies,
        "errors": errors,
        "told": told,
        "health": health,
        "load_seconds": ended - posted,
        "stamps": stamps,
        "ended": ended,
        "health_errors": health_errors,
        "job": state,
        "accepted_ms": accepted_ms,
        "job_seconds": time.perf_counter() - posted,
        "seconds": seconds,
        "clients": clients,
    }


def _report_during(d: dict[str, object], before: list[float]) -> None:
    latencies: dict[str, list[float]] = d["latencies"]  # type: ignore[assignment]
    reads = [v for vs in latencies.values() for v in vs]
    health: list[float] = d["health"]  # type: ignore[assignment]
    errors: list[str] = d["errors"]  # type: ignore[assignment]
    job: dict[str, object] = d["job"]  # type: ignore[assignment]
    print(
        f"while an ingest of {d['persons']:,} persons ran as a job ({d['clients']} clients, {d['seconds']:.0f} s):"
    )
    print(
        f"  job {job.get('status')} after {d['job_seconds']:.1f} s (202 after {d['accepted_ms']:.0f} ms)"
        f"{'; error: ' + str(job.get('error')) if job.get('error') else ''}"
    )
    print(
        f"  reads answered {len(reads)}  told a load is in progress (503 + Retry-After) {len(d['told'])}  "  # type: ignore[arg-type]
        f"errors {len(errors)}"
    )
    if reads and before:
        p95, base95 = _pct(reads, 95), _pct(before, 95)
        print(
            f"  p95 of reads {p95:.1f} ms during the run, {base95:.1f} ms with no ingest ({p95 / base95:.2f}x)"
        )
    stamps: list[tuple[float, float | None]] = d["stamps"]  # type: ignore[assignment]
    ended: float = d["ended"]  # type: ignore[assignment]
    print(
        f"  the load itself ended {d['load_seconds']:.1f} s after the upload was sent (polled every 0.5 s)"
    )
    for name, part in (
        ("while the load ran", [s for s in stamps if s[0] < ended]),
        (
            "after it ended (a store larger by the load: every answer computed again)",
            [s for s in stamps if s[0] >= ended],
        ),
    ):
        answered = [ms for _, ms in part if ms is not None]
        failed = sum(1 for _, ms in part if ms is None)
        if part:
            p95 = f"p95 {_pct(answered, 95):.1f} ms" if answered else "none answered"
            print(f"  reads sent {name}: {len(answered)} answered, {failed} errors, {p95}")
    if health:
        print(
            f"  /health {len(health)} probes, {len(d['health_errors'])} failed, "  # type: ignore[arg-type]
            f"p95 {_pct(health, 95):.1f} ms, max {max(health):.1f} ms"
        )
    if errors:
        print("  first errors:", errors[:5])


def _gather(
    port: int,
    paths: list[str],
    headers: dict[str, str],
    until: float,
    latencies: dict[str, list[float]],
    errors: list[str],
    clients: int,
) -> None:
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
