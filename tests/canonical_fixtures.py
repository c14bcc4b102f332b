"""A small dataset in the canonical format, written by tests that need one (synthetic data only)."""

from __future__ import annotations

import csv
from pathlib import Path

from graph_intel.schema.canonical import canonical_format

SMALL_DATASET: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {
            "source_id": "S1",
            "agency": "police",
            "recorded_at": "2011-03-01",
            "reference": "LOG-1",
            "source_eval": "1",
            "intel_eval": "A",
            "handling": "P",
        },
        {
            "source_id": "S2",
            "agency": "children_social_care",
            "recorded_at": "2011-04-02T10:00:00",
            "reference": "CSC-9",
            "source_eval": "2",
            "intel_eval": "B",
            "handling": "P",
        },
    ],
    "persons.csv": [
        {
            "person_id": "C1",
            "given_name": "Tia",
            "family_name": "Marsh",
            "date_of_birth": "1997-05-01",
            "category": "child",
            "legal_status": "care_order",
            "source_id": "S2",
        },
        {
            "person_id": "A1",
            "given_name": "Dale",
            "family_name": "Korver",
            "aliases": "Dee;Big D",
            "date_of_birth": "1980-01-01",
            "category": "suspect",
            "source_id": "S1",
        },
        {
            "person_id": "A2",
            "given_name": "Ross",
            "family_name": "Pellow",
            "category": "suspect",
            "source_id": "S1",
            "shoe_size": "10",
        },
        {"person_id": "", "given_name": "Nobody", "category": "suspect", "source_id": "S1"},
    ],
    "locations.csv": [
        {
            "location_id": "L1",
            "name": "Harbour Hotel",
            "kind": "hotel",
            "postcode": "hx1 1aa",
            "latitude": "53.72",
            "longitude": "-1.86",
            "source_id": "S1",
        },
        {
            "location_id": "L2",
            "name": "12 Fern Row",
            "kind": "home",
            "postcode": "HX2  7QT",
            "source_id": "S1",
        },
    ],
    "vehicles.csv": [
        {
            "vrm": "ab12 cde",
            "make": "Skoda",
            "model": "Octavia",
            "colour": "silver",
            "private_hire_licence": "PH-221",
            "source_id": "S1",
        },
    ],
    "events.csv": [
        {
            "event_id": "E1",
            "kind": "sighting",
            "start": "2011-03-05T21:30:00",
            "location_id": "L1",
            "summary": "C1 seen with A1",
            "source_id": "S1",
        },
        {
            "event_id": "E2",
            "kind": "missing_episode",
            "start": "2011-03-07T18:00:00",
            "end": "2011-03-09T09:00:00",
            "source_id": "S2",
        },
        {"event_id": "E3", "kind": "sighting", "start": "31/02/2011", "source_id": "S1"},
    ],
    "event_participants.csv": [
        {"event_id": "E1", "kind": "person", "id": "C1", "role": "subject", "source_id": "S1"},
        {"event_id": "E1", "kind": "person", "id": "A1", "role": "with", "source_id": "S1"},
        {"event_id": "E2", "kind": "person", "id": "C1", "role": "subject", "source_id": "S2"},
        {"event_id": "E1", "kind": "vehicle", "id": "AB12CDE", "role": "driver", "source_id": "S1"},
    ],
    "links.csv": [
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "phone",
            "to_id": "07700 900123",
            "link": "uses_phone",
            "first_seen": "2011-01-01",
            "source_id": "S1",
        },
        {
            "from_kind": "phone",
            "from_id": "+44 7700 900123",
            "to_kind": "person",
            "to_id": "A2",
            "link": "uses_phone",
            "source_id": "S1",
        },
        {
            "from_kind": "person",
            "from_id": "A2",
            "to_kind": "vehicle",
            "to_id": "AB12 CDE",
            "link": "drives",
            "source_id": "",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "location",
            "to_id": "L2",
            "link": "lives_at",
            "source_id": "S1",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "person",
            "to_id": "A2",
            "link": "knows_of",
            "source_id": "S1",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "person",
            "to_id": "A2",
            "link": "associate_of",
            "source_id": "S9",
        },
    ],
}

#: Good rows per file in SMALL_DATASET, and rows quarantined in all.
SMALL_LOADED = {
    "sources.csv": 2,
    "persons.csv": 3,
    "locations.csv": 2,
    "vehicles.csv": 1,
    "events.csv": 2,
    "event_participants.csv": 4,
    "links.csv": 4,
}
SMALL_QUARANTINED = 4


def write_dataset(folder: Path, files: dict[str, list[dict[str, str]]] | None = None) -> Path:
    """Write canonical CSV files into `folder`: the header holds the columns the rows use, those the
    format declares (graph_intel/schema/canonical.yaml) first and in its order, then the others."""
    folder.mkdir(parents=True, exist_ok=True)
    declared = canonical_format().columns()
    for name, rows in (files if files is not None else SMALL_DATASET).items():
        used: list[str] = []
        for row in rows:
            used += [k for k in row if k not in used]
        header = [c for c in declared.get(name, []) if c in used] + [
            c for c in used if c not in declared.get(name, [])
        ]
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return folder
