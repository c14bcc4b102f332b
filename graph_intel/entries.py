"""A professional's entry, written into the store as a record that is its own source.

A CSE matrix status and an entity-resolution judgement are each kept as a Source and a Report with
one key (`dataset:id`), the Report's text saying what was decided and its `extra` holding the entry
under its module's mark. An entry is never overwritten: two made in the same microsecond get
different ids.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pandas as pd

from graph_intel.stores.base import GraphStore


def free_entry_id(store: GraphStore, dataset: str | None, rid: str) -> str:
    """`rid`, with "+" added until no Report of `dataset` has it."""
    while store.get_node("Report", f"{dataset}:{rid}") is not None:
        rid += "+"
    return rid


def write_entry(
    store: GraphStore,
    *,
    dataset: str | None,
    rid: str,
    when: datetime,
    agency: str,
    reference: str,
    handling_note: str,
    text: str,
    mark: str,
    entry: dict[str, Any],
) -> str:
    """Write the entry's Source and Report, both keyed `dataset:rid`; returns that key."""
    rkey = f"{dataset}:{rid}"
    common = {
        "key": rkey,
        "id": rid,
        "dataset": dataset,
        "sources": [rkey],
        "first_seen": when,
        "last_seen": when,
        "recorded_at": when,
    }
    source = {**common, "agency": agency, "reference": reference, "handling_note": handling_note}
    store.upsert_nodes("Source", pd.DataFrame([source]))
    report = {**common, "text": text, "extra": json.dumps({mark: entry}, ensure_ascii=False)}
    store.upsert_nodes("Report", pd.DataFrame([report]))
    return rkey
