"""The CAWN evidence pack: one printable, self-contained HTML page about one adult and one child.

It lists chronologically every contact between the two (date, what, where, recording agency,
reference, grade) and the phones and vehicles attributed to the adult with their sources. The
child appears by ID and initials only, and the child's recorded names are replaced by initials in
any free text. `redact` hides third parties: other persons present at an event and event summaries,
which may name them. All text is escaped (jinja2 autoescape); the page loads nothing from anywhere.

Roles are checked first (graph_intel.safeguarding.roles): arguments the wrong way round, an adult
in the child's place or a child in the adult's place is refused with the reason. The child's age
and CAWN eligibility are stated at the date of each notice and each contact, and at `on` (by
default the date of the latest notice or contact), never at today's date. One record (an event,
exhibit or link) is one row, whatever ways it joins the two; dates are written for people
("8 Jul 2011"); rows after a notice was served are marked and highlighted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph_intel.analysis.age import Ages
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.handling import Handling, restricted_view
from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.cawn import eligibility, notices, pair_evidence
from graph_intel.safeguarding.common import (
    Sources,
    ident,
    initials,
    iso,
    people_date,
    person_key,
    to_date,
    to_datetime,
)
from graph_intel.safeguarding.roles import check_pair
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
)
#: Attributions listed as the adult's identifiers: phones used, vehicles kept or driven.
IDENTIFIER_LINKS = ("USES_PHONE", "KEEPER_OF", "DRIVES")
_WHAT = {
    "call": "voice call",
    "message": "text message",
    "together": "seen together",
    "pickup": "vehicle pickup",
    "handset_contact": "number saved in examined handset",
    "link": "recorded link",
}


def _standing(
    rule: Ages, key: str, dob: date | None, status: str | None, at: Any
) -> dict[str, Any]:
    """The child's age and CAWN eligibility on one date (None when the date or birth date is unknown)."""
    day = to_date(at)
    if day is None:
        return {"age": None, "eligibility": "date unknown", "eligible": None}
    verdict = eligibility(dob, status, day)
    age = rule.age(key, pd.Timestamp(day))
    if verdict is None:
        text = "aged 18 or over" if age is not None else "age unknown (no date of birth)"
        return {"age": age, "eligibility": text, "eligible": False}
    return {
        "age": age,
        "eligibility": f"aged {age}: " + verdict[1].replace("_", " "),
        "eligible": verdict[0],
    }


def _scrubber(people: pd.DataFrame) -> Any:
    """A function replacing every child's recorded names and aliases in free text with initials.

    A child is anyone a child when the data first records them, or recorded as a child (the age rule).
    """
    swaps: list[tuple[re.Pattern[str], str]] = []
    children = Ages(people).children_in_data() | set(people.index[people["category"] == "child"])
    for _, row in people[people.index.isin(children)].iterrows():
        label = initials(row["given_name"], row["family_name"]) or "[child]"
        names = [
            row["given_name"],
            row["family_name"],
            *(row["aliases"] if isinstance(row["aliases"], list) else []),
        ]
        for name in names:
            if isinstance(name, str) and len(name.strip()) > 1:
                swaps.append((re.compile(rf"\b{re.escape(name.strip())}\b", re.IGNORECASE), label))

    def scrub(text: str) -> str:
        for pattern, label in swaps:
            text = pattern.sub(label, text)
        return text

    return scrub


def _attributed(store: GraphStore, person: str, links: tuple[str, ...]) -> list[dict[str, Any]]:
    """The links of the kinds `links` from one person (every record of their same-person cluster), read by key.

    The person is a cluster's representative or in no cluster (analysis.evidence.attributions names a
    cluster by its representative); a record that is not its cluster's representative has none.
    """
    reps = representatives(store)
    records = [k for k, r in reps.items() if r == person] if person in reps else [person]
    frames = [store.links(name, from_keys=records) for name in links] if records else []
    return [row for frame in frames if not frame.empty for row in frame.to_dict("records")]


def pack_data(
    store: GraphStore,
    adult: str,
    child: str,
    redact: bool = False,
    on: date | None = None,
    include_restricted: bool = False,
) -> dict[str, Any]:
    """Everything the evidence pack shows, as plain data (adult and child are person arguments).

    `on`: the date the child's age and eligibility are stated at besides each notice and contact;
    by default the date of the latest notice or contact between them (when there is none, the latest
    date the data holds; today only for an empty store). Material whose every source is restricted
    (graph_intel.handling) is left out unless `include_restricted`; then each such item carries its
    handling mark (`restricted`).
    """
    handling = Handling(store) if include_restricted else None
    store = restricted_view(store, include_restricted)

    def mark(srcs: Any) -> str | None:
        return handling.note(srcs) if handling is not None else None

    a_key, c_key = person_key(store, adult), person_key(store, child)
    people = persons(store)
    rule = Ages(people)
    served = notices(store)
    served = served[(served["served_on"] == a_key) & (served["child"] == c_key)]
    rows = pair_evidence(contact_evidence(store), {a_key}, {c_key})
    dated = [to_date(x) for x in [*served["served_at"], *rows["at"]]]
    known = [d for d in dated if d is not None]
    latest = (
        pd.to_datetime(people["last_seen"], errors="coerce").max()
        if "last_seen" in people
        else pd.NaT
    )
    day = on or (
        max(known) if known else (latest.date() if pd.notna(latest) else datetime.now().date())
    )
    check_pair(people, a_key, c_key, day, known)
    sources = Sources(store)
    scrub = _scrubber(people)
    crow, arow = people.loc[c_key], people.loc[a_key]
    c_dob = to_date(crow["date_of_birth"])
    c_status = crow["legal_status"] if isinstance(crow["legal_status"], str) else None
    at_on = _standing(rule, c_key, c_dob, c_status, day)
    child_info = {
        "id": ident(c_key),
        "label": f"{ident(c_key)} ({initials(crow['given_name'], crow['family_name']) or 'initials unknown'})",
        "on": day.isoformat(),
        "on_text": people_date(day),
        "age": at_on["age"],
        "eligible": at_on["eligible"],
        "eligibility": at_on["eligibility"],
        "on_default": on is None,
    }
    name = " ".join(
        p for p in (arow["given_name"], arow["family_name"]) if isinstance(p, str) and p
    )
    born = iso(arow["date_of_birth"])
    adult_info = {
        "id": ident(a_key),
        "name": scrub(name) if arow["category"] == "child" else name,
        "dob": born[:10] if born else None,
        "dob_text": people_date(born[:10]) if born else None,
    }
    notice_rows = [
        {
            "notice": ident(n["event"], "Event"),
            "served_at": iso(n["served_at"]),
            "served_text": people_date(n["served_at"]),
            **_standing(rule, c_key, c_dob, c_status, n["served_at"]),
            **{k: getattr(sources.info(n["sources"]), k) for k in ("agency", "reference")},
            "restricted": mark(n["sources"]),
        }
        for n in served.to_dict("records")
    ]
    first_notice = to_datetime(served["served_at"].min()) if not served.empty else None
    # Only the events behind this pair's evidence are read: their summaries, places and who else was there.
    refs = sorted(
        {str(k) for e, k in zip(rows["ref_entity"], rows["ref_key"], strict=True) if e == "Event"}
    )
    events = store.nodes("Event", keys=refs, columns=["summary", "kind"]).set_index("key")
    places = store.links("OCCURRED_AT", from_keys=refs) if refs else pd.DataFrame()
    place_of = (
        dict(zip(places["from_key"], places["to_key"], strict=True)) if not places.empty else {}
    )
    locations = store.nodes(
        "Location", keys=sorted(set(place_of.values())), columns=["name", "address"]
    ).set_index("key")
    parts = store.links("PARTICIPATED_IN", to_keys=refs) if refs else pd.DataFrame()
    parts = parts[parts["from_entity"] == "Person"] if not parts.empty else parts
    sources.preload(rows["sources"])
    items: list[dict[str, Any]] = []
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in rows.to_dict("records"):
        src = sources.info(r["sources"])
        what = _WHAT.get(r["kind"], r["kind"])
        if r["kind"] == "handset_contact" and isinstance(r["detail"], str) and not redact:
            what += f" (saved as '{scrub(r['detail'])}')"
        where = None
        if r["ref_entity"] == "Event" and r["ref_key"] in events.index:
            ev = events.loc[r["ref_key"]]
            if (
                isinstance(ev["summary"], str)
                and ev["summary"]
                and not redact
                and ev["kind"] != "call"
            ):
                what += f": {scrub(ev['summary'])}"
            loc = place_of.get(r["ref_key"])
            if loc is not None and loc in locations.index:
                lrow = locations.loc[loc]
                where = ", ".join(
                    str(x) for x in (lrow["name"], lrow["address"]) if isinstance(x, str) and x
                )
            others = (
                [
                    ident(p)
                    for p in parts[parts["to_key"] == r["ref_key"]]["from_key"]
                    if p not in (a_key, c_key)
                ]
                if not parts.empty
                else []
            )
            if others and not redact:
                what += f" [also present: {', '.join(sorted(set(others)))}]"
        if r["kind"] in ("call", "message") and isinstance(r["via"], str):
            what += f" ({r['via']})"
        at = to_datetime(r["at"])
        record = (
            ident(r["ref_key"], "Exhibit" if r["ref_entity"] == "Exhibit" else "Event")
            if r["ref_entity"] != "Link"
            else r["ref_key"]
        )
        if (
            r["ref_entity"],
            r["ref_key"],
        ) in seen:  # one record is one row, whatever ways it joins the two
            item = seen[(r["ref_entity"], r["ref_key"])]
            if r["kind"] not in item["kinds"]:
                item["kinds"].append(r["kind"])
                item["what"] += f"; {_WHAT.get(r['kind'], r['kind'])}"
            continue
        item = {
            "at": iso(at),
            "at_text": people_date(at),
            "what": what,
            "where": where,
            "agency": src.agency,
            "reference": src.reference,
            "source_id": src.source_id,
            "grading": src.grading,
            "kind": r["kind"],
            "kinds": [r["kind"]],
            "record": str(r["ref_entity"] or "").lower(),
            "id": record,
            "after_notice": bool(first_notice and at and at > first_notice),
            **_standing(rule, c_key, c_dob, c_status, at),
            "restricted": mark(r["sources"]),
        }
        seen[(r["ref_entity"], r["ref_key"])] = item
        items.append(item)
    items.sort(key=lambda i: (i["at"] is None, i["at"] or "", i["id"]))
    identifiers = []
    attributed = _attributed(store, a_key, IDENTIFIER_LINKS)
    sources.preload(d["sources"] for d in attributed)
    for d in attributed:
        src = sources.info(d["sources"])
        identifiers.append(
            {
                "kind": schema().entity(d["to_entity"]).cli,
                "id": d["to_key"],
                "link": schema().links[d["link"]].canonical,
                "agency": src.agency,
                "reference": src.reference,
                "source_id": src.source_id,
                "grading": src.grading,
                "first_seen": (iso(d["first_seen"]) or "")[:10] or None,
                "last_seen": (iso(d["last_seen"]) or "")[:10] or None,
                "first_text": people_date((iso(d["first_seen"]) or "")[:10] or None),
                "last_text": people_date((iso(d["last_seen"]) or "")[:10] or None),
                "restricted": mark(d["sources"]),
            }
        )
    identifiers.sort(key=lambda d: (d["kind"], d["id"], d["link"]))
    return {
        "adult": adult_info,
        "child": child_info,
        "notices": notice_rows,
        "items": items,
        "identifiers": identifiers,
        "redacted": redact,
        "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "include_restricted": include_restricted,
        "restricted_items": sum(
            1 for part in (notice_rows, items, identifiers) for i in part if i["restricted"]
        ),
    }


def render_pack(data: dict[str, Any], print_css: str | None = None, imprint: Any = None) -> str:
    """The pack's HTML, every value escaped; with `print_css` and `imprint` (api.web.printing) the
    print-ready page: A4, the protective marking on every page, who and when, page x of y."""
    return _ENV.get_template("pack.html.j2").render(**data, print_css=print_css, imprint=imprint)


def pack_summary(data: dict[str, Any], out: Path) -> dict[str, Any]:
    """The contract's answer for a pack written to `out`: {"file", "items", ...}."""
    return {
        "file": str(out),
        "items": len(data["items"]),
        "adult": data["adult"]["id"],
        "child": data["child"]["id"],
        "notices": len(data["notices"]),
        "redacted": data["redacted"],
        "on": data["child"]["on"],
        "eligible_on": data["child"]["eligible"],
        "age_on": data["child"]["age"],
        "include_restricted": data["include_restricted"],
        "restricted_items": data["restricted_items"],
    }


def write_pack(
    store: GraphStore,
    adult: str,
    child: str,
    out: Path,
    redact: bool = False,
    on: date | None = None,
    include_restricted: bool = False,
) -> dict[str, Any]:
    """Write the evidence pack to `out`; return the contract's {"file", "items"}."""
    data = pack_data(store, adult, child, redact, on, include_restricted)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_pack(data), encoding="utf-8")
    return pack_summary(data, out)
