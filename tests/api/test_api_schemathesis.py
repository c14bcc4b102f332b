"""Schemathesis against the service's own OpenAPI document: no input gives a 500 (bounded run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from api_env import ApiEnv, seeded_settings, start
from hypothesis import HealthCheck, given, settings

from api.app import OPENAPI_PATH


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    """A running app (its lifespan holds the store) for schemathesis to call in-process."""
    yield from start(seeded_settings(tmp_path_factory.mktemp("fuzz")))


def test_no_server_errors(running: ApiEnv) -> None:
    """Generated requests for every operation (as an analyst, with a purpose) never get a 5xx."""
    schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, running.app, headers=running.headers("analyst"))
    auth = running.headers("analyst")
    failures: list[str] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case: schemathesis.Case) -> None:
            if case.path == "/api/v1/admin/users/{name}" or case.method == "POST" and case.path == "/api/v1/admin/users":
                return  # admin-only: an analyst gets 403 without the body being read
            response = case.call(headers={**(case.headers or {}), **auth})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        run()
    assert not failures, "\n".join(failures)
