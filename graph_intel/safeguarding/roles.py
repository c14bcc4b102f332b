"""Role checks: the adult and the child a command names are who they are said to be, by age at the date.

`cawn pack ADULT CHILD` refuses arguments given the wrong way round, an adult in the child's place
and a child in the adult's place; `matrix set` accepts children only. Age at the date decides
(graph_intel.analysis.age), whatever the category says. A refusal is a RoleError (a ValueError:
exit 2 in the CLI, 400 over the API) whose message names the problem and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from graph_intel.analysis.age import ADULT, CHILD, POSSIBLE, Ages
from graph_intel.safeguarding.common import ident, people_date


class RoleError(ValueError):
    """A person named as the adult or the child is not one on the date; the message says why."""


def _describe(rule: Ages, key: str, on: date) -> str:
    """'aged 31 on 8 Jul 2011 (born 1 Jan 1980)', or what is known instead."""
    age = rule.age(key, pd.Timestamp(on))
    born = rule.dob.get(key)
    if age is not None and born is not None and pd.notna(born):
        return f"aged {age} on {people_date(on)} (born {people_date(pd.Timestamp(born).date())})"
    category = rule.category.get(key) or "unknown"
    return f"recorded as {category}, date of birth unknown"


def status_on(rule: Ages, key: str, days: Iterable[Any]) -> set[str]:
    """The statuses a person has on any of the dates (CHILD, ADULT, POSSIBLE); None: when first recorded."""
    stamps = [
        pd.NaT if d is None or (not isinstance(d, str) and pd.isna(d)) else pd.Timestamp(d)
        for d in days
    ]
    if not stamps:
        return set()
    return set(rule.status([key] * len(stamps), stamps))


def check_pair(
    people: pd.DataFrame, adult: str, child: str, on: date, child_dates: Iterable[Any] = ()
) -> None:
    """Refuse unless `adult` is an adult on `on` and `child` a child on `on` or on a date of the pair's facts."""
    rule = Ages(people)
    a_id, c_id = ident(adult), ident(child)
    if adult == child:
        raise RoleError(
            f"ADULT and CHILD are the same person ({a_id}): give the adult first, then the child"
        )
    a_now = status_on(rule, adult, [on])
    c_ever = status_on(rule, child, [on, None, *child_dates])
    c_now = status_on(rule, child, [on])
    a_ever = status_on(rule, adult, [on, None, *child_dates])
    if ADULT in c_now and CHILD not in c_ever and CHILD in a_ever:
        raise RoleError(
            f"ADULT and CHILD look swapped: {c_id} given as the child is an adult ({_describe(rule, child, on)}) "
            f"and {a_id} given as the adult is a child ({_describe(rule, adult, on)}); "
            "give the adult first, then the child: cawn pack ADULT CHILD"
        )
    if CHILD not in c_ever:
        if POSSIBLE in c_ever:
            raise RoleError(
                f"CHILD {c_id}: age unknown ({_describe(rule, child, on)}); record a date of birth "
                "(or category child) before a CAWN pack names them as the child"
            )
        raise RoleError(
            f"CHILD {c_id} is not a child: {_describe(rule, child, on)}; a CAWN covers a child "
            "under 16, or under 18 in care"
        )
    if CHILD in a_now:
        raise RoleError(
            f"ADULT {a_id} is a child: {_describe(rule, adult, on)}, whatever the category; a child is "
            "never the adult warned (a child recorded as an offender is a prompt to consider exploitation)"
        )
    if a_now != {ADULT}:
        raise RoleError(
            f"ADULT {a_id} may be a child ({_describe(rule, adult, on)}); record a date of birth "
            "before naming them as the adult"
        )


def check_child(
    people: pd.DataFrame, child: str, on: date, what: str = "the CSE matrix holds children only"
) -> None:
    """Refuse unless the person is a child on `on` or was when the data first records them."""
    rule = Ages(people)
    if child not in people.index:
        raise RoleError(f"{ident(child)} is not a recorded person")
    ever = status_on(rule, child, [on, None])
    if CHILD in ever:
        return
    c_id = ident(child)
    if POSSIBLE in ever:
        raise RoleError(
            f"{c_id}: age unknown ({_describe(rule, child, on)}); record a date of birth or category "
            f"child first: {what}"
        )
    first = rule.first_seen.get(child)
    when = (
        f" and when first recorded ({_describe(rule, child, pd.Timestamp(first).date())})"
        if first is not None and pd.notna(first)
        else ""
    )
    raise RoleError(f"{c_id} is not a child: {_describe(rule, child, on)}{when}; {what}")
