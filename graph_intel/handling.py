"""Restricted material: which sources carry a restrictive handling code, and the one filter every output uses.

A source is restricted when its 3x5x2 handling code is C (conditions apply, in `handling_note`) or
its legacy 5x5x5 handling code is anything but 1 (2-5 all restrict dissemination); a blank code
restricts nothing. A fact (a link, an event, a report, a row a pattern returns) is restricted when
every source that states it is restricted: a fact also recorded by an open source is shown, citing
the open sources only.

Printable and shareable outputs (CAWN packs, briefings, network pages, exports) and everything the
viewer role receives over the API read the store through `restricted_view`: a read-only view that
leaves restricted facts out, drops restricted sources from every `sources` list, and hides the
restricted Source records themselves. Asked to include them (`--include-restricted`), an output
reads the store itself and marks each restricted item with `Handling.note`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from graph_intel.schema import LinkSpec, schema
from graph_intel.stores import patterns
from graph_intel.stores.base import GraphStore, StoreError, UpsertResult
from graph_intel.stores.patterns import Pattern

if TYPE_CHECKING:  # frames only where a read makes them: `show` reads plain rows, without pandas
    import pandas as pd

#: Entity kinds that facts are about: they stay in every output but an export, stripped of their
#: restricted sources. Every other kind (events, reports, referrals, records, earlier versions...)
#: is a fact in itself, left out when every source is restricted.
SUBJECT_ENTITIES = ("Person", "Phone", "Vehicle", "Location", "Exhibit")
FACT_ENTITIES = tuple(
    e.name
    for e in schema().entities.values()
    if e.name not in SUBJECT_ENTITIES and (not e.provenance or e.name == "Version")
)


def is_restricted(scheme: Any, handling: Any) -> bool:
    """Whether a source so graded restricts its material: 3x5x2 `C`, or 5x5x5 anything but `1`."""
    code = (
        ""
        if handling is None or (isinstance(handling, float) and handling != handling)  # NaN
        else str(handling).strip().upper()
    )
    if not code:
        return False
    if str(scheme or "3x5x2").strip() == "5x5x5":
        return code != "1"
    return code == "C"


def handling_text(scheme: Any, handling: Any, note: Any) -> str:
    """How a restricted source is marked on a page: 'handling C: informant material - do not disseminate'."""
    code = str(handling).strip().upper()
    label = f"handling {code}" if str(scheme or "3x5x2") != "5x5x5" else f"5x5x5 handling {code}"
    text = (
        note.strip()
        if isinstance(note, str) and note.strip()
        else "conditions apply: see the source record"
    )
    return f"{label}: {text}"


class Handling:
    """The restricted sources of a store (found once, in the store) and what they make of a fact's sources."""

    def __init__(self, store: GraphStore) -> None:
        # only the sources coded other than open come back (patterns.restricted_sources); the exact
        # rule is applied to them here
        self.notes: dict[str, str] = {}
        for row in store.pattern_records(patterns.restricted_sources()):
            scheme, code = row["scheme"], row["handling"]
            if is_restricted(scheme, code):
                self.notes[str(row["key"])] = handling_text(scheme, code, row["handling_note"])

    @property
    def restricted(self) -> set[str]:
        """Keys of the restricted sources."""
        return set(self.notes)

    def withheld(self, sources: Any) -> bool:
        """Whether a fact with these sources is restricted: it has sources, and all are restricted."""
        keys = _listed(sources)
        return bool(keys) and all(str(k) in self.notes for k in keys)

    def open_sources(self, sources: Any) -> list[str]:
        """The fact's sources that are not restricted, in order."""
        return [str(k) for k in _listed(sources) if str(k) not in self.notes]

    def note(self, sources: Any) -> str | None:
        """The handling marks of a fact's restricted sources ('; '-joined), None when it has none."""
        notes = list(
            dict.fromkeys(self.notes[str(k)] for k in _listed(sources) if str(k) in self.notes)
        )
        return "; ".join(notes) if notes else None

    def keep(self, frame: pd.DataFrame, column: str = "sources") -> pd.DataFrame:
        """Rows of `frame` that are not restricted, their `column` lists stripped of restricted sources."""
        if not self.notes or frame.empty or column not in frame.columns:
            return frame
        values = frame[column].tolist()
        clean = self._clean(values)
        if all(clean):
            return frame.reset_index(drop=True)
        kept = [c or not self.withheld(v) for v, c in zip(values, clean, strict=True)]
        out = frame[kept].copy()
        out[column] = [
            v if c else self.open_sources(v)
            for v, c, k in zip(values, clean, kept, strict=True)
            if k
        ]
        return out.reset_index(drop=True)

    def keep_records(
        self, rows: list[dict[str, Any]], column: str = "sources"
    ) -> list[dict[str, Any]]:
        """`keep` of plain rows: those not restricted, their `column` lists stripped of restricted sources."""
        if not self.notes or not rows or column not in rows[0]:
            return rows
        values = [row[column] for row in rows]
        return [
            row if c else {**row, column: self.open_sources(v)}
            for row, v, c in zip(rows, values, self._clean(values), strict=True)
            if c or not self.withheld(v)
        ]

    def strip(self, frame: pd.DataFrame, column: str = "sources") -> pd.DataFrame:
        """`frame` with its `column` lists stripped of restricted sources (no row left out)."""
        if not self.notes or frame.empty or column not in frame.columns:
            return frame
        values = frame[column].tolist()
        clean = self._clean(values)
        if all(clean):
            return frame
        out = frame.copy()
        out[column] = [v if c else self.open_sources(v) for v, c in zip(values, clean, strict=True)]
        return out

    def _clean(self, values: list[Any]) -> list[bool]:
        """Whether each value is a list of sources none of which is restricted: kept as it is.

        One C-level set test per row (restricted sources are few; rows are up to millions, and a
        Python call per row was most of a briefing's time). Source keys are str as every store
        types them; anything but a list (a tuple, an array, a bare key, a blank) goes through
        withheld() and open_sources()."""
        restricted = self.notes.keys()
        return [type(v) is list and restricted.isdisjoint(v) for v in values]


def _listed(sources: Any) -> list[Any]:
    if sources is None or isinstance(sources, float | str):
        return [] if not isinstance(sources, str) else [sources]
    return list(sources)


class RestrictedView(GraphStore):
    """A read-only view of a store without its restricted material (see the module's docstring)."""

    def __init__(self, store: GraphStore, withhold: Collection[str] = FACT_ENTITIES) -> None:
        self.inner = store
        self.name = store.name
        self.handling = Handling(store)
        #: entity kinds whose records are left out when every source is restricted (an export: all)
        self.withhold = frozenset(withhold)

    def close(self) -> None:
        """The view owns nothing: closing it leaves the store open."""

    def ensure_schema(self) -> None:
        raise StoreError("a restricted view is read-only")

    def upsert_nodes(self, entity: str, rows: pd.DataFrame) -> UpsertResult:
        raise StoreError("a restricted view is read-only")

    def upsert_links(
        self, link: str, from_entity: str, to_entity: str, rows: pd.DataFrame
    ) -> UpsertResult:
        raise StoreError("a restricted view is read-only")

    def counts(self) -> dict[str, int]:
        return self.inner.counts()

    def mark_load_started(self, dataset: str, started_at: str) -> None:
        raise StoreError("a restricted view is read-only")

    def mark_load_finished(self, dataset: str, started_at: str) -> None:
        raise StoreError("a restricted view is read-only")

    def incomplete_loads(self) -> dict[str, str]:
        return self.inner.incomplete_loads()

    def nodes(
        self, entity: str, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        name = schema().entity(entity).name
        wanted = list(columns) if columns is not None else None
        if wanted is not None and "sources" not in wanted and self.handling.notes:
            frame = self.inner.nodes(name, keys=keys, columns=[*wanted, "sources"])
            return self._nodes(name, frame).drop(columns=["sources"])
        return self._nodes(name, self.inner.nodes(name, keys=keys, columns=columns))

    def _nodes(self, entity: str, frame: pd.DataFrame) -> pd.DataFrame:
        if not self.handling.notes or frame.empty:
            return frame
        if entity == "Source":
            return frame[~frame["key"].astype(str).isin(self.handling.restricted)].reset_index(
                drop=True
            )
        if entity in self.withhold:
            return self.handling.keep(frame)
        return self.handling.strip(frame)

    def find_keys(self, entity: str, ident: str) -> list[str]:
        keys = self.inner.find_keys(entity, ident)
        if schema().entity(entity).name in (*self.withhold, "Source") and keys:
            kept = set(self.nodes(entity, keys=keys, columns=["key"])["key"])
            return [k for k in keys if k in kept]
        return keys

    def _pair_links(
        self,
        spec: LinkSpec,
        a: str,
        b: str,
        from_keys: Sequence[str] | None = None,
        to_keys: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        return self.handling.keep(self.inner._pair_links(spec, a, b, from_keys, to_keys))

    def node_links(self, entity: str, key: str) -> pd.DataFrame:
        return self.handling.keep(self.inner.node_links(entity, key))

    def node_link_records(self, entity: str, key: str) -> list[dict[str, Any]]:
        return self.handling.keep_records(self.inner.node_link_records(entity, key))

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        raise StoreError(
            "restricted material is left out of this output, and a free query cannot be filtered: "
            "run it with access to restricted material (--include-restricted)"
        )

    def run_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        return self.handling.keep(self.inner.run_pattern(pattern, **params))

    def pattern_records(self, pattern: Pattern, **params: Any) -> list[dict[str, Any]]:
        return self.handling.keep_records(self.inner.pattern_records(pattern, **params))

    def _read_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        """Never reached: every read of the view is one of the store's, filtered above."""
        raise StoreError(f"a restricted view runs no statement of its own ({pattern.name})")

    def datasets(self) -> list[str]:
        return self.inner.datasets()


def restricted_view(
    store: GraphStore, include_restricted: bool = False, every_record: bool = False
) -> GraphStore:
    """The store an output reads: itself when restricted material is asked for, else a RestrictedView.

    `every_record` (an export, which writes records as rows) leaves out any record, a person's
    too, whose every source is restricted; other outputs keep such persons, phones, vehicles and
    places (what the facts are about) and leave out the restricted facts about them."""
    if include_restricted or isinstance(store, RestrictedView):
        return store
    if every_record:
        return RestrictedView(
            store, [e.name for e in schema().entities.values() if not e.provenance]
        )
    return RestrictedView(store)


__all__ = [
    "FACT_ENTITIES",
    "SUBJECT_ENTITIES",
    "Handling",
    "RestrictedView",
    "handling_text",
    "is_restricted",
    "restricted_view",
]
