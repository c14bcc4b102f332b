"""Admin routes: users (add, revoke, list), the audit log (query, verify) and how full the answer
cache is. Admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import BaseModel, Field

from api.deps import Audit, ServicesDep, require_role
from api.users import Role, UserError
from loaders.values.dates import DateParseError, utc_option

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
ADMIN = require_role("admin", action="administration")


class NewUser(BaseModel):
    """A user to create."""

    name: str = Field(min_length=1, max_length=64)
    role: Role


@router.get("/users", openapi_extra=ADMIN)
def list_users(svc: ServicesDep) -> list[dict[str, Any]]:
    """Every user: name, role, created_at, revoked_at (never a token)."""
    return svc.users.list()


@router.post(
    "/users",
    openapi_extra=ADMIN,
    status_code=201,
    responses={409: {"description": "The name is taken or not allowed (the detail says which)"}},
)
def add_user(svc: ServicesDep, ctx: Audit, body: Annotated[NewUser, Body()]) -> dict[str, str]:
    """Create a user; the token is in this response only."""
    ctx.params.update({"user": body.name, "role": body.role})
    try:
        token = svc.users.add(body.name, body.role)
    except UserError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return {"user": body.name, "role": body.role, "token": token}


@router.delete(
    "/users/{name}",
    openapi_extra=ADMIN,
    responses={409: {"description": "The last active admin cannot be revoked"}},
)
def revoke_user(svc: ServicesDep, ctx: Audit, name: str) -> dict[str, Any]:
    """Revoke a user's token (the user stays listed, as revoked)."""
    ctx.params["user"] = name
    try:
        revoked = svc.users.revoke(name)
    except UserError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    if not revoked:
        raise HTTPException(status_code=404, detail=f"no active user {name!r}")
    return {"user": name, "revoked": True}


#: How the audit's since/until are written (read by the one date parser, loaders.values.dates).
TIMES = (
    "UTC: YYYY-MM-DD[THH:MM[:SS]] (an offset is converted) or day first DD/MM/YYYY [HH:MM]; "
    "an ambiguous or unreadable time is a 400 naming the parameter"
)


def _utc(value: str | None, name: str) -> str | None:
    """A since/until time by the one date parser, as the UTC ISO text the log holds; 400 when unreadable."""
    if value is None:
        return None
    try:
        return utc_option(value)
    except DateParseError as exc:
        raise HTTPException(status_code=400, detail=f"{name}: {exc}") from None


@router.get(
    "/audit",
    openapi_extra=ADMIN,
    responses={
        400: {"description": "since or until is not a readable date or time (the detail names it)"}
    },
)
def query_audit(
    svc: ServicesDep,
    who: Annotated[str | None, Query(max_length=64)] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    route: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[
        str | None, Query(max_length=40, description=f"From this time. {TIMES}")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=40, description=f"Before this time (exclusive). {TIMES}")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[dict[str, Any]]:
    """Audit entries, newest first, filtered by who, person touched, route and time."""
    return svc.audit.query(
        who=who,
        person=person,
        route=route,
        since=_utc(since, "since"),
        until=_utc(until, "until"),
        limit=limit,
        offset=offset,
    )


@router.get("/cache", openapi_extra=ADMIN)
def cache_stats(svc: ServicesDep) -> dict[str, int]:
    """How full the answer cache is: {"answers", "bytes", "max_bytes", "evicted"} (no question
    or answer is shown: only counts; the budget is GRAPH_INTEL_ANSWER_CACHE_BYTES)."""
    return svc.cache.stats()


@router.get("/hub", openapi_extra=ADMIN)
def hub_status(request: Request) -> dict[str, Any]:
    """Whether the hub's first pages are prepared for the store as it is now (api.web.prepare):
    {"prepare", "ready", "seconds", "pages"} (counts and times only: no page is shown)."""
    preparer = getattr(request.app.state, "preparer", None)
    if preparer is None:
        return {"prepare": False, "ready": False, "seconds": None, "pages": 0}
    return {"prepare": True, **preparer.status()}


@router.get("/audit/verify", openapi_extra=ADMIN)
def verify_audit(svc: ServicesDep) -> dict[str, Any]:
    """Walk the hash chain: {"entries", "intact", ...}."""
    return svc.audit.verify()
