"""Safeguarding rules see a child recorded by several agencies as one child once judged the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from canonical_fixtures import write_dataset

from graph_intel.ingest import ingest
from graph_intel.resolution.judgements import judge
from graph_intel.safeguarding.cawn import notices
from graph_intel.safeguarding.missing import episodes, missing_triggers
from graph_intel.stores import open_store


def _agency(folder: Path, agency: str, child: str, starts: list[str], notice: bool = False) -> Path:
    events = [
        {"event_id": f"M{i}", "kind": "missing_episode", "start": s, "end": s.replace("T18", "T23")}
        for i, s in enumerate(starts)
    ]
    parts = [
        {"event_id": f"M{i}", "kind": "person", "id": child, "role": "subject"}
        for i in range(len(starts))
    ]
    persons = [
        {
            "person_id": child,
            "given_name": "Jade",
            "family_name": "Cartwright",
            "date_of_birth": "1997-03-07",
            "category": "child",
        }
    ]
    if notice:
        events.append({"event_id": "N1", "kind": "cawn_served", "start": "2011-05-20T10:00:00"})
        parts += [
            {"event_id": "N1", "kind": "person", "id": child, "role": "child"},
            {"event_id": "N1", "kind": "person", "id": "A1", "role": "served_on"},
        ]
        persons.append({"person_id": "A1", "category": "suspect"})
    files = {
        "sources.csv": [
            {
                "source_id": "S1",
                "agency": agency,
                "recorded_at": "2011-06-30",
                "source_eval": "2",
                "intel_eval": "B",
                "handling": "P",
            }
        ],
        "persons.csv": [{**p, "source_id": "S1"} for p in persons],
        "events.csv": [{**e, "source_id": "S1"} for e in events],
        "event_participants.csv": [{**p, "source_id": "S1"} for p in parts],
    }
    return write_dataset(folder, files)


def test_missing_episodes_of_one_child_add_up_across_agencies_once_judged(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(
            store,
            _agency(
                tmp_path / "police",
                "police",
                "C1",
                ["2011-06-01T18:00:00", "2011-06-08T18:00:00"],
                notice=True,
            ),
        )
        ingest(
            store,
            _agency(
                tmp_path / "social",
                "children_social_care",
                "K77",
                ["2011-06-15T18:00:00", "2011-06-22T18:00:00"],
            ),
        )
        as_of = date(2011, 7, 8)
        before = missing_triggers(store, as_of=as_of)
        assert not any(
            "four_in_one_month" in row["rules"] for row in before
        )  # two and two: no rule met

        judge(
            store,
            "police:C1",
            "social:K77",
            "same",
            reason="same child: name, date of birth, school",
            by="analyst1",
        )
        after = missing_triggers(store, as_of=as_of)
        fired = [row for row in after if "four_in_one_month" in row["rules"]]
        assert len(fired) == 1 and fired[0]["episodes"] == 4
        assert set(episodes(store, as_of)) == {
            "police:C1"
        }  # one child, under its representative record
        assert notices(store)["child"].tolist() == ["police:C1"]


def test_a_hotspot_counts_a_child_seen_under_any_of_her_records_once_judged(tmp_path: Path) -> None:
    from graph_intel.analysis.places import hotspots

    persons = [
        {"person_id": "C1", "given_name": "Jade", "category": "child"},
        {"person_id": "C9", "given_name": "Jayde", "category": "child"},
        {"person_id": "A1", "category": "suspect"},
    ]
    events = [
        {"event_id": "E1", "kind": "sighting", "start": "2011-06-01T22:00:00", "location_id": "L1"},
        {"event_id": "E2", "kind": "sighting", "start": "2011-06-02T22:00:00", "location_id": "L2"},
        {"event_id": "E3", "kind": "sighting", "start": "2011-06-03T22:00:00", "location_id": "L2"},
        {"event_id": "E4", "kind": "sighting", "start": "2011-06-04T22:00:00", "location_id": "L3"},
    ]
    parts = [
        {"event_id": "E1", "kind": "person", "id": "C1"},
        {"event_id": "E1", "kind": "person", "id": "A1"},
        {"event_id": "E2", "kind": "person", "id": "C9"},
        {"event_id": "E3", "kind": "person", "id": "C1"},
        {"event_id": "E4", "kind": "person", "id": "C9"},
    ]
    folder = write_dataset(
        tmp_path / "d",
        {
            "sources.csv": [
                {
                    "source_id": "S1",
                    "agency": "police",
                    "recorded_at": "2011-06-30",
                    "source_eval": "2",
                    "intel_eval": "B",
                    "handling": "P",
                }
            ],
            "persons.csv": [{**p, "source_id": "S1"} for p in persons],
            "locations.csv": [
                {"location_id": "L1", "name": "Takeaway", "source_id": "S1"},
                {"location_id": "L2", "name": "Car park", "source_id": "S1"},
                {"location_id": "L3", "name": "Hotel", "source_id": "S1"},
            ],
            "events.csv": [{**e, "source_id": "S1"} for e in events],
            "event_participants.csv": [{**p, "role": "with", "source_id": "S1"} for p in parts],
        },
    )
    with open_store(tmp_path / "store") as store:
        ingest(store, folder)
        before = hotspots(store).set_index("location_id")["children"].to_dict()
        assert before == {"L1": 1, "L2": 2, "L3": 1}  # two records, not yet judged: two children
        judge(store, "d:C1", "d:C9", "same", reason="same child: name and school", by="analyst1")
        after = hotspots(store).set_index("location_id")["children"].to_dict()
        assert after == {"L1": 1, "L2": 1, "L3": 1}  # one child, whichever record saw her
