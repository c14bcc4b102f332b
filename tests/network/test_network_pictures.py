"""Pictures an analyst can read: calls as one weighted link, CAWNs and breaches marked, one layout
redacted or not, the budget keeps the children's adults and groups, labels apart, a find box."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from canonical_fixtures import write_dataset
from network_case import network_dataset

from graph_intel.ingest import ingest
from graph_intel.network import case_network, group_network, headless, network
from graph_intel.network.layout import label_box, overlaps
from graph_intel.stores import GraphStore, open_store

CALLS = [
    ("E10", "2011-04-01T20:00:00"),
    ("E11", "2011-04-05T21:15:00"),
    ("E12", "2011-05-02T23:40:00"),
]
BACKGROUND = 48  # persons of the case who are neither children nor in contact with one


def pictures_dataset() -> dict[str, list[dict[str, str]]]:
    """The network case plus three calls between C1's and A1's phones, a CAWN served on A1 for C1
    between them, and a crowd of well-linked background persons (synthetic data only)."""
    data = copy.deepcopy(network_dataset())
    for event, at in CALLS:
        data["events.csv"].append(
            {"event_id": event, "kind": "call", "start": at, "source_id": "S1"}
        )
        data["event_participants.csv"] += [
            {
                "event_id": event,
                "kind": "phone",
                "id": "07700 900456",
                "role": "caller",
                "source_id": "S1",
            },
            {
                "event_id": event,
                "kind": "phone",
                "id": "07700 900123",
                "role": "callee",
                "source_id": "S1",
            },
        ]
    data["events.csv"].append(
        {
            "event_id": "E20",
            "kind": "cawn_served",
            "start": "2011-04-03T10:00:00",
            "source_id": "S1",
        }
    )
    data["event_participants.csv"] += [
        {"event_id": "E20", "kind": "person", "id": "A1", "role": "served_on", "source_id": "S1"},
        {"event_id": "E20", "kind": "person", "id": "C1", "role": "child", "source_id": "S1"},
    ]
    for n in range(BACKGROUND):
        data["persons.csv"].append(
            {
                "person_id": f"B{n}",
                "given_name": f"Bex{n}",
                "family_name": "Yardley",
                "category": "unknown",
                "source_id": "S1",
            }
        )
        for m in (
            n + 1,
            n + 2,
            n + 3,
        ):  # each linked to the next three: better linked than the case's own
            data["links.csv"].append(
                {
                    "from_kind": "person",
                    "from_id": f"B{n}",
                    "to_kind": "person",
                    "to_id": f"B{m % BACKGROUND}",
                    "link": "associate_of",
                    "source_id": "S1",
                }
            )
    return data


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    root = tmp_path_factory.mktemp("pictures")
    handle = open_store(root / "store")
    ingest(handle, write_dataset(root / "case", pictures_dataset()))
    yield handle
    handle.close()


def test_calls_between_two_phones_are_one_weighted_link(store: GraphStore) -> None:
    picture = network(store, "person", "C1", hops=2)
    assert not [
        n for n in picture.nodes if n["id"].startswith("Event|") and "call" in n["label"]
    ]  # no stars of calls
    calls = [e for e in picture.edges if e["gi_link"] == "calls"]
    assert len(calls) == 1, [e["gi_link"] for e in picture.edges]
    link = calls[0]
    assert {link["from"], link["to"]} == {"Phone|+447700900456", "Phone|+447700900123"}
    assert (
        link["gi_count"] == 3
        and link["gi_first"] == "2011-04-01 20:00"
        and link["gi_last"] == "2011-05-02 23:40"
    )
    assert (
        link["label"].startswith("3 calls\n2011-04-01 to 2011-05-02")
        and "events: E10, E11, E12" in link["title"]
    )
    assert "Person|case:A1" in {n["id"] for n in picture.nodes}  # who she called, through his phone
    html = picture.generate_html()
    assert (
        "<td>calls</td><td>3</td><td>2011-04-01 20:00</td><td>2011-05-02 23:40</td>" in html
    )  # the links' table


def test_notice_and_breach_are_marked(store: GraphStore) -> None:
    picture = network(store, "person", "C1", hops=2, rag={"C1": "red"})
    adult = next(n for n in picture.nodes if n["id"] == "Person|case:A1")
    assert (
        adult["gi_notice"]
        and "CAWN served 2011-04-03" in adult["title"]
        and "CAWN served" in adult["label"]
    )
    child = next(n for n in picture.nodes if n["id"] == "Person|case:C1")
    assert child["color"]["border"] == "#d50000"  # her RAG is her ring
    calls = next(e for e in picture.edges if e["gi_link"] == "calls")
    assert calls["gi_breach"] and "AFTER CAWN served 2011-04-03" in calls["title"]
    sighting = [e for e in picture.edges if "Event|case:E1" in (e["from"], e["to"])]
    assert sighting and not any(e.get("gi_breach") for e in sighting)  # 5 March, before the notice
    assert any("possible breach evidence" in n for n in picture.notes)


def test_redacted_and_unredacted_pages_share_one_layout(store: GraphStore) -> None:
    plain = network(store, "person", "C1", hops=2)
    redacted = network(store, "person", "C1", hops=2, redact=True)
    assert [n["label"] for n in plain.nodes] != [n["label"] for n in redacted.nodes]
    where = {n["id"]: (n["x"], n["y"]) for n in plain.nodes}
    assert where == {n["id"]: (n["x"], n["y"]) for n in redacted.nodes}
    again = network(store, "person", "C1", hops=2)
    assert where == {n["id"]: (n["x"], n["y"]) for n in again.nodes}  # seeded: the same every time


def test_budget_keeps_children_their_adults_and_their_groups(store: GraphStore) -> None:
    whole = case_network(store, "case", budget=10_000)
    budget = 12
    assert len(whole.nodes) > budget + BACKGROUND // 2
    picture = case_network(store, "case", budget=budget, groups={"Group 1": ["A1", "A2"]})
    kept = {n["id"] for n in picture.nodes}
    # every child; every adult in contact with one (A1: sighting and calls; H1: sighting; W1: family);
    # every member of their groups (A2, with A1): all before the better-linked background persons
    assert {
        "Person|case:C1",
        "Person|case:A1",
        "Person|case:H1",
        "Person|case:W1",
        "Person|case:A2",
    } <= kept
    assert len(picture.nodes) <= budget and any("least-linked" in n for n in picture.notes)


def test_labels_do_not_overlap_in_a_picture_of_fifty(store: GraphStore) -> None:
    picture = case_network(store, "case", budget=10_000)
    assert len(picture.nodes) >= 50
    boxes = [(n["id"], label_box(n)) for n in picture.nodes]
    clashes = [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if overlaps(box_a, box_b)
    ]
    assert not clashes, clashes[:5]


def test_a_groups_picture_lists_its_joining_evidence(store: GraphStore) -> None:
    picture = group_network(store, ["A1", "H1"], name="Group 1")
    html = picture.generate_html()
    table = html.split('<section id="gi-table"', 1)[1].split("</section>", 1)[0]
    assert "<thead>" in table and "associate_of" in table and "LOG-1" not in table  # sources by id
    assert html.count("<tr>") - 1 == len(picture.edges)
    assert (
        ".gi-sym { display: inline-block; width: 28px; text-align: center; font-size: 22px" in html
    )  # legend symbols


try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extras install it
    sync_playwright = None  # type: ignore[assignment]


@pytest.mark.browser
@pytest.mark.skipif(
    not headless.available() or sync_playwright is None,
    reason="needs Debian's chromium (apt-get install chromium) and Playwright (pip install -e '.[test]')",
)
def test_find_box_focuses_a_node_offline_and_labels_stay_apart_in_the_browser(
    store: GraphStore, tmp_path: Path
) -> None:
    page_file = tmp_path / "case.html"
    picture = case_network(store, "case", budget=10_000)
    picture.write_html(str(page_file))
    remote: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=headless.CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(
                "**/*",
                lambda route: (
                    (remote.append(route.request.url), route.abort())
                    if not route.request.url.startswith("file:")
                    else route.continue_()
                ),
            )
            page.goto(page_file.as_uri())
            page.wait_for_selector(
                '#gi-status[data-stabilized="true"]', state="attached", timeout=60_000
            )
            page.fill("#gi-find-q", "korver")
            page.click("#gi-find-go")
            assert page.get_attribute("#gi-status", "data-found") == "Person|case:A1"
            assert page.evaluate("window.giNetwork.getSelectedNodes()") == ["Person|case:A1"]
            assert "Found Dale Korver" in page.inner_text("#gi-find-said")
            page.fill("#gi-find-q", "+44 7700 900123")  # a number in another spelling
            page.click("#gi-find-go")
            assert page.get_attribute("#gi-status", "data-found") == "Phone|+447700900123"
            page.fill("#gi-find-q", "nobody at all")
            page.click("#gi-find-go")
            assert "Nothing in this picture matches" in page.inner_text("#gi-find-said")
            boxes = page.evaluate(
                "Object.keys(window.giNetwork.getPositions()).map(function (id) {"
                " var b = window.giNetwork.getBoundingBox(id); return [id, b.left, b.top, b.right, b.bottom]; })"
            )
        finally:
            browser.close()
    assert not remote
    assert len(boxes) >= 50
    clashes = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if overlaps((a[1], a[2], a[3], a[4]), (b[1], b[2], b[3], b[4]))
    ]
    assert not clashes, clashes[:5]
