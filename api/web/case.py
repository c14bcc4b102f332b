"""The hub's case pages: home, a child's record (its purpose, its RAG form), an entity, search.

A child's record is opened only after its purpose is given (asked once per session and child,
audited with her as a person disclosed); an adult's, phone's, vehicle's or place's page shows the
evidence that joins it, each fact with its source. Every page's data is shown as the role may see
it (`Page.shown`: a viewer sees children by initials, never restricted material).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import Services, purpose_text
from api.web import views
from api.web.page import ANALYST, Page, day, open_page, path_param, query_param, role_cached
from api.web.policy import WEB_PREFIX
from graph_intel.alerts import WATCH_KINDS, open_book
from graph_intel.refs import resolve
from graph_intel.safeguarding.matrix import set_status

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, since: str | None = None) -> Response:
    p = open_page(request)
    today = date.today()
    start = day(since) or views.default_since(today)
    data = p.shown(home_data(p.svc, p.analyst, start, today))
    alerts = p.shown(_alerts(p)) if p.analyst else []
    return p.render(
        "home.html", data=data, since=start.isoformat(), as_of=p.read(views.as_of), alerts=alerts
    )


def home_data(svc: Services, analyst: bool, start: date, today: date) -> dict[str, Any]:
    """What the home page shows of the period from `start` (before the role's redaction)."""
    data: dict[str, Any] = role_cached(
        svc, analyst, ("home", start, today), lambda s: views.home(s, start, today)
    )
    return data


def child_data(svc: Services, analyst: bool, key: str, today: date) -> dict[str, Any]:
    """What a child's page shows (before the role's redaction), with `near`: who is near her."""
    tiles = svc.settings.map_tile_url
    data: dict[str, Any] = role_cached(
        svc,
        analyst,
        ("child", key, today),
        lambda s: views.child(s, key, today, analyst, tiles),
    )
    return data


def group_summaries(svc: Services, analyst: bool) -> list[dict[str, Any]]:
    """Every linked group as a list shows it (no evidence), made once per store generation and
    role: the child, adult and group-list pages read this, not every group's evidence (36 MB of
    JSON at scale 50, 1.6 s to decode on each page)."""
    summaries: list[dict[str, Any]] = role_cached(
        svc,
        analyst,
        ("group-summaries",),
        lambda s: [views.group_summary(g) for g in views.linked_groups(s)],
    )
    return summaries


def _book_folder(p: Page) -> Path:
    return p.svc.settings.api_db_path().parent


def _alerts(p: Page, limit: int = 50) -> list[dict[str, Any]]:
    """The newest alerts the loads raised (analysts: they carry their evidence)."""
    with open_book(p.svc.store, _book_folder(p), create=False) as book:
        return book.alerts(limit) if book is not None else []


@router.post("/watch")
def watch(
    request: Request,
    kind: Annotated[str, Form(max_length=20)],
    ident: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Watch an adult, phone, vehicle or place: the next load that adds a fact about it raises an alert."""
    p = open_page(request, action="alteration", roles=ANALYST)
    p.check_csrf(csrf)
    if kind not in WATCH_KINDS:
        raise HTTPException(
            status_code=422, detail=f"cannot watch a {kind!r}: one of {', '.join(WATCH_KINDS)}"
        )
    _, key = p.read(lambda s: resolve(s, kind, ident))
    p.ctx.params.update({"event": "watch added", "kind": kind, "watched": key})
    if kind == "person":
        p.ctx.persons.add(key)
    with open_book(p.svc.store, _book_folder(p)) as book:
        assert book is not None
        book.add_watch(kind, ident, key, p.who, note.strip())
    return RedirectResponse(
        f"{WEB_PREFIX}/entity/{kind}/{quote(ident, safe='')}#watch", status_code=303
    )


def _child_key(p: Page, person: str) -> str:
    """The child's store key, audited as a person this request discloses."""
    key = p.read(lambda s: views.check_person(s, person))
    p.ctx.persons.add(key)
    return key


@router.get("/child/{person}", response_class=HTMLResponse)
def child(request: Request, person: Annotated[str, path_param()]) -> Response:
    p = open_page(request, action="disclosure")
    key = p.read(lambda s: views.check_person(s, person))
    why = p.web.sessions.purpose_for(p.sid or "", key)
    if why is None:
        p.ctx.action = "consultation"
        return p.render("purpose.html", person=person, label=p.shown(views.ident(key)), message="")
    p.ctx.purpose = why
    made = child_data(p.svc, p.analyst, key, date.today())
    near = set(made.pop("near"))  # who is near her: to find her groups, not shown (nor audited)
    data = p.shown(made)
    groups = p.shown(views.groups_of(group_summaries(p.svc, p.analyst), near))
    return p.render("child.html", data=data, purpose=why, as_of=p.read(views.as_of), groups=groups)


def _groups(p: Page) -> list[dict[str, Any]]:
    """Every linked group, made once per store generation and role (the answer cache)."""
    groups: list[dict[str, Any]] = p.cached(("groups",), views.linked_groups)
    return groups


@router.get("/groups", response_class=HTMLResponse)
def groups(request: Request) -> Response:
    p = open_page(request, action="disclosure")
    listed = p.shown(group_summaries(p.svc, p.analyst))
    return p.render("groups.html", groups=listed)


@router.get("/group/{member}", response_class=HTMLResponse)
def group(request: Request, member: Annotated[str, path_param()]) -> Response:
    """A linked group, named by any of its members: the evidence that joins them, linked onward."""
    p = open_page(request, action="disclosure")
    key = p.read(lambda s: views.check_person(s, member))
    data = p.shown(views.group_page(_groups(p), key, member))
    return p.render("group.html", data=data)


@router.post("/child/{person}/purpose")
def child_purpose(
    request: Request,
    person: Annotated[str, path_param()],
    purpose: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=200)],
) -> Response:
    p = open_page(request)
    p.check_csrf(csrf)
    key = _child_key(p, person)
    try:
        why = purpose_text(purpose, p.svc.settings.max_purpose_chars)
    except HTTPException as exc:
        return p.render(
            "purpose.html",
            status=400,
            person=person,
            label=p.shown(views.ident(key)),
            message=str(exc.detail).replace("X-Purpose", "The purpose"),
        )
    p.ctx.purpose = why
    p.ctx.params["event"] = "child's record opened"
    p.web.sessions.note_purpose(p.sid or "", key, why)
    return RedirectResponse(f"{WEB_PREFIX}/child/{quote(person, safe='')}", status_code=303)


@router.post("/child/{person}/rag")
def child_rag(
    request: Request,
    person: Annotated[str, path_param()],
    rag: Annotated[str, Form(max_length=10)],
    review: Annotated[str, Form(max_length=32)],
    reason: Annotated[str, Form(max_length=2000)],
    csrf: Annotated[str, Form(max_length=200)],
    lead_worker: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    p = open_page(request, action="alteration", roles=ANALYST)
    p.check_csrf(csrf)
    key = _child_key(p, person)
    p.ctx.purpose = p.web.sessions.purpose_for(p.sid or "", key) or p.ctx.purpose
    p.ctx.params.update({"event": "RAG set", "rag": rag, "review": review})
    svc = p.svc
    with svc.write_lock, svc.gate.load(key.partition(":")[0], svc.store):
        set_status(
            svc.store,
            key,
            rag,
            by=p.who,
            review=review,
            reason=reason,
            lead_worker=lead_worker.strip() or None,
        )
    return RedirectResponse(f"{WEB_PREFIX}/child/{quote(person, safe='')}#matrix", status_code=303)


@router.get("/entity/{kind}/{ident}", response_class=HTMLResponse)
def entity(
    request: Request, kind: Annotated[str, path_param()], ident: Annotated[str, path_param()]
) -> Response:
    p = open_page(request, action="disclosure")
    if kind not in views.PAGE_KINDS:
        raise HTTPException(
            status_code=404,
            detail=f"no page for {kind!r}: one of {', '.join(views.PAGE_KINDS)}",
        )
    if kind == "person":
        key = p.read(lambda s: views.check_person(s, ident))
        if key in p.read(views.child_keys):
            # a child's record is opened through its own page, with its purpose
            return RedirectResponse(f"{WEB_PREFIX}/child/{quote(key, safe='')}", status_code=303)
    data = p.shown(p.cached(("entity", kind, ident), lambda s: views.entity(s, kind, ident)))
    groups = (
        p.shown(views.groups_of(group_summaries(p.svc, p.analyst), {data["key"]}))
        if kind == "person"
        else []
    )
    watched = None
    if kind in WATCH_KINDS:
        with open_book(p.svc.store, _book_folder(p), create=False) as book:
            live = book.watches() if book is not None else []
        watched = next((w for w in live if w["key"] == data["key"] and w["kind"] == kind), None)
    return p.render(
        "entity.html", data=data, groups=groups, watchable=kind in WATCH_KINDS, watched=watched
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, query_param()] = "") -> Response:
    p = open_page(request)
    p.ctx.params["search"] = q
    hits = p.shown(p.read(lambda s: views.search(s, q)))
    children = p.read(views.child_keys)
    return p.render("search.html", query=q, hits=hits, children=children)
