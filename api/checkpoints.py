"""Checkpoints of the audit chain's head, kept outside the audit database and signed with a key it does not hold.

After every entry the service appends one line to the checkpoint file (and, where the machine
has a syslog socket, sends it to syslog/journald): canonical JSON of the entry's sequence number,
its chain hash and the time, with an HMAC-SHA256 of those under the audit key. The hash chain in
the database shows an edited, inserted or reordered entry; the checkpoints show what the chain
alone cannot: entries removed from its end (truncated), the chain rebuilt from an earlier entry
(rewound), or entries added by someone without the key (extended). The key comes from the
settings (`GRAPH_INTEL_AUDIT_KEY`, or `GRAPH_INTEL_AUDIT_KEY_FILE`), never from the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("graph_intel.api")

SYSLOG_SOCKET = Path("/dev/log")


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint: the chain had `seq` entries, the last with `hash`, at `at`."""

    seq: int
    hash: str
    at: str
    line: int


def _message(seq: int, digest: str, at: str) -> bytes:
    return json.dumps(
        {"at": at, "hash": digest, "seq": seq}, sort_keys=True, separators=(",", ":")
    ).encode()


def load_key(key: str | None, key_file: Path, create: bool) -> bytes | None:
    """The audit key: given as text, or read from `key_file` (made, 0600, with a random key when
    `create` and it does not exist). None when there is none and none may be made."""
    if key:
        return key.encode("utf-8")
    if key_file.exists():
        data = key_file.read_bytes().strip()
        if len(data) < 16:
            raise ValueError(
                f"the audit key in {key_file} is shorter than 16 bytes: write a longer random key there"
            )
        return data
    if not create:
        return None
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return key_file.read_bytes().strip()


class Checkpoints:
    """The append-only checkpoint file (and syslog copy) of one audit log."""

    def __init__(self, path: Path, key: bytes, use_syslog: bool = True) -> None:
        self.path = path
        self._key = key
        self._lock = threading.Lock()
        self._syslog = use_syslog and SYSLOG_SOCKET.exists()

    def sign(self, seq: int, digest: str, at: str) -> str:
        """The HMAC of one checkpoint (hex)."""
        return hmac.new(self._key, _message(seq, digest, at), hashlib.sha256).hexdigest()

    def write(self, seq: int, digest: str, at: str) -> None:
        """Append the checkpoint of the chain's new head (one line, flushed to disk)."""
        self.write_many([(seq, digest, at)])

    def write_many(self, heads: list[tuple[int, str, str]]) -> None:
        """Append one checkpoint line per head (seq, hash, at), in order, flushed to disk once:
        the entries of one audit commit (api.audit) are checkpointed together."""
        lines = [
            json.dumps(
                {"at": at, "hash": digest, "mac": self.sign(seq, digest, at), "seq": seq},
                sort_keys=True,
                separators=(",", ":"),
            )
            for seq, digest, at in heads
        ]
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, "".join(line + "\n" for line in lines).encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        if self._syslog:
            try:
                import syslog

                syslog.openlog("graph-intel-audit", 0, syslog.LOG_AUTHPRIV)
                for line in lines:
                    syslog.syslog(syslog.LOG_INFO, f"audit checkpoint {line}")
            except OSError:  # no syslog after all: the file is the checkpoint
                self._syslog = False

    def read(self) -> tuple[list[Checkpoint], list[str]]:
        """Every checkpoint whose signature holds, and a sentence for each line whose does not."""
        if not self.path.exists():
            return [], []
        good: list[Checkpoint] = []
        bad: list[str] = []
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    doc: dict[str, Any] = json.loads(text)
                    seq, digest, at, mac = (
                        int(doc["seq"]),
                        str(doc["hash"]),
                        str(doc["at"]),
                        str(doc["mac"]),
                    )
                except (ValueError, KeyError, TypeError):
                    bad.append(f"checkpoint line {number} is not a checkpoint")
                    continue
                if not hmac.compare_digest(mac, self.sign(seq, digest, at)):
                    bad.append(
                        f"checkpoint line {number} (entry {seq}) is not signed with the audit key: forged"
                    )
                    continue
                good.append(Checkpoint(seq=seq, hash=digest, at=at, line=number))
        return good, bad
