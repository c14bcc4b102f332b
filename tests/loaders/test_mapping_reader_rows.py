"""The import-specification reader obeys the canonical reader's rule: no row merged silently."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_intel.ingest import IngestError, import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import parse_spec

SPEC = {
    "name": "t",
    "entities": {"a": {"kind": "Person", "id": "Id"}, "p": {"kind": "Phone", "id": "Tel"}},
    "links": [{"kind": "uses_phone", "from": "a", "to": "p"}],
}


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[LadybugStore]:
    opened = LadybugStore(tmp_path / "store")
    yield opened
    opened.close()


def test_a_quote_left_open_is_quarantined_and_the_rows_after_it_load(
    tmp_path: Path, store: LadybugStore
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        'Id,Tel,Note\nN-1,07700 900121,"never closed\nN-2,07700 900122,\nN-3,07700 900123,"ok"\nN-4,07700 900124,\n'
    )
    report = import_path(
        store, parse_spec(SPEC), path, dataset="t", quarantine_file=tmp_path / "q.csv"
    )
    assert report.rows_loaded == {"export.csv": 3}
    assert report.quarantined == 1
    with (tmp_path / "q.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["line"], row["field"]) == ("2", "Note")
    assert "quote" in row["reason"]
    assert sorted(store.links("USES_PHONE")["to_key"]) == [
        "+447700900122",
        "+447700900123",
        "+447700900124",
    ]


def test_a_repeated_column_name_is_a_clear_error(tmp_path: Path, store: LadybugStore) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Id,Tel,Tel,,\nN-1,07700 900121,x,,\n")
    with pytest.raises(IngestError, match="column 'Tel' appears twice in the header"):
        import_path(store, parse_spec(SPEC), path, dataset="t")


def test_unnamed_columns_may_repeat(tmp_path: Path, store: LadybugStore) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Id,,Tel,,Other\nN-1,a,07700 900121,b,c\n")
    report = import_path(store, parse_spec(SPEC), path, dataset="t")
    assert report.rows_loaded == {"export.csv": 1}
