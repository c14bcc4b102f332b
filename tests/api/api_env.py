"""The service under test: a real embedded store seeded with the small dataset, a user per role."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from canonical_fixtures import write_dataset
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.users import ROLES, UserStore
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

PURPOSE = "op-test: strategy meeting preparation"
#: The real command, run as its own process.
CLI = [sys.executable, "-m", "graph_intel"]


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
        ingest(
            store, write_dataset(root / "case1"), dataset="case1", quarantine_file=root / "q.csv"
        )
    finally:
        store.close()
    overrides.setdefault(
        "hub_prepare", False
    )  # the hub's preparer has tests of its own (tests/web)
    return Settings(store=store_dir, api_db=root / "api.sqlite", **overrides)  # type: ignore[arg-type]


def start(settings: Settings, raise_server_exceptions: bool = False) -> Iterator[ApiEnv]:
    """Users for every role, the app, and a client with the lifespan running."""
    users = UserStore(settings.api_db_path())
    tokens = {role: users.add(f"{role}-user", role) for role in ROLES}
    users.close()
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
        yield ApiEnv(app=app, client=client, settings=settings, tokens=tokens)


def persons_csv(n: int, prefix: str = "P") -> bytes:
    """A canonical persons.csv of `n` adults with ids `prefix0`... (an upload big or small)."""
    rows = [
        f"{prefix}{i},Given{i % 97},Family{i % 89},1980-01-0{1 + i % 9},associate" for i in range(n)
    ]
    return (
        "person_id,given_name,family_name,date_of_birth,category\n" + "\n".join(rows) + "\n"
    ).encode()


def free_port() -> int:
    """A loopback port nobody is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    store: Path,
    stderr: int | IO[bytes] | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`graph-intel serve` over `store` in its own process on a free loopback port, with its base URL,
    once it answers /health; killed at the end if the test has not stopped it. `env`: settings
    (GRAPH_INTEL_* variables) the server is given beside this process's environment."""
    base = f"http://127.0.0.1:{free_port()}"
    port = base.rsplit(":", 1)[1]
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", port, "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={**os.environ, **env} if env is not None else None,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server never answered /health")
        yield server, base
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
