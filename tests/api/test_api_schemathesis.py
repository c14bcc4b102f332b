"""Schemathesis against the service's own OpenAPI document: 50 generated requests per operation,
each answer checked against the document (no 5xx; status, content type, headers and body as
declared, error bodies included), sent with a valid token and a purpose.

One test per operation, so a parallel run shares them out; examples are derandomised, so the run
is the same every time and bounded (about a second per operation on a quiet machine).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_env import ApiEnv, seeded_settings, start
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.app import OPENAPI_PATH, create_app
from api.settings import Settings

EXAMPLES = 50
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the document (it is built without opening a store)."""
    doc: dict[str, Any] = create_app(Settings()).openapi()
    return [
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    """A running app (its lifespan holds the store) for schemathesis to call in-process."""
    yield from start(seeded_settings(tmp_path_factory.mktemp("fuzz")))


@pytest.fixture(scope="module")
def schema(running: ApiEnv) -> Any:
    return schemathesis.openapi.from_asgi(
        OPENAPI_PATH, running.app, headers=running.headers("analyst")
    )


def test_every_operation_is_fuzzed() -> None:
    """The document lists every route the service serves (read commands, ingest, jobs, query, admin, pages)."""
    paths = {path for _, path in OPERATIONS}
    assert len(OPERATIONS) >= 30
    assert {
        "/api/v1/ingest",
        "/api/v1/query",
        "/api/v1/jobs/{job_id}",
        "/api/v1/admin/users",
    } <= paths


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_answers_are_as_the_document_says(
    running: ApiEnv, schema: Any, method: str, path: str
) -> None:
    """No generated request gets a 5xx or an answer the document does not declare (422 included)."""
    role = "admin" if path.startswith("/api/v1/admin/") else "analyst"
    auth = running.headers(role)
    operation = schema[path][method]
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers={**(case.headers or {}), **auth})
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:  # schemathesis raises a group of its failures
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {exc}")

    run()
    jobs = running.app.state.services.jobs
    for _ in range(
        1200
    ):  # a generated ingest may have queued a job: the next operation runs after it
        if not jobs.active:
            break
        time.sleep(0.1)
    assert not failures, "\n\n".join(failures[:5])


def test_a_422_says_why_in_one_line_and_lists_each_problem(running: ApiEnv) -> None:
    """A parameter not as declared: `detail` is the reason as text, `errors` each {loc, msg, type};
    the document declares that body (ErrorBody) and not FastAPI's HTTPValidationError."""
    r = running.client.get(
        "/api/v1/pages/network/person/C1",
        params={"hops": "many"},
        headers=running.headers("viewer"),
    )
    assert r.status_code == 422
    body = r.json()
    assert (
        isinstance(body["detail"], str)
        and "hops" in body["detail"]
        and "many" not in body["detail"]
    )
    assert body["errors"] and {"loc", "msg", "type"} <= set(body["errors"][0])
    assert body["errors"][0]["loc"] == ["query", "hops"]
    doc = running.client.get(OPENAPI_PATH, headers=running.headers("viewer")).json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    declared = doc["paths"]["/api/v1/pages/network/{kind}/{ident}"]["get"]["responses"]
    assert declared["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
