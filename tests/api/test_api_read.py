"""Read routes give the CLI's JSON: stats and show explicitly, and every registered command."""

from __future__ import annotations

import json

from api_cases import concrete_path
from api_env import ApiEnv
from fastapi.routing import APIRoute

from api.app import iter_routes
from graph_intel.commands import load_all, to_json
from graph_intel.inspect import show_entity, stats


def _same_json(data: object) -> object:
    return json.loads(to_json(data))


def test_stats_is_the_cli_json(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/stats", headers=env.headers("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == _same_json(stats(env.app.state.services.store))
    assert r.json()["persons"] == 3


def test_show_is_the_cli_json(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/show/person/C1", headers=env.headers("viewer"))
    assert r.status_code == 200
    assert r.json() == _same_json(show_entity(env.app.state.services.store, "person", "C1"))
    assert r.json()["kind"] == "person" and r.json()["id"] == "C1"
    phone = env.client.get("/api/v1/show/phone/07700 900123", headers=env.headers("analyst"))
    assert phone.status_code == 200 and phone.json()["id"] == "+447700900123"


def test_unknown_entity_is_404_and_bad_kind_is_not_500(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/show/person/NOBODY", headers=env.headers("viewer"))
    assert r.status_code == 404 and "NOBODY" in r.json()["detail"]
    r = env.client.get("/api/v1/show/spaceship/C1", headers=env.headers("viewer"))
    assert r.status_code in (400, 404)


def test_ambiguous_id_is_400_naming_the_choices(fresh: ApiEnv) -> None:
    csv = b"person_id,given_name,category\nC1,Other,child\n"
    r = fresh.client.post(
        "/api/v1/ingest",
        headers=fresh.headers("analyst"),
        files=[("files", ("persons.csv", csv, "text/csv"))],
        data={"dataset": "case2"},
    )
    assert r.status_code == 200, r.text
    r = fresh.client.get("/api/v1/show/person/C1", headers=fresh.headers("viewer"))
    assert (
        r.status_code == 400
        and "case1:C1" in r.json()["detail"]
        and "case2:C1" in r.json()["detail"]
    )
    assert (
        fresh.client.get(
            "/api/v1/show/person/case2:C1", headers=fresh.headers("viewer")
        ).status_code
        == 200
    )


def test_every_registered_command_answers_without_a_server_error(env: ApiEnv) -> None:
    """Iterate the whole registry: each route answers 200 (or a 4xx the user can act on), never 5xx."""
    routes = {r.path: r for r in iter_routes(env.app) if isinstance(r, APIRoute)}
    served = 0
    for words in load_all():
        base = "/api/v1/" + "/".join(words)
        for path, route in routes.items():
            if path == base or path.startswith(base + "/{"):
                r = env.client.get(concrete_path(route), headers=env.headers("analyst"))
                assert r.status_code < 500, f"{path}: {r.status_code} {r.text[:200]}"
                if r.status_code == 200:
                    json.loads(r.text)
                served += 1
    assert served >= 2


def test_openapi_documents_every_route(env: ApiEnv) -> None:
    doc = env.client.get("/api/v1/openapi.json", headers=env.headers("viewer")).json()
    for route in iter_routes(env.app):
        if isinstance(route, APIRoute) and route.include_in_schema:
            assert route.path in doc["paths"], route.path
    show = doc["paths"]["/api/v1/show/{kind}/{ident}"]["get"]
    assert show["security"] == [{"bearer": []}] and show["x-roles"] == ["viewer", "analyst"]
    assert any(p["name"] == "X-Purpose" and p["required"] for p in show["parameters"])
    assert "security" not in doc["paths"]["/health"]["get"]


def test_network_page_is_offline_html_for_viewers(env: ApiEnv) -> None:
    resp = env.client.get("/api/v1/pages/network/person/A1?hops=1", headers=env.headers("viewer"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in resp.headers["content-security-policy"]
    body = resp.text
    assert "<script src=" not in body and "https://" not in body.split("<script", 1)[0]
    assert (
        env.client.get(
            "/api/v1/pages/network/person/NOBODY", headers=env.headers("viewer")
        ).status_code
        == 404
    )
    assert (
        env.client.get(
            "/api/v1/pages/network/person/A1?min_grade=9Z", headers=env.headers("viewer")
        ).status_code
        == 400
    )


def test_network_page_with_an_unknown_link_kind_is_400(env: ApiEnv) -> None:
    resp = env.client.get(
        "/api/v1/pages/network/person/A1?links=%14", headers=env.headers("viewer")
    )
    assert resp.status_code == 400


def test_cached_answers_never_outlive_a_write(fresh: ApiEnv) -> None:
    h = fresh.headers("analyst")
    before = fresh.client.get("/api/v1/stats", headers=h).json()
    assert (
        fresh.client.get("/api/v1/stats", headers=h).json() == before
    )  # served again, same answer
    files = [("files", ("persons.csv", b"person_id,category\nNEW1,child\n", "text/csv"))]
    resp = fresh.client.post("/api/v1/ingest", headers=h, files=files, data={"dataset": "upload1"})
    assert resp.status_code == 200, resp.text
    after = fresh.client.get("/api/v1/stats", headers=h).json()
    assert after["persons"] == before["persons"] + 1
