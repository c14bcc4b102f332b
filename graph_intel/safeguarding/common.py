"""Helpers the safeguarding modules share: persons, sources, dates and how JSON names things."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from graph_intel.grading import grading_label
from graph_intel.refs import resolve, split_key
from graph_intel.stores.base import GraphStore
from loaders.values.dates import parse_date_option

#: Event kinds that record a concern about a child (chronology flags).
CONCERN_EVENTS = ("sighting", "incident", "missing_episode", "arrest")
#: Event kinds that act on a concern (a strategy meeting or a referral).
ACTION_EVENTS = ("strategy_meeting", "referral", "child_protection_conference")


def to_date(value: Any) -> date | None:
    """A date from a date, datetime, timestamp or ISO string; None for blanks."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if value else None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def to_datetime(value: Any) -> datetime | None:
    """A naive datetime from a timestamp, datetime, date or ISO string; None for blanks."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value) if value else None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def to_datetimes(values: pd.Series) -> list[datetime | None]:
    """to_datetime() of every value of a column: a naive datetime64 column converted whole."""
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return list(values.to_numpy(dtype="datetime64[us]").tolist())
    return [to_datetime(v) for v in values.tolist()]


def end_of_day(day: date) -> datetime:
    """The first instant after `day` (an as-of date counts the whole day)."""
    return datetime.combine(day + timedelta(days=1), time())


def iso(value: Any) -> str | None:
    """ISO 8601 text of a date or time (seconds precision), None for blanks."""
    when = to_datetime(value)
    return when.isoformat() if when is not None else None


def people_date(value: Any) -> str | None:
    """A date as people write it, '8 Jul 2011' (a time of day after it when it has one: '8 Jul 2011 21:30')."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.day} {value.strftime('%b %Y')}"
    when = to_datetime(value)
    if when is None:
        return None
    text = f"{when.day} {when.strftime('%b %Y')}"
    timed = not (isinstance(value, str) and len(value) <= 10) and (
        when.hour,
        when.minute,
        when.second,
    ) != (0, 0, 0)
    return text + (f" {when.strftime('%H:%M')}" if timed else "")


def parse_day(text: str | date | None, default: date | None = None) -> date:
    """A date option (ISO or UK day-first, loaders.values.dates.parse_date_option) or the default (today).

    A date that is not one, or ambiguous, is a DateParseError (a ValueError) saying why.
    """
    if text is None or text == "":
        return default or date.today()
    return parse_date_option(text)


def ident(key: str, entity: str = "Person") -> str:
    """The contract id of a stored key (the dataset prefix dropped)."""
    return split_key(key, entity)[1]


def initials(given: Any, family: Any) -> str:
    """'J.B.' from given and family names; '' when neither is known."""
    parts = [str(p).strip() for p in (given, family) if isinstance(p, str) and p.strip()]
    return "".join(p[0].upper() + "." for p in parts)


@dataclass(frozen=True)
class SourceInfo:
    """What a fact's first source says: id, agency, reference, grading."""

    source_id: str | None
    agency: str | None
    reference: str | None
    grading: str | None
    recorded_at: str | None


class Sources:
    """Lookup of Source records by key, picking a fact's most telling source.

    Records are read by key as the facts name them, and kept (`preload` reads a whole frame's in
    one go): the whole Source kind, every dataset's, is never read.
    """

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.rows: dict[str, dict[str, Any] | None] = {}

    def preload(self, values: Iterable[Any]) -> Sources:
        """Read in one go the Source records named in `values` (each a fact's list of source keys)."""
        self._want(k for value in values for k in _listed(value))
        return self

    def _want(self, keys: Iterable[Any]) -> None:
        missing = sorted({str(k) for k in keys} - self.rows.keys())
        if not missing:
            return
        self.rows.update(dict.fromkeys(missing))
        for row in self.store.nodes("Source", keys=missing).to_dict("records"):
            row["grading"] = grading_label(
                row["scheme"], row["source_eval"], row["intel_eval"], row["handling"]
            )
            self.rows[str(row["key"])] = row

    def info(self, keys: Any) -> SourceInfo:
        """The first named source among `keys` (a dataset's default `_default` last)."""
        items = _listed(keys)
        items.sort(key=lambda k: ident(k, "Source") == "_default")
        self._want(items)
        for key in items:
            row = self.rows.get(str(key))
            if row is not None:
                return SourceInfo(
                    ident(key, "Source"),
                    _text(row.get("agency")),
                    _text(row.get("reference")),
                    _text(row.get("grading")),
                    iso(row.get("recorded_at")),
                )
        return SourceInfo(ident(items[0], "Source") if items else None, None, None, None, None)

    def agencies(self, keys: Any) -> list[str]:
        """Distinct agencies of the sources among `keys` (the default source only if alone)."""
        items = _listed(keys)
        named = [k for k in items if ident(k, "Source") != "_default"] or items
        self._want(named)
        out: dict[str, None] = {}
        for key in named:
            row = self.rows.get(str(key))
            if row is not None:
                agency = _text(row.get("agency"))
                if agency:
                    out[agency] = None
        return list(out)


def _listed(keys: Any) -> list[Any]:
    """A fact's source keys as a list (none for a blank)."""
    return list(keys) if keys is not None and not isinstance(keys, float) else []


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def person_key(store: GraphStore, person: str) -> str:
    """The stored key of a person argument (`C1` or `DATASET:C1`)."""
    return resolve(store, "person", person)[1]
