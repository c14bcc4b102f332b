"""The store interface: what every graph store (embedded LadybugDB, Neo4j) promises.

Stores only store. They take and give pandas DataFrames whose columns are named by the schema
(graph_intel/schema/pole.yaml); they never parse source files and never analyse. The reads of
one entity (`get_node`, `find_keys`, `datasets`, `node_link_records`, `pattern_records`) give
plain rows instead, which a store may read without pandas (the embedded one does), so that a
command looking at one entity starts quickly.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from graph_intel.schema import COMMON_LINK_COLUMNS, EntitySpec, LinkSpec, schema
from graph_intel.stores import patterns, reads
from graph_intel.stores.patterns import Pattern

if TYPE_CHECKING:  # frames are made only where a read or write needs them: opening a store, and
    # reading one entity (`show`), import no pandas (records, get_node, node_link_records)
    import pandas as pd

#: Columns of the frame `links()` and `node_links()` return, before the link's own properties.
#: The store's own bookkeeping tables, beside the POLE schema's: one LoadState per dataset, marking
#: a load that started and has not finished (see mark_load_started).
STORE_TABLES = ("LoadState",)

LINK_FRAME_COLUMNS = [
    "link",
    "from_entity",
    "from_key",
    "to_entity",
    "to_key",
    *COMMON_LINK_COLUMNS,
]


class StoreError(RuntimeError):
    """The store cannot do what was asked (unreachable, locked, bad query); the message says why."""


class RefusedStatement(StoreError):
    """A user's statement that is not a single read of the graph; the message names what refused it."""


@dataclass
class UpsertResult:
    """What one upsert did: rows created, rows whose stored values changed, rows left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (entity, stored rows as they were, columns replaced per row) for each upsert that replaced
    #: stored values: what a load keeps as earlier versions (graph_intel.ingest)
    superseded: list[tuple[str, pd.DataFrame, list[list[str]]]] = field(
        default_factory=list, compare=False, repr=False
    )

    def __iadd__(self, other: UpsertResult) -> UpsertResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.superseded.extend(other.superseded)
        return self


@dataclass
class Subgraph:
    """A piece of the graph: node rows (entity, key and properties) and link rows."""

    nodes: pd.DataFrame
    links: pd.DataFrame
    notes: list[str] = field(default_factory=list)


class GraphStore(ABC):
    """One graph store. Write with upsert_nodes/upsert_links; read with the methods below."""

    name: str = "store"
    #: Counts the writes made through this handle when it is the store's only writer (a cached
    #: read made at the same generation is still what the store holds); None where others may write.
    generation: int | None = None

    @property
    def local_path(self) -> Path | None:
        """The folder the store lives in on this machine, when another process may open it there
        (a load in a child process) and files may be kept beside it (quarantine); None for a store
        on a server."""
        return None

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources."""

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """A bulk load (one file, in chunks): the store may hold new rows back and load each table
        once, merging a row seen again in a later chunk in memory; what a write reports then
        counts such a repeat as part of the row first created, as a repeat within one write is.
        Everything is stored (flushed) when the outermost block ends; a block inside another
        may leave its rows' loads queued when it ends, for the outer block to wait for."""
        try:
            yield
        finally:
            self.flush()

    def flush(self) -> None:  # noqa: B027 - a hook: stores that write at once have nothing to settle
        """Wait until every write asked for so far is stored, raising the first that failed.

        Writes are applied in order and reads always see them; a store that queues writes (the
        embedded one queues bulk loads) settles them here, so a loader can report a failure for
        the file it came from."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the tables, constraints and indexes the schema declares, if missing."""

    # -- writes ---------------------------------------------------------------------------------
    @abstractmethod
    def upsert_nodes(self, entity: str, rows: pd.DataFrame) -> UpsertResult:
        """Create or widen entities of one kind.

        `rows` has a `key` column and any of the entity's columns. Rows with the same key are
        merged: `sources` and list properties are unioned, `first_seen` takes the earliest and
        `last_seen` the latest, and a non-blank value replaces a stored one (blank never erases).
        Loading the same rows twice changes nothing.
        """

    @abstractmethod
    def upsert_links(
        self, link: str, from_entity: str, to_entity: str, rows: pd.DataFrame
    ) -> UpsertResult:
        """Create or widen links of one kind between two entity kinds.

        `rows` has `from_key`, `to_key`, the link's identity properties and any other columns;
        both ends must already exist. Merging follows the rules of upsert_nodes.
        """

    # -- reads ----------------------------------------------------------------------------------
    # The store's own reads (graph_intel.stores.reads), written once for every backend.
    #: How many keys one read statement is given at most.
    read_batch: int = 5_000

    @abstractmethod
    def _read_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        """Run one of the store's own reads (graph_intel.stores.reads) in this store's dialect."""

    def _node_frame(self, frame: pd.DataFrame, spec: EntitySpec, wanted: list[str]) -> pd.DataFrame:  # noqa: ARG002
        """An entity read's rows as the contract gives them (a backend whose values need typing types them)."""
        return frame

    def _link_frame(self, frame: pd.DataFrame, spec: LinkSpec) -> pd.DataFrame:  # noqa: ARG002
        """A link read's rows as the contract gives them (a backend whose values need typing types them)."""
        return frame

    def counts(self) -> dict[str, int]:
        """Number of stored entities per entity kind and links per link kind (by label/type)."""
        out: dict[str, int] = {}
        for ent in schema().entities:
            out[ent] = int(self._read_pattern(reads.count_nodes(ent))["n"].iloc[0])
        for link in schema().links:
            out[link] = int(self._read_pattern(reads.count_links(link))["n"].iloc[0])
        return out

    def nodes(
        self, entity: str, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Entities of one kind (all, or those with the given keys) as a frame with a `key` column."""
        import pandas as pd

        spec = schema().entity(entity)
        wanted = ["key", *[c for c in (columns or spec.columns()) if c != "key"]]
        if keys is None:
            frame = self._read_pattern(reads.nodes(spec.name, tuple(wanted)))
        else:
            by_keys = reads.nodes_by_keys(spec.name, tuple(wanted))
            step = self.read_batch
            parts = [
                self._read_pattern(by_keys, keys=list(keys[i : i + step]))
                for i in range(0, len(keys), step)
            ]
            frame = pd.concat(parts or [pd.DataFrame(columns=wanted)], ignore_index=True)
        return self._node_frame(frame, spec, wanted)

    def find_keys(self, entity: str, ident: str) -> list[str]:
        """Keys of the entities of one kind whose contract id is `ident` (one per dataset)."""
        rows = self._read_records(reads.find_keys(schema().entity(entity).name), id=ident)
        return sorted(row["key"] for row in rows)

    def _read_records(self, pattern: Pattern, **params: Any) -> list[dict[str, Any]]:
        """One of the store's own reads whose rows need no typing, as plain rows (`records`); a
        store that can read rows without making a frame does so."""
        return records(self._read_pattern(pattern, **params))

    def _node_records(
        self, entity: str, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """`nodes` as plain rows (`records`); a store that can read them without a frame does so."""
        return records(self.nodes(entity, keys=keys, columns=columns))

    def links(
        self,
        link: str,
        from_keys: Sequence[str] | None = None,
        to_keys: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Links of one kind (optionally only from or to given keys): LINK_FRAME_COLUMNS + properties."""
        spec = schema().link(link)
        return concat_links(
            [self._pair_links(spec, a, b, from_keys, to_keys) for a, b in spec.pairs], spec
        )

    def _pair_links(
        self,
        spec: LinkSpec,
        a: str,
        b: str,
        from_keys: Sequence[str] | None = None,
        to_keys: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Links of one kind between entity kinds `a` and `b` (the frame `links()` returns)."""
        if from_keys is not None:
            few = len(from_keys) <= reads.FEW_KEYS
            frame = self._read_pattern(
                reads.links(spec.name, a, b, "from", few), keys=list(from_keys)
            )
        elif to_keys is not None:
            few = len(to_keys) <= reads.FEW_KEYS
            frame = self._read_pattern(reads.links(spec.name, a, b, "to", few), keys=list(to_keys))
        else:
            frame = self._read_pattern(reads.links(spec.name, a, b))
        return self._link_frame(frame, spec)

    def node_link_records(self, entity: str, key: str) -> list[dict[str, Any]]:
        """`node_links` as plain rows (`records`), in the same order; a store that can read them
        without a frame does so."""
        return records(self.node_links(entity, key))

    def node_links(self, entity: str, key: str) -> pd.DataFrame:
        """Every link touching one entity, in either direction (LINK_FRAME_COLUMNS + properties),
        gathered kind by kind; a store that can read them in one statement does so."""
        name = schema().entity(entity).name
        frames = []
        for spec in schema().links.values():
            for a, b in spec.pairs:
                if a == name:
                    frames.append(self._pair_links(spec, a, b, from_keys=[key]))
                if b == name:
                    frames.append(self._pair_links(spec, a, b, to_keys=[key]))
        return one_of_each(concat_links(frames, None))

    @abstractmethod
    def query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read-only Cypher query with parameters and return its rows."""

    def user_query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run Cypher a user wrote, only if the database shows it is one read of the graph
        (graph_intel.stores.untrusted); RefusedStatement says why not."""
        raise RefusedStatement(f"the {self.name} store does not run Cypher from users")

    # -- derived reads shared by every store ----------------------------------------------------
    def missing_keys(self, entity: str, keys: Sequence[str]) -> list[str]:
        """The keys among `keys` that no stored entity of this kind has."""
        if not keys:
            return []
        stored = set(self.nodes(entity, keys=list(keys), columns=["key"])["key"])
        return [k for k in keys if k not in stored]

    def get_node(self, entity: str, key: str) -> dict[str, Any] | None:
        """One entity's stored columns, or None when there is no such key."""
        rows = self._node_records(entity, keys=[key])
        if not rows:
            return None
        types = schema().entity(entity).columns()
        row = rows[0]
        for col, typ in types.items():
            if typ == "date" and isinstance(row.get(col), str):
                row[col] = row[col][:10]
        return row

    # -- loads that did not finish ------------------------------------------------------------------
    @abstractmethod
    def mark_load_started(self, dataset: str, started_at: str) -> None:
        """Record, durably and before any row is written, that a load of `dataset` has begun."""

    @abstractmethod
    def mark_load_finished(self, dataset: str, started_at: str) -> None:
        """Clear the mark of the load begun at `started_at`, once all its rows are stored."""

    @abstractmethod
    def incomplete_loads(self) -> dict[str, str]:
        """Datasets whose last load began and never finished (killed, crashed, disk full), with
        when that load began: their counts are partial until the dataset is loaded again."""

    def datasets(self) -> list[str]:
        """Names of the datasets loaded, from their sources."""
        rows = self._node_records("Source", columns=["dataset"])
        return sorted({row["dataset"] for row in rows if row["dataset"] is not None})

    def all_links(
        self, links: Iterable[LinkSpec] | None = None, touching: str | None = None
    ) -> pd.DataFrame:
        """Links of several kinds in one frame (all kinds by default): the analyses' projection.

        With `touching` (an entity kind), only the pairs of entity kinds with that kind at an end
        are read (a phone's calls are never read for a person's links); rows keep their order."""
        import pandas as pd

        specs = list(links) if links is not None else list(schema().links.values())
        if touching is None:
            frames = [self.links(spec.name) for spec in specs]
        else:
            name = schema().entity(touching).name
            frames = [
                self._pair_links(spec, a, b)
                for spec in specs
                for a, b in spec.pairs
                if name in (a, b)
            ]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=LINK_FRAME_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    # -- patterns run in the store (graph_intel.stores.patterns): only matches come back ---------
    def run_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        """Run one of graph_intel.stores.patterns read-only, in this store's dialect, with its parameters."""
        return self.query(pattern.text(self.name), pattern.bind(**params))

    def pattern_records(self, pattern: Pattern, **params: Any) -> list[dict[str, Any]]:
        """`run_pattern` as plain rows (`records`); a store that can read them without a frame does so."""
        return records(self.run_pattern(pattern, **params))

    def links_to_shared(self, links: Sequence[str], at_least: int) -> pd.DataFrame:
        """Links of the kinds `links` whose `to` end is reached from `at_least`+ distinct `from` ends.

        Ends are counted over all the kinds together, by key. Rows come kind by kind in the order
        given, then by `to` key and `from` key (LINK_FRAME_COLUMNS + properties, like links()).
        """
        import pandas as pd

        specs = [schema().link(name) for name in links]
        found = self.run_pattern(patterns.shared_keys(links), at_least=at_least)
        keys = [str(k) for k in found["key"]] if not found.empty else []
        frames = [
            self.links(spec.name, to_keys=keys) if keys else concat_links([], spec)
            for spec in specs
        ]
        order = ["to_key", "from_key", *sorted({p for spec in specs for p in spec.identity})]
        frames = [_stable_sort(f, order) if not f.empty else f for f in frames]
        if len(frames) == 1:
            return frames[0].reset_index(drop=True)
        kept = [f for f in frames if not f.empty]
        if not kept:
            return pd.DataFrame(columns=LINK_FRAME_COLUMNS)
        return pd.concat(kept, ignore_index=True)

    def call_pairs(self) -> pd.DataFrame:
        """Calls and messages between two phones: event, caller, callee, sources (the caller's link), started_at, call_type."""
        frame = self.run_pattern(patterns.call_pairs())
        return _pattern_frame(
            frame,
            ["event", "caller", "callee", "sources", "started_at", "call_type"],
            ["event", "caller", "callee"],
        )

    def placed_events(self) -> pd.DataFrame:
        """Every event with a place: event, location, kind, started_at, sources (the placing link's)."""
        frame = self.run_pattern(patterns.placed_events())
        return _pattern_frame(
            frame, ["event", "location", "kind", "started_at", "sources"], ["location", "event"]
        )

    def participants(self, entity: str, kinds: Sequence[str]) -> pd.DataFrame:
        """Who of one kind took part in events of the given kinds: who, event, kind, started_at, role, sources."""
        if not kinds:
            import pandas as pd

            return pd.DataFrame(columns=["who", "event", "kind", "started_at", "role", "sources"])
        frame = self.run_pattern(patterns.participants(entity), kinds=list(kinds))
        return _pattern_frame(
            frame,
            ["who", "event", "kind", "started_at", "role", "sources"],
            ["event", "who", "role"],
        )

    def present_at_places(self, entity: str) -> pd.DataFrame:
        """Who of one kind took part in a placed event: who, event, location, role, sources (the part's)."""
        frame = self.run_pattern(patterns.present_at_places(entity))
        return _pattern_frame(
            frame,
            ["who", "event", "location", "role", "sources"],
            ["location", "event", "who", "role"],
        )

    def events(self, kinds: Sequence[str], columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Events of the given kinds (a short list), found in the store: the frame nodes() gives, by key."""
        keys: list[str] = []
        if kinds:
            found = self.run_pattern(patterns.event_keys(), kinds=list(kinds))
            keys = [str(k) for k in found["key"]] if not found.empty else []
        frame = self.nodes("Event", keys=keys, columns=columns)
        return (
            frame.sort_values("key", kind="stable").reset_index(drop=True)
            if not frame.empty
            else frame
        )

    def keys_starting(self, entity: str, column: str, prefix: str) -> list[str]:
        """Keys of the entities of one kind whose `column` (key or id) starts with `prefix`, sorted."""
        found = self.run_pattern(patterns.keys_starting(entity, column), prefix=prefix)
        return sorted(str(k) for k in found["key"]) if not found.empty else []

    def dataset_keys(self, entity: str, dataset: str) -> list[str]:
        """Keys of one dataset's entities of one kind (its keys start `DATASET:`); none for a global kind."""
        if schema().entity(entity).scope == "global":
            return []
        return self.keys_starting(entity, "key", f"{dataset}:")

    def dataset_links(self, dataset: str, links: Iterable[LinkSpec] | None = None) -> pd.DataFrame:
        """Links of the kinds (all by default) with either end in one dataset, kind by kind.

        The dataset's keys are found in the store, then only their links are read (from them, and to
        them); rows come pair by pair in schema order, then by `from` key, `to` key and identity.
        """
        import pandas as pd

        specs = list(links) if links is not None else list(schema().links.values())
        ends: dict[str, list[str]] = {}

        def keys_of(entity: str) -> list[str]:
            if entity not in ends:
                ends[entity] = self.dataset_keys(entity, dataset)
            return ends[entity]

        frames = []
        for spec in specs:
            order = ["from_key", "to_key", *sorted(spec.identity)]
            for a, b in spec.pairs:
                parts = [
                    self._pair_links(spec, a, b, from_keys=keys_of(a)) if keys_of(a) else None,
                    self._pair_links(spec, a, b, to_keys=keys_of(b)) if keys_of(b) else None,
                ]
                found = [p for p in parts if p is not None and not p.empty]
                if not found:
                    continue
                frame = pd.concat(found, ignore_index=True).drop_duplicates(subset=order)
                frames.append(_stable_sort(frame, order))
        if not frames:
            return pd.DataFrame(columns=LINK_FRAME_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    def neighbourhood(
        self,
        seeds: Sequence[tuple[str, str]],
        hops: int = 1,
        links: Iterable[LinkSpec] | None = None,
    ) -> Subgraph:
        """The entities within `hops` links of the seeds, and the links among them."""
        import pandas as pd

        allowed = {spec.name for spec in links} if links is not None else None
        frontier = {(schema().entity(e).name, k) for e, k in seeds}
        seen = set(frontier)
        link_frames: list[pd.DataFrame] = []
        for _ in range(hops):
            nxt: set[tuple[str, str]] = set()
            for entity, key in frontier:
                frame = self.node_links(entity, key)
                if allowed is not None:
                    frame = frame[frame["link"].isin(allowed)]
                if frame.empty:
                    continue
                link_frames.append(frame)
                for ends in (("from_entity", "from_key"), ("to_entity", "to_key")):
                    for pair in zip(frame[ends[0]], frame[ends[1]], strict=True):
                        if pair not in seen:
                            nxt.add(pair)
            seen |= nxt
            frontier = nxt
        link_frame = (
            pd.concat(link_frames, ignore_index=True).drop_duplicates(
                subset=["link", "from_key", "to_key", "from_entity", "to_entity"]
            )
            if link_frames
            else pd.DataFrame(columns=LINK_FRAME_COLUMNS)
        )
        node_frames = []
        by_entity: dict[str, list[str]] = {}
        for entity, key in seen:
            by_entity.setdefault(entity, []).append(key)
        for entity, keys in by_entity.items():
            frame = self.nodes(entity, keys=keys)
            frame.insert(0, "entity", entity)
            node_frames.append(frame)
        nodes = pd.concat(node_frames, ignore_index=True) if node_frames else pd.DataFrame()
        return Subgraph(nodes=nodes, links=link_frame)


def link_ends(link: str, from_entity: str, to_entity: str) -> tuple[LinkSpec, str, str]:
    """The link kind and its two entity kinds for a write, refused when the kind cannot join them."""
    spec = schema().link(link)
    a, b = schema().entity(from_entity).name, schema().entity(to_entity).name
    if (a, b) not in spec.pairs:
        raise StoreError(f"{spec.canonical} cannot join {a} to {b}")
    return spec, a, b


def one_of_each(frame: pd.DataFrame) -> pd.DataFrame:
    """An entity's links with a link from the entity to itself (which comes back both ways) once."""
    return frame.drop_duplicates(subset=_link_identity(frame.columns))


def one_of_each_record(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`one_of_each` of plain rows: the first of each link, in order."""
    if not rows:
        return rows
    subset = _link_identity(rows[0])
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for row in rows:
        ident = tuple(row[c] for c in subset)
        if ident not in seen:
            seen.add(ident)
            kept.append(row)
    return kept


def _link_identity(columns: Iterable[str]) -> list[str]:
    """The columns that tell one link from another, of those a read returns."""
    identity = sorted({p for spec in schema().links.values() for p in spec.identity} & set(columns))
    return ["link", "from_entity", "from_key", "to_entity", "to_key", *identity]


def concat_links(frames: list[pd.DataFrame], spec: LinkSpec | None) -> pd.DataFrame:
    """Link frames in one, with the full column set even when there are none."""
    import pandas as pd

    frames = [f for f in frames if not f.empty]
    if not frames:
        extra = list(spec.properties) if spec is not None else []
        return pd.DataFrame(columns=[*LINK_FRAME_COLUMNS, *extra])
    return pd.concat(frames, ignore_index=True)


def _pattern_frame(frame: pd.DataFrame, columns: list[str], order: list[str]) -> pd.DataFrame:
    """A pattern's rows alike on both stores: `columns`, sorted by `order`, blank role None, datetime64[us] starts."""
    import pandas as pd

    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame[columns].reset_index(drop=True)
    if "role" in out:
        out["role"] = out["role"].where(out["role"].ne("") & out["role"].notna(), None)
    out = _stable_sort(out, order).reset_index(drop=True)
    if "started_at" in out:
        stamps = pd.to_datetime(out["started_at"], errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        out["started_at"] = stamps.astype("datetime64[us]")
    return out


def _stable_sort(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """`frame.sort_values(order, kind="stable", na_position="last")`, sorted by Arrow.

    Arrow's sort_indices is stable, puts nulls last and orders strings by their bytes, which is
    their code points, as Python and pandas order them; pandas sorts string columns through a
    categorical of each (3 s of the calls pattern's 12 at demo --scale 480). Columns Arrow cannot
    take are sorted by pandas."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        table = pa.table({c: pa.array(frame[c].array, from_pandas=True) for c in order})
    except (pa.ArrowException, TypeError, ValueError):
        return frame.sort_values(order, kind="stable", na_position="last")
    try:
        where = pc.sort_indices(table, sort_keys=[(c, "ascending", "at_end") for c in order])
    except (TypeError, ValueError, pa.ArrowException):  # pyarrow before 25: one placement for all
        keys = [(c, "ascending") for c in order]
        where = pc.sort_indices(table, sort_keys=keys, null_placement="at_end")
    return frame.take(np.asarray(where, dtype=np.int64))


def list_columns(columns: Mapping[str, str]) -> list[str]:
    """The list-typed columns among a schema column map (unioned when rows merge)."""
    return [c for c, t in columns.items() if t == "string_list"]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain rows: each value as `_plain` makes it."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


#: Types whose values `_plain` returns unchanged (exactly these: not subclasses such as numpy's).
_AS_THEY_ARE = frozenset({str, int, bool, dict})


def _plain(value: Any) -> Any:
    """A stored value as plain Python (NaN/NaT become None, timestamps ISO strings)."""
    if isinstance(value, list | tuple):
        # str, int, bool and dict items come back as they are (a dict is not looked into): those
        # are most items of an evidence list, and a call per item was most of shared-contacts' JSON
        return [v if type(v) in _AS_THEY_ARE else _plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):
        return _plain(value.tolist())
    if value is None or (isinstance(value, float) and value != value):
        return None
    pd = sys.modules.get(
        "pandas"
    )  # a value can be one of pandas' blanks only once pandas is loaded
    if pd is not None:
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
    if hasattr(value, "isoformat"):  # datetime, date, and pandas' Timestamp
        return value.isoformat()
    return value
