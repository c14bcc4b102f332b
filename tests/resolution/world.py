"""One invented child recorded by police, children's social care and education, built two ways.

`one_record()` holds everything in one dataset with the child as a single record (C1); the
`three_records()` datasets hold the same facts, each agency in its own dataset with its own record
of the child under its own reference and spelling:
- police:        P-101  'Jessica Cartwright', born 2004-03-07
- children_social_care: CSC-77 'Jesica Cartwrite' (alias 'Jessie'), born 2004-03-07
- education:     UPN-5  'Jess Cartwright', born 2004-07-03: the school system exported US-style
  month/day dates (03/07/2004), which the agency's mapping to the canonical ISO format read
  UK-style, so after normalisation day and month are transposed.
All names, numbers (Ofcom drama range) and places are invented.
"""

from __future__ import annotations

from pathlib import Path

from graph_intel.ingest import ingest
from graph_intel.stores import GraphStore, open_store

Files = dict[str, list[dict[str, str]]]

SOURCES = {
    "police": {
        "source_id": "SP",
        "agency": "police",
        "recorded_at": "2011-03-01",
        "reference": "LOG-1",
        "source_eval": "1",
        "intel_eval": "A",
        "handling": "P",
    },
    "children_social_care": {
        "source_id": "SC",
        "agency": "children_social_care",
        "recorded_at": "2011-03-02",
        "reference": "CSC-9",
        "source_eval": "2",
        "intel_eval": "B",
        "handling": "P",
    },
    "education": {
        "source_id": "SE",
        "agency": "education",
        "recorded_at": "2011-03-03",
        "reference": "SCH-4",
        "source_eval": "2",
        "intel_eval": "B",
        "handling": "P",
    },
}
CHILD_PHONE = "07700 900101"
CHILD_RECORDS = {
    "police": {
        "person_id": "P-101",
        "given_name": "Jessica",
        "family_name": "Cartwright",
        "date_of_birth": "2004-03-07",
    },
    "children_social_care": {
        "person_id": "CSC-77",
        "given_name": "Jesica",
        "family_name": "Cartwrite",
        "aliases": "Jessie",
        "date_of_birth": "2004-03-07",
    },
    "education": {
        "person_id": "UPN-5",
        "given_name": "Jess",
        "family_name": "Cartwright",
        "date_of_birth": "2004-07-03",
    },
}
ADULTS = [
    {
        "person_id": "A1",
        "given_name": "Dale",
        "family_name": "Korver",
        "date_of_birth": "1980-01-01",
        "category": "suspect",
    },
    {
        "person_id": "A2",
        "given_name": "Ross",
        "family_name": "Pellow",
        "date_of_birth": "1979-05-05",
        "category": "suspect",
    },
    {
        "person_id": "A3",
        "given_name": "Lee",
        "family_name": "Varn",
        "date_of_birth": "1985-02-02",
        "category": "suspect",
    },
]
OTHER_CHILD = {
    "person_id": "C2",
    "given_name": "Mia",
    "family_name": "Holt",
    "date_of_birth": "2003-09-09",
    "category": "child",
}


def _facts(child: dict[str, str]) -> dict[str, Files]:
    """Each agency's rows, naming the child by the given record's id."""
    cid = child["person_id"]
    return {
        "police": {
            "persons": [*ADULTS, OTHER_CHILD],
            "vehicles": [{"vrm": "AB12 CDE", "make": "Skoda", "source_id": "SP"}],
            "events": [
                {
                    "event_id": "E1",
                    "kind": "sighting",
                    "start": "2011-03-05T21:30:00",
                    "summary": "seen in a car",
                },
                {
                    "event_id": "E5",
                    "kind": "sighting",
                    "start": "2011-03-20T20:00:00",
                    "summary": "seen at a takeaway",
                },
            ],
            "event_participants": [
                {"event_id": "E1", "kind": "person", "id": cid, "role": "subject"},
                {"event_id": "E1", "kind": "person", "id": "A2", "role": "with"},
                {"event_id": "E1", "kind": "person", "id": "A3", "role": "with"},
                {"event_id": "E5", "kind": "person", "id": "C2", "role": "subject"},
                {"event_id": "E5", "kind": "person", "id": "A2", "role": "with"},
            ],
            "links": [
                {
                    "from_kind": "person",
                    "from_id": "A1",
                    "to_kind": "phone",
                    "to_id": "07700 900111",
                    "link": "uses_phone",
                },
                {
                    "from_kind": "person",
                    "from_id": "A1",
                    "to_kind": "vehicle",
                    "to_id": "AB12CDE",
                    "link": "keeper_of",
                },
                {
                    "from_kind": "person",
                    "from_id": "A2",
                    "to_kind": "vehicle",
                    "to_id": "AB12CDE",
                    "link": "drives",
                },
            ],
            "calls": [
                {
                    "caller": "07700 900111",
                    "callee": CHILD_PHONE,
                    "start": "2011-03-10T22:00:00",
                    "type": "voice",
                }
            ],
        },
        "children_social_care": {
            "events": [
                {
                    "event_id": "E4",
                    "kind": "missing_episode",
                    "start": "2011-03-12T18:00:00",
                    "end": "2011-03-13T09:00:00",
                }
            ],
            "event_participants": [
                {"event_id": "E4", "kind": "person", "id": cid, "role": "subject"}
            ],
            "links": [
                {
                    "from_kind": "person",
                    "from_id": cid,
                    "to_kind": "phone",
                    "to_id": CHILD_PHONE,
                    "link": "uses_phone",
                }
            ],
        },
        "education": {
            "events": [
                {
                    "event_id": "E3",
                    "kind": "incident",
                    "start": "2011-03-15T10:00:00",
                    "summary": "left school with an adult",
                }
            ],
            "event_participants": [
                {"event_id": "E3", "kind": "person", "id": cid, "role": "subject"}
            ],
        },
    }


def _files(agency: str, facts: Files, persons: list[dict[str, str]]) -> Files:
    """Canonical files of one agency's facts, every row citing the agency's source."""
    sid = SOURCES[agency]["source_id"]
    out: Files = {
        "sources.csv": [SOURCES[agency]],
        "persons.csv": [{**p, "source_id": sid} for p in persons],
    }
    for name, rows in facts.items():
        if name != "persons":
            out[f"{name}.csv"] = [{**r, "source_id": sid} for r in rows]
    return out


def _merge(parts: list[Files]) -> Files:
    out: Files = {}
    for files in parts:
        for name, rows in files.items():
            out.setdefault(name, []).extend(rows)
    return out


def one_record() -> dict[str, Files]:
    """One dataset, the child as one record C1 (police's spelling and date of birth)."""
    child = {**CHILD_RECORDS["police"], "person_id": "C1", "category": "child"}
    facts = _facts(child)
    parts = [
        _files(
            agency,
            facts[agency],
            ([child] if agency == "police" else []) + facts[agency].get("persons", []),
        )
        for agency in SOURCES
    ]
    return {"single": _merge(parts)}


def three_records() -> dict[str, Files]:
    """Three datasets, one per agency, each with its own record of the child."""
    out = {}
    for agency in SOURCES:
        child = {**CHILD_RECORDS[agency], "category": "child"}
        facts = _facts(child)[agency]
        out[agency] = _files(agency, facts, [child, *facts.get("persons", [])])
    return out


def build(folder: Path, datasets: dict[str, Files], store: GraphStore | None = None) -> GraphStore:
    """A store with the datasets ingested (each folder named after its dataset): `store` (an empty
    store of any backend, from the `store_factory` fixture), else a fresh embedded one in `folder`."""
    from canonical_fixtures import write_dataset

    store = open_store(folder / "store") if store is None else store
    for name, files in datasets.items():
        ingest(
            store,
            write_dataset(folder / name, files),
            dataset=name,
            quarantine_file=folder / f"{name}-q.csv",
        )
    return store
