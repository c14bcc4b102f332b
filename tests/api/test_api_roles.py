"""The API refuses a CAWN pack with the roles wrong, with the reason (issue 14 item 2)."""

from __future__ import annotations

from api_env import ApiEnv


def test_pack_over_the_api_checks_roles(env: ApiEnv) -> None:
    ok = env.client.get("/api/v1/cawn/pack/A1/C1", headers=env.headers("analyst"))
    assert ok.status_code == 200, ok.text
    doc = ok.json()
    assert (doc["adult"], doc["child"]) == ("A1", "C1") and doc["pack"]["child"]["age"] == 13
    swapped = env.client.get("/api/v1/cawn/pack/C1/A1", headers=env.headers("analyst"))
    assert swapped.status_code == 422 and "swapped" in swapped.json()["detail"]
    adult = env.client.get("/api/v1/cawn/pack/A1/A2", headers=env.headers("analyst"))
    assert adult.status_code == 422 and "A2" in adult.json()["detail"]
    assert (
        env.client.get("/api/v1/cawn/pack/A1/C1", headers=env.headers("viewer")).status_code == 403
    )
