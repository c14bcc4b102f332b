"""Analyst judgements on pairs of person records: same, not_same or unsure, with who, when and why.

Storage (append-only, in the graph store itself, so the embedded store and Neo4j hold the same
judgements through the ordinary store interface and no schema change). One judgement writes:
- a Source `resolution/<stamp>` (in the first record's dataset, agency `other`, reference
  `entity resolution`) saying who recorded it and when;
- a Report with the same id whose text states the judgement in words and whose `extra` JSON holds
  it as data (`{"resolution": {"a", "b", "judgement", "by", "at", "reason"}}`). Reports are never
  changed; they are the log of every judgement, withdrawals included. The Report is deliberately
  not linked to the persons, so it never shows up as a record about them in an analysis;
- for a `same` judgement, or any later judgement on a pair that has one, the pair's SAME_AS link
  (from the lower key to the higher) with `extra` = `{"judgements": [...]}`: the pair's whole
  history, oldest first, and the judgement Sources in `sources`. The link is only ever widened.
A pair's current judgement is the last entry of its history; `withdrawn` withdraws the previous one
(the history keeps both). Only pairs whose current judgement is `same` join records into a cluster
(graph_intel.resolution.clusters): a withdrawn or contradicted `same` no longer merges anything, and
nothing about the records themselves ever changes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pandas as pd

from graph_intel.entries import free_entry_id, write_entry
from graph_intel.refs import resolve, split_key
from graph_intel.stores.base import GraphStore

#: The judgements an analyst can make, and the entry that withdraws the current one.
JUDGEMENTS = ("same", "not_same", "unsure")
WITHDRAWN = "withdrawn"
PREFIX = "resolution/"
MARK = "resolution"


class JudgementError(ValueError):
    """A judgement cannot be recorded as asked (bad judgement, person or reason); the message says why."""


def _pair(store: GraphStore, a: str, b: str) -> tuple[str, str]:
    """The stored keys of two person arguments, lower first; they must differ."""
    ka = resolve(store, "person", a)[1]
    kb = resolve(store, "person", b)[1]
    if ka == kb:
        raise JudgementError(f"{a} and {b} are the same record; judge two different records")
    return (ka, kb) if ka < kb else (kb, ka)


def pair_history(store: GraphStore, a_key: str, b_key: str) -> list[dict[str, Any]]:
    """The judgement history on the SAME_AS link of a pair of keys (either order), oldest first."""
    lo, hi = sorted((a_key, b_key))
    links = store.links("SAME_AS", from_keys=[lo], to_keys=[hi])
    return _history(links["extra"].iloc[0]) if not links.empty else []


def _history(extra: Any) -> list[dict[str, Any]]:
    """The `judgements` list of a SAME_AS link's extra JSON ([] when blank or unreadable)."""
    try:
        items = json.loads(extra).get("judgements", []) if isinstance(extra, str) and extra else []
    except (ValueError, AttributeError):
        return []
    return [i for i in items if isinstance(i, dict)]


def judge(
    store: GraphStore,
    a: str,
    b: str,
    judgement: str,
    reason: str,
    by: str,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Record an analyst's judgement on two person records (appended, never overwriting) and return it."""
    word = judgement.strip().lower().replace("-", "_")
    if word not in JUDGEMENTS:
        raise JudgementError(f"judgement {judgement!r} must be one of same, not_same, unsure")
    return _record(store, a, b, word, reason, by, at)


def withdraw(
    store: GraphStore, a: str, b: str, reason: str, by: str, at: datetime | None = None
) -> dict[str, Any]:
    """Withdraw the current judgement on a pair (history kept); a withdrawn `same` no longer merges them."""
    ka, kb = _pair(store, a, b)
    if not pair_history(store, ka, kb) and not _logged(store, ka, kb):
        raise JudgementError(f"there is no judgement on {ka} and {kb} to withdraw")
    return _record(store, ka, kb, WITHDRAWN, reason, by, at)


def _logged(store: GraphStore, ka: str, kb: str) -> bool:
    """True when the log holds any judgement on the pair."""
    return any(e["a"] == ka and e["b"] == kb for e in judgements(store))


def _record(
    store: GraphStore, a: str, b: str, word: str, reason: str, by: str, at: datetime | None
) -> dict[str, Any]:
    """Append one judgement: its Source and Report, and the pair's SAME_AS history when it has one or is `same`."""
    if not by or not by.strip():
        raise JudgementError("--by must name who made the judgement")
    if not reason or not reason.strip():
        raise JudgementError("--reason must say why")
    ka, kb = _pair(store, a, b)
    when = (at or datetime.now()).replace(tzinfo=None)
    dataset = split_key(ka, "Person")[0] or "resolution"
    rid = free_entry_id(store, dataset, f"{PREFIX}{when.strftime('%Y%m%dT%H%M%S%f')}")
    rkey = f"{dataset}:{rid}"
    entry = {
        "a": ka,
        "b": kb,
        "judgement": word,
        "by": by.strip(),
        "at": when.isoformat(),
        "reason": reason.strip(),
        "record": rkey,
    }
    text = (
        f"Entity resolution: {ka} and {kb} judged {word.upper()} by {entry['by']} on {when.date()}. "
        f"Reason: {entry['reason']}"
    )
    write_entry(
        store,
        dataset=dataset,
        rid=rid,
        when=when,
        agency="other",
        reference="entity resolution",
        handling_note=f"resolution judgement by {entry['by']}",
        text=text,
        mark=MARK,
        entry=entry,
    )
    history = pair_history(store, ka, kb)
    if word == "same" or history:
        history = sorted([*history, entry], key=lambda e: (e["at"], e["record"]))
        store.upsert_links(
            "SAME_AS",
            "Person",
            "Person",
            pd.DataFrame(
                [
                    {
                        "from_key": ka,
                        "to_key": kb,
                        "sources": [rkey],
                        "first_seen": when,
                        "last_seen": when,
                        "extra": json.dumps({"judgements": history}, ensure_ascii=False),
                    }
                ]
            ),
        )
    return {"a": ka, "b": kb, "judgement": word, "by": entry["by"], "at": entry["at"]}


def judgements(store: GraphStore) -> list[dict[str, Any]]:
    """Every judgement ever recorded (the Report log), oldest first."""
    reports = store.nodes("Report", columns=["id", "extra"])
    if reports.empty:
        return []
    reports = reports[reports["id"].astype(str).str.startswith(PREFIX)]
    out = []
    for extra in reports["extra"]:
        try:
            entry = json.loads(extra)[MARK] if isinstance(extra, str) else None
        except (ValueError, KeyError, TypeError):
            entry = None
        if isinstance(entry, dict):
            out.append(entry)
    out.sort(key=lambda e: (e["at"], e["record"]))
    return out


def current(store: GraphStore) -> dict[tuple[str, str], dict[str, Any]]:
    """(lower key, higher key) -> the pair's current judgement entry, from the SAME_AS links' histories."""
    links = store.links("SAME_AS")
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for a, b, extra in (
        zip(links["from_key"], links["to_key"], links["extra"], strict=True)
        if not links.empty
        else ()
    ):
        history = _history(extra)
        if history:
            out[(a, b) if a < b else (b, a)] = history[-1]
    return out
