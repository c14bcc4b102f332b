"""Keeping a picture under its node budget: collapse events, fold leaves, then keep the best-linked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from graph_intel.schema import schema

#: Entity kinds folded into their single neighbour when they hang off it alone.
FOLDABLE = ("Phone", "Vehicle", "Location", "Report", "Exhibit")


def _edge(a: str, b: str, label: str, cls: str, **more: Any) -> dict[str, Any]:
    """A drawn link standing for events two parties share (weight and events filled by the caller)."""
    return {
        "from": a,
        "to": b,
        "link": "PARTICIPATED_IN",
        "class": cls,
        "label": label,
        "sources": [],
        "first": None,
        "last": None,
        "role": None,
        "saved_name": None,
        "weight": 0,
        "events": [],
        **more,
    }


def aggregate(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], budget: int, keep: Iterable[str]
) -> list[str]:
    """Shrink nodes/edges in place to at most `budget` nodes; return sentences saying what was done."""
    keep = set(keep)
    notes = [f"{len(nodes):,} entities exceed the budget of {budget:,}: the picture is aggregated."]
    if len(nodes) > budget:
        notes += _collapse_events(nodes, edges, keep)
    if len(nodes) > budget:
        notes += _fold_leaves(nodes, edges, keep)
    if len(nodes) > budget:
        notes += _keep_best_linked(nodes, edges, budget, keep)
    return notes


def _collapse_events(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], keep: set[str]
) -> list[str]:
    """Replace each event by weighted links between the entities that took part in it."""
    events = {n for n, v in nodes.items() if v["entity"] == "Event" and n not in keep}
    if not events:
        return []
    members: dict[str, set[str]] = {e: set() for e in events}
    places: dict[str, set[str]] = {e: set() for e in events}
    sources: dict[str, set[str]] = {e: set() for e in events}
    dates: dict[str, list[Any]] = {e: [] for e in events}
    rest = []
    for e in edges:
        ev = e["to"] if e["to"] in events else e["from"] if e["from"] in events else None
        if ev is None:
            rest.append(e)
            continue
        other = e["from"] if ev == e["to"] else e["to"]
        if other in events:
            continue
        (places if e["class"] == "placement" else members)[ev].add(other)
        sources[ev].update(e["sources"])
        dates[ev] += [d for d in (e["first"], e["last"]) if d is not None]
    combined: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ev in sorted(events):
        ident = str(nodes[ev]["props"].get("id") or ev)
        pairs = [(a, b, "together at events") for a, b in combinations(sorted(members[ev]), 2)]
        pairs += [
            (m, p, "at place (events)") for m in sorted(members[ev]) for p in sorted(places[ev])
        ]
        for a, b, label in pairs:
            edge = combined.setdefault(
                (a, b, label),
                _edge(a, b, label, "aggregate"),
            )
            edge["weight"] += 1
            edge["events"].append(ident)
            edge["sources"] = sorted(set(edge["sources"]) | sources[ev])
            span = [d for d in (edge["first"], edge["last"], *dates[ev]) if d is not None]
            if span:
                edge["first"], edge["last"] = min(span), max(span)
    for ev in events:
        del nodes[ev]
    edges[:] = rest + list(combined.values())
    return [
        f"{len(events):,} events collapsed into {len(combined):,} weighted links between the "
        "entities that shared them (hover a link for its events)."
    ]


def _fold_leaves(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], keep: set[str]
) -> list[str]:
    """Fold phones, vehicles and places linked to one entity only into that entity, with a count."""
    neighbours: dict[str, set[str]] = {}
    for e in edges:
        neighbours.setdefault(e["from"], set()).add(e["to"])
        neighbours.setdefault(e["to"], set()).add(e["from"])
    folded: Counter[str] = Counter()
    for n, v in list(nodes.items()):
        if v["entity"] not in FOLDABLE or n in keep or len(neighbours.get(n, ())) != 1:
            continue
        owner = next(iter(neighbours[n]))
        if owner not in nodes or owner == n:
            continue
        cli = schema().entity(v["entity"]).cli
        nodes[owner].setdefault("folded", Counter())[cli] += 1
        folded[cli] += 1
        del nodes[n]
    edges[:] = [e for e in edges if e["from"] in nodes and e["to"] in nodes]
    if not folded:
        return []
    what = ", ".join(f"{n:,} {k}(s)" for k, n in sorted(folded.items()))
    return [f"{what} linked to a single entity folded into it (shown as a count on its label)."]


def _keep_best_linked(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], budget: int, keep: set[str]
) -> list[str]:
    """Keep the seeds, the children and then the best-linked entities, up to the budget."""
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e["from"]] += e["weight"]
        degree[e["to"]] += e["weight"]
    must = [n for n in nodes if n in keep]
    others = sorted((n for n in nodes if n not in keep), key=lambda n: (-degree[n], n))
    chosen = set(must) | set(others[: max(budget - len(must), 0)])
    dropped = len(nodes) - len(chosen)
    for n in list(nodes):
        if n not in chosen:
            del nodes[n]
    edges[:] = [e for e in edges if e["from"] in nodes and e["to"] in nodes]
    return [
        f"{dropped:,} least-linked entities not shown; the seeds, every child and the "
        f"{len(chosen) - len(must):,} best-linked others are."
    ]


#: Event kinds between parties that a picture draws as one weighted link, never as a star of events.
CONTACT_KINDS = {"call": "calls", "message": "messages", "sms": "messages", "text": "messages"}


def collapse_contacts(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], keep: Iterable[str]
) -> list[str]:
    """Draw calls and messages between two parties as one weighted link (count, first and last date).

    Each call or message event with two or more parties in the picture (phones or persons) is
    replaced by a link between them; the links of one pair and kind are summed, with the events
    kept in the tooltip. An event with one party only stays (its other party is not in the view).
    """
    keep = set(keep)
    contacts = {
        n: CONTACT_KINDS[str(v["props"].get("kind") or "").lower()]
        for n, v in nodes.items()
        if v["entity"] == "Event"
        and n not in keep
        and str(v["props"].get("kind") or "").lower() in CONTACT_KINDS
    }
    if not contacts:
        return []
    parties: dict[str, set[str]] = {e: set() for e in contacts}
    for e in edges:
        for ev, other in ((e["to"], e["from"]), (e["from"], e["to"])):
            if ev in contacts and other not in contacts and e["class"] != "placement":
                parties[ev].add(other)
    merged = {ev for ev, who in parties.items() if len(who) >= 2}
    if not merged:
        return []
    combined: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in edges:
        ev = e["to"] if e["to"] in merged else e["from"] if e["from"] in merged else None
        if ev is None:
            continue
        for a, b in combinations(sorted(parties[ev]), 2):
            label = contacts[ev]
            edge = combined.setdefault(
                (a, b, label),
                _edge(a, b, label, "contact", _seen=set()),
            )
            if ev not in edge["_seen"]:
                edge["_seen"].add(ev)
                edge["weight"] += 1
                edge["events"].append(str(nodes[ev]["props"].get("id") or ev))
            edge["sources"] = sorted(set(edge["sources"]) | set(e["sources"]))
            span = [
                d for d in (edge["first"], edge["last"], e["first"], e["last"]) if d is not None
            ]
            if span:
                edge["first"], edge["last"] = min(span), max(span)
    for edge in combined.values():
        del edge["_seen"]
    for ev in merged:
        del nodes[ev]
    edges[:] = [e for e in edges if e["from"] in nodes and e["to"] in nodes] + list(
        combined.values()
    )
    return [
        f"{len(merged):,} calls and messages drawn as {len(combined):,} weighted links between the parties "
        "(count, first and last date on each; hover a link for its events)."
    ]
