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


def link_row(
    a: str, kind_a: str, b: str, kind_b: str, link: str, source: str = "S1", seen: str = ""
) -> dict[str, str]:
    """One row of links.csv (first_seen blank: the source's recorded date)."""
    return {
        "from_kind": kind_a,
        "from_id": a,
        "to_kind": kind_b,
        "to_id": b,
        "link": link,
        "first_seen": seen,
        "source_id": source,
    }
