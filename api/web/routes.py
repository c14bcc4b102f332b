"""The hub workspace as an app: its state, its error pages and its page families.

Each page family is its own module with its own router: sign-in and out (api.web.signin), the case
pages (api.web.case: home, child, entity, search), documents (api.web.documents: briefing, pack,
picture, stylesheets) and Load data (api.web.loading). Every page needs a live session
(api.web.sessions) and writes the same hash-chained audit entry as an API request (the guard
middleware writes it from the request's audit context, which the pages fill in: who, role,
purpose, the persons the page discloses). Every form carries its session's CSRF token and is
refused without it. Viewers read through the restricted view and see children by id and initials
only; admins manage users and the audit log, and read no case data.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from api.deps import Services
from api.settings import Settings
from api.web import case, documents, loading, signin
from api.web.errors import install_hub_errors
from api.web.state import WebState

#: The hub's page families, in the order their routes are matched.
FAMILIES = (documents.router, signin.router, case.router, loading.router)


def build_web(settings: Settings, services_of: Callable[[], Services]) -> tuple[FastAPI, WebState]:
    """The hub as an app to mount at /hub, and its state (sessions, passwords, templates)."""
    web = WebState(settings)
    hub = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    hub.state.web = web
    hub.state.services_of = services_of
    install_hub_errors(hub)
    for router in FAMILIES:
        hub.include_router(router)
    return hub, web


__all__ = ["FAMILIES", "build_web"]
