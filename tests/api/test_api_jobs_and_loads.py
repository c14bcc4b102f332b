"""The service stays up while it loads: ingest as a job, reads gated during a load, /health
always answering, and loads that did not finish named on every answer."""

from __future__ import annotations

import threading
import time
from typing import Any

from api_env import ApiEnv

from api.loads import ANSWER_HEADER, INCOMPLETE_HEADER
from api.users import UserStore
from graph_intel.ingest import DatasetLoad

PERSONS = b"person_id,given_name,category\nJ1,Jo,suspect\nJ2,Jay,child\n"
ASYNC = {"Prefer": "respond-async"}


def _upload(env: ApiEnv, body: bytes, dataset: str, headers: dict[str, str] | None = None) -> Any:
    return env.client.post(
        "/api/v1/ingest",
        headers={**env.headers("analyst"), **(headers or {})},
        files=[("files", ("persons.csv", body, "text/csv"))],
        data={"dataset": dataset},
    )


def _poll(env: ApiEnv, url: str, token_headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(600):
        r = env.client.get(url, headers=token_headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return dict(r.json())
        time.sleep(0.05)
    raise AssertionError("the job never ended")


def test_an_ingest_sent_with_prefer_respond_async_is_a_job_to_poll(fresh: ApiEnv) -> None:
    r = _upload(fresh, PERSONS, "jobbed", ASYNC)
    assert r.status_code == 202, r.text
    assert r.headers["preference-applied"] == "respond-async"
    url = r.headers["location"]
    assert url == r.json()["url"] and url.startswith("/api/v1/jobs/")
    assert r.json()["status"] in ("queued", "running", "done")
    job = _poll(fresh, url, fresh.headers("analyst"))
    assert job["status"] == "done" and job["error"] is None
    assert job["result"]["rows_loaded"] == {"persons.csv": 2}
    assert job["result"]["quarantined"] == 0
    shown = fresh.client.get("/api/v1/show/person/jobbed:J2", headers=fresh.headers("analyst"))
    assert shown.status_code == 200 and shown.json()["properties"]["category"] == "child"
    # the same upload without the preference still answers at once with the report (the contract)
    r = _upload(fresh, PERSONS, "jobbed")
    assert r.status_code == 200 and r.json()["rows_loaded"] == {"persons.csv": 2}


def test_a_job_is_seen_by_its_owner_only_and_its_end_is_audited(fresh: ApiEnv) -> None:
    r = _upload(fresh, PERSONS, "mine", ASYNC)
    url = r.headers["location"]
    _poll(fresh, url, fresh.headers("analyst"))
    users = UserStore(fresh.settings.api_db_path())
    other = users.add("second-analyst", "analyst")
    users.close()
    r = fresh.client.get(url, headers={"Authorization": f"Bearer {other}", "X-Purpose": "checking"})
    assert r.status_code == 404
    assert (
        fresh.client.get("/api/v1/jobs/nosuchjob", headers=fresh.headers("analyst")).status_code
        == 404
    )
    assert fresh.client.get(url, headers=fresh.headers("viewer")).status_code == 403
    entries = list(reversed(fresh.app.state.services.audit.query(limit=1000)))
    ended = [e for e in entries if e["params"].get("job") and e["params"].get("status") == "done"]
    assert ended and ended[-1]["who"] == "analyst-user"
    assert {"mine:J1", "mine:J2"} <= set(ended[-1]["persons"])


def test_a_job_that_cannot_load_fails_with_the_reason(fresh: ApiEnv) -> None:
    r = _upload(fresh, b"person_id,given_name,person_id\nJ1,Jo,x\n", "dup", ASYNC)
    assert r.status_code == 202
    job = _poll(fresh, r.headers["location"], fresh.headers("analyst"))
    assert job["status"] == "failed"
    assert "column 'person_id' appears twice" in job["error"]
    r = _upload(fresh, b"person_id,given_name,person_id\nJ1,Jo,x\n", "dup")
    assert r.status_code == 400 and "appears twice" in r.json()["detail"]


def test_reads_during_a_load_see_the_store_before_it_or_are_told_to_wait(fresh: ApiEnv) -> None:
    svc = fresh.app.state.services
    assert (
        fresh.client.get("/api/v1/stats", headers=fresh.headers("analyst")).status_code == 200
    )  # cached now
    started, release = threading.Event(), threading.Event()

    def hold_a_load() -> None:
        with svc.gate.load("big", svc.store):
            started.set()
            release.wait(30)

    loader = threading.Thread(target=hold_a_load)
    loader.start()
    try:
        assert started.wait(10)
        r = fresh.client.get("/api/v1/stats", headers=fresh.headers("analyst"))
        assert (
            r.status_code == 200
            and "computed before the load of dataset big" in r.headers[ANSWER_HEADER]
        )
        r = fresh.client.get("/api/v1/hotspots", headers=fresh.headers("analyst"))
        assert r.status_code == 503
        assert r.headers["retry-after"] == "5"
        assert "a load of dataset big is in progress" in r.json()["detail"]
        assert fresh.client.get("/health").status_code == 200
    finally:
        release.set()
        loader.join()
    r = fresh.client.get("/api/v1/hotspots", headers=fresh.headers("analyst"))
    assert r.status_code == 200 and ANSWER_HEADER not in r.headers


def test_a_load_that_did_not_finish_is_named_on_every_answer_until_reloaded(fresh: ApiEnv) -> None:
    svc = fresh.app.state.services
    with svc.write_lock:
        DatasetLoad(svc.store, "case1")  # begun, never finished
    for path in ("/api/v1/stats", "/api/v1/hotspots", "/api/v1/show/person/C1"):
        r = fresh.client.get(path, headers=fresh.headers("analyst"))
        assert r.status_code == 200, path
        assert r.headers[INCOMPLETE_HEADER] == "case1", path
    assert (
        fresh.client.get("/api/v1/stats", headers=fresh.headers("analyst")).json()[
            "incomplete_loads"
        ][0]["dataset"]
        == "case1"
    )
    r = _upload(fresh, PERSONS, "case1")
    assert r.status_code == 200
    r = fresh.client.get("/api/v1/stats", headers=fresh.headers("analyst"))
    assert INCOMPLETE_HEADER not in r.headers and r.json()["incomplete_loads"] == []


def test_a_read_whose_client_went_away_is_dropped_before_it_runs() -> None:
    """Abandoned requests are cancelled: a read waiting for a worker of the bounded pool gives up
    when its client disconnects, and its computation never runs."""
    import anyio
    import pytest

    from api.cache import Cached
    from api.loads import ClientGone, run_abandonable

    ran: list[int] = []

    class Gone:
        """A request whose client has disconnected (what Starlette's Request reports then)."""

        async def is_disconnected(self) -> bool:
            return True

    def work() -> Cached:
        ran.append(1)
        return Cached(b"{}", "application/json", frozenset())

    async def main() -> None:
        limiter = anyio.CapacityLimiter(1)
        other = object()
        limiter.acquire_on_behalf_of_nowait(
            other
        )  # the pool's one worker is busy with another read
        try:
            with pytest.raises(ClientGone):
                await run_abandonable(Gone(), work, limiter)  # type: ignore[arg-type]
        finally:
            limiter.release_on_behalf_of(other)

    anyio.run(main)
    assert ran == []


def test_a_read_not_answered_within_its_patience_is_told_to_try_again_and_its_answer_is_kept() -> (
    None
):
    """A read held longer than its patience gets StillComputing (503 with Retry-After over HTTP);
    the computation goes on, and the next try finds its answer."""
    import anyio
    import pytest

    from api.cache import Cached, ResponseCache
    from api.loads import StillComputing, run_abandonable

    release = threading.Event()
    cache = ResponseCache()

    class Here:
        async def is_disconnected(self) -> bool:
            return False

    class Store:
        generation = 1

    def slow() -> Cached:
        release.wait(10)
        return Cached(b'{"n": 1}', "application/json", frozenset())

    def work() -> Cached:
        return cache.get_or_make(Store(), "question", slow)  # type: ignore[arg-type]

    async def main() -> None:
        limiter = anyio.CapacityLimiter(1)
        with pytest.raises(StillComputing):
            await run_abandonable(Here(), work, limiter, patience=0.3)  # type: ignore[arg-type]
        release.set()
        for _ in range(100):
            if cache.peek(1, "question") is not None:
                break
            await anyio.sleep(0.05)
        made = await run_abandonable(Here(), work, limiter, patience=5)  # type: ignore[arg-type]
        assert made.body == b'{"n": 1}'

    anyio.run(main)


def test_a_kept_answer_is_handed_back_while_every_read_worker_is_busy() -> None:
    """An answer already kept at the store's generation comes back without waiting for a worker
    of the bounded pool (and without computing anything), so a slow read never holds up the
    answers everyone already has; after a write it is computed again, in the pool."""
    import anyio

    from api.cache import Cached, ResponseCache
    from api.loads import LoadGate, answer

    cache, gate = ResponseCache(), LoadGate()
    made: list[int] = []

    class Here:
        async def is_disconnected(self) -> bool:
            return False

    class Store:
        generation = 1

    store = Store()

    def make() -> Cached:
        made.append(store.generation)
        return Cached(b'{"n": 1}', "application/json", frozenset({"Person:P1"}))

    async def main() -> None:
        limiter = anyio.CapacityLimiter(1)
        first, _ = await answer(Here(), lambda: store, cache, gate, limiter, "q", make)  # type: ignore[arg-type]
        other = object()
        limiter.acquire_on_behalf_of_nowait(
            other
        )  # the pool's one worker is busy with another read
        try:
            with anyio.fail_after(5):
                again, headers = await answer(
                    Here(), lambda: store, cache, gate, limiter, "q", make
                )  # type: ignore[arg-type]
            assert again is first and headers == {}
            store.generation = 2  # a write: the kept answer is stale, so it waits for the pool
            with anyio.move_on_after(0.5) as waited:
                await answer(Here(), lambda: store, cache, gate, limiter, "q", make)  # type: ignore[arg-type]
            assert waited.cancelled_caught
        finally:
            limiter.release_on_behalf_of(other)

    anyio.run(main)
    assert made == [1]
