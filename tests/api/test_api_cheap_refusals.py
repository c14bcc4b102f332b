"""Cheap refusals first: a body sent without a valid token is refused before any of it is read."""

from __future__ import annotations

import asyncio
from typing import Any

from api_env import ApiEnv

MB = 1 << 20


def _post_without_reading_much(
    env: ApiEnv, headers: list[tuple[bytes, bytes]], size: int
) -> tuple[int, int]:
    """POST a `size`-byte upload straight to the ASGI app; (status, bytes the app pulled from the client)."""
    pulled = 0
    sent: list[dict[str, Any]] = []
    chunk = b"x" * MB

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < size}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/ingest",
        "raw_path": b"/api/v1/ingest",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", str(size).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "app": env.app,
    }
    asyncio.run(env.app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return int(start["status"]), pulled


def test_a_150_mb_upload_with_no_token_is_refused_unread(env: ApiEnv) -> None:
    status, pulled = _post_without_reading_much(env, [(b"x-purpose", b"test")], 150 * MB)
    assert status == 401
    assert pulled == 0


def test_a_150_mb_upload_with_a_wrong_token_is_refused_unread(env: ApiEnv) -> None:
    status, pulled = _post_without_reading_much(
        env, [(b"authorization", b"Bearer not-a-token"), (b"x-purpose", b"t")], 150 * MB
    )
    assert status == 401
    assert pulled == 0


def test_an_upload_over_the_limit_is_refused_unread_even_with_a_token(env: ApiEnv) -> None:
    token = f"Bearer {env.tokens['analyst']}".encode()
    status, pulled = _post_without_reading_much(
        env, [(b"authorization", token), (b"x-purpose", b"t")], 300 * MB
    )
    assert status == 413
    assert pulled == 0


def test_no_token_on_a_small_post_is_401_with_the_bearer_challenge(env: ApiEnv) -> None:
    r = env.client.post(
        "/api/v1/ingest",
        files=[("files", ("persons.csv", b"person_id\nP1\n", "text/csv"))],
        data={"dataset": "x"},
        headers={"X-Purpose": "t"},
    )
    assert r.status_code == 401
    assert "bearer" in r.headers["www-authenticate"].lower()
