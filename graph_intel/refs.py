"""Naming entities as the contract does: ids as given, `DATASET:ID` where a bare id is ambiguous."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore


class RefError(LookupError):
    """An entity reference names nothing, or more than one thing; the message lists the choices."""


def resolve(store: GraphStore, kind: str, ident: str) -> tuple[str, str]:
    """The (entity, key) an argument like `person C1`, `person police:C1` or `phone 07700 900123` names."""
    try:
        spec = schema().entity(kind)
    except KeyError as exc:
        raise RefError(str(exc.args[0])) from exc
    if spec.scope == "global":
        from loaders.values import PHONE, VRM  # phone numbers' metadata: only when a phone is named

        cleaner = PHONE if spec.name == "Phone" else VRM
        cleaned = cleaner.clean(ident)
        key = cleaned.value if cleaned else ident
        if store.get_node(spec.name, key) is None:
            raise RefError(f"no {spec.cli} {ident} in the store")
        return spec.name, key
    if ":" in ident and store.get_node(spec.name, ident) is not None:
        return spec.name, ident
    keys = store.find_keys(spec.name, ident)
    if not keys:
        raise RefError(f"no {spec.cli} {ident} in the store")
    if len(keys) > 1:
        raise RefError(f"{spec.cli} {ident} is ambiguous: say which, one of {', '.join(keys)}")
    return spec.name, keys[0]


def split_key(key: str, entity: str) -> tuple[str | None, str]:
    """(dataset, id) of a stored key; global kinds have no dataset."""
    if _is_global(entity):
        return None, key
    dataset, _, ident = key.partition(":")
    return dataset, ident


@lru_cache(maxsize=64)
def _is_global(entity: str) -> bool:
    """Whether an entity kind is global (phones, vehicles): split_key runs once per row of an answer."""
    return schema().entity(entity).scope == "global"


def ref_json(entity: str, key: str, many_datasets: bool) -> dict[str, Any]:
    """How JSON names an entity: its id, and its dataset when more than one is loaded."""
    dataset, ident = split_key(key, entity)
    out: dict[str, Any] = {"kind": schema().entity(entity).cli, "id": ident}
    if many_datasets and dataset is not None:
        out["dataset"] = dataset
    return out
