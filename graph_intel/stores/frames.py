"""Shape pandas frames to the schema's columns and types, for bulk loads and parameters."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_intel.schema import EntitySpec, LinkSpec

_ARROW = {
    "string": pa.string(),
    "enum": pa.string(),
    "string_list": pa.list_(pa.string()),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "bool": pa.bool_(),
    "double": pa.float64(),
    "int": pa.int64(),
}


def conform_nodes(spec: EntitySpec, rows: pd.DataFrame) -> pd.DataFrame:
    """All of the entity's columns, in schema order, typed; missing ones blank."""
    return _conform(rows, spec.columns())


def link_types(spec: LinkSpec) -> dict[str, str]:
    """A link row's columns and their types: from_key, to_key, then the link's columns."""
    return {"from_key": "string", "to_key": "string", **spec.columns()}


def conform_links(spec: LinkSpec, rows: pd.DataFrame) -> pd.DataFrame:
    """from_key, to_key and all of the link's columns, in schema order, typed; a property with a
    default (an association's `basis`) takes it where blank, so an identity is never null."""
    out = _conform(rows, link_types(spec))
    for name, prop in spec.properties.items():
        if prop.default is not None:
            out[name] = out[name].where(out[name].notna(), prop.default)
    return out


def _conform(rows: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    out = {}
    for col, typ in types.items():
        series = rows[col] if col in rows else pd.Series([None] * len(rows), index=rows.index)
        out[col] = _typed(series, typ)
    return pd.DataFrame(out, index=rows.index).reset_index(drop=True)


def _typed(series: pd.Series, typ: str) -> pd.Series:
    if typ == "timestamp":
        return pd.to_datetime(series, errors="coerce").astype("datetime64[us]")
    if typ == "date":
        return pd.to_datetime(series, errors="coerce").astype("datetime64[us]")
    if typ == "double":
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if typ == "int":
        return pd.to_numeric(series, errors="coerce").astype("Int64")
    if typ == "bool":
        return series.astype("object").where(series.notna(), None)
    if typ == "string_list":
        return series.astype("object")
    return series.astype("object").where(series.notna(), None)


def member(values: pd.Series, keys: Collection[str]) -> np.ndarray:
    """Whether each value is one of `keys`, by Arrow's hash lookup (pandas 3's `isin` on Arrow
    strings turns every key into a Python scalar first, which dominates with many keys)."""
    if not len(keys):
        return np.zeros(len(values), dtype=bool)
    data = pa.array(values, type=pa.string(), from_pandas=True)
    found = pc.is_in(data, value_set=pa.array(list(keys), type=pa.string()))
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def arrow_table(frame: pd.DataFrame, types: Mapping[str, str]) -> pa.Table:
    """An Arrow table with the schema's types, so blanks arrive as NULL in a bulk load."""
    arrays = []
    for col, typ in types.items():
        series = frame[col]
        if typ == "date":
            days = pd.to_datetime(series, errors="coerce").to_numpy(dtype="datetime64[D]")
            arrays.append(pa.array(days, type=pa.date32(), mask=pd.isna(days)))
        elif typ == "string_list":
            arrays.append(_string_lists(series))
        else:
            arrays.append(pa.Array.from_pandas(series, type=_ARROW[typ]))
    return pa.Table.from_arrays(arrays, names=list(types))


def _string_lists(series: pd.Series) -> pa.Array:
    """A column of lists (None, NaN or a non-list for blank) as an Arrow list array."""
    try:
        return pa.array(series.to_numpy(dtype=object), type=_ARROW["string_list"], from_pandas=True)
    except (pa.ArrowException, TypeError):
        values = [
            v if isinstance(v, list) else (list(v) if isinstance(v, tuple | np.ndarray) else None)
            for v in series
        ]
        return pa.array(values, type=_ARROW["string_list"])


def param_rows(frame: pd.DataFrame, types: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows as plain Python dicts (None for blanks, datetimes, lists) for a Cypher parameter."""
    columns = {}
    for col in frame.columns:
        series = frame[col]
        typ = types.get(col)
        if pd.api.types.is_datetime64_any_dtype(series):
            values = [
                None if v is pd.NaT else (v.date() if typ == "date" else v.to_pydatetime())
                for v in series
            ]
        elif typ in ("string", "enum") or series.dtype == object and typ != "string_list":
            values = [plain_value(v, typ) for v in series.tolist()]
        else:
            values = [plain_value(v, typ) for v in series.tolist()]
        columns[col] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def plain_value(value: Any, typ: str | None = None) -> Any:
    """One value as the database drivers take it."""
    if isinstance(value, list | tuple | np.ndarray):
        return [plain_value(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if typ == "date" else value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return plain_value(pd.Timestamp(value), typ)
    if isinstance(value, dt.datetime) and typ == "date":
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA:
        return None
    return value
