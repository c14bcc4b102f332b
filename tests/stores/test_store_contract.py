"""The store contract: everything a GraphStore promises, run on every store (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pytest

from graph_intel.schema import schema
from graph_intel.stores.base import (
    LINK_FRAME_COLUMNS,
    STORE_TABLES,
    GraphStore,
    StoreError,
    UpsertResult,
)

PHONE_A = "+447700900001"
PHONE_B = "+447700900002"
VRM = "AB12CDE"


@dataclass
class Case:
    """A small synthetic case: rows per entity kind and per (link, from, to)."""

    nodes: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    links: dict[tuple[str, str, str], list[dict[str, object]]] = field(default_factory=dict)


def _case() -> Case:
    """Two agencies' datasets (both name a P1), every entity kind and every link kind."""
    c = Case()
    c.nodes["Source"] = [
        {
            "key": "d1:S1",
            "id": "S1",
            "dataset": "d1",
            "agency": "police",
            "recorded_at": "2011-03-01T09:00:00",
            "source_eval": "1",
            "intel_eval": "A",
            "handling": "P",
        },
        {
            "key": "d1:S2",
            "id": "S2",
            "dataset": "d1",
            "agency": "children_social_care",
            "recorded_at": "2011-04-01T09:00:00",
        },
        {
            "key": "d2:S1",
            "id": "S1",
            "dataset": "d2",
            "agency": "education",
            "recorded_at": "2011-05-01T09:00:00",
        },
    ]
    c.nodes["Person"] = [
        {
            "key": "d1:P1",
            "id": "P1",
            "dataset": "d1",
            "sources": ["d1:S1"],
            "given_name": "Amy",
            "family_name": "Ashby",
            "category": "child",
            "date_of_birth": "1997-06-01",
            "looked_after": True,
            "first_seen": "2011-03-01",
            "last_seen": "2011-03-05",
        },
        {
            "key": "d1:P2",
            "id": "P2",
            "dataset": "d1",
            "sources": ["d1:S1"],
            "given_name": "Bob",
            "family_name": "Bexley",
            "category": "suspect",
            "aliases": ["Bobby"],
        },
        {
            "key": "d1:P3",
            "id": "P3",
            "dataset": "d1",
            "sources": ["d1:S2"],
            "given_name": "Cal",
            "category": "associate",
        },
        {
            "key": "d2:P1",
            "id": "P1",
            "dataset": "d2",
            "sources": ["d2:S1"],
            "given_name": "Dee",
            "category": "child",
        },
    ]
    c.nodes["Phone"] = [
        {
            "key": PHONE_A,
            "id": PHONE_A,
            "sources": ["d1:S1"],
            "spellings": ["07700 900001"],
            "valid": False,
            "parsed": True,
        },
        {
            "key": PHONE_B,
            "id": PHONE_B,
            "sources": ["d1:S2"],
            "spellings": ["07700900002"],
            "valid": False,
            "parsed": True,
        },
    ]
    c.nodes["Vehicle"] = [
        {
            "key": VRM,
            "id": VRM,
            "sources": ["d1:S1"],
            "make": "Toyota",
            "colour": "silver",
            "vrm_format": "current",
        },
    ]
    c.nodes["Location"] = [
        {
            "key": "d1:L1",
            "id": "L1",
            "dataset": "d1",
            "sources": ["d1:S1"],
            "name": "Station Hotel",
            "kind": "hotel",
            "latitude": 53.4,
            "longitude": -1.35,
        },
    ]
    c.nodes["Event"] = [
        {
            "key": "d1:E1",
            "id": "E1",
            "dataset": "d1",
            "sources": ["d1:S1"],
            "kind": "sighting",
            "started_at": "2011-03-02T22:15:00",
            "summary": "seen getting into a car",
        },
        {
            "key": "d1:E2",
            "id": "E2",
            "dataset": "d1",
            "sources": ["d1:S2"],
            "kind": "call",
            "started_at": "2011-03-03T01:00:00",
            "duration_s": 95,
            "call_type": "voice",
        },
    ]
    c.nodes["Report"] = [
        {
            "key": "d1:R1",
            "id": "R1",
            "dataset": "d1",
            "sources": ["d1:S2"],
            "text": "Bob drives AB12 CDE",
            "recorded_at": "2011-04-01T09:00:00",
        },
    ]
    c.nodes["Exhibit"] = [
        {
            "key": "d1:X1",
            "id": "X1",
            "dataset": "d1",
            "sources": ["d1:S1"],
            "description": "Nokia handset",
        },
    ]
    # The safeguarding records: one of each, all about child P1.
    record = {"dataset": "d1", "sources": ["d1:S2"]}
    c.nodes["Referral"] = [
        {
            "key": "d1:RF1",
            "id": "RF1",
            **record,
            "kind": "conference_request",
            "from_agency": "police",
            "to_agency": "children_social_care",
            "sent_at": "2011-03-04T10:00:00",
            "received": "unknown",
            "due": "2011-03-25",
        }
    ]
    c.nodes["SchoolRecord"] = [
        {
            "key": "d1:SR1",
            "id": "SR1",
            **record,
            "kind": "attendance",
            "period_start": "2011-01-04",
            "attendance_pct": 37.5,
            "unauthorised_sessions": 31,
            "recorded_as": "temporarily_absent",
        }
    ]
    c.nodes["HealthAttendance"] = [
        {
            "key": "d1:H1",
            "id": "H1",
            **record,
            "kind": "sexual_health",
            "attended_at": "2011-03-20T15:00:00",
            "shared_with": ["police"],
        }
    ]
    c.nodes["Gift"] = [
        {
            "key": "d1:G1",
            "id": "G1",
            **record,
            "kind": "top_up",
            "given_at": "2011-03-02T00:00:00",
            "value_gbp": 20.0,
        }
    ]
    c.nodes["Allocation"] = [
        {
            "key": "d1:AL1",
            "id": "AL1",
            **record,
            "worker": "SW 1",
            "role": "social_worker",
            "agency": "children_social_care",
            "from_date": "2011-01-01",
        }
    ]
    c.nodes["RiskAssessment"] = [
        {
            "key": "d1:RA1",
            "id": "RA1",
            **record,
            "assessed_at": "2011-03-08T00:00:00",
            "level": "medium",
            "indicators": ["gifts", "missing_from_home"],
        }
    ]
    # the records of loads and of earlier versions (provenance: never a path)
    c.nodes["Dataset"] = [
        {
            "key": "d1",
            "id": "d1",
            "agencies": ["police"],
            "origins": ["/cases/police/export"],
            "loads": ["d1/2026-12-01T22-05-12Z"],
            "first_seen": "2026-12-01T22:05:12",
            "last_seen": "2026-12-01T22:05:12",
        },
    ]
    c.nodes["Version"] = [
        {
            "key": "Person/d1:P3@d1/2026-12-01T22-05-12Z/0a1b2c3d4e5f",
            "id": "Person/d1:P3@d1/2026-12-01T22-05-12Z/0a1b2c3d4e5f",
            "sources": ["d1:S2"],
            "entity": "Person",
            "of_key": "d1:P3",
            "superseded_by": "d1/2026-12-01T22-05-12Z",
            "superseded_at": "2026-12-01T22:05:12",
            "changed": ["category"],
            "values": '{"category": "witness"}',
        },
    ]
    s1 = {"sources": ["d1:S1"], "first_seen": "2011-03-01", "last_seen": "2011-03-02"}
    s2 = {"sources": ["d1:S2"]}
    c.links = {
        ("USES_PHONE", "Person", "Phone"): [
            {"from_key": "d1:P1", "to_key": PHONE_A, **s1},
            {"from_key": "d1:P2", "to_key": PHONE_B, **s2},
        ],
        ("KEEPER_OF", "Person", "Vehicle"): [{"from_key": "d1:P2", "to_key": VRM, **s1}],
        ("DRIVES", "Person", "Vehicle"): [{"from_key": "d1:P2", "to_key": VRM, **s2}],
        ("LIVES_AT", "Person", "Location"): [{"from_key": "d1:P3", "to_key": "d1:L1", **s2}],
        ("FREQUENTS", "Person", "Location"): [{"from_key": "d1:P1", "to_key": "d1:L1", **s1}],
        ("FAMILY_OF", "Person", "Person"): [{"from_key": "d1:P2", "to_key": "d1:P3", **s2}],
        ("ASSOCIATE_OF", "Person", "Person"): [{"from_key": "d1:P2", "to_key": "d1:P1", **s1}],
        ("PARTNER_OF", "Person", "Person"): [{"from_key": "d1:P3", "to_key": "d1:P2", **s2}],
        ("INTRODUCED", "Person", "Person"): [{"from_key": "d1:P3", "to_key": "d1:P1", **s2}],
        ("PARTICIPATED_IN", "Person", "Event"): [
            {"from_key": "d1:P1", "to_key": "d1:E1", "role": "subject", **s1},
            {"from_key": "d1:P2", "to_key": "d1:E1", "role": "with", **s1},
            {"from_key": "d1:P2", "to_key": "d1:E1", "role": "driver", **s1},
        ],
        ("PARTICIPATED_IN", "Phone", "Event"): [
            {"from_key": PHONE_A, "to_key": "d1:E2", "role": "callee", **s2},
            {"from_key": PHONE_B, "to_key": "d1:E2", "role": "caller", **s2},
        ],
        ("PARTICIPATED_IN", "Vehicle", "Event"): [
            {"from_key": VRM, "to_key": "d1:E1", "role": "read", **s1}
        ],
        ("OCCURRED_AT", "Event", "Location"): [{"from_key": "d1:E1", "to_key": "d1:L1", **s1}],
        ("SAVED_CONTACT", "Exhibit", "Phone"): [
            {"from_key": "d1:X1", "to_key": PHONE_A, "saved_name": "Amy", **s1},
            {"from_key": "d1:X1", "to_key": PHONE_A, "saved_name": "A new", **s1},
        ],
        ("EXTRACTED_FROM", "Exhibit", "Phone"): [{"from_key": "d1:X1", "to_key": PHONE_B, **s1}],
        ("MENTIONS", "Report", "Vehicle"): [
            {
                "from_key": "d1:R1",
                "to_key": VRM,
                "offsets": ["10-18"],
                "as_written": ["AB12 CDE"],
                **s2,
            }
        ],
        ("MENTIONS", "Report", "Person"): [
            {
                "from_key": "d1:R1",
                "to_key": "d1:P2",
                "offsets": ["0-3"],
                "as_written": ["Bob"],
                **s2,
            }
        ],
        ("ABOUT", "Report", "Person"): [{"from_key": "d1:R1", "to_key": "d1:P2", **s2}],
        ("SAME_AS", "Person", "Person"): [{"from_key": "d1:P1", "to_key": "d2:P1", **s1}],
        **{
            ("CONCERNS", kind, "Person"): [{"from_key": key, "to_key": "d1:P1", **s2}]
            for kind, key in (
                ("Referral", "d1:RF1"),
                ("SchoolRecord", "d1:SR1"),
                ("HealthAttendance", "d1:H1"),
                ("Gift", "d1:G1"),
                ("Allocation", "d1:AL1"),
                ("RiskAssessment", "d1:RA1"),
            )
        },
        ("GIVEN_BY", "Gift", "Person"): [{"from_key": "d1:G1", "to_key": "d1:P2", **s2}],
    }
    return c


def _load(
    store: GraphStore, case: Case
) -> tuple[dict[str, UpsertResult], dict[tuple[str, str, str], UpsertResult]]:
    nodes = {e: store.upsert_nodes(e, pd.DataFrame(rows)) for e, rows in case.nodes.items()}
    links = {k: store.upsert_links(*k, pd.DataFrame(rows)) for k, rows in case.links.items()}
    return nodes, links


@pytest.fixture
def case() -> Case:
    return _case()


@pytest.fixture
def loaded(store: GraphStore, case: Case) -> GraphStore:
    """A store holding the whole case."""
    _load(store, case)
    return store


def _node(store: GraphStore, entity: str, key: str) -> dict[str, object]:
    got = store.get_node(entity, key)
    assert got is not None, f"{entity} {key} is not stored"
    return got


# -- upserts ------------------------------------------------------------------------------------
def test_the_case_covers_every_entity_and_link_kind(case: Case) -> None:
    assert set(case.nodes) == set(schema().entities)
    assert {k[0] for k in case.links} == set(schema().links)


def test_upsert_creates_every_entity_and_link_kind(store: GraphStore, case: Case) -> None:
    nodes, links = _load(store, case)
    for entity, rows in case.nodes.items():
        assert nodes[entity] == UpsertResult(created=len(rows)), entity
    for key, rows in case.links.items():
        assert links[key] == UpsertResult(created=len(rows)), key
    counts = store.counts()
    for entity, rows in case.nodes.items():
        assert counts[entity] == len(rows), entity
    for link in schema().links:
        expected = sum(len(rows) for k, rows in case.links.items() if k[0] == link)
        assert counts[link] == expected, link


def test_loading_the_same_rows_twice_changes_nothing(store: GraphStore, case: Case) -> None:
    _load(store, case)
    before = store.counts()
    nodes, links = _load(store, case)
    for entity, rows in case.nodes.items():
        assert nodes[entity] == UpsertResult(unchanged=len(rows)), entity
    for key, rows in case.links.items():
        assert links[key] == UpsertResult(unchanged=len(rows)), key
    assert store.counts() == before


def test_rows_sharing_a_key_in_one_upsert_are_one_entity(store: GraphStore) -> None:
    rows = pd.DataFrame(
        [
            {
                "key": "d1:P1",
                "id": "P1",
                "dataset": "d1",
                "sources": ["d1:S1"],
                "given_name": "Amy",
            },
            {
                "key": "d1:P1",
                "id": "P1",
                "dataset": "d1",
                "sources": ["d1:S2"],
                "family_name": "Ashby",
            },
        ]
    )
    assert store.upsert_nodes("person", rows) == UpsertResult(created=1)
    got = _node(store, "Person", "d1:P1")
    assert got["sources"] == ["d1:S1", "d1:S2"]
    assert (got["given_name"], got["family_name"]) == ("Amy", "Ashby")


def test_empty_upserts_do_nothing(store: GraphStore) -> None:
    assert store.upsert_nodes("Person", pd.DataFrame()) == UpsertResult()
    assert store.upsert_links("USES_PHONE", "Person", "Phone", pd.DataFrame()) == UpsertResult()


def test_links_need_both_ends_and_an_allowed_pair(loaded: GraphStore) -> None:
    with pytest.raises(StoreError):
        loaded.upsert_links(
            "USES_PHONE",
            "Person",
            "Phone",
            pd.DataFrame([{"from_key": "d1:P99", "to_key": PHONE_A}]),
        )
    with pytest.raises(StoreError):
        loaded.upsert_links(
            "USES_PHONE", "Vehicle", "Phone", pd.DataFrame([{"from_key": VRM, "to_key": PHONE_A}])
        )
    assert loaded.counts()["USES_PHONE"] == 2


# -- merge rules ----------------------------------------------------------------------------------
def test_sources_are_unioned_in_first_seen_order(loaded: GraphStore) -> None:
    rows = pd.DataFrame(
        [{"key": "d1:P1", "id": "P1", "dataset": "d1", "sources": ["d1:S2", "d1:S1"]}]
    )
    assert loaded.upsert_nodes("Person", rows) == UpsertResult(updated=1)
    assert _node(loaded, "Person", "d1:P1")["sources"] == ["d1:S1", "d1:S2"]
    assert loaded.upsert_nodes("Person", rows) == UpsertResult(unchanged=1)


def test_seen_dates_only_widen(loaded: GraphStore) -> None:
    inside = pd.DataFrame([{"key": "d1:P1", "first_seen": "2011-03-02", "last_seen": "2011-03-04"}])
    assert loaded.upsert_nodes("Person", inside) == UpsertResult(unchanged=1)
    wider = pd.DataFrame([{"key": "d1:P1", "first_seen": "2011-02-01", "last_seen": "2011-04-01"}])
    assert loaded.upsert_nodes("Person", wider) == UpsertResult(updated=1)
    got = _node(loaded, "Person", "d1:P1")
    assert (got["first_seen"], got["last_seen"]) == ("2011-02-01T00:00:00", "2011-04-01T00:00:00")
    later_start = pd.DataFrame(
        [{"key": "d1:P1", "first_seen": "2011-05-01", "last_seen": "2011-05-02"}]
    )
    assert loaded.upsert_nodes("Person", later_start) == UpsertResult(updated=1)
    got = _node(loaded, "Person", "d1:P1")
    assert (got["first_seen"], got["last_seen"]) == ("2011-02-01T00:00:00", "2011-05-02T00:00:00")


def test_a_blank_never_erases_and_a_value_replaces(loaded: GraphStore) -> None:
    blank = pd.DataFrame(
        [{"key": "d1:P2", "id": "P2", "given_name": None, "family_name": "", "aliases": None}]
    )
    blank["family_name"] = None
    assert loaded.upsert_nodes("Person", blank) == UpsertResult(unchanged=1)
    got = _node(loaded, "Person", "d1:P2")
    assert (got["given_name"], got["family_name"], got["aliases"]) == ("Bob", "Bexley", ["Bobby"])
    newer = pd.DataFrame([{"key": "d1:P2", "given_name": "Robert"}])
    assert loaded.upsert_nodes("Person", newer) == UpsertResult(updated=1)
    assert _node(loaded, "Person", "d1:P2")["given_name"] == "Robert"
    assert _node(loaded, "Person", "d1:P2")["category"] == "suspect"


def test_list_properties_are_unioned(loaded: GraphStore) -> None:
    rows = pd.DataFrame([{"key": PHONE_A, "spellings": ["+44 7700 900001", "07700 900001"]}])
    assert loaded.upsert_nodes("Phone", rows) == UpsertResult(updated=1)
    assert _node(loaded, "Phone", PHONE_A)["spellings"] == ["07700 900001", "+44 7700 900001"]
    aliases = pd.DataFrame([{"key": "d1:P2", "aliases": ["B", "Bobby"]}])
    assert loaded.upsert_nodes("Person", aliases) == UpsertResult(updated=1)
    assert _node(loaded, "Person", "d1:P2")["aliases"] == ["Bobby", "B"]


def test_links_merge_by_their_ends_and_identity(loaded: GraphStore) -> None:
    again = pd.DataFrame(
        [
            {
                "from_key": "d1:P1",
                "to_key": PHONE_A,
                "sources": ["d1:S2"],
                "first_seen": "2011-01-01",
                "last_seen": None,
            }
        ]
    )
    assert loaded.upsert_links("uses_phone", "person", "phone", again) == UpsertResult(updated=1)
    link = loaded.links("USES_PHONE", from_keys=["d1:P1"]).iloc[0]
    assert list(link["sources"]) == ["d1:S1", "d1:S2"]
    assert link["first_seen"] == pd.Timestamp("2011-01-01")
    assert link["last_seen"] == pd.Timestamp("2011-03-02")
    # a new role between the same ends is a new link; a repeated role is the same link
    roles = pd.DataFrame(
        [
            {"from_key": "d1:P2", "to_key": "d1:E1", "role": "passenger", "sources": ["d1:S2"]},
            {"from_key": "d1:P2", "to_key": "d1:E1", "role": "driver", "sources": ["d1:S1"]},
        ]
    )
    assert loaded.upsert_links("PARTICIPATED_IN", "Person", "Event", roles) == UpsertResult(
        created=1, unchanged=1
    )
    got = loaded.links("PARTICIPATED_IN", from_keys=["d1:P2"])
    assert sorted(got["role"]) == ["driver", "passenger", "with"]
    # list properties on links are unioned too
    more = pd.DataFrame(
        [{"from_key": "d1:R1", "to_key": VRM, "offsets": ["30-38"], "as_written": ["AB12CDE"]}]
    )
    assert loaded.upsert_links("MENTIONS", "Report", "Vehicle", more) == UpsertResult(updated=1)
    mention = loaded.links("MENTIONS", to_keys=[VRM]).iloc[0]
    assert list(mention["offsets"]) == ["10-18", "30-38"]
    assert list(mention["as_written"]) == ["AB12 CDE", "AB12CDE"]


# -- provenance -------------------------------------------------------------------------------
def test_every_node_and_link_names_stored_sources(loaded: GraphStore) -> None:
    source_keys = set(loaded.nodes("Source")["key"])
    for ent in schema().pole_entities():
        frame = loaded.nodes(ent.name)
        assert not frame.empty, ent.name
        for key, sources in zip(frame["key"], frame["sources"], strict=True):
            assert len(sources) > 0 and set(sources) <= source_keys, (ent.name, key)
    links = loaded.all_links()
    assert len(links) == sum(loaded.counts()[name] for name in schema().links)
    for row in links.itertuples():
        assert len(row.sources) > 0 and set(row.sources) <= source_keys, row


# -- lookups --------------------------------------------------------------------------------------
def test_get_node_returns_plain_values(loaded: GraphStore) -> None:
    got = _node(loaded, "person", "d1:P1")
    assert got["id"] == "P1" and got["dataset"] == "d1" and got["given_name"] == "Amy"
    assert pd.Timestamp(str(got["date_of_birth"])) == pd.Timestamp("1997-06-01")
    assert got["looked_after"] is True
    assert got["sources"] == ["d1:S1"]
    assert set(got) == set(schema().entity("Person").columns())
    loc = _node(loaded, "Location", "d1:L1")
    assert loc["latitude"] == pytest.approx(53.4)
    assert _node(loaded, "Event", "d1:E2")["duration_s"] == 95
    assert loaded.get_node("Person", "d1:P99") is None


def test_find_keys_across_two_datasets(loaded: GraphStore) -> None:
    assert loaded.find_keys("person", "P1") == ["d1:P1", "d2:P1"]
    assert loaded.find_keys("Person", "P2") == ["d1:P2"]
    assert loaded.find_keys("Phone", PHONE_A) == [PHONE_A]
    assert loaded.find_keys("Person", "P99") == []


def test_nodes_by_keys_and_columns(loaded: GraphStore) -> None:
    frame = loaded.nodes("Person", keys=["d1:P2", "d2:P1", "d1:P99"])
    assert sorted(frame["key"]) == ["d1:P2", "d2:P1"]
    assert list(frame.columns) == list(schema().entity("Person").columns())
    some = loaded.nodes("Person", columns=["given_name", "first_seen"])
    assert list(some.columns) == ["key", "given_name", "first_seen"]
    assert len(some) == 4
    assert pd.api.types.is_datetime64_any_dtype(some["first_seen"])
    assert loaded.nodes("Person", keys=[]).empty


def test_datasets_come_from_sources(loaded: GraphStore) -> None:
    assert loaded.datasets() == ["d1", "d2"]


def test_counts_name_every_label_and_type(loaded: GraphStore) -> None:
    counts = loaded.counts()
    assert set(counts) == set(schema().entities) | set(schema().links)
    assert counts["Person"] == 4 and counts["PARTICIPATED_IN"] == 6 and counts["SAME_AS"] == 1


# -- links and neighbourhoods ------------------------------------------------------------------
def test_links_frame_shape_and_projections(loaded: GraphStore) -> None:
    frame = loaded.links("PARTICIPATED_IN")
    assert list(frame.columns) == [*LINK_FRAME_COLUMNS, "role"]
    assert len(frame) == 6
    assert set(frame["from_entity"]) == {"Person", "Phone", "Vehicle"}
    assert set(frame["to_entity"]) == {"Event"}
    assert pd.api.types.is_datetime64_any_dtype(frame["first_seen"])
    by_from = loaded.links("participated_in", from_keys=[PHONE_A, VRM])
    assert sorted(zip(by_from["from_key"], by_from["role"], strict=True)) == [
        (PHONE_A, "callee"),
        (VRM, "read"),
    ]
    by_to = loaded.links("PARTICIPATED_IN", to_keys=["d1:E2"])
    assert sorted(by_to["from_key"]) == [PHONE_A, PHONE_B]
    empty = loaded.links("USES_PHONE", from_keys=["d1:P99"])
    assert empty.empty and list(empty.columns) == LINK_FRAME_COLUMNS
    mentions = loaded.links("MENTIONS")
    assert list(mentions.columns) == [*LINK_FRAME_COLUMNS, "offsets", "as_written"]
    assert set(mentions["to_entity"]) == {"Vehicle", "Person"}


def test_all_links_is_every_kind(loaded: GraphStore) -> None:
    frame = loaded.all_links()
    assert set(frame["link"]) == set(schema().links)
    assert set(frame["from_entity"]) | set(frame["to_entity"]) <= set(schema().entities)


def test_all_links_touching_a_kind_are_its_rows_of_all_links_in_order(loaded: GraphStore) -> None:
    every = loaded.all_links()
    mine = (every["from_entity"] == "Person") | (every["to_entity"] == "Person")
    touching = loaded.all_links(touching="person")
    assert len(touching) and len(touching) < len(every)
    columns = list(touching.columns)
    assert touching.equals(every[mine][columns].reset_index(drop=True))


def test_links_of_a_few_keys_are_those_of_the_same_keys_unwound(loaded: GraphStore) -> None:
    from graph_intel.stores import reads

    many = [f"d1:none{i}" for i in range(reads.FEW_KEYS + 1)]  # over FEW_KEYS: unwound
    for link, ends in (("USES_PHONE", "from_keys"), ("PARTICIPATED_IN", "to_keys")):
        every = loaded.links(link)
        column = "from_key" if ends == "from_keys" else "to_key"
        keys = sorted(set(every[column]))[:2]
        few = loaded.links(link, **{ends: keys})
        unwound = loaded.links(link, **{ends: keys + many})
        assert len(few) and set(few[column]) == set(keys)
        assert (
            _rows(few)
            == _rows(unwound[unwound[column].isin(keys)])
            == _rows(every[every[column].isin(keys)])
        )


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in frame.itertuples(index=False))


def test_node_links_in_both_directions(loaded: GraphStore) -> None:
    frame = loaded.node_links("Person", "d1:P1")
    seen = {(r.link, r.from_key, r.to_key) for r in frame.itertuples()}
    assert ("USES_PHONE", "d1:P1", PHONE_A) in seen  # outgoing
    assert ("ASSOCIATE_OF", "d1:P2", "d1:P1") in seen  # incoming
    assert ("INTRODUCED", "d1:P3", "d1:P1") in seen
    assert ("SAME_AS", "d1:P1", "d2:P1") in seen
    assert ("CONCERNS", "d1:RF1", "d1:P1") in seen  # a safeguarding record about the child
    assert len(seen) == len(frame) == 6 + 6  # six links, and the six records that concern P1
    phone = loaded.node_links("phone", PHONE_A)
    # one row per link: the number is saved under two names on X1, and both are shown
    assert sorted(phone["link"]) == [
        "PARTICIPATED_IN",
        "SAVED_CONTACT",
        "SAVED_CONTACT",
        "USES_PHONE",
    ]
    assert len(set(phone.loc[phone["link"] == "SAVED_CONTACT", "saved_name"])) == 2
    assert loaded.node_links("Person", "d1:P99").empty


def test_neighbourhood_hops(loaded: GraphStore) -> None:
    one = loaded.neighbourhood([("phone", PHONE_B)], hops=1)
    assert set(zip(one.nodes["entity"], one.nodes["key"], strict=True)) == {
        ("Phone", PHONE_B),
        ("Person", "d1:P2"),
        ("Event", "d1:E2"),
        ("Exhibit", "d1:X1"),
    }
    two = loaded.neighbourhood([("phone", PHONE_B)], hops=2)
    keys = set(two.nodes["key"])
    assert {"d1:P1", "d1:P3", VRM, PHONE_A, "d1:R1", "d1:E1"} <= keys
    assert len(two.links) > len(one.links)
    only = loaded.neighbourhood([("Person", "d1:P2")], hops=1, links=[schema().link("DRIVES")])
    assert set(only.nodes["key"]) == {"d1:P2", VRM}
    assert list(only.links["link"]) == ["DRIVES"]


# -- raw queries --------------------------------------------------------------------------------
def test_query_reads_with_parameters(loaded: GraphStore) -> None:
    frame = loaded.query(
        "MATCH (n:Person) WHERE n.id = $id RETURN n.key AS key ORDER BY key", {"id": "P1"}
    )
    assert list(frame["key"]) == ["d1:P1", "d2:P1"]


def test_query_cannot_write(loaded: GraphStore) -> None:
    with pytest.raises(StoreError):
        loaded.query("CREATE (n:Person {key: $key, id: 'P9'})", {"key": "d9:P9"})
    with pytest.raises(StoreError):
        loaded.query("MATCH (n:Person) WHERE n.key = $key SET n.given_name = 'X'", {"key": "d1:P1"})
    assert loaded.counts()["Person"] == 4
    assert _node(loaded, "Person", "d1:P1")["given_name"] == "Amy"


# -- the schema in the store --------------------------------------------------------------------
def test_labels_and_types_are_the_schemas(loaded: GraphStore) -> None:
    if loaded.name == "neo4j":
        labels = set(loaded.query("CALL db.labels() YIELD label RETURN label")["label"])
        types = set(
            loaded.query(
                "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"
            )["relationshipType"]
        )
        assert labels - set(STORE_TABLES) == set(schema().entities)
        assert types == set(schema().links)
        constraints = loaded.query(
            "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN *"
        )
        unique = {
            (tuple(r.labelsOrTypes)[0], tuple(r.properties)[0])
            for r in constraints.itertuples()
            if "UNIQUE" in r.type
        }
        assert {(e, "key") for e in schema().entities} <= unique
    else:
        tables = loaded.query("CALL show_tables() RETURN name, type")
        assert set(tables[tables["type"] == "NODE"]["name"]) == set(schema().entities) | set(
            STORE_TABLES
        )
        assert set(tables[tables["type"] == "REL"]["name"]) == set(schema().links)


# -- pattern queries run in the store (graph_intel.stores.patterns) ------------------------------
def _pairs(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(frame["link"], frame["from_key"], frame["to_key"], strict=True))


def test_links_to_shared_counts_distinct_from_ends_over_the_kinds(loaded: GraphStore) -> None:
    more = {
        ("USES_PHONE", "Person", "Phone"): [
            {"from_key": "d1:P2", "to_key": PHONE_A, "sources": ["d1:S2"]},
            {"from_key": "d1:P3", "to_key": PHONE_A, "sources": ["d1:S2"]},
        ],
    }
    for k, rows in more.items():
        loaded.upsert_links(*k, pd.DataFrame(rows))
    # PHONE_A: P1, P2, P3; PHONE_B: P2 only
    three = loaded.links_to_shared(["USES_PHONE"], 3)
    assert list(three.columns) == LINK_FRAME_COLUMNS
    assert _pairs(three) == [("USES_PHONE", p, PHONE_A) for p in ("d1:P1", "d1:P2", "d1:P3")]
    assert list(three["sources"].map(list)) == [["d1:S1"], ["d1:S2"], ["d1:S2"]]
    assert loaded.links_to_shared(["USES_PHONE"], 4).empty
    everyone = loaded.links_to_shared(["uses_phone"], 1)
    assert _pairs(everyone)[-1] == ("USES_PHONE", "d1:P2", PHONE_B) and len(everyone) == 4
    # L1: lived at by P3, frequented by P1: shared over the two kinds together, not by either alone
    both = loaded.links_to_shared(["LIVES_AT", "FREQUENTS"], 2)
    assert _pairs(both) == [("LIVES_AT", "d1:P3", "d1:L1"), ("FREQUENTS", "d1:P1", "d1:L1")]
    assert loaded.links_to_shared(["LIVES_AT"], 2).empty
    # the vehicle is kept and driven by the same person: one distinct person
    assert loaded.links_to_shared(["KEEPER_OF", "DRIVES"], 2).empty
    assert len(loaded.links_to_shared(["KEEPER_OF", "DRIVES"], 1)) == 2


def test_links_to_shared_keeps_the_link_properties(loaded: GraphStore) -> None:
    saved = loaded.links_to_shared(["SAVED_CONTACT"], 1)
    assert list(saved.columns) == [*LINK_FRAME_COLUMNS, "saved_name"]
    assert list(saved["saved_name"]) == ["A new", "Amy"]  # one exhibit, two entries, by identity
    none = loaded.links_to_shared(["SAVED_CONTACT"], 2)  # one exhibit only
    assert none.empty and list(none.columns) == [*LINK_FRAME_COLUMNS, "saved_name"]


def test_call_pairs(loaded: GraphStore) -> None:
    calls = loaded.call_pairs()
    assert list(calls.columns) == [
        "event",
        "caller",
        "callee",
        "sources",
        "started_at",
        "call_type",
    ]
    assert calls[["event", "caller", "callee", "call_type"]].values.tolist() == [
        ["d1:E2", PHONE_B, PHONE_A, "voice"]
    ]
    assert list(calls["sources"].iloc[0]) == ["d1:S2"]
    assert pd.api.types.is_datetime64_any_dtype(calls["started_at"])
    assert calls["started_at"].iloc[0] == pd.Timestamp("2011-03-03T01:00:00")


def test_placed_events_and_who_was_there(loaded: GraphStore) -> None:
    placed = loaded.placed_events()
    assert list(placed.columns) == ["event", "location", "kind", "started_at", "sources"]
    assert placed[["event", "location", "kind"]].values.tolist() == [["d1:E1", "d1:L1", "sighting"]]
    assert placed["started_at"].iloc[0] == pd.Timestamp("2011-03-02T22:15:00")
    assert list(placed["sources"].iloc[0]) == ["d1:S1"]
    people = loaded.present_at_places("person")
    assert list(people.columns) == ["who", "event", "location", "role", "sources"]
    assert people[["who", "event", "location", "role"]].values.tolist() == [
        ["d1:P1", "d1:E1", "d1:L1", "subject"],
        ["d1:P2", "d1:E1", "d1:L1", "driver"],
        ["d1:P2", "d1:E1", "d1:L1", "with"],
    ]
    assert list(loaded.present_at_places("Vehicle")["who"]) == [VRM]
    phones = loaded.present_at_places("Phone")  # the call has no place
    assert phones.empty and list(phones.columns) == ["who", "event", "location", "role", "sources"]
    with pytest.raises(ValueError):
        loaded.present_at_places("Location")


def test_participants_in_events_of_some_kinds(loaded: GraphStore) -> None:
    seen = loaded.participants("Person", ["sighting", "arrest"])
    assert list(seen.columns) == ["who", "event", "kind", "started_at", "role", "sources"]
    assert seen[["who", "event", "kind", "role"]].values.tolist() == [
        ["d1:P1", "d1:E1", "sighting", "subject"],
        ["d1:P2", "d1:E1", "sighting", "driver"],
        ["d1:P2", "d1:E1", "sighting", "with"],
    ]
    assert pd.api.types.is_datetime64_any_dtype(seen["started_at"])
    phones = loaded.participants("Phone", ["call"])
    assert phones[["who", "role"]].values.tolist() == [[PHONE_A, "callee"], [PHONE_B, "caller"]]
    assert loaded.participants("Person", ["arrest"]).empty
    assert loaded.participants("Person", []).empty


def test_every_pattern_runs_with_its_parameters(loaded: GraphStore) -> None:
    from graph_intel.stores import patterns

    for pattern in patterns.all_patterns():
        frame = loaded.run_pattern(pattern, **patterns.PARAMETERS)
        assert isinstance(frame, pd.DataFrame), pattern.name


def test_patterns_on_an_empty_store_give_empty_frames(store: GraphStore) -> None:
    assert store.links_to_shared(["USES_PHONE", "KEEPER_OF"], 1).empty
    assert store.call_pairs().empty and store.placed_events().empty
    assert store.present_at_places("Person").empty
    assert store.participants("Vehicle", ["sighting"]).empty
    assert store.events(["missing_episode"]).empty
    assert store.keys_starting("Report", "id", "matrix/") == []
    assert store.dataset_keys("Person", "d1") == [] and store.dataset_links("d1").empty


def test_events_of_some_kinds_found_in_the_store(loaded: GraphStore) -> None:
    seen = loaded.events(["sighting"], columns=["kind", "started_at"])
    assert list(seen.columns) == ["key", "kind", "started_at"]
    assert seen[["key", "kind"]].values.tolist() == [["d1:E1", "sighting"]]
    assert pd.Timestamp(seen["started_at"].iloc[0]) == pd.Timestamp("2011-03-02T22:15:00")
    both = loaded.events(["call", "sighting", "arrest"])
    assert list(both["key"]) == ["d1:E1", "d1:E2"]  # by key, every column
    assert both.set_index("key").loc["d1:E2", "call_type"] == "voice"
    assert loaded.events(["arrest"], columns=["kind"]).empty
    assert loaded.events([]).empty


def test_keys_starting_a_prefix(loaded: GraphStore) -> None:
    assert loaded.keys_starting("Person", "key", "d1:") == ["d1:P1", "d1:P2", "d1:P3"]
    assert loaded.keys_starting("person", "id", "P") == ["d1:P1", "d1:P2", "d1:P3", "d2:P1"]
    assert loaded.keys_starting("Source", "key", "d2:") == ["d2:S1"]
    assert loaded.keys_starting("Report", "id", "matrix/") == []
    with pytest.raises(ValueError):
        loaded.keys_starting("Person", "given_name", "A")


def test_dataset_keys(loaded: GraphStore) -> None:
    assert loaded.dataset_keys("Person", "d2") == ["d2:P1"]
    assert loaded.dataset_keys("Event", "d1") == ["d1:E1", "d1:E2"]
    assert loaded.dataset_keys("Phone", "d1") == []  # a global kind belongs to no dataset
    assert loaded.dataset_keys("Person", "d") == []  # a dataset's prefix ends at the colon


def _identities(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    cols = ["link", "from_entity", "from_key", "to_entity", "to_key", "role", "saved_name"]
    rows = frame.reindex(columns=cols).astype(object)
    return sorted(
        tuple("" if pd.isna(v) else v for v in row) for row in rows.itertuples(index=False)
    )


def test_dataset_links_are_the_links_touching_the_dataset(loaded: GraphStore) -> None:
    every = loaded.all_links()
    for dataset in ("d1", "d2"):
        got = loaded.dataset_links(dataset)
        touching = every["from_key"].str.startswith(f"{dataset}:") | every["to_key"].str.startswith(
            f"{dataset}:"
        )
        assert _identities(got) == _identities(every[touching]), dataset
    assert _pairs(loaded.dataset_links("d2")) == [("SAME_AS", "d1:P1", "d2:P1")]
    family = loaded.dataset_links("d1", [schema().link("FAMILY_OF")])  # both ends in d1: once
    assert _pairs(family) == [("FAMILY_OF", "d1:P2", "d1:P3")]
    used = loaded.dataset_links("d1", [schema().link("uses_phone")])
    assert list(used.columns[: len(LINK_FRAME_COLUMNS)]) == LINK_FRAME_COLUMNS
    assert _pairs(used) == [("USES_PHONE", "d1:P1", PHONE_A), ("USES_PHONE", "d1:P2", PHONE_B)]
    assert list(used["sources"].map(list)) == [["d1:S1"], ["d1:S2"]]
    saved = loaded.dataset_links("d1", [schema().link("SAVED_CONTACT")])
    assert list(saved["saved_name"]) == ["A new", "Amy"]  # one exhibit, two entries, by identity
    none = loaded.dataset_links("d3")
    assert none.empty and list(none.columns) == LINK_FRAME_COLUMNS
    assert loaded.dataset_links("d1", []).empty


def test_a_replaced_value_is_reported_with_the_row_it_replaced(loaded: GraphStore) -> None:
    """What a later load replaces comes back as the stored row as it was (the earlier version a load keeps)."""
    again = loaded.upsert_nodes(
        "Person", pd.DataFrame([{"key": "d1:P3", "id": "P3", "dataset": "d1", "given_name": "Cal"}])
    )
    assert again.superseded == []  # the same value replaces nothing
    filled = loaded.upsert_nodes(
        "Person",
        pd.DataFrame([{"key": "d1:P3", "id": "P3", "dataset": "d1", "family_name": "Cole"}]),
    )
    assert filled.superseded == [] and filled.updated == 1  # filling a blank replaces nothing
    changed = loaded.upsert_nodes(
        "Person",
        pd.DataFrame(
            [
                {
                    "key": "d1:P3",
                    "id": "P3",
                    "dataset": "d1",
                    "category": "child",
                    "given_name": "Cal",
                }
            ]
        ),
    )
    assert changed.updated == 1 and len(changed.superseded) == 1
    entity, rows, columns = changed.superseded[0]
    assert entity == "Person" and rows["key"].tolist() == ["d1:P3"] and columns == [["category"]]
    assert rows["category"].tolist() == ["associate"] and rows["family_name"].tolist() == ["Cole"]
    assert _node(loaded, "Person", "d1:P3")["category"] == "child"
