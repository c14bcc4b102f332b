"""docker-compose.yml, the Dockerfile and .env.example: valid, pinned, health-checked, no secrets."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
COMPOSE_BIN = shutil.which("docker-compose")
_PINNED = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$")
_SECRET_KEY = re.compile(r"PASSWORD|SECRET|TOKEN|AUTH|KEY", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _config(env_file: Path | None, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert COMPOSE_BIN is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRAPH_INTEL_", "NEO4J_"))}
    env.update(extra_env)
    args = [COMPOSE_BIN, "--project-directory", str(ROOT), "-f", str(COMPOSE)]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    return subprocess.run(
        [*args, "config", "-q"], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.skipif(
    COMPOSE_BIN is None, reason="docker-compose is not installed (apt-get install docker-compose)"
)
def test_compose_file_is_valid(tmp_path: Path) -> None:
    env_file = tmp_path / "test.env"
    env_file.write_text("GRAPH_INTEL_NEO4J_PASSWORD=only-for-this-test\n", encoding="utf-8")
    done = _config(env_file, {})
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(
    COMPOSE_BIN is None, reason="docker-compose is not installed (apt-get install docker-compose)"
)
def test_compose_refuses_to_run_without_a_password() -> None:
    done = _config(ROOT / ".env.example", {})
    assert done.returncode != 0
    assert "GRAPH_INTEL_NEO4J_PASSWORD" in done.stderr


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]["image"]
    assert _PINNED.match(neo4j) and neo4j.startswith("neo4j:5.") and "community" in neo4j
    assert compose["services"]["api"]["build"]["dockerfile"] == "Dockerfile"
    base = re.search(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert base is not None and base.group(1).startswith("python:3.11")
    assert not base.group(1).endswith(":latest")


def test_every_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), name
        assert not check.get("disable"), name
    assert compose["services"]["api"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    named = set(compose["volumes"])
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            assert mount.split(":", 1)[0] in named, mount


def test_no_literal_secrets(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if _SECRET_KEY.search(key) and not key.endswith("_USER"):
                assert re.fullmatch(r"(\$\{[^}]*\}|[^$]*\$\{[^}]*\})*", str(value)), (name, key)
                assert "PASSWORD:-" not in str(value), f"{name}.{key} has a default password"
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^GRAPH_INTEL_NEO4J_PASSWORD=\s*$", example, re.M)
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_the_api_image_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "graph-intel" in dockerfile and "serve" in dockerfile
