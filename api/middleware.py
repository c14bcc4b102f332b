"""The guard around every request: body size limit, security headers, generic 500s, the audit entry.

The audit entry is written when the response starts, before any of its body is sent: if the
log cannot be written, nothing is disclosed (503 instead).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import AUDIT_SCOPE_KEY, AuditContext, bearer_token, purpose_text, redacted_query
from api.web.policy import SIGN_IN_PATH, UPLOAD_PATH, is_web, web_csp

log = logging.getLogger("graph_intel.api")

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_STRIPPED = {b"content-security-policy", b"server", *(name for name, _ in _COMMON_HEADERS)}
UNAUDITED_PATHS = frozenset({"/health"})
UPLOAD_PATHS = frozenset({"/api/v1/ingest", UPLOAD_PATH})


class BodyTooLarge(HTTPException):
    """The request body is over the limit (raised while reading it, so FastAPI passes it on)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than {limit} bytes")


def security_headers(
    headers: list[tuple[bytes, bytes]], path: str = "", tile_origin: str | None = None
) -> list[tuple[bytes, bytes]]:
    """Response headers with ours set: a CSP by content type (the hub's own by path, with the
    force's tile server when configured), nosniff, no-referrer, no-store, DENY (SAMEORIGIN for
    the hub's framed network picture)."""
    kept = [(k, v) for k, v in headers if k.lower() not in _STRIPPED]
    ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    csp = HTML_CSP if ctype.startswith(b"text/html") else JSON_CSP
    common = _COMMON_HEADERS
    if is_web(path):
        csp, frame = web_csp(path, tile_origin)
        common = [(k, frame if k == b"x-frame-options" else v) for k, v in _COMMON_HEADERS]
    return [*kept, *common, (b"content-security-policy", csp.encode())]


def _json_response(status: int, detail: str) -> tuple[Message, Message]:
    body = json.dumps({"detail": detail}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class GuardMiddleware:
    """Pure ASGI middleware: size limits, headers, audit, and no internals in errors."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        max_upload_bytes: int,
        tile_origin: str | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes
        self.tile_origin = tile_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        ctx = AuditContext(method=scope.get("method", ""), path=path, query=query)
        ctx.skip = path in UNAUDITED_PATHS
        scope[AUDIT_SCOPE_KEY] = ctx
        limit = self.max_upload if path in UPLOAD_PATHS else self.max_body
        started = False
        app = scope.get(
            "app"
        )  # the service's app (a mounted sub-app such as the hub replaces scope["app"])

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {
                    **message,
                    "headers": security_headers(
                        list(message.get("headers", [])), path, self.tile_origin
                    ),
                }
                if not await self._audit(app, scope, ctx, int(message["status"])):
                    start, body = _json_response(
                        503, "the audit log cannot be written, so nothing is disclosed"
                    )
                    await send({**start, "headers": security_headers(start["headers"])})
                    await send(body)
                    raise _AuditFailed
            await send(message)

        length = _content_length(scope)
        if _has_body(scope, length) and is_web(path):
            if path != SIGN_IN_PATH and not await self._session_valid(scope):
                # the hub's forms post with a session, never a bearer token: none, none of the body is read
                await self._refuse(
                    scope, ctx, guarded_send, 403, "sign in first: this form needs a live session"
                )
                return
        elif (
            _has_body(scope, length)
            and path not in UNAUDITED_PATHS
            and not await self._token_valid(scope)
        ):
            # Cheap refusals first: a body sent without a valid token is refused before any of it
            # is read (the route's own check would come only after the body was parsed).
            await self._refuse(
                scope,
                ctx,
                guarded_send,
                401,
                "a valid bearer token is required (Authorization: Bearer TOKEN)",
                [(b"www-authenticate", b'Bearer realm="graph-intel"')],
            )
            return
        if length is not None and length > limit:
            await self._refuse(
                scope, ctx, guarded_send, 413, f"the request body is larger than {limit} bytes"
            )
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _AuditFailed:
            return
        except BodyTooLarge as exc:
            if not started:
                await self._refuse(scope, ctx, guarded_send, 413, str(exc.detail))
        except Exception:
            log.exception("unhandled error on %s %s", ctx.method, path)
            if not started:
                await self._refuse(
                    scope, ctx, guarded_send, 500, "internal error; it has been logged"
                )

    async def _token_valid(self, scope: Scope) -> bool:
        """Whether the request carries a bearer token of a current user (read from the headers only)."""
        header = next(
            (v for k, v in scope.get("headers", []) if k == b"authorization"), b""
        ).decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        services = getattr(getattr(scope.get("app"), "state", None), "services", None)
        if services is None:
            return False
        user = await anyio.to_thread.run_sync(services.users.authenticate, token.strip())
        return user is not None

    async def _session_valid(self, scope: Scope) -> bool:
        """Whether the request carries the cookie of a live hub session (read from the headers only)."""
        web = getattr(getattr(scope.get("app"), "state", None), "web", None)
        if web is None:
            return False
        cookie = next((v for k, v in scope.get("headers", []) if k == b"cookie"), b"").decode(
            "latin-1"
        )
        return await anyio.to_thread.run_sync(web.cookie_session_live, cookie)

    async def _refuse(
        self,
        scope: Scope,
        ctx: AuditContext,
        send: Send,
        status: int,
        detail: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        start, body = _json_response(status, detail)
        start["headers"] = [*start["headers"], *(headers or [])]
        try:
            await send(start)
            await send(body)
        except _AuditFailed:
            return

    async def _audit(self, app: Any, scope: Scope, ctx: AuditContext, status: int) -> bool:
        """Write this request's audit entry; False when it cannot be written."""
        if ctx.skip:
            return True
        services = getattr(getattr(app, "state", None), "services", None)
        if services is None:
            log.error("audit log not open; refusing to respond to %s %s", ctx.method, ctx.path)
            return False

        def write() -> None:
            if ctx.who is None:
                headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in scope.get("headers", [])
                }
                self._identify(headers, ctx, services)
            params: dict[str, Any] = {
                "path": ctx.path,
                "query": redacted_query(ctx.query),
                **ctx.params,
            }
            services.audit.append(
                who=ctx.who,
                role=ctx.role,
                method=ctx.method,
                route=ctx.route or ctx.path,
                params=params,
                persons=sorted(ctx.persons),
                purpose=ctx.purpose,
                action=ctx.action,
                status=status,
                phase=None if ctx.phase is None else "failed" if status >= 400 else "finished",
            )

        try:
            await anyio.to_thread.run_sync(write)
        except Exception:
            log.exception("audit write failed for %s %s", ctx.method, ctx.path)
            return False
        return True

    @staticmethod
    def _identify(headers: dict[str, str], ctx: AuditContext, services: Any) -> None:
        """Who sent a request refused before the access check ran (404, 405, 413, 422): a valid
        token still names its user in the entry, and a valid purpose is kept."""
        token = bearer_token(headers.get("authorization"))
        if token is None:
            return
        try:
            user = services.users.authenticate(token)
        except Exception:  # the entry is still written, without a name
            log.exception(
                "could not look the token up for the audit of %s %s", ctx.method, ctx.path
            )
            return
        if user is None:
            return
        ctx.who, ctx.role = user.name, user.role
        if ctx.purpose is None:
            try:
                ctx.purpose = purpose_text(
                    headers.get("x-purpose"), services.settings.max_purpose_chars
                )
            except HTTPException:
                pass


class QuerylessAccessLog(logging.Filter):
    """Writes uvicorn's access log lines without the query string (a token sent there by mistake
    must not reach a log); the audit keeps the query, with token-like values redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (
            isinstance(args, tuple)
            and len(args) >= 3
            and isinstance(args[2], str)
            and "?" in args[2]
        ):
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?[query not logged]", *args[3:])
        return True


def install_access_log_filter() -> None:
    """Put QuerylessAccessLog on uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuerylessAccessLog) for f in logger.filters):
        logger.addFilter(QuerylessAccessLog())


class _AuditFailed(Exception):
    """The audit entry could not be written; the 503 has been sent."""


def _has_body(scope: Scope, length: int | None) -> bool:
    """Whether the request says it sends a body (a length above 0, or chunked)."""
    if length is not None:
        return length > 0
    return any(k == b"transfer-encoding" for k, _ in scope.get("headers", []))


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
