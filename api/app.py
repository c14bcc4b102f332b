"""The FastAPI app: create_app(settings) builds it; the lifespan opens one store handle for its life."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse

from api.audit import open_audit
from api.cache import ResponseCache
from api.deps import PUBLIC, ROLES_KEY, Services, enforce_access, require_role
from api.errors import declare_errors, install_error_handlers
from api.middleware import GuardMiddleware, install_access_log_filter
from api.routes import admin, health, ingest, network, query, read
from api.settings import Settings
from api.users import UserStore
from api.web import WEB_PREFIX, build_web
from api.web.prepare import Preparer
from graph_intel.alerts import install as install_alert_check
from graph_intel.commands import load_all
from graph_intel.private import private_files
from graph_intel.stores import open_store

log = logging.getLogger("graph_intel.api")
OPENAPI_PATH = "/api/v1/openapi.json"
#: How long a stopping service waits for the reads still running before it closes the store.
READS_END_SECONDS = 10.0


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service: routes (read routes from the registry), guard, error handlers, OpenAPI."""
    settings = settings or Settings()
    install_access_log_filter()
    private_files()
    install_alert_check()  # every load the service makes checks the watchlists and the matrix

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if (
            getattr(app.state, "services", None) is not None
        ):  # already running (a nested test client)
            yield
            return
        db = settings.api_db_path()
        store = open_store(
            settings.store, settings.neo4j_uri, create=False
        )  # never a new, empty store
        users, audit = UserStore(db), open_audit(settings)
        app.state.services = services = Services(
            settings=settings,
            store=store,
            users=users,
            audit=audit,
            readers=anyio.CapacityLimiter(settings.read_workers),
            cache=ResponseCache(settings.answer_cache_bytes),
        )
        preparer = Preparer(lambda: app.state.services) if settings.hub_prepare else None
        app.state.preparer = preparer
        if preparer is not None:
            preparer.start()
        try:
            yield
        finally:
            if preparer is not None:
                preparer.stop()
            app.state.services = None
            services.loader.stop()  # a load's child process ends now: the load stays marked incomplete
            if services.jobs.active or services.gate.busy:
                # Stopping mid-load: the load stays marked incomplete in the store; waiting for it
                # would hold the stop for as long as it runs.
                log.warning(
                    "stopping with a load in progress: it is recorded as incomplete; load it again"
                )
            elif services.gate.quiet(READS_END_SECONDS):
                services.store.close()
            else:  # a long read (or a page being prepared) still runs: the process ends under it
                log.warning(
                    "stopping while a read still runs: the store is left to the process's end"
                )
            users.close()
            audit.close()
            web.close()

    app = FastAPI(
        title="graph-intel",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(enforce_access)],
    )
    app.include_router(health.router)
    app.include_router(read.build_router(load_all().values()))
    app.include_router(ingest.router)
    app.include_router(query.router)
    app.include_router(admin.router)
    app.include_router(network.router)
    # The hub workspace for people (sign-in, sessions, pages): its own app, mounted at /hub.
    hub, web = build_web(settings, lambda: app.state.services)
    app.state.web = web
    app.mount(WEB_PREFIX, hub)

    @app.get("/", include_in_schema=False, openapi_extra=require_role(PUBLIC, action="none"))
    def front_door() -> RedirectResponse:
        """The browser's front door: the hub's home page (which asks to sign in first)."""
        return RedirectResponse(WEB_PREFIX + "/", status_code=303)

    @app.get(
        OPENAPI_PATH,
        include_in_schema=False,
        openapi_extra=require_role("authenticated", action="none"),
    )
    def openapi_document() -> dict[str, Any]:
        """The OpenAPI document (authenticated: it maps what the service holds)."""
        return app.openapi()

    app.openapi = lambda: _openapi(app, settings)  # type: ignore[method-assign]
    install_error_handlers(app)
    app.add_middleware(
        GuardMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        tile_origin=settings.map_tile_origin(),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-Purpose", "Content-Type"],
            allow_credentials=False,
        )
    return app


DESCRIPTION = (
    "Every read command of the CLI is `GET /api/v1/<command words>` with the same JSON. "
    "Every route but `/health` needs `Authorization: Bearer TOKEN` and `X-Purpose: TEXT` "
    "(kept in the audit log). Each operation's `x-roles` lists the roles allowed."
)


def _openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The OpenAPI document, with the bearer scheme and X-Purpose header on every guarded operation."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    doc.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from `graph-intel users add`.",
    }
    purpose_param = {
        "name": "X-Purpose",
        "in": "header",
        "required": True,
        "description": "Why you need this (kept in the audit log).",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": settings.max_purpose_chars,
            "pattern": r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$",
        },
    }
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get(ROLES_KEY) == [PUBLIC]:
                continue
            operation["security"] = [{"bearer": []}]
            operation.setdefault("parameters", []).append(dict(purpose_param))
    declare_errors(doc, public=lambda operation: operation.get(ROLES_KEY) == [PUBLIC])
    app.openapi_schema = doc
    return doc


def iter_routes(app: FastAPI) -> list[Any]:
    """Every route the app serves, flattened through included routers (for tests and docs)."""
    found: list[Any] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
            else:
                found.append(route)

    walk(list(app.routes))
    return found
