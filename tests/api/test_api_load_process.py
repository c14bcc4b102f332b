"""A load over the API runs in a process of its own (api.load_process): the service's handle is
closed for it and opened again after; reads meanwhile are answered from before the load or told
to wait; a large upload is a job even without `Prefer`; a service killed mid-load takes its load
process with it, and the store says the load is incomplete until one re-ingest restores it."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_env import ApiEnv, persons_csv, seeded_settings, serving, start
from typer.testing import CliRunner

from api.loads import ANSWER_HEADER
from api.users import UserStore
from graph_intel.cli import app as cli_app

#: Persons in the upload the service is killed loading (large enough to be mid-load at the kill:
#: the load's process must run well past the 2.5 CPU seconds the test waits for; 150,000 took
#: 2.7-3.2 s in all once loads got faster, and on a loaded machine some runs ended before the kill).
PERSONS = 400_000


def _poll(client: Any, url: str, headers: dict[str, str], seconds: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return dict(r.json())
        time.sleep(0.1)
    raise AssertionError("the job never ended")


@pytest.fixture
def small_sync(tmp_path: Path) -> Iterator[ApiEnv]:
    """A service that loads only uploads of 100 bytes or less while the request waits."""
    yield from start(seeded_settings(tmp_path, sync_ingest_bytes=100))


def test_a_large_upload_is_a_job_even_without_prefer(small_sync: ApiEnv) -> None:
    env = small_sync
    r = env.client.post(
        "/api/v1/ingest",
        headers=env.headers("analyst"),
        data={"dataset": "big"},
        files=[("files", ("persons.csv", persons_csv(50), "text/csv"))],
    )
    assert r.status_code == 202, r.text
    assert "preference-applied" not in r.headers  # not asked for: the size decided
    job = _poll(env.client, r.headers["location"], env.headers("analyst"))
    assert job["status"] == "done" and job["result"]["rows_loaded"] == {"persons.csv": 50}
    # a small one is still answered at once with its report
    r = env.client.post(
        "/api/v1/ingest",
        headers=env.headers("analyst"),
        data={"dataset": "tiny"},
        files=[("files", ("persons.csv", b"person_id,given_name\nT1,Tia\n", "text/csv"))],
    )
    assert r.status_code == 200 and r.json()["rows_loaded"] == {"persons.csv": 1}


def test_a_job_loads_in_another_process_and_the_service_reads_the_result(fresh: ApiEnv) -> None:
    env = fresh
    svc = env.app.state.services
    before = svc.store
    r = env.client.get("/api/v1/stats", headers=env.headers("analyst"))
    persons_before = r.json()["persons"]
    r = env.client.post(
        "/api/v1/ingest",
        headers={**env.headers("analyst"), "Prefer": "respond-async"},
        data={"dataset": "apart"},
        files=[("files", ("persons.csv", persons_csv(300, "A"), "text/csv"))],
    )
    assert r.status_code == 202
    job = _poll(env.client, r.headers["location"], env.headers("analyst"))
    assert job["status"] == "done", job
    assert svc.store is not before  # the handle was closed for the load's process and opened again
    r = env.client.get("/api/v1/stats", headers=env.headers("analyst"))
    assert r.status_code == 200 and ANSWER_HEADER not in r.headers
    assert r.json()["persons"] == persons_before + 300  # not the answer cached before the load
    assert r.json()["incomplete_loads"] == []
    shown = env.client.get("/api/v1/show/person/apart:A7", headers=env.headers("analyst"))
    assert shown.status_code == 200 and shown.json()["properties"]["given_name"] == "Given7"
    # the raw query route reads the reopened store too
    q = env.client.post(
        "/api/v1/query",
        headers=env.headers("analyst"),
        json={
            "cypher": "MATCH (p:Person) WHERE p.dataset = $d RETURN count(*) AS n",
            "params": {"d": "apart"},
        },
    )
    assert q.status_code == 200 and q.json()["rows"] == [{"n": 300}]


def test_a_refused_load_in_its_process_fails_the_job_with_the_reason(fresh: ApiEnv) -> None:
    r = fresh.client.post(
        "/api/v1/ingest",
        headers={**fresh.headers("analyst"), "Prefer": "respond-async"},
        data={"dataset": "dup"},
        files=[
            ("files", ("persons.csv", b"person_id,given_name,person_id\nJ1,Jo,x\n", "text/csv"))
        ],
    )
    job = _poll(fresh.client, r.headers["location"], fresh.headers("analyst"))
    assert job["status"] == "failed" and "column 'person_id' appears twice" in job["error"]
    assert (
        fresh.client.get("/api/v1/stats", headers=fresh.headers("analyst")).json()[
            "incomplete_loads"
        ]
        == []
    )


def test_reads_while_a_load_runs_apart_are_from_before_it_or_told_to_wait(fresh: ApiEnv) -> None:
    """Every read during the load is a 200 marked as from before it, or a 503 with Retry-After;
    the raw query route too; never an error, never a half-loaded count."""
    env = fresh
    headers = env.headers("analyst")
    clean = env.client.get("/api/v1/stats", headers=headers).json()["persons"]  # cached now
    r = env.client.post(
        "/api/v1/ingest",
        headers={**headers, "Prefer": "respond-async"},
        data={"dataset": "bulk"},
        files=[("files", ("persons.csv", persons_csv(20_000, "B"), "text/csv"))],
    )
    assert r.status_code == 202
    seen: list[tuple[str, int, dict[str, Any] | None, str | None]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            s = env.client.get("/api/v1/stats", headers=headers)
            seen.append(
                (
                    "stats",
                    s.status_code,
                    s.json() if s.status_code == 200 else None,
                    s.headers.get(ANSWER_HEADER),
                )
            )
            q = env.client.post(
                "/api/v1/query",
                headers=headers,
                json={"cypher": "MATCH (p:Person) RETURN count(*) AS n"},
            )
            seen.append(
                (
                    "query",
                    q.status_code,
                    q.json() if q.status_code == 200 else None,
                    q.headers.get("retry-after"),
                )
            )
            assert env.client.get("/health").status_code == 200

    reader = threading.Thread(target=read)
    reader.start()
    try:
        job = _poll(env.client, r.headers["location"], headers)
    finally:
        done.set()
        reader.join()
    assert job["status"] == "done", job
    assert {status for _, status, _, _ in seen} <= {200, 503}, seen
    for route, status, body, mark in seen:
        if route == "stats" and status == 200:
            assert body is not None and body["persons"] in (clean, clean + 20_000), (
                body
            )  # never half-loaded
        if route == "query" and status == 503:
            assert mark == "5"  # Retry-After
        if route == "query" and status == 200:
            assert body is not None and body["rows"][0]["n"] in (clean, clean + 20_000)
    after = env.client.get("/api/v1/stats", headers=headers).json()["persons"]
    assert after == clean + 20_000


def _load_children(parent: int) -> list[int]:
    """Pids of the `api.load_process` children of `parent` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), 0
        )
        if ppid == parent and b"api.load_process" in cmdline:
            found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process has used, from /proc (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    # a zombie whose threads are all gone has let go of its files (the store's lock among them)
    return not ("State:\tZ" in status and "Threads:\t1\n" in status)


def test_kill_9_of_the_service_mid_load_stops_its_load_and_one_reingest_restores(
    tmp_path: Path,
) -> None:
    settings = seeded_settings(tmp_path)
    users = UserStore(settings.store / "api.sqlite")
    token = users.add("loader", "analyst")
    users.close()
    runner = CliRunner()

    def stats() -> dict[str, Any]:
        result = runner.invoke(cli_app, ["stats", "--store", str(settings.store), "--json"])
        assert result.stdout.strip(), result.stderr
        return dict(json.loads(result.stdout))

    clean = stats()
    upload = persons_csv(PERSONS, "K")
    children: list[int] = []
    with serving(settings.store) as (server, base):
        headers = {"Authorization": f"Bearer {token}", "X-Purpose": "load test"}
        r = httpx.post(
            base + "/api/v1/ingest",
            headers={**headers, "Prefer": "respond-async"},
            timeout=120,
            files=[("files", ("persons.csv", upload, "text/csv"))],
            data={"dataset": "bulk"},
        )
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the load's process is well into the load
            children = _load_children(server.pid)
            if children and _cpu_seconds(children[0]) >= 2.5:
                break
            time.sleep(0.05)
        mid_load = bool(children) and all(_alive(pid) for pid in children)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    for pid in children:  # the load's process saw its parent go and stopped
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), f"load process {pid} outlived the service"
    assert mid_load, "the load ended before the service was killed: nothing was tested"
    doc = stats()
    marked = [item["dataset"] for item in doc["incomplete_loads"]]
    assert marked == ["bulk"] or (marked == [] and doc["persons"] == clean["persons"] + PERSONS), (
        doc
    )
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "persons.csv").write_bytes(upload)
    result = runner.invoke(
        cli_app,
        ["ingest", str(folder), "--dataset", "bulk", "--store", str(settings.store), "--json"],
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    doc = stats()
    assert doc["incomplete_loads"] == []
    assert doc["persons"] == clean["persons"] + PERSONS
