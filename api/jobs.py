"""Long operations as jobs: `POST /api/v1/ingest` with `Prefer: respond-async` answers
`202 Accepted` at once with a job URL, and the load runs on the service's job thread; the client
polls `GET /api/v1/jobs/{id}` for its state and, when done, the same report a synchronous
ingest returns.

Jobs run one at a time, in order, on one daemon thread (a load already runs alone: see
api.loads), so a server stopped mid-load exits at once and the store records the load as
incomplete. The latest `keep` jobs are remembered in memory; a job is seen only by its owner.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("graph_intel.api")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobFailed(Exception):
    """A job's work failed for a reason its owner can act on (the message says it)."""


@dataclass
class Job:
    """One long operation: who asked, what it is, where it stands, and its result."""

    id: str
    owner: str | None
    kind: str
    dataset: str
    state: str = "queued"
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.id,
            "kind": self.kind,
            "dataset": self.dataset,
            "status": self.state,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "result": self.result,
            "error": self.error,
            "url": job_url(self.id),
        }


def job_url(job_id: str) -> str:
    return f"/api/v1/jobs/{job_id}"


Work = Callable[[], dict[str, Any]]
Ended = Callable[[Job], None]


class JobRunner:
    """Runs submitted jobs one at a time on a daemon thread and keeps the latest `keep` of them."""

    def __init__(self, keep: int = 200) -> None:
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, Work, Ended]] = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, owner: str | None, kind: str, dataset: str, work: Work, ended: Ended) -> Job:
        """Queue `work`; `ended(job)` is called when it has finished or failed."""
        job = Job(id=secrets.token_urlsafe(12), owner=owner, kind=kind, dataset=dataset)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs.values()))
                if oldest.state in ("queued", "running"):
                    break
                self._jobs.popitem(last=False)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="graph-intel-jobs", daemon=True
                )
                self._thread.start()
        self._queue.put((job, work, ended))
        return job

    def get(self, job_id: str, owner: str | None) -> Job | None:
        """The job, if it exists and belongs to `owner`."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    @property
    def active(self) -> bool:
        """Whether a job is queued or running."""
        with self._lock:
            return any(j.state in ("queued", "running") for j in self._jobs.values())

    def _run(self) -> None:
        while True:
            job, work, ended = self._queue.get()
            job.state, job.started_at = "running", _now()
            try:
                job.result = work()
                job.state = "done"
            except JobFailed as exc:
                job.state, job.error = "failed", str(exc)
            except Exception:
                log.exception("job %s (%s of %s) failed", job.id, job.kind, job.dataset)
                job.state, job.error = "failed", "internal error; it has been logged"
            job.finished_at = _now()
            try:
                ended(job)
            except Exception:
                log.exception("job %s: recording its end failed", job.id)
