"""The hub's group pages over HTTP: a group named by any member, the evidence joining it with its
source and grade, links onward, from the adult's and child's pages; a viewer's restricted view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_env import Hub, copy_store, settings_for, start

from api.audit import open_audit
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

GROUP_ONE = [f"A{n}" for n in range(1, 11)]


def test_a_group_page_lists_its_members_and_the_evidence_joining_them(hub: Hub) -> None:
    hub.sign_in()
    page = hub.client.get("/hub/group/A5")
    assert page.status_code == 200, page.text[:300]
    text = page.text
    assert "Linked group of A1" in text and "10 adults" in text  # named by its first member
    for member in GROUP_ONE:
        assert f'href="/hub/entity/person/{member}"' in text
    # each record with its facts, date, source and grade, linked onward to its own page
    row = re.search(
        r"<tr>\s*<td><a href=\"/hub/entity/event/E1\">event E1</a></td>(.*?)</tr>", text, re.S
    )
    assert row, text[:2000]
    assert "together" in row.group(1) and "2009-05-16" in row.group(1)
    assert "<td>S1</td><td>2B P</td>" in row.group(1)
    assert hub.client.get("/hub/group/A1").text.count("<tr>") == text.count(
        "<tr>"
    )  # any member names it


def test_groups_are_linked_from_the_adult_child_and_list_pages(hub: Hub) -> None:
    hub.sign_in()
    adult = hub.client.get("/hub/entity/person/A1").text
    assert 'href="/hub/group/A1"' in adult
    lone = hub.client.get("/hub/entity/person/A26").text
    assert "In no linked group" in lone or 'href="/hub/group/' in lone
    child = hub.open_child().text  # type: ignore[attr-defined]
    assert "Linked groups around her" in child and 'href="/hub/group/A1"' in child
    listed = hub.client.get("/hub/groups").text
    for name in ("A1", "A11", "A15", "A18"):
        assert f'href="/hub/group/{name}"' in listed
    assert 'href="/hub/groups"' in hub.client.get("/hub/").text  # from home, in the navigation


def test_a_person_in_no_group_or_no_person_is_a_404_that_says_why(hub: Hub) -> None:
    hub.sign_in()
    child = hub.client.get("/hub/group/C1")
    assert child.status_code == 404 and "in no linked group" in child.text
    assert hub.client.get("/hub/group/NOBODY").status_code == 404
    hostile = hub.client.get("/hub/group/<script>alert(1)</script>")
    assert hostile.status_code == 404 and "<script>alert" not in hostile.text


def test_the_group_page_needs_a_session_and_is_audited(hub: Hub) -> None:
    anonymous = hub.client.get("/hub/group/A1")
    assert anonymous.status_code == 303 and "/hub/sign-in" in anonymous.headers["location"]
    hub.sign_in()
    assert hub.client.get("/hub/group/A1").status_code == 200
    with open_audit(hub.settings) as audit:
        entries = audit.query(limit=10_000)
    seen = [e for e in entries if e["route"] == "/hub/group/{member}" and e["who"]]
    assert seen and all("demo-data:A1" in e["persons"] for e in seen)
    assert all(e["purpose"] and e["action"] == "disclosure" for e in seen)


@pytest.fixture
def restricted_hub(demo_store: Path, tmp_path: Path) -> Iterator[Hub]:
    """The demo case with one more link, A17 associate of A18, known only from a restricted
    source (S3, handling code C): for an analyst it joins two groups; for a viewer it is not there."""
    store_dir = copy_store(demo_store, tmp_path)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "links.csv").write_text(
        "from_kind,from_id,to_kind,to_id,link,first_seen,last_seen,source_id\n"
        "person,A17,person,A18,associate_of,2010-01-01,,S3\n",
        encoding="utf-8",
    )
    store = open_store(store_dir)
    try:
        ingest(store, extra, dataset="demo-data", quarantine_dir=tmp_path / "quarantine")
    finally:
        store.close()
    yield from start(settings_for(store_dir, tmp_path))


def test_a_viewer_sees_no_restricted_item_in_a_group(restricted_hub: Hub) -> None:
    hub = restricted_hub
    hub.sign_in("analyst")
    full = hub.client.get("/hub/group/A18").text
    assert 'href="/hub/entity/person/A17"' in full and "<td>S3</td>" in full
    hub.client.cookies.clear()
    hub.sign_in("viewer")
    seen = hub.client.get("/hub/group/A18")
    assert seen.status_code == 200
    assert "A17" not in seen.text and "S3" not in seen.text
    assert 'href="/hub/entity/person/A19"' in seen.text
    for name in ("Jade", "Brackenfold"):
        assert name not in hub.client.get("/hub/groups").text
