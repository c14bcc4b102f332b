"""Vectorised readers for canonical columns: typed values, identifiers, sources and keys."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.schema import PropertySpec, schema
from loaders.canonical.batch import Problems
from loaders.canonical.chunks import Chunk
from loaders.values import parse_date_series, parse_datetime_series, value_type

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


@dataclass
class LoadContext:
    """What every parser of one ingest needs to know: the dataset and its sources."""

    dataset: str
    source_dates: dict[str, pd.Timestamp] = field(default_factory=dict)
    event_times: dict[str, Any] = field(default_factory=dict)  # event key -> start (datetime64)

    @property
    def default_source(self) -> str:
        """Key of the dataset's own source, given to rows whose source_id is blank."""
        return f"{self.dataset}:_default"

    def key(self, ids: pd.Series) -> pd.Series:
        """Dataset-scoped keys ("DATASET:ID") for ids."""
        prefix = self.dataset + ":"
        if ids.dtype == object:
            try:
                return prefix + ids  # Python str concatenation: no round trip through Arrow strings
            except TypeError:
                pass
        return prefix + ids.astype(str)


def col(chunk: Chunk, name: str) -> pd.Series:
    """A column as text, '' where the file has no such column."""
    frame = chunk.frame
    return frame[name] if name in frame else pd.Series("", index=frame.index, dtype=object)


def lowered(values: pd.Series) -> pd.Series:
    """A text column lower-cased, computed once per distinct value (kind columns hold a few)."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    table = np.array([v.lower() if isinstance(v, str) else v for v in distinct], dtype=object)
    return pd.Series(
        table[codes] if len(table) else np.array([], dtype=object), index=values.index, dtype=object
    )


def require(chunk: Chunk, problems: Problems, *names: str) -> None:
    """Quarantine rows in which a required column is blank."""
    for name in names:
        problems.add(col(chunk, name).eq(""), name, f"required field '{name}' is blank")


def sources(chunk: Chunk, ctx: LoadContext, problems: Problems) -> pd.Series:
    """Each row's provenance as a one-item list of source keys; unknown source ids are quarantined."""
    raw = col(chunk, "source_id")
    # A file cites few sources: work per distinct id (a blank one is the dataset's default source).
    codes, ids = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
    keys = np.array(
        [ctx.default_source if pd.isna(i) or i == "" else f"{ctx.dataset}:{i}" for i in ids],
        dtype=object,
    )
    known = np.array([k in ctx.source_dates for k in keys], dtype=bool)
    problems.add(
        ~known[codes],
        "source_id",
        lambda: (
            "source_id '" + raw + "' is not in sources.csv; add the source or leave source_id blank"
        ),
    )
    return pd.Series([[k] for k in keys[codes].tolist()], index=raw.index, dtype=object)


def source_dates(ctx: LoadContext, source_lists: pd.Series) -> pd.Series:
    """The recorded date of each row's source: the date a fact is seen when the row gives none."""
    first = pd.Series(
        [s[0] for s in source_lists.to_numpy(dtype=object)], index=source_lists.index, dtype=object
    )
    return pd.to_datetime(first.map(ctx.source_dates), errors="coerce")


def datetimes(chunk: Chunk, name: str, problems: Problems) -> pd.Series:
    """A datetime column (ISO 8601, UK local when no offset); bad values are quarantined."""
    values, bad = parse_datetime_series(col(chunk, name))
    problems.add(
        bad, name, f"'{name}' is not an ISO 8601 date or datetime, e.g. 2011-06-20T19:50:00"
    )
    return values


def typed(
    chunk: Chunk, name: str, prop: PropertySpec, problems: Problems, column: str | None = None
) -> pd.Series:
    """One property column parsed to its schema type; values that do not fit are quarantined."""
    column = column or name
    raw = col(chunk, column)
    blank = raw.eq("")
    if prop.type in ("string",):
        return raw.where(~blank, None)
    if prop.type == "enum":
        assert prop.values is not None
        value = lowered(raw).str.replace(" ", "_", regex=False)
        bad = ~blank & ~value.isin(prop.values)
        problems.add(bad, column, f"'{column}' must be one of: {', '.join(prop.values)}")
        return value.where(~blank, None)
    if prop.type == "string_list":
        return raw.map(lambda s: [p.strip() for p in s.split(";") if p.strip()] or None)
    if prop.type == "date":
        values, bad = parse_date_series(raw)
        problems.add(bad, column, f"'{column}' is not an ISO 8601 date, e.g. 2011-06-20")
        return values
    if prop.type == "timestamp":
        return datetimes(chunk, column, problems)
    if prop.type == "bool":
        low = lowered(raw)
        bad = ~blank & ~low.isin(_TRUE | _FALSE)
        problems.add(bad, column, f"'{column}' must be true or false")
        return low.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
    if prop.type in ("double", "int"):
        num = pd.to_numeric(raw.where(~blank, None), errors="coerce")
        bad = ~blank & num.isna()
        if prop.type == "int":
            bad |= ~blank & num.notna() & (num % 1 != 0)
        problems.add(bad, column, f"'{column}' must be a number")
        return num
    raise ValueError(f"no reader for property type {prop.type}")


def extras(chunk: Chunk, known: set[str]) -> pd.Series:
    """Columns beyond the schema, kept as a JSON object per row (None when all are blank)."""
    extra_cols = [c for c in chunk.frame.columns if c not in known]
    if not extra_cols:
        return pd.Series(None, index=chunk.frame.index, dtype=object)
    sub = chunk.frame[extra_cols]
    return pd.Series(
        [
            json.dumps(
                {k: v for k, v in zip(extra_cols, row, strict=True) if v}, ensure_ascii=False
            )
            if any(row)
            else None
            for row in sub.itertuples(index=False, name=None)
        ],
        index=sub.index,
        dtype=object,
    )


@dataclass
class Identified:
    """Normalised identifiers of one kind for a column: store keys plus what to record on the node."""

    entity: str
    keys: pd.Series
    nodes: pd.DataFrame  # rows for upsert_nodes (key, id, ...), aligned with `keys`


def identify(ctx: LoadContext, entity: str, raw: pd.Series) -> Identified:
    """Turn ids as written into store keys: a kind with an `id_type` in the schema (a phone, a
    vehicle) is keyed by its value type's clean form (E.164, the normalised VRM) across datasets,
    with what that type keeps beside it; any other kind is dataset-scoped."""
    id_type = schema().entity(entity).id_type
    if id_type is not None:
        kind = value_type(id_type)
        clean = kind.clean_series(raw)
        keys = clean["value"]
        nodes = pd.DataFrame({"key": keys, "id": keys, **kind.id_columns(raw, clean)})
        return Identified(entity, keys, nodes)
    keys = ctx.key(raw)
    nodes = pd.DataFrame({"key": keys, "id": raw, "dataset": ctx.dataset})
    return Identified(entity, keys, nodes)


def with_provenance(
    nodes: pd.DataFrame, srcs: pd.Series, first: pd.Series, last: pd.Series
) -> pd.DataFrame:
    """Node or link rows with their sources and seen dates attached."""
    out = nodes.copy()
    out["sources"] = srcs.to_numpy()
    out["first_seen"] = np.asarray(first)
    out["last_seen"] = np.asarray(last)
    return out
