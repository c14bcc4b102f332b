"""The network tests' case: the canonical dataset plus a hostile name, a third party and a poorly
graded source (synthetic data only)."""

from __future__ import annotations

import copy

from canonical_fixtures import SMALL_DATASET

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "</script><script>alert(2)</script>\u2028"


def network_dataset() -> dict[str, list[dict[str, str]]]:
    """SMALL_DATASET plus H1 (hostile name, associate of A1), W1 (a witness) and S3 (graded 3E, handling P)."""
    data = copy.deepcopy(SMALL_DATASET)
    data["sources.csv"].append(
        {
            "source_id": "S3",
            "agency": "voluntary",
            "recorded_at": "2011-06-01",
            "reference": "VOL-3",
            "source_eval": "3",
            "intel_eval": "E",
            "handling": "P",
        }
    )
    # (handling P: these tests show a poorly graded source; a restricted one, handling C, is left out of
    # network pages unless asked for: tests/api/test_restricted_outputs.py)
    data["persons.csv"] += [
        {
            "person_id": "H1",
            "given_name": HOSTILE,
            "family_name": HOSTILE_TEXT,
            "category": "associate",
            "source_id": "S1",
        },
        {
            "person_id": "W1",
            "given_name": "Wendy",
            "family_name": "Oakes",
            "category": "witness",
            "source_id": "S2",
        },
    ]
    data["events.csv"].append(
        {
            "event_id": "E4",
            "kind": "sighting",
            "start": "2011-06-10T22:00:00",
            "location_id": "L1",
            "summary": f"C1 seen with {HOSTILE}",
            "source_id": "S3",
        }
    )
    data["event_participants.csv"] += [
        {"event_id": "E4", "kind": "person", "id": "C1", "role": "subject", "source_id": "S3"},
        {"event_id": "E4", "kind": "person", "id": "H1", "role": "with", "source_id": "S3"},
    ]
    data["links.csv"] += [
        {
            "from_kind": "person",
            "from_id": "H1",
            "to_kind": "person",
            "to_id": "A1",
            "link": "associate_of",
            "first_seen": "2011-05-01",
            "source_id": "S3",
        },
        {
            "from_kind": "person",
            "from_id": "W1",
            "to_kind": "person",
            "to_id": "C1",
            "link": "family_of",
            "first_seen": "2011-02-01",
            "source_id": "S2",
        },
        {
            "from_kind": "person",
            "from_id": "C1",
            "to_kind": "phone",
            "to_id": "07700 900456",
            "link": "uses_phone",
            "first_seen": "2011-03-02",
            "source_id": "S2",
        },
    ]
    return data
