"""The hub under test: the demo case in a real embedded store, users with passwords, a real app.

`demo_store` is built once per test session (the synthetic demo case, ingested by the real
loader), and copied for each module that writes. Users: one per role, each with a password.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.users import ROLES, UserStore
from api.web.accounts import Passwords
from graph_intel.demo import write_demo
from graph_intel.ingest import ingest
from graph_intel.safeguarding.matrix import set_status
from graph_intel.stores import open_store

PASSWORD = "correct horse battery staple"
PURPOSE = "hub meeting preparation, op test"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_demo_store(root: Path) -> Path:
    """The demo case ingested into a new embedded store at root/store, with C1 amber on the matrix."""
    data = write_demo(root / "demo-data")
    store_dir = root / "store"
    store = open_store(store_dir, create=True)
    try:
        ingest(store, data, dataset="demo-data", quarantine_dir=root / "quarantine")
        set_status(
            store,
            "C1",
            "amber",
            by="seed-analyst",
            review="2030-01-01",
            reason="seeded for the hub tests",
        )
    finally:
        store.close()
    return store_dir


def copy_store(store_dir: Path, root: Path) -> Path:
    """A private copy of a built store (for tests that write)."""
    target = root / "store"
    shutil.copytree(store_dir, target)
    return target


def settings_for(store_dir: Path, root: Path, **overrides: object) -> Settings:
    """Settings over a store, the service database in root, a user with a password per role.

    The hub's preparer (api.web.prepare) is off unless a test turns it on (`hub_prepare=True`):
    test_web_prepare and the browser tests do; in the others it would only compete with each
    test's requests for the machine's two cores (every page is then made when first asked for)."""
    overrides.setdefault("hub_prepare", False)
    settings = Settings(store=store_dir, api_db=root / "api.sqlite", **overrides)  # type: ignore[arg-type]
    with UserStore(settings.api_db_path()) as users:
        for role in ROLES:
            users.add(f"{role}-user", role)
    with Passwords(settings.api_db_path()) as passwords:
        for role in ROLES:
            passwords.set(f"{role}-user", PASSWORD)
    return settings


@dataclass
class Hub:
    """A running app and a browser-like client (cookies kept, redirects not followed)."""

    app: FastAPI
    client: TestClient
    settings: Settings

    def csrf(self, path: str) -> str:
        """The CSRF token of the first form on a page."""
        page = self.client.get(path)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path}: {page.status_code} {page.text[:300]}"
        return found.group(1)

    def sign_in(
        self, role: str = "analyst", password: str = PASSWORD, purpose: str = PURPOSE
    ) -> object:
        token = self.csrf("/hub/sign-in")
        return self.client.post(
            "/hub/sign-in",
            data={
                "username": f"{role}-user",
                "password": password,
                "purpose": purpose,
                "csrf": token,
                "next": "/hub/",
            },
        )

    def open_child(self, child: str = "C1", purpose: str = "strategy meeting for C1") -> object:
        page = self.client.get(f"/hub/child/{child}")
        found = CSRF.search(page.text)
        assert found, page.text[:300]
        self.client.post(
            f"/hub/child/{child}/purpose", data={"purpose": purpose, "csrf": found.group(1)}
        )
        return self.client.get(f"/hub/child/{child}")


def start(settings: Settings) -> Iterator[Hub]:
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        yield Hub(app, client, settings)
