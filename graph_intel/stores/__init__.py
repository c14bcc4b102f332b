"""Graph stores behind one interface, each backend registered by the URI scheme that names it.

A store is named by a path or `ladybug:PATH` (the embedded LadybugDB store, the default) or by a
`neo4j://`, `neo4j+s://`, `bolt://` or `bolt+s://` URI (a Neo4j 5 server). Code outside this
package opens stores with `open_store` and asks the store what it can do (`local_path`), never
which backend it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph_intel.private import private_files
from graph_intel.settings import DEFAULT_STORE, Settings
from graph_intel.stores.base import GraphStore, StoreError, Subgraph, UpsertResult


@dataclass(frozen=True)
class OpenOptions:
    """How a store is opened: read-only, and whether a store that does not exist may be created."""

    read_only: bool = False
    create: bool = True


@dataclass(frozen=True)
class Backend:
    """A store backend: how to open a store it names, and why one is missing (None: it is there)."""

    name: str
    open: Callable[[str, OpenOptions, Settings], GraphStore]
    missing: Callable[[str], str | None]


#: Backends by the URI schemes that name them ("" is a plain path).
BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend, *schemes: str) -> Backend:
    """Register `backend` for `schemes` (lower case, without the colon)."""
    for scheme in schemes:
        BACKENDS[scheme] = backend
    return backend


def _open_embedded(target: str, options: OpenOptions, settings: Settings) -> GraphStore:  # noqa: ARG001
    from graph_intel.stores.ladybug_store import LadybugStore

    return LadybugStore(target, read_only=options.read_only, create=options.create)


def _embedded_missing(target: str) -> str | None:
    from graph_intel.stores.ladybug_store import missing_store_message, store_exists

    return None if store_exists(target) else missing_store_message(Path(target))


def _open_neo4j(target: str, options: OpenOptions, settings: Settings) -> GraphStore:  # noqa: ARG001
    from graph_intel.stores.neo4j_store import Neo4jStore

    return Neo4jStore(
        target, user=settings.neo4j_user, password=settings.neo4j_password.get_secret_value()
    )


register_backend(Backend("embedded", _open_embedded, _embedded_missing), "", "ladybug")
register_backend(
    Backend("neo4j", _open_neo4j, lambda _: None),
    "neo4j",
    "neo4j+s",
    "neo4j+ssc",
    "bolt",
    "bolt+s",
    "bolt+ssc",
)


def backend_for(target: str | Path) -> tuple[Backend, str]:
    """The backend a store's name names, and what that backend is given: a path, or the URI.

    A name whose part before the first ':' is no registered scheme is a path (so a folder called
    `C:` or `case:1` is still a folder); `ladybug:PATH` is the embedded store at PATH."""
    text = str(target)
    scheme, colon, rest = text.partition(":")
    backend = BACKENDS.get(scheme.lower()) if colon else None
    if backend is None:
        return BACKENDS[""], text
    if backend is BACKENDS[""]:
        return backend, rest[2:] if rest.startswith("//") else rest
    return backend, text


def store_target(
    store: str | Path | None = None, neo4j: str | None = None, settings: Settings | None = None
) -> str:
    """The store the arguments and settings name: `--neo4j`/$GRAPH_INTEL_NEO4J_URI, else the store path."""
    settings = settings if settings is not None else _from_environment()
    return str(neo4j or settings.neo4j_uri or store or settings.store)


def open_store(
    store: str | Path | None = None,
    neo4j: str | None = None,
    read_only: bool = False,
    create: bool = True,
    settings: Settings | None = None,
) -> GraphStore:
    """Open the store the contract names: `--neo4j`/$GRAPH_INTEL_NEO4J_URI, else `store` (a path or URI).

    With `create=False` (every command but ingest, import and demo) an embedded store that does
    not exist yet is a StoreError ("no graph-intel store at PATH"), and nothing is created.
    What the arguments leave open comes from `settings` (default: the environment, read by
    graph_intel.settings).
    """
    private_files()
    if settings is None:
        settings = _from_environment()
    backend, target = backend_for(store_target(store, neo4j, settings))
    return backend.open(target, OpenOptions(read_only=read_only, create=create), settings)


def missing_store(
    store: str | Path | None = None, neo4j: str | None = None, settings: Settings | None = None
) -> str | None:
    """Why the store the arguments name cannot be read (it was never created), or None when it can
    be opened (a server's store is judged when it is reached)."""
    backend, target = backend_for(store_target(store, neo4j, settings))
    return backend.missing(target)


def _from_environment() -> Settings:
    """The settings from the environment; a variable that cannot be read is a StoreError naming it."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        bad = ", ".join(
            f"GRAPH_INTEL_{'_'.join(str(p) for p in e['loc']).upper()} ({e['msg']})"
            for e in exc.errors()
        )
        raise StoreError(f"cannot read the settings from the environment: {bad}") from exc


__all__ = [
    "BACKENDS",
    "DEFAULT_STORE",
    "Backend",
    "GraphStore",
    "OpenOptions",
    "StoreError",
    "Subgraph",
    "UpsertResult",
    "backend_for",
    "missing_store",
    "open_store",
    "register_backend",
]
