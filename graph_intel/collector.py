"""Pausing Python's cyclic garbage collector while a command builds many small acyclic objects.

A load's chunk, a command's groups and evidence items, an answer's rows: hundreds of thousands to
millions of lists and dicts that all stay alive until they are written. Each full collection the
allocations set off walks every live object and frees nothing (at demo --scale 100 one took 1.5 s
of `groups`); reference counting still frees everything meanwhile, and the collector resumes
when the outermost pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block (a nested pause leaves it to the outermost one)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
