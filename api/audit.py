"""Append-only, hash-chained audit log (DPA 2018 s62): who, when, what, which persons, why, outcome.

Each entry is canonical JSON (sorted keys, no spaces) holding its own sequence number; its hash is
sha256(prev_hash + canonical JSON), the first entry chaining from 64 zeros. A head row keeps the
last sequence number and hash, written in the same transaction, so deleting the newest entries is
detected too. SQLite triggers refuse UPDATE and DELETE; `verify()` catches whoever bypasses them.
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.checkpoints import Checkpoint, Checkpoints, load_key
from api.settings import Settings
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
CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.seq != OLD.seq + 1
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, one entry at a time'); END;
"""

#: Kinds of processing DPA 2018 s62 requires logs of, plus the service's own.
ACTIONS = ("consultation", "disclosure", "alteration", "erasure", "administration", "refused")


def canonical(entry: dict[str, Any]) -> str:
    """The one JSON text an entry hashes as: sorted keys, no whitespace, UTF-8."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON of the entry), hex."""
    return hashlib.sha256(
        (prev_hash + canonical(entry)).encode("utf-8", "surrogateescape")
    ).hexdigest()


@dataclass
class _Pending:
    """One entry waiting to be written, and what became of it: the row written, or the error."""

    entry: dict[str, Any]
    written: dict[str, Any] | None = None
    error: BaseException | None = None


class AuditLog(ServiceTable):
    """The audit log in the service database: append, query, verify; with `checkpoints`, every
    new head is also checkpointed outside the database (api.checkpoints)."""

    ddl = _DDL

    def __init__(self, path: Path, checkpoints: Checkpoints | None = None) -> None:
        super().__init__(path)
        self.checkpoints = checkpoints
        #: Entries waiting for the next commit (group commit: see `append`).
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()

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
        phase: str | None = None,
    ) -> dict[str, Any]:
        """Add one entry at the end of the chain (atomically, across processes) and return it.

        `phase` marks the entries of a long operation: "started" when it begins, "finished" or
        "failed" when it ends, so an operation that never ended still has its first entry.
        """
        entry: dict[str, Any] = {
            "at": now_utc(),
            "who": who,
            "role": role,
            "method": method,
            "route": route,
            "params": params,
            "persons": sorted(set(persons)),
            "purpose": purpose,
            "action": action,
            "status": status,
        }
        if phase is not None:
            entry["phase"] = phase
        mine = _Pending(entry)
        with self._queue_lock:
            self._queue.append(mine)
        with self._lock:  # one commit at a time; whoever takes the lock writes every entry waiting
            if mine.written is None and mine.error is None:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if mine.error is not None:
            raise mine.error
        assert mine.written is not None
        return mine.written

    def _commit(self, batch: list[_Pending]) -> None:
        """Write `batch` at the end of the chain in one transaction (one sync to disk for them
        all: group commit), then checkpoint each new head; each entry is durable before its
        request is answered, as when each had its own commit. If the batch cannot be written,
        each entry is written alone, so that only an entry that cannot be written fails."""
        try:
            written = self._write(batch)
        except Exception as exc:  # told apart entry by entry below
            if len(batch) == 1:
                batch[0].error = exc
                return
            for one in batch:
                self._commit([one])
            return
        except BaseException as exc:  # interrupted: nothing of the batch was written
            for pending in batch:
                pending.error = exc
            raise
        try:
            if self.checkpoints is not None:
                # after the commit: a checkpoint never names an entry that is not there
                self.checkpoints.write_many([(r["seq"], r["hash"], r["at"]) for r in written])
        except BaseException as exc:  # the entries are written; their requests hear of the failure
            for pending in batch:
                pending.error = exc
            raise
        for pending, row in zip(batch, written, strict=True):
            pending.written = row

    def _write(self, batch: list[_Pending]) -> list[dict[str, Any]]:
        """Append `batch`'s entries in one transaction (atomically, across processes)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            seq, prev = self._conn.execute(
                "SELECT seq, hash FROM audit_head WHERE id = 1"
            ).fetchone()
            rows = []
            for pending in batch:
                entry = {**pending.entry, "seq": seq + 1}
                digest = chain_hash(prev, entry)
                self._conn.execute(
                    "INSERT INTO audit (seq, entry, prev_hash, hash) VALUES (?, ?, ?, ?)",
                    (entry["seq"], canonical(entry), prev, digest),
                )
                # the head moves one entry at a time (the database's trigger holds it to that)
                self._conn.execute(
                    "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (entry["seq"], digest)
                )
                rows.append({**entry, "prev_hash": prev, "hash": digest})
                seq, prev = entry["seq"], digest
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return rows

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
        if person is not None:  # a store key, or a bare id: that id in any dataset
            where.append(
                "EXISTS (SELECT 1 FROM json_each(entry, '$.persons') WHERE value = ? "
                "OR (instr(?, ':') = 0 AND substr(value, instr(value, ':') + 1) = ?))"
            )
            args.extend([person, person, person])
        sql = f"SELECT entry, prev_hash, hash FROM audit WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ? OFFSET ?"  # noqa: S608 - fixed clauses, values bound
        with self._lock:
            rows = self._conn.execute(sql, (*args, limit, offset)).fetchall()
        return [{**json.loads(e), "prev_hash": p, "hash": h} for e, p, h in rows]

    def verify(self) -> dict[str, Any]:
        """Walk the chain, then hold it against the signed checkpoints.

        {"entries", "intact", "state", "first_bad", "reason", "checkpoint"}: state is "intact",
        "edited" (an entry or the order changed), "truncated" (entries gone from the end),
        "rewound" (the chain rebuilt from an earlier entry), "extended" (entries after the last
        checkpoint, added without the key), "forged-checkpoint", or "unanchored" (no checkpoint
        key configured: truncation cannot be told).
        """
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, entry, prev_hash, hash FROM audit ORDER BY seq"
            ).fetchall()
            head = self._conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        hashes: list[str] = []
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
                return _verdict(len(rows), "edited", seq, problem)
            hashes.append(digest)
            prev, expected_seq = digest, expected_seq + 1
        if head is None or head[0] != len(rows) or head[1] != prev:
            return _verdict(
                len(rows),
                "edited",
                len(rows) + 1 if rows else 1,
                "the head does not match the last entry (entries deleted or added)",
            )
        if self.checkpoints is None:
            return _verdict(len(rows), "unanchored", None, None)
        return _against_checkpoints(hashes, *self.checkpoints.read())


def open_audit(settings: Settings, create_key: bool = True) -> AuditLog:
    """The service's audit log with its checkpoints, as the settings say (the key is made on first
    use when `create_key`; a reader such as `audit verify` without a key gets an unanchored log)."""
    secret = settings.audit_key.get_secret_value() if settings.audit_key is not None else None
    key = load_key(secret, settings.audit_key_path(), create=create_key)
    checkpoints = (
        None
        if key is None
        else Checkpoints(settings.audit_checkpoints_path(), key, settings.audit_syslog)
    )
    return AuditLog(settings.api_db_path(), checkpoints)


def _verdict(
    entries: int,
    state: str,
    first_bad: int | None,
    reason: str | None,
    checkpoint: Checkpoint | None = None,
) -> dict[str, Any]:
    intact = state in ("intact", "unanchored")
    out: dict[str, Any] = {
        "entries": entries,
        "intact": intact,
        "state": state,
        "first_bad": first_bad,
        "reason": reason,
        "checkpoint": None,
    }
    if checkpoint is not None:
        out["checkpoint"] = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at}
    if state == "unanchored":
        out["note"] = (
            "no audit checkpoint key is configured, so entries removed from the end cannot be told"
        )
    return out


def _against_checkpoints(
    hashes: list[str], checkpoints: list[Checkpoint], forged: list[str]
) -> dict[str, Any]:
    """The verdict of an unbroken chain (hashes[i] is entry i+1's) against its signed checkpoints."""
    n = len(hashes)
    latest = max(checkpoints, key=lambda c: c.seq, default=None)
    if forged:
        return _verdict(n, "forged-checkpoint", None, "; ".join(forged[:3]), latest)
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        if cp.seq > n:
            return _verdict(
                n,
                "truncated",
                n + 1,
                (
                    f"the chain ends at entry {n} but the checkpoint of {cp.at} says it had {cp.seq}: "
                    f"entries {n + 1}-{latest.seq if latest else cp.seq} were removed"
                ),
                latest,
            )
        if cp.seq >= 1 and hashes[cp.seq - 1] != cp.hash:
            return _verdict(
                n,
                "rewound",
                cp.seq,
                (
                    f"entry {cp.seq} is not the one checkpointed at {cp.at}: the chain was rebuilt from entry {cp.seq} or before"
                ),
                latest,
            )
    covered = latest.seq if latest else 0
    if n > covered:
        return _verdict(
            n,
            "extended",
            covered + 1,
            (
                f"entries {covered + 1}-{n} come after the last signed checkpoint (entry {covered}): "
                "added without the audit key, or the service stopped between writing an entry and its checkpoint"
            ),
            latest,
        )
    return _verdict(n, "intact", None, None, latest)


#: Characters `audit list` never prints as they are (they could rewrite the terminal or the line).
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escaped(c: str) -> str:
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def printable_json(data: Any) -> str:
    """JSON of audit entries with every control or format character written as a \\uXXXX escape
    (still the same JSON value: such characters only ever occur inside its strings)."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return "".join(_escaped(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in text)
