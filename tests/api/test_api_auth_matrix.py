"""Every route's access rule, generated from the app's own routes: no token, then each role.

A route added without a rule fails `test_every_route_has_a_rule`, and is refused at run time.
"""

from __future__ import annotations

from typing import Any

from api_cases import call
from api_env import ApiEnv
from fastapi.routing import APIRoute

from api.app import iter_routes
from api.deps import LEAST_ROLE, PUBLIC, ROLES_KEY
from api.users import ROLES
from graph_intel.commands import load_all

#: The matrix as designed, for the routes that exist today (registry routes are checked below too).
EXPECTED = {
    ("GET", "/health"): {PUBLIC},
    ("GET", "/api/v1/stats"): {"viewer", "analyst"},
    ("GET", "/api/v1/show/{kind}/{ident}"): {"viewer", "analyst"},
    ("POST", "/api/v1/ingest"): {"analyst"},
    ("GET", "/api/v1/jobs/{job_id}"): {"analyst"},
    ("POST", "/api/v1/query"): {"analyst"},
    ("GET", "/api/v1/admin/users"): {"admin"},
    ("POST", "/api/v1/admin/users"): {"admin"},
    ("DELETE", "/api/v1/admin/users/{name}"): {"admin"},
    ("GET", "/api/v1/admin/audit"): {"admin"},
    ("GET", "/api/v1/admin/audit/verify"): {"admin"},
    ("GET", "/api/v1/admin/cache"): {"admin"},
    ("GET", "/api/v1/admin/hub"): {"admin"},
    ("GET", "/api/v1/openapi.json"): {"viewer", "analyst", "admin"},
    ("GET", "/api/v1/pages/network/{kind}/{ident}"): {"viewer", "analyst"},
}


def _operations(env: ApiEnv) -> list[tuple[str, APIRoute]]:
    return [
        (m, r) for r in iter_routes(env.app) if isinstance(r, APIRoute) for m in sorted(r.methods)
    ]


def _roles(route: APIRoute) -> set[str]:
    return set((route.openapi_extra or {}).get(ROLES_KEY) or [])


def test_every_route_has_a_rule(env: ApiEnv) -> None:
    """Deny by default: a route without an explicit rule is a test failure."""
    missing = [f"{m} {r.path}" for m, r in _operations(env) if not _roles(r)]
    assert not missing, f"routes without an access rule: {missing}"


def test_known_routes_have_the_designed_rule(env: ApiEnv) -> None:
    """The matrix as designed (admin manages users and audit only; viewers read, no ingest/query)."""
    ops = {(m, r.path): _roles(r) for m, r in _operations(env)}
    for key, roles in EXPECTED.items():
        if key in ops:
            assert ops[key] == roles, key
    for key in [
        ("GET", "/api/v1/stats"),
        ("GET", "/api/v1/show/{kind}/{ident}"),
        ("POST", "/api/v1/ingest"),
    ]:
        assert key in ops


def test_registry_routes_follow_the_command_role(env: ApiEnv) -> None:
    """Every registered read command is a GET route whose roles come from the command's least role."""
    ops = {r.path: r for m, r in _operations(env) if m == "GET"}
    for words, command in load_all().items():
        if "out" in command.func.__code__.co_varnames[: command.func.__code__.co_argcount]:
            continue  # commands that write files are CLI-only
        matches = [
            p
            for p in ops
            if p == "/api/v1/" + "/".join(words)
            or p.startswith("/api/v1/" + "/".join(words) + "/{")
        ]
        assert matches, f"no route for read command {' '.join(words)}"
        assert _roles(ops[matches[0]]) == set(LEAST_ROLE[command.role])


def test_matrix_for_every_route(env: ApiEnv) -> None:
    """No token -> 401 with WWW-Authenticate; each role -> allowed (not 401/403) or 403."""
    failures: list[str] = []
    for method, route in _operations(env):
        roles = _roles(route)
        response: Any = call(env.client, route, method, env.headers(None))
        if roles == {PUBLIC}:
            if response.status_code != 200:
                failures.append(f"{method} {route.path} public -> {response.status_code}")
            continue
        if (
            response.status_code != 401
            or "bearer" not in response.headers.get("www-authenticate", "").lower()
        ):
            failures.append(f"{method} {route.path} no token -> {response.status_code}")
        for role in ROLES:
            response = call(env.client, route, method, env.headers(role))
            allowed = role in roles
            ok = (
                response.status_code not in (401, 403) and response.status_code < 500
                if allowed
                else response.status_code == 403
            )
            if not ok:
                failures.append(
                    f"{method} {route.path} as {role} -> {response.status_code} {response.text[:120]}"
                )
    assert not failures, "\n".join(failures)


def test_bad_token_and_missing_purpose(env: ApiEnv) -> None:
    """A wrong or malformed token is 401; a valid token without X-Purpose is 400."""
    for header in ("Bearer nope", "Basic abc", "Bearer ", env.tokens["analyst"]):
        r = env.client.get("/api/v1/stats", headers={"Authorization": header, "X-Purpose": "x"})
        assert r.status_code == 401, header
    r = env.client.get("/api/v1/stats", headers=env.headers("analyst", purpose=None))
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    r = env.client.get("/api/v1/stats", headers=env.headers("analyst", purpose="   "))
    assert r.status_code == 400
    r = env.client.get("/api/v1/stats", headers=env.headers("analyst", purpose="x" * 301))
    assert r.status_code == 400


def test_route_without_a_rule_is_refused(fresh: ApiEnv) -> None:
    """Deny by default at run time: a route added with no rule is 403 for every role."""

    @fresh.app.get("/api/v1/unruled")
    def unruled() -> dict[str, str]:
        return {"secret": "should not be seen"}

    for role in ROLES:
        r = fresh.client.get("/api/v1/unruled", headers=fresh.headers(role))
        assert r.status_code == 403 and "secret" not in r.text
    assert fresh.client.get("/api/v1/unruled").status_code == 401


def test_revoked_token_is_refused(fresh: ApiEnv) -> None:
    """Revoking a user (admin route) makes its token fail with 401 at once."""
    assert fresh.client.get("/api/v1/stats", headers=fresh.headers("viewer")).status_code == 200
    r = fresh.client.delete("/api/v1/admin/users/viewer-user", headers=fresh.headers("admin"))
    assert r.status_code == 200
    assert fresh.client.get("/api/v1/stats", headers=fresh.headers("viewer")).status_code == 401
