"""Who is a child: age at the date of each fact, from date of birth, decides it; category never outranks it.

The one rule every analysis uses (groups, key players, shared contacts, hotspots, CAWN, chronology,
briefing, matrix, network pictures):

- A person with a date of birth is a child on a date when under 18 on that date, whatever their
  `category` says (`suspect`, `associate`, `unknown`...), and an adult from their 18th birthday
  (whole years: a 29 February birthday falls on 1 March in common years).
- A person with no date of birth is a child when recorded as `child`; "possibly a child" when of
  `unknown` (or blank) category, and so never joined into a group nor counted as an adult; an
  adult otherwise (suspect, associate, witness, professional).
- A fact with no date is judged at the earliest date the data holds about that person (their
  `first_seen`, else the data's earliest date): someone who may have been a child then is not
  taken for an adult.

A child recorded as a suspect or associate (or arrested while a child) is a prompt to consider
exploitation, never an offender: see `offender_prompts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

#: Age from which a person is an adult.
ADULT_AGE = 18
#: Statuses a person has on a date.
CHILD, ADULT, POSSIBLE = "child", "adult", "possibly_child"
#: Categories of a person recorded as an offender; a child so recorded is a possible victim.
OFFENDER_CATEGORIES = ("suspect", "associate")
#: Categories that, with no date of birth, leave a person's age open.
OPEN_CATEGORIES = ("unknown", "")


def _stamps(values: Any) -> pd.Series:
    """Naive timestamps (NaT for blanks) of a series or list of dates and times."""
    out = pd.to_datetime(pd.Series(values) if not isinstance(values, pd.Series) else values, errors="coerce",
                         utc=False, format="mixed")
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_localize(None)
    return out


def ages_at(dob: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years of age on each date (NaN where either is unknown); both series aligned by position."""
    d = _stamps(dob).reset_index(drop=True)
    t = _stamps(at).reset_index(drop=True)
    years = t.dt.year - d.dt.year
    before = (t.dt.month * 100 + t.dt.day) < (d.dt.month * 100 + d.dt.day)
    return (years - before.astype("float")).where(d.notna() & t.notna())


def age_on(dob: date, on: date) -> int:
    """Whole years of age on a date (a 29 February birthday falls on 1 March in common years)."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class Ages:
    """Dates of birth and categories of the persons frame, to say who is a child on any date."""

    def __init__(self, people: pd.DataFrame) -> None:
        self.keys = people.index
        self.dob = _stamps(people["date_of_birth"]) if "date_of_birth" in people else pd.Series(pd.NaT, index=people.index)
        self.dob.index = people.index
        category = people["category"] if "category" in people else pd.Series(None, index=people.index, dtype=object)
        self.category = category.fillna("").astype(str).str.lower()
        self.category.index = people.index
        first = _stamps(people["first_seen"]) if "first_seen" in people else pd.Series(pd.NaT, index=people.index)
        first.index = people.index
        earliest = first.min() if first.notna().any() else pd.NaT
        self.first_seen = first.fillna(earliest) if pd.notna(earliest) else first

    def status(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """CHILD, ADULT or POSSIBLE for each (person key, fact date); a key not among the persons is ADULT-less: POSSIBLE."""
        k = pd.Series(list(keys), dtype=object)
        when = _stamps(pd.Series(list(at), dtype=object)).reset_index(drop=True)
        known = k.isin(self.keys)
        dob = k.map(self.dob).where(known)
        category = k.map(self.category).where(known, "")
        when = when.fillna(k.map(self.first_seen).where(known)).fillna(pd.Timestamp.now().normalize())
        age = ages_at(dob, when)
        out = np.where(category.eq("child"), CHILD, np.where(category.isin(OPEN_CATEGORIES), POSSIBLE, ADULT)).astype(object)
        has_age = age.notna().to_numpy()
        out[has_age] = np.where(age[has_age] < ADULT_AGE, CHILD, ADULT)
        out[~known.to_numpy()] = POSSIBLE
        return out

    def is_child(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """True where the person is a child on the fact's date."""
        return self.status(keys, at) == CHILD

    def is_adult(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """True where the person is an adult on the fact's date (never a child or possibly a child)."""
        return self.status(keys, at) == ADULT

    def age(self, key: Any, at: Any) -> int | None:
        """Whole years of age of one person on a date (None when the date of birth or date is unknown)."""
        value = ages_at(pd.Series([self.dob.get(key)]), pd.Series([at])).iloc[0]
        return None if pd.isna(value) else int(value)

    def children_in_data(self) -> set[str]:
        """Persons who were children when the data first records them (or are recorded as children undated)."""
        keys = list(self.keys)
        status = self.status(keys, [pd.NaT] * len(keys))
        return {str(key) for key, s in zip(keys, status, strict=True) if s == CHILD}

    def possibly_children(self) -> list[str]:
        """Persons of unknown category and unknown date of birth: they may be children, so are kept apart."""
        open_ = self.category.isin(OPEN_CATEGORIES) & self.dob.isna()
        return sorted(str(k) for k in self.keys[open_.to_numpy()])


def ages(people: pd.DataFrame) -> Ages:
    """The age rule over a persons frame (analysis.evidence.persons)."""
    return Ages(people)


def offender_prompts(people: pd.DataFrame, arrests: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Children recorded as offenders: a prompt each to consider exploitation, with the age and date.

    A person recorded as a suspect or associate who was under 18 when the record was made (its
    `first_seen`), and a person arrested while under 18 (`arrests`: person, event, at), are
    possible victims: "recorded as a suspect while aged 15: consider exploitation".
    """
    rule = Ages(people)
    out: list[dict[str, Any]] = []
    for key in people.index:
        category = rule.category.get(key, "")
        if category not in OFFENDER_CATEGORIES:
            continue
        at = rule.first_seen.get(key)
        age = rule.age(key, at)
        if age is not None and age < ADULT_AGE:
            out.append({"key": str(key), "what": f"recorded as {_article(category)} {category}", "age": age,
                        "at": at.isoformat() if pd.notna(at) else None, "event": None,
                        "prompt": f"recorded as {_article(category)} {category} while aged {age}: consider exploitation"})
    if arrests is not None and not arrests.empty:
        for key, event, at in zip(arrests["person"], arrests["event"], arrests["at"], strict=True):
            age = rule.age(key, at) if key in rule.keys else None
            if age is not None and age < ADULT_AGE:
                stamp = pd.Timestamp(at)
                out.append({"key": str(key), "what": "arrested", "age": age, "at": stamp.isoformat(), "event": str(event),
                            "prompt": f"arrested while aged {age}: consider exploitation"})
    out.sort(key=lambda p: (p["key"], p["at"] or "", p["what"]))
    return out


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


#: Roles in an arrest that mean the person was arrested (not the reporter, say).
ARRESTED_ROLES = ("subject", "with", "driver", "passenger")


def arrests(store: Any) -> pd.DataFrame:
    """Persons arrested (an `arrest` event, role subject/with/driver/passenger): person, event, at.

    Persons are named by their same-person cluster's representative (graph_intel.resolution).
    """
    from graph_intel.resolution.clusters import canonical, representatives

    parts = store.participants("Person", ["arrest"])
    if parts.empty:
        return pd.DataFrame(columns=["person", "event", "at"])
    parts = parts[parts["role"].isin(ARRESTED_ROLES)]
    return pd.DataFrame({"person": canonical(parts["who"], representatives(store)).to_numpy(),
                         "event": parts["event"].to_numpy(), "at": parts["started_at"].to_numpy()})


def possible_victims(store: Any, people: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Children recorded as suspects or associates, or arrested while children: one prompt each (offender_prompts)."""
    from graph_intel.analysis.evidence import persons

    people = persons(store) if people is None else people
    return offender_prompts(people, arrests(store))
