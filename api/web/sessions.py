"""Server-side sessions of the hub workspace: a random id in an HttpOnly, SameSite=Strict cookie.

The browser holds only the session id; the database holds its SHA-256 with who, role, the
purpose given at sign-in, the CSRF token of its forms, and when it began and was last used. A
session ends on sign-out, after `idle_seconds` unused, or `absolute_seconds` after sign-in,
whichever comes first; an ended session is never revived. A revoked user's sessions end at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from api.users import ServiceTable, UserStore

COOKIE = "gi_session"
#: The cookie of the sign-in form's CSRF token (before there is a session).
SIGN_IN_COOKIE = "gi_signin"

_DDL = """
CREATE TABLE IF NOT EXISTS web_sessions (
    id_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    csrf TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL NOT NULL,
    ended_at REAL,
    ended_why TEXT
);
CREATE TABLE IF NOT EXISTS web_session_purposes (
    id_sha256 TEXT NOT NULL,
    person_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (id_sha256, person_key)
);
"""


@dataclass(frozen=True)
class WebSession:
    """A live session: who, role, why (the purpose given at sign-in), its forms' CSRF token."""

    name: str
    role: str
    purpose: str
    csrf: str
    created_at: float


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogateescape")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Whether two tokens are equal (constant time; a missing one never matches)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class Sessions(ServiceTable):
    """The sessions table: start, find (ending it when timed out), end."""

    ddl = UserStore.ddl + _DDL

    def __init__(
        self,
        path: Path,
        idle_seconds: float = 1800,
        absolute_seconds: float = 8 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(path)
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds
        self.clock = clock

    def start(self, name: str, role: str, purpose: str) -> str:
        """A new session for a signed-in user; returns its id (for the cookie, never stored)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._conn.execute(
                "INSERT INTO web_sessions (id_sha256, name, role, csrf, purpose, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_digest(session_id), name, role, secrets.token_urlsafe(32), purpose, now, now),
            )
        return session_id

    def find(self, session_id: str | None, touch: bool = True) -> WebSession | None:
        """The live session with this id (its last use moved to now when `touch`), or None.

        A session past its idle or absolute timeout, or whose user was revoked, is ended here."""
        if not session_id or len(session_id) > 200:
            return None
        now = self.clock()
        digest = _digest(session_id)
        with self._lock:
            row = self._conn.execute(
                "SELECT s.name, s.role, s.purpose, s.csrf, s.created_at, s.seen_at, u.revoked_at FROM web_sessions s "
                "LEFT JOIN users u ON u.name = s.name WHERE s.id_sha256 = ? AND s.ended_at IS NULL",
                (digest,),
            ).fetchone()
            if row is None:
                return None
            name, role, purpose, csrf, created, seen, revoked = row
            why = (
                "revoked"
                if revoked is not None
                else "absolute timeout"
                if now - created > self.absolute_seconds
                else "idle timeout"
                if now - seen > self.idle_seconds
                else None
            )
            if why is not None:
                self._conn.execute(
                    "UPDATE web_sessions SET ended_at = ?, ended_why = ? WHERE id_sha256 = ?",
                    (now, why, digest),
                )
                return None
            if touch:
                self._conn.execute(
                    "UPDATE web_sessions SET seen_at = ? WHERE id_sha256 = ?", (now, digest)
                )
        return WebSession(name=name, role=role, purpose=purpose, csrf=csrf, created_at=created)

    def end(self, session_id: str | None, why: str = "signed out") -> bool:
        """End a session (sign-out); False when there was no live one."""
        if not session_id:
            return False
        with self._lock:
            cur = self._conn.execute(
                "UPDATE web_sessions SET ended_at = ?, ended_why = ? WHERE id_sha256 = ? AND ended_at IS NULL",
                (self.clock(), why, _digest(session_id)),
            )
        return cur.rowcount == 1

    def note_purpose(self, session_id: str, person_key: str, purpose: str) -> None:
        """Keep why this session opened a child's record (asked each time a child's record is opened)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO web_session_purposes (id_sha256, person_key, purpose, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id_sha256, person_key) DO UPDATE SET purpose = excluded.purpose, at = excluded.at",
                (_digest(session_id), person_key, purpose, self.clock()),
            )

    def purpose_for(self, session_id: str, person_key: str) -> str | None:
        """Why this session opened this child's record, or None when it has not said."""
        with self._lock:
            row = self._conn.execute(
                "SELECT purpose FROM web_session_purposes WHERE id_sha256 = ? AND person_key = ?",
                (_digest(session_id), person_key),
            ).fetchone()
        return row[0] if row else None
