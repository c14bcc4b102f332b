"""Print-ready packs, chronologies and network pictures: A4, the marking on every page, who and when,
the data's as-of date, the reference, page x of y, table headers repeated; printed through real
headless Chromium and read back with pypdf."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app as cli_app
from graph_intel.network.headless import available as chromium_available

needs_chromium = pytest.mark.skipif(
    not chromium_available(),
    reason="headless Chromium (/usr/bin/chromium) is not installed: apt-get install chromium",
)


def _run(*args: str) -> dict:
    done = CliRunner().invoke(cli_app, [*args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _pages(pdf: str) -> list[str]:
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(pdf).pages]


def _every_page_marked(texts: list[str], marking: str, reference: str) -> None:
    for number, text in enumerate(texts, 1):
        assert text.replace(" ", "").count(marking.replace(" ", "")) >= 2, (
            text
        )  # top and bottom of every page
        assert f"page {number} of {len(texts)}" in text, text
        assert "Produced by" in text and "Data as of" in text and reference in text, text


@pytest.mark.browser
@needs_chromium
def test_chronology_prints_over_pages_with_its_header_on_every_page(
    demo_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "chronology.html"
    doc = _run(
        "chronology",
        "C1",
        "--out",
        str(out),
        "--pdf",
        "--marking",
        "OFFICIAL-SENSITIVE PERSONAL",
        "--reference",
        "OP KESTREL",
        "--store",
        str(demo_store),
    )
    assert (
        doc["file"] == str(out)
        and doc["rows"] > 20
        and doc["marking"] == "OFFICIAL-SENSITIVE PERSONAL"
    )
    texts = _pages(doc["pdf"])
    assert len(texts) >= 2, "the test needs a chronology longer than a page"
    _every_page_marked(texts, "OFFICIAL-SENSITIVE PERSONAL", "OP KESTREL")
    for (
        text
    ) in texts:  # thead { display: table-header-group }: the header is printed again on each page
        assert "When Agency What Reference Grade" in text, text
    assert "Chronology of C1 (J.B.)" in texts[0] and "Brackenfold" not in " ".join(
        texts
    )  # initials only


@pytest.mark.browser
@needs_chromium
def test_pack_prints_marked_and_paged(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    doc = _run(
        "cawn",
        "pack",
        "A26",
        "C1",
        "--out",
        str(out),
        "--pdf",
        "--reference",
        "OP KESTREL/17",
        "--store",
        str(demo_store),
    )
    assert doc["items"] >= 1 and doc["marking"] == "OFFICIAL-SENSITIVE"  # the default marking
    texts = _pages(doc["pdf"])
    _every_page_marked(texts, "OFFICIAL-SENSITIVE", "OP KESTREL/17")
    assert "CAWN evidence pack" in texts[0]
    html = out.read_text(encoding="utf-8")
    assert (
        "@page" in html and "thead { display: table-header-group; }" in html and "<link" not in html
    )
    assert html.count("<thead>") == html.count("<table")


@pytest.mark.browser
@needs_chromium
def test_network_picture_prints_marked_and_paged(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "network.html"
    doc = _run(
        "network",
        "person",
        "A26",
        "--hops",
        "2",
        "--out",
        str(out),
        "--pdf",
        "--reference",
        "OP KESTREL",
        "--store",
        str(demo_store),
    )
    assert {"file", "nodes", "edges", "notes", "include_restricted"} <= set(
        doc
    )  # the contract's keys kept
    texts = _pages(doc["pdf"])
    _every_page_marked(texts, "OFFICIAL-SENSITIVE", "OP KESTREL")
    assert "From To Link Count First Last Sources" in " ".join(texts)  # the links' table


def test_printed_documents_escape_and_leave_restricted_material_out(
    demo_store: Path, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script>"
    out = tmp_path / "c7.html"
    doc = _run(
        "chronology",
        "C7",
        "--out",
        str(out),
        "--marking",
        hostile,
        "--reference",
        hostile,
        "--store",
        str(demo_store),
    )
    html = out.read_text(encoding="utf-8")
    body = html.split("</style>", 1)[1]
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert doc["restricted_items"] == 0 and "RESTRICTED:" not in html and "is left out" in html
    marked = tmp_path / "c7-restricted.html"
    asked = _run(
        "chronology", "C7", "--out", str(marked), "--include-restricted", "--store", str(demo_store)
    )
    text = marked.read_text(encoding="utf-8")
    assert asked["restricted_items"] >= 1 and text.count("RESTRICTED:") == asked["restricted_items"]
    assert "includes restricted material" in text


def test_print_options_mistakes_are_refused(demo_store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    no_out = runner.invoke(cli_app, ["chronology", "C1", "--pdf", "--store", str(demo_store)])
    assert no_out.exit_code == 2 and "--pdf needs --out" in no_out.output
    no_folder = runner.invoke(
        cli_app,
        [
            "chronology",
            "C1",
            "--out",
            str(tmp_path / "nowhere" / "c.html"),
            "--store",
            str(demo_store),
        ],
    )
    assert no_folder.exit_code == 2 and "does not exist" in no_folder.output
    nobody = runner.invoke(
        cli_app,
        ["chronology", "NOBODY", "--out", str(tmp_path / "c.html"), "--store", str(demo_store)],
    )
    assert nobody.exit_code == 2 and not (tmp_path / "c.html").exists()
    # the network picture's --out is checked by the same rule: a folder, never a file in its place
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    for folder in (tmp_path / "nowhere", tmp_path / "a-file"):
        picture = runner.invoke(
            cli_app,
            [
                "network",
                "person",
                "C1",
                "--out",
                str(folder / "n.html"),
                "--store",
                str(demo_store),
            ],
        )
        assert picture.exit_code == 2 and "does not exist" in picture.output, picture.output


def test_hub_pack_and_picture_print_with_the_marking_and_who_opened_them(hub: object) -> None:
    from web_env import Hub

    assert isinstance(hub, Hub)
    hub.sign_in()
    hub.open_child()
    pack = hub.client.get("/hub/pack/A26/C1").text
    assert (
        "@page" in pack
        and "OFFICIAL-SENSITIVE" in pack
        and "analyst-user" in pack
        and "counter(pages)" in pack
    )
    picture = hub.client.get("/hub/picture/person/demo-data:C1").text
    head = picture.split('<style media="print">', 1)[1].split("</style>", 1)[0]
    assert (
        "@page" in head
        and "OFFICIAL-SENSITIVE" in head
        and "analyst-user" in head
        and "counter(pages)" in head
    )


def test_network_table_leaves_restricted_sources_out_unless_asked_then_marks_them(
    demo_store: Path, tmp_path: Path
) -> None:
    plain, asked = tmp_path / "c7.html", tmp_path / "c7-restricted.html"
    _run("network", "person", "C7", "--out", str(plain), "--store", str(demo_store))
    _run(
        "network",
        "person",
        "C7",
        "--out",
        str(asked),
        "--include-restricted",
        "--store",
        str(demo_store),
    )

    def table(path: Path) -> str:
        return (
            path.read_text(encoding="utf-8")
            .split('<section id="gi-table"', 1)[1]
            .split("</section>", 1)[0]
        )

    assert "RESTRICTED" not in table(plain)
    assert "(RESTRICTED)</td>" in table(asked)
