"""A small store built from canonical rows written by the test."""

from __future__ import annotations

from pathlib import Path

from graph_intel.stores import GraphStore, open_store


def build_store(folder: Path, files: dict[str, list[dict[str, str]]]) -> GraphStore:
    """A fresh store holding a small canonical dataset written by the test."""
    from canonical_fixtures import write_dataset

    from graph_intel.ingest import ingest

    data = write_dataset(folder / "small", files)
    store = open_store(folder / "store")
    ingest(store, data)
    return store
