"""The hub's documents: the briefing and its print stylesheet, a CAWN evidence pack, a network
picture, and the hub's own static stylesheets.

The briefing page and `graph-intel briefing --out` share one template (api.web.printing); the
print stylesheet fills the page margins with the marking, who printed it and when, and page x
of y. A pack is for analysts only; a picture is drawn redacted for a viewer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import Services, audit_context
from api.web import views
from api.web.page import ANALYST, Period, open_page, path_param, role_cached
from api.web.state import STATIC

router = APIRouter()
STATIC_FILES = {"hub.css": "text/css", "print.css": "text/css"}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _imprint(p: Any) -> Any:
    """What a printed page of the hub says: the configured marking, who is signed in, the data's as-of date."""
    from api.web.printing import Imprint

    return Imprint(
        marking=p.svc.settings.protective_marking, produced_by=p.who, as_of=p.read(views.as_of)
    )


@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    """The hub's own stylesheets (nothing is fetched from anywhere else)."""
    audit_context(request).skip = True
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404, detail="no such file")
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name])


@router.get("/print.css")
def print_css(request: Request, period: Period) -> Response:
    """The print stylesheet of a briefing: the marking, who printed it and when, page x of y."""
    from api.web.printing import print_css as css

    p = open_page(request, action="none")
    p.ctx.skip = True
    text = css(p.svc.settings.protective_marking, p.who, _now(), p.read(views.as_of))
    return Response(text, media_type="text/css")


def briefing_data(svc: Services, analyst: bool, start: date, today: date) -> dict[str, Any]:
    """The briefing page's document of a period (before the role's redaction and its imprint)."""
    doc: dict[str, Any] = role_cached(
        svc,
        analyst,
        ("briefing", start, today),
        lambda s: views.briefing_document(s, start, today, produced_by="", marking=""),
    )
    return doc


@router.get("/briefing", response_class=HTMLResponse)
def briefing(request: Request, period: Period) -> Response:
    p = open_page(request, action="disclosure")
    start, today = period
    doc = p.shown(briefing_data(p.svc, p.analyst, start, today))
    doc.update(produced_by=p.who, marking=p.svc.settings.protective_marking, produced_at=_now())
    return p.render("briefing.html", doc=doc, inline_css=None, form=True)


@router.get("/pack/{adult}/{child_id}", response_class=HTMLResponse)
def pack(
    request: Request, adult: Annotated[str, path_param()], child_id: Annotated[str, path_param()]
) -> Response:
    p = open_page(request, action="disclosure", roles=ANALYST)
    from api.web.printing import pack_html
    from graph_intel.safeguarding.pack import pack_data

    data = p.read(lambda s: pack_data(s, adult, child_id))
    p.ctx.persons |= p.svc.persons.disclosed(p.svc.store, data)
    return HTMLResponse(pack_html(data, _imprint(p)))


@router.get("/picture/{kind}/{ident}", response_class=HTMLResponse)
def picture(
    request: Request,
    kind: Annotated[str, path_param()],
    ident: Annotated[str, path_param()],
    hops: int = 1,
) -> Response:
    p = open_page(request, action="disclosure")
    from api.routes.network import persons_drawn
    from graph_intel.network import network

    hops = max(1, min(hops, 3))
    net = p.read(lambda s: network(s, kind, ident, hops, redact=not p.analyst))
    p.ctx.persons |= persons_drawn(p.svc, net)
    imprint = _imprint(p)
    net.print_css, net.marking = imprint.css(), imprint.marking  # prints marked and paged
    return HTMLResponse(net.generate_html())
