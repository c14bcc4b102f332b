"""The answer cache is sized in bytes (GRAPH_INTEL_ANSWER_CACHE_BYTES), on the real server.

`graph-intel serve` runs in its own process on loopback with a small budget; more different
questions are asked than fit in it. The cache then holds no more bytes than the budget (the
admins' `GET /api/v1/admin/cache` says so), the answers first asked were dropped, and every
answer asked again, dropped or kept, is the same as the first time.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from api_env import persons_csv, seeded_settings, serving

from api.users import UserStore
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

BUDGET = 8 * 1024
PERSONS = 30


def test_answers_are_dropped_once_over_the_byte_budget_and_stay_right(tmp_path: Path) -> None:
    settings = seeded_settings(tmp_path)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "persons.csv").write_bytes(persons_csv(PERSONS, "P"))
    with open_store(settings.store) as store:
        ingest(store, folder, dataset="more", quarantine_file=tmp_path / "q2.csv")
    users = UserStore(settings.store / "api.sqlite")
    analyst, admin = users.add("reader", "analyst"), users.add("keeper", "admin")
    users.close()
    purpose = {"X-Purpose": "cache test"}
    reader = {"Authorization": f"Bearer {analyst}", **purpose}
    keeper = {"Authorization": f"Bearer {admin}", **purpose}
    # the hub's prepared pages (api.web.prepare) would share the budget: this counts API answers only
    env = {"GRAPH_INTEL_ANSWER_CACHE_BYTES": str(BUDGET), "GRAPH_INTEL_HUB_PREPARE": "false"}
    with serving(settings.store, env=env) as (_, base):

        def show(i: int) -> bytes:
            r = httpx.get(f"{base}/api/v1/show/person/P{i}", headers=reader, timeout=60)
            assert r.status_code == 200, r.text
            assert r.json()["id"] == f"P{i}"
            return r.content

        def stats() -> dict[str, int]:
            r = httpx.get(f"{base}/api/v1/admin/cache", headers=keeper, timeout=30)
            assert r.status_code == 200, r.text
            return dict(r.json())

        assert stats() == {"answers": 0, "bytes": 0, "max_bytes": BUDGET, "evicted": 0}
        first = [show(i) for i in range(PERSONS)]
        full = stats()
        assert 0 < full["answers"] < PERSONS, full  # some kept, not all
        assert 0 < full["bytes"] <= BUDGET, full
        assert full["evicted"] == PERSONS - full["answers"], full
        assert show(PERSONS - 1) == first[-1]  # the last asked is kept: a hit, the same answer
        assert stats()["evicted"] == full["evicted"]
        assert show(0) == first[0]  # the first asked was dropped: computed again, the same answer
        again = stats()
        assert again["evicted"] == full["evicted"] + 1 and again["bytes"] <= BUDGET, again
        denied = httpx.get(f"{base}/api/v1/admin/cache", headers=reader, timeout=30)
        assert denied.status_code == 403  # the counts are the admins' alone
