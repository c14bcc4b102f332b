"""The response cache: one computation per answer, never stale after a write, off without a generation."""

from __future__ import annotations

import threading
import time

from api.cache import Cached, ResponseCache


class _Store:
    def __init__(self) -> None:
        self.generation = 0


def test_concurrent_askers_share_one_computation() -> None:
    cache, store, calls = ResponseCache(), _Store(), []

    def make() -> Cached:
        calls.append(1)
        time.sleep(0.05)
        return Cached(b"answer", "application/json", frozenset({"C1"}))

    results: list[Cached] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_make(store, "k", make)))
        for _ in range(20)
    ]  # type: ignore[arg-type]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and {r.body for r in results} == {b"answer"}


def test_a_write_makes_every_answer_stale() -> None:
    cache, store = ResponseCache(), _Store()
    first = cache.get_or_make(store, "k", lambda: Cached(b"1", "text/plain", frozenset()))  # type: ignore[arg-type]
    store.generation += 1
    second = cache.get_or_make(store, "k", lambda: Cached(b"2", "text/plain", frozenset()))  # type: ignore[arg-type]
    assert (first.body, second.body) == (b"1", b"2")


def test_a_store_without_a_generation_is_never_cached() -> None:
    cache, calls = ResponseCache(), []

    def make() -> Cached:
        calls.append(1)
        return Cached(b"x", "text/plain", frozenset())

    cache.get_or_make(object(), "k", make)  # type: ignore[arg-type]
    cache.get_or_make(object(), "k", make)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_the_cache_is_bounded() -> None:
    cache, store = ResponseCache(max_entries=3), _Store()
    for i in range(10):
        cache.get_or_make(store, i, lambda i=i: Cached(str(i).encode(), "text/plain", frozenset()))  # type: ignore[arg-type, misc]
    assert len(cache._items) == 3
