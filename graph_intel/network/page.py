"""The self-contained, offline HTML page of a network picture (vis-network inlined, nothing fetched).

vis-network 9.1.2 is read from the files pyvis ships in its package (pyvis/lib/vis-9.1.2) and
inlined with its licence header; vis-network is dual-licensed Apache-2.0 / MIT, which allows
redistribution with the notice kept. Tooltips are made from text nodes, never parsed as HTML.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import pyvis

from graph_intel.network.build import View

VIS_VERSION = "9.1.2"
#: The Content-Security-Policy every page carries: inline code only, nothing from anywhere.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis, safe to inline."""
    folder = Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def script_json(data: Any) -> str:
    """JSON that cannot end its <script> element early or break a JavaScript parser."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def vis_options(n_nodes: int, placed: bool = False) -> dict[str, Any]:
    """Layout options: physics stabilises in the background, then the page turns it off; when the
    nodes carry their places (a seeded layout computed server-side) physics stays off from the start."""
    big = n_nodes > 300
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"improvedLayout": n_nodes <= 150, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "theta": 0.9 if big else 0.5,
                "gravitationalConstant": -6000 if big else -3000,
                "centralGravity": 0.25,
                "springLength": 110,
                "springConstant": 0.04,
                "damping": 0.35,
                "avoidOverlap": 0.1,
            },
            "stabilization": {
                "enabled": True,
                "iterations": 200 if big else 1000,
                "updateInterval": 25,
                "fit": True,
            },
            "minVelocity": 1.0,
            "timestep": 0.5,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "navigationButtons": False,
            "keyboard": False,
        },
        "nodes": {
            "font": {
                "size": 13,
                "face": "sans-serif",
                "color": "#212121",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            }
        },
        "edges": {
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "font": {
                "size": 10,
                "face": "sans-serif",
                "align": "middle",
                "color": "#455a64",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "selectionWidth": 2,
            "scaling": {"min": 1, "max": 10, "label": {"enabled": False}},
        },
    }
    if placed:
        options["physics"] = {"enabled": False}
        options["layout"] = {"improvedLayout": False}
    return options


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<script>
(function () {
  var errors = [];
  function status() { return document.getElementById("gi-status"); }
  function write() {
    var el = status();
    if (el) { el.setAttribute("data-errors", String(errors.length)); el.setAttribute("data-error-messages", errors.join(" | ").slice(0, 4000)); }
  }
  function record(message) { errors.push(String(message)); write(); }
  window.__giErrors = errors;
  window.__giRecord = record;
  window.__giWriteErrors = write;
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) { record("failed to load " + (t.src || t.href)); }
    else { record("error: " + (e.message || e.type)); }
  }, true);
  window.addEventListener("unhandledrejection", function (e) { record("unhandled rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) { record("blocked by CSP: " + e.blockedURI + " (" + e.violatedDirective + ")"); });
  var original = console.error;
  console.error = function () { record(Array.prototype.join.call(arguments, " ")); return original.apply(console, arguments); };
})();
</script>
<style>{{ vis_css|safe }}</style>
<style>
html, body { margin: 0; padding: 0; height: 100%; font-family: sans-serif; color: #212121; background: #fafafa; }
#gi-head { position: absolute; top: 0; left: 0; right: 0; padding: 8px 14px; background: #263238; color: #fff; z-index: 3; }
#gi-head h1 { margin: 0; font-size: 17px; font-weight: 600; }
#gi-head .gi-sub { font-size: 12px; color: #cfd8dc; margin-top: 2px; }
#gi-graph { position: absolute; top: 54px; left: 0; right: 250px; bottom: 0; background: #fff; }
#gi-side { position: absolute; top: 54px; right: 0; width: 250px; bottom: 0; overflow-y: auto; border-left: 1px solid #cfd8dc; padding: 8px 10px; box-sizing: border-box; font-size: 12px; background: #fafafa; }
#gi-side h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #546e7a; margin: 10px 0 4px; }
#gi-side ul { list-style: none; margin: 0; padding: 0; }
#gi-side li { margin: 2px 0; }
.gi-sym { display: inline-block; width: 28px; text-align: center; font-size: 22px; line-height: 26px; vertical-align: middle; -webkit-text-stroke: .6px #37474f; }
#gi-find { display: flex; gap: 4px; margin: 2px 0 6px; }
#gi-find input { flex: 1; min-width: 0; font-size: 13px; padding: 3px 4px; }
#gi-find-said { color: #37474f; min-height: 1em; }
#gi-table { display: none; position: absolute; top: 54px; left: 0; right: 250px; bottom: 0; overflow: auto; background: #fff; z-index: 4; padding: 8px 14px; box-sizing: border-box; }
#gi-table:target { display: block; }
#gi-table table { border-collapse: collapse; width: 100%; font-size: 12px; }
#gi-table th, #gi-table td { border: 1px solid #90a4ae; padding: 3px 5px; text-align: left; vertical-align: top; }
#gi-table thead { display: table-header-group; }
#gi-table th { background: #eceff1; }
.gi-marking { display: none; }
.gi-note { background: #fff8e1; border: 1px solid #ffe082; padding: 5px 6px; margin: 4px 0; border-radius: 3px; }
#gi-progress { position: absolute; top: 50%; left: 40%; font-size: 14px; color: #546e7a; z-index: 2; }
.gi-tip { white-space: pre-line; font: 12px sans-serif; max-width: 420px; }
div.vis-tooltip { white-space: normal; }
</style>
{% if print_css %}<style media="print">{{ print_css|safe }}
html, body { height: auto; background: #fff; }
#gi-head, #gi-side, #gi-table { position: static; display: block; width: auto; border: 0; overflow: visible; padding: 0; }
#gi-head { background: none; color: #111; } #gi-head .gi-sub { color: #333; }
#gi-graph { position: relative; top: 0; left: 0; right: 0; width: 180mm; height: 150mm; border: 1px solid #90a4ae; break-after: page; }
#gi-find, #gi-progress, .gi-screen { display: none !important; }
.gi-marking { display: block; text-align: center; font-weight: bold; border: 2px solid #111; margin: 2px 0; }
#gi-side .gi-note { background: none; }
</style>{% endif %}
</head>
<body>
{% if marking %}<div class="gi-marking" role="note">{{ marking }}</div>{% endif %}
<div id="gi-head"><h1>{{ title }}</h1><div class="gi-sub">{{ subtitle }}</div></div>
<div id="gi-graph" role="img" aria-label="{{ title }}"></div>
<div id="gi-progress">Laying out {{ n_nodes }} entities&hellip;</div>
<aside id="gi-side">
  <h2 class="gi-screen"><label for="gi-find-q">Find in the picture</label></h2>
  <form id="gi-find" role="search"><input id="gi-find-q" type="search" list="gi-find-names" placeholder="Find a name, id or number" autocomplete="off"><button id="gi-find-go" type="submit">Find</button></form>
  <datalist id="gi-find-names">{% for name in names %}<option value="{{ name }}">{% endfor %}</datalist>
  <div id="gi-find-said" aria-live="polite"></div>
  <div class="gi-screen"><a href="#gi-table">The links as a table ({{ rows|length }})</a></div>
  {% if notes %}<h2>About this picture</h2>{% for note in notes %}<div class="gi-note">{{ note }}</div>{% endfor %}{% endif %}
  <h2>Legend</h2>
  {% for section, items in legend %}
  <h2>{{ section }}</h2>
  <ul>{% for item in items %}<li><span class="gi-sym" style="color: {{ item.colour }}">{{ item.symbol }}</span> {{ item.text }}</li>{% endfor %}</ul>
  {% endfor %}
  <h2>Reading it</h2>
  <div>Hover an entity or a link for its details: dates, source agency and grading. Drag to move; scroll to zoom.</div>
  <div style="margin-top:6px;color:#78909c">graph-intel &middot; offline page, nothing is loaded from the network.</div>
</aside>
<section id="gi-table" aria-label="The links in this picture">
<p class="gi-screen"><a href="#">Back to the picture</a></p>
<h2>The links in this picture ({{ rows|length }})</h2>
<table><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Link</th><th scope="col">Count</th><th scope="col">First</th><th scope="col">Last</th><th scope="col">Sources</th></tr></thead>
<tbody>{% for r in rows %}<tr><td>{{ r.from }}</td><td>{{ r.to }}</td><td>{{ r.link }}</td><td>{{ r.count }}</td><td>{{ r.first }}</td><td>{{ r.last }}</td><td>{{ r.sources }}</td></tr>{% endfor %}</tbody></table>
</section>
{% if marking %}<div class="gi-marking" role="note">{{ marking }}</div>{% endif %}
<div id="gi-status" hidden data-expected-nodes="{{ n_nodes }}" data-expected-edges="{{ n_edges }}" data-stabilized="false" data-errors="0" data-nodes="0"></div>
<script type="application/json" id="gi-data">{{ data_json|safe }}</script>
<script>{{ vis_js|safe }}</script>
<script>
(function () {
  var status = document.getElementById("gi-status");
  window.__giWriteErrors();  // errors raised before the status element was parsed
  var data = JSON.parse(document.getElementById("gi-data").textContent);
  function tip(text) { var el = document.createElement("div"); el.className = "gi-tip"; el.textContent = String(text); return el; }
  data.nodes.forEach(function (n) { if (n.title !== undefined && n.title !== null) { n.title = tip(n.title); } });
  data.edges.forEach(function (e) { if (e.title !== undefined && e.title !== null) { e.title = tip(e.title); } });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var started = performance.now();
  var network = new vis.Network(document.getElementById("gi-graph"), { nodes: nodes, edges: edges }, data.options);
  window.giNetwork = network;
  var progress = document.getElementById("gi-progress");
  network.on("stabilizationProgress", function (p) { progress.textContent = "Laying out " + data.nodes.length + " entities: " + Math.round(100 * p.iterations / p.total) + "%"; });
  var finished = false;
  function done() {
    if (finished) { return; }
    finished = true;
    network.setOptions({ physics: false });
    network.fit();
    progress.style.display = "none";
    var resources = performance.getEntriesByType("resource");
    var remote = resources.filter(function (r) { return !/^(data|blob|file|about):/.test(r.name); });
    status.setAttribute("data-stabilize-ms", String(Math.round(performance.now() - started)));
    status.setAttribute("data-nodes", String(Object.keys(network.getPositions()).length));
    status.setAttribute("data-edges", String(edges.length));
    status.setAttribute("data-requests", String(resources.length));
    status.setAttribute("data-remote-requests", String(remote.length));
    status.setAttribute("data-request-names", remote.map(function (r) { return r.name; }).join(" ").slice(0, 2000));
    status.setAttribute("data-stabilized", "true");
  }
  network.once("stabilizationIterationsDone", done);
  network.once("stabilized", done);
  if (data.nodes.length === 0 || !(data.options.physics && data.options.physics.enabled)) { done(); }
  var said = document.getElementById("gi-find-said");
  function fold(text) { return String(text).toLowerCase().replace(/[\\s\\-()+.]/g, ""); }
  function find() {
    var q = fold(document.getElementById("gi-find-q").value);
    if (!q) { said.textContent = ""; return; }
    var hits = data.nodes.filter(function (n) { return fold(n.label || "").indexOf(q) >= 0 || fold(n.gi_find || "").indexOf(q) >= 0; });
    if (!hits.length) { said.textContent = "Nothing in this picture matches."; status.setAttribute("data-found", ""); return; }
    var n = hits[0];
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.4, animation: false });
    said.textContent = "Found " + String(n.label || n.id).replace(/\\n/g, " ") + (hits.length > 1 ? " (1 of " + hits.length + ")" : "");
    status.setAttribute("data-found", n.id);
  }
  document.getElementById("gi-find").addEventListener("submit", function (e) { e.preventDefault(); find(); });
  document.getElementById("gi-find-q").addEventListener("change", find);
  window.addEventListener("beforeprint", function () { network.redraw(); network.fit({ animation: false }); });
})();
</script>
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def render(
    view: View,
    nodes: list[dict[str, Any]] | None = None,
    edges: list[dict[str, Any]] | None = None,
    options: dict[str, Any] | None = None,
    print_css: str | None = None,
    marking: str | None = None,
) -> str:
    """The whole page of a view as one HTML string: escaped text, inlined vis-network, no URLs.

    `print_css` (api.web.printing.Imprint.css) makes it print-ready: A4, `marking` at the top and
    bottom of every page, who produced it and when, the data's as-of date, page x of y, and the
    links' table with its header repeated on every page.
    """
    nodes = view.nodes if nodes is None else nodes
    edges = view.edges if edges is None else edges
    js, css = vis_assets()
    sections: dict[str, list[dict[str, str]]] = {}
    for item in view.legend:
        sections.setdefault(item["section"], []).append(item)
    kinds: dict[str, int] = {}
    for n in nodes:
        kinds[str(n.get("gi_kind", "entity"))] = kinds.get(str(n.get("gi_kind", "entity")), 0) + 1
    subtitle = f"{len(nodes):,} entities, {len(edges):,} links" + (
        " (" + ", ".join(f"{v:,} {k}" for k, v in sorted(kinds.items())) + ")" if kinds else ""
    )
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": options or vis_options(len(nodes), positioned(nodes)),
    }
    names = sorted({str(n.get("label") or "").replace("\n", " ") for n in nodes} - {""})
    return _ENV.from_string(_TEMPLATE).render(
        csp=CSP,
        title=view.title,
        subtitle=subtitle,
        notes=view.notes,
        legend=list(sections.items()),
        n_nodes=len(nodes),
        n_edges=len(edges),
        data_json=script_json(data),
        vis_js=js,
        vis_css=css,
        names=names,
        rows=link_rows(nodes, edges),
        print_css=print_css,
        marking=marking,
    )


def positioned(nodes: list[dict[str, Any]]) -> bool:
    """True when every node carries its place (computed server-side): the page then draws without physics."""
    return bool(nodes) and all("x" in n and "y" in n for n in nodes)


def link_rows(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The links of a picture as table rows: both ends by label, the link, count, first and last date, sources."""
    label = {n["id"]: str(n.get("label") or n["id"]).replace("\n", " ") for n in nodes}
    rows = []
    for e in edges:
        rows.append(
            {
                "from": label.get(e["from"], str(e["from"])),
                "to": label.get(e["to"], str(e["to"])),
                "link": str(e.get("gi_link") or ""),
                "count": str(e.get("gi_count") or e.get("value") or 1),
                "first": str(e.get("gi_first") or ""),
                "last": str(e.get("gi_last") or ""),
                "sources": str(e.get("gi_sources") or ""),
            }
        )
    rows.sort(key=lambda r: (r["from"], r["to"], r["link"]))
    return rows


def iframe(page: str, height: int = 640) -> str:
    """The page inside a sandboxed iframe's srcdoc: how a notebook shows it inline, offline."""
    return (
        f'<iframe sandbox="allow-scripts" referrerpolicy="no-referrer" style="width:100%;height:{height}px;'
        f'border:1px solid #cfd8dc" srcdoc="{escape(page, quote=True)}"></iframe>'
    )
