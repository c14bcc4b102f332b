"""calls.csv, anpr.csv and handset_contacts.csv through ingest: good rows, bad rows, idempotency."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from graph_intel.ingest import ingest
from graph_intel.inspect import show_entity
from graph_intel.stores.ladybug_store import LadybugStore

SOURCES = [
    {"source_id": "S1", "agency": "police", "recorded_at": "2011-07-01", "reference": "CDR-1"}
]
CALLS = [
    {
        "caller": "07700 900123",
        "callee": "+44 7700 900456",
        "start": "2011-06-20T19:50:00",
        "duration_s": "65",
        "type": "voice",
        "source_id": "S1",
    },
    {
        "caller": "447700900456",
        "callee": "(07700) 900-123",
        "start": "2011-06-20T19:52:00",
        "duration_s": "",
        "type": "SMS",
        "source_id": "S1",
    },
    {
        "caller": "07700 900123",
        "callee": "0113 496 0000",
        "start": "2011-06-21T08:00:00+01:00",
        "duration_s": "5",
        "type": "",
        "source_id": "",
    },
    {
        "caller": "07700 900123",
        "callee": "+44 7700 900456",
        "start": "2011-06-20T19:50:00",
        "duration_s": "65",
        "type": "voice",
        "source_id": "S1",
    },
    {
        "caller": "",
        "callee": "07700 900456",
        "start": "2011-06-22T10:00:00",
        "duration_s": "1",
        "type": "voice",
        "source_id": "S1",
    },
    {
        "caller": "07700 900123",
        "callee": "07700 900456",
        "start": "20/06/2011 19:50",
        "duration_s": "1",
        "type": "voice",
        "source_id": "S1",
    },
    {
        "caller": "07700 900123",
        "callee": "07700 900456",
        "start": "2011-06-22T10:00:00",
        "duration_s": "ten",
        "type": "voice",
        "source_id": "S1",
    },
    {
        "caller": "07700 900123",
        "callee": "07700 900456",
        "start": "2011-06-22T11:00:00",
        "duration_s": "1",
        "type": "fax",
        "source_id": "S1",
    },
    {
        "caller": "07700 900123",
        "callee": "07700 900456",
        "start": "2011-06-22T12:00:00",
        "duration_s": "1",
        "type": "voice",
        "source_id": "S9",
    },
]
ANPR = [
    {
        "vrm": "ab12 cde",
        "seen_at": "2011-06-20T21:30:00",
        "camera_id": "CAM-7",
        "latitude": "53.72",
        "longitude": "-1.86",
        "location_id": "",
        "direction": "N",
    },
    {
        "vrm": "AB12CDE",
        "seen_at": "2011-06-20T22:10:00",
        "camera_id": "CAM-8",
        "latitude": "53.70",
        "longitude": "-1.80",
        "location_id": "",
        "direction": "S",
    },
    {
        "vrm": "A123 BCD",
        "seen_at": "2011-06-21T01:00:00",
        "camera_id": "",
        "latitude": "",
        "longitude": "",
        "location_id": "L1",
        "direction": "",
    },
    {
        "vrm": "AB12 CDE",
        "seen_at": "2011-06-20T21:30:00",
        "camera_id": "CAM-7",
        "latitude": "53.72",
        "longitude": "-1.86",
        "location_id": "",
        "direction": "N",
    },
    {
        "vrm": "",
        "seen_at": "2011-06-21T01:00:00",
        "camera_id": "CAM-7",
        "latitude": "",
        "longitude": "",
        "location_id": "",
        "direction": "",
    },
    {
        "vrm": "XY51 ABC",
        "seen_at": "yesterday",
        "camera_id": "CAM-7",
        "latitude": "",
        "longitude": "",
        "location_id": "",
        "direction": "",
    },
    {
        "vrm": "XY51 ABC",
        "seen_at": "2011-06-21T02:00:00",
        "camera_id": "",
        "latitude": "",
        "longitude": "",
        "location_id": "",
        "direction": "",
    },
    {
        "vrm": "XY51 ABC",
        "seen_at": "2011-06-21T03:00:00",
        "camera_id": "CAM-9",
        "latitude": "north",
        "longitude": "",
        "location_id": "",
        "direction": "",
    },
]
HANDSETS = [
    {
        "handset": "07700 900123",
        "exhibit_ref": "ABC/1",
        "contact_name": "Ross",
        "contact_number": "+44 7700 900456",
        "source_id": "S1",
    },
    {
        "handset": "07700 900123",
        "exhibit_ref": "ABC/1",
        "contact_name": "Taxi",
        "contact_number": "07700 900789",
        "source_id": "S1",
    },
    {
        "handset": "07700 900123",
        "exhibit_ref": "ABC/1",
        "contact_name": "R",
        "contact_number": "07700900456",
        "source_id": "S1",
    },
    {
        "handset": "",
        "exhibit_ref": "DEF/2",
        "contact_name": "",
        "contact_number": "0113 496 0000",
        "source_id": "S1",
    },
    {
        "handset": "",
        "exhibit_ref": "DEF/2",
        "contact_name": "odd",
        "contact_number": "not a number",
        "source_id": "S1",
    },
    {
        "handset": "07700 900123",
        "exhibit_ref": "",
        "contact_name": "x",
        "contact_number": "07700 900111",
        "source_id": "S1",
    },
    {
        "handset": "07700 900123",
        "exhibit_ref": "ABC/1",
        "contact_name": "y",
        "contact_number": "",
        "source_id": "S1",
    },
]


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _load(
    tmp_path: Path, files: dict[str, list[dict[str, str]]]
) -> tuple[LadybugStore, dict[str, Any], list[dict[str, str]]]:
    folder = tmp_path / "ds"
    folder.mkdir()
    _write(folder, "sources.csv", SOURCES)
    for name, rows in files.items():
        _write(folder, name, rows)
    store = LadybugStore(tmp_path / "store")
    report = ingest(store, folder, quarantine_file=tmp_path / "q.csv").as_json()
    bad = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    again = ingest(store, folder).as_json()
    assert (again["created"], again["updated"]) == (0, 0), "re-loading changed the store"
    return store, report, bad


def _counts(store: LadybugStore) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if v}


def test_calls(tmp_path: Path) -> None:
    store, report, bad = _load(tmp_path, {"calls.csv": CALLS})
    try:
        assert report["rows_loaded"]["calls.csv"] == 4
        assert sorted((int(r["line"]), r["field"]) for r in bad) == [
            (6, "caller"),
            (7, "start"),
            (8, "duration_s"),
            (9, "type"),
            (10, "source_id"),
        ]
        assert _counts(store) == {
            "Phone": 3,
            "Event": 3,
            "Source": 2,
            "Dataset": 1,
            "PARTICIPATED_IN": 6,
        }
        events = store.nodes("Event").set_index("id")
        first = events.loc["call/+447700900123/+447700900456/2011-06-20T19:50:00"]
        assert first["duration_s"] == 65 and str(first["ended_at"]).startswith(
            "2011-06-20 19:51:05"
        )
        assert (
            events.loc["call/+447700900456/+447700900123/2011-06-20T19:52:00", "call_type"] == "sms"
        )
        assert (
            events.loc["call/+447700900123/+441134960000/2011-06-21T08:00:00", "call_type"]
            == "voice"
        )
        phone = store.get_node("Phone", "+447700900123")
        assert phone is not None and phone["valid"] is False and phone["parsed"] is True
        assert set(phone["spellings"]) == {"07700 900123", "(07700) 900-123"}
    finally:
        store.close()


def test_anpr(tmp_path: Path) -> None:
    store, report, bad = _load(tmp_path, {"anpr.csv": ANPR})
    try:
        assert report["rows_loaded"]["anpr.csv"] == 4
        assert sorted((int(r["line"]), r["field"]) for r in bad) == [
            (6, "vrm"),
            (7, "seen_at"),
            (8, "camera_id"),
            (9, "latitude"),
        ]
        assert _counts(store) == {
            "Vehicle": 2,
            "Event": 3,
            "Location": 3,
            "Source": 2,
            "Dataset": 1,
            "PARTICIPATED_IN": 3,
            "OCCURRED_AT": 3,
        }
        cam = store.get_node("Location", "ds:camera/CAM-7")
        assert (
            cam is not None and cam["kind"] == "camera" and cam["latitude"] == pytest.approx(53.72)
        )
        doc = show_entity(store, "vehicle", "ab12cde")
        reads = [link for link in doc["links"] if link["link"] == "participated_in"]
        assert len(reads) == 2 and {r["role"] for r in reads} == {"read"}
    finally:
        store.close()


def test_handset_contacts(tmp_path: Path) -> None:
    store, report, bad = _load(tmp_path, {"handset_contacts.csv": HANDSETS})
    try:
        assert report["rows_loaded"]["handset_contacts.csv"] == 5
        assert sorted((int(r["line"]), r["field"]) for r in bad) == [
            (7, "exhibit_ref"),
            (8, "contact_number"),
        ]
        counts = _counts(store)
        assert (counts["Exhibit"], counts["SAVED_CONTACT"], counts["EXTRACTED_FROM"]) == (2, 5, 1)
        assert (
            counts["Phone"] == 5
        )  # 900123 (handset), 900456, 900789, 0113..., 'not a number' kept as written
        odd = store.get_node("Phone", "not a number")
        assert odd is not None and odd["parsed"] is False
        saved = store.links("SAVED_CONTACT", from_keys=["ds:ABC/1"])
        assert sorted(zip(saved["saved_name"], saved["to_key"], strict=True)) == [
            ("R", "+447700900456"),
            ("Ross", "+447700900456"),
            ("Taxi", "+447700900789"),
        ]
    finally:
        store.close()
