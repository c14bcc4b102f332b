"""The embedded store: LadybugDB in a single file at the `--store` path, no server needed.

Writes take the bulk path that LadybugDB is fast at: rows are de-duplicated against what is stored
(identities cached from one scan per table), new rows go in by COPY from an Arrow table, and only
stored rows whose merged values change are rewritten, by parameterised UNWIND ... SET.

COPY runs on a writer thread, in the order the loads were asked for, while the caller prepares
the next table (LadybugDB releases the GIL while it loads). During a bulk load (`bulk()`, one
per file in the ingest), new links, and new phones and vehicles (the entities later rows merge
into), are held back and loaded once per table (held.py): LadybugDB's COPY into a relationship
table that already holds rows, and its UPDATE, are many times slower than a COPY into an empty
table, so loading a big file chunk by chunk would cost far more than loading it whole. A row seen again while held merges in memory by the
upsert rules. Held rows are loaded when a table holds _HOLD_ROWS of them (nodes before links),
and at `flush`; every read flushes first, so a read always sees every write made before it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import ladybug

from graph_intel.schema import EntitySpec, LinkSpec, schema
from graph_intel.stores import reads, untrusted
from graph_intel.stores.base import (
    GraphStore,
    StoreError,
    UpsertResult,
    _plain,
    concat_links,
    link_ends,
    list_columns,
    one_of_each,
    one_of_each_record,
)
from graph_intel.stores.patterns import Pattern

if TYPE_CHECKING:  # the write path and frame reads import these when they run: opening the store
    # and reading one entity (`show`) need none of them
    import pandas as pd
    import pyarrow as pa

    from graph_intel.stores.held import HeldRows

_LB_TYPES = {
    "string": "STRING",
    "enum": "STRING",
    "string_list": "STRING[]",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "double": "DOUBLE",
    "int": "INT64",
}
_UPDATE_BATCH = 5_000
#: New nodes up to this many, with no bulk load queued, are stored by CREATE rather than COPY.
_CREATE_ROWS = 64
#: Rows held back per table before they are loaded (see the module's docstring): bounds memory.
_HOLD_ROWS = 1_000_000
#: Stored rows are read back by one scan of the table when at least 1/_SCAN_FRACTION of it is wanted.
_SCAN_FRACTION = 8
_DB_FILE = "graph.lbug"
_T = TypeVar("_T")


def missing_store_message(path: Path) -> str:
    """Why a command that only reads cannot run at `path`, and how to make a store there."""
    return (
        f"no graph-intel store at {path}: give --store (or $GRAPH_INTEL_STORE) the folder of an existing "
        "store, or create one with 'graph-intel ingest FOLDER', 'graph-intel import' or 'graph-intel demo'"
    )


def store_exists(path: str | Path) -> bool:
    """Whether an embedded store has been created at `path` (its database file is there)."""
    return (Path(path) / _DB_FILE).exists()


def ladybug_ddl() -> list[str]:
    """CREATE statements for every node and rel table the schema declares."""
    stmts = []
    for ent in schema().entities.values():
        cols = ", ".join(f"{c} {_LB_TYPES[t]}" for c, t in ent.columns().items())
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {ent.name}({cols}, PRIMARY KEY(key))")
    for link in schema().links.values():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in link.pairs)
        cols = ", ".join(f"{c} {_LB_TYPES[t]}" for c, t in link.columns().items())
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {link.name}({pairs}, {cols})")
    stmts.append(_LOAD_STATE_DDL)
    return stmts


#: One row per dataset: when its last load began and whether it finished (not part of the POLE
#: schema: it describes loads, not the case).
_LOAD_STATE_DDL = "CREATE NODE TABLE IF NOT EXISTS LoadState(dataset STRING, started_at STRING, finished BOOLEAN, PRIMARY KEY(dataset))"


#: What LadybugDB says when a read-only open finds the recovery a killed writer left to do.
_RECOVERY_PENDING = "checkpoint recovery is pending"


def _database(file: Path, read_only: bool) -> ladybug.Database:
    """The database, read-only when asked; a writer killed mid-checkpoint leaves a recovery that
    only a read-write open completes, so a read-only open that meets one opens read-write once
    (which replays the log and writes nothing else), closes, and opens read-only again. Without
    this every read command after a killed load would fail until something opened the store to write."""
    try:
        return ladybug.Database(str(file), read_only=read_only)
    except RuntimeError as exc:
        if not (read_only and _RECOVERY_PENDING in str(exc)):
            raise
    ladybug.Database(str(file), read_only=False).close()
    return ladybug.Database(str(file), read_only=True)


class LadybugStore(GraphStore):
    """A GraphStore on an embedded LadybugDB database in the directory `path`."""

    name = "embedded"

    def __init__(self, path: str | Path, read_only: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        try:
            if (read_only or not create) and not (self.path / _DB_FILE).exists():
                raise StoreError(missing_store_message(self.path))
            if not read_only:
                self.path.mkdir(parents=True, exist_ok=True)
            self._db = _database(self.path / _DB_FILE, read_only)
            self._conn = ladybug.Connection(self._db)
        except StoreError:
            raise
        except Exception as exc:  # ladybug raises RuntimeError for locks, bad files, ...
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        #: Counts writes through this handle: the only writer of the file, so a cached read made
        #: at the same generation is still what the store holds.
        self.generation: int = 0
        self._readers = threading.local()
        #: Every read connection made (one per thread), so close() closes them all: a connection
        #: left open keeps the database, and its file lock, alive after close().
        self._reader_conns: list[ladybug.Connection] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-intel-copy")
        self._queued: list[Future[None]] = []
        self._queue_lock = threading.Lock()
        self._copy_error: StoreError | None = None
        self._empty: set[str] | None = None
        #: Rows not loaded yet, per node table and per (link, from, to) (held.py).
        self._held_nodes: dict[str, HeldRows] = {}
        self._held_links: dict[tuple[str, str, str], HeldRows] = {}
        self._held_lock = threading.RLock()
        self._holding = False
        self._node_keys: dict[str, set[str]] = {}
        self._link_keys: dict[tuple[str, str, str], set[Hashable]] = {}
        if not read_only:
            self.ensure_schema()

    @property
    def local_path(self) -> Path:
        """The store's folder: another process opens it there, quarantine files are kept beside it."""
        return self.path

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._writer.shutdown(wait=True)
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()
            self._conn.close()
            self._db.close()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Hold new rows back while the block runs (see the module's docstring), then store them.

        A block inside another (one file of a load) queues its held rows' loads as it ends and
        does not wait for them: the COPY of one file's tables runs on the writer thread while the
        next file is parsed. The outermost block waits for every load (and raises a failed one)."""
        outer, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = outer
            if outer:
                self._load_held()
            else:
                self.flush()

    def flush(self) -> None:
        """Load the rows held back, then wait for every queued bulk load; raise the first one's
        error (those after it were skipped)."""
        self._load_held()
        self._settle()

    def _settle(self) -> None:
        """Wait for every queued bulk load (rows held back stay held)."""
        with self._queue_lock:
            queued, self._queued = self._queued, []
        if not queued:
            return
        wait(queued)
        error, self._copy_error = self._copy_error, None
        if error is not None:
            raise error

    def _load_held(self, link: tuple[str, str, str] | None = None, node: str | None = None) -> None:
        """Queue the COPY of held rows: of one node table, or of held nodes then one (or every)
        relationship table, so that every link's ends are loaded before it."""
        with (
            self._held_lock
        ):  # taken and queued together, so a flush on another thread waits for it
            for name in [node] if node is not None else list(self._held_nodes):
                held = self._held_nodes.pop(name, None)
                if held is not None and held.rows:
                    self._copy(name, held.take(), schema().entity(name).columns())
            if node is not None:
                return
            for slot in [link] if link is not None else list(self._held_links):
                held = self._held_links.pop(slot, None)
                if held is not None and held.rows:
                    from graph_intel.stores.frames import link_types

                    self._copy(
                        slot[0],
                        held.take(),
                        link_types(schema().link(slot[0])),
                        f" (from='{slot[1]}', to='{slot[2]}')",
                    )

    def _reader(self) -> ladybug.Connection:
        """This thread's own read connection: reads from many threads run side by side."""
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self._readers.conn = ladybug.Connection(self._db)
            with self._queue_lock:
                self._reader_conns.append(conn)
        return conn

    def ensure_schema(self) -> None:
        for stmt in ladybug_ddl():
            self._write(stmt, None, lambda _: None)  # no rows to read: no frame (nor pandas)

    def mark_load_started(self, dataset: str, started_at: str) -> None:
        self._run(
            "MERGE (l:LoadState {dataset: $d}) SET l.started_at = $at, l.finished = false",
            {"d": dataset, "at": started_at},
        )
        with self._lock:
            self._conn.execute("CHECKPOINT")  # on disk before the first row is written

    def mark_load_finished(self, dataset: str, started_at: str) -> None:
        self.flush()
        self._run(
            "MATCH (l:LoadState {dataset: $d}) WHERE l.started_at = $at SET l.finished = true",
            {"d": dataset, "at": started_at},
        )

    def incomplete_loads(self) -> dict[str, str]:
        try:
            self.flush()
            rows = _records(
                self._reader(),
                "MATCH (l:LoadState) WHERE NOT l.finished RETURN l.dataset AS d, l.started_at AS at",
                None,
            )
        except (
            Exception
        ):  # a store made before loads were marked has no such table: nothing is marked
            return {}
        return {row["d"]: row["at"] for row in rows}

    # -- execution --------------------------------------------------------------------------------
    def _run(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a statement that may write, on the one writing connection (rows held back stay held:
        an upsert merges the rows it is given with them, and reads them from nowhere else)."""
        return self._write(cypher, params, result_frame)

    def _write(self, cypher: str, params: dict[str, Any] | None, read: Callable[[Any], _T]) -> _T:
        """`_run`, its result read by `read` (on the writing connection, under its lock)."""
        self._settle()
        with self._lock:
            self.generation += 1
            return read(_execute(self._conn, cypher, params))

    def _read(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read on this thread's read connection, without waiting for other readers."""
        self.flush()
        return _frame(self._reader(), cypher, params)

    def _scan(self, cypher: str) -> pd.DataFrame:
        """A read of a table no queued load writes to (identity caches), without waiting for them."""
        return _frame(self._reader(), cypher, None)

    def _copy(
        self, table: str, frame: pd.DataFrame, types: Mapping[str, str], options: str = ""
    ) -> None:
        """Queue a COPY of `frame` into `table`; loads run one at a time, in the order queued."""
        from graph_intel.stores.frames import arrow_table

        data = arrow_table(frame, types)
        with self._queue_lock:
            self.generation += 1
            self._queued.append(self._writer.submit(self._copy_now, table, data, options))

    def _copy_now(self, table: str, data: pa.Table, options: str) -> None:  # noqa: ARG002 - COPY reads `data` by name
        """On the writer thread: one COPY, unless an earlier one failed (its rows may be missing)."""
        if self._copy_error is not None:
            return
        with self._lock:
            try:
                self._conn.execute(f"COPY {table} FROM data{options}")
            except RuntimeError as exc:
                error = StoreError(f"embedded store: bulk load into {table} failed: {exc}")
                error.__cause__ = exc
                self._copy_error = error

    # -- writes ---------------------------------------------------------------------------------
    def upsert_nodes(self, entity: str, rows: pd.DataFrame) -> UpsertResult:
        with self._held_lock:  # a flush on another thread must not take held rows mid-merge
            return self._upsert_nodes(entity, rows)

    def _upsert_nodes(self, entity: str, rows: pd.DataFrame) -> UpsertResult:
        from graph_intel.stores import merge
        from graph_intel.stores.frames import conform_nodes
        from graph_intel.stores.held import HeldRows

        spec = schema().entity(entity)
        if rows.empty:
            return UpsertResult()
        frame = conform_nodes(spec, rows)
        lists = list_columns(spec.columns())
        frame = merge.collapse(frame, ["key"], lists)
        held = self._held_nodes.get(spec.name)
        if held:
            frame, _ = held.absorb(frame, frame["key"].tolist())
        known = self._known_nodes(spec)
        is_known = [k in known for k in frame["key"]] if known else []  # none: a new table
        stored = (
            self._stored_nodes(spec, frame["key"][is_known].tolist())
            if any(is_known)
            else frame.iloc[0:0]
        )
        plan = merge.reconcile(frame, stored, ["key"], lists)
        if not plan.new.empty:
            if (
                self._holding and spec.scope == "global"
            ):  # phones and vehicles: later rows merge into them
                self._hold(
                    self._held_nodes,
                    spec.name,
                    plan.new,
                    plan.new["key"].tolist(),
                    HeldRows(_node_identities, ["key"], lists),
                    node=spec.name,
                )
            else:
                self._insert_nodes(spec, plan.new)
            known.update(plan.new["key"])
        if not plan.changed.empty:
            stmt = f"UNWIND $rows AS r MATCH (n:{spec.name} {{key: r.key}}) SET {_sets(spec)}"
            self._write_batches(stmt, plan.changed, spec.columns())
        out = UpsertResult(len(plan.new), len(plan.changed), plan.unchanged)
        if plan.superseded is not None:
            out.superseded.append((spec.name, plan.superseded, plan.replaced))
        return out

    def upsert_links(
        self, link: str, from_entity: str, to_entity: str, rows: pd.DataFrame
    ) -> UpsertResult:
        with self._held_lock:  # a flush on another thread must not take held rows mid-merge
            return self._upsert_links(link, from_entity, to_entity, rows)

    def _upsert_links(
        self, link: str, from_entity: str, to_entity: str, rows: pd.DataFrame
    ) -> UpsertResult:
        from graph_intel.stores import merge
        from graph_intel.stores.frames import conform_links, link_types
        from graph_intel.stores.held import HeldRows

        spec, a, b = link_ends(link, from_entity, to_entity)
        if rows.empty:
            return UpsertResult()
        frame = conform_links(spec, rows)
        ident = ["from_key", "to_key", *spec.identity]
        lists = list_columns(spec.columns())
        frame = merge.collapse(frame, ident, lists)
        idents = _link_identities(
            frame, spec
        )  # once: the held rows, the cache and the plan use them
        held = self._held_links.get((spec.name, a, b))
        if held:
            frame, idents = held.absorb(frame, idents)
        known = self._known_links(spec, a, b)
        is_known = [i in known for i in idents] if known else []  # none: a new table
        stored = (
            self._stored_links(spec, a, b, frame[is_known]) if any(is_known) else frame.iloc[0:0]
        )
        plan = merge.reconcile(frame, stored, ident, lists)
        if not plan.new.empty:
            self._check_ends(plan.new, spec, a, b)
            new_idents = [
                idents[i] for i in plan.new.index
            ]  # the plan keeps the frame's row labels
            if self._holding:
                self._hold(
                    self._held_links,
                    (spec.name, a, b),
                    plan.new,
                    new_idents,
                    HeldRows(partial(_link_identities, spec=spec), ident, lists),
                    link=(spec.name, a, b),
                )
            else:
                self._copy(spec.name, plan.new, link_types(spec), f" (from='{a}', to='{b}')")
            known.update(new_idents)
        if not plan.changed.empty:
            where = " AND ".join(f"l.{p} = r.{p}" for p in spec.identity) or "true"
            sets = ", ".join(
                f"l.{c} = {_param(c, t)}"
                for c, t in spec.columns().items()
                if c not in spec.identity
            )
            stmt = (
                f"UNWIND $rows AS r MATCH (a:{a} {{key: r.from_key}}) WITH a, r "
                f"MATCH (a)-[l:{spec.name}]->(b:{b} {{key: r.to_key}}) WHERE {where} SET {sets}"
            )
            self._write_batches(stmt, plan.changed, link_types(spec))
        return UpsertResult(len(plan.new), len(plan.changed), plan.unchanged)

    def _insert_nodes(self, spec: EntitySpec, new: pd.DataFrame) -> None:
        """Store new nodes by COPY; a few, with no load queued, by one CREATE statement instead
        (a COPY costs 20-80 ms whatever its size: every load's Dataset and default Source)."""
        if len(new) > _CREATE_ROWS or not self._idle():
            self._copy(spec.name, new, spec.columns())
            return
        stmt = f"UNWIND $rows AS r CREATE (n:{spec.name} {{key: r.key}}) SET {_sets(spec)}"
        self._write_batches(stmt, new, spec.columns())

    def _idle(self) -> bool:
        """Whether every queued bulk load has finished (a statement now waits for none)."""
        with self._queue_lock:
            return all(done.done() for done in self._queued)

    def _hold(
        self,
        tables: dict[Any, HeldRows],
        slot: Any,
        new: pd.DataFrame,
        identities: list[Hashable],
        empty: HeldRows,
        link: tuple[str, str, str] | None = None,
        node: str | None = None,
    ) -> None:
        """Hold new rows back (`empty` holds them if the table holds none yet); load the table's
        held rows once there are _HOLD_ROWS of them."""
        with self._held_lock:
            held = tables.setdefault(slot, empty)
            held.add(new, identities)
            full = held.rows >= _HOLD_ROWS
        self.generation += 1
        if full:
            self._load_held(link=link, node=node)

    def _check_ends(self, links: pd.DataFrame, spec: LinkSpec, a: str, b: str) -> None:
        """Refuse links whose ends are not stored (nor queued), before their load is queued."""
        for column, entity in (("from_key", a), ("to_key", b)):
            known = self._known_nodes(schema().entity(entity))
            absent = [k for k in dict.fromkeys(links[column].tolist()) if k not in known]
            if absent:
                shown = ", ".join(map(str, absent[:5])) + (
                    f" and {len(absent) - 5} more" if len(absent) > 5 else ""
                )
                raise StoreError(
                    f"{spec.canonical} links name {entity} entities that are not stored: {shown}; "
                    f"write the {entity} rows first"
                )

    def missing_keys(self, entity: str, keys: Sequence[str]) -> list[str]:
        known = self._known_nodes(schema().entity(entity))
        return [k for k in keys if k not in known]

    def _write_batches(self, stmt: str, frame: pd.DataFrame, types: Mapping[str, str]) -> None:
        from graph_intel.stores.frames import param_rows

        for start in range(0, len(frame), _UPDATE_BATCH):
            self._run(stmt, {"rows": param_rows(frame.iloc[start : start + _UPDATE_BATCH], types)})

    def _empty_tables(self) -> set[str]:
        """Tables with no rows when this handle first wrote (their identity caches start empty,
        with no scan that would wait behind a queued load). One statement asks every table for
        one row: a count of each table, one statement apiece, took 50-110 ms of every load's
        start."""
        if self._empty is None:
            self.flush()
            filled = set(self._read(_tables_with_rows())["t"])
            self._empty = {*schema().entities, *schema().links} - filled
        return self._empty

    def _known_nodes(self, spec: EntitySpec) -> set[str]:
        if spec.name not in self._node_keys and spec.name in self._empty_tables():
            self._node_keys[spec.name] = set()
        if spec.name not in self._node_keys:
            keys = self._scan(f"MATCH (n:{spec.name}) RETURN n.key AS key")
            self._node_keys[spec.name] = set(keys["key"]) if not keys.empty else set()
        return self._node_keys[spec.name]

    def _known_links(self, spec: LinkSpec, a: str, b: str) -> set[Hashable]:
        slot = (spec.name, a, b)
        if slot not in self._link_keys and spec.name in self._empty_tables():
            self._link_keys[slot] = set()
        if slot not in self._link_keys:
            props = "".join(f", l.{p} AS {p}" for p in spec.identity)
            frame = self._scan(
                f"MATCH (a:{a})-[l:{spec.name}]->(b:{b}) RETURN a.key AS from_key, b.key AS to_key{props}"
            )
            self._link_keys[slot] = set(_link_identities(frame, spec)) if not frame.empty else set()
        return self._link_keys[slot]

    def _stored_nodes(self, spec: EntitySpec, keys: list[str]) -> pd.DataFrame:
        import pandas as pd

        from graph_intel.stores.frames import member

        cols = ", ".join(f"n.{c} AS {c}" for c in spec.columns())
        if len(keys) * _SCAN_FRACTION >= len(self._known_nodes(spec)):
            # most of the table: one scan beats thousands of key lookups (a re-ingest)
            table = self._run(f"MATCH (n:{spec.name}) RETURN {cols}")
            return table[member(table["key"], keys)].reset_index(drop=True)
        frames = [
            self._run(
                f"UNWIND $keys AS k MATCH (n:{spec.name} {{key: k}}) RETURN {cols}",
                {"keys": keys[i : i + _UPDATE_BATCH]},
            )
            for i in range(0, len(keys), _UPDATE_BATCH)
        ]
        return pd.concat(frames, ignore_index=True)

    def _stored_links(self, spec: LinkSpec, a: str, b: str, wanted: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        from graph_intel.stores.frames import param_rows

        cols = ", ".join(f"l.{c} AS {c}" for c in spec.columns())
        stmt = (
            f"UNWIND $rows AS r MATCH (a:{a} {{key: r.from_key}}) WITH a, r "
            f"MATCH (a)-[l:{spec.name}]->(b:{b} {{key: r.to_key}}) "
            f"RETURN a.key AS from_key, b.key AS to_key, {cols}"
        )
        pairs = wanted[["from_key", "to_key"]].drop_duplicates()
        if len(pairs) * _SCAN_FRACTION >= len(self._known_links(spec, a, b)):
            table = self._run(
                f"MATCH (a:{a})-[l:{spec.name}]->(b:{b}) RETURN a.key AS from_key, b.key AS to_key, {cols}"
            )
            return table.merge(pairs, on=["from_key", "to_key"], how="inner")
        frames = [
            self._run(stmt, {"rows": param_rows(pairs.iloc[i : i + _UPDATE_BATCH], {})})
            for i in range(0, len(pairs), _UPDATE_BATCH)
        ]
        return pd.concat(frames, ignore_index=True)

    # -- reads: the statements are graph_intel.stores.reads, run through GraphStore -------------
    read_batch = _UPDATE_BATCH

    def _read_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        return self._read(pattern.text(self.name), pattern.bind(**params))

    def node_links(self, entity: str, key: str) -> pd.DataFrame:
        """Every link touching one entity in two statements (out, in), whatever their kinds."""
        name = schema().entity(entity).name
        out = self._read_pattern(reads.node_links(name, "out"), key=key)
        into = self._read_pattern(reads.node_links(name, "in"), key=key)
        return one_of_each(concat_links([out, into], None))

    # -- plain rows, read without pandas (GraphStore.records): what `show` reads ------------------
    def _read_records(self, pattern: Pattern, **params: Any) -> list[dict[str, Any]]:
        self.flush()
        return _records(self._reader(), pattern.text(self.name), pattern.bind(**params))

    def _node_records(
        self, entity: str, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        spec = schema().entity(entity)
        wanted = ("key", *[c for c in (columns or spec.columns()) if c != "key"])
        if keys is None:
            return self._read_records(reads.nodes(spec.name, wanted))
        by_keys = reads.nodes_by_keys(spec.name, wanted)
        step = self.read_batch
        return [
            row
            for i in range(0, len(keys), step)
            for row in self._read_records(by_keys, keys=list(keys[i : i + step]))
        ]

    def node_link_records(self, entity: str, key: str) -> list[dict[str, Any]]:
        name = schema().entity(entity).name
        out = self._read_records(reads.node_links(name, "out"), key=key)
        into = self._read_records(reads.node_links(name, "in"), key=key)
        return one_of_each_record(out + into)

    def pattern_records(self, pattern: Pattern, **params: Any) -> list[dict[str, Any]]:
        """A pattern's rows, read without pandas, in a read-only transaction (as `query`)."""
        self.flush()
        conn = self._reader()
        conn.execute("BEGIN TRANSACTION READ ONLY")
        try:
            return _records(conn, pattern.text(self.name), pattern.bind(**params))
        finally:
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:  # the failed statement already ended the transaction
                pass

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run Cypher inside a read-only transaction, so that no query can change the store."""
        self.flush()
        conn = self._reader()
        conn.execute("BEGIN TRANSACTION READ ONLY")
        try:
            return _frame(conn, cypher, params)
        finally:
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:  # the failed statement already ended the transaction
                pass

    def user_query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a user's Cypher: one statement (the database prepares it, and refuses to prepare
        several), whose EXPLAIN plan only reads the graph, run as prepared inside a read-only
        transaction (graph_intel.stores.untrusted)."""
        word = untrusted.screened_keyword(cypher)
        if word is not None:
            raise untrusted.RefusedStatement(word)
        self.flush()
        conn = self._reader()
        conn.execute("BEGIN TRANSACTION READ ONLY")
        try:
            prepared = ladybug.PreparedStatement(conn, cypher)
            if not prepared.is_success():
                raise StoreError(f"embedded store: {prepared.get_error_message()}")
            plan = _frame(conn, "EXPLAIN " + cypher, params)
            refused = untrusted.ladybug_plan_refusal(str(plan.iloc[0, 0]) if not plan.empty else "")
            if refused is not None:
                raise untrusted.RefusedStatement(refused)
            try:
                result = conn.execute(prepared, params or {})
            except RuntimeError as exc:
                raise StoreError(f"embedded store: {exc}") from exc
            if isinstance(result, list):  # one statement was prepared, so one result comes back
                raise untrusted.RefusedStatement("several statements")
            return result.get_as_df()
        finally:
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:  # the failed statement already ended the transaction
                pass


def _frame(conn: ladybug.Connection, cypher: str, params: dict[str, Any] | None) -> pd.DataFrame:
    """Execute on `conn` and return the rows; LadybugDB's errors become StoreError."""
    return result_frame(_execute(conn, cypher, params))


def _execute(conn: ladybug.Connection, cypher: str, params: dict[str, Any] | None) -> Any:
    """Execute on `conn` and return the (last) result; LadybugDB's errors become StoreError."""
    try:
        result = conn.execute(cypher, params or {})
    except RuntimeError as exc:
        raise StoreError(f"embedded store: {exc}") from exc
    return result[-1] if isinstance(result, list) else result


def _records(
    conn: ladybug.Connection, cypher: str, params: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Execute on `conn` and return the rows as plain rows, without pandas or Arrow: each value as
    `_plain` makes the value `result_frame` gives (a date is read as midnight, as there)."""
    result = _execute(conn, cypher, params)
    names = result.get_column_names()
    return [
        {name: _plain(_as_frame_value(v)) for name, v in zip(names, row, strict=True)}
        for row in result.get_all()
    ]


def _as_frame_value(value: Any) -> Any:
    """A native value as result_frame reads it: a DATE is a timestamp at midnight."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def result_frame(result: Any) -> pd.DataFrame:
    """A query result as the frame `get_as_df` gives, read through Arrow.

    `get_as_df` builds a Python object for every value (every key of a million-link read); the
    Arrow result hands strings, timestamps and numbers to pandas as whole columns, and a list
    column (sources, aliases) is built once per distinct list (rows share it: read-only). Results with
    other types (nodes, relationships, structs: a user's query) still go through `get_as_df`.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    try:
        types = result.get_column_data_types()
    except RuntimeError:
        return result.get_as_df()
    if not all(t in _ARROW_READ_TYPES for t in types):
        return result.get_as_df()
    table = result.get_as_arrow(chunk_size=-1)
    columns: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        data = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        kind = data.type
        if pa.types.is_list(kind):
            columns[name] = _list_column(data)
        elif pa.types.is_date(kind):
            columns[name] = data.cast(pa.timestamp("us")).to_pandas()
        elif pa.types.is_string(kind) and data.null_count == len(
            data
        ):  # as get_as_df: no strings, objects
            columns[name] = pd.Series([np.nan] * len(data), dtype=object)
        elif pa.types.is_boolean(kind) and data.null_count:  # as get_as_df: objects, NaN for blanks
            values = np.array(data.to_pylist(), dtype=object)
            values[np.asarray(data.is_null())] = np.nan
            columns[name] = pd.Series(values, dtype=object)
        else:
            columns[name] = data.to_pandas()
    return pd.DataFrame(columns, columns=table.column_names)


#: Column types of a query result that result_frame reads through Arrow.
_ARROW_READ_TYPES = frozenset(
    {"STRING", "STRING[]", "TIMESTAMP", "DATE", "INT64", "DOUBLE", "BOOL", "BOOLEAN"}
)


def _list_column(data: pa.Array) -> pd.Series:
    """A list<string> column as Python lists (NaN for a null list, as get_as_df).

    Each distinct list is built once and every row holding it refers to it (a column of sources
    holds a few distinct lists over a million rows): treat the lists as read-only.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(data) == 0:
        return pd.Series([], dtype=object)
    lengths = pc.list_value_length(data)
    joined = pc.binary_join(data, "\x1f")
    ident = pc.binary_join_element_wise(pc.cast(lengths, pa.string()), joined, "\x1e")
    encoded = pc.dictionary_encode(ident)
    codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    present = np.flatnonzero(codes >= 0)
    # the row where each distinct list first appears (dictionary codes number them in that order)
    _, first = np.unique(codes[present], return_index=True)
    distinct = np.empty(len(first) + 1, dtype=object)
    for i, value in enumerate(data.take(pa.array(present[first])).to_pylist()):
        distinct[i] = value
    distinct[-1] = np.nan  # code -1: a null list
    return pd.Series(distinct[codes], dtype=object)


@cache
def _tables_with_rows() -> str:
    """One statement naming every schema table (by its schema name) that holds a row."""
    parts = [
        f"MATCH (n:{schema().entity(e).name}) WITH n LIMIT 1 RETURN '{e}' AS t"
        for e in schema().entities
    ]
    parts += [
        f"MATCH ()-[l:{schema().link(k).name}]->() WITH l LIMIT 1 RETURN '{k}' AS t"
        for k in schema().links
    ]
    return " UNION ALL ".join(parts)


def _sets(spec: EntitySpec) -> str:
    """`n.column = r.column, ...` for every column of a node but its key, each cast to its type."""
    return ", ".join(f"n.{c} = {_param(c, t)}" for c, t in spec.columns().items() if c != "key")


def _param(column: str, typ: str) -> str:
    """`r.column`, cast to its stored type (a parameter whose values are all blank binds as STRING)."""
    lb_type = _LB_TYPES[typ]
    return f"r.{column}" if lb_type == "STRING" else f"CAST(r.{column} AS {lb_type})"


def _node_identities(frame: pd.DataFrame) -> list[Hashable]:
    return list(frame["key"].tolist())


def _link_identities(frame: pd.DataFrame, spec: LinkSpec) -> list[Hashable]:
    """Each link's identity: its two ends and its identity properties ('' when blank)."""
    parts = [frame["from_key"].astype(object).tolist(), frame["to_key"].astype(object).tolist()]
    parts += [
        frame[p].astype(object).where(frame[p].notna(), "").astype(str).tolist()
        if p in frame
        else [""] * len(frame)
        for p in spec.identity
    ]
    return list(zip(*parts, strict=True))


__all__ = ["LadybugStore", "ladybug_ddl"]
