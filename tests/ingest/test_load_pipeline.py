"""One load pipeline: readers registered by name parse; graph_intel.load.load writes, and every way
in (graph-intel ingest, graph-intel import, the ingest() function) goes through it; the folder is
checked once per load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import graph_intel.load as load_module
from graph_intel.cli import app
from graph_intel.ingest import ingest
from graph_intel.load import IngestError, LoadSettings, load, reader
from graph_intel.stores.base import GraphStore
from loaders.readers import READERS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The datasets each DatasetLoad began, in order: what went through load()."""
    begun: list[str] = []

    class Counted(load_module.DatasetLoad):
        def __init__(self, store: GraphStore, name: str, *args: Any, **kwargs: Any) -> None:
            begun.append(name)
            super().__init__(store, name, *args, **kwargs)

    monkeypatch.setattr(load_module, "DatasetLoad", Counted)
    return begun


def test_the_readers_are_registered_by_name() -> None:
    reader("canonical")
    assert {"canonical", "table", "neo4j-admin"} <= set(READERS)
    with pytest.raises(IngestError, match="no reader named 'xml'; known: canonical"):
        reader("xml")


def test_ingest_and_import_on_the_command_line_both_load_through_load(
    loads: list[str], small_folder: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(small_folder), "--store", store, "--json"])
    assert first.exit_code in (0, 1), first.output
    second = runner.invoke(
        app,
        [
            "import",
            "cdr-export",
            str(FIXTURES / "cdr-export.csv"),
            "--dataset",
            "op",
            "--store",
            store,
            "--json",
        ],
    )
    assert second.exit_code in (0, 1), second.output
    assert loads == ["case1", "op"]
    # both placed their quarantine file beside the store, one per load
    assert json.loads(first.stdout)["quarantine_file"].startswith(
        str(tmp_path / "store" / "quarantine" / "case1")
    )
    assert json.loads(second.stdout)["quarantine_file"].startswith(
        str(tmp_path / "store" / "quarantine" / "op")
    )


def test_the_folder_is_checked_once_per_load(
    monkeypatch: pytest.MonkeyPatch, embedded: GraphStore, small_folder: Path
) -> None:
    import loaders.readers.canonical as canonical

    checked: list[str] = []
    real = canonical._check_header

    def counted(path: Path, required: tuple[str, ...]) -> None:
        checked.append(path.name)
        real(path, required)

    monkeypatch.setattr(canonical, "_check_header", counted)
    ingest(embedded, small_folder)
    assert sorted(checked) == sorted(p.name for p in small_folder.glob("*.csv"))  # each file once


def test_load_with_a_reader_gives_the_report_ingest_gives(
    tmp_path: Path, small_folder: Path
) -> None:
    from graph_intel.stores import open_store

    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        direct = load(a, reader("canonical"), small_folder, None, LoadSettings()).as_json()
        through = ingest(b, small_folder).as_json()
    assert direct == through
