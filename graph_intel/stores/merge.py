"""How incoming rows combine with each other and with stored rows: the upsert rules, in pandas.

One identity (an entity's key; a link's two ends and identity properties) is one stored row.
`sources` and list properties are unioned, `first_seen` takes the earliest and `last_seen` the
latest date, a non-blank scalar replaces a stored one and a blank never erases. Applying the same
rows again changes nothing, which is what makes every load idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

_EARLIEST = "first_seen"
_LATEST = "last_seen"


@dataclass
class Reconciled:
    """The outcome of comparing incoming rows with stored ones."""

    new: pd.DataFrame  # identities not stored yet: insert them
    changed: pd.DataFrame  # stored identities whose merged values differ: write all merged columns
    unchanged: int  # stored identities the rows add nothing to
    #: stored rows (as they were) whose non-blank values the incoming rows replace, and per row the
    #: columns replaced: the earlier versions a load keeps (filling a blank, widening dates or
    #: lists replaces nothing)
    superseded: pd.DataFrame | None = None
    replaced: list[list[str]] = field(default_factory=list)


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple | np.ndarray):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_list(value: Any) -> list[Any]:
    if _is_blank(value):
        return []
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    return [value]


def union(a: Any, b: Any) -> list[Any]:
    """The values of a then the new values of b, in first-seen order, without repeats."""
    out = _as_list(a)
    seen = set(out)
    for v in _as_list(b):
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def collapse(
    rows: pd.DataFrame, identity: Sequence[str], list_columns: Sequence[str]
) -> pd.DataFrame:
    """Merge rows that share an identity into one row each, by the upsert rules (vectorised)."""
    ident = list(identity)
    dup = rows.duplicated(subset=ident, keep=False).to_numpy()
    if not dup.any():
        return rows
    single = rows[~dup]
    many = rows[dup].reset_index(drop=True)
    groups = many.groupby(ident, sort=False, dropna=False)
    merged = groups.last()  # the last non-blank value of each scalar column
    for col in (_EARLIEST, _LATEST):
        if col in many:
            merged[col] = getattr(groups[col], "min" if col == _EARLIEST else "max")()
    codes = groups.ngroup().to_numpy()  # numbered in the order of `merged`'s rows
    for col in list_columns:
        if col in many:
            merged[col] = _unions_by_group(many[col], codes, len(merged))
    merged = merged.reset_index()[rows.columns]
    return pd.concat([single, merged], ignore_index=True)


def _unions_by_group(values: pd.Series, codes: np.ndarray, groups: int) -> list[list[Any] | None]:
    """For each group code, the union of its rows' lists in first-seen order (None when empty)."""
    rows = values.to_numpy(dtype=object)
    listed = np.fromiter(
        (isinstance(v, list) for v in rows), dtype=bool, count=len(rows)
    )  # one class: fast
    other = [i for i in np.flatnonzero(~listed) if isinstance(rows[i], tuple | np.ndarray)]
    if other:  # tuples and arrays (as some reads return lists) count as lists
        rows = rows.copy()
        for i in other:
            rows[i] = list(rows[i])
        listed[other] = True
    sizes = np.zeros(len(rows), dtype=np.int64)
    sizes[listed] = pd.Series(rows[listed], dtype=object).str.len().to_numpy(dtype=np.int64)
    flat = pd.Series(list(chain.from_iterable(rows[listed])), dtype=object)
    value_codes, distinct = pd.factorize(flat, use_na_sentinel=True)
    group = np.repeat(codes, sizes)
    keep = value_codes >= 0  # blanks inside lists are dropped
    pair = group[keep] * max(len(distinct), 1) + value_codes[keep]
    _, first = np.unique(pair, return_index=True)
    first.sort()  # each (group, value) once, in the order first seen
    group_of, value_of = group[keep][first], value_codes[keep][first]
    out: list[list[Any] | None] = [None] * groups
    for g, value in zip(
        group_of.tolist(), np.asarray(distinct, dtype=object)[value_of].tolist(), strict=True
    ):
        found = out[g]
        if found is None:
            out[g] = [value]
        else:
            found.append(value)
    return out


def reconcile(
    incoming: pd.DataFrame,
    stored: pd.DataFrame,
    identity: Sequence[str],
    list_columns: Sequence[str],
) -> Reconciled:
    """Split collapsed incoming rows into new ones and stored ones whose merged values change."""
    ident = list(identity)
    if stored.empty:
        return Reconciled(new=incoming, changed=incoming.iloc[0:0], unchanged=0)
    stored = stored.drop_duplicates(subset=ident)
    marker = stored[ident].assign(_stored=True)
    flagged = incoming.merge(marker, on=ident, how="left")
    is_stored = flagged["_stored"].eq(True).to_numpy()
    new = incoming[~is_stored]
    matched = incoming[is_stored]
    if matched.empty:
        return Reconciled(new=new, changed=matched, unchanged=0)
    columns = [c for c in matched.columns if c not in ident]
    old = matched[ident].merge(stored, on=ident, how="left")
    old.index = matched.index
    merged = matched[ident].copy()
    differs = np.zeros(len(matched), dtype=bool)
    replaced: dict[str, np.ndarray] = {}
    for col in columns:
        new_col = matched[col]
        old_col = (
            old[col]
            if col in old.columns
            else pd.Series([None] * len(matched), index=matched.index)
        )
        if col in list_columns:
            values = [union(o, n) or None for o, n in zip(old_col, new_col, strict=True)]
            merged[col] = values
            differs |= np.array(
                [len(v or []) != len(_as_list(o)) for v, o in zip(values, old_col, strict=True)],
                dtype=bool,
            )
            continue
        if col in (_EARLIEST, _LATEST):
            a = pd.to_datetime(old_col)
            b = pd.to_datetime(new_col)
            pick = b.where(a.isna() | ((b < a) if col == _EARLIEST else (b > a)), a)
            merged[col] = pick
            differs |= ~(_same_series(pick, a))
            continue
        value = new_col.where(new_col.notna(), old_col)
        merged[col] = value
        same = _same_series(value, old_col)
        differs |= ~same
        swapped = ~same & old_col.notna().to_numpy()  # a stored value replaced (not a blank filled)
        if swapped.any():
            replaced[col] = swapped
    out = Reconciled(new=new, changed=merged[differs], unchanged=int((~differs).sum()))
    if replaced:
        rows = np.zeros(len(matched), dtype=bool)
        for swapped in replaced.values():
            rows |= swapped
        out.superseded = old[rows]
        out.replaced = [
            [c for c, swapped in replaced.items() if swapped[i]] for i in np.flatnonzero(rows)
        ]
    return out


def _same_series(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where two blanks are equal and dates compare by value."""
    both_blank = a.isna().to_numpy() & b.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(a) or pd.api.types.is_datetime64_any_dtype(b):
        eq = (pd.to_datetime(a, errors="coerce") == pd.to_datetime(b, errors="coerce")).to_numpy()
    else:
        eq = np.array([_scalar_eq(x, y) for x, y in zip(a, b, strict=True)], dtype=bool)
    return both_blank | eq


def _scalar_eq(x: Any, y: Any) -> bool:
    if _is_blank(x) or _is_blank(y):
        return _is_blank(x) and _is_blank(y)
    if isinstance(x, float | int | np.number) and isinstance(y, float | int | np.number):
        return bool(x == y)
    if hasattr(x, "isoformat") and hasattr(y, "isoformat"):
        return pd.Timestamp(x) == pd.Timestamp(y)
    return str(x) == str(y)
