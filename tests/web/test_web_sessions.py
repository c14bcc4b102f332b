"""Sign-in, sessions, CSRF, timeouts, lock-out and the purpose of access, over HTTP (TestClient).

A real app over a real embedded store holding the demo case; users with argon2 passwords.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner
from web_env import CSRF, PASSWORD, PURPOSE, Hub, copy_store, settings_for, start

from api.audit import open_audit
from api.web.accounts import Passwords
from graph_intel.cli import app as cli_app


def _entries(hub: Hub) -> list[dict[str, object]]:
    with open_audit(hub.settings) as audit:
        return audit.query(limit=10_000)


def test_front_door_leads_to_sign_in(hub: Hub) -> None:
    r = hub.client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/hub/"
    r = hub.client.get("/hub/")
    assert r.status_code == 303 and r.headers["location"].startswith("/hub/sign-in?next=")
    page = hub.client.get(r.headers["location"])
    assert (
        page.status_code == 200 and 'name="password"' in page.text and 'name="purpose"' in page.text
    )


def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session(hub: Hub) -> None:
    r = hub.sign_in()
    assert r.status_code == 303 and r.headers["location"] == "/hub/"
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("gi_session=")
    )
    assert (
        "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
        and "Path=/hub" in cookie
    )
    assert "Secure" not in cookie  # plain HTTP on loopback; over TLS it is Secure (test below)
    sid = hub.client.cookies.get("gi_session")
    home = hub.client.get("/hub/")
    assert (
        home.status_code == 200 and "Children on the CSE matrix" in home.text and "C1" in home.text
    )
    token = CSRF.search(home.text).group(1)  # type: ignore[union-attr]
    out = hub.client.post("/hub/sign-out", data={"csrf": token})
    assert out.status_code == 303 and "signed out" in out.headers["location"].lower().replace(
        "%20", " "
    )
    assert hub.client.get("/hub/").status_code == 303
    hub.client.cookies.set("gi_session", sid or "", path="/hub")  # the old id is dead for good
    assert hub.client.get("/hub/").status_code == 303


def test_cookie_is_secure_over_tls(hub: Hub) -> None:
    token = hub.csrf("/hub/sign-in")
    r = hub.client.post(
        "/hub/sign-in",
        headers={"x-forwarded-proto": "https"},
        data={"username": "analyst-user", "password": PASSWORD, "purpose": PURPOSE, "csrf": token},
    )
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("gi_session=")
    )
    assert "Secure" in cookie


def test_wrong_password_is_refused_and_audited(hub: Hub) -> None:
    r = hub.sign_in(password="not the password at all")
    assert r.status_code == 401 and "name or password is wrong" in r.text
    assert "gi_session" not in hub.client.cookies
    assert hub.client.get("/hub/").status_code == 303
    refused = [e for e in _entries(hub) if e["route"] == "/hub/sign-in" and e["method"] == "POST"]
    assert refused and refused[0]["status"] == 401 and refused[0]["who"] == "analyst-user"
    assert refused[0]["params"]["refused"] == "wrong name or password"  # type: ignore[index]
    assert refused[0]["purpose"] == PURPOSE


def test_unknown_user_and_revoked_user_are_refused(hub: Hub) -> None:
    token = hub.csrf("/hub/sign-in")
    r = hub.client.post(
        "/hub/sign-in",
        data={"username": "nobody", "password": PASSWORD, "purpose": PURPOSE, "csrf": token},
    )
    assert r.status_code == 401
    assert hub.sign_in().status_code == 303
    from api.users import UserStore

    with UserStore(hub.settings.api_db_path()) as users:
        users.revoke("analyst-user")
    assert hub.client.get("/hub/").status_code == 303  # the live session ends with the user
    assert hub.sign_in().status_code == 401


def test_repeated_failures_lock_the_account(demo_store: Path, tmp_path: Path) -> None:
    for hub in start(
        settings_for(
            copy_store(demo_store, tmp_path),
            tmp_path,
            login_max_failures=3,
            login_lockout_seconds=600,
        )
    ):
        for _ in range(2):
            assert hub.sign_in(password="wrong wrong wrong").status_code == 401
        third = hub.sign_in(password="wrong wrong wrong")
        assert third.status_code == 401 and "locked" in third.text
        right = hub.sign_in()  # the right password, while locked, is refused too
        assert right.status_code == 401 and "locked" in right.text
        assert hub.sign_in("viewer").status_code == 303  # other accounts are not affected


def test_idle_and_absolute_timeouts_end_the_session(demo_store: Path, tmp_path: Path) -> None:
    for hub in start(
        settings_for(copy_store(demo_store, tmp_path), tmp_path, session_idle_seconds=1.0)
    ):
        assert hub.sign_in().status_code == 303
        assert hub.client.get("/hub/search").status_code == 200
        time.sleep(1.3)
        assert hub.client.get("/hub/search").status_code == 303
    other = tmp_path / "absolute"
    other.mkdir()
    for hub in start(
        settings_for(copy_store(demo_store, other), other, session_absolute_seconds=1.5)
    ):
        assert hub.sign_in().status_code == 303
        for _ in range(3):  # kept busy, it still ends at the absolute limit
            time.sleep(0.4)
            hub.client.get("/hub/search")
        time.sleep(0.6)
        assert hub.client.get("/hub/search").status_code == 303


def test_every_form_needs_its_csrf_token(hub: Hub) -> None:
    token = hub.csrf("/hub/sign-in")
    no_token = hub.client.post(
        "/hub/sign-in", data={"username": "analyst-user", "password": PASSWORD, "purpose": PURPOSE}
    )
    assert no_token.status_code == 403
    wrong = hub.client.post(
        "/hub/sign-in",
        data={
            "username": "analyst-user",
            "password": PASSWORD,
            "purpose": PURPOSE,
            "csrf": token + "x",
        },
    )
    assert wrong.status_code == 403 and "gi_session" not in hub.client.cookies
    assert hub.sign_in().status_code == 303
    assert hub.client.post("/hub/sign-out", data={}).status_code == 403
    assert hub.client.post("/hub/sign-out", data={"csrf": "forged"}).status_code == 403
    rag = hub.client.post(
        "/hub/child/C1/rag",
        data={"rag": "red", "review": "2030-01-01", "reason": "x", "csrf": "forged"},
    )
    assert rag.status_code == 403
    assert hub.client.post("/hub/child/C1/purpose", data={"purpose": "x"}).status_code == 403
    assert hub.client.get("/hub/").status_code == 200  # still signed in: nothing was done
    refused = [e for e in _entries(hub) if e["status"] == 403]
    assert refused and all(e["params"].get("refused") for e in refused)  # type: ignore[union-attr]


def test_a_form_post_without_a_session_is_refused_before_its_body_is_read(hub: Hub) -> None:
    big = b"x" * (2 * 1024 * 1024)
    r = hub.client.post(
        "/hub/load",
        files={"files": ("persons.csv", big, "text/csv")},
        data={"dataset": "d", "csrf": "x"},
    )
    assert r.status_code == 403 and "sign in" in r.json()["detail"]


def test_the_purpose_is_asked_when_a_childs_record_is_opened(hub: Hub) -> None:
    hub.sign_in()
    ask = hub.client.get("/hub/child/C1")
    assert (
        ask.status_code == 200 and "Purpose of access" in ask.text and "Brackenfold" not in ask.text
    )
    token = CSRF.search(ask.text).group(1)  # type: ignore[union-attr]
    blank = hub.client.post("/hub/child/C1/purpose", data={"purpose": "   ", "csrf": token})
    assert blank.status_code == 400
    hub.client.post(
        "/hub/child/C1/purpose", data={"purpose": "section 47 enquiry for C1", "csrf": token}
    )
    page = hub.client.get("/hub/child/C1")
    assert page.status_code == 200 and "section 47 enquiry for C1" in page.text
    opened = [
        e
        for e in _entries(hub)
        if e["route"] == "/hub/child/{person}"
        and e["status"] == 200
        and e["purpose"] == "section 47 enquiry for C1"
    ]
    assert opened and "demo-data:C1" in opened[0]["persons"]  # type: ignore[operator]
    assert opened[0]["who"] == "analyst-user" and opened[0]["action"] == "disclosure"


def test_users_add_with_a_password_prompts_for_it(tmp_path: Path) -> None:
    db = tmp_path / "api.sqlite"
    runner = CliRunner()
    done = runner.invoke(
        cli_app,
        ["users", "add", "sam", "--role", "viewer", "--password", "--api-db", str(db)],
        input="a long enough secret\na long enough secret\n",
    )
    assert done.exit_code == 0, done.output
    assert (
        json.loads(done.stdout.splitlines()[-1])["password"] == "set"
        and "a long enough secret" not in done.stdout
    )
    with Passwords(db) as passwords:
        assert passwords.check("sam", "a long enough secret").user is not None
        assert passwords.check("sam", "something else entirely").user is None
    short = runner.invoke(
        cli_app,
        ["users", "add", "kim", "--role", "viewer", "--password", "--api-db", str(db)],
        input="short\nshort\n",
    )
    assert short.exit_code == 2 and "shorter than" in short.output
    with Passwords(db) as passwords:
        stored = passwords._conn.execute(
            "SELECT hash FROM web_passwords WHERE name = 'sam'"
        ).fetchone()[0]
    assert stored.startswith("$argon2id$")
