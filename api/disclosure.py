"""Which persons an answer discloses, as store keys (`DATASET:ID`), the one form the audit uses.

Commands name persons in several ways (a bare contract id, `DATASET:ID`, a node's key, an id
inside a list of members, an id written in a summary), so the answer is not read key by key:
every string in it (keys of objects included, and each word of a text) is matched against the
persons in the store, by key, and by id in every dataset; so are the request's own arguments
(a chronology of C1 discloses C1 even when its rows do not repeat the id). An id that two datasets share names both persons: the audit errs on the side of
recording an access, never of missing one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from graph_intel.stores import GraphStore

#: Strings longer than this are text (intelligence reports, notes), never an id as a whole.
MAX_ID_CHARS = 200
_SPACE = re.compile(r"\s")
#: What separates the words of a text in which ids may be written (ids keep : . - / _).
_WORDS = re.compile(r"[^\w:.\-/]+")


def strings_in(doc: Any, found: set[str] | None = None) -> set[str]:
    """Every string of a JSON-like document (values, and keys of objects) up to MAX_ID_CHARS."""
    found = set() if found is None else found
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) <= MAX_ID_CHARS:
                found.add(item)
            if _SPACE.search(item):  # text ("C1 seen with A1"): its words too
                found.update(
                    w.strip(".:-/") for w in _WORDS.split(item) if 0 < len(w) <= MAX_ID_CHARS
                )
        elif isinstance(item, dict):
            stack.extend(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return found


class PersonIndex:
    """The store's person keys and ids, read once per store generation (every write moves it on)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._keys: frozenset[str] = frozenset()
        self._by_id: dict[str, tuple[str, ...]] = {}

    def _load(self, store: GraphStore) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
        frame = store.nodes("Person", columns=["key", "id"])
        by_id: dict[str, list[str]] = {}
        keys = []
        for key, ident in zip(frame["key"], frame["id"], strict=True):
            keys.append(str(key))
            by_id.setdefault(str(ident), []).append(str(key))
        return frozenset(keys), {k: tuple(v) for k, v in by_id.items()}

    def keys_named(self, store: GraphStore, strings: Iterable[str]) -> set[str]:
        """Store keys of the persons that these strings name (as a key, or as an id)."""
        generation = getattr(store, "generation", None)
        with self._lock:
            if generation is None or generation != self._generation:
                keys, by_id = self._load(store)
                if generation is not None:
                    self._generation, self._keys, self._by_id = generation, keys, by_id
            else:
                keys, by_id = self._keys, self._by_id
        out: set[str] = set()
        for text in strings:
            if text in keys:
                out.add(text)
            out.update(by_id.get(text, ()))
        return out

    def disclosed(self, store: GraphStore, doc: Any) -> set[str]:
        """Store keys of every person a JSON-like answer names."""
        return self.keys_named(store, strings_in(doc))
