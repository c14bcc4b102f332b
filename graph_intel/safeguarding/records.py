"""The safeguarding record read back: referrals, school, health, gifts, allocations, risk assessments.

Each record kind is an entity of the schema with its own canonical file (pole.yaml `file`); the
child it concerns is its `concerns` link (a gift's giver its `given_by` link). Records of persons
judged to be one child (graph_intel.resolution) are read as that child's. A record becomes evidence
as a small JSON item naming what it is, its id, its date and its source's agency, reference and grading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from graph_intel.resolution.clusters import canonical, representatives
from graph_intel.safeguarding.common import CONCERN_EVENTS, Sources, ident, iso, to_datetime
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore

#: A school attendance below this percentage is a concern; configurable.
ATTENDANCE_CONCERN_PCT = 80.0
#: How a school records an absence that is a concern whatever the percentage.
ABSENCE_CONCERNS = ("temporarily_absent", "missing_education")


def person_column(column: str) -> str:
    """The frame column holding the person key a record column names (child_id -> child_key)."""
    return column.removesuffix("_id") + "_key"


def records(store: GraphStore, entity: str, reps: dict[str, str] | None = None) -> pd.DataFrame:
    """Every record of one kind, with the key of each person it names (`child_key`, `giver_key`)."""
    spec = schema().entity(entity)
    frame = store.nodes(entity)
    wanted = [person_column(c) for c in spec.person_links]
    if frame.empty:
        return pd.DataFrame(columns=[*frame.columns, *wanted])
    reps = representatives(store) if reps is None else reps
    for column, link in spec.person_links.items():
        links = store.links(link, from_keys=list(frame["key"]))
        links = links[links["from_entity"] == entity] if not links.empty else links
        ends = (
            dict(zip(links["from_key"], canonical(links["to_key"], reps), strict=True))
            if not links.empty
            else {}
        )
        frame[person_column(column)] = frame["key"].map(ends)
    return frame


def when(row: dict[str, Any], entity: str) -> datetime | None:
    """The date a record is dated by (pole.yaml `dated_by`), else its first_seen."""
    spec = schema().entity(entity)
    value = row.get(spec.dated_by) if spec.dated_by else None
    return to_datetime(value) or to_datetime(row.get("first_seen"))


def item(
    row: dict[str, Any], entity: str, sources: Sources, what: str, at: datetime | None = None
) -> dict[str, Any]:
    """One record as a piece of evidence: what it is, its id, date, agency, reference and grading."""
    src = sources.info(row.get("sources"))
    return {
        "record": schema().entity(entity).cli,
        "id": ident(str(row["key"]), entity),
        "at": iso(at or when(row, entity)),
        "what": what,
        "agency": src.agency,
        "source_id": src.source_id,
        "reference": src.reference,
        "grading": src.grading,
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def describe(row: dict[str, Any], entity: str) -> str:
    """A record in words, as a chronology line reads it."""
    if entity == "Referral":
        kind = str(row.get("kind") or "referral").replace("_", " ")
        text = f"{kind} from {row.get('from_agency') or 'unknown agency'} to {row.get('to_agency') or 'unknown agency'}"
        if _text(row.get("to_contact")):
            text += f" ({row['to_contact']})"
        if _text(row.get("summary")):
            text += f": {row['summary']}"
        return text
    if entity == "SchoolRecord":
        if row.get("kind") == "exclusion":
            days = _num(row.get("exclusion_days"))
            text = f"{str(row.get('exclusion_type') or '').replace('_', ' ')} exclusion".strip()
            text += f" of {days:g} days" if days is not None else ""
            return text + (f": {row['reason']}" if _text(row.get("reason")) else "")
        pct = _num(row.get("attendance_pct"))
        text = f"school attendance {pct:g}%" if pct is not None else "school attendance"
        start, end = iso(row.get("period_start")), iso(row.get("period_end"))
        text += f" from {start[:10] if start else '?'}" + (f" to {end[:10]}" if end else "")
        unauth = _num(row.get("unauthorised_sessions"))
        if unauth is not None:
            text += f", {unauth:g} unauthorised sessions"
        if _text(row.get("recorded_as")) and row["recorded_as"] != "attending":
            text += f", recorded as {row['recorded_as'].replace('_', ' ')}"
        return text + (f" ({row['school']})" if _text(row.get("school")) else "")
    if entity == "HealthAttendance":
        kind = {
            "a_and_e": "A&E attendance",
            "ambulance": "ambulance call-out",
            "gp": "GP attendance",
            "sexual_health": "sexual health attendance",
        }.get(str(row.get("kind")), "health attendance")
        text = kind + (f": {row['summary']}" if _text(row.get("summary")) else "")
        shared = row.get("shared_with")
        shared = list(shared) if shared is not None and not isinstance(shared, float) else []
        return text + (
            f"; shared with {', '.join(shared)}" if shared else "; shared with no other agency"
        )
    if entity == "Gift":
        kind = str(row.get("kind") or "gift").replace("_", " ")
        giver = (
            ident(row["giver_key"])
            if isinstance(row.get("giver_key"), str)
            else _text(row.get("giver"))
        )
        value = _num(row.get("value_gbp"))
        text = (
            f"gift: {kind}"
            + (f" (£{value:g})" if value is not None else "")
            + (f" from {giver}" if giver else "")
        )
        return text + (f": {row['summary']}" if _text(row.get("summary")) else "")
    if entity == "Allocation":
        to = iso(row.get("to_date"))
        return (
            f"allocated {row.get('role') or 'professional'} {row.get('worker') or ''} ({row.get('agency') or 'agency unknown'})".replace(
                "  ", " "
            )
            + (f" until {to[:10]}" if to else "")
        )
    if entity == "RiskAssessment":
        indicators = row.get("indicators")
        indicators = (
            list(indicators) if indicators is not None and not isinstance(indicators, float) else []
        )
        return (
            f"CSE risk assessment: {row.get('level') or 'level not recorded'} by {row.get('assessor') or 'assessor not recorded'}"
            + (f"; indicators: {', '.join(indicators)}" if indicators else "")
        )
    return schema().entity(entity).cli


def is_concern(
    row: dict[str, Any], entity: str, attendance_pct: float = ATTENDANCE_CONCERN_PCT
) -> bool:
    """Whether a child-side record is a concern: a health attendance, a gift, an exclusion, an attendance drop."""
    if entity in ("HealthAttendance", "Gift"):
        return True
    if entity == "SchoolRecord":
        if row.get("kind") == "exclusion" or row.get("recorded_as") in ABSENCE_CONCERNS:
            return True
        pct = _num(row.get("attendance_pct"))
        return pct is not None and pct < attendance_pct
    return False


#: The child-side record kinds that can be concerns.
CONCERN_RECORDS = ("SchoolRecord", "HealthAttendance", "Gift")


@dataclass(frozen=True)
class Concern:
    """One recorded concern about a child: when, which agencies recorded it, and its evidence item."""

    at: datetime
    agencies: tuple[str, ...]
    evidence: dict[str, Any]


def concerns(
    store: GraphStore,
    child: str,
    sources: Sources,
    reps: dict[str, str] | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> list[Concern]:
    """Concerns about one child (a canonical key): concern events they took part in, and child-side records."""
    reps = representatives(store) if reps is None else reps
    keys = [k for k, r in reps.items() if r == child] or [child]
    out: list[Concern] = []
    parts = store.links("PARTICIPATED_IN", from_keys=keys)
    if not parts.empty:
        events = store.nodes(
            "Event",
            keys=sorted(set(parts["to_key"])),
            columns=["kind", "started_at", "summary", "sources"],
        )
        for ev in events.to_dict("records"):
            at = to_datetime(ev["started_at"])
            if ev["kind"] not in CONCERN_EVENTS or at is None:
                continue
            src = sources.info(ev["sources"])
            summary = ev["summary"] if isinstance(ev["summary"], str) else ""
            out.append(
                Concern(
                    at,
                    tuple(sources.agencies(ev["sources"])),
                    {
                        "record": "event",
                        "id": ident(str(ev["key"]), "Event"),
                        "at": iso(at),
                        "what": f"{ev['kind']}: {summary}".rstrip(": "),
                        "agency": src.agency,
                        "source_id": src.source_id,
                        "reference": src.reference,
                        "grading": src.grading,
                    },
                )
            )
    for entity in CONCERN_RECORDS:
        frame = (
            frames[entity]
            if frames is not None and entity in frames
            else records(store, entity, reps)
        )
        mine = frame[frame["child_key"] == child] if not frame.empty else frame
        for row in mine.to_dict("records"):
            at = when(row, entity)
            if at is None or not is_concern(row, entity):
                continue
            out.append(
                Concern(
                    at,
                    tuple(sources.agencies(row["sources"])),
                    item(row, entity, sources, describe(row, entity), at),
                )
            )
    out.sort(key=lambda c: (c.at, c.evidence["id"]))
    return out


def on_or_before(value: Any, day: date) -> bool:
    """Whether a recorded date or time falls on or before a day (blank: False)."""
    at = to_datetime(value)
    return at is not None and at.date() <= day
