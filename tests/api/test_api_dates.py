"""API date query parameters are read by the CLI's one parser: ISO or UK day-first, else 422 with why."""

from __future__ import annotations

import pytest
from api_env import ApiEnv

ROUTES = [
    ("/api/v1/missing-triggers", "as_of"),
    ("/api/v1/cawn/eligible", "on"),
    ("/api/v1/cawn/candidates", "on"),
    ("/api/v1/matrix/list", "as_of"),
    ("/api/v1/briefing/2011-01-01", "as_of"),
]


def _params(route: str, name: str, value: str) -> dict[str, str]:
    return {name: value}


@pytest.mark.parametrize(("route", "name"), ROUTES)
def test_day_first_and_iso_answer_alike(env: ApiEnv, route: str, name: str) -> None:
    iso = env.client.get(
        route, params=_params(route, name, "2011-07-08"), headers=env.headers("analyst")
    )
    uk = env.client.get(
        route, params=_params(route, name, "08/07/2011"), headers=env.headers("analyst")
    )
    assert iso.status_code == 200 and uk.status_code == 200
    assert iso.json() == uk.json()


@pytest.mark.parametrize(("route", "name"), ROUTES)
@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("07/31/2011", "31 is not a month"),
        ("08/07/11", "ambiguous"),
        ("junk", "not a date"),
        ("31/02/2011", "no day 31"),
    ],
)
def test_bad_dates_are_422_with_the_reason(
    env: ApiEnv, route: str, name: str, value: str, why: str
) -> None:
    r = env.client.get(route, params=_params(route, name, value), headers=env.headers("analyst"))
    assert r.status_code == 422
    assert why in r.json()["detail"]


def test_network_page_dates_too(env: ApiEnv) -> None:
    r = env.client.get(
        "/api/v1/pages/network/person/A1",
        params={"since": "07/31/2011"},
        headers=env.headers("analyst"),
    )
    assert r.status_code == 422 and "31 is not a month" in r.json()["detail"]


@pytest.mark.parametrize("route", ["/api/v1/changes/{}", "/api/v1/briefing/{}"])
def test_path_dates(env: ApiEnv, route: str) -> None:
    """A date in a path cannot hold '/': 08-07-2011 is read day first as well."""
    iso = env.client.get(route.format("2011-07-08"), headers=env.headers("analyst"))
    uk = env.client.get(route.format("08-07-2011"), headers=env.headers("analyst"))
    assert iso.status_code == 200 and iso.json() == uk.json()
    bad = env.client.get(route.format("07-31-2011"), headers=env.headers("analyst"))
    assert bad.status_code == 422 and "31 is not a month" in bad.json()["detail"]
