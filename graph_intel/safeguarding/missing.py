"""Missing-episode triggers: when a strategy meeting is due because a child keeps going missing.

Rules (defaults from the source case, configurable through `MissingRules`):
- three_working_days: one episode lasting at least 72 hours counted only on working days, i.e.
  weekdays that are not England and Wales bank holidays (`holidays`, GB subdivision ENG);
- four_in_one_month: 4 separate episodes starting within one calendar month of any episode's start;
- six_in_two_months: 6 separate episodes starting within two calendar months of any start.

A calendar month from a start is `relativedelta(months=1)`: the same day of the next month, or
that month's last day when it has no such day (31 Jan -> 28 Feb, or 29 Feb in a leap year). The
window counts dates inclusively: an episode starting on the window's last day is inside it.
An episode with no end is still running at the as-of date, whose whole day counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import holidays
import pandas as pd
from dateutil.relativedelta import relativedelta

from graph_intel.resolution.clusters import canonical, representatives
from graph_intel.safeguarding.common import end_of_day, ident, iso, to_datetimes
from graph_intel.stores.base import GraphStore

THREE_WORKING_DAYS = "three_working_days"
FOUR_IN_ONE_MONTH = "four_in_one_month"
SIX_IN_TWO_MONTHS = "six_in_two_months"
#: The event kind of a missing episode.
MISSING_EPISODE = "missing_episode"


@dataclass(frozen=True)
class MissingRules:
    """The thresholds of the missing-episode triggers (defaults: the source case's rule)."""

    working_hours: float = 72.0
    count_rules: tuple[tuple[str, int, int], ...] = (
        (FOUR_IN_ONE_MONTH, 4, 1),
        (SIX_IN_TWO_MONTHS, 6, 2),
    )
    country: str = "GB"
    subdiv: str = "ENG"


@dataclass(frozen=True)
class Episode:
    """One missing episode of one child: event, start, end (None while running) and sources."""

    child: str
    event: str
    start: datetime
    end: datetime | None
    sources: tuple[str, ...] = field(default=())

    def until(self, as_of: datetime) -> datetime:
        """When the episode ends for counting: its end, or the as-of instant while running."""
        return min(self.end, as_of) if self.end is not None else as_of


@lru_cache(maxsize=32)
def _bank_holidays(country: str, subdiv: str, years: tuple[int, ...]) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=list(years)).keys())


def is_working_day(day: date, rules: MissingRules = MissingRules()) -> bool:
    """A weekday that is not a bank holiday of the rules' country and subdivision."""
    return day.weekday() < 5 and day not in _bank_holidays(rules.country, rules.subdiv, (day.year,))


def working_hours(start: datetime, end: datetime, rules: MissingRules = MissingRules()) -> float:
    """Hours between start and end that fall on working days."""
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day, rules):
            lo = max(start, datetime.combine(day, time()))
            hi = min(end, datetime.combine(day + timedelta(days=1), time()))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def episodes(store: GraphStore, as_of: date | None = None) -> dict[str, list[Episode]]:
    """Missing episodes per child key, oldest first (those starting after the as-of date left out)."""
    # The store finds the missing episodes by kind; only they and their participations are read.
    events = store.events([MISSING_EPISODE], columns=["kind", "started_at", "ended_at", "sources"])
    parts = (
        store.links("PARTICIPATED_IN", to_keys=list(events["key"])) if not events.empty else None
    )
    if parts is None or parts.empty:
        return {}
    parts = parts[(parts["from_entity"] == "Person") & (parts["role"] == "subject")]
    info = events.set_index("key")
    limit = end_of_day(as_of) if as_of is not None else None
    # Records judged to be one child (graph_intel.resolution) count as one child: their episodes
    # add up, and an episode named under two of the records counts once.
    pairs = pd.DataFrame(
        {"child": canonical(parts["from_key"], representatives(store)), "event": parts["to_key"]}
    )
    pairs = pairs.drop_duplicates()
    # each pair's event looked up once for all pairs (one `.loc` per pair took seconds at scale)
    found = pairs.join(info[["started_at", "ended_at", "sources"]], on="event")
    out: dict[str, list[Episode]] = {}
    for child, event, start, end, sources in zip(
        found["child"].tolist(),
        found["event"].tolist(),
        to_datetimes(found["started_at"]),
        to_datetimes(found["ended_at"]),
        found["sources"].tolist(),
        strict=True,
    ):
        if start is None or (limit is not None and start >= limit):
            continue
        if end is not None and limit is not None and end >= limit:
            end = None  # not yet over at the as-of date
        out.setdefault(child, []).append(Episode(child, event, start, end, tuple(sources or ())))
    for items in out.values():
        items.sort(key=lambda e: (e.start, e.event))
    return out


def within_months(starts: list[datetime], months: int) -> list[list[int]]:
    """For each start (sorted), the indices of it and the later starts dated on or before it + `months`."""
    out = []
    for i, first in enumerate(starts):
        last_day = first.date() + relativedelta(months=months)
        out.append([j for j in range(i, len(starts)) if starts[j].date() <= last_day])
    return out


def rules_met(
    items: list[Episode], as_of: datetime, rules: MissingRules = MissingRules()
) -> dict[str, list[Episode]]:
    """The rules a child's episodes meet, each with the episodes behind it."""
    met: dict[str, list[Episode]] = {}
    long = [
        e for e in items if working_hours(e.start, e.until(as_of), rules) >= rules.working_hours
    ]
    if long:
        met[THREE_WORKING_DAYS] = long
    starts = [e.start for e in items]
    for name, count, months in rules.count_rules:
        best: list[int] = []
        for window in within_months(starts, months):
            if len(window) >= count and len(window) > len(best):
                best = window
        if best:
            met[name] = [items[j] for j in best]
    return met


def missing_triggers(
    store: GraphStore, as_of: date | None = None, rules: MissingRules = MissingRules()
) -> list[dict[str, Any]]:
    """Children for whom a strategy meeting is due under the missing rules, with the episodes behind each rule."""
    day = as_of or date.today()
    instant = end_of_day(day)
    out: list[dict[str, Any]] = []
    for child, items in episodes(store, day).items():
        met = rules_met(items, instant, rules)
        if not met:
            continue
        out.append(
            {
                "person_id": ident(child),
                "rules": list(met),
                "episodes": len(items),
                "as_of": day.isoformat(),
                "behind": {
                    name: [episode_json(e, instant, rules) for e in eps]
                    for name, eps in met.items()
                },
                "prompt": "strategy meeting due: check and record the decision",
            }
        )
    out.sort(key=lambda r: str(r["person_id"]))
    return out


def episode_json(
    e: Episode, as_of: datetime, rules: MissingRules = MissingRules()
) -> dict[str, Any]:
    """One episode as JSON: event id, start, end (None while running), working hours so far."""
    return {
        "event_id": ident(e.event, "Event"),
        "start": iso(e.start),
        "end": iso(e.end),
        "ongoing": e.end is None,
        "working_hours": round(working_hours(e.start, e.until(as_of), rules), 2),
    }


def count_episodes(store: GraphStore, as_of: date | None = None) -> dict[str, int]:
    """Missing episodes per child id up to the as-of date."""
    return {ident(k): len(v) for k, v in episodes(store, as_of).items()}


def ongoing(store: GraphStore, as_of: date) -> dict[str, list[str]]:
    """Event ids of the episodes still running at the as-of date, per child id."""
    return {
        ident(k): [ident(e.event, "Event") for e in v if e.end is None]
        for k, v in episodes(store, as_of).items()
        if any(e.end is None for e in v)
    }
