"""A small hand-built safeguarding record (synthetic): a child, agencies' referrals, school, health, gifts."""

from __future__ import annotations

from pathlib import Path

from canonical_fixtures import write_dataset

SOURCES = [
    {
        "source_id": "POL",
        "agency": "police",
        "recorded_at": "2011-03-01",
        "reference": "LOG-1",
        "source_eval": "1",
        "intel_eval": "A",
        "handling": "P",
    },
    {
        "source_id": "CSC",
        "agency": "children_social_care",
        "recorded_at": "2011-03-01",
        "reference": "CSC-9",
        "source_eval": "2",
        "intel_eval": "B",
        "handling": "P",
    },
    {
        "source_id": "SCH",
        "agency": "education",
        "recorded_at": "2011-03-01",
        "reference": "SCH-1",
        "source_eval": "1",
        "intel_eval": "B",
        "handling": "P",
    },
    {
        "source_id": "NHS",
        "agency": "health",
        "recorded_at": "2011-03-01",
        "reference": "ED-7",
        "source_eval": "1",
        "intel_eval": "A",
        "handling": "P",
    },
    {
        "source_id": "YW",
        "agency": "voluntary",
        "recorded_at": "2011-03-01",
        "reference": "YW-3",
        "source_eval": "2",
        "intel_eval": "B",
        "handling": "P",
    },
]
PERSONS = [
    {
        "person_id": "C1",
        "given_name": "Tia",
        "family_name": "Marsh",
        "date_of_birth": "1997-05-01",
        "category": "child",
        "source_id": "CSC",
    },
    {
        "person_id": "A1",
        "given_name": "Dale",
        "family_name": "Korver",
        "date_of_birth": "1980-01-01",
        "category": "suspect",
        "source_id": "POL",
    },
]


def record_files(**files: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Sources and persons plus the given files (keyword names: referrals, school_records, ...)."""
    out: dict[str, list[dict[str, str]]] = {"sources.csv": SOURCES, "persons.csv": PERSONS}
    out.update({f"{name}.csv": rows for name, rows in files.items()})
    return out


def write_case(folder: Path, **files: list[dict[str, str]]) -> Path:
    """Write the case with the given record files into `folder`."""
    return write_dataset(folder, record_files(**files))


EVERY_RECORD = {
    "referrals": [
        {
            "referral_id": "R1",
            "child_id": "C1",
            "kind": "referral",
            "from_agency": "education",
            "to_agency": "children_social_care",
            "to_contact": "Duty team",
            "sent_at": "2011-03-04T10:00:00",
            "received": "no",
            "summary": "cannabis in school",
            "source_id": "SCH",
        },
        {
            "referral_id": "R2",
            "child_id": "C1",
            "kind": "conference_request",
            "from_agency": "police",
            "to_agency": "children_social_care",
            "sent_at": "2011-03-10T09:00:00",
            "received": "yes",
            "received_at": "2011-03-10T11:00:00",
            "due": "2011-03-31",
            "outcome": "refused",
            "reason": "no new information",
            "responded_at": "2011-03-12T16:00:00",
            "source_id": "POL",
        },
    ],
    "school_records": [
        {
            "record_id": "SA1",
            "child_id": "C1",
            "kind": "attendance",
            "school": "Hill High",
            "period_start": "2011-01-04",
            "period_end": "2011-02-11",
            "attendance_pct": "84",
            "unauthorised_sessions": "3",
            "recorded_as": "attending",
            "source_id": "SCH",
        },
        {
            "record_id": "SA2",
            "child_id": "C1",
            "kind": "attendance",
            "school": "Hill High",
            "period_start": "2011-02-21",
            "period_end": "2011-04-01",
            "attendance_pct": "37",
            "unauthorised_sessions": "31",
            "recorded_as": "temporarily_absent",
            "source_id": "SCH",
        },
        {
            "record_id": "EX1",
            "child_id": "C1",
            "kind": "exclusion",
            "period_start": "2011-03-14",
            "exclusion_type": "fixed_term",
            "exclusion_days": "3",
            "reason": "cannabis",
            "source_id": "SCH",
        },
    ],
    "health_attendances": [
        {
            "attendance_id": "H1",
            "child_id": "C1",
            "kind": "ambulance",
            "attended_at": "2011-03-06T02:10:00",
            "provider": "Ambulance service",
            "summary": "intoxicated, collected from a street",
            "shared_with": "",
            "source_id": "NHS",
        },
        {
            "attendance_id": "H2",
            "child_id": "C1",
            "kind": "sexual_health",
            "attended_at": "2011-03-20T15:00:00",
            "shared_with": "police;education",
            "source_id": "NHS",
        },
    ],
    "gifts": [
        {
            "gift_id": "G1",
            "child_id": "C1",
            "kind": "top_up",
            "given_at": "2011-03-02",
            "giver_id": "A1",
            "value_gbp": "20",
            "source_id": "YW",
        },
        {
            "gift_id": "G2",
            "child_id": "C1",
            "kind": "taxi",
            "given_at": "2011-03-03",
            "giver": "a man called Dee",
            "source_id": "YW",
        },
    ],
    "allocations": [
        {
            "allocation_id": "AL1",
            "child_id": "C1",
            "worker": "Social worker 1",
            "role": "social_worker",
            "agency": "children_social_care",
            "from_date": "2011-01-01",
            "to_date": "2011-02-28",
            "source_id": "CSC",
        },
        {
            "allocation_id": "AL2",
            "child_id": "C1",
            "worker": "Social worker 2",
            "role": "social_worker",
            "agency": "children_social_care",
            "from_date": "2011-03-01",
            "source_id": "CSC",
        },
    ],
    "risk_assessments": [
        {
            "assessment_id": "RA1",
            "child_id": "C1",
            "assessed_at": "2011-03-08",
            "assessor": "Hub officer 1",
            "level": "medium",
            "indicators": "missing_from_home;older_boyfriend;gifts",
            "source_id": "POL",
        },
    ],
}
