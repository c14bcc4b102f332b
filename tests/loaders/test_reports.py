"""intel_reports.csv: Report nodes, ABOUT the subject, MENTIONS what the text names; bad rows quarantined."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_intel.ingest import ingest
from graph_intel.inspect import show_entity
from graph_intel.stores.ladybug_store import LadybugStore


def write_dataset(folder: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    """Write CSV files (header from the first row) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


FILES = {
    "sources.csv": [
        {"source_id": "S1", "agency": "police", "recorded_at": "2011-03-01", "reference": "INT-1"}
    ],
    "persons.csv": [{"person_id": "C1", "category": "child", "source_id": "S1"}],
    "intel_reports.csv": [
        {
            "report_id": "R1",
            "recorded_at": "2011-06-20T19:50:00",
            "subject_person_id": "C1",
            "source_id": "S1",
            "text": "C1 got into ab12 cde outside HX1 1AA at 19:50 on 20/06/2011; she rang 07700 900123 "
            "and later +44 7700 900123. Crime ref 13/123456/11.",
        },
        {
            "report_id": "R2",
            "recorded_at": "2011-06-21",
            "subject_person_id": "",
            "source_id": "",
            "text": "Taxi A123 BCD to hx1 1aa, paid £1,200.00.",
        },
        {
            "report_id": "R3",
            "recorded_at": "",
            "subject_person_id": "A9",
            "source_id": "S1",
            "text": "Nothing named here.",
        },
        {
            "report_id": "",
            "recorded_at": "2011-06-21",
            "subject_person_id": "",
            "source_id": "S1",
            "text": "07700 900111",
        },
        {
            "report_id": "R5",
            "recorded_at": "21/06/2011",
            "subject_person_id": "",
            "source_id": "S1",
            "text": "07700 900222",
        },
        {
            "report_id": "R6",
            "recorded_at": "",
            "subject_person_id": "",
            "source_id": "S7",
            "text": "07700 900333",
        },
    ],
}


@pytest.fixture()
def loaded(tmp_path: Path) -> Iterator[tuple[LadybugStore, dict[str, Any], Path]]:
    folder = write_dataset(tmp_path / "intel", FILES)
    store = LadybugStore(tmp_path / "store")
    report = ingest(store, folder, quarantine_file=tmp_path / "q.csv").as_json()
    yield store, report, tmp_path / "q.csv"
    store.close()


def test_counts_and_quarantine(loaded: tuple[LadybugStore, dict[str, Any], Path]) -> None:
    store, report, qfile = loaded
    assert report["rows_loaded"]["intel_reports.csv"] == 3
    assert report["quarantined"] == 3
    counts = store.counts()
    assert counts["Report"] == 3
    assert counts["ABOUT"] == 2  # R1 -> C1, R3 -> A9 (a stub person)
    assert counts["Person"] == 2
    assert counts["Phone"] == 1
    assert counts["Vehicle"] == 2
    assert counts["Location"] == 1
    assert counts["MENTIONS"] == 5  # R1: phone, vrm, postcode; R2: vrm, postcode
    rows = list(csv.DictReader(qfile.open(encoding="utf-8")))
    assert sorted((r["line"], r["field"]) for r in rows) == [
        ("5", "report_id"),
        ("6", "recorded_at"),
        ("7", "source_id"),
    ]


def test_mentions_carry_offsets_and_spellings(
    loaded: tuple[LadybugStore, dict[str, Any], Path],
) -> None:
    store, _, _ = loaded
    text = FILES["intel_reports.csv"][0]["text"]
    links = store.links("MENTIONS", from_keys=["intel:R1"])
    phone = links[links["to_entity"] == "Phone"].iloc[0]
    assert phone["to_key"] == "+447700900123"
    assert list(phone["as_written"]) == ["07700 900123", "+44 7700 900123"]
    for span, written in zip(phone["offsets"], phone["as_written"], strict=True):
        start, end = map(int, span.split("-"))
        assert text[start:end] == written
    place = store.get_node("Location", "intel:postcode/HX1 1AA")
    assert place is not None and place["postcode"] == "HX1 1AA" and place["kind"] == "other"
    doc = show_entity(store, "report", "R1")
    named = sorted(
        (link["kind"], link["id"]) for link in doc["links"] if link["link"] == "mentions"
    )
    assert named == [
        ("location", "postcode/HX1 1AA"),
        ("phone", "+447700900123"),
        ("vehicle", "AB12CDE"),
    ]
    assert doc["properties"]["text"] == text


def test_reload_changes_nothing(
    loaded: tuple[LadybugStore, dict[str, Any], Path], tmp_path: Path
) -> None:
    store, _, _ = loaded
    again = ingest(store, tmp_path / "intel").as_json()
    assert (again["created"], again["updated"]) == (0, 0)
