"""Hub pages ask for what they show (5a31452): the home page with no child on the matrix runs no
breach or trigger command; a child's page reads her two-link neighbourhood once, for her map and
her groups, and the neighbours found there stay out of the page's data and its audit entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_env import Hub, copy_store, settings_for, start

from api.audit import open_audit
from api.web import views
from api.web.page import Page
from graph_intel.demo import write_demo
from graph_intel.ingest import ingest
from graph_intel.stores import open_store


def _entries(hub: Hub, path: str) -> list[dict[str, Any]]:
    with open_audit(hub.settings) as audit:
        return [
            e
            for e in audit.query(limit=10_000)
            if e["params"].get("path") == path and e["status"] == 200
        ]


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The read commands the hub's views run in this test (the real ones, each call recorded)."""
    calls: list[tuple[str, ...]] = []
    real = views.command

    def recorded(*words: str) -> Any:
        func = real(*words)

        def run(*args: Any) -> Any:
            calls.append(words)
            return func(*args)

        return run

    monkeypatch.setattr(views, "command", recorded)
    return calls


@pytest.fixture
def no_matrix_hub(tmp_path: Path) -> Iterator[Hub]:
    """The demo case with no child on the CSE matrix."""
    store_dir = tmp_path / "store"
    store = open_store(store_dir, create=True)
    try:
        ingest(store, write_demo(tmp_path / "demo-data"), dataset="demo-data")
    finally:
        store.close()
    yield from start(settings_for(store_dir, tmp_path))


def test_the_home_page_with_no_child_on_the_matrix_reads_no_breach_or_trigger(
    no_matrix_hub: Hub, ran: list[tuple[str, ...]]
) -> None:
    hub = no_matrix_hub
    hub.sign_in()
    page = hub.client.get("/hub/", params={"since": "2009-01-01"})
    assert page.status_code == 200, page.text[:300]
    assert "No child is on the CSE matrix" in page.text
    assert "notice" not in page.text and '<table class="list">\n  <caption>' not in page.text
    assert ("briefing",) in ran
    assert ("cawn", "breaches") not in ran and ("missing-triggers",) not in ran
    (entry,) = _entries(hub, "/hub/")
    assert entry["persons"] == []  # nothing about a child shown, nobody disclosed


def test_the_home_page_with_a_child_on_the_matrix_reads_her_breaches_and_triggers(
    hub: Hub, ran: list[tuple[str, ...]]
) -> None:
    hub.sign_in()
    page = hub.client.get("/hub/", params={"since": "2009-01-01"})
    assert page.status_code == 200 and "/hub/child/C1" in page.text
    assert ("cawn", "breaches") in ran and ("missing-triggers",) in ran
    assert re.search(r"\d+ notices? breached", page.text), page.text[-2000:]


def test_the_child_page_keeps_her_neighbours_out_of_its_data_and_its_audit(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(demo_store, read_only=True)
    try:
        key = views.check_person(store, "C1")
        near = views.people_in(store.neighbourhood([("Person", key)], hops=2), key)
    finally:
        store.close()
    hops: list[int] = []
    rendered: list[dict[str, Any]] = []
    real_child, real_render = views.child, Page.render

    def child(s: Any, *args: Any) -> dict[str, Any]:
        read = s.neighbourhood

        def neighbourhood(*a: Any, **k: Any) -> Any:
            hops.append(k.get("hops", 1))
            return read(*a, **k)

        s.neighbourhood = neighbourhood  # this store object only, for this one page
        try:
            return real_child(s, *args)
        finally:
            del s.neighbourhood

    def render(self: Page, template: str, status: int = 200, **values: Any) -> Any:
        rendered.append(values)
        return real_render(self, template, status, **values)

    monkeypatch.setattr(views, "child", child)
    monkeypatch.setattr(Page, "render", render)
    for hub in start(settings_for(copy_store(demo_store, tmp_path), tmp_path)):
        hub.sign_in()
        page = hub.open_child().text  # type: ignore[attr-defined]
        assert hops == [2], hops  # her map and her groups from one two-link read
        data = rendered[-1]["data"]
        assert "near" not in data and data["map"]["points"], data.keys()
        assert rendered[-1]["groups"], "her groups are still found from her neighbours"
        (entry,) = [  # the page itself (the first request asked her purpose)
            e for e in _entries(hub, "/hub/child/C1") if e["purpose"] == "strategy meeting for C1"
        ]
        audited = set(entry["persons"])
        assert key in audited
        hidden = near - audited
        assert hidden, "the demo child has neighbours her page does not show"
        for person in hidden:  # a neighbour the page does not show is neither linked nor audited
            assert f'/hub/entity/person/{person.split(":", 1)[1]}"' not in page, person
        for person in audited:  # everyone audited is on the page
            assert person.split(":", 1)[1] in page, person
