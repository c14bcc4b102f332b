"""The analyses ask the store for pattern matches, never for whole link kinds they only filter.

A thin subclass of the real embedded store notes each read it is asked for (every read still runs
on the real database), over the demo ingested into a fresh store. The safeguarding readers and the
network page of a dataset are held to the same: they find what they need in the store (events by
kind, entries by id prefix, a dataset's keys) and read only that, by key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph_intel.analysis.contacts import numbers_in_handsets, shared_objects
from graph_intel.analysis.evidence import contact_evidence
from graph_intel.analysis.places import colocation, hotspots
from graph_intel.network.views import case_network
from graph_intel.safeguarding.briefing import briefing
from graph_intel.safeguarding.cawn import (
    breaches,
    candidates,
    eligible_children,
    notices,
    served_json,
)
from graph_intel.safeguarding.chronology import chronology
from graph_intel.safeguarding.matrix import matrix_list, set_status
from graph_intel.safeguarding.missing import missing_triggers
from graph_intel.safeguarding.pack import pack_data
from graph_intel.schema import schema
from graph_intel.stores.ladybug_store import LadybugStore
from graph_intel.stores.patterns import Pattern


class RecordingStore(LadybugStore):
    """The embedded store, noting whole-kind reads and pattern queries as they are made."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads: list[tuple[str, str]] = []

    def links(
        self,
        link: str,
        from_keys: Sequence[str] | None = None,
        to_keys: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        if from_keys is None and to_keys is None:
            self.reads.append(("links", schema().link(link).name))
        return super().links(link, from_keys, to_keys)

    def nodes(
        self, entity: str, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        if keys is None:
            self.reads.append(("nodes", schema().entity(entity).name))
        return super().nodes(entity, keys, columns)

    def run_pattern(self, pattern: Pattern, **params: Any) -> pd.DataFrame:
        self.reads.append(("pattern", pattern.name))
        return super().run_pattern(pattern, **params)

    def take(self) -> list[tuple[str, str]]:
        """The reads noted since the last take."""
        out, self.reads = self.reads, []
        return out


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingStore]:
    from graph_intel.demo import write_demo
    from graph_intel.ingest import ingest

    base = tmp_path_factory.mktemp("recorded")
    store = RecordingStore(base / "store")
    try:
        ingest(store, write_demo(base / "demo"))
        store.take()
        yield store
    finally:
        store.close()


def _whole(reads: list[tuple[str, str]], kind: str) -> set[str]:
    return {name for what, name in reads if what == kind}


def test_shared_objects_counts_users_in_the_store(recording: RecordingStore) -> None:
    assert not shared_objects(recording).empty
    reads = recording.take()
    assert ("pattern", "shared_keys_DRIVES_KEEPER_OF_LIVES_AT_USES_PHONE") in reads
    assert not _whole(reads, "links") & {"USES_PHONE", "KEEPER_OF", "DRIVES", "LIVES_AT"}


def test_numbers_in_handsets_counts_exhibits_in_the_store(recording: RecordingStore) -> None:
    assert not numbers_in_handsets(recording).empty
    reads = recording.take()
    assert ("pattern", "shared_keys_SAVED_CONTACT") in reads
    assert "SAVED_CONTACT" not in _whole(reads, "links")


def test_contact_evidence_matches_calls_and_meetings_in_the_store(
    recording: RecordingStore,
) -> None:
    facts = contact_evidence(recording)
    assert {"call", "together", "pickup"} <= set(facts["kind"])
    reads = recording.take()
    assert {
        ("pattern", "call_pairs"),
        ("pattern", "participants_Person"),
        ("pattern", "participants_Vehicle"),
    } <= set(reads)
    assert "PARTICIPATED_IN" not in _whole(reads, "links")
    assert "Event" not in _whole(reads, "nodes")


def test_places_read_placed_events_and_who_was_there(recording: RecordingStore) -> None:
    assert not hotspots(recording).empty
    assert not colocation(recording, min_occasions=1).empty
    reads = recording.take()
    assert {
        ("pattern", "placed_events"),
        ("pattern", "present_at_places_Person"),
        ("pattern", "present_at_places_Vehicle"),
    } <= set(reads)
    assert not _whole(reads, "links") & {"PARTICIPATED_IN", "OCCURRED_AT"}
    assert "Event" not in _whole(reads, "nodes")


@pytest.mark.parametrize("minimum", [None, "2B"])
def test_the_store_threshold_drops_nothing_grading_or_clusters_keep(
    recording: RecordingStore, minimum: str | None
) -> None:
    """Objects the store counts as shared are a superset: the result is the at_least=1 result, cut."""
    from graph_intel.grading import MinGrade
    from graph_intel.resolution.judgements import judge

    users = recording.links("USES_PHONE").groupby("to_key")["from_key"].apply(sorted)
    pairs = users[users.map(len) == 2]
    assert not pairs.empty, "the demo has a phone used by exactly two persons"
    phone, (a, b) = pairs.index[0], pairs.iloc[0]
    if recording.links("SAME_AS").empty:  # two records of one person: the phone is no longer shared
        judge(recording, a, b, "same", "one person, two records", "test")
    grade = MinGrade.parse(minimum)
    assert phone in set(recording.links_to_shared(["USES_PHONE"], 2)["to_key"])
    assert phone not in set(shared_objects(recording, grade)["key"])
    every = shared_objects(recording, grade, at_least=1)
    numbers = numbers_in_handsets(recording, grade, at_least=1)
    for n in (2, 3):
        cut = every[every["persons"].map(len) >= n]
        assert shared_objects(recording, grade, at_least=n).to_dict("records") == cut.to_dict(
            "records"
        )
        cut = numbers[numbers["exhibits"].map(len) >= n]
        assert numbers_in_handsets(recording, grade, at_least=n).to_dict("records") == cut.to_dict(
            "records"
        )


# -- safeguarding and the network page -------------------------------------------------------------
#: Kinds the safeguarding readers and the dataset page used to read whole and now read by key.
SAFEGUARDING_BY_KEY = {"Event", "Location", "Source"}
#: Link kinds the evidence pack now reads for its pair's events only (the contact evidence it starts
#: from still projects the attribution kinds whole: graph_intel.analysis.evidence).
PACK_LINKS = {"PARTICIPATED_IN", "OCCURRED_AT"}


def test_missing_triggers_find_the_episodes_in_the_store(recording: RecordingStore) -> None:
    recording.take()  # this test's reads only
    assert missing_triggers(recording, date(2013, 1, 1))
    reads = recording.take()
    assert ("pattern", "event_keys") in reads
    assert not _whole(reads, "nodes") & SAFEGUARDING_BY_KEY
    assert "PARTICIPATED_IN" not in _whole(reads, "links")


def test_cawn_readers_find_the_notices_in_the_store(recording: RecordingStore) -> None:
    recording.take()  # this test's reads only
    assert not notices(recording).empty and served_json(recording)
    assert candidates(recording, date(2013, 1, 1)) and breaches(recording)
    assert eligible_children(recording, date(2011, 6, 1))
    reads = recording.take()
    assert ("pattern", "event_keys") in reads
    assert not _whole(reads, "nodes") & SAFEGUARDING_BY_KEY
    assert "PARTICIPATED_IN" not in _whole(reads, "links")


def test_the_evidence_pack_reads_one_pair_by_key(recording: RecordingStore) -> None:
    note = notices(recording).iloc[0]
    recording.take()  # the pack's reads only
    data = pack_data(recording, note["served_on"], note["child"])
    assert data["items"] and data["notices"]
    assert any(i["where"] for i in data["items"]), "the demo pair met at a place"
    reads = recording.take()
    assert not _whole(reads, "nodes") & SAFEGUARDING_BY_KEY
    assert not _whole(reads, "links") & PACK_LINKS


def test_chronology_and_matrix_read_by_key(recording: RecordingStore) -> None:
    child = recording.find_keys("Person", "C1")[0]
    set_status(
        recording, child, "red", "tester", "2012-01-01", "a test entry", at=datetime(2011, 6, 1)
    )
    recording.take()  # the readers' reads only
    assert chronology(recording, child)
    assert [r["rag"] for r in matrix_list(recording, date(2011, 7, 1))] == ["red"]
    assert briefing(recording, date(2011, 1, 1), date(2011, 7, 1))["children"]
    reads = recording.take()
    assert ("pattern", "keys_starting_Report_id") in reads
    assert not _whole(reads, "nodes") & SAFEGUARDING_BY_KEY
    assert "PARTICIPATED_IN" not in _whole(reads, "links")


def test_the_dataset_page_reads_only_the_dataset(recording: RecordingStore) -> None:
    recording.take()  # this test's reads only
    page = case_network(recording, "demo")
    assert page.view.nodes and page.view.edges
    reads = recording.take()
    assert ("pattern", "keys_starting_Person_key") in reads
    assert not _whole(reads, "links") and not _whole(reads, "nodes")
