"""Truncation and forgery of the audit chain are detected against signed checkpoints kept outside it.

Each test plays the attacker on the real SQLite file (triggers dropped, as whoever can write the
file can), then runs the real `graph-intel audit verify` and the admin route. The last test shows
what is not detected: rewinding the database and the checkpoint file together.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from api_env import ApiEnv
from typer.testing import CliRunner

from api.audit import chain_hash, open_audit
from api.settings import Settings
from graph_intel.cli import app as cli


def _settings(root: Path) -> Settings:
    return Settings(store=root / "store", api_db=root / "api.sqlite", audit_syslog=False)


def _log(root: Path, n: int = 5) -> Settings:
    settings = _settings(root)
    with open_audit(settings) as log:
        for i in range(n):
            log.append(
                who=f"u{i}",
                role="analyst",
                method="GET",
                route="/api/v1/stats",
                params={},
                persons=[f"d:P{i}"],
                purpose="test",
                action="consultation",
                status=200,
            )
    return settings


def _verify(settings: Settings) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["audit", "verify", "--api-db", str(settings.api_db)])
    return result.exit_code, json.loads(result.stdout)


def _attack(settings: Settings, *statements: str) -> None:
    conn = sqlite3.connect(settings.api_db_path())
    conn.executescript(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; DROP TRIGGER IF EXISTS audit_head_forward;"
        + ";".join(statements)
    )
    conn.commit()
    conn.close()


def _forge(settings: Settings, seq: int, prev: str, who: str = "nobody") -> tuple[str, str]:
    """A well-chained entry `seq` after hash `prev`: what an attacker who knows the format can write."""
    entry = {
        "at": "2030-01-01T00:00:00+00:00",
        "who": who,
        "role": "analyst",
        "method": "GET",
        "route": "/x",
        "params": {},
        "persons": [],
        "purpose": "forged",
        "action": "consultation",
        "status": 200,
        "seq": seq,
    }
    digest = chain_hash(prev, entry)
    _attack(
        settings,
        f"INSERT INTO audit VALUES ({seq}, '{json.dumps(entry, sort_keys=True, separators=(',', ':'))}', "
        f"'{prev}', '{digest}')",
        f"UPDATE audit_head SET seq = {seq}, hash = '{digest}' WHERE id = 1",
    )
    return digest, prev


def _hash(settings: Settings, seq: int) -> str:
    conn = sqlite3.connect(settings.api_db_path())
    try:
        return str(conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()[0])
    finally:
        conn.close()


def test_an_untouched_chain_is_intact_against_its_checkpoints(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    code, result = _verify(settings)
    assert code == 0 and result["state"] == "intact" and result["checkpoint"]["seq"] == 5
    lines = settings.audit_checkpoints_path().read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[-1])["hash"] == _hash(settings, 5)
    key = settings.audit_key_path().read_bytes().strip()
    assert key not in settings.api_db_path().read_bytes()  # the database does not hold the key


def test_truncation_with_the_head_set_back_is_detected(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    _attack(
        settings,
        "DELETE FROM audit WHERE seq > 3",
        f"UPDATE audit_head SET seq = 3, hash = '{_hash(settings, 3)}' WHERE id = 1",
    )
    code, result = _verify(settings)
    assert (
        code == 1
        and result["state"] == "truncated"
        and result["first_bad"] == 4
        and "4-5" in result["reason"]
    )


def test_a_forged_entry_with_the_head_moved_is_detected(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    _forge(settings, 6, _hash(settings, 5))
    code, result = _verify(settings)
    assert code == 1 and result["state"] == "extended" and result["first_bad"] == 6


def test_a_chain_rebuilt_from_an_earlier_entry_is_detected(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    _attack(
        settings,
        "DELETE FROM audit WHERE seq > 3",
        f"UPDATE audit_head SET seq = 3, hash = '{_hash(settings, 3)}' WHERE id = 1",
    )
    prev = _hash(settings, 3)
    for seq in (4, 5, 6):
        prev, _ = _forge(settings, seq, prev)
    code, result = _verify(settings)
    assert code == 1 and result["state"] == "rewound" and result["first_bad"] == 4


def test_a_checkpoint_written_without_the_key_is_detected(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    digest, _ = _forge(settings, 6, _hash(settings, 5))
    with settings.audit_checkpoints_path().open("a") as fh:
        fh.write(
            json.dumps(
                {"at": "2030-01-01T00:00:00+00:00", "hash": digest, "mac": "0" * 64, "seq": 6}
            )
            + "\n"
        )
    code, result = _verify(settings)
    assert code == 1 and result["state"] == "forged-checkpoint" and "not signed" in result["reason"]


def test_the_admin_route_reports_it_too(fresh: ApiEnv) -> None:
    for _ in range(3):
        fresh.client.get("/api/v1/stats", headers=fresh.headers("viewer"))
    settings = fresh.settings
    last = fresh.app.state.services.audit.query(limit=1)[0]["seq"]
    _attack(
        settings,
        f"DELETE FROM audit WHERE seq > {last - 2}",
        f"UPDATE audit_head SET seq = {last - 2}, hash = '{_hash(settings, last - 2)}' WHERE id = 1",
    )
    r = fresh.client.get("/api/v1/admin/audit/verify", headers=fresh.headers("admin"))
    assert r.status_code == 200 and r.json()["intact"] is False and r.json()["state"] == "truncated"


def test_the_head_only_moves_forward_while_the_triggers_stand(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    conn = sqlite3.connect(settings.api_db_path())
    with pytest.raises(sqlite3.DatabaseError, match="only moves forward"):
        conn.execute("UPDATE audit_head SET seq = 3 WHERE id = 1")
    conn.close()


def test_without_a_key_verify_says_truncation_cannot_be_told(tmp_path: Path) -> None:
    settings = _log(tmp_path)
    settings.audit_key_path().unlink()
    code, result = _verify(settings)
    assert code == 0 and result["state"] == "unanchored" and "cannot be told" in result["note"]


def test_not_detected_rewinding_the_database_and_the_checkpoint_file_together(
    tmp_path: Path,
) -> None:
    """The limit docs/api.md states: local files rewound together agree; the syslog copy does not."""
    settings = _log(tmp_path)
    _attack(
        settings,
        "DELETE FROM audit WHERE seq > 3",
        f"UPDATE audit_head SET seq = 3, hash = '{_hash(settings, 3)}' WHERE id = 1",
    )
    path = settings.audit_checkpoints_path()
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:3]))
    code, result = _verify(settings)
    assert code == 0 and result["state"] == "intact"
