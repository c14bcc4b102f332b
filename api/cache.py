"""A small cache of rendered read responses, keyed by route, parameters and the store's generation.

The embedded store counts its writes (`generation`); any write makes every cached response stale,
so a cached answer is always what the store would answer now. A store that cannot promise that
(Neo4j, which other clients may write to) has no generation, and nothing is cached for it.
Every request is still authenticated and audited: the cache only saves recomputing the answer.

The cache is sized in bytes (`GRAPH_INTEL_ANSWER_CACHE_BYTES`, 256 MiB by default): what each
answer holds (its body, and the person keys kept for the audit) is counted, and the answers
least recently used are dropped once the total is over the budget, so the service's memory
stays bounded however many different questions are asked. An answer larger than a quarter of
the budget is served and not kept.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from graph_intel.stores.base import GraphStore


@dataclass(frozen=True)
class Cached:
    """One rendered answer and the persons it names (for the audit)."""

    body: bytes
    media_type: str
    persons: frozenset[str]


#: What one kept answer costs beyond its body and persons: the entry, its key and its record.
_ENTRY_BYTES = 512


def answer_bytes(answer: Cached) -> int:
    """The memory one kept answer holds, about: its body, the person keys, and the entry itself."""
    persons = sys.getsizeof(answer.persons) + sum(sys.getsizeof(p) for p in answer.persons)
    return len(answer.body) + persons + _ENTRY_BYTES


class ResponseCache:
    """Least-recently-used answers, bounded by the bytes they hold (and, if given, by count)."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024, max_entries: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, Cached] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._bytes = 0
        self._evicted = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def stats(self) -> dict[str, int]:
        """How full the cache is: answers kept, their bytes, the budget, and answers dropped so far."""
        with self._lock:
            return {
                "answers": len(self._items),
                "bytes": self._bytes,
                "max_bytes": self.max_bytes,
                "evicted": self._evicted,
            }

    def get_or_make(self, store: GraphStore, key: Hashable, make: Callable[[], Cached]) -> Cached:
        """The cached answer for `key` at the store's current generation, made once if missing."""
        generation = getattr(store, "generation", None)
        if generation is None or self.max_bytes <= 0 or self.max_entries == 0:
            return make()
        full = (generation, key)
        hit = self._used(full)
        if hit is not None:
            return hit
        with self._lock:
            making = self._making.setdefault(full, threading.Lock())
        with making:  # one request computes an answer; the others asking for it at once wait for it
            try:
                return self._make_and_keep(store, full, generation, make)
            finally:
                with self._lock:
                    self._making.pop(full, None)

    def fresh(self, store: GraphStore, key: Hashable) -> Cached | None:
        """The answer kept for `key` at the store's current generation (marked as just used), or
        None: for a caller that can hand back a kept answer without a worker thread."""
        generation = getattr(store, "generation", None)
        return None if generation is None else self._used((generation, key))

    def _used(self, full: tuple[int, Hashable]) -> Cached | None:
        """The answer kept under `full`, marked as just used (the last to be dropped), or None."""
        with self._lock:
            hit = self._items.get(full)
            if hit is not None:
                self._items.move_to_end(full)
            return hit

    def peek(self, generation: int, key: Hashable) -> Cached | None:
        """The answer cached for `key` at `generation`, if any (an answer from before a load)."""
        with self._lock:
            return self._items.get((generation, key))

    def _make_and_keep(
        self,
        store: GraphStore,
        full: tuple[int, Hashable],
        generation: int,
        make: Callable[[], Cached],
    ) -> Cached:
        with self._lock:
            hit = self._items.get(full)
            if hit is not None:
                return hit
        made = make()
        size = answer_bytes(made)
        if size > self.max_bytes // 4:
            return made
        with self._lock:
            if getattr(store, "generation", None) != generation:  # a write landed meanwhile
                return made
            self._items[full] = made
            self._sizes[full] = size
            self._bytes += size
            while self._bytes > self.max_bytes or (
                self.max_entries is not None and len(self._items) > self.max_entries
            ):
                old, _ = self._items.popitem(last=False)
                self._bytes -= self._sizes.pop(old)
                self._evicted += 1
        return made
