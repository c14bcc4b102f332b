"""Dependencies every route shares: services, the access rule check, current user, purpose, audit.

Access is deny-by-default: each route declares its rule with `require_role(...)` in its
`openapi_extra` (so OpenAPI documents it too); `enforce_access` runs for every route and refuses
one without a rule. Order of checks: 401 (no valid token) -> 400 (no X-Purpose) -> 403 (role).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from api.audit import AuditLog
from api.cache import ResponseCache
from api.disclosure import PersonIndex
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
    persons: PersonIndex = field(default_factory=PersonIndex)


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


def _purpose(request: Request, limit: int) -> str:
    raw = request.headers.get("x-purpose")
    if raw is None or not raw.strip():
        raise HTTPException(status_code=400, detail="an X-Purpose header is required: say why you need this")
    text = raw.strip()
    if len(text) > limit:
        raise HTTPException(status_code=400, detail=f"X-Purpose is longer than {limit} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise HTTPException(status_code=400, detail="X-Purpose holds control characters")
    return text


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
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("a bearer token is required (Authorization: Bearer TOKEN)")
    user = services(request).users.authenticate(token.strip())
    if user is None:
        raise _unauthorised("the token is not valid (unknown or revoked)")
    ctx.who, ctx.role = user.name, user.role
    ctx.purpose = _purpose(request, services(request).settings.max_purpose_chars)
    if not roles:
        raise HTTPException(status_code=403, detail="this route has no access rule, so it is refused")
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
