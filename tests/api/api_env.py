"""The service under test: a real embedded store seeded with the small dataset, a user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from canonical_fixtures import write_dataset
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.users import ROLES, UserStore
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

PURPOSE = "op-test: strategy meeting preparation"


@dataclass
class ApiEnv:
    """A running app with its client, settings and one token per role."""

    app: FastAPI
    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def headers(self, role: str | None, purpose: str | None = PURPOSE) -> dict[str, str]:
        """Headers for a request as `role` (None: no token) with a purpose (None: without)."""
        out: dict[str, str] = {}
        if role is not None:
            out["Authorization"] = f"Bearer {self.tokens[role]}"
        if purpose is not None:
            out["X-Purpose"] = purpose
        return out


def seeded_settings(root: Path, **overrides: object) -> Settings:
    """Settings over a fresh embedded store holding the small dataset (ingested as case1)."""
    store_dir = root / "store"
    store = open_store(store_dir)
    try:
        ingest(store, write_dataset(root / "case1"), dataset="case1", quarantine_file=root / "q.csv")
    finally:
        store.close()
    return Settings(store=store_dir, api_db=root / "api.sqlite", **overrides)  # type: ignore[arg-type]


def start(settings: Settings, raise_server_exceptions: bool = False) -> Iterator[ApiEnv]:
    """Users for every role, the app, and a client with the lifespan running."""
    users = UserStore(settings.api_db_path())
    tokens = {role: users.add(f"{role}-user", role) for role in ROLES}
    users.close()
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
        yield ApiEnv(app=app, client=client, settings=settings, tokens=tokens)
