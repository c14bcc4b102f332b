"""Property and example tests for the vehicle registration mark (VRM) value type."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import VRM
from loaders.values.vrm import NI_CODES

L = st.sampled_from("ABCDEFGHJKLMNOPRSTUVWXY")  # no I, Q or Z: never NI-looking
D = st.sampled_from("0123456789")
NZ = st.sampled_from("123456789")
CURRENT = st.tuples(L, L, D, D, L, L, L).map("".join)


@given(st.text())
def test_never_raises_and_idempotent(raw: str) -> None:
    cleaned = VRM.clean(raw)
    if cleaned is None:
        return
    again = VRM.clean(cleaned.value)
    assert again is not None
    assert again.value == cleaned.value
    assert (again.valid, again.detail) == (cleaned.valid, cleaned.detail)


@given(CURRENT, st.sampled_from(["", " ", "-", "."]), st.booleans())
def test_variants_normalise_to_same_mark(mark: str, sep: str, lower: bool) -> None:
    spelled = f"  {mark[:4]}{sep}{mark[4:]} "
    cleaned = VRM.clean(spelled.lower() if lower else spelled)
    assert cleaned is not None
    assert cleaned.value == mark
    assert cleaned.valid and cleaned.detail == "current"


@given(
    st.sampled_from(sorted(NI_CODES)),
    st.one_of(st.just(""), L),
    NZ,
    st.text("0123456789", max_size=3),
)
def test_every_ni_code_is_northern_ireland(code: str, serial: str, first: str, rest: str) -> None:
    cleaned = VRM.clean(f"{serial}{code} {first}{rest}".lower())
    assert cleaned is not None
    assert cleaned.value == f"{serial}{code}{first}{rest}"
    assert cleaned.detail == "northern_ireland" and cleaned.valid


@pytest.mark.parametrize(
    ("raw", "value", "fmt"),
    [
        ("ab12 cde", "AB12CDE", "current"),
        ("AB02-CDE", "AB02CDE", "current"),
        ("a123 bcd", "A123BCD", "prefix"),
        ("P1 ABC", "P1ABC", "prefix"),
        ("abc 123d", "ABC123D", "suffix"),
        ("ABC 1D", "ABC1D", "suffix"),
        ("AKZ 1234", "AKZ1234", "northern_ireland"),
        ("BZ 12", "BZ12", "northern_ireland"),
        ("oi 5", "OI5", "northern_ireland"),
        ("AIW 1", "AIW1", "northern_ireland"),
        ("1 IA", "1IA", "northern_ireland"),
        ("9999 xi", "9999XI", "northern_ireland"),
        ("ABC 1234", "ABC1234", "dateless"),
        ("A 1", "A1", "dateless"),
        ("1234 AB", "1234AB", "dateless"),
        ("R 1", "R1", "dateless"),
        # 'IZ' is not one of Northern Ireland's 33 codes, so this is read as a GB dateless mark.
        ("AIZ 1234", "AIZ1234", "dateless"),
    ],
)
def test_formats(raw: str, value: str, fmt: str) -> None:
    cleaned = VRM.clean(raw)
    assert cleaned is not None
    assert (cleaned.value, cleaned.valid, cleaned.parsed, cleaned.detail) == (
        value,
        True,
        True,
        fmt,
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("not a plate", "NOTAPLATE"),
        ("AB12 CDEF", "AB12CDEF"),
        ("A0 BCD", "A0BCD"),
        ("12345", "12345"),
    ],
)
def test_nonstandard_kept(raw: str, value: str) -> None:
    cleaned = VRM.clean(raw)
    assert cleaned is not None
    assert (cleaned.value, cleaned.valid, cleaned.parsed, cleaned.detail) == (
        value,
        False,
        True,
        "nonstandard",
    )


def test_blank_and_series() -> None:
    assert VRM.clean(None) is None and VRM.clean(" \t") is None
    frame = VRM.clean_series(pd.Series(["ab12 cde", None, "AB12CDE", "??"]))
    assert frame["value"].tolist() == ["AB12CDE", None, "AB12CDE", "??"]
    assert frame["detail"].tolist() == ["current", "", "current", "nonstandard"]
    assert frame["valid"].dtype == bool and frame["parsed"].dtype == bool
