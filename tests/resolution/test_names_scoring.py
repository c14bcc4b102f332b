"""Name normalisation and scoring on person frames built in the test (no store needed)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from graph_intel.resolution.candidates import PERSON_COLUMNS, find_candidates, reasons
from graph_intel.resolution.names import (
    canonical_given,
    is_initial,
    nicknames_agree,
    normalise,
    phonetic,
)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    full = [
        {
            "aliases": None,
            "agencies": (r.get("dataset", ""),),
            "phones": (),
            "homes": (),
            "vehicles": (),
            **r,
        }
        for r in rows
    ]
    return pd.DataFrame(full)[PERSON_COLUMNS]


def _scores(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    scored, p, _ = find_candidates(_frame(rows))
    out = {}
    for row in scored.to_dict("records"):
        agree, differ = reasons(p, row)
        out[(row["a"], row["b"])] = {"score": row["score"], "agree": agree, "differ": differ}
    return out


def test_normalise_and_nicknames() -> None:
    assert normalise("  O'Brien-Smith ") == "o brien smith"
    assert normalise("Zoë") == "zoe"
    assert normalise("J.") == "j" and is_initial(normalise("J."))
    assert canonical_given("bill") == "william" and canonical_given("william") == "william"
    assert nicknames_agree("jess", "jessica") and not nicknames_agree("jess", "jess")
    assert phonetic("cartwright") == phonetic("cartwrite")


@given(st.text(max_size=30))
def test_normalise_is_idempotent_ascii(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and once.isascii() and "  " not in once


def test_initial_transposed_and_year_only_are_found_with_reasons() -> None:
    rows = [
        {
            "key": "police:P1",
            "dataset": "police",
            "given_name": "Jade",
            "family_name": "Cartwright",
            "date_of_birth": "2004-03-07",
        },
        {
            "key": "education:E1",
            "dataset": "education",
            "given_name": "J.",
            "family_name": "Cartwright",
            "date_of_birth": "2004-03-07",
        },
        {
            "key": "health:H1",
            "dataset": "health",
            "given_name": "Cartwright",
            "family_name": "Jayde",
            "date_of_birth": "2004-03-07",
        },
        {
            "key": "yot:Y1",
            "dataset": "yot",
            "given_name": "Jayde",
            "family_name": "Cartwright",
            "date_of_birth": "2004-01-01",
        },
    ]
    got = _scores(rows)
    initial = got[("education:E1", "police:P1")]
    assert "given_name: initial agrees (j / jade)" in initial["agree"]
    swapped = got[("health:H1", "police:P1")]
    assert any("transposed" in a for a in swapped["agree"]) and not swapped["differ"]
    year = got[("police:P1", "yot:Y1")]
    assert any(a.startswith("date_of_birth: year agrees") for a in year["agree"])
    assert year["score"] >= 0.5  # listed at the default --min-score


def test_same_records_in_one_agency_are_not_candidates() -> None:
    rows = [
        {
            "key": "police:P1",
            "dataset": "police",
            "given_name": "Jade",
            "family_name": "Cartwright",
            "date_of_birth": "2004-03-07",
        },
        {
            "key": "police:P2",
            "dataset": "police",
            "given_name": "Jade",
            "family_name": "Cartwright",
            "date_of_birth": "2004-03-07",
        },
    ]
    assert _scores(rows) == {}


def test_same_name_and_dob_scores_below_a_pair_with_a_shared_phone() -> None:
    rows = [
        # two different men with the same name and date of birth, nothing else in common
        {
            "key": "police:X1",
            "dataset": "police",
            "given_name": "Dale",
            "family_name": "Korver",
            "date_of_birth": "1980-01-02",
            "phones": ("+447700900201",),
        },
        {
            "key": "education:X2",
            "dataset": "education",
            "given_name": "Dale",
            "family_name": "Korver",
            "date_of_birth": "1980-01-02",
            "phones": ("+447700900202",),
        },
        # one man, recorded with a nickname in one place and a shared phone
        {
            "key": "police:Y1",
            "dataset": "police",
            "given_name": "Robert",
            "family_name": "Pellow",
            "date_of_birth": "1979-05-05",
            "phones": ("+447700900301",),
        },
        {
            "key": "health:Y2",
            "dataset": "health",
            "given_name": "Bob",
            "family_name": "Pellow",
            "date_of_birth": "1979-05-05",
            "phones": ("+447700900301",),
        },
        # the same name and date of birth and a shared phone
        {
            "key": "health:X3",
            "dataset": "health",
            "given_name": "Dale",
            "family_name": "Korver",
            "date_of_birth": "1980-01-02",
            "phones": ("+447700900201",),
        },
    ]
    got = _scores(rows)
    no_ids = got[("education:X2", "police:X1")]["score"]
    assert no_ids < got[("health:Y2", "police:Y1")]["score"]
    assert no_ids < got[("health:X3", "police:X1")]["score"]
    assert "shared phone: +447700900301" in got[("health:Y2", "police:Y1")]["agree"]
    assert (
        "given_name: nickname of the same name (bob / robert)"
        in got[("health:Y2", "police:Y1")]["agree"]
        or "given_name: nickname of the same name (robert / bob)"
        in got[("health:Y2", "police:Y1")]["agree"]
    )
