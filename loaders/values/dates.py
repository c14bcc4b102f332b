"""ISO 8601 dates and datetimes, read as UK local wall-clock time (Europe/London), naive.

A value with an offset ('Z', '+01:00') is converted to Europe/London and made naive; a value
without one is taken as UK local time as written; a date alone means midnight.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.values.base import WHITESPACE

UK = ZoneInfo("Europe/London")

# The accepted grammar, shared by the scalar and vectorised paths so that they agree:
# YYYY-MM-DD, optionally [T or space]HH:MM[:SS[.ffffff]], optionally Z or ±HH[[:]MM].
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME = r"[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)"
DATE_RE = re.compile(_DATE)
DATETIME_RE = re.compile(rf"{_DATE}(?:{_TIME}{_OFFSET}?)?")
OFFSET_RE = re.compile(rf"{_TIME}{_OFFSET}$")

DATE_EXPECTED = "expected YYYY-MM-DD, e.g. 2011-06-20"
DATETIME_EXPECTED = (
    "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] with an optional offset such as Z or +01:00, "
    "e.g. 2011-06-20T19:50:00"
)


class DateParseError(ValueError):
    """A value that is not an ISO 8601 date or datetime; the message says what is expected."""


@lru_cache(maxsize=1_048_576)
def _datetime_or_error(text: str) -> datetime | str:
    """Parse one stripped string to a naive UK-local datetime, or return why it failed."""
    if not DATETIME_RE.fullmatch(text):
        return "not ISO 8601"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        return f"not a real date or time ({exc})"
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UK).replace(tzinfo=None)
    return parsed


def parse_datetime(raw: str) -> datetime:
    """Parse an ISO 8601 date or datetime to a naive UK-local datetime (a date means midnight).

    Raises DateParseError, saying what was wrong and what is expected, for blank or bad input.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise DateParseError(f"{raw!r} is blank, not an ISO 8601 datetime ({DATETIME_EXPECTED})")
    result = _datetime_or_error(text)
    if isinstance(result, str):
        raise DateParseError(f"{raw!r} is not an ISO 8601 datetime: {result} ({DATETIME_EXPECTED})")
    return result


def parse_date(raw: str) -> date:
    """Parse an ISO 8601 date (or a datetime, taking its UK-local date).

    Raises DateParseError, saying what was wrong and what is expected, for blank or bad input.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise DateParseError(f"{raw!r} is blank, not an ISO 8601 date ({DATE_EXPECTED})")
    result = _datetime_or_error(text)
    if isinstance(result, str):
        if result == "not ISO 8601":
            raise DateParseError(f"{raw!r} is not an ISO 8601 date ({DATE_EXPECTED})")
        raise DateParseError(f"{raw!r} is not an ISO 8601 date: {result} ({DATE_EXPECTED})")
    return result.date()


def _factorized_text(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct stripped texts of a column (-1 for blank/NaN/None).

    Only distinct values are cleaned: a date column of a million rows holds far fewer dates.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    if (
        pd.api.types.infer_dtype(uniques, skipna=False) == "string"
    ):  # all text: strip in one Arrow pass
        text = pa.array(uniques, type=pa.string())
        stripped = pc.utf8_trim(text, WHITESPACE)
        if not pc.any(pc.or_(pc.not_equal(stripped, text), pc.equal(stripped, ""))).as_py():
            return codes, list(uniques)  # nothing to strip and nothing blank: the codes stand
        cleaned_list: list[str | None] = [c or None for c in stripped.to_pylist()]
    else:
        cleaned_list = [
            None
            if u is None or (not isinstance(u, str) and pd.isna(u))
            else (str(u).strip() or None)
            for u in uniques
        ]
    again, texts = pd.factorize(pd.Series(cleaned_list, dtype=object), use_na_sentinel=True)
    final = np.where(codes < 0, -1, again[np.maximum(codes, 0)]) if len(again) else codes
    return final, list(texts)


def _matches(texts: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False), dtype=bool
    )


def parse_datetime_series(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised parse_datetime: (datetime64[us] naive UK-local, NaT when blank or bad; bad mask).

    Each distinct value is parsed once; the grammar is checked by Arrow's regex kernels, values
    without an offset go through Arrow's (else pandas') ISO 8601 parser in one call, and values
    with an offset are converted individually.
    """
    codes, uniques = _factorized_text(s)
    texts = pa.array(uniques, type=pa.string())
    parsed_unique = np.full(len(uniques), np.datetime64("NaT", "us"), dtype="datetime64[us]")
    if len(uniques):
        grammar_ok = _matches(texts, f"^{DATETIME_RE.pattern}$")
        has_offset = _matches(texts, OFFSET_RE.pattern)
        plain = (
            grammar_ok & ~has_offset & ~_matches(texts, "^0000-")
        )  # year 0 is no year (as in datetime)
        if plain.any():
            parsed_unique[plain] = _iso_plain(texts.filter(pa.array(plain)))
        offset = grammar_ok & has_offset
        if offset.any():
            results = [_datetime_or_error(t) for t in texts.filter(pa.array(offset)).to_pylist()]
            parsed_unique[offset] = pd.Series(
                [pd.NaT if isinstance(r, str) else r for r in results], dtype="datetime64[us]"
            ).to_numpy()
    n = len(parsed_unique)
    table = np.append(parsed_unique, np.datetime64("NaT", "us"))
    bad_table = np.append(np.isnat(parsed_unique), False)
    idx = np.where(codes < 0, n, codes)
    values = pd.Series(table[idx], index=s.index, dtype="datetime64[us]")
    bad = pd.Series(bad_table[idx], index=s.index, dtype=bool)
    return values, bad


def _iso_plain(texts: pa.Array) -> np.ndarray:
    """Offset-free ISO 8601 texts (already checked against the grammar) to datetime64[us], NaT
    for impossible dates. Arrow's parser is the fast path; it refuses the whole array when any
    value is impossible (2011-02-30), and pandas then sorts them out one by one."""
    try:
        return (
            pc.cast(texts, pa.timestamp("us"))
            .to_numpy(zero_copy_only=False)
            .astype("datetime64[us]")
        )
    except pa.ArrowInvalid:
        parsed = pd.to_datetime(
            pd.Series(texts.to_pylist(), dtype=object), format="ISO8601", errors="coerce"
        )
        return parsed.to_numpy(dtype="datetime64[us]")


def parse_date_series(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised parse_date: (datetime64[us] at UK-local midnight, NaT when blank or bad; bad mask)."""
    values, bad = parse_datetime_series(s)
    return values.dt.normalize(), bad


# -- dates people type: every command's date options (CLI and API) ----------------------------------
#
# ISO (2011-07-08, 2011-7-8, 2011/07/08, with an optional time or offset) and UK day-first dates
# (08/07/2011, 8.7.2011, 8-7-2011, 8 Jul 2011, 8 July 2011) are read; day-first is the only reading
# of DD/MM/YYYY, so 07/31/2011 is refused (31 is not a month) and US month-first is never guessed.
# A two-digit year is ambiguous (08/07/11 may be 2011 or 2008 first) and refused.

OPTION_EXPECTED = (
    "give an ISO 8601 date, YYYY-MM-DD (2011-07-08), or the day first, DD/MM/YYYY (08/07/2011)"
)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_CLOCK = r"(?:(?:T|\s+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?"
_YEAR_FIRST = re.compile(
    rf"(?P<year>[0-9]{{4}})(?P<sep>[-/])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<day>[0-9]{{1,2}}){_CLOCK}"
)
_DAY_FIRST = re.compile(
    rf"(?P<day>[0-9]{{1,2}})(?P<sep>[/.-])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<year>[0-9]{{4}}){_CLOCK}"
)
_NAMED = re.compile(
    rf"(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+|-)(?P<name>[A-Za-z]+)\.?,?(?:\s+|-)(?P<year>[0-9]{{4}}){_CLOCK}",
    re.IGNORECASE,
)
_SHORT_YEAR = re.compile(
    r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}(?:\s.*)?|[0-9]{1,2}\s+[A-Za-z]+\.?\s+[0-9]{2}"
)


def _built(
    raw: str, year: int, month: int, day: int, found: re.Match[str], day_first: bool
) -> datetime:
    """The datetime of matched parts, or a DateParseError naming what is not real."""
    if year < 1:
        raise DateParseError(f"date {raw!r}: there is no year 0: {OPTION_EXPECTED}")
    if not 1 <= month <= 12:
        why = f"{month} is not a month"
        if day_first and 1 <= day <= 12:
            why += (
                f": dates are read day first (DD/MM/YYYY) and month-first US dates are never guessed; "
                f"for {month} {MONTH_ABBR[day - 1]} {year} write {month:02d}/{day:02d}/{year} or "
                f"{year}-{day:02d}-{month:02d}"
            )
        raise DateParseError(f"date {raw!r}: {why}")
    hour, minute, second = (int(found[g]) if found[g] else 0 for g in ("hour", "minute", "second"))
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
            raise DateParseError(
                f"date {raw!r}: {hour:02d}:{minute:02d}:{second:02d} is not a time of day"
            ) from None
        raise DateParseError(
            f"date {raw!r}: {MONTH_ABBR[month - 1]} {year} has no day {day}"
        ) from None


def parse_datetime_option(raw: str | date) -> datetime:
    """A date (or date and time) a person typed in a command's option, as a naive UK-local datetime.

    ISO 8601 and UK day-first dates are read (see above); anything else, anything ambiguous and
    anything not a real date is a DateParseError saying why and what to write instead.
    """
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime.combine(raw, datetime.min.time())
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise DateParseError(f"date {raw!r} is blank: {OPTION_EXPECTED}")
    if DATETIME_RE.fullmatch(
        text
    ):  # strict ISO 8601, offsets included: the canonical files' grammar
        result = _datetime_or_error(text)
        if isinstance(result, datetime):
            return result
    for pattern, day_first in ((_YEAR_FIRST, False), (_DAY_FIRST, True)):
        found = pattern.fullmatch(text)
        if found:
            return _built(
                raw, int(found["year"]), int(found["month"]), int(found["day"]), found, day_first
            )
    named = _NAMED.fullmatch(text)
    if named:
        month = MONTHS.get(named["name"].lower())
        if month is None:
            raise DateParseError(
                f"date {raw!r}: {named['name']!r} is not a month: {OPTION_EXPECTED}"
            )
        return _built(raw, int(named["year"]), month, int(named["day"]), named, True)
    if _SHORT_YEAR.fullmatch(text):
        raise DateParseError(
            f"date {raw!r} is ambiguous: write the year in full ({OPTION_EXPECTED})"
        )
    raise DateParseError(f"date {raw!r} is not a date this tool reads: {OPTION_EXPECTED}")


def utc_option(raw: str) -> str:
    """A time a person typed to filter times kept in UTC (the audit's since/until), as UTC ISO text.

    Read by parse_datetime_option (ISO 8601 or UK day first; ambiguous or unreadable is a
    DateParseError); a time with an offset is the instant it names, converted to UTC; one without is
    taken as UTC already.
    """
    from datetime import UTC

    parsed = parse_datetime_option(raw)
    if OFFSET_RE.search(raw.strip()):
        parsed = datetime.fromisoformat(raw.strip()).astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def parse_date_option(raw: str | date) -> date:
    """A date a person typed in a command's option (--on, --as-of, --since ...): see parse_datetime_option."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return parse_datetime_option(raw).date()


def written_date(value: date | datetime) -> str:
    """A date as people read it, unambiguous in any country: '8 Jul 2011' ('8 Jul 2011 18:30' with a time)."""
    text = f"{value.day} {MONTH_ABBR[value.month - 1]} {value.year}"
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text
