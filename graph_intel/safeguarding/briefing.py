"""The weekly hub briefing: for each child on the CSE matrix, what is new since a date.

Per child: the current RAG status; adults whose first association evidence with the child is on
or after the date (new adults); missing episodes starting on or after it; the missing rules met at
the as-of date whose episodes include a new one; breach evidence dated on or after it; and
whether the matrix review is due; and the prompts for a child recorded as a suspect or associate,
or arrested, while under 18 (`prompts`; all such children, on the matrix or not, in
`possible_victims`). It lists prompts with their evidence; it decides nothing.

From the safeguarding record, per child: `overdue_reviews` (risk assessments whose review is
overdue at the as-of date), `unanswered_referrals` (referrals with no receipt or response by their
due date), `escalations` (every referral escalation prompt: unanswered, refused for no new
information while others held it, a meeting requested and not held, each naming who to chase),
`risk_prompts` (a missing episode with no assessment, an under-13 not referred), `new_concerns`
(child-side records dated since the date: health attendances, gifts, exclusions, attendance drops,
and the new-phone and missing-together prompts of facts dated since it, each with its evidence)
and `new_allocations` (professionals allocated since the date). Each carries its evidence.

From the matrix as the hub keeps it, per child: `lead_worker`, `nrm_referral` (whether a National
Referral Mechanism referral is recorded), `last_intelligence` and `no_new_intelligence` (the prompt
that no new intelligence has been recorded for the period: a candidate for review, never removed).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pandas as pd

from graph_intel.analysis.age import possible_victims
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.handling import Handling, restricted_view
from graph_intel.safeguarding.cawn import adult_at_fact, adult_keys, breaches, pair_evidence
from graph_intel.safeguarding.child_side import MISSING_TOGETHER, NEW_PHONE
from graph_intel.safeguarding.common import Sources, end_of_day, ident, iso
from graph_intel.safeguarding.matrix import matrix_list
from graph_intel.safeguarding.missing import MissingRules, episodes, rules_met
from graph_intel.safeguarding.records import concerns, describe, item, records, when
from graph_intel.safeguarding.referrals import UNANSWERED, referral_prompts
from graph_intel.safeguarding.risk import REVIEW_OVERDUE, risk_prompts
from graph_intel.stores.base import GraphStore


def briefing(
    store: GraphStore,
    since: date,
    as_of: date | None = None,
    rules: MissingRules | None = None,
    include_restricted: bool = False,
) -> dict[str, Any]:
    """The contract's briefing document: per child on the matrix, what is new since `since`.

    Material whose every source is restricted (graph_intel.handling) is left out unless
    `include_restricted`; then a new adult known from it carries its handling mark (`restricted`)."""
    handling = Handling(store) if include_restricted else None
    store = restricted_view(store, include_restricted)
    day = as_of or date.today()
    rules = rules or MissingRules()
    start = datetime.combine(since, time())
    instant = end_of_day(day)
    evidence = contact_evidence(store)
    matrix = matrix_list(store, day, evidence=evidence)
    people = persons(store)
    keys = {ident(str(k)): str(k) for k in people.index}
    adults = adult_keys(store, day, people)
    missing = episodes(store, day)
    all_breaches = breaches(store, evidence)
    victims = possible_victims(store, people)
    record = _record_news(
        store, since, day, {keys[r["person_id"]] for r in matrix if r["person_id"] in keys}
    )
    children = []
    for row in matrix:
        child = keys.get(row["person_id"])
        if child is None:
            continue
        pairs = adult_at_fact(people, pair_evidence(evidence, adults, {child}))
        pairs = pairs[pairs["at"].isna() | (pairs["at"] < pd.Timestamp(instant))]
        new_adults = []
        for adult, group in pairs.groupby("a"):
            first = group["at"].min()
            if pd.notna(first) and first >= pd.Timestamp(start):
                marks = (
                    handling.note(
                        [k for srcs in group["sources"] for k in (srcs if srcs is not None else [])]
                    )
                    if handling is not None
                    else None
                )
                new_adults.append(
                    {
                        "person_id": ident(str(adult)),
                        "first_evidence": iso(first),
                        "evidence": len(group),
                        "restricted": marks,
                    }
                )
        new_adults.sort(key=lambda a: (a["first_evidence"], a["person_id"]))
        eps = missing.get(child, [])
        new_eps = [e for e in eps if e.start >= start]
        met = rules_met(eps, instant, rules)
        triggers = [name for name, behind in met.items() if any(e.start >= start for e in behind)]
        new_breaches = []
        for b in all_breaches:
            if b["child"] != row["person_id"]:
                continue
            items = [e for e in b["evidence"] if e["at"] and e["at"] >= start.isoformat()]
            if items:
                new_breaches.append(
                    {
                        "served_on": b["served_on"],
                        "served_at": b["served_at"],
                        "notice": b["notice"],
                        "evidence": items,
                    }
                )
        children.append(
            {
                "person_id": row["person_id"],
                "rag": row["rag"],
                "rag_set_by": row["by"],
                "rag_set_at": row["set_at"],
                "review": row["review"],
                "review_due": row["review_due"],
                "lead_worker": row["lead_worker"],
                "nrm_referral": row["nrm_referral"],
                "last_intelligence": row["last_intelligence"],
                "no_new_intelligence": row["no_new_intelligence"],
                "new_adults": [a["person_id"] for a in new_adults],
                "new_adult_evidence": new_adults,
                "new_missing": len(new_eps),
                "new_missing_episodes": [ident(e.event, "Event") for e in new_eps],
                "triggers": triggers,
                "breaches": new_breaches,
                "prompts": [p["prompt"] for p in victims if p["key"] == child],
                **record.get(row["person_id"], _EMPTY_RECORD),
            }
        )
    listed = [
        {
            "person_id": ident(p["key"]),
            "at": p["at"],
            "age": p["age"],
            "what": p["what"],
            "event": ident(p["event"], "Event") if p["event"] else None,
            "prompt": p["prompt"],
        }
        for p in victims
    ]
    return {
        "since": since.isoformat(),
        "as_of": day.isoformat(),
        "children": children,
        "possible_victims": listed,
        "note": "prompts for the hub with their evidence; no decision has been made by the tool",
        "include_restricted": include_restricted,
        "restricted_note": (
            "includes restricted material, marked with its handling conditions"
            if include_restricted
            else "material recorded only by sources with a restrictive handling code is left out"
        ),
    }


_EMPTY_RECORD: dict[str, list[Any]] = {
    "overdue_reviews": [],
    "unanswered_referrals": [],
    "escalations": [],
    "risk_prompts": [],
    "new_concerns": [],
    "new_allocations": [],
}


def _record_news(
    store: GraphStore, since: date, day: date, children: set[str]
) -> dict[str, dict[str, list[Any]]]:
    """The safeguarding record's part of the briefing, per child id on the matrix."""
    if not children:
        return {}
    out: dict[str, dict[str, list[Any]]] = {
        ident(c): {k: [] for k in _EMPTY_RECORD} for c in children
    }
    for p in referral_prompts(store, day):
        if p["child"] in out:
            out[p["child"]]["escalations"].append(p)
            if p["rule"] == UNANSWERED:
                out[p["child"]]["unanswered_referrals"].append(p)
    for p in risk_prompts(store, day, only=children):
        if p["child"] not in out:
            continue
        if p["rule"] == REVIEW_OVERDUE:
            out[p["child"]]["overdue_reviews"].append(p)
        elif p["rule"] == "attendance_drop":
            if p["period_end"] >= since.isoformat():  # a period reported since the date
                out[p["child"]]["new_concerns"].append({**p["evidence"][-1], "prompt": p["prompt"]})
        elif p["rule"] in (NEW_PHONE, MISSING_TOGETHER):
            if (
                p.get("attributed_at") or p.get("missing_from") or ""
            ) >= since.isoformat():  # new since the date
                out[p["child"]]["new_concerns"].append(
                    {
                        **p["evidence"][0],
                        "rule": p["rule"],
                        "prompt": p["prompt"],
                        "evidence": p["evidence"],
                    }
                )
        else:
            out[p["child"]]["risk_prompts"].append(p)
    sources = Sources(store)
    start, limit = datetime.combine(since, time()), end_of_day(day)
    for child in children:
        for c in concerns(store, child, sources):
            attendance = (
                c.evidence["record"] == "school_record" and "exclusion" not in c.evidence["what"]
            )  # drops: above
            if c.evidence["record"] != "event" and not attendance and start <= c.at < limit:
                out[ident(child)]["new_concerns"].append(c.evidence)
    allocations = records(store, "Allocation")
    for row in allocations.to_dict("records") if not allocations.empty else []:
        at = when(row, "Allocation")
        child = row.get("child_key")
        if isinstance(child, str) and child in children and at is not None and start <= at < limit:
            out[ident(child)]["new_allocations"].append(
                item(row, "Allocation", sources, describe(row, "Allocation"))
            )
    for news in out.values():
        news["new_concerns"].sort(key=lambda e: (e.get("at") or "", e.get("id") or ""))
    return out
