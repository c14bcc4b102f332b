"""Users and their bearer tokens (SQLite): tokens are random secrets stored only as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Self, get_args

from graph_intel.private import private_files

Role = Literal["admin", "analyst", "viewer"]
ROLES: tuple[str, ...] = get_args(Role)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$")

_DDL = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""


class UserError(ValueError):
    """A user cannot be added or revoked as asked; the message says why."""


@dataclass(frozen=True)
class User:
    """An authenticated user: name and role."""

    name: str
    role: str


def now_utc() -> str:
    """The current time, UTC, ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def connect(path: Path) -> sqlite3.Connection:
    """Open the service database (WAL, autocommit; transactions are explicit); private (0600)."""
    private_files()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class ServiceTable:
    """A table of the service database with its own connection; subclasses declare their DDL."""

    ddl: str = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = connect(path)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(self.ddl)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class UserStore(ServiceTable):
    """The users table: add, revoke, list, and authenticate a bearer token."""

    ddl = _DDL

    def add(self, name: str, role: str) -> str:
        """Create a user and return its new token (shown once; only its hash is kept)."""
        if not _NAME.match(name):
            raise UserError(
                f"user name {name!r} is not allowed: letters, digits, '_', '.', '@', '-' (at most 64)"
            )
        if role not in ROLES:
            raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
        token = "gi_" + secrets.token_urlsafe(32)
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO users (name, role, token_sha256, created_at) VALUES (?, ?, ?, ?)",
                    (name, role, token_hash(token), now_utc()),
                )
            except sqlite3.IntegrityError as exc:
                raise UserError(
                    f"user {name!r} exists (or existed: names are never reused, so the audit stays unambiguous)"
                ) from exc
        return token

    def revoke(self, name: str) -> bool:
        """Revoke a user's token; False when there is no such active user. The last active admin
        cannot be revoked (UserError): nobody could then manage users or read the audit log."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT role FROM users WHERE name = ? AND revoked_at IS NULL", (name,)
                ).fetchone()
                if row is not None and row[0] == "admin":
                    admins = self._conn.execute(
                        "SELECT count(*) FROM users WHERE role = 'admin' AND revoked_at IS NULL"
                    ).fetchone()[0]
                    if admins <= 1:
                        raise UserError(
                            f"{name!r} is the last active admin: add another admin before revoking this one"
                        )
                cur = self._conn.execute(
                    "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                    (now_utc(), name),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return cur.rowcount == 1

    def list(self) -> list[dict[str, str | None]]:
        """Every user (never the token hash): name, role, created_at, revoked_at."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT name, role, created_at, revoked_at FROM users ORDER BY name"
            ).fetchall()
        return [{"name": n, "role": r, "created_at": c, "revoked_at": v} for n, r, c, v in rows]

    def authenticate(self, token: str) -> User | None:
        """The active user whose token this is, or None."""
        digest = token_hash(token)
        with self._lock:
            row = self._conn.execute(
                "SELECT name, role, token_sha256 FROM users WHERE token_sha256 = ? AND revoked_at IS NULL",
                (digest,),
            ).fetchone()
        if row is None or not hmac.compare_digest(row[2], digest):
            return None
        return User(name=row[0], role=row[1])
