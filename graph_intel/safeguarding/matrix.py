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
closing entry (`matrix close`, rag `closed`, with who, when and why: off the matrix with a
reason); the history stays, and `matrix list` leaves closed children out unless asked for them.

As the hub keeps it, an entry may also name the child's lead worker and say whether a referral to
the National Referral Mechanism (NRM, the modern slavery framework) has been made; each stands
until a later entry states it again. And a child on the matrix about whom no new intelligence has
been recorded for a period (`RiskRules.no_new_intelligence_days`, 90 by default) is listed with a
prompt: a candidate for review of their place, never taken off automatically. Intelligence here is
any fact of the child's chronology (events, contacts, links, reports, school, health and gift
records, referrals) except the hub's own bookkeeping: matrix entries, allocations and assessments.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd

from graph_intel.analysis.evidence import persons
from graph_intel.entries import free_entry_id, write_entry
from graph_intel.refs import resolve, split_key
from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.common import end_of_day, ident, iso, parse_day, to_datetime
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
    store: GraphStore,
    child: str,
    rag: str,
    by: str,
    review: str | date,
    reason: str,
    agency: str = "other",
    at: datetime | None = None,
    lead_worker: str | None = None,
    nrm: bool | None = None,
) -> dict[str, Any]:
    """Append a matrix entry for a child (never overwriting an earlier one) and return it.

    `lead_worker` names the child's lead worker and `nrm` says whether an NRM referral has been
    made; either left as None keeps what the child's earlier entries said.
    """
    colour = rag.strip().lower()
    if colour not in RAG:
        raise MatrixError(f"RAG {rag!r} must be one of red, amber, green")
    if lead_worker is not None and not lead_worker.strip():
        raise MatrixError("--lead-worker must name the lead worker (or be left out)")
    return _append(store, child, colour, by, review, reason, agency, at, lead_worker, nrm)


def close(
    store: GraphStore,
    child: str,
    by: str,
    reason: str,
    agency: str = "other",
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append a closing entry: the child leaves the matrix, with who, when and why (the history stays)."""
    _, key = resolve(store, "person", child)
    mine = entries(store).get(key)
    if not mine:
        raise MatrixError(f"{ident(key)} is not on the CSE matrix: nothing to close")
    if mine[-1]["rag"] == CLOSED:
        raise MatrixError(
            f"{ident(key)} already left the CSE matrix on {mine[-1]['set_at'][:10]}: nothing to close"
        )
    when = (at or datetime.now()).replace(tzinfo=None)
    return _append(store, child, CLOSED, by, when.date(), reason, agency, when)


def _append(
    store: GraphStore,
    child: str,
    colour: str,
    by: str,
    review: str | date,
    reason: str,
    agency: str = "other",
    at: datetime | None = None,
    lead_worker: str | None = None,
    nrm: bool | None = None,
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
    rid = free_entry_id(store, dataset, f"{PREFIX}{child_id}/{when.strftime('%Y%m%dT%H%M%S%f')}")
    entry: dict[str, Any] = {
        "rag": colour,
        "by": by.strip(),
        "set_at": when.isoformat(),
        "review": review_day.isoformat(),
        "reason": reason.strip(),
    }
    if lead_worker is not None:
        entry["lead_worker"] = lead_worker.strip()
    if nrm is not None:
        entry["nrm_referral"] = nrm
    text = (
        (
            f"CSE matrix: {colour.upper()} for {child_id}, set by {entry['by']} on {when.date()}; "
            f"review by {entry['review']}. Reason: {entry['reason']}"
        )
        if colour != CLOSED
        else (
            f"CSE matrix: {child_id} taken off the matrix by {entry['by']} on {when.date()}. Reason: {entry['reason']}"
        )
    )
    if lead_worker is not None:
        text += f". Lead worker: {entry['lead_worker']}"
    if nrm is not None:
        text += ". NRM referral made" if nrm else ". No NRM referral made"
    rkey = write_entry(
        store,
        dataset=dataset,
        rid=rid,
        when=when,
        agency=agency,
        reference="CSE matrix",
        handling_note=f"CSE matrix entry set by {entry['by']}",
        text=text,
        mark=MARK,
        entry=entry,
    )
    store.upsert_links(
        "ABOUT",
        "Report",
        "Person",
        pd.DataFrame(
            [
                {
                    "from_key": rkey,
                    "to_key": key,
                    "sources": [rkey],
                    "first_seen": when,
                    "last_seen": when,
                }
            ]
        ),
    )
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


def _stated(items: list[dict[str, Any]], name: str) -> Any:
    """What the latest entry that states `name` says (None when none does)."""
    for entry in reversed(items):
        if name in entry:
            return entry[name]
    return None


def matrix_list(
    store: GraphStore,
    as_of: date | None = None,
    include_closed: bool = False,
    quiet_days: int | None = None,
    evidence: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Each child's current RAG status (their latest entry), whether its review is due, and its history.

    A child whose latest entry closes their place is left out (with `include_closed`, listed as
    `closed`, with `off_matrix`: who, when, why). Each child on the matrix also carries their lead
    worker, the NRM referral flag, their latest intelligence up to the date, and the
    `no_new_intelligence` prompt when none is recorded in the last `quiet_days` days (default: the
    risk rules' `no_new_intelligence_days`). `evidence` is contact_evidence(store) when the caller
    has it already.
    """
    day = as_of or date.today()
    if quiet_days is None:
        from graph_intel.safeguarding.risk import default_rules

        quiet_days = default_rules().no_new_intelligence_days
    if quiet_days < 1:
        raise MatrixError(
            f"the period with no new intelligence must be 1 day or more, not {quiet_days}"
        )
    out = []
    latest: dict[str, dict[str, Any] | None] = {}
    all_entries = entries(store)
    open_children = [c for c, items in all_entries.items() if items[-1]["rag"] != CLOSED]
    if open_children:
        latest = last_intelligence(store, open_children, day, evidence)
    for child, items in all_entries.items():
        now = items[-1]
        closed = now["rag"] == CLOSED
        if closed and not include_closed:
            continue
        row: dict[str, Any] = {
            "person_id": ident(child),
            "rag": now["rag"],
            "by": now["by"],
            "set_at": iso(now["set_at"]),
            "review": now["review"],
            "reason": now["reason"],
            "review_due": (not closed) and now["review"] <= day.isoformat(),
            "history": items,
            "lead_worker": _stated(items, "lead_worker"),
            "nrm_referral": bool(_stated(items, "nrm_referral")),
            "off_matrix": {"by": now["by"], "at": iso(now["set_at"]), "reason": now["reason"]}
            if closed
            else None,
            "last_intelligence": None,
            "no_new_intelligence": None,
        }
        if not closed:
            row["last_intelligence"] = latest.get(child)
            row["no_new_intelligence"] = quiet_prompt(
                child, items, latest.get(child), day, quiet_days
            )
        out.append(row)
    order = {c: i for i, c in enumerate((*RAG, CLOSED))}
    out.sort(key=lambda r: (order[r["rag"]], r["review"], r["person_id"]))
    return out


#: Chronology rows that are the hub's own bookkeeping, not intelligence about the child.
NOT_INTELLIGENCE = ("allocation", "risk_assessment", "prompt", "flag")


def last_intelligence(
    store: GraphStore, children: list[str], day: date, evidence: pd.DataFrame | None = None
) -> dict[str, dict[str, Any] | None]:
    """Each child's latest intelligence dated up to the end of `day` (a chronology row), or None."""
    from graph_intel.analysis.evidence import contact_evidence
    from graph_intel.safeguarding.chronology import chronology_rows

    evidence = contact_evidence(store) if evidence is None else evidence
    limit = end_of_day(day)
    out: dict[str, dict[str, Any] | None] = {}
    for child in children:
        best: dict[str, Any] | None = None
        for row in chronology_rows(store, child, evidence):
            at = to_datetime(row.get("at"))
            if at is None or at >= limit or row.get("record") in NOT_INTELLIGENCE:
                continue
            if row.get("record") == "report" and str(row.get("id") or "").startswith(PREFIX):
                continue  # a matrix entry
            if best is None or (row["at"] or "") >= (best["at"] or ""):
                best = row
        out[child] = (
            None
            if best is None
            else {
                k: best.get(k)
                for k in (
                    "at",
                    "record",
                    "id",
                    "what",
                    "agency",
                    "source_id",
                    "reference",
                    "grading",
                )
            }
        )
    return out


def quiet_prompt(
    child: str, items: list[dict[str, Any]], last: dict[str, Any] | None, day: date, quiet_days: int
) -> dict[str, Any] | None:
    """The no-new-intelligence prompt for a child on the matrix, or None while intelligence is recent."""
    since = to_datetime(last["at"]) if last is not None else None
    placed = to_datetime(items[0]["set_at"])
    start = since or placed
    if start is None:
        return None
    quiet = (day - start.date()).days
    if quiet < quiet_days:
        return None
    said = (
        f"no new intelligence about {ident(child)} since {start.date()} ({quiet} days)"
        if since is not None
        else f"no intelligence about {ident(child)} recorded since placed on the matrix on {start.date()} ({quiet} days)"
    )
    return {
        "rule": "no_new_intelligence",
        "since": start.date().isoformat(),
        "days": quiet,
        "period_days": quiet_days,
        "evidence": [last] if last is not None else [],
        "prompt": f"{said}, over the {quiet_days}-day period: a candidate for review of their place on the "
        "matrix (the tool takes no one off it)",
    }
