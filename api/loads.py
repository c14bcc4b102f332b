"""Reads while a load runs: they see the store as it was before the load, or are told one is in
progress (503 with Retry-After); never a half-loaded answer.

`LoadGate` is a readers-writer gate around the store: a load waits for the reads already running
to end, and while it runs new reads are refused (or answered from the cache as it stood when the
load began, with a header saying so). `answer()` is how every read route computes: single-flight
per question (the response cache), bounded by a worker pool (`CapacityLimiter`), and abandoned
when the client goes away before its turn (the wait is cancelled; a computation already running
in its thread cannot be stopped and ends on its own). An answer already kept at the store's
generation is handed back on the event loop, without a worker thread: the hop to a thread and
back, with the interpreter's lock passed between dozens of threads, was most of a cached
answer's cost (bench/api.py, show and the page: 481 -> 835 requests a second for 50 clients).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import anyio
from fastapi import HTTPException, Request

from api.cache import Cached, ResponseCache
from graph_intel.stores.base import GraphStore

#: Seconds a client is asked to wait before trying again while a load runs.
RETRY_AFTER_SECONDS = 5
#: How often a waiting read checks that its client is still there.
_DISCONNECT_POLL_SECONDS = 0.25
ANSWER_HEADER = "X-Graph-Intel-Answer"
INCOMPLETE_HEADER = "X-Graph-Intel-Incomplete-Loads"


class LoadInProgress(Exception):
    """A read arrived while a load runs."""

    def __init__(self, dataset: str, since: str) -> None:
        super().__init__(dataset, since)
        self.dataset = dataset
        self.since = since

    def detail(self) -> str:
        return (
            f"a load of dataset {self.dataset} is in progress (begun {self.since}); answers would be "
            f"half-loaded, so try again in a few seconds"
        )


class ServiceStopping(LoadInProgress):
    """A read arrived after the service began to stop (it is about to close the store)."""

    def __init__(self) -> None:
        super().__init__("", "")

    def detail(self) -> str:
        return "the service is stopping; try again when it is back"


class LoadGate:
    """Reads run side by side; a load runs alone, after the reads it found running have ended."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self.loading: str | None = None
        self.since: str | None = None
        #: The store's generation when the running load began: answers cached at it are pre-load.
        self.before: int | None = None
        #: Set when the service stops: no read starts after it (see `quiet`).
        self.stopping = False

    def check(self) -> None:
        """LoadInProgress if a load runs now."""
        with self._cond:
            if self.loading is not None:
                raise LoadInProgress(self.loading, self.since or "")

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            if self.stopping:
                raise ServiceStopping
            if self.loading is not None:
                raise LoadInProgress(self.loading, self.since or "")
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def load(self, dataset: str, store: GraphStore) -> Iterator[None]:
        """Run a load alone: refuse new reads now, wait for the running ones, then let it write."""
        with self._cond:
            while self.loading is not None:
                self._cond.wait()
            self.loading = dataset
            self.since = datetime.now(UTC).isoformat(timespec="seconds")
            self.before = getattr(store, "generation", None)
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self.loading = self.since = self.before = None
                self._cond.notify_all()

    @property
    def busy(self) -> bool:
        return self.loading is not None

    def quiet(self, timeout: float) -> bool:
        """Refuse every read from now on (ServiceStopping), and wait up to `timeout` seconds for
        the reads running now to end; whether they all have (the store may then be closed:
        closing it under a running read would crash it)."""
        with self._cond:
            self.stopping = True
            return self._cond.wait_for(lambda: self._readers == 0, timeout)


class ClientGone(Exception):
    """The client disconnected while its read waited for a worker."""


class StillComputing(Exception):
    """The answer was not ready within the read's patience; its computation goes on (and is cached)."""


async def run_abandonable(
    request: Request,
    work: Callable[[], Cached],
    limiter: anyio.CapacityLimiter,
    patience: float | None = None,
) -> Cached:
    """Run `work` in a worker thread of the bounded pool; give up if the client disconnects first,
    or (StillComputing) when no answer came within `patience` seconds: a computation already
    running then ends on its own and its answer is cached for the client's next try."""
    result: list[Cached] = []
    waited_out: list[bool] = []
    failed: list[BaseException] = []

    def guarded() -> Cached | None:
        try:
            return work()
        except Exception as exc:  # raised again outside the task group, as itself (not a group)
            failed.append(exc)
            return None

    async with anyio.create_task_group() as group:

        async def watch() -> None:
            while True:
                await anyio.sleep(_DISCONNECT_POLL_SECONDS)
                if await request.is_disconnected():
                    group.cancel_scope.cancel()
                    return

        async def timer() -> None:
            await anyio.sleep(patience or 0)
            waited_out.append(True)
            group.cancel_scope.cancel()

        group.start_soon(watch)
        if patience is not None:
            group.start_soon(timer)
        made = await anyio.to_thread.run_sync(guarded, abandon_on_cancel=True, limiter=limiter)
        if made is not None:
            result.append(made)
        group.cancel_scope.cancel()
    if failed:
        raise failed[0]
    if not result:
        raise StillComputing if waited_out else ClientGone
    return result[0]


async def answer(
    request: Request,
    store: Callable[[], GraphStore],
    cache: ResponseCache,
    gate: LoadGate,
    limiter: anyio.CapacityLimiter,
    key: Hashable,
    make: Callable[[], Cached],
    patience: float | None = None,
) -> tuple[Cached, dict[str, str]]:
    """The answer to one question, and the headers it needs: computed once however many ask at
    once, at most `limiter` at a time, never while a load runs (then the answer cached before the
    load, marked, or a 503 saying a load is in progress). `store()` gives the store handle, read
    inside the gate (a load in a child process replaces it)."""

    def work() -> Cached:
        with gate.reading():
            return cache.get_or_make(store(), key, make)

    try:
        # an answer already kept at this generation: handed back with no worker thread to wait for
        with gate.reading():
            kept = cache.fresh(store(), key)
        if kept is not None:
            return kept, {}
        return await run_abandonable(request, work, limiter, patience), {}
    except LoadInProgress as exc:
        before = gate.before
        hit = cache.peek(before, key) if before is not None else None
        if hit is not None:
            return hit, {
                ANSWER_HEADER: f"computed before the load of dataset {exc.dataset} in progress (begun {exc.since})"
            }
        raise HTTPException(
            status_code=503, detail=exc.detail(), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        ) from exc
    except StillComputing as exc:
        raise HTTPException(
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            detail=f"the answer is still being computed (more than {patience:g} s; the store may just have grown "
            "by a load): it will be ready for a later try, so try again in a few seconds",
        ) from exc
    except ClientGone as exc:
        raise HTTPException(
            status_code=503, detail="the client went away before its answer was computed"
        ) from exc


class IncompleteLoads:
    """Which datasets' last load did not finish, read once per store generation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: tuple[int | None, str] | None = None

    def known(self, store: Callable[[], GraphStore], gate: LoadGate) -> dict[str, str] | None:
        """`header` when it is already known at the store's generation (no store read), else None."""
        try:
            with gate.reading():
                generation = getattr(store(), "generation", None)
                with self._lock:
                    seen = self._seen
        except LoadInProgress:
            return {}
        if generation is None or seen is None or seen[0] != generation:
            return None
        return _named(seen[1])

    def header(self, store: Callable[[], GraphStore], gate: LoadGate) -> dict[str, str]:
        """The header naming them (none when every load finished); the running load is not one.
        `store()` gives the store handle, read inside the gate."""
        known = self.known(store, gate)
        if known is not None:
            return known
        try:
            with gate.reading():
                handle = store()
                generation = getattr(handle, "generation", None)
                names = ", ".join(sorted(handle.incomplete_loads()))
                with self._lock:
                    self._seen = (generation, names)
        except LoadInProgress:
            return {}
        return _named(names)


def _named(names: str) -> dict[str, str]:
    """The incomplete-loads header naming `names` (none when there are none)."""
    return {INCOMPLETE_HEADER: names} if names else {}
