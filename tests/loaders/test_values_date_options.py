"""The one parser of dates people type in options: ISO and UK day-first, never US month-first."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import DateParseError, parse_date_option, parse_datetime_option, written_date
from loaders.values.dates import MONTH_ABBR

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(DAYS)
def test_iso_and_day_first_spellings_read_the_same_day(day: date) -> None:
    spellings = [
        day.isoformat(),
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.day}-{day.month}-{day.year}",
        f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}",
        f"  {day.isoformat()} ",
        f"{day.isoformat()}T00:00",
    ]
    for text in spellings:
        assert parse_date_option(text) == day, text


@given(DAYS)
def test_written_date_reads_back(day: date) -> None:
    text = written_date(day)
    assert text == f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"
    assert parse_date_option(text) == day


@given(DAYS.filter(lambda d: d.day > 12))
def test_month_first_is_never_guessed(day: date) -> None:
    """07/31/2011 read day first is month 31: refused, naming the month, never read as 31 July."""
    us = f"{day.month:02d}/{day.day:02d}/{day.year}"
    with pytest.raises(DateParseError, match=f"{day.day} is not a month"):
        parse_date_option(us)


@given(DAYS.filter(lambda d: d.day <= 12 and d.day != d.month))
def test_slashed_dates_are_day_first(day: date) -> None:
    assert parse_date_option(f"{day.day:02d}/{day.month:02d}/{day.year}") == day
    assert parse_date_option(f"{day.month:02d}/{day.day:02d}/{day.year}") == date(
        day.year, day.day, day.month
    )


@given(st.integers(1, 31), st.integers(1, 12), st.integers(0, 99))
def test_two_digit_years_are_ambiguous(day: int, month: int, year: int) -> None:
    with pytest.raises(DateParseError, match="ambiguous"):
        parse_date_option(f"{day:02d}/{month:02d}/{year:02d}")


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_reason(text: str) -> None:
    try:
        result = parse_datetime_option(text)
    except DateParseError as exc:
        assert "date" in str(exc) and repr(text) in str(exc)
    else:
        assert isinstance(result, datetime)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/07/2011", date(2011, 7, 8)),
        ("2011-07-08", date(2011, 7, 8)),
        ("2011-7-8", date(2011, 7, 8)),
        ("8 July 2011", date(2011, 7, 8)),
        ("8th Jul 2011", date(2011, 7, 8)),
        ("08-Jul-2011", date(2011, 7, 8)),
        ("31/12/2011", date(2011, 12, 31)),
        ("2011-07-08T23:30:00+01:00", date(2011, 7, 8)),
    ],
)
def test_examples(text: str, expected: date) -> None:
    assert parse_date_option(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("07/31/2011", "31 is not a month"),
        ("31/02/2011", "no day 31"),
        ("2011-02-30", "no day 30"),
        ("08/07/11", "ambiguous"),
        ("junk", "not a date"),
        ("", "blank"),
        ("   ", "blank"),
        ("2011-13-01", "13 is not a month"),
        ("8 Jly 2011", "'Jly' is not a month"),
        ("July 8 2011", "not a date"),
        ("08/07/2011 25:00", "not a time of day"),
        ("0000-01-01", "year 0"),
        ("20110708", "not a date"),
        ("2011-07-08; DROP", "not a date"),
    ],
)
def test_refusals_say_why(text: str, why: str) -> None:
    with pytest.raises(DateParseError, match=why):
        parse_date_option(text)


def test_times_are_kept_and_offsets_made_uk_local() -> None:
    assert parse_datetime_option("08/07/2011 18:30") == datetime(2011, 7, 8, 18, 30)
    assert parse_datetime_option("2011-07-08T17:30Z") == datetime(2011, 7, 8, 18, 30)  # BST
    assert written_date(datetime(2011, 7, 8, 18, 30)) == "8 Jul 2011 18:30"
    assert written_date(datetime(2011, 7, 8)) == "8 Jul 2011"
