"""Graph stores behind one interface: embedded LadybugDB (default) and Neo4j."""

from __future__ import annotations

from pathlib import Path

from graph_intel.private import private_files
from graph_intel.settings import DEFAULT_STORE, Settings
from graph_intel.stores.base import GraphStore, StoreError, Subgraph, UpsertResult


def open_store(
    store: str | Path | None = None, neo4j: str | None = None, read_only: bool = False, create: bool = True,
    settings: Settings | None = None,
) -> GraphStore:
    """Open the store the contract names: `--neo4j`/$GRAPH_INTEL_NEO4J_URI, else the embedded one.

    With `create=False` (every command but ingest, import and demo) an embedded store that does
    not exist yet is a StoreError ("no graph-intel store at PATH"), and nothing is created.
    What the arguments leave open comes from `settings` (default: the environment, read by
    graph_intel.settings).
    """
    private_files()
    if settings is None:
        settings = _from_environment()
    uri = neo4j or settings.neo4j_uri
    if uri:
        from graph_intel.stores.neo4j_store import Neo4jStore

        return Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password.get_secret_value())
    from graph_intel.stores.ladybug_store import LadybugStore

    path = store or settings.store
    return LadybugStore(path, read_only=read_only, create=create)


def _from_environment() -> Settings:
    """The settings from the environment; a variable that cannot be read is a StoreError naming it."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        bad = ", ".join(f"GRAPH_INTEL_{'_'.join(str(p) for p in e['loc']).upper()} ({e['msg']})" for e in exc.errors())
        raise StoreError(f"cannot read the settings from the environment: {bad}") from exc


__all__ = ["DEFAULT_STORE", "GraphStore", "StoreError", "Subgraph", "UpsertResult", "open_store"]
