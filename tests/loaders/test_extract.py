"""Identifier extraction from free text: precision on tricky sentences, recall of drama numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.extract import extract

# Sentences full of things that look like identifiers but are not: none may yield a match.
NOT_IDENTIFIERS = [
    "She was seen on 20/06/2011 and again on 2011-06-20 at 19:50.",
    "Reported missing 01/06/2011 at 23:15, returned 02.06.2011 07:30.",
    "He owed £1,200.00 and later £350, then 1,500 pounds.",
    "Crime reference 13/123456/11 was opened; see also CR/2011/004512.",
    "Case number 2011/12345, occurrence 11-0456-2011, job 0456 of 20/06/11.",
    "NHS number 485 777 3456 was checked; hospital number 4857773456.",
    "They went to Room 12 of the hotel on the 3rd floor in 2011.",
    "Between 2009 and 2011 she attended school year 9 and year 10.",
    "The meeting is at 10am, then 2pm, in room 101, ext 2234.",
    "Operation 11/2011, log 01/06, exhibit ABC/1 and DEF/12.",
    "He drove up the M62 to junction 24 and the A58 then the A1.",
    "Warrant 0123/2011 was executed; PNC ID 11/123456A recorded.",
    "Age 14 years 3 months; height 165 cm; weight 52 kg.",
    "Tel: unknown. Mob: withheld. The IMEI 356938035643809 was seized.",
    "She is in Year 10 at the academy and has an MP3 player.",
    "Amounts 0.50 and 10.25 were transferred on 13 June 2011.",
    "the cab was at the rank by 9, and we met at the park.",
]

# (sentence, expected (kind, value, as_written)) with offsets checked against the text.
IDENTIFIERS = [
    ("Call 07700 900123 after 19:50 on 20/06/2011.", [("phone", "+447700900123", "07700 900123")]),
    (
        "Ref CR/2011/004512: texted +44 7700 900456 about £1,200.00.",
        [("phone", "+447700900456", "+44 7700 900456")],
    ),
    (
        "Numbers (07700) 900-321 and 447700900654 used.",
        [("phone", "+447700900321", "(07700) 900-321"), ("phone", "+447700900654", "447700900654")],
    ),
    ("Landline 0113 496 0123 at the flat.", [("phone", "+441134960123", "0113 496 0123")]),
    (
        "Silver car ab12 cde seen, later AB12CDE again.",
        [("vrm", "AB12CDE", "ab12 cde"), ("vrm", "AB12CDE", "AB12CDE")],
    ),
    (
        "Taxi A123 BCD and old van ABC 123D outside Room 12.",
        [("vrm", "A123BCD", "A123 BCD"), ("vrm", "ABC123D", "ABC 123D")],
    ),
    (
        "Collected from hx1 1aa, dropped at LS6 2QT in 2011.",
        [("postcode", "HX1 1AA", "hx1 1aa"), ("postcode", "LS6 2QT", "LS6 2QT")],
    ),
    (
        "Case 13/123456/11: 07700900999 used near BD1 4TY by KX61 ABC.",
        [
            ("phone", "+447700900999", "07700900999"),
            ("postcode", "BD1 4TY", "BD1 4TY"),
            ("vrm", "KX61ABC", "KX61 ABC"),
        ],
    ),
    ("Irish plate AKZ 1234 at 21:00.", [("vrm", "AKZ1234", "AKZ 1234")]),
]


@pytest.mark.parametrize("sentence", NOT_IDENTIFIERS)
def test_no_false_positives(sentence: str) -> None:
    assert extract(sentence) == []


@pytest.mark.parametrize(("sentence", "expected"), IDENTIFIERS)
def test_true_identifiers_with_offsets(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    found = extract(sentence)
    assert sorted((f.kind, f.value, f.as_written) for f in found) == sorted(expected)
    for f in found:
        assert sentence[f.start : f.end] == f.as_written
        assert f.span == f"{f.start}-{f.end}"


def test_whole_corpus_exactly() -> None:
    text = " ".join(NOT_IDENTIFIERS) + " " + " ".join(s for s, _ in IDENTIFIERS)
    got = sorted((f.kind, f.value) for f in extract(text))
    want = sorted((k, v) for _, exp in IDENTIFIERS for k, v, _w in exp)
    assert got == want


def test_empty_text() -> None:
    assert extract("") == []


_SPELLINGS = [
    "07700 900{n:03d}",
    "07700900{n:03d}",
    "+44 7700 900{n:03d}",
    "+447700900{n:03d}",
    "447700900{n:03d}",
    "(07700) 900-{n:03d}",
    "07700-900-{n:03d}",
    "0044 7700 900{n:03d}",
    "+44 (0)7700 900{n:03d}",
]
_WORDS = st.lists(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(
    before=_WORDS,
    after=_WORDS,
    n=st.integers(0, 999),
    spelling=st.sampled_from(_SPELLINGS),
    punct=st.sampled_from(["", ",", ".", ":", ";", ")"]),
)
def test_drama_numbers_always_found(
    before: list[str], after: list[str], n: int, spelling: str, punct: str
) -> None:
    written = spelling.format(n=n)
    prefix = " ".join(before) + (" " if before else "")
    text = prefix + written + punct + (" " + " ".join(after) if after else "")
    phones = [f for f in extract(text) if f.kind == "phone"]
    assert [f.value for f in phones] == [f"+447700900{n:03d}"]
    assert phones[0].start == len(prefix)
    assert text[phones[0].start : phones[0].end] == written
