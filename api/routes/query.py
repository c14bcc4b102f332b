"""POST /api/v1/query: raw Cypher with parameters, read-only, for analysts.

Defence in depth: writing and procedure clauses are refused up front with a clear 400, and the
store runs what remains inside a read-only transaction (GraphStore.query).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Audit, ServicesDep, require_role
from api.routes.read import json_response
from graph_intel.stores import StoreError

log = logging.getLogger("graph_intel.api")
router = APIRouter(prefix="/api/v1", tags=["query"])

WRITING = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|ALTER|COPY|LOAD|IMPORT|EXPORT|INSTALL|ATTACH|"
    r"DETACH|CALL|FOREACH|BEGIN|COMMIT|ROLLBACK|CHECKPOINT|USE)\b",
    re.IGNORECASE,
)
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.DOTALL)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


class CypherQuery(BaseModel):
    """A read-only Cypher query; values go in `params`, referenced as $name."""

    cypher: str = Field(min_length=1, max_length=10_000)
    params: dict[str, Any] = Field(default_factory=dict)


def writing_clause(cypher: str) -> str | None:
    """The first writing or procedure keyword outside strings and comments, or None."""
    code = _STRINGS.sub("''", _COMMENTS.sub(" ", cypher))
    found = WRITING.search(code)
    return found.group(1).upper() if found else None


@router.post(
    "/query",
    openapi_extra=require_role("analyst", action="consultation"),
    response_model=None,
    responses={200: {"description": "{columns, rows, truncated}", "content": {"application/json": {}}}},
)
def raw_query(svc: ServicesDep, ctx: Audit, body: Annotated[CypherQuery, Body()]) -> Response:
    """Run read-only Cypher with parameters; returns columns and rows (at most max_query_rows)."""
    ctx.params.update({"cypher": body.cypher, "query_params": body.params})
    clause = writing_clause(body.cypher)
    if clause:
        raise HTTPException(status_code=400, detail=f"{clause} is not allowed: raw queries are read-only")
    if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", k) for k in body.params):
        raise HTTPException(status_code=400, detail="parameter names must be identifiers")
    try:
        frame = svc.store.query(body.cypher, body.params)
    except StoreError:
        log.warning("raw query failed", exc_info=True)
        raise HTTPException(status_code=400, detail="the query could not be run: check its syntax, labels and parameters") from None
    limit = svc.settings.max_query_rows
    rows = frame.head(limit).to_dict("records")
    return json_response({"columns": [str(c) for c in frame.columns], "rows": rows, "truncated": len(frame) > limit})
