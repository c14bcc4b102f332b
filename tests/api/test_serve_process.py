"""The real `graph-intel serve` on loopback: /health answers while a large ingest job runs, and
SIGTERM stops the server within 10 s even mid-load, leaving that load marked incomplete."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from api_env import seeded_settings
from typer.testing import CliRunner

from api.users import UserStore
from graph_intel.cli import app

CLI = [sys.executable, "-m", "graph_intel"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _persons(n: int) -> bytes:
    rows = [f"S{i},Given{i % 97},Family{i % 89},1980-01-0{1 + i % 9},associate" for i in range(n)]
    return ("person_id,given_name,family_name,date_of_birth,category\n" + "\n".join(rows) + "\n").encode()


def test_sigterm_stops_the_server_within_10_s_during_a_load(tmp_path: Path) -> None:
    settings = seeded_settings(tmp_path)
    users = UserStore(settings.store / "api.sqlite")
    token = users.add("loader", "analyst")
    users.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(settings.store)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server never answered /health")
        headers = {"Authorization": f"Bearer {token}", "X-Purpose": "load test"}
        r = httpx.post(base + "/api/v1/ingest", headers={**headers, "Prefer": "respond-async"}, timeout=120,
                       files=[("files", ("persons.csv", _persons(60_000), "text/csv"))], data={"dataset": "bulk"})
        assert r.status_code == 202, r.text
        job_url = base + r.headers["location"]
        for _ in range(5):  # /health answers while the load runs
            started = time.monotonic()
            assert httpx.get(base + "/health", timeout=10).status_code == 200
            assert time.monotonic() - started < 10
        state = httpx.get(job_url, headers=headers, timeout=30).json()["status"]
        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        assert time.monotonic() - stopping < 10
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    doc = json.loads(CliRunner().invoke(app, ["stats", "--store", str(settings.store), "--json"]).stdout)
    incomplete = [item["dataset"] for item in doc["incomplete_loads"]]
    if state in ("queued", "running") and doc["persons"] < 60_000 + 3:
        assert incomplete == ["bulk"]  # stopped mid-load: the store says so
    else:
        assert incomplete == []
