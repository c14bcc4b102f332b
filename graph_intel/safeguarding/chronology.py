"""A child's chronology: everything that touches the child, oldest first, with who recorded it.

Rows come from events the child took part in (any role), calls and messages with the child's
phones, numbers saved in the child's examined handset or the child's number saved in another's,
links to or from the child (people, phones, vehicles, places) and intelligence reports about or
naming the child. A *concern* is an event about the child of kind sighting, incident,
missing_episode or arrest. A period is flagged when concerns recorded by two or more agencies fall
within 30 days of each other and no strategy meeting or referral about the child followed, where
"followed" means dated from the later concern up to 30 days after it. A flag is a prompt to ask
whether the agencies shared what they knew; it decides nothing.

A child recorded as a suspect or associate, or arrested while under 18 (age at the date, see
graph_intel.analysis.age), gets a prompt row ("recorded as a suspect while aged 15: consider
exploitation"): a possible victim, never an offender. A new or second phone, and going missing
together with another child, get prompt rows too (child_side.py), each with its evidence.

The safeguarding record is interleaved (records.py): referrals and requests (sent, received,
answered: each its own row, so the chronology says who was asked and who answered), school
attendance and exclusions, health attendances, gifts, risk assessments and allocations. Child-side
records that are concerns (health attendances, gifts, exclusions, attendance drops) count as
concerns for the flags. A referral record follows a concern only when its receipt is recorded: a
referral with no recorded receipt never clears a flag, and the flag names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from graph_intel.analysis.age import possible_victims
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.handling import Handling, restricted_view
from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.child_side import child_side_prompts
from graph_intel.safeguarding.common import (
    ACTION_EVENTS,
    CONCERN_EVENTS,
    Sources,
    ident,
    iso,
    to_datetime,
)
from graph_intel.safeguarding.records import describe, is_concern, item, records, when
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore

#: Days within which two agencies' concerns make a period, and a meeting or referral must follow.
WINDOW_DAYS = 30
#: The key under which each row of chronology_rows carries the store keys of its sources (the
#: chronology marks restricted rows from it, and leaves it out of its answer).
SOURCES = "_sources"


@dataclass
class Flag:
    """Two or more agencies' concerns within the window, with no meeting or referral after."""

    start: datetime
    end: datetime
    agencies: set[str] = field(default_factory=set)
    events: list[str] = field(default_factory=list)
    #: Referrals sent after the concerns whose receipt is not recorded (they do not count as followed).
    unreceived: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The flag as JSON: first and last concern dates, agencies, the concern events."""
        return {
            "from": self.start.date().isoformat(),
            "to": self.end.date().isoformat(),
            "agencies": sorted(self.agencies),
            "events": self.events,
            "unreceived_referrals": self.unreceived,
            "prompt": "concerns from several agencies and no strategy meeting or referral followed: "
            "check whether they were shared"
            + (
                "; a referral was sent but its receipt is not recorded: check it arrived"
                if self.unreceived
                else ""
            ),
        }


def _event_rows(store: GraphStore, child: str, sources: Sources) -> list[dict[str, Any]]:
    parts = store.links("PARTICIPATED_IN", from_keys=[child])
    if parts.empty:
        return []
    events = store.nodes(
        "Event",
        keys=list(parts["to_key"]),
        columns=["kind", "started_at", "ended_at", "summary", "sources"],
    ).set_index("key")
    sources.preload(events["sources"])
    rows = []
    for event, role in zip(parts["to_key"], parts["role"], strict=True):
        if event not in events.index:
            continue
        ev = events.loc[event]
        src = sources.info(ev["sources"])
        summary = ev["summary"] if isinstance(ev["summary"], str) else ""
        rows.append(
            {
                "at": iso(ev["started_at"]),
                "what": f"{ev['kind']}: {summary}".rstrip(": "),
                "agency": src.agency,
                "source_id": src.source_id,
                "record": "event",
                "id": ident(event, "Event"),
                "event_kind": ev["kind"],
                "role": role,
                "agencies": sources.agencies(ev["sources"]),
                "reference": src.reference,
                "grading": src.grading,
                "end": iso(ev["ended_at"]),
                SOURCES: ev["sources"],
            }
        )
    return rows


#: The contacts a chronology lists (being together at an event is listed as the event).
CHRONOLOGY_CONTACTS = ("call", "message", "handset_contact")


def _contact_rows(evidence: pd.DataFrame, child: str, sources: Sources) -> list[dict[str, Any]]:
    rows = []
    mine = evidence[(evidence["a"] == child) | (evidence["b"] == child)]
    mine = mine[mine["kind"].isin(CHRONOLOGY_CONTACTS)]
    sources.preload(mine["sources"])
    seen: set[tuple[str, str]] = set()
    for r in mine.to_dict("records"):
        other = r["b"] if r["a"] == child else r["a"]
        if (r["ref_key"], other) in seen:
            continue
        seen.add((r["ref_key"], other))
        src = sources.info(r["sources"])
        what = {"call": "call", "message": "message", "handset_contact": "handset contact"}[
            r["kind"]
        ]
        detail = (
            f" saved as '{r['detail']}'"
            if r["kind"] == "handset_contact" and isinstance(r["detail"], str)
            else ""
        )
        rows.append(
            {
                "at": iso(r["at"]),
                "what": f"{what} with {ident(other)}{detail} ({r['via']})",
                "agency": src.agency,
                "source_id": src.source_id,
                "record": r["kind"],
                "id": ident(r["ref_key"], "Exhibit" if r["ref_entity"] == "Exhibit" else "Event"),
                "reference": src.reference,
                "grading": src.grading,
                SOURCES: r["sources"],
            }
        )
    return rows


def _link_rows(
    store: GraphStore, child: str, sources: Sources, records: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    frame = store.node_links("Person", child)
    sources.preload(frame["sources"])
    rows = []
    for r in frame.to_dict("records"):
        if r["link"] in (
            "PARTICIPATED_IN",
            "SAME_AS",
        ):  # SAME_AS is a resolution judgement, not a record
            continue
        if (
            schema().links[r["link"]].class_ == "record"
        ):  # the safeguarding record has rows of its own
            continue
        if (
            len(records) > 1 and r["from_key"] in records and r["to_key"] in records
        ):  # two records of this child
            continue
        outgoing = r["from_key"] == child and r["from_entity"] == "Person"
        other_entity = r["to_entity"] if outgoing else r["from_entity"]
        other_key = r["to_key"] if outgoing else r["from_key"]
        name = schema().links[r["link"]].canonical
        src = sources.info(r["sources"])
        if other_entity == "Report":
            report = store.get_node("Report", other_key) or {}
            text = report.get("text") or ""
            what = f"report {ident(other_key, 'Report')} ({name}): {text}"
            at = report.get("recorded_at") or r["first_seen"]
        else:
            other = ident(other_key, other_entity)
            what = (
                f"{name} {schema().entity(other_entity).cli} {other}"
                if outgoing
                else f"{other} {name} this child"
            )
            at = r["first_seen"]
        rows.append(
            {
                "at": iso(at),
                "what": what,
                "agency": src.agency,
                "source_id": src.source_id,
                "record": "report" if other_entity == "Report" else "link",
                "id": ident(other_key, other_entity),
                "reference": src.reference,
                "grading": src.grading,
                SOURCES: r["sources"],
            }
        )
    return rows


def _referral_rows(row: dict[str, Any], sources: Sources) -> list[dict[str, Any]]:
    """A referral as the rows a review reads: sent (saying whether receipt is recorded), received, answered."""
    sent = when(row, "Referral")
    to = row.get("to_agency") or "the receiving agency"
    received = row.get("received") == "yes"
    receipt = (
        "receipt recorded"
        if received
        else ("no record of receipt" if row.get("received") == "no" else "receipt not known")
    )
    first = {
        **item(row, "Referral", sources, f"{describe(row, 'Referral')} [{receipt}]", sent),
        SOURCES: row.get("sources"),
    }
    rid = first["id"]
    out = [
        {
            **first,
            "referral_kind": row.get("kind"),
            "received": received,
            "to_agency": row.get("to_agency"),
        }
    ]
    received_at = to_datetime(row.get("received_at"))
    if received and received_at is not None:
        out.append(
            {
                **first,
                "at": iso(received_at),
                "what": f"received by {to}: {rid}",
                "referral_kind": row.get("kind"),
                "step": "received",
            }
        )
    outcome = row.get("outcome")
    if isinstance(outcome, str) and outcome:
        reason = row.get("reason")
        text = f"response from {to} to {rid}: {outcome.replace('_', ' ')}" + (
            f" ({reason})" if isinstance(reason, str) and reason else ""
        )
        at = to_datetime(row.get("responded_at"))
        out.append(
            {
                **first,
                "at": iso(at) if at is not None else first["at"],
                "what": text,
                "referral_kind": row.get("kind"),
                "step": "response",
                "outcome": outcome,
            }
        )
    return out


def _record_rows(store: GraphStore, who: str, sources: Sources) -> list[dict[str, Any]]:
    """The child's safeguarding record: one row per record (a referral's steps each a row)."""
    rows: list[dict[str, Any]] = []
    for spec in schema().record_entities():
        frame = records(store, spec.name)
        mine = frame[frame["child_key"] == who] if not frame.empty else frame
        sources.preload(mine["sources"] if not mine.empty else [])
        for row in mine.to_dict("records"):
            if spec.name == "Referral":
                rows += _referral_rows(row, sources)
                continue
            rows.append(
                {
                    **item(row, spec.name, sources, describe(row, spec.name)),
                    SOURCES: row.get("sources"),
                    "agencies": sources.agencies(row["sources"]),
                    "concern": is_concern(row, spec.name),
                }
            )
    return rows


def chronology_rows(
    store: GraphStore, child: str, evidence: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Every record touching the child (by key), oldest first; undated records last.

    `evidence` is contact_evidence(store) when the caller has it already (one read for many children).
    """
    sources = Sources(store)
    # Entity resolution: when the child's record is in a confirmed cluster, the chronology holds every
    # record of the cluster; contact evidence already names the cluster by its representative key.
    reps = representatives(store)
    who = reps.get(child, child)
    records = tuple(k for k, r in reps.items() if r == who) or (child,)
    rows = [row for key in records for row in _event_rows(store, key, sources)]
    if evidence is None:  # only the kinds of contact a chronology lists are made
        evidence = contact_evidence(store, kinds=CHRONOLOGY_CONTACTS)
    rows += _contact_rows(evidence, who, sources)
    rows += [row for key in records for row in _link_rows(store, key, sources, records)]
    rows += _record_rows(store, who, sources)
    rows.sort(key=lambda r: (r["at"] is None, r["at"] or "", r["record"], r["id"]))
    return rows


def flags(rows: list[dict[str, Any]], window_days: int = WINDOW_DAYS) -> list[Flag]:
    """Periods where 2+ agencies recorded concerns within the window and no meeting or referral followed."""
    window = timedelta(days=window_days)
    concerns = [
        (to_datetime(r["at"]), a, r["id"])
        for r in rows
        if (r.get("event_kind") in CONCERN_EVENTS or r.get("concern")) and r["at"]
        for a in r.get("agencies") or ([r["agency"]] if r["agency"] else [])
    ]
    # A meeting held, a referral event, or a referral record whose receipt is recorded; never one without.
    actions = [
        to_datetime(r["at"])
        for r in rows
        if r["at"]
        and (
            r.get("event_kind") in ACTION_EVENTS
            or (r.get("record") == "referral" and r.get("received") is True)
        )
    ]
    unreceived = [
        (to_datetime(r["at"]), r["id"])
        for r in rows
        if r["at"]
        and r.get("record") == "referral"
        and "step" not in r
        and r.get("received") is False
    ]
    out: list[Flag] = []
    for later, _, _ in sorted((c for c in concerns if c[0] is not None), key=lambda c: c[0]):  # type: ignore[arg-type, return-value]
        assert later is not None
        near = [c for c in concerns if c[0] is not None and later - window <= c[0] <= later]
        agencies = {a for _, a, _ in near}
        if len(agencies) < 2:
            continue
        if any(a is not None and later <= a <= later + window for a in actions):
            continue
        start = min(c[0] for c in near if c[0] is not None)
        ids = list(dict.fromkeys(e for _, _, e in near))
        sent = [rid for at, rid in unreceived if at is not None and later <= at <= later + window]
        if out and start <= out[-1].end:
            out[-1].end = max(out[-1].end, later)
            out[-1].agencies |= agencies
            out[-1].events = list(dict.fromkeys(out[-1].events + ids))
            out[-1].unreceived = list(dict.fromkeys(out[-1].unreceived + sent))
        else:
            out.append(Flag(start, later, agencies, ids, sent))
    return out


def chronology(
    store: GraphStore, child: str, include_restricted: bool = False
) -> list[dict[str, Any]]:
    """The contract's chronology: rows oldest first, each flag as a row at its later concern.

    Material whose every source is restricted (graph_intel.handling) is left out unless
    `include_restricted`; then each row with a restricted source carries its handling mark (`restricted`).
    """
    handling = Handling(store) if include_restricted else None
    store = restricted_view(store, include_restricted)
    rows = chronology_rows(store, child)
    found = flags(rows)
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k != SOURCES and (k != "agencies" or len(v) > 1)}
        note = handling.note(r.get(SOURCES)) if handling is not None else None
        if note:
            row["restricted"] = note
        out.append(row)
    who = representatives(store).get(child, child)
    people = persons(store)
    for p in possible_victims(store, people):
        if p["key"] != who:
            continue
        out.append(
            {
                "at": p["at"],
                "what": f"PROMPT: {p['prompt']}",
                "agency": None,
                "source_id": None,
                "record": "prompt",
                "id": ident(p["event"], "Event") if p["event"] else None,
                "prompt": p["prompt"],
                "age": p["age"],
            }
        )
    sources = Sources(store)
    for p in child_side_prompts(store, date.today(), sources, only={who}, people=people):
        if p["child"] != ident(who):
            continue
        out.append(
            {
                "at": p.get("attributed_at") or p.get("missing_from"),
                "what": f"PROMPT: {p['prompt']}",
                "agency": None,
                "source_id": None,
                "record": "prompt",
                "id": p.get("phone") or p.get("episode"),
                "rule": p["rule"],
                "prompt": p["prompt"],
                "evidence": p["evidence"],
            }
        )
    for flag in found:
        out.append(
            {
                "at": flag.end.isoformat(),
                "what": f"FLAG: concerns recorded by {', '.join(sorted(flag.agencies))} "
                f"between {flag.start.date()} and {flag.end.date()}; no strategy meeting or referral followed within "
                f"{WINDOW_DAYS} days"
                + (
                    f" (referral {', '.join(flag.unreceived)} sent, no receipt recorded)"
                    if flag.unreceived
                    else ""
                ),
                "agency": None,
                "source_id": None,
                "record": "flag",
                "id": None,
                "flag": flag.as_json(),
            }
        )
    out.sort(key=lambda r: (r["at"] is None, r["at"] or "", r["record"] == "flag"))
    return out
