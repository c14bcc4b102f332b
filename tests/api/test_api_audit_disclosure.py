"""Every disclosure is audited by the persons it names (as store keys), with who, whatever the status.

Over real HTTP against the app on a real store: a chronology, a network page and raw queries name
their persons; 404, 405, 413 and 422 entries carry the user of a valid token; an ingest has an
entry when it starts and one when it ends or fails; X-Purpose is UTF-8 text without control
characters; tokens never travel in (or get stored from) a URL; `audit list` prints no raw control
character.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_env import PURPOSE, ApiEnv, seeded_settings, start
from typer.testing import CliRunner

from api.audit import AuditLog
from graph_intel.cli import app as cli


def _last(env: ApiEnv, n: int = 1) -> list[dict]:
    return list(reversed(env.app.state.services.audit.query(limit=n)))


@pytest.fixture
def small(tmp_path: Path) -> Iterator[ApiEnv]:
    yield from start(
        seeded_settings(tmp_path / "small", max_body_bytes=2048, max_upload_bytes=4096)
    )


def test_a_chronology_names_the_child_and_everyone_in_it(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/chronology/C1", headers=env.headers("viewer"))
    assert r.status_code == 200 and "C1 seen with A1" in r.text
    assert _last(env)[0]["persons"] == ["case1:A1", "case1:C1"]


def test_a_network_page_names_every_person_it_draws(env: ApiEnv) -> None:
    r = env.client.get(
        "/api/v1/pages/network/person/C1", params={"hops": 3}, headers=env.headers("viewer")
    )
    assert r.status_code == 200
    drawn = set(re.findall(r"Person\|(case1:[A-Z0-9]+)", r.text))
    assert len(drawn) >= 2 and set(_last(env)[0]["persons"]) == drawn


def test_persons_are_one_form_and_found_by_bare_id(env: ApiEnv) -> None:
    env.client.get("/api/v1/show/person/case1:A2", headers=env.headers("viewer"))
    env.client.get("/api/v1/show/person/A2", headers=env.headers("viewer"))
    both = _last(env, 2)
    assert [e["persons"] for e in both] == [["case1:A2"], ["case1:A2"]]
    for person in ("A2", "case1:A2"):
        found = env.client.get(
            "/api/v1/admin/audit",
            params={"person": person, "limit": 2},
            headers=env.headers("admin"),
        ).json()
        assert [e["seq"] for e in found] == [e["seq"] for e in reversed(both)]
    assert (
        env.client.get(
            "/api/v1/admin/audit", params={"person": "other:A2"}, headers=env.headers("admin")
        ).json()
        == []
    )


def test_refusals_before_the_access_check_still_name_the_user(small: ApiEnv) -> None:
    env = small
    cases = [
        (env.client.get("/api/v1/nowhere", headers=env.headers("viewer")), 404),
        (env.client.post("/api/v1/stats", headers=env.headers("viewer")), 405),
        (
            env.client.post(
                "/api/v1/query",
                headers=env.headers("analyst"),
                json={"cypher": "RETURN 1", "params": {"x": "y" * 5000}},
            ),
            413,
        ),
        (
            env.client.get(
                "/api/v1/pages/network/person/C1",
                params={"hops": "many"},
                headers=env.headers("viewer"),
            ),
            422,
        ),
        (
            env.client.post(
                "/api/v1/query",
                headers=env.headers("analyst"),
                content=b"{not json",
            ),
            422,
        ),
    ]
    entries = _last(env, len(cases))
    for (response, status), entry in zip(cases, entries, strict=True):
        assert response.status_code == status, (status, response.text)
        assert entry["status"] == status and entry["who"] in ("viewer-user", "analyst-user"), entry
        assert entry["purpose"] == PURPOSE
    env.client.get(
        "/api/v1/nowhere", headers={"Authorization": "Bearer gi_not-a-real-token", "X-Purpose": "x"}
    )
    assert _last(env)[0]["who"] is None


def test_tokens_only_in_the_authorization_header_and_never_stored(fresh: ApiEnv) -> None:
    token = fresh.tokens["viewer"]
    for params in ({"token": token}, {"access_token": token}, {"q": token}):
        r = fresh.client.get("/api/v1/stats", params=params, headers={"X-Purpose": PURPOSE})
        assert r.status_code == 400 and "Authorization header" in r.json()["detail"]
        r = fresh.client.get("/api/v1/stats", params=params, headers=fresh.headers("viewer"))
        assert r.status_code == 400
        entry = _last(fresh)[0]
        assert entry["who"] == "viewer-user" and "[redacted]" in json.dumps(
            entry["params"]["query"]
        )
    fresh.app.state.services.audit.close()
    fresh.app.state.services.users.close()
    raw = b"".join(p.read_bytes() for p in fresh.settings.api_db_path().parent.glob("api.sqlite*"))
    assert token.encode() not in raw


def test_an_ingest_has_a_started_and_a_finished_entry(
    fresh: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = b"person_id,given_name,category\nZ9,Zed,suspect\n"
    r = fresh.client.post(
        "/api/v1/ingest",
        headers=fresh.headers("analyst"),
        files=[("files", ("persons.csv", csv, "text/csv"))],
        data={"dataset": "upload1"},
    )
    assert r.status_code == 200
    started, finished = _last(fresh, 2)
    assert (started["phase"], started["status"], finished["phase"], finished["status"]) == (
        "started",
        202,
        "finished",
        200,
    )
    assert started["who"] == finished["who"] == "analyst-user" and started["persons"] == [
        "upload1:Z9"
    ]
    assert started["seq"] + 1 == finished["seq"]

    import api.routes.ingest as route

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(route, "load", broken)
    r = fresh.client.post(
        "/api/v1/ingest",
        headers=fresh.headers("analyst"),
        files=[("files", ("persons.csv", csv, "text/csv"))],
        data={"dataset": "upload2"},
    )
    assert r.status_code == 500
    started, failed = _last(fresh, 2)
    assert (started["phase"], failed["phase"], failed["status"]) == ("started", "failed", 500)


@pytest.mark.parametrize(
    "purpose",
    [
        b"case review \x1b[2J",
        b"tab\there",
        b"del\x7f",
        "next line\u0085".encode(),
        "rtl \u202eevil".encode(),
        "zero\u200bwidth".encode(),
    ],
)
def test_control_characters_and_non_utf8_purposes_are_refused(env: ApiEnv, purpose: bytes) -> None:
    r = env.client.get(
        "/api/v1/stats", headers={**env.headers("viewer", purpose=None), "X-Purpose": purpose}
    )
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    entry = _last(env)[0]
    assert entry["status"] == 400 and entry["who"] == "viewer-user" and entry["purpose"] is None


def test_a_purpose_that_is_not_utf8_is_refused() -> None:
    """Latin-1 bytes as the server hands them over (the test client re-encodes header bytes itself)."""
    from fastapi import HTTPException

    from api.deps import purpose_text

    with pytest.raises(HTTPException) as refused:
        purpose_text(b"latin-1 \xe9t\xe9".decode("latin-1"), 300)
    assert refused.value.status_code == 400 and "UTF-8" in str(refused.value.detail)
    assert purpose_text("enquête été".encode().decode("latin-1"), 300) == "enquête été"


def test_utf8_purposes_are_stored_and_shown_as_written(env: ApiEnv) -> None:
    text = "enquête été · Zoë's strategy meeting — 東京"
    r = env.client.get(
        "/api/v1/stats", headers={**env.headers("viewer", purpose=None), "X-Purpose": text.encode()}
    )
    assert r.status_code == 200
    assert _last(env)[0]["purpose"] == text
    shown = env.client.get(
        "/api/v1/admin/audit", params={"limit": 2}, headers=env.headers("admin")
    ).json()
    assert shown[0]["purpose"] == text


def test_audit_list_never_prints_raw_control_characters(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    with AuditLog(db) as log:  # an entry written before purposes were checked, or by hand
        log.append(
            who="u",
            role="analyst",
            method="GET",
            route="/x",
            params={"q": "\x1b]0;pwned\x07"},
            persons=["d:C1"],
            purpose="clear \x1b[2J\u202eevil\x85 été",
            action="consultation",
            status=200,
        )
    result = CliRunner().invoke(cli, ["audit", "list", "--api-db", str(db)])
    assert result.exit_code == 0
    assert not any(c in result.stdout for c in "\x1b\x07\x85\u202e")
    entry = json.loads(result.stdout)[0]
    assert (
        entry["purpose"] == "clear \x1b[2J\u202eevil\x85 été"
        and entry["params"]["q"] == "\x1b]0;pwned\x07"
    )
    assert "été" in result.stdout


def test_the_access_log_never_has_a_query_string() -> None:
    import logging

    from api.middleware import QuerylessAccessLog

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "x",
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/api/v1/stats?token=gi_secretsecretsecretsecret", "1.1", 400),
        None,
    )
    assert QuerylessAccessLog().filter(record) and "gi_secret" not in record.getMessage()
    assert "/api/v1/stats" in record.getMessage()
