"""Graph stores behind one interface: embedded LadybugDB (default) and Neo4j."""

from __future__ import annotations

import os
from pathlib import Path

from graph_intel.private import private_files
from graph_intel.stores.base import GraphStore, StoreError, Subgraph, UpsertResult

DEFAULT_STORE = "./graph-intel-data"


def open_store(
    store: str | Path | None = None, neo4j: str | None = None, read_only: bool = False, create: bool = True
) -> GraphStore:
    """Open the store the contract names: `--neo4j`/$GRAPH_INTEL_NEO4J_URI, else the embedded one.

    With `create=False` (every command but ingest, import and demo) an embedded store that does
    not exist yet is a StoreError ("no graph-intel store at PATH"), and nothing is created.
    """
    private_files()
    uri = neo4j or os.environ.get("GRAPH_INTEL_NEO4J_URI")
    if uri:
        from graph_intel.stores.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri,
            user=os.environ.get("GRAPH_INTEL_NEO4J_USER", "neo4j"),
            password=os.environ.get("GRAPH_INTEL_NEO4J_PASSWORD", ""),
        )
    from graph_intel.stores.ladybug_store import LadybugStore

    path = store or os.environ.get("GRAPH_INTEL_STORE") or DEFAULT_STORE
    return LadybugStore(path, read_only=read_only, create=create)


__all__ = ["DEFAULT_STORE", "GraphStore", "StoreError", "Subgraph", "UpsertResult", "open_store"]
