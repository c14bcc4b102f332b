"""The embedded store's queued bulk loads: in order, seen by every read, failures raised at flush."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph_intel.ingest import ingest
from graph_intel.schema import schema
from graph_intel.stores.base import StoreError
from graph_intel.stores.frames import conform_nodes
from graph_intel.stores.ladybug_store import LadybugStore


def persons(*ids: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": [f"d:{i}" for i in ids],
            "id": list(ids),
            "dataset": "d",
            "sources": [["d:s"]] * len(ids),
        }
    )


def test_a_read_sees_every_queued_load(tmp_path: Path) -> None:
    with LadybugStore(tmp_path / "s") as store:
        store.upsert_nodes("Person", persons("P1", "P2"))
        store.upsert_nodes(
            "Phone", pd.DataFrame({"key": ["+447700900001"], "id": ["+447700900001"]})
        )
        store.upsert_links(
            "USES_PHONE",
            "Person",
            "Phone",
            pd.DataFrame({"from_key": ["d:P1"], "to_key": ["+447700900001"], "sources": [["d:s"]]}),
        )
        # no flush: the read waits for the three queued loads
        assert len(store.links("USES_PHONE")) == 1
        assert store.counts()["Person"] == 2


def test_links_to_ends_not_stored_are_refused_before_anything_is_queued(tmp_path: Path) -> None:
    with LadybugStore(tmp_path / "s") as store:
        store.upsert_nodes("Person", persons("P1"))
        with pytest.raises(StoreError, match=r"not stored: d:P99.*write the Person rows first"):
            store.upsert_links(
                "ASSOCIATE_OF",
                "Person",
                "Person",
                pd.DataFrame({"from_key": ["d:P1"], "to_key": ["d:P99"], "sources": [["d:s"]]}),
            )
        assert store.counts()["ASSOCIATE_OF"] == 0


def test_a_failed_load_is_raised_at_flush_and_the_loads_after_it_are_skipped(
    tmp_path: Path,
) -> None:
    with LadybugStore(tmp_path / "s") as store:
        spec = schema().entity("Person")
        twice = conform_nodes(
            spec, persons("P1", "P1")
        )  # a duplicate primary key: the whole COPY is refused
        store._copy(spec.name, twice, spec.columns())
        store._copy(spec.name, conform_nodes(spec, persons("P2")), spec.columns())
        with pytest.raises(StoreError, match="bulk load into Person failed"):
            store.flush()
        store.flush()  # the error is raised once; the store goes on
        assert store.counts()["Person"] == 0  # P2 was not loaded after the failure
        store.upsert_nodes("Person", persons("P3"))
        assert store.nodes("Person")["key"].tolist() == ["d:P3"]


def test_many_chunks_give_the_same_graph_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [f"person,P{i},phone,07700 900{i % 300:03d},uses_phone" for i in range(900)]
    rows += [f"person,P{i},person,P{(i * 7) % 900},associate_of" for i in range(900)]
    (folder / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link\n" + "\n".join(rows) + "\n"
    )
    counts = []
    for chunk_rows in (10_000, 97):
        with LadybugStore(tmp_path / f"s{chunk_rows}") as store:
            report = ingest(store, folder, dataset="d", chunk_rows=chunk_rows)
            assert report.quarantined == 0
            counts.append(store.counts())
            again = ingest(store, folder, dataset="d", chunk_rows=chunk_rows)
            assert (again.writes.created, again.writes.updated) == (0, 0)
    assert counts[0] == counts[1]
    assert counts[0]["USES_PHONE"] == 900 and counts[0]["Phone"] == 300


def phone(key: str, spelling: str, seen: str, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": [key],
            "id": [key],
            "spellings": [[spelling]],
            "sources": [[source]],
            "first_seen": [pd.Timestamp(seen)],
            "last_seen": [pd.Timestamp(seen)],
        }
    )


def test_a_bulk_load_merges_held_rows_by_the_upsert_rules_and_reads_see_them(
    tmp_path: Path,
) -> None:
    key = "+447700900001"
    with LadybugStore(tmp_path / "s") as store:
        with store.bulk():
            first = store.upsert_nodes("Phone", phone(key, "07700 900001", "2011-05-01", "d:a"))
            again = store.upsert_nodes("Phone", phone(key, "+44 7700 900001", "2011-02-01", "d:b"))
            assert (first.created, again.created, again.updated) == (
                1,
                0,
                0,
            )  # one phone, as if read whole
            got = store.nodes("Phone")  # a read inside the block sees the held row
            assert got["spellings"].tolist() == [["07700 900001", "+44 7700 900001"]]
            store.upsert_nodes("Phone", phone(key, "07700900001", "2011-09-09", "d:a"))
        row = store.nodes("Phone").iloc[0]
        assert row["spellings"] == ["07700 900001", "+44 7700 900001", "07700900001"]
        assert row["sources"] == ["d:a", "d:b"]
        assert (str(row["first_seen"])[:10], str(row["last_seen"])[:10]) == (
            "2011-02-01",
            "2011-09-09",
        )
        # outside a bulk load, writes report against what is stored, as before
        assert (
            store.upsert_nodes("Phone", phone(key, "07700-900-001", "2011-09-09", "d:a")).updated
            == 1
        )


def test_a_file_read_in_chunks_reports_what_it_reports_read_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [
        f"person,P{i % 50},phone,07700 900{i % 70:03d},uses_phone,2011-0{1 + i % 9}-01"
        for i in range(600)
    ]
    (folder / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link,first_seen\n" + "\n".join(rows) + "\n"
    )
    reports, graphs = [], []
    for chunk_rows in (10_000, 53):
        with LadybugStore(tmp_path / f"s{chunk_rows}") as store:
            reports.append(ingest(store, folder, dataset="d", chunk_rows=chunk_rows).as_json())
            graphs.append(
                (
                    store.counts(),
                    store.links("USES_PHONE")
                    .sort_values(["from_key", "to_key"])[
                        ["from_key", "to_key", "first_seen", "last_seen"]
                    ]
                    .reset_index(drop=True),
                )
            )
    assert reports[0] == reports[1]
    assert graphs[0][0] == graphs[1][0]
    pd.testing.assert_frame_equal(graphs[0][1], graphs[1][1])


def test_reads_on_other_threads_during_a_bulk_load_lose_nothing(tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "in"
    folder.mkdir()
    rows = [
        f"person,P{i % 40},phone,07700 900{i % 90:03d},uses_phone,2011-0{1 + i % 9}-01"
        for i in range(900)
    ]
    (folder / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link,first_seen\n" + "\n".join(rows) + "\n"
    )
    graphs = []
    for readers in (0, 2):
        with LadybugStore(tmp_path / f"s{readers}") as store:
            done = threading.Event()

            def read(store: LadybugStore = store, done: threading.Event = done) -> None:
                while not done.is_set():
                    store.counts()  # each read flushes the held rows mid-load

            threads = [threading.Thread(target=read) for _ in range(readers)]
            for t in threads:
                t.start()
            try:
                ingest(store, folder, dataset="d", chunk_rows=37)
            finally:
                done.set()
                for t in threads:
                    t.join()
            links = store.links("USES_PHONE").sort_values(["from_key", "to_key"])
            graphs.append(
                (
                    store.counts(),
                    links[["from_key", "to_key", "first_seen", "last_seen"]].reset_index(drop=True),
                    store.nodes("Phone")
                    .sort_values("key")[["key", "spellings", "first_seen", "last_seen"]]
                    .reset_index(drop=True),
                )
            )
    assert graphs[0][0] == graphs[1][0]
    pd.testing.assert_frame_equal(graphs[0][1], graphs[1][1])
    pd.testing.assert_frame_equal(graphs[0][2], graphs[1][2])
