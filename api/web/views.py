"""What each hub page shows, gathered from the read commands (graph_intel.commands) and the store.

Nothing here decides or scores anything: every function calls the registered command the CLI and
the API call, or the store's own reads, and returns plain data for a template. `redactor` is how a
viewer sees children: by id and initials, their names gone from every text on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd

from graph_intel.analysis.age import CHILD, POSSIBLE, Ages
from graph_intel.analysis.evidence import persons
from graph_intel.commands import READ_COMMANDS, load_all
from graph_intel.refs import RefError, resolve
from graph_intel.safeguarding.common import Sources, ident, initials
from graph_intel.schema import schema
from graph_intel.span import data_span
from graph_intel.stores.base import GraphStore, _plain
from loaders.values import PHONE, POSTCODE, VRM

#: Entity kinds with a page of their own, as the CLI names them.
PAGE_KINDS = ("person", "phone", "vehicle", "location", "event", "report")


def command(*words: str) -> Callable[..., Any]:
    """The registered read command `words` (the one the CLI and the API run)."""
    load_all()
    return READ_COMMANDS[words].func


def child_keys(store: GraphStore) -> dict[str, str]:
    """Every person who is, or may be, a child at their earliest fact, by key: their initials."""
    people = persons(store)
    if people.empty:
        return {}
    ages = Ages(people)
    first = [v if pd.notna(v) else None for v in people["first_seen"]]
    status = ages.status(list(people.index), first)
    out = {}
    for key, st, cat, given, family in zip(
        people.index,
        status,
        people["category"],
        people["given_name"],
        people["family_name"],
        strict=True,
    ):
        if st in (CHILD, POSSIBLE) or cat == "child":
            out[str(key)] = initials(given, family)
    return out


def redactor(store: GraphStore) -> Callable[[Any], Any]:
    """A function that rewrites page data for a viewer: every child's names and aliases become initials."""
    people = persons(store)
    children = child_keys(store)
    names: dict[str, str] = {}
    for key, label in children.items():
        if key not in people.index:
            continue
        row = people.loc[key]
        shown = label or "[child]"
        for part in (
            row.get("given_name"),
            row.get("family_name"),
            *(_plain(row.get("aliases")) or []),
        ):
            if isinstance(part, str) and len(part.strip()) >= 2:
                names[part.strip()] = shown
        full = " ".join(
            p for p in (row.get("given_name"), row.get("family_name")) if isinstance(p, str)
        )
        if full.strip():
            names[full.strip()] = shown
    if not names:
        return lambda data: data
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    lowered = {k.lower(): v for k, v in names.items()}

    def scrub(data: Any) -> Any:
        if isinstance(data, str):
            return pattern.sub(lambda m: lowered.get(m.group(0).lower(), "[child]"), data)
        if isinstance(data, dict):
            return {k: scrub(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [scrub(v) for v in data]
        return data

    return scrub


def as_of(store: GraphStore) -> str:
    """The data's as-of date: the last date its facts hold (or that it holds none)."""
    span = data_span(store)
    return span.last.isoformat() if span.last else "no dated facts"


def home(store: GraphStore, since: date, today: date) -> dict[str, Any]:
    """The home page: each child on the matrix with RAG, review, what is new since `since`, triggers, breaches."""
    brief = command("briefing")(store, since.isoformat(), today.isoformat())
    all_breaches = command("cawn", "breaches")(store)
    triggers = {t["person_id"]: t for t in command("missing-triggers")(store, today.isoformat())}
    rows = []
    for child in brief["children"]:
        pid = child["person_id"]
        rows.append(
            {
                **child,
                "lead": child.get("lead_worker") or "",
                "all_triggers": triggers.get(pid, {}).get("rules", []),
                "all_breaches": [b for b in all_breaches if b["child"] == pid],
            }
        )
    return {
        "since": brief["since"],
        "as_of": brief["as_of"],
        "children": rows,
        "possible_victims": brief["possible_victims"],
        "note": brief["note"],
    }


def child(store: GraphStore, person: str, today: date, analyst: bool) -> dict[str, Any]:
    """The child's page: profile, RAG history, chronology, missing, triggers, CAWN standing and breaches."""
    shown = command("show")(store, "person", person)
    _, key = resolve(store, "person", person)
    pid = ident(key)
    matrix = [
        r
        for r in command("matrix", "list")(store, today.isoformat(), True)
        if r["person_id"] == pid
    ]
    chronology = command("chronology")(store, key)
    triggers = [
        t for t in command("missing-triggers")(store, today.isoformat()) if t["person_id"] == pid
    ]
    eligible = [
        e
        for e in command("cawn", "eligible")(store, today.isoformat(), True)
        if e["person_id"] == pid
    ]
    breaches = [b for b in command("cawn", "breaches")(store) if b["child"] == pid]
    candidates = (
        [c for c in command("cawn", "candidates")(store, today.isoformat()) if c["child"] == pid]
        if analyst
        else []
    )
    missing = [row for row in chronology if "missing" in str(row.get("what", "")).lower()]
    return {
        "key": key,
        "id": pid,
        "show": shown,
        "properties": shown["properties"],
        "matrix": matrix[0] if matrix else None,
        "chronology": chronology,
        "missing": missing,
        "triggers": triggers,
        "eligible": eligible,
        "breaches": breaches,
        "candidates": candidates,
    }


def entity(store: GraphStore, kind: str, ident_: str) -> dict[str, Any]:
    """An adult's, phone's, vehicle's, place's or event's page: properties and every link with its source and grade."""
    shown = command("show")(store, kind, ident_)
    sources = Sources(store).preload(link["sources"] for link in shown["links"])
    links = []
    for link in shown["links"]:
        info = sources.info(link["sources"])
        links.append(
            {**link, "agency": info.agency, "grading": info.grading, "reference": info.reference}
        )
    _, key = resolve(store, kind, ident_)
    return {
        "kind": shown["kind"],
        "id": shown["id"],
        "key": key,
        "properties": shown["properties"],
        "links": links,
    }


def search(store: GraphStore, text: str, limit: int = 50) -> list[dict[str, str]]:
    """Entities a search names: persons by id, name or alias; phones in any spelling; VRMs with or
    without spaces; places by postcode or name. Each hit: kind, id, label, why it matched."""
    query = text.strip()
    if not query:
        return []
    hits: list[dict[str, str]] = []
    for cleaner, entity_name in ((PHONE, "Phone"), (VRM, "Vehicle")):
        cleaned = cleaner.clean(query)
        if (
            cleaned is not None
            and cleaned.parsed
            and store.get_node(entity_name, cleaned.value) is not None
        ):
            hits.append(
                {
                    "kind": schema().entity(entity_name).cli,
                    "id": cleaned.value,
                    "label": cleaned.value,
                    "why": f"{schema().entity(entity_name).cli} {query!s} is stored as {cleaned.value}",
                }
            )
    needle = query.casefold()
    people = store.nodes(
        "Person", columns=["id", "given_name", "family_name", "aliases", "category"]
    )
    for row in people.to_dict("records"):
        name = " ".join(
            str(row[k]) for k in ("given_name", "family_name") if isinstance(row.get(k), str)
        )
        aliases = [a for a in (_plain(row.get("aliases")) or []) if isinstance(a, str)]
        why = (
            "id"
            if str(row["id"]).casefold() == needle
            else "name"
            if needle in name.casefold()
            else "alias"
            if any(needle in a.casefold() for a in aliases)
            else None
        )
        if why:
            hits.append(
                {
                    "kind": "person",
                    "id": str(row["key"]),
                    "label": f"{name} ({row['id']})".strip(),
                    "why": f"matches the {why}"
                    + (f" ({', '.join(aliases)})" if why == "alias" else ""),
                }
            )
    postcode = POSTCODE.clean(query)
    places = store.nodes("Location", columns=["id", "name", "postcode"])
    for row in places.to_dict("records"):
        pc = POSTCODE.clean(str(row["postcode"])) if isinstance(row.get("postcode"), str) else None
        by_postcode = (
            postcode is not None
            and pc is not None
            and postcode.parsed
            and pc.value == postcode.value
        )
        if (
            by_postcode
            or needle == str(row["id"]).casefold()
            or (len(needle) >= 3 and needle in str(row.get("name") or "").casefold())
        ):
            hits.append(
                {
                    "kind": "location",
                    "id": str(row["key"]),
                    "label": f"{row.get('name') or row['id']} {row.get('postcode') or ''}".strip(),
                    "why": "matches the postcode" if by_postcode else "matches the place",
                }
            )
    return hits[:limit]


def default_since(today: date) -> date:
    """The start of the period a briefing covers by default: a week before today."""
    return today - timedelta(days=7)


def check_person(store: GraphStore, person: str) -> str:
    """The store key of a person argument (RefError when it names nobody or is ambiguous)."""
    try:
        return resolve(store, "person", person)[1]
    except RefError:
        raise


def briefing_document(
    store: GraphStore,
    since: date,
    as_of_day: date,
    produced_by: str,
    marking: str,
    reference: str = "",
    include_restricted: bool = False,
) -> dict[str, Any]:
    """The weekly hub briefing as a print document: the `briefing` command's answer with the CAWN
    breaches of the period, the marking, who produced it and when, and the data's as-of date."""
    from datetime import UTC, datetime

    brief = command("briefing")(store, since.isoformat(), as_of_day.isoformat(), include_restricted)
    return {
        **brief,
        "marking": marking,
        "produced_by": produced_by,
        "reference": reference,
        "produced_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data_as_of": as_of(store),
        "breach_rows": [
            {"child": c["person_id"], **b, "items": len(b["evidence"])}
            for c in brief["children"]
            for b in c["breaches"]
        ],
    }
