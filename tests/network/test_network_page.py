"""The page is self-contained and offline, and every text from the data shows as text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from network_case import HOSTILE

from graph_intel.network import group_network, network, page
from graph_intel.stores import GraphStore

#: Places where a browser fetches: attributes, CSS @import and url(...).
_FETCH_ATTRS = {
    "src",
    "href",
    "srcset",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "manifest",
}


class _Fetches(HTMLParser):
    """Collect every URL an element would fetch, and every script and style body."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "meta":
            self.metas.append(dict(attrs))
        self.urls += [v or "" for k, v in attrs if k in _FETCH_ATTRS]


def remote_urls(html: str) -> list[str]:
    """Every http(s) or protocol-relative URL a browser would fetch from this page."""
    parser = _Fetches()
    parser.feed(html)
    found = [u for u in parser.urls if re.match(r"\s*(https?:)?//", u, re.I)]
    found += re.findall(r"@import\s+(?:url\()?\s*['\"]?\s*((?:https?:)?//[^'\")\s]+)", html, re.I)
    found += re.findall(r"url\(\s*['\"]?\s*((?:https?:)?//[^'\")\s]+)", html, re.I)
    return found


def _data(html: str) -> dict:
    body = html.split('<script type="application/json" id="gi-data">', 1)[1].split("</script>", 1)[
        0
    ]
    return json.loads(body)


def test_page_fetches_nothing_and_forbids_remote_loads(case_store: GraphStore) -> None:
    html = network(case_store, "person", "C1", hops=2).generate_html()
    assert remote_urls(html) == []
    parser = _Fetches()
    parser.feed(html)
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    csp = [
        m for m in parser.metas if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    assert "img-src data:" in (csp[0]["content"] or "")
    assert (
        "vis.Network" in html and "vis-network" in html
    )  # vis-network inlined, with its licence header


def test_the_remote_url_detector_sees_fetches() -> None:
    assert remote_urls('<script src="https://cdn.example/x.js"></script>') == [
        "https://cdn.example/x.js"
    ]
    assert remote_urls('<link href="//fonts.example/css">') == ["//fonts.example/css"]
    assert remote_urls(
        "<style>@import url(http://a.example/b.css); x{background:url('https://c.example/d.png')}</style>"
    )


def test_hostile_names_show_as_text_in_labels_tooltips_title_and_legend(
    case_store: GraphStore,
) -> None:
    pictures = [
        network(case_store, "person", "H1", hops=2),
        group_network(case_store, ["H1", "A1"], name=HOSTILE),
    ]
    for picture in pictures:
        html = picture.generate_html()
        parser = _Fetches()
        parser.feed(html)
        assert "<img" not in html and "img" not in parser.tags  # no element made from the data
        assert "<script>alert(2)" not in html and parser.tags.count("script") == 4
        assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the heading or legend, escaped
        data = _data(html)  # the embedded JSON still holds the exact text, for text nodes
        hostile = [n for n in data["nodes"] if n["id"] == "Person|case:H1"][0]
        assert HOSTILE in hostile["label"] and HOSTILE in hostile["title"]
        assert any(HOSTILE in e["title"] for e in data["edges"])
    # tooltips are turned into text nodes (textContent), never set as HTML
    assert "textContent = String(text)" in html and "innerHTML" not in html.split("<script>")[-1]


def test_script_json_cannot_close_its_script_element() -> None:
    text = page.script_json({"x": "</script><!-- \u2028\u2029 & <b>"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"x": "</script><!-- \u2028\u2029 & <b>"}


def test_legend_and_notes_are_on_the_page(case_store: GraphStore) -> None:
    html = network(case_store, "person", "C1", hops=2, budget=5, redact=True).generate_html()
    assert (
        "Legend" in html
        and "person: child (blue ring, larger)" in html
        and "person: suspect" in html
    )
    for kind in ("phone", "vehicle", "location", "event"):
        assert f"</span> {kind}</li>" in html
    assert "exceed the budget of 5" in html and "Redacted for briefing" in html


def test_notebook_display_is_an_offline_sandboxed_iframe(case_store: GraphStore) -> None:
    picture = network(case_store, "person", "C1")
    inline = picture._repr_html_()
    assert inline.startswith('<iframe sandbox="allow-scripts"') and 'srcdoc="' in inline
    assert remote_urls(inline) == [] and "<script" not in inline  # the page is escaped into srcdoc
    assert isinstance(picture.nodes, list) and picture.num_nodes() == len(picture.view.nodes)
