"""The CSE matrix: each child's RAG status (red, amber, green) with who set it, when, why and a review date.

Storage: each entry is written into the graph store itself, so the embedded store and Neo4j both
hold it and every reader of the store sees the same matrix, through the ordinary store interface
and no schema change. One `matrix set` appends three records and never changes an old one:
- a Source (`matrix/<child>/<stamp>`, in the child's dataset) saying who recorded it and when,
  with the agency given (default `other`) and the reference `CSE matrix`;
- a Report with the same id whose text states the entry in words and whose `extra` JSON holds
  it as data (`{"cse_matrix": {"rag", "by", "set_at", "review", "reason"}}`);
- an `about` link from that Report to the child.
A child's current status is their latest entry; the earlier ones are its history. The entries
are prompts a professional set; the tool never sets or changes a RAG status itself.

Only a child goes on the matrix: a person a child on the day the entry is set, or when the data
first records them, by age (graph_intel.analysis.age), whatever their category; an adult, or a
person of unknown age, is refused with the reason. A child leaves the matrix only by an appended
closing entry (`matrix close`, rag `closed`, with who, when and why); the history stays, and
`matrix list` leaves closed children out unless asked for them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd

from graph_intel.analysis.evidence import persons
from graph_intel.refs import resolve, split_key
from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.common import ident, iso, parse_day
from graph_intel.safeguarding.roles import RoleError, check_child
from graph_intel.stores.base import GraphStore

RAG = ("red", "amber", "green")
#: The status of a closing entry: the child has left the matrix (the history stays).
CLOSED = "closed"
PREFIX = "matrix/"
MARK = "cse_matrix"


class MatrixError(ValueError):
    """A matrix entry cannot be set as asked (bad RAG, date or person); the message says why."""


def set_status(
    store: GraphStore, child: str, rag: str, by: str, review: str | date, reason: str,
    agency: str = "other", at: datetime | None = None,
) -> dict[str, Any]:
    """Append a matrix entry for a child (never overwriting an earlier one) and return it."""
    colour = rag.strip().lower()
    if colour not in RAG:
        raise MatrixError(f"RAG {rag!r} must be one of red, amber, green")
    return _append(store, child, colour, by, review, reason, agency, at)


def close(store: GraphStore, child: str, by: str, reason: str, agency: str = "other",
          at: datetime | None = None) -> dict[str, Any]:
    """Append a closing entry: the child leaves the matrix, with who, when and why (the history stays)."""
    _, key = resolve(store, "person", child)
    mine = entries(store).get(key)
    if not mine:
        raise MatrixError(f"{ident(key)} is not on the CSE matrix: nothing to close")
    if mine[-1]["rag"] == CLOSED:
        raise MatrixError(f"{ident(key)} already left the CSE matrix on {mine[-1]['set_at'][:10]}: nothing to close")
    when = (at or datetime.now()).replace(tzinfo=None)
    return _append(store, child, CLOSED, by, when.date(), reason, agency, when)


def _append(
    store: GraphStore, child: str, colour: str, by: str, review: str | date, reason: str,
    agency: str = "other", at: datetime | None = None,
) -> dict[str, Any]:
    """Write one matrix entry (Source, Report, about link) after checking who and why."""
    if not by.strip():
        raise MatrixError("--by must name who set the status")
    if not reason.strip():
        raise MatrixError("--reason must say why")
    try:
        review_day = parse_day(review)
    except ValueError as exc:
        raise MatrixError(f"--review: {exc}") from exc
    _, key = resolve(store, "person", child)
    when = (at or datetime.now()).replace(tzinfo=None)
    if colour != CLOSED:
        try:
            check_child(persons(store), representatives(store).get(key, key), when.date())
        except RoleError as exc:
            raise MatrixError(str(exc)) from exc
    dataset, child_id = split_key(key, "Person")
    rid = f"{PREFIX}{child_id}/{when.strftime('%Y%m%dT%H%M%S%f')}"
    while store.get_node("Report", f"{dataset}:{rid}") is not None:
        rid += "+"
    rkey = f"{dataset}:{rid}"
    entry = {"rag": colour, "by": by.strip(), "set_at": when.isoformat(), "review": review_day.isoformat(),
             "reason": reason.strip()}
    text = (f"CSE matrix: {colour.upper()} for {child_id}, set by {entry['by']} on {when.date()}; "
            f"review by {entry['review']}. Reason: {entry['reason']}") if colour != CLOSED else (
            f"CSE matrix: {child_id} taken off the matrix by {entry['by']} on {when.date()}. Reason: {entry['reason']}")
    store.upsert_nodes("Source", pd.DataFrame([{
        "key": rkey, "id": rid, "dataset": dataset, "sources": [rkey], "first_seen": when, "last_seen": when,
        "agency": agency, "recorded_at": when, "reference": "CSE matrix",
        "handling_note": f"CSE matrix entry set by {entry['by']}",
    }]))
    store.upsert_nodes("Report", pd.DataFrame([{
        "key": rkey, "id": rid, "dataset": dataset, "sources": [rkey], "first_seen": when, "last_seen": when,
        "recorded_at": when, "text": text, "extra": json.dumps({MARK: entry}, ensure_ascii=False),
    }]))
    store.upsert_links("ABOUT", "Report", "Person", pd.DataFrame([{
        "from_key": rkey, "to_key": key, "sources": [rkey], "first_seen": when, "last_seen": when,
    }]))
    return {"person_id": child_id, **entry, "entry": rid}


def entries(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """Every matrix entry per child key, oldest first."""
    keys = store.keys_starting("Report", "id", PREFIX)  # the entries, found by id in the store
    if not keys:
        return {}
    reports = store.nodes("Report", keys=keys, columns=["id", "extra", "recorded_at"])
    if reports.empty:
        return {}
    about = store.links("ABOUT", from_keys=list(reports["key"]))
    child_of = dict(zip(about["from_key"], about["to_key"], strict=True))
    out: dict[str, list[dict[str, Any]]] = {}
    for key, rid, extra in zip(reports["key"], reports["id"], reports["extra"], strict=True):
        try:
            entry = json.loads(extra)[MARK] if isinstance(extra, str) else None
        except (ValueError, KeyError, TypeError):
            entry = None
        if not entry or key not in child_of:
            continue
        out.setdefault(child_of[key], []).append({**entry, "entry": rid})
    for items in out.values():
        items.sort(key=lambda e: (e["set_at"], e["entry"]))
    return out


def matrix_list(store: GraphStore, as_of: date | None = None, include_closed: bool = False) -> list[dict[str, Any]]:
    """Each child's current RAG status (their latest entry), whether its review is due, and its history.

    A child whose latest entry closes their place is left out (with `include_closed`, listed as `closed`).
    """
    day = as_of or date.today()
    out = []
    for child, items in entries(store).items():
        now = items[-1]
        closed = now["rag"] == CLOSED
        if closed and not include_closed:
            continue
        out.append({"person_id": ident(child), "rag": now["rag"], "by": now["by"], "set_at": iso(now["set_at"]),
                    "review": now["review"], "reason": now["reason"],
                    "review_due": (not closed) and now["review"] <= day.isoformat(), "history": items})
    order = {c: i for i, c in enumerate((*RAG, CLOSED))}
    out.sort(key=lambda r: (order[r["rag"]], r["review"], r["person_id"]))
    return out
