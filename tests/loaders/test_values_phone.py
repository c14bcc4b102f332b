"""Property and example tests for the phone-number value type."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from loaders.values import PHONE
from loaders.values.base import WHITESPACE

DRAMA = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
SPELLINGS = [
    "07700 900{n}",
    "+44 7700 900{n}",
    "447700900{n}",
    "(07700) 900-{n}",
    "0044 7700 900{n}",
    "07700900{n}",
    " +447700-900-{n} ",
]


@given(st.text())
def test_never_raises_and_idempotent(raw: str) -> None:
    cleaned = PHONE.clean(raw)
    if cleaned is None:
        assert raw.strip() == ""
        return
    assert cleaned.raw == raw
    again = PHONE.clean(cleaned.value)
    assert again is not None and again.value == cleaned.value
    assert again.valid == cleaned.valid


@given(DRAMA, st.sampled_from(SPELLINGS))
def test_drama_range_parses_but_is_unallocated(n: str, spelling: str) -> None:
    cleaned = PHONE.clean(spelling.format(n=n))
    assert cleaned is not None
    assert cleaned.value == f"+447700900{n}"
    assert cleaned.parsed and not cleaned.valid
    assert cleaned.detail == "unallocated"
    assert not PHONE.validate(spelling.format(n=n))


def test_allocated_mobile_is_valid() -> None:
    cleaned = PHONE.clean("+44 7911 123456")
    assert cleaned is not None
    assert (cleaned.value, cleaned.valid, cleaned.parsed, cleaned.detail) == (
        "+447911123456",
        True,
        True,
        "valid",
    )
    assert PHONE.validate("07911 123456")


def test_unparseable_kept_as_written() -> None:
    cleaned = PHONE.clean("  not a number ")
    assert cleaned is not None
    assert cleaned.value == "not a number"
    assert cleaned.raw == "  not a number "
    assert not cleaned.parsed and not cleaned.valid and cleaned.detail == "unparseable"


def test_blank_is_none() -> None:
    assert PHONE.clean(None) is None
    assert PHONE.clean("   ") is None
    assert not PHONE.validate("")


#: Mobile-shaped spellings with any separator people (or exports) put in them, Unicode spaces included.
_SEP = st.text(alphabet=st.sampled_from(list(WHITESPACE + "-().\\/_x")), max_size=2)
MOBILE_SHAPED = st.builds(
    lambda prefix, digits, seps: (
        prefix + "".join(s + d for s, d in zip(seps, "7" + digits, strict=False))
    ),
    st.sampled_from(["0", "+44", "0044", "44", "", "+1", "07"]),
    st.text(alphabet="0123456789", min_size=8, max_size=10),
    st.lists(_SEP, min_size=11, max_size=11),
)


@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=20), DRAMA.map("07700 900{}".format), MOBILE_SHAPED)
    )
)
def test_series_agrees_with_scalar(raws: list[str | None]) -> None:
    series = pd.Series(raws, dtype=object, index=[i * 3 for i in range(len(raws))])
    frame = PHONE.clean_series(series)
    assert list(frame.columns) == ["value", "valid", "parsed", "detail"]
    assert frame.index.equals(series.index)
    for raw, row in zip(raws, frame.itertuples(index=False), strict=True):
        cleaned = PHONE.clean(raw)
        if cleaned is None:
            assert row.value is None and not row.valid and not row.parsed and row.detail == ""
        else:
            assert (row.value, row.valid, row.parsed, row.detail) == (
                cleaned.value,
                cleaned.valid,
                cleaned.parsed,
                cleaned.detail,
            )


@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    prefix=st.sampled_from(["0", "+44", "0044", "44", "+44 ", "0"]),
    sep=st.sampled_from(["", " ", "-", "."]),
)
def test_the_uk_mobile_fast_path_agrees_with_the_full_parser(
    digits: str, prefix: str, sep: str
) -> None:
    from loaders.values.phone import _clean_phone, _parse_full

    spelling = f"{prefix}7{digits[:3]}{sep}{digits[3:]}"
    assert _clean_phone(spelling) == _parse_full(spelling)
