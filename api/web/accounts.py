"""Passwords of the people who sign in to the hub workspace (argon2id), and lock-out after failures.

Kept in the service database beside the users and their bearer tokens (api.users): a person's
account is the user (name, role, revoked or not); the password is what the browser sign-in
checks. Only the argon2 hash is stored. After `max_failures` wrong passwords in a row the account
is locked for `lockout_seconds`; a right password while locked is refused too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.users import ServiceTable, User, UserError, UserStore, now_utc

_DDL = """
CREATE TABLE IF NOT EXISTS web_passwords (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    set_at TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL
);
"""

#: Shortest password accepted.
MIN_PASSWORD_CHARS = 12
_HASHER = PasswordHasher()
#: Verified against when the name is unknown, so an unknown name takes as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone's")


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not (`wrong`, `locked`)."""

    user: User | None
    refused: str | None = None
    locked_until: float | None = None


class Passwords(ServiceTable):
    """Argon2 password hashes per user name, failure counts and lock-outs."""

    ddl = UserStore.ddl + _DDL

    def __init__(
        self,
        path: Path,
        max_failures: int = 5,
        lockout_seconds: float = 900,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(path)
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self.clock = clock

    def set(self, name: str, password: str) -> None:
        """Set (or replace) a user's password; the user must exist and be active."""
        if len(password) < MIN_PASSWORD_CHARS:
            raise UserError(
                f"the password is shorter than {MIN_PASSWORD_CHARS} characters: choose a longer one"
            )
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM users WHERE name = ? AND revoked_at IS NULL", (name,)
            ).fetchone()
            if row is None:
                raise UserError(
                    f"no active user {name!r}: add it first with 'graph-intel users add'"
                )
            self._conn.execute(
                "INSERT INTO web_passwords (name, hash, set_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at, failures = 0, locked_until = NULL",
                (name, _HASHER.hash(password), now_utc()),
            )

    def check(self, name: str, password: str) -> SignIn:
        """Whether `password` is the active user `name`'s, counting failures and locking the account."""
        now = self.clock()
        with self._lock:
            row = self._conn.execute(
                "SELECT p.hash, p.failures, p.locked_until, u.role FROM web_passwords p "
                "JOIN users u ON u.name = p.name AND u.revoked_at IS NULL WHERE p.name = ?",
                (name,),
            ).fetchone()
        if row is None:
            _verify(_DUMMY, password)
            return SignIn(None, "wrong")
        digest, failures, locked_until, role = row
        if locked_until is not None and locked_until > now:
            return SignIn(None, "locked", locked_until)
        if _verify(digest, password):
            with self._lock:
                self._conn.execute(
                    "UPDATE web_passwords SET failures = 0, locked_until = NULL WHERE name = ?",
                    (name,),
                )
                if _HASHER.check_needs_rehash(digest):
                    self._conn.execute(
                        "UPDATE web_passwords SET hash = ? WHERE name = ?",
                        (_HASHER.hash(password), name),
                    )
            return SignIn(User(name=name, role=role))
        failures = (0 if locked_until is not None else failures) + 1
        lock = now + self.lockout_seconds if failures >= self.max_failures else None
        with self._lock:
            self._conn.execute(
                "UPDATE web_passwords SET failures = ?, locked_until = ? WHERE name = ?",
                (0 if lock else failures, lock, name),
            )
        return SignIn(None, "locked" if lock else "wrong", lock)


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
