"""The hub's error answers: the API's statuses and reasons (api.errors), as a page to read.

A reference that names nothing is 404 and an ambiguous one 400, exactly as the API answers them
(`api.errors.ref_answer`); a missing session is a redirect to the sign-in page; a form without its
CSRF token is 403; a load in progress is 503 with Retry-After.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import audit_context
from api.errors import ref_answer
from api.loads import LoadInProgress
from api.web.page import SignInRequired, open_page
from api.web.policy import WEB_PREFIX
from graph_intel.refs import RefError
from graph_intel.safeguarding.matrix import MatrixError
from graph_intel.safeguarding.roles import RoleError

CSRF_MISSING = "this form's security token is missing: reload the page and send it again"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The error page (with whoever is signed in), or a bare one when even that is not possible."""
    try:
        p = open_page(
            request, action=audit_context(request).action or "consultation", signed_in=False
        )
    except Exception:  # noqa: BLE001 - an error page must always be possible
        return HTMLResponse(
            f"<!DOCTYPE html><title>Error</title><p>{status}</p>", status_code=status
        )
    return p.render("error.html", status=status, status_code=status, message=message)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    back = exc.back if isinstance(exc, SignInRequired) else WEB_PREFIX + "/"
    return RedirectResponse(f"{WEB_PREFIX}/sign-in?next={quote(back, safe='')}", status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    return error_page(request, status, str(getattr(exc, "detail", "error")))


async def ref_error(request: Request, exc: Exception) -> Response:
    return error_page(request, *ref_answer(exc))


async def load_running(request: Request, exc: Exception) -> Response:
    detail = exc.detail() if isinstance(exc, LoadInProgress) else "a load is in progress"
    response = error_page(request, 503, detail)
    response.headers["Retry-After"] = "5"
    return response


async def user_error(request: Request, exc: Exception) -> Response:
    return error_page(request, 422, str(exc))


async def invalid(request: Request, exc: Exception) -> Response:
    """A form not as declared: 403 when its CSRF token is missing, else 422 naming the fields."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in errors) or "a field"
    if any(str(e.get("loc", [""])[-1]) == "csrf" for e in errors):
        audit_context(request).params["refused"] = "CSRF token missing"
        return error_page(request, 403, CSRF_MISSING)
    return error_page(request, 422, f"the form is not complete or not valid: {fields}")


def install_hub_errors(hub: FastAPI) -> None:
    """Every error the hub's pages raise, answered as a page."""
    hub.add_exception_handler(SignInRequired, sign_in_required)
    hub.add_exception_handler(HTTPException, http_error)
    hub.add_exception_handler(StarletteHTTPException, http_error)
    hub.add_exception_handler(RefError, ref_error)
    hub.add_exception_handler(LoadInProgress, load_running)
    hub.add_exception_handler(RoleError, user_error)
    hub.add_exception_handler(MatrixError, user_error)
    hub.add_exception_handler(RequestValidationError, invalid)
