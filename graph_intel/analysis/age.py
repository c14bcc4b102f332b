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

import functools
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Age from which a person is an adult.
ADULT_AGE = 18
#: Statuses a person has on a date.
CHILD, ADULT, POSSIBLE = "child", "adult", "possibly_child"
#: Categories of a person recorded as an offender; a child so recorded is a possible victim.
OFFENDER_CATEGORIES = ("suspect", "associate")
#: Categories that, with no date of birth, leave a person's age open.
OPEN_CATEGORIES = ("unknown", "")


#: Status codes by position in _STATUS_NAMES (status() works on codes, then names them once).
_CHILD_CODE, _ADULT_CODE, _POSSIBLE_CODE = 0, 1, 2
_STATUS_NAMES = np.array([CHILD, ADULT, POSSIBLE], dtype=object)


#: Below this many keys, positions() asks the index (whose hash table pandas keeps) instead of Arrow.
_FEW = 4096


def positions(keys: Iterable[Any], index: pd.Index) -> np.ndarray:
    """Position of each key in `index` (unique), -1 where absent: one Arrow hash lookup for strings."""
    values = keys if isinstance(keys, pd.Series) else pd.Series(list(keys), dtype=object)
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(index) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    if (
        len(values) < _FEW
    ):  # a few keys (one pair's dates): the index's own hash table, built once and kept
        return np.asarray(index.get_indexer(values.to_numpy(dtype=object)), dtype=np.int64)
    try:
        found = pc.index_in(
            pa.array(values, type=pa.string(), from_pandas=True),
            value_set=pa.array(index, type=pa.string(), from_pandas=True),
        )
    except (pa.ArrowException, TypeError):  # keys that are not strings
        return np.asarray(index.get_indexer(values), dtype=np.int64)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _years(dob: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole years of age on each date (as ages_at), and where both dates are known."""
    both = ~(np.isnat(dob) | np.isnat(at))
    d = np.where(both, dob, np.datetime64(0, "us"))
    t = np.where(both, at, np.datetime64(0, "us"))
    dy, ty = d.astype("datetime64[Y]"), t.astype("datetime64[Y]")
    dm, tm = d.astype("datetime64[M]"), t.astype("datetime64[M]")
    d_md = (dm - dy).astype(np.int64) * 100 + (d.astype("datetime64[D]") - dm).astype(np.int64)
    t_md = (tm - ty).astype(np.int64) * 100 + (t.astype("datetime64[D]") - tm).astype(np.int64)
    years = ty.astype(np.int64) - dy.astype(np.int64) - (t_md < d_md)
    return years, both


def _birthday(dob: np.ndarray, years: int) -> np.ndarray:
    """Midnight of each person's `years`th birthday (NaT where the date of birth is): the first
    date on which `_years` gives `years`. A 29 February birthday is 28 days after 1 February of the
    year, so 1 March in a common year, as `_years` counts it."""
    born = ~np.isnat(dob)
    d = np.where(born, dob, np.datetime64(0, "us"))
    month = d.astype("datetime64[M]")
    day = (d.astype("datetime64[D]") - month).astype(np.int64)
    later = (month.astype(np.int64) + 12 * years).astype("datetime64[M]")
    out = (later.astype("datetime64[D]") + day).astype("datetime64[us]")
    return np.where(born, out, np.datetime64("NaT", "us"))


def _stamps(values: Any) -> pd.Series:
    """Naive timestamps (NaT for blanks) of a series or list of dates and times."""
    out = pd.to_datetime(
        pd.Series(values) if not isinstance(values, pd.Series) else values,
        errors="coerce",
        utc=False,
        format="mixed",
    )
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
        self.dob = (
            _stamps(people["date_of_birth"])
            if "date_of_birth" in people
            else pd.Series(pd.NaT, index=people.index)
        )
        self.dob.index = people.index
        category = (
            people["category"]
            if "category" in people
            else pd.Series(None, index=people.index, dtype=object)
        )
        self.category = category.fillna("").astype(str).str.lower()
        self.category.index = people.index
        first = (
            _stamps(people["first_seen"])
            if "first_seen" in people
            else pd.Series(pd.NaT, index=people.index)
        )
        first.index = people.index
        earliest = first.min() if first.notna().any() else pd.NaT
        self.first_seen = first.fillna(earliest) if pd.notna(earliest) else first
        # the same, as arrays by position in `keys`, for status() over many facts
        self._dob_us = self.dob.to_numpy(dtype="datetime64[us]")
        self._adult_from_us = _birthday(self._dob_us, ADULT_AGE)
        self._first_us = self.first_seen.to_numpy(dtype="datetime64[us]")
        cat = self.category.to_numpy(dtype=object)
        self._base = np.where(
            cat == "child",
            _CHILD_CODE,
            np.where(np.isin(cat, OPEN_CATEGORIES), _POSSIBLE_CODE, _ADULT_CODE),
        ).astype(np.int8)

    def status(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """CHILD, ADULT or POSSIBLE for each (person key, fact date); a key not among the persons is ADULT-less: POSSIBLE.

        Vectorised over the facts (one hash lookup of the keys, dates as datetime64 arrays): it is
        called on every fact of a store, so nothing here may box a value per fact into Python.
        """
        return self.status_at(positions(keys, self.keys), at)

    def status_at(self, where: np.ndarray, at: Iterable[Any]) -> np.ndarray:
        """`status` of the persons at positions `where` in `keys` (positions(); -1 where unknown):
        for a caller that needs the positions too (see `ranks`)."""
        known = where >= 0
        safe = np.where(known, where, 0)
        when = _stamps(at if isinstance(at, pd.Series) else pd.Series(list(at), dtype=object))
        when_us = when.to_numpy(dtype="datetime64[us]")
        if len(when_us) != len(where):
            raise ValueError(f"{len(where)} keys but {len(when_us)} dates")
        first = np.where(known, self._first_us[safe], np.datetime64("NaT", "us"))
        when_us = np.where(np.isnat(when_us), first, when_us)
        when_us = np.where(
            np.isnat(when_us),
            pd.Timestamp.now().normalize().to_datetime64().astype("datetime64[us]"),
            when_us,
        )
        # under 18 on a date is before the 18th birthday (one comparison, not an age per fact)
        adult_from = self._adult_from_us[safe]
        has_age = known & ~np.isnat(adult_from)
        code = np.where(known, self._base[safe], _POSSIBLE_CODE)
        code = np.where(has_age, np.where(when_us < adult_from, _CHILD_CODE, _ADULT_CODE), code)
        return _STATUS_NAMES[code]

    @functools.cached_property
    def ranks(self) -> tuple[np.ndarray, pa.Array]:
        """Each person's rank among the keys in string order (by position in `keys`), and the keys
        in that order: integer codes that compare as the keys do (Python's and Arrow's order: by
        code point), so pairs can be oriented and told apart without comparing strings."""
        keys = np.asarray(self.keys.to_numpy(dtype=object))
        order = np.argsort(keys, kind="stable")
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys), dtype=np.int64)
        return rank, pa.array(keys[order], type=pa.string())

    def is_child(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """True where the person is a child on the fact's date."""
        return self.status(keys, at) == CHILD

    def is_adult(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """True where the person is an adult on the fact's date (never a child or possibly a child)."""
        return self.status(keys, at) == ADULT

    def ages(self, keys: Iterable[Any], at: Iterable[Any]) -> np.ndarray:
        """Whole years of age of each person on each date, as floats (NaN where either is unknown).

        The same answer as age() per pair, for many pairs at once (one hash lookup of the keys, the
        dates as datetime64 arrays): offender_prompts asks it for every suspect of a store.
        """
        where = positions(keys, self.keys)
        known = where >= 0
        dob = np.where(known, self._dob_us[np.where(known, where, 0)], np.datetime64("NaT", "us"))
        when = _stamps(at if isinstance(at, pd.Series) else pd.Series(list(at), dtype=object))
        when_us = when.to_numpy(dtype="datetime64[us]")
        if len(when_us) != len(where):
            raise ValueError(f"{len(where)} keys but {len(when_us)} dates")
        years, both = _years(dob, when_us)
        return np.where(both, years, np.nan)

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


def census(people: pd.DataFrame) -> tuple[int, str]:
    """How many could be adults, and in words: (0, '0 adults among 3 persons (2 children by date of birth, 1 possibly a child)').

    Each person is judged at the latest date the data records them (`last_seen`, else `first_seen`):
    someone who is a child even then can join no group. The line an empty groups answer gives.
    """
    keys = list(people.index)
    if not keys:
        return 0, "the store holds no persons"
    rule = Ages(people)
    last = (
        _stamps(people["last_seen"])
        if "last_seen" in people
        else pd.Series(pd.NaT, index=people.index)
    )
    last.index = people.index
    status = rule.status(keys, last.where(last.notna(), rule.first_seen).tolist())
    dated = rule.dob.notna().to_numpy()
    counts = {
        "children by date of birth": int(((status == CHILD) & dated).sum()),
        "recorded as children": int(((status == CHILD) & ~dated).sum()),
        "possibly children": int((status == POSSIBLE).sum()),
    }
    adults = int((status == ADULT).sum())
    parts = [_counted(n, what) for what, n in counts.items() if n]
    why = f" ({', '.join(parts)})" if parts else ""
    return (
        adults,
        f"{adults} adult{'s' if adults != 1 else ''} among {len(keys)} person{'s' if len(keys) != 1 else ''}{why}",
    )


def _counted(n: int, what: str) -> str:
    """'2 children by date of birth', '1 possibly a child', '1 recorded as a child'."""
    if n != 1:
        return f"{n} {what}"
    return {
        "children by date of birth": "1 child by date of birth",
        "recorded as children": "1 recorded as a child",
        "possibly children": "1 possibly a child",
    }[what]


def ages(people: pd.DataFrame) -> Ages:
    """The age rule over a persons frame (analysis.evidence.persons)."""
    return Ages(people)


def offender_prompts(
    people: pd.DataFrame, arrests: pd.DataFrame | None = None, recorded: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Children recorded as offenders: a prompt each to consider exploitation, with the age and date.

    A person recorded as a suspect or associate who was under 18 when the record was made (its
    `first_seen`), and a person arrested while under 18 (`arrests`: person, event, at), are
    possible victims: "recorded as a suspect while aged 15: consider exploitation". So is a child
    recognised by age whose record gave an offender's category (`recorded`: key, category, age, as
    an import specification's `age:` keeps them, see recorded_as_offenders): her category is
    `child`, but the record called her a suspect.
    """
    rule = Ages(people)
    out: list[dict[str, Any]] = []
    prompted: set[str] = set()
    # whole columns first (every suspect of a store at once), then a dict only for each child found
    offender = rule.category.isin(OFFENDER_CATEGORIES).to_numpy()
    keys, categories, first = (
        people.index[offender],
        rule.category[offender],
        rule.first_seen[offender],
    )
    for key, category, at, age in zip(
        keys, categories, first, rule.ages(pd.Series(keys, dtype=object), first), strict=True
    ):
        if not np.isnan(age) and age < ADULT_AGE:
            prompted.add(str(key))
            out.append(_recorded_prompt(str(key), category, int(age), at))
    if recorded is not None and not recorded.empty:
        for key, category, told in zip(
            recorded["key"], recorded["category"], recorded["age"], strict=True
        ):
            if str(key) in prompted or key not in rule.keys:
                continue
            at = rule.first_seen.get(key)
            by_birth = rule.age(key, at)  # a date of birth decides it; else the age the record gave
            age = by_birth if by_birth is not None else (int(told) if pd.notna(told) else None)
            if age is not None and age < ADULT_AGE:
                prompted.add(str(key))
                out.append(_recorded_prompt(str(key), str(category), age, at))
    if arrests is not None and not arrests.empty:
        ages_then = rule.ages(
            pd.Series(arrests["person"].to_numpy(), dtype=object),
            arrests["at"].reset_index(drop=True),
        )
        for key, event, at, age in zip(
            arrests["person"], arrests["event"], arrests["at"], ages_then, strict=True
        ):
            if not np.isnan(age) and age < ADULT_AGE:
                years = int(age)
                stamp = pd.Timestamp(at)
                out.append(
                    {
                        "key": str(key),
                        "what": "arrested",
                        "age": years,
                        "at": stamp.isoformat(),
                        "event": str(event),
                        "prompt": f"arrested while aged {years}: consider exploitation",
                    }
                )
    out.sort(key=lambda p: (p["key"], p["at"] or "", p["what"]))
    return out


def _recorded_prompt(key: str, category: str, age: int, at: Any) -> dict[str, Any]:
    return {
        "key": key,
        "what": f"recorded as {_article(category)} {category}",
        "age": age,
        "at": at.isoformat() if pd.notna(at) else None,
        "event": None,
        "prompt": f"recorded as {_article(category)} {category} while aged {age}: consider exploitation",
    }


def recorded_as_offenders(store: Any) -> pd.DataFrame:
    """Children recognised by age whose record gave an offender's category: key, category, age.

    An import specification's `age:` makes a person the row records as under 18 a child, and keeps
    what the row said in her `extra` (`recorded_category`, `recorded_age`). Only those whose
    recorded category is an offender's (suspect, associate) are returned, under their same-person
    cluster's representative key (graph_intel.resolution).
    """
    import json

    from graph_intel.resolution.clusters import canonical, representatives

    empty = pd.DataFrame(columns=["key", "category", "age"])
    frame = store.nodes("Person", columns=["category", "extra"])
    if frame.empty or "extra" not in frame:
        return empty
    extra = frame["extra"].astype(object)
    held = (
        extra.astype("string")
        .str.contains('"recorded_category"', regex=False)
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    if not held.any():
        return empty
    rows = []
    for key, text in zip(frame["key"].to_numpy()[held], extra.to_numpy()[held], strict=True):
        try:
            note = json.loads(text)
        except ValueError:
            continue
        category = str(note.get("recorded_category") or "").lower()
        if category in OFFENDER_CATEGORIES:
            rows.append({"key": key, "category": category, "age": note.get("recorded_age")})
    if not rows:
        return empty
    out = pd.DataFrame(rows)
    out["key"] = canonical(out["key"], representatives(store)).to_numpy()
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
    return pd.DataFrame(
        {
            "person": canonical(parts["who"], representatives(store)).to_numpy(),
            "event": parts["event"].to_numpy(),
            "at": parts["started_at"].to_numpy(),
        }
    )


def possible_victims(store: Any, people: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Children recorded as suspects or associates, or arrested while children: one prompt each (offender_prompts)."""
    from graph_intel.analysis.evidence import persons

    people = persons(store) if people is None else people
    return offender_prompts(people, arrests(store), recorded_as_offenders(store))
