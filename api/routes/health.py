"""GET /health: the one route that needs no token (it says nothing about the data)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PUBLIC, require_role

router = APIRouter(tags=["health"])


@router.get("/health", openapi_extra=require_role(PUBLIC, action="none"))
async def health() -> dict[str, str]:
    """Liveness: the service is up. Answered on the event loop itself: it takes no lock and waits
    for no worker thread, so it answers while loads and long reads run."""
    return {"status": "ok"}
