"""Property and example tests for the IMEI value type."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import IMEI
from loaders.values.imei import luhn_check_digit

BODY = st.text(alphabet="0123456789", min_size=14, max_size=14)


def with_check(body: str) -> str:
    return body + luhn_check_digit(body)


@given(st.text())
def test_never_raises_and_idempotent(raw: str) -> None:
    cleaned = IMEI.clean(raw)
    if cleaned is None:
        return
    again = IMEI.clean(cleaned.value)
    assert again is not None and again.value == cleaned.value and again.valid == cleaned.valid


@given(BODY)
def test_luhn_generated_is_valid(body: str) -> None:
    cleaned = IMEI.clean(with_check(body))
    assert cleaned is not None and cleaned.valid and cleaned.detail == "valid"


@given(BODY, st.integers(0, 14), st.integers(1, 9))
def test_changing_one_digit_invalidates(body: str, pos: int, delta: int) -> None:
    imei = with_check(body)
    changed = imei[:pos] + str((int(imei[pos]) + delta) % 10) + imei[pos + 1 :]
    cleaned = IMEI.clean(changed)
    assert cleaned is not None
    assert not cleaned.valid and cleaned.parsed and cleaned.detail == "bad_check_digit"


@given(BODY, st.sampled_from([" ", "-", "/", "  "]))
def test_separators_ignored(body: str, sep: str) -> None:
    imei = with_check(body)
    spelled = f" {imei[:2]}{sep}{imei[2:8]}{sep}{imei[8:14]}{sep}{imei[14]} "
    cleaned = IMEI.clean(spelled)
    assert cleaned is not None and cleaned.value == imei and cleaned.valid


@given(BODY)
def test_fourteen_digits_get_check_digit(body: str) -> None:
    cleaned = IMEI.clean(body)
    assert cleaned is not None
    assert cleaned.value == with_check(body)
    assert cleaned.valid and cleaned.detail == "check_digit_added"


def test_examples() -> None:
    assert IMEI.clean("49-015420-323751-8").value == "490154203237518"  # type: ignore[union-attr]
    sv = IMEI.clean("3563440219358201")
    assert sv is not None and sv.valid and sv.detail == "imeisv"
    short = IMEI.clean(" 12345 ")
    assert short is not None and short.value == "12345" and not short.parsed
    assert short.detail == "bad_length"
    assert IMEI.clean("49015420323751X").detail == "bad_length"  # type: ignore[union-attr]
    assert IMEI.clean("") is None


def test_series() -> None:
    frame = IMEI.clean_series(pd.Series(["490154203237518", None, "490154203237518", "x"]))
    assert frame["value"].tolist() == ["490154203237518", None, "490154203237518", "x"]
    assert frame["valid"].tolist() == [True, False, True, False]
    assert frame["parsed"].tolist() == [True, False, True, False]
