"""Property and example tests for ISO 8601 date and datetime parsing (UK local time)."""

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import (
    DateParseError,
    parse_date,
    parse_date_series,
    parse_datetime,
    parse_datetime_series,
)
from loaders.values.dates import UK

DATETIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31))
OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def spell(dt: datetime, tz: timezone | None, style: int) -> str:
    """Write a datetime in one of the accepted ISO 8601 spellings."""
    base = dt.replace(microsecond=0) if style else dt
    text = base.isoformat(sep="T" if style % 2 == 0 else " ")
    if tz is not None:
        text = base.replace(tzinfo=tz).isoformat(sep="T" if style % 2 == 0 else " ")
        if tz.utcoffset(None) == timedelta(0) and style == 2:
            text = text[: -len("+00:00")] + "Z"
    return text


@given(DATETIMES)
def test_naive_round_trip(dt: datetime) -> None:
    assert parse_datetime(dt.isoformat()) == dt
    assert parse_datetime(dt.isoformat(sep=" ")) == dt
    assert parse_date(dt.date().isoformat()) == dt.date()
    assert parse_datetime(dt.date().isoformat()) == datetime.combine(dt.date(), datetime.min.time())


@given(DATETIMES, OFFSETS)
def test_offset_converted_to_uk_local(dt: datetime, tz: timezone) -> None:
    aware = dt.replace(tzinfo=tz)
    expected = aware.astimezone(UK).replace(tzinfo=None)
    assert parse_datetime(aware.isoformat()) == expected
    assert parse_date(aware.isoformat()) == expected.date()


def test_bst_boundary() -> None:
    assert parse_datetime("2011-06-20T18:50:00Z") == datetime(2011, 6, 20, 19, 50)
    assert parse_datetime("2011-06-20T19:50:00+01:00") == datetime(2011, 6, 20, 19, 50)
    assert parse_datetime("2011-12-20T18:50:00Z") == datetime(2011, 12, 20, 18, 50)
    # Clocks went forward at 01:00 UTC on 27 March 2011.
    assert parse_datetime("2011-03-27T00:59:00Z") == datetime(2011, 3, 27, 0, 59)
    assert parse_datetime("2011-03-27T01:00:00Z") == datetime(2011, 3, 27, 2, 0)
    assert parse_datetime("2011-06-20T19:50:00") == datetime(2011, 6, 20, 19, 50)
    assert parse_date("2011-06-20T23:30:00Z") == date(2011, 6, 21)


@pytest.mark.parametrize(
    "raw",
    [
        "20/06/2011",
        "2011-6-20",
        "2011-02-30",
        "2011-06-20T25:00",
        "June 20 2011",
        "2011-06-20Z",
        "20110620",
        "2011-06-20T19:50:00+25:00",
        "x",
        "2011-13-01",
    ],
)
def test_bad_formats_raise_with_value(raw: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(raw)
    assert repr(raw) in str(info.value) and "YYYY-MM-DD" in str(info.value)
    with pytest.raises(DateParseError) as info:
        parse_datetime(raw)
    assert repr(raw) in str(info.value) and "YYYY-MM-DD" in str(info.value)


def test_message_example_and_blank() -> None:
    with pytest.raises(
        DateParseError,
        match=r"'20/06/2011' is not an ISO 8601 date \(expected YYYY-MM-DD, e.g. 2011-06-20\)",
    ):
        parse_date("20/06/2011")
    for blank in ["", "  "]:
        with pytest.raises(DateParseError):
            parse_date(blank)
        with pytest.raises(DateParseError):
            parse_datetime(blank)
    assert issubclass(DateParseError, ValueError)


@given(st.text())
def test_arbitrary_text_parses_or_raises_date_parse_error(raw: str) -> None:
    for fn in (parse_date, parse_datetime):
        try:
            fn(raw)
        except DateParseError:
            pass


INPUTS = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.builds(spell, DATETIMES, st.one_of(st.none(), OFFSETS), st.integers(0, 3)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["2011-02-30", "20/06/2011", "2011-06-20T24:00", " 2011-06-20 "]),
)


def scalar(fn: Callable[[str], object], raw: str | None) -> tuple[object, bool]:
    """The scalar function's answer for one input: (value or None, bad)."""
    if raw is None or not raw.strip():
        return None, False
    try:
        return fn(raw), False
    except DateParseError:
        return None, True


@given(st.lists(INPUTS, max_size=20))
def test_datetime_series_agrees_with_scalar(raws: list[str | None]) -> None:
    series = pd.Series(raws, dtype=object, index=range(10, 10 + len(raws)))
    values, bad = parse_datetime_series(series)
    assert str(values.dtype) == "datetime64[us]" and bad.dtype == bool
    assert values.index.equals(series.index) and bad.index.equals(series.index)
    for raw, value, is_bad in zip(raws, values, bad, strict=True):
        expected, expected_bad = scalar(parse_datetime, raw)
        assert is_bad == expected_bad, raw
        if expected is None:
            assert pd.isna(value), raw
        else:
            assert value.to_pydatetime() == expected, raw


@given(st.lists(INPUTS, max_size=20))
def test_date_series_agrees_with_scalar(raws: list[str | None]) -> None:
    values, bad = parse_date_series(pd.Series(raws, dtype=object))
    for raw, value, is_bad in zip(raws, values, bad, strict=True):
        expected, expected_bad = scalar(parse_date, raw)
        assert is_bad == expected_bad, raw
        if expected is None:
            assert pd.isna(value), raw
        else:
            assert value.to_pydatetime() == datetime.combine(expected, datetime.min.time()), raw


def test_series_on_string_dtype_and_nan() -> None:
    values, bad = parse_datetime_series(
        pd.Series(["2011-06-20T18:50:00Z", None, "bad", "2011-06-20"], dtype="str")
    )
    assert values.tolist()[0] == pd.Timestamp("2011-06-20 19:50")
    assert pd.isna(values[1]) and pd.isna(values[2])
    assert bad.tolist() == [False, False, True, False]
    dates, dbad = parse_date_series(pd.Series(["2011-06-20T23:30:00Z", float("nan")]))
    assert dates[0] == pd.Timestamp("2011-06-21") and dbad.tolist() == [False, False]


EDGES = [
    "0000-01-01",
    "0001-01-01",
    "1500-02-29",
    "2000-02-29T00:00",
    "2011-01-01T24:00",
    "2011-01-01T23:59:60",
    "2011-13-01",
    "2011-01-01 10:00",
    "2011-01-01T10:00:00.5",
    "2011-01-01T10:00:00.123456",
    " 2011-01-01 ",
    "\u30002011-01-01",
    "9999-12-31T23:59:59",
    "",
    "  ",
    "2011-01-01T10:00:00.1234567",
]


@pytest.mark.parametrize("with_impossible", [True, False])
def test_series_agrees_with_scalar_at_the_edges(with_impossible: bool) -> None:
    """Both the Arrow fast path (every value possible) and the pandas fallback (some impossible)."""
    raws = (
        EDGES
        if with_impossible
        else [e for e in EDGES if scalar(parse_datetime, e)[0] is not None or not e.strip()]
    )
    values, bad = parse_datetime_series(pd.Series(raws, dtype=object))
    for raw, value, is_bad in zip(raws, values, bad, strict=True):
        expected, expected_bad = scalar(parse_datetime, raw)
        assert is_bad == expected_bad, raw
        assert pd.isna(value) if expected is None else value.to_pydatetime() == expected, raw
