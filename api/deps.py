"""Dependencies every route shares: services, the access rule check, current user, purpose, audit.

Access is deny-by-default: each route declares its rule with `require_role(...)` in its
`openapi_extra` (so OpenAPI documents it too); `enforce_access` runs for every route and refuses
one without a rule. Order of checks: 401 (no valid token) -> 400 (no X-Purpose) -> 403 (role).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio
from fastapi import Depends, HTTPException, Request

from api.audit import AuditLog
from api.cache import ResponseCache
from api.disclosure import PersonIndex
from api.jobs import JobRunner
from api.load_process import LoadProcesses
from api.loads import IncompleteLoads, LoadGate
from api.settings import Settings
from api.users import User, UserStore
from graph_intel.stores import GraphStore

ROLES_KEY = "x-roles"
ACTION_KEY = "x-audit-action"
PUBLIC = "public"
AUDIT_SCOPE_KEY = "graph_intel.audit"

#: Who may do what: the least role named by a route, and the roles that hold it. Admins manage
#: users and the audit log only (least privilege, separation of duties): they do not read case data.
LEAST_ROLE = {
    "viewer": ("viewer", "analyst"),
    "analyst": ("analyst",),
    "admin": ("admin",),
    "authenticated": ("viewer", "analyst", "admin"),
}


def require_role(least: str, action: str = "consultation") -> dict[str, Any]:
    """The access rule of a route (for `openapi_extra`): least role, and what the audit calls it."""
    if least == PUBLIC:
        return {ROLES_KEY: [PUBLIC], ACTION_KEY: action}
    return {ROLES_KEY: list(LEAST_ROLE[least]), ACTION_KEY: action}


@dataclass
class Services:
    """What the app holds for its lifetime: one store handle, users, audit, and the write lock."""

    settings: Settings
    store: GraphStore
    users: UserStore
    audit: AuditLog
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    cache: ResponseCache = field(default_factory=ResponseCache)
    gate: LoadGate = field(default_factory=LoadGate)
    jobs: JobRunner = field(default_factory=JobRunner)
    incomplete: IncompleteLoads = field(default_factory=IncompleteLoads)
    #: Read computations running at once (the rest wait their turn, or give up if their client goes).
    readers: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(4))
    persons: PersonIndex = field(default_factory=PersonIndex)
    #: The child process a job's load runs in (api.load_process); `store` is reopened after it.
    loader: LoadProcesses = field(default_factory=LoadProcesses)

    def current_store(self) -> GraphStore:
        """The store handle now (a load in a child process closes it and opens a new one: read it
        inside the load gate, never keep it)."""
        return self.store


@dataclass
class AuditContext:
    """What one request's audit entry will say; filled in as the request is handled."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    route: str | None = None
    action: str = "none"
    who: str | None = None
    role: str | None = None
    purpose: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    persons: set[str] = field(default_factory=set)
    skip: bool = False
    #: Set for a long operation once its "started" entry is written (audit_started).
    phase: str | None = None


def services(request: Request) -> Services:
    """The app's services (opened in the lifespan)."""
    svc: Services = request.app.state.services
    return svc


def audit_context(request: Request) -> AuditContext:
    """This request's audit context (created by the guard middleware)."""
    ctx: AuditContext = request.scope[AUDIT_SCOPE_KEY]
    return ctx


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(
        status_code=401, detail=reason, headers={"WWW-Authenticate": 'Bearer realm="graph-intel"'}
    )


#: Unicode categories refused in X-Purpose: controls (C0, DEL, C1), format characters (bidi
#: overrides, zero-width), line and paragraph separators, surrogates: they would let a purpose
#: rewrite what `audit list` shows.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
#: Query parameters that would carry a token; tokens are accepted only in the Authorization header.
TOKEN_PARAMS = frozenset(
    {"token", "access_token", "api_key", "apikey", "auth", "authorization", "bearer", "key"}
)
#: What a token looks like (users.add makes "gi_" and 43 URL-safe characters).
TOKEN_SHAPE = re.compile(r"gi_[A-Za-z0-9_\-]{20,}")


def purpose_text(raw: str | None, limit: int) -> str:
    """The X-Purpose header as text: UTF-8 (HTTP hands headers over as Latin-1), stripped, within
    `limit` characters, without control or format characters. HTTPException(400) says what is wrong."""
    if raw is None or not raw.strip():
        raise HTTPException(
            status_code=400, detail="an X-Purpose header is required: say why you need this"
        )
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise HTTPException(status_code=400, detail="X-Purpose is not UTF-8 text") from None
    bad = next((c for c in text if unicodedata.category(c) in REFUSED_CATEGORIES), None)
    if bad is not None:
        raise HTTPException(
            status_code=400,
            detail=f"X-Purpose holds a control or format character (U+{ord(bad):04X}): write it as plain text",
        )
    text = text.strip()
    if len(text) > limit:
        raise HTTPException(status_code=400, detail=f"X-Purpose is longer than {limit} characters")
    return text


def _purpose(request: Request, limit: int) -> str:
    return purpose_text(request.headers.get("x-purpose"), limit)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_in_query(query: dict[str, list[str]]) -> bool:
    """Whether the query string carries something that looks like a token."""
    return any(
        name.lower() in TOKEN_PARAMS or any(TOKEN_SHAPE.search(v) for v in values)
        for name, values in query.items()
    )


def redacted_query(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The query string as the audit keeps it: token-like values replaced, so no token is stored."""
    return {
        name: [
            "[redacted]" if name.lower() in TOKEN_PARAMS or TOKEN_SHAPE.search(v) else v
            for v in values
        ]
        for name, values in query.items()
    }


async def enforce_access(request: Request) -> None:
    """Authenticate, require a purpose and check the route's rule; routes without a rule are refused."""
    ctx = audit_context(request)
    route = request.scope.get("route")
    rule: dict[str, Any] = getattr(route, "openapi_extra", None) or {}
    roles = rule.get(ROLES_KEY)
    ctx.route = getattr(route, "path", None)
    ctx.action = rule.get(ACTION_KEY, "none")
    if roles == [PUBLIC]:
        return
    if token_in_query(ctx.query):
        raise HTTPException(
            status_code=400,
            detail="tokens are accepted only in the Authorization header, never in the URL",
        )
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise _unauthorised("a bearer token is required (Authorization: Bearer TOKEN)")
    user = services(request).users.authenticate(token)
    if user is None:
        raise _unauthorised("the token is not valid (unknown or revoked)")
    ctx.who, ctx.role = user.name, user.role
    ctx.purpose = _purpose(request, services(request).settings.max_purpose_chars)
    if not roles:
        raise HTTPException(
            status_code=403, detail="this route has no access rule, so it is refused"
        )
    if user.role not in roles:
        raise HTTPException(status_code=403, detail=f"the {user.role} role may not use this route")
    request.state.user = user


def current_user(request: Request) -> User:
    """The user enforce_access authenticated."""
    user: User = request.state.user
    return user


def purpose(request: Request) -> str:
    """The request's stated purpose (X-Purpose)."""
    return audit_context(request).purpose or ""


ServicesDep = Annotated[Services, Depends(services)]
CurrentUser = Annotated[User, Depends(current_user)]
Purpose = Annotated[str, Depends(purpose)]
Audit = Annotated[AuditContext, Depends(audit_context)]


def audit_started(svc: Services, ctx: AuditContext) -> None:
    """Write a long operation's "started" entry now; its last entry says "finished" or "failed".

    The request's own entry (written by the guard middleware when the response starts) is then
    its end; an operation that runs on after its request (a job) ends with audit_ended.
    """
    ctx.phase = "started"
    _append(svc, ctx, status=202, phase="started")


def audit_ended(svc: Services, ctx: AuditContext, status: int) -> None:
    """Write the entry that ends a long operation begun with audit_started."""
    _append(svc, ctx, status=status, phase="failed" if status >= 400 else "finished")
    ctx.phase = None


def _append(svc: Services, ctx: AuditContext, status: int, phase: str) -> None:
    svc.audit.append(
        who=ctx.who,
        role=ctx.role,
        method=ctx.method,
        route=ctx.route or ctx.path,
        params={"path": ctx.path, "query": redacted_query(ctx.query), **ctx.params},
        persons=sorted(ctx.persons),
        purpose=ctx.purpose,
        action=ctx.action,
        status=status,
        phase=phase,
    )
