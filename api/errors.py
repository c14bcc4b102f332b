"""Error answers: one body for every error status, declared once in the OpenAPI document.

Every error the service sends (400 to 503, from a route, a handler or the guard middleware) is
`{"detail": "<one line saying what was wrong and what to do>"}`; a request the service could not
read as declared (422 from validation) also carries `errors`, one `{loc, msg, type}` item per
problem, as FastAPI reports them. `declare_errors` puts this model on every operation's error
responses, so what the document says is what comes back (tests/api/test_api_schemathesis.py).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from graph_intel.ingest import IngestError
from graph_intel.refs import RefError
from graph_intel.safeguarding.roles import RoleError
from graph_intel.stores import StoreError
from loaders.values.dates import DateParseError

log = logging.getLogger("graph_intel.api")

#: Most validation problems spelled out in `detail` (all of them are in `errors`).
_DETAIL_ITEMS = 3


class ValidationItem(BaseModel):
    """One part of a request that is not as declared: where, what, and the kind of problem."""

    loc: list[str | int] = Field(
        description="Where: the part of the request (path, query, header, body) and the name"
    )
    msg: str = Field(description="What is wrong with it")
    type: str = Field(
        description="The kind of problem (FastAPI's error type, e.g. `missing`, `string_too_long`)"
    )


class ErrorBody(BaseModel):
    """An error: the reason in one line, and, for a request not as declared, each problem."""

    detail: str = Field(description="What was wrong and what to do, in one line")
    errors: list[ValidationItem] = Field(
        default_factory=list,
        description="For 422 from validation: each part of the request that is not as declared",
    )


#: The error statuses every guarded operation may answer, and what each means.
ERROR_STATUSES = {
    "400": "A bad request: missing X-Purpose, a token in the URL, an unsafe upload, an ambiguous reference",
    "401": "No valid bearer token",
    "403": "The role may not use this route (or receive restricted material)",
    "404": "No such entity, job or user",
    "413": "The request body (or an upload once unpacked) is larger than the limit",
    "422": "A parameter is not valid (not as declared, or a date or role that does not hold)",
    "500": "An internal error (nothing of it is shown; it has been logged)",
    "503": "A load is in progress (see Retry-After), the store could not answer, or the audit log cannot be written",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def _loc(item: dict[str, Any]) -> str:
    return ".".join(str(part) for part in item.get("loc", ()))


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body for FastAPI's validation errors: a one-line reason and each item (no input echoed)."""
    items = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]
    said = "; ".join(f"{_loc(e)}: {e['msg']}" for e in items[:_DETAIL_ITEMS])
    more = f" (and {len(items) - _DETAIL_ITEMS} more)" if len(items) > _DETAIL_ITEMS else ""
    detail = (
        f"the request is not as declared: {said}{more}"
        if items
        else "the request is not as declared"
    )
    return {"detail": detail, "errors": items}


def declare_errors(doc: dict[str, Any], public: Any) -> None:
    """Give every operation's error responses the one error body, in place.

    Guarded operations (every one but those `public(operation)` says are public) declare every
    status of ERROR_STATUSES; any error status an operation declares itself keeps its description
    and gets the body. FastAPI's own HTTPValidationError, which we never send, is removed.
    """
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for name, schema in (
        ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        .get("$defs", {})
        .items()
    ):
        schemas[name] = schema
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    body.pop("$defs", None)
    schemas["ErrorBody"] = body
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if not public(operation):
                for status, why in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": why})
            for status, response in responses.items():
                if str(status)[:1] in "45":
                    response["content"] = {"application/json": {"schema": dict(_ERROR_REF)}}


def ref_answer(exc: Exception) -> tuple[int, str]:
    """The status and reason for a reference that names nothing (404) or more than one thing (400)."""
    message = str(exc.args[0]) if exc.args else "no such entity"
    return (400 if "ambiguous" in message else 404), message


def install_error_handlers(app: FastAPI) -> None:
    """Errors users can act on say what and why; anything else is a generic 500 (guard middleware)."""

    async def ref_error(request: Request, exc: Exception) -> JSONResponse:
        status, message = ref_answer(exc)
        return JSONResponse({"detail": message}, status_code=status)

    async def ingest_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def role_error(request: Request, exc: Exception) -> JSONResponse:
        # a person named as the adult or the child is not one on the date: the reason, for the user to act on
        return JSONResponse({"detail": str(exc)}, status_code=422)

    async def date_error(request: Request, exc: Exception) -> JSONResponse:
        """A date parameter that is not a date, or is ambiguous: 422, saying why (no guessing)."""
        return JSONResponse({"detail": str(exc)}, status_code=422)

    async def value_error(request: Request, exc: Exception) -> JSONResponse:
        log.info("bad request on %s: %s", request.url.path, exc)
        return JSONResponse(
            {"detail": "a parameter is not valid for this command"}, status_code=400
        )

    async def store_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("store error on %s", request.url.path, exc_info=exc)
        return JSONResponse(
            {"detail": "the store could not answer; the error has been logged"}, status_code=503
        )

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        errors = list(exc.errors()) if isinstance(exc, RequestValidationError) else []
        return JSONResponse(validation_body(errors), status_code=422)

    app.add_exception_handler(RefError, ref_error)
    app.add_exception_handler(RoleError, role_error)
    app.add_exception_handler(IngestError, ingest_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(DateParseError, date_error)
    app.add_exception_handler(ValueError, value_error)
