"""GET /api/v1/pages/network/{kind}/{ident}: the self-contained network page as HTML (viewers).

The page comes from graph_intel.network: offline (vis-network inlined, no CDN), every text from
the data escaped; the guard middleware sends it with the HTML Content-Security-Policy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.cache import Cached
from api.deps import Services, audit_context, require_role, services
from api.routes.read import MAX_ID_CHARS, gated_answer
from graph_intel.network import NetworkPage, network

router = APIRouter(prefix="/api/v1/pages", tags=["pages"])


@router.get(
    "/network/{kind}/{ident}",
    response_class=HTMLResponse,
    openapi_extra=require_role("viewer", action="disclosure"),
)
async def network_page(
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
    args = {
        "kind": kind,
        "ident": ident,
        "hops": hops,
        "min_grade": min_grade,
        "since": since,
        "until": until,
        "links": links,
        "redact": redact,
        "hide_third_parties": hide_third_parties,
    }
    ctx.params["args"] = args
    svc = services(request)

    def make() -> Cached:
        page = network(
            svc.store,
            kind,
            ident,
            hops,
            min_grade=min_grade,
            since=since,
            until=until,
            links=links,
            redact=redact,
            hide_third_parties=hide_third_parties,
        )
        drawn = persons_drawn(svc, page) | (
            svc.persons.disclosed(svc.store, ident) if kind == "person" else set()
        )
        return Cached(page.generate_html().encode("utf-8"), "text/html", frozenset(drawn))

    answer, headers = await gated_answer(request, ("network", tuple(sorted(args.items()))), make)
    ctx.persons |= answer.persons
    return HTMLResponse(answer.body, headers=headers)


def persons_drawn(svc: Services, page: NetworkPage) -> set[str]:
    """Store keys of every person the page shows: drawn as a node, or named in a node's or a link's text."""
    drawn = {
        str(n["id"]).partition("|")[2]
        for n in page.nodes
        if str(n.get("id", "")).startswith("Person|")
    }
    return drawn | svc.persons.disclosed(svc.store, [page.nodes, page.edges])
