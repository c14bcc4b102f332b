"""GET /health: the one route that needs no token (it says nothing about the data)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PUBLIC, require_role

router = APIRouter(tags=["health"])


@router.get("/health", openapi_extra=require_role(PUBLIC, action="none"))
def health() -> dict[str, str]:
    """Liveness: the service is up."""
    return {"status": "ok"}
