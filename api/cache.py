"""A small cache of rendered read responses, keyed by route, parameters and the store's generation.

The embedded store counts its writes (`generation`); any write makes every cached response stale,
so a cached answer is always what the store would answer now. A store that cannot promise that
(Neo4j, which other clients may write to) has no generation, and nothing is cached for it.
Every request is still authenticated and audited: the cache only saves recomputing the answer.
"""

from __future__ import annotations

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


class ResponseCache:
    """Least-recently-used answers, bounded by count and by bytes."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def get_or_make(self, store: GraphStore, key: Hashable, make: Callable[[], Cached]) -> Cached:
        """The cached answer for `key` at the store's current generation, made once if missing."""
        generation = getattr(store, "generation", None)
        if generation is None or self.max_entries <= 0:
            return make()
        full = (generation, key)
        with self._lock:
            hit = self._items.get(full)
            if hit is not None:
                self._items.move_to_end(full)
                return hit
            making = self._making.setdefault(full, threading.Lock())
        with making:  # one request computes an answer; the others asking for it at once wait for it
            try:
                return self._make_and_keep(store, full, generation, make)
            finally:
                with self._lock:
                    self._making.pop(full, None)

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
        if len(made.body) > self.max_bytes // 4:
            return made
        with self._lock:
            if getattr(store, "generation", None) != generation:  # a write landed meanwhile
                return made
            self._items[full] = made
            self._bytes += len(made.body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._bytes -= len(old.body)
        return made
