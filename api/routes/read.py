"""GET /api/v1/<words>: one route per registered read command, generated at start-up.

Parameters without defaults become path segments, the rest query parameters; the JSON is the
command's own, exactly as the CLI prints it. Each route's least role is the command's.
"""

from __future__ import annotations

import inspect
import logging
import typing
from collections.abc import Awaitable, Callable, Hashable, Iterable
from pathlib import Path as FsPath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from api import loads
from api.cache import Cached
from api.deps import audit_context, require_role, services
from graph_intel.commands import ReadCommand, to_json
from graph_intel.handling import restricted_view

log = logging.getLogger("graph_intel.api")

PREFIX = "/api/v1"
MAX_ID_CHARS = 200
#: Keys whose string values (or lists of strings) name persons in command JSON.
PERSON_KEYS = frozenset({"person_id", "adult", "child", "served_on", "a", "b"})
PERSON_LIST_KEYS = frozenset({"members", "persons", "children", "new_adults"})
#: Roles that may receive restricted material (handling code C) when they ask; every other role
#: (the viewer) reads through graph_intel.handling.restricted_view and may not ask.
RESTRICTED_ROLES = frozenset({"analyst", "admin"})


def json_response(data: Any) -> Response:
    """The command's JSON, serialised as the CLI serialises it."""
    return Response(to_json(data), media_type="application/json")


def persons_in(doc: Any, found: set[str] | None = None) -> set[str]:
    """Ids of the persons a command's JSON names where its contract says so (bare or `DATASET:ID`).

    The audit does not rely on this: it records every person any string of the answer names, as a
    store key (api.disclosure), so a command whose JSON names persons under another key is covered.
    """
    found = set() if found is None else found
    if isinstance(doc, dict):
        if doc.get("kind") == "person" and isinstance(doc.get("id"), str):
            found.add(
                f"{doc['dataset']}:{doc['id']}"
                if isinstance(doc.get("dataset"), str)
                else doc["id"]
            )
        for key, value in doc.items():
            if key in PERSON_KEYS and isinstance(value, str):
                found.add(value)
            elif key in PERSON_LIST_KEYS and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            if isinstance(value, dict | list):
                persons_in(value, found)
    elif isinstance(doc, list):
        for item in doc:
            persons_in(item, found)
    return found


def route_path(command: ReadCommand) -> str | None:
    """The command's route, or None when it cannot be one (it writes files, takes *args)."""
    params = list(inspect.signature(command.func).parameters.values())[1:]
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return None
    hints = _hints(command.func)
    if any(hints.get(p.name) in (FsPath, FsPath | None) or p.name == "out" for p in params):
        return None
    segments = [p.name for p in params if p.default is inspect.Parameter.empty]
    return PREFIX + "/" + "/".join(command.words) + "".join(f"/{{{s}}}" for s in segments)


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception:  # an annotation that cannot be resolved: treat it as text
        return {}


async def gated_answer(
    request: Request, key: Hashable, make: Callable[[], Cached]
) -> tuple[Cached, dict[str, str]]:
    """A read's answer through the load gate, the bounded pool and the cache (api.loads), with
    the headers it carries (an answer from before a running load; loads that did not finish)."""
    svc = services(request)
    answer, headers = await loads.answer(
        request,
        svc.current_store,
        svc.cache,
        svc.gate,
        svc.readers,
        key,
        make,
        svc.settings.read_patience_seconds,
    )
    if not headers:
        known = svc.incomplete.known(svc.current_store, svc.gate)
        headers = (
            known
            if known is not None
            else await anyio.to_thread.run_sync(
                svc.incomplete.header, svc.current_store, svc.gate, limiter=svc.readers
            )
        )
    return answer, headers


def _endpoint(command: ReadCommand) -> Callable[..., Awaitable[Response]]:
    """An endpoint whose signature FastAPI reads for its parameters; the command runs in a worker
    thread of the bounded read pool (api.loads)."""
    params = list(inspect.signature(command.func).parameters.values())[1:]
    hints = _hints(command.func)

    async def endpoint(request: Request, **kwargs: Any) -> Response:
        ctx = audit_context(request)
        ctx.params["args"] = kwargs
        svc = services(request)
        # restricted material (graph_intel.handling) never goes to a role that may not receive it
        full = ctx.role in RESTRICTED_ROLES
        if kwargs.get("include_restricted") and not full:
            raise HTTPException(
                status_code=403, detail=f"the {ctx.role} role may not receive restricted material"
            )

        def make() -> Cached:
            data = command.func(svc.store if full else restricted_view(svc.store), **kwargs)
            body = to_json(data).encode("utf-8")
            return Cached(
                body,
                "application/json",
                frozenset(svc.persons.disclosed(svc.store, [data, kwargs])),
            )

        answer, headers = await gated_answer(
            request, (command.words, tuple(sorted(kwargs.items())), full), make
        )
        ctx.persons |= answer.persons
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    sig_params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for p in params:
        hint = hints.get(p.name, str)
        textual = hint in (str, str | None)
        if p.default is inspect.Parameter.empty:
            marker: Any = Path(max_length=MAX_ID_CHARS) if textual else Path()
            sig_params.append(
                inspect.Parameter(
                    p.name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[hint, marker]
                )
            )
        else:
            marker = Query(max_length=MAX_ID_CHARS) if textual else Query()
            sig_params.append(
                inspect.Parameter(
                    p.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=p.default,
                    annotation=Annotated[hint, marker],
                )
            )
    endpoint.__signature__ = inspect.Signature(sig_params)  # type: ignore[attr-defined]
    endpoint.__name__ = "read_" + "_".join(w.replace("-", "_") for w in command.words)
    endpoint.__doc__ = command.summary
    return endpoint


def build_router(commands: Iterable[ReadCommand]) -> APIRouter:
    """A router with one GET route per read command, each under the command's least role."""
    router = APIRouter(tags=["read"])
    for command in sorted(commands, key=lambda c: c.words):
        path = route_path(command)
        if path is None:
            log.info(
                "read command %s is not served over HTTP (it writes files)", " ".join(command.words)
            )
            continue
        router.add_api_route(
            path,
            _endpoint(command),
            methods=["GET"],
            summary=command.summary or " ".join(command.words),
            description=f"Same JSON as `graph-intel {' '.join(command.words)} --json`. Least role: {command.role}.",
            openapi_extra=require_role(command.role, action="consultation"),
            response_model=None,
            responses={
                200: {"description": "The command's JSON", "content": {"application/json": {}}}
            },
        )
    return router
