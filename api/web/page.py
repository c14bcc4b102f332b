"""One request's view of the hub (`Page`) and the helpers every page family shares.

`open_page` is how each route starts: it finds the session from its cookie, fills in the audit
context the guard middleware writes (who, role, purpose, action, route), and refuses a request
with no live session (to the sign-in page) or of a role the page is not for (403). The hub app
keeps its `WebState` and the service getter on `app.state`, so the route modules hold no state.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from api.cache import Cached
from api.deps import AuditContext, Services, audit_context
from api.settings import Settings
from api.web import views
from api.web.policy import WEB_PREFIX
from api.web.sessions import COOKIE, WebSession, same
from api.web.state import WebState, cookie_value
from graph_intel.commands import to_json
from graph_intel.handling import restricted_view
from graph_intel.stores.base import GraphStore

T = TypeVar("T")
#: The roles that read case data (admins manage users and the audit log only).
CASE_ROLES = frozenset({"viewer", "analyst"})
ANALYST = frozenset({"analyst"})
EVERYONE = frozenset({"viewer", "analyst", "admin"})


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page (and back afterwards)."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


class Page:
    """One request's view of the hub: its services, its session and its audit context."""

    def __init__(
        self,
        request: Request,
        svc: Services,
        web: WebState,
        session: WebSession | None,
        sid: str | None,
    ) -> None:
        self.request, self.svc, self.web, self.session, self.sid = request, svc, web, session, sid
        self.ctx: AuditContext = audit_context(request)

    @property
    def role(self) -> str:
        return self.session.role if self.session else ""

    @property
    def analyst(self) -> bool:
        return self.role == "analyst"

    @property
    def who(self) -> str:
        return self.session.name if self.session else ""

    def store(self) -> GraphStore:
        """The store as this role may read it: viewers never receive restricted material."""
        return role_store(self.svc, self.analyst)

    def read(self, func: Callable[[GraphStore], T]) -> T:
        """Run a read of the store, never while a load is writing it (LoadInProgress then)."""
        return role_read(self.svc, self.analyst, func)

    def cached(self, key: tuple[Any, ...], func: Callable[[GraphStore], Any]) -> Any:
        """A read's page data through the service's answer cache (`role_cached`)."""
        return role_cached(self.svc, self.analyst, key, func)

    def shown(self, data: T) -> T:
        """Page data as this role may see it (a viewer: children's names as initials), its persons audited."""
        with self.svc.gate.reading():
            self.ctx.persons |= self.svc.persons.disclosed(self.svc.store, data)
            if self.analyst:
                return data
            result: T = views.redactor(self.svc.store)(data)
            return result

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page from its template, with who is signed in, the CSRF token and the marking."""
        settings: Settings = self.svc.settings
        html = self.web.templates.get_template(template).render(
            session=self.session,
            csrf=self.session.csrf if self.session else "",
            marking=settings.protective_marking,
            prefix=WEB_PREFIX,
            today=date.today().isoformat(),
            q=quote,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def check_csrf(self, token: str | None) -> None:
        """Refuse a form whose CSRF token is missing or is not this session's (403)."""
        if self.session is None or not same(token, self.session.csrf):
            self.ctx.params["refused"] = "CSRF token missing or wrong"
            raise HTTPException(
                status_code=403,
                detail="this form's security token is missing or out of date: reload the page and send it again",
            )


def hub_state(request: Request) -> tuple[WebState, Services]:
    """The hub's state and the service's parts, as build_web left them on the hub app."""
    state = request.app.state
    return state.web, state.services_of()


def role_store(svc: Services, analyst: bool) -> GraphStore:
    """The store as a role may read it: only analysts receive restricted material."""
    return svc.store if analyst else restricted_view(svc.store)


def role_read(svc: Services, analyst: bool, func: Callable[[GraphStore], T]) -> T:
    """Run a read of the store as a role may, never while a load is writing it (LoadInProgress then)."""
    with svc.gate.reading():
        return func(role_store(svc, analyst))


def role_cached(
    svc: Services, analyst: bool, key: tuple[Any, ...], func: Callable[[GraphStore], Any]
) -> Any:
    """Page data through the service's answer cache: made once per store generation and role (any
    write makes it stale), by one request while others asking wait for it (or by the preparer,
    api.web.prepare), never while a load is writing (LoadInProgress then)."""

    def make() -> Cached:
        data = role_read(svc, analyst, func)
        return Cached(to_json(data).encode("utf-8"), "application/json", frozenset())

    svc.gate.check()
    made = svc.cache.get_or_make(svc.store, ("hub", analyst, *key), make)
    return json.loads(made.body)


def open_page(
    request: Request,
    action: str = "consultation",
    roles: frozenset[str] = CASE_ROLES,
    signed_in: bool = True,
) -> Page:
    """This request's Page, its audit context filled in; refused without a session or the role."""
    web, svc = hub_state(request)
    ctx = audit_context(request)
    route = request.scope.get("route")
    ctx.route = WEB_PREFIX + str(getattr(route, "path", request.url.path))
    ctx.action = action
    sid = cookie_value(request.headers.get("cookie", ""), COOKIE)
    session = web.sessions.find(sid) if sid else None
    if session is not None:
        ctx.who, ctx.role, ctx.purpose = session.name, session.role, session.purpose
    if signed_in and session is None:
        raise SignInRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    if signed_in and session is not None and session.role not in roles:
        admin = " (admins manage users and the audit log, and read no case data)"
        raise HTTPException(
            status_code=403,
            detail=f"the {session.role} role may not open this page"
            + (admin if session.role == "admin" else ""),
        )
    return Page(request, svc, web, session, sid)


def path_param() -> Any:
    """A path segment of at most 200 characters."""
    return PathParam(max_length=200)


def query_param() -> Any:
    """A query value of at most 200 characters."""
    return Query(max_length=200)


def day(text: str | None) -> date | None:
    """A date the user typed (ISO or UK day-first, by the one date parser), None when blank."""
    if not text or not text.strip():
        return None
    from loaders.values.dates import DateParseError, parse_date_option

    try:
        return parse_date_option(text.strip())
    except DateParseError as exc:
        raise HTTPException(
            status_code=422, detail=f"the date {text!r} is not understood: {exc}"
        ) from exc


def period(
    since: Annotated[str | None, query_param()] = None,
    as_of: Annotated[str | None, query_param()] = None,
) -> tuple[date, date]:
    """The period a briefing covers: from `since` (default: the last meeting) to `as_of` (today)."""
    today = day(as_of) or date.today()
    return day(since) or views.default_since(today), today


Period = Annotated[tuple[date, date], Depends(period)]


def new_token() -> str:
    """A fresh unguessable token (a sign-in form's CSRF token)."""
    return secrets.token_urlsafe(32)


def local(target: str) -> str:
    """A place to go back to after sign-in: only a hub page on this server (never another site)."""
    if (
        not target.startswith(WEB_PREFIX + "/")
        or target.startswith("//")
        or "\\" in target
        or "://" in target
    ):
        return WEB_PREFIX + "/"
    return target


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """An HttpOnly, SameSite=Strict cookie for the hub's paths, Secure when served over TLS."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=WEB_PREFIX,
        httponly=True,
        samesite="strict",
        secure=secure,
    )
