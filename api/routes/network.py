"""GET /api/v1/pages/network/{kind}/{ident}: the self-contained network page as HTML (viewers).

The page comes from graph_intel.network: offline (vis-network inlined, no CDN), every text from
the data escaped; the guard middleware sends it with the HTML Content-Security-Policy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.cache import Cached
from api.deps import audit_context, require_role, services
from api.routes.read import MAX_ID_CHARS
from graph_intel.network import network

router = APIRouter(prefix="/api/v1/pages", tags=["pages"])


@router.get(
    "/network/{kind}/{ident}",
    response_class=HTMLResponse,
    openapi_extra=require_role("viewer", action="disclosure"),
)
def network_page(
    request: Request,
    kind: Annotated[str, Path(max_length=MAX_ID_CHARS)],
    ident: Annotated[str, Path(max_length=MAX_ID_CHARS)],
    hops: Annotated[int, Query(ge=1, le=4)] = 2,
    min_grade: Annotated[str | None, Query(max_length=2)] = None,
    since: Annotated[str | None, Query(max_length=32)] = None,
    until: Annotated[str | None, Query(max_length=32)] = None,
    links: Annotated[str | None, Query(max_length=400)] = None,
    redact: bool = False,
    hide_third_parties: bool = False,
) -> HTMLResponse:
    """The network around one entity as a self-contained HTML page (vis-network, inline only)."""
    ctx = audit_context(request)
    args = {"kind": kind, "ident": ident, "hops": hops, "min_grade": min_grade, "since": since,
            "until": until, "links": links, "redact": redact, "hide_third_parties": hide_third_parties}
    ctx.params["args"] = args
    svc = services(request)

    def make() -> Cached:
        page = network(
            svc.store, kind, ident, hops, min_grade=min_grade, since=since, until=until,
            links=links, redact=redact, hide_third_parties=hide_third_parties,
        )
        return Cached(page.generate_html().encode("utf-8"), "text/html", frozenset())

    answer = svc.cache.get_or_make(svc.store, ("network", tuple(sorted(args.items()))), make)
    if kind == "person":
        ctx.persons.add(ident)
    return HTMLResponse(answer.body)
