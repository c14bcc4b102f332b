"""From a subgraph to styled vis-network nodes and edges: filters, redaction, budget, styles (pure)."""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from graph_intel.analysis.age import Ages
from graph_intel.grading import GradeError, MinGrade
from graph_intel.handling import handling_text, is_restricted
from graph_intel.network import layout, styles
from graph_intel.network.aggregate import aggregate, collapse_contacts
from graph_intel.schema import schema
from graph_intel.stores.base import Subgraph, _plain

#: Person categories that are neither children nor suspects/associates: third parties.
PRINCIPAL_CATEGORIES = frozenset({"child", "suspect", "associate"})
#: Above this many edges, edge labels are left to the tooltips (the picture stays readable).
EDGE_LABEL_LIMIT = 400
_FREE_TEXT = ("summary", "text", "aliases", "address", "handling_note", "description")
_HIDDEN_PROPS = {"key", "id", "dataset", "sources", "extra", "first_seen", "last_seen", "entity"}


class FilterError(ValueError):
    """A filter value is malformed; the message says which and what is expected."""


@dataclass
class Options:
    """What to show: filters, redaction, styling inputs and the node budget."""

    hops: int = 1
    since: datetime | None = None
    until: datetime | None = None
    min_grade: str | None = None
    links: Sequence[str] | None = None
    redact: bool = False
    hide_third_parties: bool = False
    budget: int = 1500
    rag: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: CAWNs served: {"served_on": adult key, "child": child key, "served_at": when} (safeguarding.cawn.notices).
    notices: Sequence[Mapping[str, Any]] = field(default_factory=list)
    #: Lay the picture out server-side from a fixed seed (the same places redacted or not).
    seeded_layout: bool = True


@dataclass
class View:
    """A picture ready to render: vis nodes and edges, legend entries and what was done to it."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, str]]
    notes: list[str]
    seeds: list[str]


def node_id(entity: str, key: str) -> str:
    """The vis-network id of an entity: its kind and key, so kinds never collide."""
    return f"{entity}|{key}"


def _ts(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp


def _day(stamp: pd.Timestamp | None) -> str:
    if stamp is None:
        return ""
    return (
        stamp.strftime("%Y-%m-%d")
        if (stamp.hour, stamp.minute) == (0, 0)
        else stamp.strftime("%Y-%m-%d %H:%M")
    )


def _initials(props: Mapping[str, Any]) -> str:
    parts = [str(props.get(k) or "").strip() for k in ("given_name", "family_name")]
    return "".join(f"{p[0].upper()}." for p in parts if p)


def _extra(props: Mapping[str, Any]) -> dict[str, Any]:
    raw = props.get("extra")
    if not raw:
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def build_view(
    sub: Subgraph,
    sources: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[tuple[str, str]],
    opts: Options,
    title: str,
    connected_to_seeds: bool = True,
) -> View:
    """Filter, redact, aggregate and style a subgraph into a View; notes say what was left out."""
    notes: list[str] = list(sub.notes)
    nodes: dict[str, dict[str, Any]] = {}
    for row in sub.nodes.to_dict("records") if not sub.nodes.empty else []:
        props = {k: _plain(v) for k, v in row.items() if k != "entity"}
        props = {k: v for k, v in props.items() if v not in (None, "", [])}
        nodes[node_id(row["entity"], row["key"])] = {
            "entity": row["entity"],
            "key": row["key"],
            "props": props,
        }
    _children_by_age(nodes)
    seed_ids = [node_id(schema().entity(e).name, k) for e, k in seeds]
    edges = _edges(sub, nodes)

    # -- filters --------------------------------------------------------------------------------
    if opts.links is not None:
        wanted = {schema().link(k).name for k in opts.links}
        edges = [e for e in edges if e["link"] in wanted]
    if opts.since is not None or opts.until is not None:
        edges, nodes = _time_window(edges, nodes, opts, seed_ids, notes)
    if opts.min_grade:
        try:
            grade = MinGrade.parse(opts.min_grade)
        except GradeError as exc:
            raise FilterError(str(exc)) from exc
        assert grade is not None
        before = len(edges)
        edges = [
            e for e in edges if any(grade.admits_source(sources.get(s, {})) for s in e["sources"])
        ]
        if before - len(edges):
            notes.append(
                f"{before - len(edges)} link(s) below grade {opts.min_grade} (or ungraded) not shown."
            )
    if opts.hide_third_parties:
        third = [
            n
            for n, v in nodes.items()
            if v["entity"] == "Person"
            and n not in seed_ids
            and v["props"].get("category") not in PRINCIPAL_CATEGORIES
        ]
        for n in third:
            del nodes[n]
        if third:
            notes.append(
                f"{len(third)} third part{'y' if len(third) == 1 else 'ies'} (neither child, suspect nor associate) hidden."
            )
    edges = [e for e in edges if e["from"] in nodes and e["to"] in nodes]
    notes += collapse_contacts(nodes, edges, seed_ids)
    nodes = _prune(nodes, edges, seed_ids, opts.hops if connected_to_seeds else None)
    edges = [e for e in edges if e["from"] in nodes and e["to"] in nodes]

    # -- budget ---------------------------------------------------------------------------------
    if len(nodes) > opts.budget:
        keep = must_keep(nodes, edges, seed_ids, opts.groups)
        notes += aggregate(nodes, edges, opts.budget, keep)
        edges = [e for e in edges if e["from"] in nodes and e["to"] in nodes]

    # -- styling --------------------------------------------------------------------------------
    groups = {}
    for index, (_name, members) in enumerate(opts.groups.items()):
        for member in members:
            groups[member] = index
    vis_nodes = [_vis_node(n, v, opts, groups, n in seed_ids) for n, v in nodes.items()]
    show_labels = len(edges) <= EDGE_LABEL_LIMIT
    if not show_labels:
        notes.append(f"{len(edges)} links: link labels are in the tooltips only.")
    vis_edges = [_vis_edge(i, e, nodes, sources, opts, show_labels) for i, e in enumerate(edges)]
    notes += _mark_notices(nodes, edges, vis_nodes, vis_edges, opts)
    legend = _legend(nodes, edges, vis_nodes, opts)
    if opts.seeded_layout:
        layout.place(vis_nodes, vis_edges)
    if opts.redact:
        notes.append(
            "Redacted for briefing: children shown by id and initials; free text withheld."
        )
    return View(
        title=title,
        nodes=vis_nodes,
        edges=vis_edges,
        legend=legend,
        notes=notes,
        seeds=[s for s in seed_ids if s in nodes],
    )


def _children_by_age(nodes: dict[str, dict[str, Any]]) -> None:
    """Draw, label and redact as a child every person a child by age when the data first records them.

    Age beats category (graph_intel.analysis.age): a 15-year-old recorded as a suspect is drawn in
    the children's colours, never the offenders'; her recorded category stays in the tooltip.
    """
    people = {n: v["props"] for n, v in nodes.items() if v["entity"] == "Person"}
    if not people:
        return
    frame = pd.DataFrame.from_dict(
        {
            n: {c: p.get(c) for c in ("date_of_birth", "category", "first_seen")}
            for n, p in people.items()
        },
        orient="index",
    )
    for n in Ages(frame).children_in_data():
        props = nodes[n]["props"]
        if props.get("category") != "child":
            props["recorded_category"] = props.get("category") or "unknown"
            props["category"] = "child"


def _owners(
    nodes: Mapping[str, dict[str, Any]], edges: Sequence[dict[str, Any]]
) -> dict[str, set[str]]:
    """For every phone and event, the persons linked to it directly (who uses it, who took part)."""
    owners: dict[str, set[str]] = {}
    for e in edges:
        for a, b in ((e["from"], e["to"]), (e["to"], e["from"])):
            if (
                a in nodes
                and b in nodes
                and nodes[a]["entity"] == "Person"
                and nodes[b]["entity"] in ("Phone", "Event")
            ):
                owners.setdefault(b, set()).add(a)
    return owners


def _persons_behind(
    n: str, nodes: Mapping[str, dict[str, Any]], owners: Mapping[str, set[str]]
) -> set[str]:
    """The persons an end of a link stands for: itself, or whoever uses the phone or took part in the event."""
    return {n} if nodes[n]["entity"] == "Person" else set(owners.get(n, ()))


def in_contact(
    nodes: Mapping[str, dict[str, Any]], edges: Sequence[dict[str, Any]]
) -> dict[str, set[str]]:
    """For each person, the persons in contact with them in the picture: linked directly, through each
    other's phones (a call or message between them), sharing a phone, or taking part in one event."""
    owners = _owners(nodes, edges)
    contact: dict[str, set[str]] = {}

    def join(group_a: set[str], group_b: set[str]) -> None:
        for a in group_a:
            for b in group_b:
                if a != b:
                    contact.setdefault(a, set()).add(b)
                    contact.setdefault(b, set()).add(a)

    for e in edges:
        if e["from"] in nodes and e["to"] in nodes:
            join(_persons_behind(e["from"], nodes, owners), _persons_behind(e["to"], nodes, owners))
    for who in owners.values():
        join(who, who)
    return contact


def must_keep(
    nodes: Mapping[str, dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    seed_ids: Sequence[str],
    groups: Mapping[str, Sequence[str]],
) -> set[str]:
    """What the node budget keeps before anything else: the seeds, every child, every adult in contact
    with a child, and every member of their groups."""
    children = {
        n
        for n, v in nodes.items()
        if v["entity"] == "Person" and v["props"].get("category") == "child"
    }
    contact = in_contact(nodes, edges)
    keep = set(seed_ids) | children | {p for c in children for p in contact.get(c, ())}
    by_ref: dict[str, str] = {}
    for n, v in nodes.items():
        if v["entity"] == "Person":
            by_ref[str(v["key"])] = n
            by_ref.setdefault(str(v["props"].get("id")), n)
    for members in groups.values():
        ids = {by_ref[str(m)] for m in members if str(m) in by_ref}
        if ids & keep:
            keep |= ids
    return {n for n in keep if n in nodes}


def _mark_notices(
    nodes: Mapping[str, dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    vis_nodes: list[dict[str, Any]],
    vis_edges: list[dict[str, Any]],
    opts: Options,
) -> list[str]:
    """Mark each adult a CAWN was served on (a dashed red ring, the notice in the tooltip) and each link
    between that adult and the child (or their phones) dated after service: possible breach evidence."""
    if not opts.notices:
        return []
    by_key = {str(v["key"]): n for n, v in nodes.items() if v["entity"] == "Person"}
    served: dict[tuple[str, str], pd.Timestamp] = {}
    for notice in opts.notices:
        adult, child = by_key.get(str(notice["served_on"])), by_key.get(str(notice["child"]))
        at = _ts(notice.get("served_at"))
        if adult is None or child is None or at is None:
            continue
        served[(adult, child)] = min(at, served.get((adult, child), at))
    if not served:
        return []
    names = {
        n: person_label(nodes[n]["props"], opts.redact).replace("\n", " · ")
        for pair in served
        for n in pair
    }
    vis_by_id = {n["id"]: n for n in vis_nodes}
    for (adult, child), at in sorted(served.items()):
        node = vis_by_id[adult]
        node["color"] = {**node["color"], "border": styles.NOTICE_COLOUR}
        node["borderWidth"] = max(node.get("borderWidth", 1), 4)
        node["shapeProperties"] = {"borderDashes": [6, 3]}
        node["title"] += f"\nCAWN served {_day(at)} in respect of {names[child]}"
        node["label"] += "\nCAWN served"
        node["gi_notice"] = True
    owners = _owners(nodes, edges)
    breaches = 0
    for e, vis in zip(edges, vis_edges, strict=True):
        ends = (_persons_behind(e["from"], nodes, owners), _persons_behind(e["to"], nodes, owners))
        last = e["last"] or e["first"]
        if last is None:
            continue
        for (adult, child), at in served.items():
            if last > at and (
                (adult in ends[0] and child in ends[1]) or (adult in ends[1] and child in ends[0])
            ):
                vis["color"] = {"color": styles.BREACH_COLOUR, "highlight": "#000000"}
                vis["width"] = max(float(vis.get("width", 1)), 3.0)
                vis["title"] += f"\nAFTER CAWN served {_day(at)}: possible breach evidence"
                vis["gi_breach"] = True
                if "label" in vis:
                    vis["label"] += " (after CAWN)"
                breaches += 1
                break
    return [
        f"{len(served)} CAWN(s) served on adults in this picture (dashed red ring)"
        + (
            f"; {breaches} link(s) dated after service: possible breach evidence (red)."
            if breaches
            else "."
        )
    ]


def _edges(sub: Subgraph, nodes: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in sub.links.to_dict("records") if not sub.links.empty else []:
        spec = schema().links[row["link"]]
        edge = {
            "from": node_id(row["from_entity"], row["from_key"]),
            "to": node_id(row["to_entity"], row["to_key"]),
            "link": row["link"],
            "class": spec.class_,
            "sources": list(_plain(row.get("sources")) or []),
            "first": _ts(row.get("first_seen")),
            "last": _ts(row.get("last_seen")),
            "role": _plain(row.get("role")),
            "saved_name": _plain(row.get("saved_name")),
            "basis": _plain(row.get("basis")) if "basis" in spec.properties else None,
            "weight": 1,
            "events": [],
        }
        for end in ("from", "to"):  # a link to an event is dated by the event when it has no date
            node = nodes.get(edge[end])
            if node and node["entity"] == "Event" and edge["first"] is None:
                edge["first"] = _ts(node["props"].get("started_at"))
                edge["last"] = _ts(node["props"].get("ended_at")) or edge["first"]
        out.append(edge)
    return out


def _time_window(
    edges: list[dict[str, Any]],
    nodes: dict[str, dict[str, Any]],
    opts: Options,
    seed_ids: Sequence[str],
    notes: list[str],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    since = _ts(opts.since)
    until = _ts(opts.until)
    if until is not None and (until.hour, until.minute, until.second) == (0, 0, 0):
        until = (
            until + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        )  # a date means the whole day

    def inside(first: pd.Timestamp | None, last: pd.Timestamp | None) -> bool | None:
        if first is None and last is None:
            return None
        lo, hi = first or last, last or first
        assert lo is not None and hi is not None
        return not ((since is not None and hi < since) or (until is not None and lo > until))

    dropped_events = [
        n
        for n, v in nodes.items()
        if v["entity"] == "Event"
        and n not in seed_ids
        and inside(_ts(v["props"].get("started_at")), _ts(v["props"].get("ended_at"))) is False
    ]
    for n in dropped_events:
        del nodes[n]
    kept, undated, outside = [], 0, 0
    for e in edges:
        verdict = inside(e["first"], e["last"])
        if verdict is None:
            undated += 1
            kept.append(e)
        elif verdict:
            kept.append(e)
        else:
            outside += 1
    window = f"{_day(since) or '…'} to {_day(until) or '…'}"
    notes.append(
        f"Time window {window}: {outside} link(s) and {len(dropped_events)} event(s) outside it not shown"
        + (f"; {undated} undated link(s) kept." if undated else ".")
    )
    return kept, nodes


def _prune(
    nodes: dict[str, dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    seed_ids: Sequence[str],
    hops: int | None,
) -> dict[str, dict[str, Any]]:
    """Keep what is still within `hops` of a seed (or, with no hops, persons and linked entities)."""
    adjacency: dict[str, set[str]] = {}
    for e in edges:
        adjacency.setdefault(e["from"], set()).add(e["to"])
        adjacency.setdefault(e["to"], set()).add(e["from"])
    if hops is None:
        return {
            n: v
            for n, v in nodes.items()
            if n in adjacency or v["entity"] == "Person" or n in seed_ids
        }
    depth = {s: 0 for s in seed_ids if s in nodes}
    queue = deque(depth)
    while queue:
        current = queue.popleft()
        if depth[current] >= hops:
            continue
        for nxt in adjacency.get(current, ()):
            if nxt in nodes and nxt not in depth:
                depth[nxt] = depth[current] + 1
                queue.append(nxt)
    return {n: v for n, v in nodes.items() if n in depth}


def person_label(props: Mapping[str, Any], redact: bool) -> str:
    """How a person is named on the picture: a redacted child is `Child C1 (T.M.)`."""
    ident = str(props.get("id") or "")
    category = props.get("category") or "unknown"
    name = " ".join(
        str(props.get(k)).strip() for k in ("given_name", "family_name") if props.get(k)
    )
    if category == "child":
        if redact:
            initials = _initials(props)
            return f"Child {ident}" + (f" ({initials})" if initials else "")
        return f"{name}\nChild {ident}" if name else f"Child {ident}"
    return f"{name}\n{ident}" if name else ident


def _label(v: Mapping[str, Any], opts: Options) -> str:
    entity, props = v["entity"], v["props"]
    ident = str(props.get("id") or v["key"])
    if entity == "Person":
        return person_label(props, opts.redact)
    if entity == "Location":
        if opts.redact and props.get("kind") in ("home", "care_placement"):
            return f"{props.get('kind')} {ident}"
        return str(props.get("name") or ident)
    if entity == "Event":
        shown = (
            f" {ident}" if len(ident) <= 12 else ""
        )  # call and plate-read ids are long; the tooltip has them
        return (
            f"{props.get('kind') or 'event'}{shown}\n{_day(_ts(props.get('started_at')))}".strip()
        )
    if entity == "Vehicle":
        return " ".join(str(x) for x in (ident, props.get("colour"), props.get("make")) if x)
    return ident


def _vis_node(
    nid: str, v: dict[str, Any], opts: Options, groups: Mapping[str, int], seed: bool
) -> dict[str, Any]:
    entity, props = v["entity"], v["props"]
    category = props.get("category") if entity == "Person" else None
    rag = None
    if entity == "Person":
        rag = styles.rag_of(
            opts.rag.get(v["key"]) or opts.rag.get(str(props.get("id"))) or _extra(props).get("rag")
        )
    group = groups.get(v["key"], groups.get(str(props.get("id")))) if entity == "Person" else None
    node: dict[str, Any] = {
        "id": nid,
        "label": _label(v, opts),
        **styles.node_style(entity, category, rag, group),
    }
    lines = [f"{schema().entity(entity).cli} {props.get('id') or v['key']}"]
    if entity == "Person":
        lines[0] = person_label(props, opts.redact).replace("\n", " · ")
        lines.append(f"category: {category or 'unknown'}")
        if props.get("recorded_category"):
            lines.append(
                f"recorded as {props['recorded_category']} while a child: consider exploitation"
            )
        if rag:
            lines.append(f"RAG: {styles.RAG_NAMES[rag]}")
        if group is not None:
            lines.append(f"group: {list(opts.groups)[group]}")
    for k, value in props.items():
        if k in _HIDDEN_PROPS or k in ("category", "recorded_category"):
            continue
        if k == "looked_after" and category != "child":
            continue
        if opts.redact and _withheld(k, entity, props):
            continue
        text = ", ".join(str(x) for x in value) if isinstance(value, list) else str(value)
        if k.endswith("_at") or k == "date_of_birth":
            text = _day(_ts(value)) or text
        lines.append(f"{k.replace('_', ' ')}: {text}")
    span = " to ".join(
        dict.fromkeys(
            d for d in (_day(_ts(props.get("first_seen"))), _day(_ts(props.get("last_seen")))) if d
        )
    )
    if span:
        lines.append(f"seen: {span}")
    for cli, count in sorted(v.get("folded", Counter()).items()):
        lines.append(f"+ {count} {cli}(s) linked only to this, folded in")
    if v.get("folded"):
        node["label"] += "\n+" + ", ".join(f"{n} {k}" for k, n in sorted(v["folded"].items()))
    if seed:
        node["borderWidth"] = max(node.get("borderWidth", 1), 4)
        node["font"] = {"size": 16, "bold": True}
    node["title"] = "\n".join(lines)
    node["gi_kind"] = schema().entity(entity).cli
    node["gi_find"] = " ".join(str(x) for x in (props.get("id"), v["key"]) if x)
    return node


def _withheld(k: str, entity: str, props: Mapping[str, Any]) -> bool:
    """True when redaction withholds a property: free text, a child's names, a child's address."""
    if k in _FREE_TEXT:
        return True
    if entity == "Person" and props.get("category") == "child":
        return k in ("given_name", "family_name", "date_of_birth")
    if entity == "Location" and props.get("kind") in ("home", "care_placement"):
        return k in ("name", "postcode", "latitude", "longitude")
    return False


def _grading(src: Mapping[str, Any]) -> str:
    grade = "".join(str(src.get(k) or "") for k in ("source_eval", "intel_eval"))
    handling = str(src.get("handling") or "")
    return " ".join(x for x in (grade, handling) if x) or "ungraded"


def _source_line(key: str, sources: Mapping[str, Mapping[str, Any]]) -> str:
    src = sources.get(key)
    ident = key.partition(":")[2] or key
    if not src:
        return f"source {ident}: not in the store"
    grading = _grading(src)
    parts = [
        f"source {ident}: {src.get('agency') or 'other'}",
        grading if grading == "ungraded" else f"graded {grading}",
    ]
    if src.get("reference"):
        parts.append(f"ref {src['reference']}")
    recorded = _day(_ts(src.get("recorded_at")))
    if recorded:
        parts.append(f"recorded {recorded}")
    if is_restricted(src.get("scheme"), src.get("handling")):  # only there when asked for: marked
        parts.append(
            "RESTRICTED, "
            + handling_text(src.get("scheme"), src.get("handling"), src.get("handling_note"))
        )
    return ", ".join(parts)


def _source_id(key: str, sources: Mapping[str, Mapping[str, Any]]) -> str:
    """A source by its id in the links' table, marked RESTRICTED when its handling code restricts it
    (only there when restricted material was asked for)."""
    src = sources.get(key) or {}
    ident = key.partition(":")[2] or key
    return (
        f"{ident} (RESTRICTED)" if is_restricted(src.get("scheme"), src.get("handling")) else ident
    )


def _vis_edge(
    index: int,
    e: dict[str, Any],
    nodes: Mapping[str, dict[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    opts: Options,
    show_label: bool,
) -> dict[str, Any]:
    name = e.get("label") or schema().links[e["link"]].canonical
    if e.get("basis") and e["basis"] != schema().links[e["link"]].properties["basis"].default:
        name = f"{name} ({e['basis']})"  # KNOWS, KNOWS_SN and KNOWS_PHONE stay apart
    ends = [_label(nodes[e[end]], opts).replace("\n", " ") for end in ("from", "to")]
    lines = [name, f"{ends[0]} \u2192 {ends[1]}"]
    if e.get("role"):
        lines.append(f"role: {e['role']}")
    if e.get("saved_name") and not opts.redact:
        lines.append(f"saved as: {e['saved_name']}")
    span = " to ".join(dict.fromkeys(d for d in (_day(e["first"]), _day(e["last"])) if d))
    lines.append(f"dates: {span}" if span else "dates: undated")
    if e["weight"] > 1:
        lines.append(f"weight: {e['weight']}")
    if e["events"]:
        shown = e["events"][:10]
        lines.append(
            "events: "
            + ", ".join(shown)
            + (f" and {len(e['events']) - 10} more" if len(e["events"]) > 10 else "")
        )
    for key in e["sources"][:6]:
        lines.append(_source_line(key, sources))
    if len(e["sources"]) > 6:
        lines.append(f"and {len(e['sources']) - 6} more sources")
    edge: dict[str, Any] = {
        "id": f"e{index}",
        "from": e["from"],
        "to": e["to"],
        "title": "\n".join(lines),
        **styles.edge_style(e["class"]),
        "gi_link": name,
        "gi_count": e["weight"],
        "gi_first": _day(e["first"]),
        "gi_last": _day(e["last"]),
        "gi_sources": ", ".join(_source_id(k, sources) for k in e["sources"][:6])
        + (f" and {len(e['sources']) - 6} more" if len(e["sources"]) > 6 else ""),
    }
    if e["weight"] > 1:
        edge["width"] = min(1.5 + e["weight"], 10)
        edge["value"] = e["weight"]
    if e["class"] in ("attribution", "participation", "placement", "content"):
        edge["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
    if show_label and e["class"] == "contact":  # one link for all the calls or messages of a pair
        days = " to ".join(
            dict.fromkeys(d for d in (_day(e["first"])[:10], _day(e["last"])[:10]) if d)
        )
        edge["label"] = f"{e['weight']} {name if e['weight'] != 1 else name.rstrip('s')}" + (
            f"\n{days}" if days else ""
        )
    elif show_label and e["class"] not in (
        "participation",
        "placement",
    ):  # stars and arrows say these
        edge["label"] = name if e["weight"] <= 1 else f"{name} \u00d7{e['weight']}"
    return edge


def _legend(
    nodes: Mapping[str, dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    vis_nodes: Sequence[dict[str, Any]],
    opts: Options,
) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for entity, st in styles.entity_styles().items():
        if entity == "Person":
            continue
        items.append(
            {"section": "Entities", "symbol": st.symbol, "colour": st.colour, "text": st.cli}
        )
    for category in styles.person_categories():
        text = f"person: {category}"
        if category == "child":
            text += " (blue ring, larger)"
        items.append(
            {
                "section": "Persons",
                "symbol": "\u25cf",
                "colour": styles.category_colour(category),
                "text": text,
            }
        )
    classes = sorted({e["class"] for e in edges})
    for cls in classes:
        items.append(
            {
                "section": "Links",
                "symbol": "\u2501" if not styles.LINK_CLASS_STYLES[cls]["dashes"] else "\u2504",
                "colour": styles.LINK_CLASS_STYLES[cls]["color"],
                "text": cls,
            }
        )
    rags = {n["color"]["border"] for n in vis_nodes}
    for code, colour in styles.RAG_COLOURS.items():
        if colour in rags:
            items.append(
                {
                    "section": "RAG ring",
                    "symbol": "\u25cb",
                    "colour": colour,
                    "text": f"RAG {styles.RAG_NAMES[code]}",
                }
            )
    for index, name in enumerate(opts.groups):
        items.append(
            {
                "section": "Groups (halo)",
                "symbol": "\u25c9",
                "colour": styles.GROUP_COLOURS[index % len(styles.GROUP_COLOURS)],
                "text": str(name),
            }
        )
    return items
