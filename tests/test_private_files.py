"""Files graph-intel writes are its owner's only (0600, folders 0700), whatever the caller's umask.

The real commands run in a shell whose umask is 022 (world-readable by default): ingest (store and
quarantine), users add (users and audit database), a request to the service (audit checkpoints and
key), export and a network page; then every file and folder they made is checked.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from canonical_fixtures import write_dataset

BIN = Path(sys.executable).parent


def _run(*args: str, cwd: Path) -> None:
    command = "umask 022; " + " ".join(f"'{a}'" for a in args)
    done = subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode in (0, 1), (args, done.stdout[-500:], done.stderr[-2000:])


SERVICE = """
from fastapi.testclient import TestClient
from api.app import create_app
from api.settings import Settings
from api.users import UserStore
settings = Settings(store="store")
with UserStore(settings.api_db_path()) as users:
    token = users.add("reader", "viewer")
with TestClient(create_app(settings)) as client:
    assert client.get("/api/v1/stats", headers={"Authorization": "Bearer " + token, "X-Purpose": "mode test"}).status_code == 200
"""


def test_every_file_written_is_private(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "case1")
    gi = str(BIN / "graph-intel")
    _run(gi, "ingest", str(data), "--dataset", "case1", "--store", "store", cwd=tmp_path)
    _run(gi, "users", "add", "boss", "--role", "admin", "--store", "store", cwd=tmp_path)
    _run(str(BIN / "python"), "-c", SERVICE, cwd=tmp_path)
    _run(gi, "export", "out", "--store", "store", cwd=tmp_path)
    _run(gi, "network", "person", "C1", "--out", "c1.html", "--store", "store", cwd=tmp_path)
    made = (
        [p for p in (tmp_path / "store").rglob("*")]
        + list((tmp_path / "out").rglob("*"))
        + [tmp_path / "c1.html"]
    )
    names = {p.name for p in made}
    assert {
        "api.sqlite",
        "audit.key",
        "audit-checkpoints.jsonl",
        "persons.csv",
        "c1.html",
    } <= names, names
    assert any(p.parent.name == "quarantine" or "quarantine" in p.parts for p in made)
    loose = [
        (str(p.relative_to(tmp_path)), oct(stat.S_IMODE(p.stat().st_mode)))
        for p in made
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert loose == []
    for folder in (tmp_path / "store", tmp_path / "out"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert os.access(tmp_path / "c1.html", os.R_OK)
