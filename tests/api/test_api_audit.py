"""The audit log: consultations and refusals are logged with who, why and persons; tampering is caught."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from api_env import PURPOSE, ApiEnv
from typer.testing import CliRunner

from api.audit import AuditLog
from api.routes.read import persons_in
from graph_intel.cli import app as cli


def _entries(env: ApiEnv) -> list[dict]:
    return list(reversed(env.app.state.services.audit.query(limit=1000)))


def test_consultation_is_logged_with_persons_and_purpose(fresh: ApiEnv) -> None:
    r = fresh.client.get("/api/v1/show/person/A1", headers=fresh.headers("viewer"))
    assert r.status_code == 200
    last = _entries(fresh)[-1]
    assert last["who"] == "viewer-user" and last["role"] == "viewer"
    assert last["route"] == "/api/v1/show/{kind}/{ident}" and last["status"] == 200
    assert last["purpose"] == PURPOSE and last["action"] == "consultation"
    assert last["persons"] == [
        "case1:A1"
    ]  # store keys: one form for every person, whatever the command prints
    assert last["params"]["args"] == {"kind": "person", "ident": "A1", "history": False}


def test_persons_touched_are_found_in_any_command_json() -> None:
    doc = {
        "kind": "person",
        "id": "C1",
        "links": [
            {"kind": "person", "id": "A2", "dataset": "d2"},
            {"kind": "phone", "id": "+447700900123"},
        ],
        "groups": [{"members": ["A3", "A4"]}],
        "adult": "A5",
        "child": "C6",
        "children": [{"person_id": "C7"}],
    }
    assert persons_in(doc) == {"C1", "d2:A2", "A3", "A4", "A5", "C6", "C7"}


def test_refusals_are_logged(fresh: ApiEnv) -> None:
    fresh.client.get("/api/v1/stats")
    fresh.client.get("/api/v1/stats", headers={"Authorization": "Bearer wrong", "X-Purpose": "x"})
    fresh.client.get("/api/v1/stats", headers=fresh.headers("viewer", purpose=None))
    fresh.client.post("/api/v1/query", headers=fresh.headers("viewer"), json={"cypher": "RETURN 1"})
    fresh.client.get("/api/v1/admin/audit", headers=fresh.headers("analyst"))
    statuses = [(e["who"], e["status"]) for e in _entries(fresh)]
    assert statuses[-5:] == [
        (None, 401),
        (None, 401),
        ("viewer-user", 400),
        ("viewer-user", 403),
        ("analyst-user", 403),
    ]
    assert fresh.app.state.services.audit.verify()["intact"]


def test_ingest_is_an_alteration(fresh: ApiEnv) -> None:
    csv = b"person_id,given_name,category\nZ9,Zed,suspect\n"
    r = fresh.client.post(
        "/api/v1/ingest",
        headers=fresh.headers("analyst"),
        files=[("files", ("persons.csv", csv, "text/csv"))],
        data={"dataset": "upload1"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["rows_loaded"]["persons.csv"] == 1
    last = _entries(fresh)[-1]
    assert (
        last["action"] == "alteration"
        and last["persons"] == ["upload1:Z9"]
        and last["params"]["dataset"] == "upload1"
    )


def test_admin_can_query_and_verify(fresh: ApiEnv) -> None:
    fresh.client.get("/api/v1/show/person/C1", headers=fresh.headers("analyst"))
    r = fresh.client.get(
        "/api/v1/admin/audit", params={"person": "C1"}, headers=fresh.headers("admin")
    )
    assert r.status_code == 200 and r.json() and all("case1:C1" in e["persons"] for e in r.json())
    r = fresh.client.get("/api/v1/admin/audit/verify", headers=fresh.headers("admin"))
    assert r.json()["intact"] is True and r.json()["entries"] >= 2


def test_audit_since_and_until_use_the_one_date_parser(fresh: ApiEnv) -> None:
    fresh.client.get(
        "/api/v1/show/person/C1", headers={**fresh.headers("analyst"), "X-Purpose": "test"}
    )
    admin = fresh.headers("admin")
    every = fresh.client.get("/api/v1/admin/audit", headers=admin).json()
    assert every
    today = every[0]["at"][:10]
    day, month, year = today[8:10], today[5:7], today[:4]
    uk = f"{day}/{month}/{year}"
    assert fresh.client.get("/api/v1/admin/audit", params={"since": uk}, headers=admin).json()
    assert fresh.client.get("/api/v1/admin/audit", params={"until": uk}, headers=admin).json() == []
    assert fresh.client.get(
        "/api/v1/admin/audit", params={"since": f"{today}T00:00+01:00"}, headers=admin
    ).json()
    for name, bad in (
        ("since", "2011-13-01"),
        ("until", "07/31/2011"),
        ("since", "yesterday"),
        ("until", "31/02/2011"),
    ):
        r = fresh.client.get("/api/v1/admin/audit", params={name: bad}, headers=admin)
        assert r.status_code == 400, (name, bad, r.text)
        assert r.json()["detail"].startswith(f"{name}: "), r.text


def test_health_needs_no_token_and_is_not_logged(fresh: ApiEnv) -> None:
    before = len(_entries(fresh))
    assert fresh.client.get("/health").json() == {"status": "ok"}
    assert len(_entries(fresh)) == before


# -- tampering ---------------------------------------------------------------------------------


def _log_with_entries(path: Path, n: int = 5) -> None:
    log = AuditLog(path)
    for i in range(n):
        log.append(
            who=f"u{i}",
            role="analyst",
            method="GET",
            route="/api/v1/stats",
            params={},
            persons=[f"P{i}"],
            purpose="test",
            action="consultation",
            status=200,
        )
    assert _contract(log.verify()) == {
        "entries": n,
        "intact": True,
        "first_bad": None,
        "reason": None,
    }
    log.close()


def _contract(result: dict) -> dict:
    """The keys verify has always returned (it adds state, checkpoint and note)."""
    return {k: result[k] for k in ("entries", "intact", "first_bad", "reason")}


def _tamper(path: Path, *statements: str) -> dict:
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + ";".join(statements)
    )
    conn.commit()
    conn.close()
    log = AuditLog(path)
    try:
        return log.verify()
    finally:
        log.close()


def test_triggers_refuse_update_and_delete(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _log_with_entries(db)
    conn = sqlite3.connect(db)
    for stmt in ("UPDATE audit SET entry = '{}' WHERE seq = 1", "DELETE FROM audit WHERE seq = 1"):
        try:
            conn.execute(stmt)
            raise AssertionError(f"{stmt} was allowed")
        except sqlite3.DatabaseError as exc:
            assert "append-only" in str(exc)


def test_edited_entry_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _log_with_entries(db)
    conn = sqlite3.connect(db)
    text = conn.execute("SELECT entry FROM audit WHERE seq = 3").fetchone()[0]
    conn.close()
    edited = json.dumps(
        {**json.loads(text), "who": "someone-else"}, sort_keys=True, separators=(",", ":")
    )
    result = _tamper(
        db, f"UPDATE audit SET entry = '{edited}' WHERE seq = 3"
    )  # the test plays the attacker
    assert result["intact"] is False and result["first_bad"] == 3


def test_deleted_entries_are_detected(tmp_path: Path) -> None:
    for seq in (1, 3, 5):  # first, middle, last
        db = tmp_path / f"d{seq}.sqlite"
        _log_with_entries(db)
        assert _tamper(db, f"DELETE FROM audit WHERE seq = {seq}")["intact"] is False, seq


def test_reordered_entries_are_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _log_with_entries(db)
    result = _tamper(
        db,
        "UPDATE audit SET seq = 100 WHERE seq = 2",
        "UPDATE audit SET seq = 2 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = 100",
    )
    assert result["intact"] is False and result["first_bad"] == 2


def test_inserted_entry_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _log_with_entries(db)
    conn = sqlite3.connect(db)
    seq, text, prev, digest = conn.execute(
        "SELECT seq, entry, prev_hash, hash FROM audit WHERE seq = 5"
    ).fetchone()
    conn.close()
    forged = json.dumps({**json.loads(text), "seq": 6}, sort_keys=True, separators=(",", ":"))
    assert (
        _tamper(db, f"INSERT INTO audit VALUES (6, '{forged}', '{digest}', '{'f' * 64}')")["intact"]
        is False
    )


def test_cli_audit_verify_exit_status(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _log_with_entries(db, 3)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--api-db", str(db)])
    assert ok.exit_code == 0 and _contract(json.loads(ok.stdout)) == {
        "entries": 3,
        "intact": True,
        "first_bad": None,
        "reason": None,
    }
    _tamper(db, "DELETE FROM audit WHERE seq = 2")
    bad = runner.invoke(cli, ["audit", "verify", "--api-db", str(db)])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["intact"] is False


def test_cli_users_add_list_revoke(tmp_path: Path) -> None:
    db = str(tmp_path / "u.sqlite")
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "dana", "--role", "viewer", "--api-db", db])
    assert added.exit_code == 0
    doc = json.loads(added.stdout)
    assert doc["user"] == "dana" and doc["role"] == "viewer" and len(doc["token"]) > 40
    assert doc["token"] not in Path(db).read_bytes().decode("latin-1")  # only the hash is kept
    assert (
        runner.invoke(cli, ["users", "add", "eve", "--role", "root", "--api-db", db]).exit_code == 2
    )
    assert runner.invoke(cli, ["users", "revoke", "dana", "--api-db", db]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["users", "list", "--api-db", db]).stdout)
    assert listed[0]["name"] == "dana" and listed[0]["revoked_at"]


def test_the_last_admin_cannot_be_revoked(fresh: ApiEnv, tmp_path: Path) -> None:
    r = fresh.client.delete("/api/v1/admin/users/admin-user", headers=fresh.headers("admin"))
    assert r.status_code == 409 and "last active admin" in r.json()["detail"]
    assert (
        fresh.client.get("/api/v1/admin/users", headers=fresh.headers("admin")).status_code == 200
    )
    r = fresh.client.post(
        "/api/v1/admin/users",
        headers=fresh.headers("admin"),
        json={"name": "second", "role": "admin"},
    )
    assert r.status_code == 201
    assert (
        fresh.client.delete(
            "/api/v1/admin/users/admin-user", headers=fresh.headers("admin")
        ).status_code
        == 200
    )
    db = str(tmp_path / "u.sqlite")
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["users", "add", "only", "--role", "admin", "--api-db", db]).exit_code
        == 0
    )
    refused = runner.invoke(cli, ["users", "revoke", "only", "--api-db", db])
    assert refused.exit_code == 2 and "last active admin" in refused.stderr
