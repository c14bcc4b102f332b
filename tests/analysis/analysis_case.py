"""A small store built from canonical rows written by the test, on any backend (tests/backends.py)."""

from __future__ import annotations

from pathlib import Path

from backends import open_backend

from graph_intel.stores import GraphStore


def build_store(
    folder: Path, files: dict[str, list[dict[str, str]]], backend: str = "embedded"
) -> GraphStore:
    """A fresh store of the backend holding a small canonical dataset written by the test (the
    embedded one in folder/store, where the CLI tests find it)."""
    from canonical_fixtures import write_dataset

    from graph_intel.ingest import ingest

    data = write_dataset(folder / "small", files)
    store = open_backend(backend, folder / "store")
    ingest(store, data)
    return store
