"""Ingest of canonical files: exact counts, quarantine with reasons, idempotency, datasets apart."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from canonical_fixtures import SMALL_LOADED, SMALL_QUARANTINED, write_dataset

from graph_intel.ingest import IngestError, ingest
from graph_intel.inspect import stats
from graph_intel.stores.base import GraphStore


def test_counts_and_quarantine(embedded: GraphStore, small_folder: Path, tmp_path: Path) -> None:
    report = ingest(embedded, small_folder, quarantine_file=tmp_path / "q.csv")
    assert report.rows_loaded == SMALL_LOADED
    assert report.quarantined == SMALL_QUARANTINED
    rows = list(csv.DictReader((tmp_path / "q.csv").open()))
    found = {(r["file"], r["line"], r["field"]) for r in rows}
    assert found == {
        ("persons.csv", "5", "person_id"),
        ("events.csv", "4", "start"),
        ("links.csv", "6", "link"),
        ("links.csv", "7", "source_id"),
    }
    assert any("knows_of" in r["reason"] and "uses_phone" in r["reason"] for r in rows)
    s = stats(embedded)
    assert (
        s["persons"],
        s["phones"],
        s["vehicles"],
        s["locations"],
        s["events"],
        s["sources"],
    ) == (3, 1, 1, 2, 2, 3)
    assert s["links"]["uses_phone"] == 2 and s["links"]["participated_in"] == 4


def test_reingest_changes_nothing(embedded: GraphStore, small_folder: Path) -> None:
    ingest(embedded, small_folder)
    before = embedded.counts()
    people = embedded.nodes("Person").sort_values("key").reset_index(drop=True)
    again = ingest(embedded, small_folder)
    assert (again.writes.created, again.writes.updated) == (0, 0)
    assert embedded.counts() == before
    after = embedded.nodes("Person").sort_values("key").reset_index(drop=True)
    assert after.astype(str).equals(people.astype(str))


def test_streaming_in_tiny_chunks_gives_the_same_graph(tmp_path: Path, small_folder: Path) -> None:
    from graph_intel.stores import open_store

    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        ingest(a, small_folder)
        ingest(b, small_folder, chunk_rows=1)
        assert a.counts() == b.counts()
        assert sorted(a.links("USES_PHONE")["from_key"]) == sorted(
            b.links("USES_PHONE")["from_key"]
        )


def test_phone_spellings_become_one_e164_and_provenance_is_kept(
    embedded: GraphStore, small_folder: Path
) -> None:
    ingest(embedded, small_folder)
    phone = embedded.get_node("Phone", "+447700900123")
    assert phone is not None
    assert phone["valid"] is False and phone["parsed"] is True
    assert set(phone["spellings"]) == {"07700 900123", "+44 7700 900123"}
    for link in embedded.all_links().itertuples():
        assert len(link.sources) >= 1
    # a row with a blank source_id gets the dataset's default source
    drives = embedded.links("DRIVES")
    assert list(drives["sources"].iloc[0]) == ["case1:_default"]


def test_extra_columns_are_kept_and_derived_fields_filled(
    embedded: GraphStore, small_folder: Path
) -> None:
    ingest(embedded, small_folder)
    a2 = embedded.get_node("Person", "case1:A2")
    c1 = embedded.get_node("Person", "case1:C1")
    assert a2 is not None and c1 is not None
    assert a2["extra"] == '{"shoe_size": "10"}'
    assert c1["looked_after"] is True and c1["date_of_birth"] == "1997-05-01"
    loc = embedded.get_node("Location", "case1:L2")
    assert loc is not None and loc["postcode"] == "HX2 7QT"


def test_two_datasets_may_both_have_p1(embedded: GraphStore, tmp_path: Path) -> None:
    rows = {"persons.csv": [{"person_id": "P1", "given_name": "Ann"}]}
    ingest(embedded, write_dataset(tmp_path / "police", rows))
    ingest(
        embedded,
        write_dataset(
            tmp_path / "school", {"persons.csv": [{"person_id": "P1", "given_name": "Bea"}]}
        ),
    )
    assert embedded.find_keys("Person", "P1") == ["police:P1", "school:P1"]
    assert embedded.datasets() == ["police", "school"]


def test_a_link_written_backwards_is_read_the_right_way(
    embedded: GraphStore, small_folder: Path
) -> None:
    ingest(embedded, small_folder)
    assert "case1:A2" in set(embedded.links("USES_PHONE")["from_key"])


def test_missing_folder_and_missing_column_are_clear_errors(
    embedded: GraphStore, tmp_path: Path
) -> None:
    with pytest.raises(IngestError, match="no such folder"):
        ingest(embedded, tmp_path / "absent")
    folder = write_dataset(tmp_path / "bad", {"persons.csv": [{"name": "x"}]})
    with pytest.raises(IngestError, match="persons.csv: missing required column"):
        ingest(embedded, folder)


def test_unknown_csv_files_are_reported_not_silently_dropped(
    embedded: GraphStore, tmp_path: Path
) -> None:
    folder = write_dataset(
        tmp_path / "d", {"persons.csv": [{"person_id": "P1"}], "notes.csv": [{"a": "b"}]}
    )
    report = ingest(embedded, folder)
    assert report.ignored_files == ["notes.csv"]


def test_calls_and_plate_reads_are_events(embedded: GraphStore, tmp_path: Path) -> None:
    files = {
        "calls.csv": [
            {
                "caller": "07700 900001",
                "callee": "+447700900002",
                "start": "2011-06-20T19:50:00",
                "duration_s": "61",
                "type": "voice",
            },
            {
                "caller": "07700 900001",
                "callee": "07700 900002",
                "start": "2011-06-20T20:00:00",
                "duration_s": "abc",
                "type": "sms",
            },
        ],
        "anpr.csv": [
            {
                "vrm": "ab12 cde",
                "seen_at": "2011-06-20T21:00:00Z",
                "camera_id": "CAM7",
                "latitude": "53.7",
                "longitude": "-1.8",
            }
        ],
    }
    report = ingest(embedded, write_dataset(tmp_path / "cdr", files))
    assert report.rows_loaded == {"calls.csv": 1, "anpr.csv": 1} and report.quarantined == 1
    events = embedded.nodes("Event").set_index("kind")
    assert events.loc["call", "duration_s"] == 61
    read = events.loc["anpr_read"]
    assert (
        str(read["started_at"]) == "2011-06-20 22:00:00"
    )  # UTC read, stored as UK local time (BST)
    cam = embedded.get_node("Location", "cdr:camera/CAM7")
    assert cam is not None and cam["kind"] == "camera"


def test_links_csv_basis_keeps_associations_apart(tmp_path: Path) -> None:
    from graph_intel.ingest import ingest as run_ingest
    from graph_intel.stores.ladybug_store import LadybugStore

    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        "person_id,category\nA,suspect\nB,suspect\n", encoding="utf-8"
    )
    (folder / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link,basis\n"
        "person,A,person,B,associate_of,\nperson,A,person,B,associate_of,Social Network\n"
        "person,A,person,B,associate_of,gossip\n",
        encoding="utf-8",
    )
    store = LadybugStore(tmp_path / "s")
    try:
        report = run_ingest(store, folder)
        assert report.quarantined == 1  # 'gossip' is no basis
        links = store.links("ASSOCIATE_OF")
        assert sorted(links["basis"]) == ["recorded", "social_network"]
    finally:
        store.close()
