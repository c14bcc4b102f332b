"""Concrete requests for any route of the app: sample path values and a valid body per route."""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

SAMPLE_PATH_VALUES = {"kind": "person", "ident": "C1", "name": "nobody"}
_counter = itertools.count()


def concrete_path(route: APIRoute) -> str:
    """The route's path with sample values for its path parameters."""
    return re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLE_PATH_VALUES.get(m.group(1), "C1"), route.path
    )


def request_kwargs(route: APIRoute, method: str) -> dict[str, Any]:
    """A valid body for the routes that take one."""
    if route.path == "/api/v1/ingest":
        csv = b"person_id,given_name,category,source_id\nZ9,Zed,suspect,\n"
        return {
            "files": [("files", ("persons.csv", io.BytesIO(csv), "text/csv"))],
            "data": {"dataset": "upload1"},
        }
    if route.path == "/api/v1/query":
        return {
            "json": {
                "cypher": "MATCH (p:Person) WHERE p.key = $k RETURN p.key",
                "params": {"k": "case1:C1"},
            }
        }
    if route.path == "/api/v1/admin/users" and method == "POST":
        return {"json": {"name": f"made-{next(_counter)}", "role": "viewer"}}
    return {}


def call(client: TestClient, route: APIRoute, method: str, headers: dict[str, str]) -> Any:
    """Make the route's sample request."""
    return client.request(
        method, concrete_path(route), headers=headers, **request_kwargs(route, method)
    )
