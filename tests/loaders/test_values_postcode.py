"""Property and example tests for the UK postcode value type."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import POSTCODE

L = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
D = st.sampled_from("0123456789")
OUTWARD = st.one_of(
    st.tuples(L, D).map("".join),
    st.tuples(L, D, D).map("".join),
    st.tuples(L, L, D).map("".join),
    st.tuples(L, L, D, D).map("".join),
    st.tuples(L, D, L).map("".join),
    st.tuples(L, L, D, L).map("".join),
)
INWARD = st.tuples(D, L, L).map("".join)


@given(st.text())
def test_never_raises_and_idempotent(raw: str) -> None:
    cleaned = POSTCODE.clean(raw)
    if cleaned is None:
        return
    again = POSTCODE.clean(cleaned.value)
    assert again is not None and again.value == cleaned.value and again.valid == cleaned.valid


@given(OUTWARD, INWARD, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_spacing_and_case_variants_normalise(
    outward: str, inward: str, sep: str, lower: bool
) -> None:
    spelled = f" {outward}{sep}{inward} "
    cleaned = POSTCODE.clean(spelled.lower() if lower else spelled)
    assert cleaned is not None
    assert cleaned.value == f"{outward} {inward}"
    assert cleaned.valid and cleaned.parsed and cleaned.detail == "valid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hx11aa", "HX1 1AA"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("GIR0AA", "GIR 0AA"),
        ("m1 1ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("DN55  1PT", "DN55 1PT"),
        ("w1a0ax", "W1A 0AX"),
    ],
)
def test_examples(raw: str, expected: str) -> None:
    cleaned = POSTCODE.clean(raw)
    assert cleaned is not None and cleaned.value == expected and cleaned.valid


@pytest.mark.parametrize("raw", ["nope", "HX1", "12345", "HX1 1A", "GIR 1AA", "HXX 1AA"])
def test_nonstandard_flagged(raw: str) -> None:
    cleaned = POSTCODE.clean(f" {raw.lower()} ")
    assert cleaned is not None
    assert cleaned.value == raw.upper()
    assert not cleaned.valid and not cleaned.parsed and cleaned.detail == "nonstandard"


def test_series() -> None:
    frame = POSTCODE.clean_series(pd.Series(["hx11aa", None, " ", "nope"], index=[5, 6, 7, 8]))
    assert frame.index.tolist() == [5, 6, 7, 8]
    assert frame["value"].tolist() == ["HX1 1AA", None, None, "NOPE"]
    assert frame["valid"].tolist() == [True, False, False, False]
    assert frame["detail"].tolist() == ["valid", "", "", "nonstandard"]
