"""The shared store: a Neo4j 5 server through the official `neo4j` driver.

Writes are batched `UNWIND $rows ... MERGE` statements (graph_intel.stores.neo4j_statements; the
reads are graph_intel.stores.reads, run through GraphStore) run in managed transactions, which the driver retries on transient
errors. The upsert rules of graph_intel.stores.merge are applied by the statements themselves, so
concurrent loads stay correct; rows are collapsed per identity in Python first. Reads return the
same frames as the embedded store; `query()` runs in a read-access session so it cannot write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from graph_intel.schema import EntitySpec, LinkSpec, schema
from graph_intel.stores import merge, untrusted
from graph_intel.stores import neo4j_statements as cy
from graph_intel.stores.base import (
    LINK_FRAME_COLUMNS,
    GraphStore,
    StoreError,
    UpsertResult,
    link_ends,
    list_columns,
)
from graph_intel.stores.frames import (
    conform_links,
    conform_nodes,
    link_types,
    param_rows,
    plain_value,
)
from graph_intel.stores.patterns import Pattern

#: Rows per UNWIND batch (one managed transaction each).
BATCH_SIZE = 5_000
_T = TypeVar("_T")


class _MissingEnds(Exception):
    """Raised inside a write transaction to roll it back when link rows name absent entities."""


class Neo4jStore(GraphStore):
    """A GraphStore on a Neo4j 5 server at `uri` (bolt:// or neo4j://)."""

    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str | None = None,
        ensure: bool = True,
    ) -> None:
        self.uri = uri
        self.database = database
        try:
            self._driver: Driver = GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError, OSError) as exc:
            raise StoreError(
                f"cannot reach Neo4j at {uri}: {exc}; check the server is up and "
                "GRAPH_INTEL_NEO4J_USER/GRAPH_INTEL_NEO4J_PASSWORD"
            ) from exc
        if ensure:
            self.ensure_schema()

    def close(self) -> None:
        self._driver.close()

    def ensure_schema(self) -> None:
        """Create the uniqueness constraint on `key` and indexes on `id`/`dataset` per entity kind."""
        for _, stmt in cy.schema_statements():
            self._write(_runner(stmt))

    def clear(self) -> None:
        """Delete every node and link (a clean database for tests and demonstrations)."""
        self._write(_runner(cy.DELETE_ALL))

    # -- execution --------------------------------------------------------------------------------
    @contextmanager
    def _session(self, mode: str) -> Iterator[Session]:
        with self._driver.session(database=self.database, default_access_mode=mode) as session:
            yield session

    def _write(self, work: Callable[[ManagedTransaction], _T]) -> _T:
        try:
            with self._session(WRITE_ACCESS) as session:
                return session.execute_write(work)
        except (DriverError, Neo4jError) as exc:
            raise StoreError(f"neo4j store: {exc}") from exc

    def _read(self, stmt: str, **params: Any) -> pd.DataFrame:
        """Run one of the store's statements in a read transaction; rows as a frame."""
        return self._read_rows(stmt, params)

    def _read_rows(self, cypher: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run Cypher in a read-access session (the server refuses any write); rows as a frame."""

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(cypher, params)
            return list(result.keys()), [[_native(v) for v in rec.values()] for rec in result]

        try:
            with self._session(READ_ACCESS) as session:
                keys, rows = session.execute_read(work)
        except (DriverError, Neo4jError) as exc:
            raise StoreError(f"neo4j store: {exc}") from exc
        return pd.DataFrame(rows, columns=keys)

    def _upsert(self, stmt: str, rows: list[dict[str, Any]], what: str) -> UpsertResult:
        def work(tx: ManagedTransaction) -> UpsertResult:
            rec = tx.run(stmt, rows=rows).single(strict=True)
            out = UpsertResult(int(rec["created"]), int(rec["updated"]), int(rec["unchanged"]))
            if out.created + out.updated + out.unchanged != len(rows):
                raise _MissingEnds(what)
            return out

        try:
            return self._write(work)
        except _MissingEnds as exc:
            raise StoreError(
                f"neo4j store: {exc}: some rows name entities that are not stored; "
                "load the entities before the links (this batch was not written)"
            ) from exc

    # -- writes ---------------------------------------------------------------------------------
    def upsert_nodes(self, entity: str, rows: pd.DataFrame) -> UpsertResult:
        spec = schema().entity(entity)
        if rows.empty:
            return UpsertResult()
        types: dict[str, str] = dict(spec.columns())
        frame = merge.collapse(conform_nodes(spec, rows), ["key"], list_columns(types))
        stmt = cy.upsert_nodes(spec.name)
        total = UpsertResult()
        for start in range(0, len(frame), BATCH_SIZE):
            part = frame.iloc[start : start + BATCH_SIZE]
            # what this batch replaces, from the rows stored before it (the earlier versions a load keeps)
            stored = self.nodes(spec.name, keys=part["key"].tolist())
            plan = (
                merge.reconcile(part, stored, ["key"], list_columns(types))
                if not stored.empty
                else None
            )
            total += self._upsert(stmt, param_rows(part, types), f"{spec.name} rows")
            if plan is not None and plan.superseded is not None:
                total.superseded.append((spec.name, plan.superseded, plan.replaced))
        return total

    def upsert_links(
        self, link: str, from_entity: str, to_entity: str, rows: pd.DataFrame
    ) -> UpsertResult:
        spec, a, b = link_ends(link, from_entity, to_entity)
        if rows.empty:
            return UpsertResult()
        types = link_types(spec)
        ident = ["from_key", "to_key", *spec.identity]
        frame = merge.collapse(conform_links(spec, rows), ident, list_columns(types))
        stmt = cy.upsert_links(spec.name, a, b)
        total = UpsertResult()
        for start in range(0, len(frame), BATCH_SIZE):
            batch = param_rows(frame.iloc[start : start + BATCH_SIZE], types)
            total += self._upsert(stmt, batch, f"{spec.canonical} links from {a} to {b}")
        return total

    def mark_load_started(self, dataset: str, started_at: str) -> None:
        self._write(
            lambda tx: tx.run(
                cy.MARK_LOAD_STARTED, dataset=dataset, started_at=started_at
            ).consume()
        )

    def mark_load_finished(self, dataset: str, started_at: str) -> None:
        self._write(
            lambda tx: tx.run(
                cy.MARK_LOAD_FINISHED, dataset=dataset, started_at=started_at
            ).consume()
        )

    def incomplete_loads(self) -> dict[str, str]:
        rows = self._read(cy.INCOMPLETE_LOADS)
        return dict(zip(rows["dataset"], rows["started_at"], strict=True)) if not rows.empty else {}

    # -- reads: the statements are graph_intel.stores.reads, run through GraphStore -------------
    read_batch = BATCH_SIZE

    def _read_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        return self._read_rows(pattern.text(self.name), pattern.bind(**params))

    def _node_frame(self, frame: pd.DataFrame, spec: EntitySpec, wanted: list[str]) -> pd.DataFrame:
        return _typed(frame, spec.columns(), wanted)

    def _link_frame(self, frame: pd.DataFrame, spec: LinkSpec) -> pd.DataFrame:
        cols = [*LINK_FRAME_COLUMNS, *spec.properties]
        out = _typed(frame, {c: "string" for c in LINK_FRAME_COLUMNS} | spec.columns(), cols)
        for prop in spec.identity:  # stored as '' because Neo4j cannot MERGE on null
            out[prop] = out[prop].where(out[prop].ne(""), None)
        return out

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run Cypher in a read-access session with parameters: the server refuses any write."""
        frame = self._read_rows(cypher, {k: plain_value(v) for k, v in (params or {}).items()})
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, dt.date)).any():
                frame[col] = pd.to_datetime(frame[col], errors="coerce")
        return frame

    def user_query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a user's Cypher in a READ session, only if the server's plan for it (EXPLAIN) holds no
        LOAD CSV and no procedure call (graph_intel.stores.untrusted)."""
        word = untrusted.screened_keyword(cypher)
        if word is not None:
            raise untrusted.RefusedStatement(word)
        bound = {k: plain_value(v) for k, v in (params or {}).items()}

        def explain(tx: ManagedTransaction) -> dict[str, Any] | None:
            plan = tx.run("EXPLAIN " + cypher, bound).consume().plan
            return dict(plan) if plan else None

        try:
            with self._session(READ_ACCESS) as session:
                plan = session.execute_read(explain)
        except (DriverError, Neo4jError) as exc:
            raise StoreError(f"neo4j store: {exc}") from exc
        refused = untrusted.neo4j_plan_refusal(plan)
        if refused is not None:
            raise untrusted.RefusedStatement(refused)
        return self.query(cypher, params)


def _runner(stmt: str) -> Callable[[ManagedTransaction], None]:
    """A transaction function running one parameterless statement of the store's."""

    def work(tx: ManagedTransaction) -> None:
        tx.run(stmt).consume()

    return work


def _native(value: Any) -> Any:
    """A driver value as plain Python: temporals native, nodes/links as property dicts."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, Node | Relationship):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, Path):
        return [_native(n) for n in value.nodes]
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        return to_native()
    return value


def _typed(frame: pd.DataFrame, types: Mapping[str, str], wanted: list[str]) -> pd.DataFrame:
    """The wanted columns, with dates and timestamps as datetime64 like the embedded store's."""
    if frame.empty:
        return pd.DataFrame(columns=wanted)
    out = frame[wanted].copy()
    for col in wanted:
        if types.get(col) in ("timestamp", "date"):
            values = [None if v is None else pd.Timestamp(v).tz_localize(None) for v in out[col]]
            out[col] = pd.to_datetime(pd.Series(values, index=out.index, dtype="object")).astype(
                "datetime64[us]"
            )
    return out
