"""The hub's first pages are prepared after the service starts and after every write
(api.web.prepare): the first person to open them is served what was prepared, for their role,
and never a page from before a write."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_env import CSRF, Hub, copy_store, settings_for, start

from api.users import UserStore


def _admin(hub: Hub) -> dict[str, str]:
    with UserStore(hub.settings.api_db_path()) as users:
        token = users.add(f"prep-admin-{time.monotonic_ns()}", "admin")
    return {"Authorization": f"Bearer {token}", "X-Purpose": "service check"}


def _ready(hub: Hub, admin: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    """The preparer's status once the pages of the store as it is now are ready."""
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = hub.client.get("/api/v1/admin/hub", headers=admin).json()
        if status.get("ready") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def _kept(hub: Hub, admin: dict[str, str]) -> int:
    return int(hub.client.get("/api/v1/admin/cache", headers=admin).json()["answers"])


@pytest.fixture
def hub(demo_store: Path, tmp_path: Path) -> Iterator[Hub]:
    """A hub that prepares its first pages, as the service does by default."""
    yield from start(settings_for(copy_store(demo_store, tmp_path), tmp_path, hub_prepare=True))


@pytest.fixture
def unprepared(demo_store: Path, tmp_path: Path) -> Iterator[Hub]:
    """A hub that prepares nothing (GRAPH_INTEL_HUB_PREPARE=false)."""
    yield from start(settings_for(copy_store(demo_store, tmp_path), tmp_path, hub_prepare=False))


def test_first_pages_are_prepared_for_each_role_and_served_as_prepared(hub: Hub) -> None:
    admin = _admin(hub)
    status = _ready(hub, admin)
    # home, briefing and group list, and the page of each child on the matrix, for both roles
    assert status["prepare"] and status["ready"], status
    assert status["pages"] >= 8 and status["seconds"] is not None
    kept = _kept(hub, admin)
    for role in ("analyst", "viewer"):
        hub.sign_in(role)
        assert hub.client.get("/hub/").status_code == 200
        page = hub.open_child()
        assert page.status_code == 200  # type: ignore[attr-defined]
        assert hub.client.get("/hub/briefing").status_code == 200
        assert hub.client.get("/hub/groups").status_code == 200
        hub.client.post("/hub/sign-out", data={"csrf": hub.csrf("/hub/")})
    # nothing was computed for them: every page came from what was prepared
    assert _kept(hub, admin) == kept


def test_a_write_is_never_hidden_by_a_prepared_page(hub: Hub) -> None:
    admin = _admin(hub)
    assert _ready(hub, admin)["ready"]
    hub.sign_in()
    token = CSRF.search(hub.open_child().text).group(1)  # type: ignore[attr-defined, union-attr]
    done = hub.client.post(
        "/hub/child/C1/rag",
        data={"rag": "red", "review": "2030-02-01", "reason": "new adult", "csrf": token},
    )
    assert done.status_code == 303
    # at once, before the pages are prepared again: the write is on the page
    assert "rag-red" in hub.client.get("/hub/").text
    again = _ready(hub, admin)
    assert again["ready"], again  # prepared again for the store as it is now
    assert "rag-red" in hub.client.get("/hub/").text
    assert "new adult" in hub.client.get("/hub/child/C1").text


def test_a_hub_told_not_to_prepare_computes_each_page_when_asked(unprepared: Hub) -> None:
    admin = _admin(unprepared)
    status = unprepared.client.get("/api/v1/admin/hub", headers=admin).json()
    assert status == {"prepare": False, "ready": False, "seconds": None, "pages": 0}
    kept = _kept(unprepared, admin)
    unprepared.sign_in()
    assert unprepared.open_child().status_code == 200  # type: ignore[attr-defined]
    assert _kept(unprepared, admin) > kept


def test_only_an_admin_reads_whether_the_pages_are_prepared(hub: Hub) -> None:
    with UserStore(hub.settings.api_db_path()) as users:
        analyst = users.add("prep-analyst", "analyst")
    refused = hub.client.get(
        "/api/v1/admin/hub", headers={"Authorization": f"Bearer {analyst}", "X-Purpose": "look"}
    )
    assert refused.status_code == 403
    assert hub.client.get("/api/v1/admin/hub").status_code == 401
