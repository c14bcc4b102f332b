"""Backends registered by URI scheme: a path or `ladybug:` is the embedded store, neo4j:// and
bolt:// a Neo4j server; nothing outside graph_intel/stores knows which backend it has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph_intel.settings import Settings
from graph_intel.stores import BACKENDS, StoreError, backend_for, missing_store, open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "backend", "target"),
    [
        ("graph-intel-store", "embedded", "graph-intel-store"),
        ("/data/case 1", "embedded", "/data/case 1"),
        ("case:1", "embedded", "case:1"),  # no registered scheme: a folder of that name
        ("ladybug:/data/store", "embedded", "/data/store"),
        ("ladybug:///data/store", "embedded", "/data/store"),
        ("LADYBUG:rel/store", "embedded", "rel/store"),
        ("neo4j://localhost:7687", "neo4j", "neo4j://localhost:7687"),
        ("neo4j+s://db.example.invalid", "neo4j", "neo4j+s://db.example.invalid"),
        ("bolt://127.0.0.1:7687", "neo4j", "bolt://127.0.0.1:7687"),
        ("bolt+ssc://127.0.0.1", "neo4j", "bolt+ssc://127.0.0.1"),
    ],
)
def test_a_store_name_picks_its_backend_by_scheme(name: str, backend: str, target: str) -> None:
    found, given = backend_for(name)
    assert (found.name, given) == (backend, target)


def test_the_embedded_store_opens_by_path_or_ladybug_uri(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "unused")
    folder = tmp_path / "store"
    assert missing_store(folder, settings=settings) is not None
    with pytest.raises(StoreError, match="no graph-intel store at"):
        open_store(f"ladybug:{folder}", create=False, settings=settings)
    with open_store(f"ladybug:{folder}", settings=settings) as store:
        assert store.name == "embedded"
        assert store.local_path == folder  # a child process can open it there
    assert missing_store(folder, settings=settings) is None
    with open_store(folder, create=False, settings=settings) as again:
        assert again.local_path == folder


def test_the_settings_name_the_store_when_the_arguments_do_not(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "from-settings")
    with open_store(settings=settings) as store:
        assert store.local_path == tmp_path / "from-settings"


def test_a_neo4j_uri_goes_to_the_neo4j_backend() -> None:
    # no server here: reaching it fails, with the URI and what to check
    with pytest.raises(StoreError, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:9"):
        open_store(neo4j="bolt://127.0.0.1:9", settings=Settings())
    assert (
        missing_store(neo4j="bolt://127.0.0.1:9", settings=Settings()) is None
    )  # judged when reached


def test_every_scheme_is_registered_once_per_backend() -> None:
    names = {b.name for b in BACKENDS.values()}
    assert names == {"embedded", "neo4j"}
    assert BACKENDS[""] is BACKENDS["ladybug"]


def test_no_code_outside_stores_names_a_backend_class() -> None:
    """Code outside graph_intel/stores asks the store (local_path, generation), never its class."""
    named = re.compile(r"\b(LadybugStore|Neo4jStore|ladybug_store|neo4j_store)\b")
    offenders = [
        str(p.relative_to(ROOT))
        for top in ("graph_intel", "loaders", "api")
        for p in (ROOT / top).rglob("*.py")
        if "stores" not in p.relative_to(ROOT).parts[:2]
        and named.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
