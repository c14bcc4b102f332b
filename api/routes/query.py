"""POST /api/v1/query: raw Cypher with parameters, read-only, for analysts.

What may run is decided by the database, not by reading the text: the store's `user_query`
runs the statement only when the database prepares it as one statement, when its own plan
(EXPLAIN) only reads the graph (no writes, no files, no procedures, no extensions), and then
inside a read-only transaction (graph_intel.stores.untrusted). A refusal is a 400 naming what
refused it; the audit records the statement, the refusal, and the persons the answer names.
The route can be switched off (`GRAPH_INTEL_RAW_QUERY=false`).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Audit, ServicesDep, require_role
from api.loads import RETRY_AFTER_SECONDS, LoadInProgress
from api.routes.read import json_response
from graph_intel.stores import StoreError
from graph_intel.stores.untrusted import RefusedStatement, screened_keyword

log = logging.getLogger("graph_intel.api")
router = APIRouter(prefix="/api/v1", tags=["query"])

#: Kept for callers of the earlier name: the keyword screen applied before the database sees the
#: statement (one pass over strings, quoted names and comments). It is not what enforces read-only.
writing_clause = screened_keyword
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
READ_ONLY = "raw queries are one read-only statement over the graph (no writes, files, procedures or second statements)"


class CypherQuery(BaseModel):
    """A read-only Cypher query; values go in `params`, referenced as $name."""

    cypher: str = Field(min_length=1, max_length=10_000)
    params: dict[str, Any] = Field(default_factory=dict)


@router.post(
    "/query",
    openapi_extra=require_role("analyst", action="consultation"),
    response_model=None,
    responses={
        200: {"description": "{columns, rows, truncated}", "content": {"application/json": {}}}
    },
)
def raw_query(svc: ServicesDep, ctx: Audit, body: Annotated[CypherQuery, Body()]) -> Response:
    """Run one read-only Cypher statement with parameters; returns columns and rows (at most max_query_rows)."""
    ctx.params.update({"cypher": body.cypher, "query_params": body.params})
    if not svc.settings.raw_query:
        raise HTTPException(
            status_code=403,
            detail="raw queries are switched off on this service (GRAPH_INTEL_RAW_QUERY)",
        )
    if not all(_PARAM_NAME.fullmatch(k) for k in body.params):
        raise HTTPException(status_code=400, detail="parameter names must be identifiers")
    try:
        with (
            svc.gate.reading()
        ):  # never during a load (its handle may be closed for the load's process)
            frame = svc.store.user_query(body.cypher, body.params)
            limit = svc.settings.max_query_rows
            rows = frame.head(limit).to_dict("records")
            ctx.persons |= svc.persons.disclosed(svc.store, rows)
    except LoadInProgress as exc:
        raise HTTPException(
            status_code=503, detail=exc.detail(), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        ) from None
    except RefusedStatement as exc:
        what = str(exc.args[0]) if exc.args else "the statement"
        ctx.params["refused"] = what
        raise HTTPException(status_code=400, detail=f"{what} is not allowed: {READ_ONLY}") from None
    except StoreError:
        log.warning("raw query failed", exc_info=True)
        ctx.params["refused"] = "not run"
        raise HTTPException(
            status_code=400,
            detail=f"the query could not be run ({READ_ONLY}): check its syntax, labels and parameters",
        ) from None
    answer = {
        "columns": [str(c) for c in frame.columns],
        "rows": rows,
        "truncated": len(frame) > limit,
    }
    return json_response(answer)
