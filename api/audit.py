"""Append-only, hash-chained audit log (DPA 2018 s62): who, when, what, which persons, why, outcome.

Each entry is canonical JSON (sorted keys, no spaces) holding its own sequence number; its hash is
sha256(prev_hash + canonical JSON), the first entry chaining from 64 zeros. A head row keeps the
last sequence number and hash, written in the same transaction, so deleting the newest entries is
detected too. SQLite triggers refuse UPDATE and DELETE; `verify()` catches whoever bypasses them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from api.users import ServiceTable, now_utc

GENESIS = "0" * 64

_DDL = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
"""

#: Kinds of processing DPA 2018 s62 requires logs of, plus the service's own.
ACTIONS = ("consultation", "disclosure", "alteration", "erasure", "administration", "refused")


def canonical(entry: dict[str, Any]) -> str:
    """The one JSON text an entry hashes as: sorted keys, no whitespace, UTF-8."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON of the entry), hex."""
    return hashlib.sha256((prev_hash + canonical(entry)).encode("utf-8", "surrogateescape")).hexdigest()


class AuditLog(ServiceTable):
    """The audit log in the service database: append, query, verify."""

    ddl = _DDL

    def append(
        self,
        *,
        who: str | None,
        role: str | None,
        method: str,
        route: str,
        params: dict[str, Any],
        persons: list[str],
        purpose: str | None,
        action: str,
        status: int,
    ) -> dict[str, Any]:
        """Add one entry at the end of the chain (atomically, across processes) and return it."""
        entry: dict[str, Any] = {
            "at": now_utc(), "who": who, "role": role, "method": method, "route": route,
            "params": params, "persons": sorted(set(persons)), "purpose": purpose,
            "action": action, "status": status,
        }
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                seq, prev = self._conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
                entry["seq"] = seq + 1
                digest = chain_hash(prev, entry)
                self._conn.execute(
                    "INSERT INTO audit (seq, entry, prev_hash, hash) VALUES (?, ?, ?, ?)",
                    (entry["seq"], canonical(entry), prev, digest),
                )
                self._conn.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (entry["seq"], digest))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return {**entry, "prev_hash": prev, "hash": digest}

    def query(
        self,
        who: str | None = None,
        person: str | None = None,
        route: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Entries matching every filter given, newest first (all values bound as parameters)."""
        where, args = ["1 = 1"], []
        if who is not None:
            where.append("json_extract(entry, '$.who') = ?")
            args.append(who)
        if route is not None:
            where.append("json_extract(entry, '$.route') = ?")
            args.append(route)
        if since is not None:
            where.append("json_extract(entry, '$.at') >= ?")
            args.append(since)
        if until is not None:
            where.append("json_extract(entry, '$.at') < ?")
            args.append(until)
        if person is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(entry, '$.persons') WHERE value = ?)")
            args.append(person)
        sql = f"SELECT entry, prev_hash, hash FROM audit WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ? OFFSET ?"  # noqa: S608 - fixed clauses, values bound
        with self._lock:
            rows = self._conn.execute(sql, (*args, limit, offset)).fetchall()
        return [{**json.loads(e), "prev_hash": p, "hash": h} for e, p, h in rows]

    def verify(self) -> dict[str, Any]:
        """Walk the chain: {"entries", "intact", "first_bad", "reason"}; any edit, insert, delete or reorder breaks it."""
        with self._lock:
            rows = self._conn.execute("SELECT seq, entry, prev_hash, hash FROM audit ORDER BY seq").fetchall()
            head = self._conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        prev, expected_seq = GENESIS, 1
        for seq, text, prev_hash, digest in rows:
            problem = None
            try:
                entry = json.loads(text)
            except ValueError:
                entry, problem = {}, "entry is not JSON"
            if problem is None and (seq != expected_seq or entry.get("seq") != seq):
                problem = f"sequence broken (expected {expected_seq})"
            elif problem is None and prev_hash != prev:
                problem = "prev_hash does not match the previous entry"
            elif problem is None and chain_hash(prev, entry) != digest:
                problem = "hash does not match the entry"
            if problem:
                return {"entries": len(rows), "intact": False, "first_bad": seq, "reason": problem}
            prev, expected_seq = digest, expected_seq + 1
        if head is None or head[0] != len(rows) or head[1] != prev:
            return {"entries": len(rows), "intact": False, "first_bad": len(rows) + 1 if rows else 1,
                    "reason": "the head does not match the last entry (entries deleted or added)"}
        return {"entries": len(rows), "intact": True, "first_bad": None, "reason": None}
