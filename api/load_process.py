"""A load over the API runs in a child process, so the service stays responsive while it runs.

Parsing and normalising a large upload is Python work that holds the interpreter lock: run in the
service's own process it slowed every read to tens of seconds (docs/performance.md). The child
(`python -m api.load_process`) runs the one load pipeline (graph_intel.load.load) against the
store's path and prints its report as JSON; the service only waits for it.

LadybugDB lets one process at a time open a database read-write (a second read-write open fails
on the file lock), and a read-only handle in another process is not synchronised with a writer's
checkpoints, so the service closes its own handle for the load and opens it again after. Reads
meanwhile go through the load gate (api.loads): the answer cached before the load, marked, or
503 with Retry-After; never a half-loaded store, and never the closed handle.

The child reads its request from stdin and keeps reading it: when the service dies (kill -9,
crash) the pipe closes and the child exits at once, so a load never runs on unsupervised; the
store's load mark (LoadState) then says the load is incomplete until it is loaded again.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("graph_intel.api")

#: Exit status of a child whose load was refused for a reason its user can act on.
REFUSED = 2
#: Exit status of a child that saw its parent go (its stdin closed) and stopped.
ORPHANED = 3


class LoadRefused(Exception):
    """The load was refused (a bad file, a duplicate column): the message says why, for the user."""


class LoadStopped(Exception):
    """The load's process ended without a report (the service is stopping, or it crashed)."""


@dataclass
class LoadRequest:
    """What the child loads: a folder of canonical files, as one dataset, into the store at `store`."""

    store: str
    folder: str
    dataset: str
    agency: str
    elsewhere: str

    def as_line(self) -> bytes:
        return (json.dumps(self.__dict__) + "\n").encode()


@dataclass
class LoadProcesses:
    """The load child running now (at most one: loads run alone), so a stopping service can end it."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _running: subprocess.Popen[bytes] | None = None
    stopping: bool = False

    def run(self, request: LoadRequest) -> dict[str, Any]:
        """Run one load in a child and return its report; LoadRefused or LoadStopped otherwise."""
        with self._lock:
            if self.stopping:
                raise LoadStopped("the service is stopping")
            child = subprocess.Popen(  # noqa: S603 - this interpreter, this module, no shell
                [sys.executable, "-m", "api.load_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            self._running = child
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(request.as_line())
            child.stdin.flush()
            out = child.stdout.read()  # stdin stays open: the child's sign that this process lives
            code = child.wait()
        finally:
            with self._lock:
                self._running = None
            child.stdin.close()
            child.stdout.close()
        answer = _last_json(out)
        if code == 0 and "report" in answer:
            return dict(answer["report"])
        if code == REFUSED and "refused" in answer:
            raise LoadRefused(str(answer["refused"]))
        raise LoadStopped(f"the load process ended with status {code} and no report")

    def stop(self) -> None:
        """End the running load (the service is stopping): it stays marked incomplete in the store."""
        with self._lock:
            self.stopping = True
            if self._running is not None and self._running.poll() is None:
                self._running.kill()


def _last_json(out: bytes) -> dict[str, Any]:
    for line in reversed(out.decode("utf-8", "replace").splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def _watch_parent() -> None:
    """Exit at once when stdin closes: the service that started this load has gone."""
    sys.stdin.buffer.read()
    os._exit(ORPHANED)


def main() -> None:
    """The child: read the request, load, print {"report": ...} or {"refused": reason}."""
    from graph_intel.alerts import install
    from graph_intel.load import IngestError, LoadSettings, load, reader
    from graph_intel.private import private_files
    from graph_intel.stores import open_store

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    request = LoadRequest(**json.loads(sys.stdin.buffer.readline()))
    threading.Thread(target=_watch_parent, name="graph-intel-parent-watch", daemon=True).start()
    private_files()
    install()  # the load checks the watchlists and the matrix, as every load does
    settings = LoadSettings(
        agency=request.agency,
        origin="upload",
        keep_quarantine=True,
        elsewhere=Path(request.elsewhere),
    )
    try:
        store = open_store(Path(request.store), create=False)
        try:
            report = load(
                store, reader("canonical"), Path(request.folder), request.dataset, settings
            )
        finally:
            store.close()
    except IngestError as exc:
        sys.stdout.write(json.dumps({"refused": str(exc)}) + "\n")
        sys.stdout.flush()
        os._exit(REFUSED)
    except BaseException:  # logged for the service's log; the service reports a failed load
        log.exception("the load of dataset %s failed", request.dataset)
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.write(json.dumps({"report": report.as_json()}, default=str) + "\n")
    sys.stdout.flush()
    os._exit(0)  # the watcher thread is still reading stdin


if __name__ == "__main__":
    main()
