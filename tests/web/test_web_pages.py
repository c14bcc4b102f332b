"""The hub's pages over HTTP: roles, RAG, search, load data, briefing, headers, audit, hostile text."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_env import CSRF, Hub

from api.audit import open_audit
from graph_intel.cli import app as cli_app
from graph_intel.network.headless import available as chromium_available

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
#: C1's names and aliases in the demo case: a viewer never sees them.
C1_NAMES = ("Jade", "Brackenfold", "Jadey")


def _entries(hub: Hub) -> list[dict[str, object]]:
    with open_audit(hub.settings) as audit:
        return audit.query(limit=10_000)


def test_viewer_sees_children_by_initials_and_no_restricted_item(hub: Hub) -> None:
    hub.sign_in("analyst")
    full = hub.open_child().text  # type: ignore[attr-defined]
    assert (
        "Brackenfold" in full and "+447700900101" in full
    )  # the analyst's page: names, her phone (restricted source S3)
    hub.client.cookies.clear()
    hub.sign_in("viewer")
    page = hub.open_child().text  # type: ignore[attr-defined]
    for name in C1_NAMES:
        assert not re.search(rf"\b{name}\b", page), name
    assert "J.B." in page
    assert (
        "+447700900101" not in page
    )  # known only from a restricted source: left out for the viewer
    assert 'name="rag"' not in page  # viewers do not set RAG statuses
    for path in ("/hub/search?q=Jade", "/hub/briefing", "/hub/", "/hub/entity/person/A26"):
        body = hub.client.get(path).text
        assert not any(
            re.search(rf"\b{n}\b", body.replace("“Jade”", "")) for n in ("Brackenfold", "Jadey")
        ), path
    assert hub.client.get("/hub/load").status_code == 403
    assert hub.client.get("/hub/pack/A26/C1").status_code == 403


def test_analyst_sets_a_rag_status_from_the_childs_page(hub: Hub) -> None:
    hub.sign_in()
    page = hub.open_child().text  # type: ignore[attr-defined]
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    bad = hub.client.post(
        "/hub/child/C1/rag",
        data={"rag": "purple", "review": "2030-02-01", "reason": "x", "csrf": token},
    )
    assert bad.status_code == 422 and "red, amber, green" in bad.text
    done = hub.client.post(
        "/hub/child/C1/rag",
        data={
            "rag": "red",
            "review": "2030-02-01",
            "reason": "new adult in contact",
            "lead_worker": "PC Hollis",
            "csrf": token,
        },
    )
    assert done.status_code == 303
    page = hub.client.get("/hub/child/C1").text
    assert (
        "RED" in page and "new adult in contact" in page and "AMBER" in page
    )  # the history keeps the earlier entry
    home = hub.client.get("/hub/").text
    assert "rag-red" in home and "PC Hollis" in home
    set_entry = [
        e for e in _entries(hub) if e["route"] == "/hub/child/{person}/rag" and e["status"] == 303
    ]
    assert (
        set_entry
        and set_entry[0]["action"] == "alteration"
        and "demo-data:C1" in set_entry[0]["persons"]
    )  # type: ignore[operator]
    assert set_entry[0]["purpose"] == "strategy meeting for C1"


@pytest.mark.parametrize(
    "spelling", ["07700 900226", "+44 7700 900226", "447700900226", "(07700) 900-226"]
)
def test_search_finds_a_phone_in_any_spelling(hub: Hub, spelling: str) -> None:
    hub.sign_in()
    page = hub.client.get("/hub/search", params={"q": spelling}).text
    assert "/hub/entity/phone/%2B447700900226" in page


def test_search_finds_vrms_postcodes_names_and_aliases(hub: Hub) -> None:
    hub.sign_in()
    assert (
        "/hub/entity/vehicle/HX59TXK"
        in hub.client.get("/hub/search", params={"q": "hx59 txk"}).text
    )
    assert (
        "/hub/entity/vehicle/HX59TXK" in hub.client.get("/hub/search", params={"q": "HX59TXK"}).text
    )
    assert "matches the alias" in hub.client.get("/hub/search", params={"q": "Jadey"}).text
    empty = hub.client.get("/hub/search", params={"q": "zzzz-nothing"}).text
    assert "Nothing found" in empty


def test_entity_page_lists_each_fact_with_its_source_and_grade(hub: Hub) -> None:
    hub.sign_in()
    page = hub.client.get("/hub/entity/phone/07700 900226").text
    assert "uses_phone" in page and "1A P" in page or "grade" in page.lower()
    adult = hub.client.get("/hub/entity/person/A26")
    assert adult.status_code == 200 and "police" in adult.text
    assert hub.client.get("/hub/entity/person/NOBODY").status_code == 404
    assert hub.client.get("/hub/entity/planet/X").status_code == 404
    assert hub.client.get("/hub/entity/person/C1").headers["location"].startswith("/hub/child/")


def test_upload_with_a_bad_row_shows_it_quarantined(hub: Hub) -> None:
    hub.sign_in()
    token = hub.csrf("/hub/load")
    csv_text = (
        "person_id,given_name,family_name,category,date_of_birth,source_id\n"
        "Z1,Zara,<script>alert(1)</script>,suspect,1980-01-01,\n"
        "Z2,Yan,Quill,suspect,31/02/1990,\n"
    )
    r = hub.client.post(
        "/hub/load",
        data={"dataset": "upload1", "agency": "police", "csrf": token},
        files={"files": ("persons.csv", io.BytesIO(csv_text.encode()), "text/csv")},
    )
    assert r.status_code == 200, r.text[:500]
    assert "1</strong> row quarantined" in r.text and 'id="quarantine"' in r.text and "Z2" in r.text
    assert "<script>alert(1)</script>" not in r.text
    found = hub.client.get("/hub/search", params={"q": "Zara"}).text
    assert "&lt;script&gt;" in found and "<script>" not in found
    load = [e for e in _entries(hub) if e["route"] == "/hub/load" and e["method"] == "POST"]
    assert load and load[0]["action"] == "alteration" and "upload1:Z1" in load[0]["persons"]  # type: ignore[operator]


def test_security_headers_and_no_outside_reference(hub: Hub) -> None:
    hub.sign_in()
    home = hub.client.get("/hub/")
    csp = home.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "form-action 'self'" in csp and "script-src 'none'" in csp
    assert home.headers["x-frame-options"] == "DENY" and home.headers["cache-control"] == "no-store"
    child = hub.open_child().text  # type: ignore[attr-defined]
    picture = hub.client.get("/hub/picture/person/demo-data:C1")
    assert (
        picture.status_code == 200
        and "frame-ancestors 'self'" in picture.headers["content-security-policy"]
    )
    assert picture.headers["x-frame-options"] == "SAMEORIGIN"
    for body in (home.text, child, picture.text.split("<script>", 1)[0]):
        assert not re.search(r"(src|href)=\"(https?:)?//", body)


def test_admin_reads_no_case_data(hub: Hub) -> None:
    r = hub.sign_in("admin")
    assert r.headers["location"] == "/hub/account"
    assert hub.client.get("/hub/account").status_code == 200
    for path in ("/hub/", "/hub/child/C1", "/hub/search?q=Jade", "/hub/briefing"):
        assert hub.client.get(path).status_code == 403, path


def test_every_page_opened_is_audited_with_its_purpose(hub: Hub) -> None:
    hub.sign_in()
    hub.open_child()
    paths = [
        "/hub/",
        "/hub/search?q=A26",
        "/hub/entity/person/A26",
        "/hub/briefing",
        "/hub/pack/A26/C1",
        "/hub/picture/person/demo-data:C1",
        "/hub/load",
    ]
    for path in paths:
        assert hub.client.get(path).status_code == 200, path
    entries = _entries(hub)
    for path in [*paths, "/hub/child/C1"]:
        mine = [
            e for e in entries if e["params"]["path"] == path.split("?")[0] and e["status"] == 200
        ]  # type: ignore[index]
        assert mine, path
        assert mine[0]["who"] == "analyst-user" and mine[0]["purpose"], path
    pack = next(e for e in entries if e["params"]["path"] == "/hub/pack/A26/C1")  # type: ignore[index]
    assert {"demo-data:A26", "demo-data:C1"} <= set(pack["persons"])  # type: ignore[arg-type]
    with open_audit(hub.settings) as audit:
        assert audit.verify()["intact"]


def test_briefing_page_is_print_ready(hub: Hub) -> None:
    hub.sign_in()
    page = hub.client.get("/hub/briefing", params={"since": "2010-01-01", "as_of": "2011-08-01"})
    assert page.status_code == 200 and "OFFICIAL-SENSITIVE" in page.text and "A26" in page.text
    css = hub.client.get("/hub/print.css").text
    assert (
        "size: A4" in css
        and 'counter(page) " of " counter(pages)' in css
        and "OFFICIAL-SENSITIVE" in css
    )
    assert "Produced by analyst-user" in css
    assert hub.client.get("/hub/briefing", params={"since": "31/02/2011"}).status_code == 422


def test_briefing_out_writes_the_same_briefing_from_the_command_line(
    demo_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "brief.html"
    runner = CliRunner()
    done = runner.invoke(
        cli_app,
        [
            "briefing",
            "--since",
            "2010-01-01",
            "--as-of",
            "2011-08-01",
            "--out",
            str(out),
            "--marking",
            "OFFICIAL-SENSITIVE: <PERSONAL>",
            "--reference",
            "OP BLUEBELL",
            "--store",
            str(demo_store),
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["file"] == str(out) and doc["children"] == 1
    html = out.read_text(encoding="utf-8")
    assert "<link" not in html and "@page" in html and "OP BLUEBELL" in html
    assert (
        "OFFICIAL-SENSITIVE: &lt;PERSONAL&gt;" in html
        and "<PERSONAL>" not in html.split("<style>", 1)[0]
    )
    assert (
        runner.invoke(
            cli_app, ["briefing", "--since", "2010-01-01", "--pdf", "--store", str(demo_store)]
        ).exit_code
        == 2
    )


@pytest.mark.browser
@pytest.mark.skipif(
    not chromium_available(),
    reason="headless Chromium (/usr/bin/chromium) is not installed: apt-get install chromium",
)
def test_briefing_pdf_carries_the_marking_and_page_numbers(
    demo_store: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "brief.html"
    done = CliRunner().invoke(
        cli_app,
        [
            "briefing",
            "--since",
            "2009-01-01",
            "--as-of",
            "2011-08-01",
            "--out",
            str(out),
            "--pdf",
            "--store",
            str(demo_store),
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    pdf = Path(json.loads(done.stdout)["pdf"])
    pages = PdfReader(str(pdf)).pages
    texts = [re.sub(r"\s+", " ", p.extract_text()) for p in pages]
    assert "page 1 of" in texts[0]
    for text in texts:
        assert text.replace(" ", "").count("OFFICIAL-SENSITIVE") >= 2, (
            text
        )  # top and bottom of every page
        assert "Produced by" in text and "Data as of" in text


def test_child_page_draws_her_chronology_by_agency_and_her_places_offline(hub: Hub) -> None:
    hub.sign_in()
    page = hub.open_child().text  # type: ignore[attr-defined]
    timeline = page.split('class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert "a lane per agency" in timeline and ">police<" in timeline and "<circle" in timeline
    places = page.split('class="map"', 1)[1].split("</svg>", 1)[0]
    assert "Harbour Lights Hotel" in places and "C1 family home" in places and " km<" in places
    assert "tile" not in places and "http" not in places.replace("http://www.w3.org/2000/svg", "")
    hub.client.cookies.clear()
    hub.sign_in("viewer")
    viewer = hub.open_child().text  # type: ignore[attr-defined]
    places = viewer.split('class="map"', 1)[1].split("</svg>", 1)[0]
    assert "home L5" in places and "family home" not in places and "HX2 9DN" not in places


def test_load_an_agency_export_through_a_shipped_specification(hub: Hub) -> None:
    hub.sign_in()
    form = hub.client.get("/hub/load").text
    assert '<option value="cdr-export">' in form
    token = CSRF.search(form).group(1)  # type: ignore[union-attr]
    export = FIXTURES / "cdr-export.csv"
    r = hub.client.post(
        "/hub/load",
        data={"dataset": "op_cdr", "specification": "cdr-export", "csrf": token},
        files={"files": ("calls export.csv", export.read_bytes(), "text/csv")},
    )
    assert r.status_code == 200, r.text[:800]
    assert "Load report" in r.text
    wrong = hub.client.post(
        "/hub/load",
        data={"dataset": "op_cdr2", "specification": "cdr-export", "csrf": token},
        files={"files": ("persons.csv", b"person_id,given_name\nP1,Ann\n", "text/csv")},
    )
    assert (
        wrong.status_code == 422
        and 'id="problems"' in wrong.text
        and "nothing was loaded" in wrong.text
    )
    unknown = hub.client.post(
        "/hub/load",
        data={"dataset": "op_cdr3", "specification": "no-such-spec", "csrf": token},
        files={"files": ("calls.csv", export.read_bytes(), "text/csv")},
    )
    assert unknown.status_code == 422
