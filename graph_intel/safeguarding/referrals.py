"""Referrals and requests between agencies: which went unanswered, which refusals to question, who to chase.

A referral record (referrals.csv) says who sent what to whom about which child, when, whether its
receipt is recorded, and what came of it. Three prompts, each naming who to chase, with its evidence:
- unanswered: its due date has passed and, by the as-of date, no receipt or no response is recorded
  (an outcome of `no_response` is no response). The due date is the record's own `due`, or
  `sent_at` plus the kind's working days (weekdays that are not England and Wales bank holidays,
  as the missing rules count them; a request sent on a non-working day counts from the next).
- refused_no_new_information: a refusal whose reason says there was no new information, while an
  agency other than the one refusing recorded a concern about the child in the preceding 30 days
  (concern events, health attendances, gifts, exclusions, attendance drops; see records.py).
- meeting_not_held: a request for a strategy meeting or a child protection conference, past its due
  date, with no such meeting about the child held on or after it was sent.
Facts recorded after the as-of date are not known on it. Every prompt is for a professional to
judge: the tool decides nothing and escalates nothing itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.common import Sources, end_of_day, ident, iso, to_date, to_datetime
from graph_intel.safeguarding.missing import MissingRules, is_working_day
from graph_intel.safeguarding.records import Concern, concerns, describe, item, records
from graph_intel.stores.base import GraphStore

UNANSWERED = "unanswered"
REFUSED_NO_NEW_INFORMATION = "refused_no_new_information"
MEETING_NOT_HELD = "meeting_not_held"
#: Event kinds that are a meeting held about a child.
MEETING_EVENTS = ("strategy_meeting", "child_protection_conference")
#: Request kinds that ask for a meeting.
MEETING_REQUESTS = ("strategy_meeting_request", "conference_request")


@dataclass(frozen=True)
class ReferralRules:
    """The thresholds of the referral prompts (documented defaults; configurable)."""

    #: Working days a response is due in, per kind, when the record gives no due date: a decision on
    #: a referral within one working day; a strategy meeting within three; an information request
    #: within five; an initial child protection conference within fifteen.
    due_working_days: dict[str, int] = field(
        default_factory=lambda: {
            "referral": 1,
            "strategy_meeting_request": 3,
            "information_request": 5,
            "conference_request": 15,
        }
    )
    #: Days before a refusal in which another agency's concern is new information.
    new_information_days: int = 30
    #: How a refusal's reason says there was no new information (case-insensitive regular expressions).
    no_new_information: tuple[str, ...] = (
        r"no\s+new\s+information",
        r"nothing\s+new",
        r"no\s+new\s+concerns?",
    )
    calendar: MissingRules = MissingRules()


def add_working_days(start: date, days: int, rules: MissingRules | None = None) -> date:
    """The date `days` working days after `start` (weekends and E&W bank holidays skipped)."""
    rules = rules or MissingRules()
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, rules):
            left -= 1
    return day


def due_date(
    row: dict[str, Any], rules: ReferralRules = ReferralRules()
) -> tuple[date | None, bool]:
    """A referral's due date and whether it was computed (True) rather than recorded."""
    recorded = to_date(row.get("due"))
    if recorded is not None:
        return recorded, False
    sent = to_date(row.get("sent_at"))
    if sent is None:
        return None, True
    days = rules.due_working_days.get(
        str(row.get("kind") or "referral"), rules.due_working_days["referral"]
    )
    return add_working_days(sent, days, rules.calendar), True


def _known(value: Any, limit: datetime) -> datetime | None:
    """A recorded time if it is known by the as-of instant."""
    at = to_datetime(value)
    return at if at is not None and at < limit else None


def received_by(row: dict[str, Any], limit: datetime) -> bool:
    """Whether receipt is recorded (received yes, dated before the limit when dated)."""
    if row.get("received") != "yes":
        return False
    at = to_datetime(row.get("received_at"))
    return at is None or at < limit


def responded_by(row: dict[str, Any], limit: datetime) -> bool:
    """Whether a response (accepted or refused) is recorded before the limit."""
    if row.get("outcome") not in ("accepted", "refused"):
        return False
    at = to_datetime(row.get("responded_at"))
    return at is None or at < limit


def says_no_new_information(reason: Any, rules: ReferralRules = ReferralRules()) -> bool:
    """Whether a refusal's reason is that there was no new information."""
    return isinstance(reason, str) and any(
        re.search(p, reason, re.IGNORECASE) for p in rules.no_new_information
    )


def _chase(row: dict[str, Any]) -> str:
    contact = row.get("to_contact")
    agency = row.get("to_agency") or "the receiving agency"
    return f"{contact} ({agency})" if isinstance(contact, str) and contact else str(agency)


def _meetings(
    store: GraphStore, reps: dict[str, str]
) -> dict[str, list[tuple[datetime, dict[str, Any]]]]:
    """Meetings held (strategy meetings, conferences) per child key, with their event."""
    events = store.events(
        list(MEETING_EVENTS), columns=["kind", "started_at", "summary", "sources"]
    )
    if events.empty:
        return {}
    parts = store.links("PARTICIPATED_IN", to_keys=list(events["key"]))
    parts = parts[parts["from_entity"] == "Person"] if not parts.empty else parts
    info = events.set_index("key")
    out: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
    for person, event in (
        zip(parts["from_key"], parts["to_key"], strict=True) if not parts.empty else []
    ):
        at = to_datetime(info.loc[event, "started_at"])
        if at is not None:
            out.setdefault(reps.get(person, person), []).append(
                (at, {"key": event, **info.loc[event].to_dict()})
            )
    return out


def referral_prompts(
    store: GraphStore, on: date | None = None, rules: ReferralRules = ReferralRules()
) -> list[dict[str, Any]]:
    """Escalation prompts on a date: unanswered referrals, refusals despite new information, meetings not held."""
    day = on or date.today()
    limit = end_of_day(day)
    reps = representatives(store)
    frame = records(store, "Referral", reps)
    if frame.empty:
        return []
    sources = Sources(store).preload(frame["sources"])
    meetings: dict[str, list[tuple[datetime, dict[str, Any]]]] | None = None
    child_concerns: dict[str, list[Concern]] = {}
    out: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        sent = to_datetime(row.get("sent_at"))
        child = row.get("child_key")
        if sent is None or sent >= limit or not isinstance(child, str):
            continue
        due, computed = due_date(row, rules)
        evidence = [item(row, "Referral", sources, describe(row, "Referral"), sent)]
        base = {
            "child": ident(child),
            "referral": ident(str(row["key"]), "Referral"),
            "kind": row.get("kind"),
            "from_agency": row.get("from_agency"),
            "to_agency": row.get("to_agency"),
            "sent_at": iso(sent),
            "due": due.isoformat() if due else None,
            "due_computed": computed,
            "chase": _chase(row),
            "escalate_by": row.get("from_agency"),
            "on": day.isoformat(),
        }
        overdue = due is not None and due < day
        if due is not None and overdue:
            received, responded = received_by(row, limit), responded_by(row, limit)
            if not received or not responded:
                missing = [
                    w
                    for w, ok in (
                        ("no receipt recorded", received),
                        ("no response recorded", responded),
                    )
                    if not ok
                ]
                out.append(
                    {
                        **base,
                        "rule": UNANSWERED,
                        "missing": missing,
                        "evidence": evidence,
                        "prompt": f"{'; '.join(missing)} by {due.isoformat()}: chase {_chase(row)} and consider escalating",
                    }
                )
        if (
            row.get("outcome") == "refused"
            and responded_by(row, limit)
            and says_no_new_information(row.get("reason"), rules)
        ):
            at = _known(row.get("responded_at"), limit) or sent
            if child not in child_concerns:
                child_concerns[child] = concerns(store, child, sources, reps)
            window = at - timedelta(days=rules.new_information_days)
            new = [
                c
                for c in child_concerns[child]
                if window <= c.at <= at and any(a != row.get("to_agency") for a in c.agencies)
            ]
            if new:
                agencies = sorted({a for c in new for a in c.agencies if a != row.get("to_agency")})
                out.append(
                    {
                        **base,
                        "rule": REFUSED_NO_NEW_INFORMATION,
                        "refused_at": iso(at),
                        "reason": row.get("reason"),
                        "new_information_from": agencies,
                        "evidence": evidence + [c.evidence for c in new],
                        "prompt": f"refused for no new information while {', '.join(agencies)} recorded new concerns in the "
                        f"{rules.new_information_days} days before: share them with {_chase(row)} and consider escalating",
                    }
                )
        if row.get("kind") in MEETING_REQUESTS and overdue and row.get("outcome") != "refused":
            if meetings is None:
                meetings = _meetings(store, reps)
            held = [m for at, m in meetings.get(child, []) if sent <= at < limit]
            if not held:
                out.append(
                    {
                        **base,
                        "rule": MEETING_NOT_HELD,
                        "evidence": evidence,
                        "prompt": f"{str(row.get('kind')).replace('_', ' ')} sent {sent.date()} and no meeting held by "
                        f"{day.isoformat()}: chase {_chase(row)} and consider escalating",
                    }
                )
    out.sort(key=lambda p: (p["child"], p["sent_at"] or "", p["referral"], p["rule"]))
    return out
