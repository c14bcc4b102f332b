"""The hub's first pages prepared ahead, so the first person to open them does not wait.

What the home page, the briefing, the group list and each child's page show rests on store-wide
analyses (the briefing, CAWN standing and breaches, missing triggers, linked groups, the child's
chronology): seconds each at `demo --scale 50`, a dozen for a child's page. After the service
starts, and again whenever a load has moved the store on, one worker thread computes those pages'
data for each role that reads case data (analysts first, then viewers, whose pages are made
through the restricted view): the home page and briefing of the default period, every child on
the matrix, the group list. It goes through the same answer cache as the pages (`role_cached`,
one computation per page and store generation), so a page asked for while it is being prepared
waits for that computation instead of repeating it.

Preparing discloses nothing: it reads the store as the service already does and keeps what it
made in the service's memory; a person sees a page only by opening it, audited as ever. It runs
in the background at the machine's pace and stops at once when a load begins (the answers of
the generation before are no use) or the service stops. `GRAPH_INTEL_HUB_PREPARE=false` turns it
off (every page is then computed when first asked for).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

from api.deps import Services
from api.loads import LoadInProgress
from api.web import views
from api.web.case import child_data, group_summaries, home_data
from api.web.documents import briefing_data
from api.web.page import role_read

log = logging.getLogger("graph_intel.api")

#: How often the worker looks at whether the store has moved on (seconds).
POLL_SECONDS = 1.0


class Stale(Exception):
    """The store moved on (or the service is stopping) while pages were being prepared."""


class Preparer:
    """One worker thread that prepares the first pages for each store generation (and day)."""

    def __init__(self, services: Callable[[], Services | None], poll: float = POLL_SECONDS) -> None:
        self.services = services
        self.poll = poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: The (store generation, day) whose pages are prepared, and how long that took.
        self.prepared: tuple[int, date] | None = None
        self.seconds: float | None = None
        self.pages = 0

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="graph-intel-hub-prepare", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop preparing (a page being computed ends on its own; nothing waits for it)."""
        self._stop.set()

    def status(self) -> dict[str, object]:
        """Whether the pages of the store as it is now are ready, and how long they took."""
        generation = _generation(self.services())
        ready = self.prepared is not None and self.prepared == (generation, date.today())
        return {"ready": ready, "seconds": self.seconds, "pages": self.pages}

    def _run(self) -> None:
        while not self._stop.is_set():
            svc = self.services()
            generation = _generation(svc)
            today = date.today()
            if svc is not None and generation is not None and not svc.gate.busy:
                if self.prepared != (generation, today):
                    self._prepare(svc, generation, today)
            self._stop.wait(self.poll)

    def _prepare(self, svc: Services, generation: int, today: date) -> None:
        started = time.perf_counter()
        done = 0

        def still() -> None:
            if self._stop.is_set() or svc.gate.busy or _generation(svc) != generation:
                raise Stale

        try:
            for analyst in (True, False):  # analysts first: they use the hub most
                done += prepare_pages(svc, analyst, today, still)
        except (Stale, LoadInProgress):
            return  # the next look finds the new generation and starts again
        except Exception:  # a page that cannot be made is made (and fails) when it is asked for
            log.exception("could not prepare the hub's first pages")
        self.prepared, self.seconds, self.pages = (
            (generation, today),
            time.perf_counter() - started,
            done,
        )
        log.info("hub pages prepared: %d pages in %.1f s", done, self.seconds)


def _generation(svc: Services | None) -> int | None:
    """The store's generation now (None without a service, or for a store that has none)."""
    return getattr(svc.store, "generation", None) if svc is not None else None


def prepare_pages(svc: Services, analyst: bool, today: date, still: Callable[[], None]) -> int:
    """Make one role's first pages through the pages' own cache keys (see the module's
    docstring); `still()` raises when preparing should stop. Returns how many pages it made."""
    start = views.default_since(today)
    home = home_data(svc, analyst, start, today)
    still()
    briefing_data(svc, analyst, start, today)
    still()
    group_summaries(svc, analyst)
    made = 3
    for row in home["children"]:
        still()
        pid = str(row["person_id"])
        key = role_read(svc, analyst, lambda s: views.check_person(s, pid))  # noqa: B023
        child_data(svc, analyst, key, today)
        made += 1
    return made
