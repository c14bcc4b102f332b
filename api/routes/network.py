"""GET /api/v1/pages/network/{kind}/{ident}: the self-contained network page as HTML (viewers).

Served only when the network library provides a page function (see CANDIDATES); its page is
self-contained (no CDN), and the guard middleware sends it with the HTML CSP (inline only).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import audit_context, require_role, services
from api.routes.read import MAX_ID_CHARS

log = logging.getLogger("graph_intel.api")

#: (module, function) pairs tried in order; the function is `f(store, kind, ident, hops=...) -> str`
#: (HTML) or returns an object with an `html` attribute.
CANDIDATES = [
    ("graph_intel.network", "network_html"),
    ("graph_intel.network.page", "network_html"),
    ("graph_intel.network.page", "render_page"),
    ("graph_intel.network.render", "network_html"),
    ("graph_intel.network.render", "render_page"),
]


def page_function() -> Callable[..., Any] | None:
    """The network library's page function, or None when it is not there (yet)."""
    for module_name, attr in CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        func = getattr(module, attr, None)
        if callable(func):
            return func
    return None


def build_router() -> APIRouter | None:
    """The network page router, or None when the library has no page function."""
    func = page_function()
    if func is None:
        log.info("network pages not served: the network library has no page function yet")
        return None
    accepts_hops = "hops" in inspect.signature(func).parameters
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
    ) -> HTMLResponse:
        """The entity's network as a self-contained HTML page (vis-network, inline only)."""
        ctx = audit_context(request)
        ctx.params["args"] = {"kind": kind, "ident": ident, "hops": hops}
        kwargs = {"hops": hops} if accepts_hops else {}
        result = func(services(request).store, kind, ident, **kwargs)
        html = result if isinstance(result, str) else getattr(result, "html", "")
        if kind == "person":
            ctx.persons.add(ident)
        return HTMLResponse(html)

    return router
