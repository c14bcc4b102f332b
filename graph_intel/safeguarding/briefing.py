"""The weekly hub briefing: for each child on the CSE matrix, what is new since a date.

Per child: the current RAG status; adults whose first association evidence with the child is on
or after the date (new adults); missing episodes starting on or after it; the missing rules met at
the as-of date whose episodes include a new one; breach evidence dated on or after it; and
whether the matrix review is due; and the prompts for a child recorded as a suspect or associate,
or arrested, while under 18 (`prompts`; all such children, on the matrix or not, in
`possible_victims`). It lists prompts with their evidence; it decides nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pandas as pd

from graph_intel.analysis.age import possible_victims
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.handling import Handling, restricted_view
from graph_intel.safeguarding.cawn import adult_at_fact, adult_keys, breaches, pair_evidence
from graph_intel.safeguarding.common import end_of_day, ident, iso
from graph_intel.safeguarding.matrix import matrix_list
from graph_intel.safeguarding.missing import MissingRules, episodes, rules_met
from graph_intel.stores.base import GraphStore


def briefing(store: GraphStore, since: date, as_of: date | None = None, rules: MissingRules | None = None,
             include_restricted: bool = False) -> dict[str, Any]:
    """The contract's briefing document: per child on the matrix, what is new since `since`.

    Material whose every source is restricted (graph_intel.handling) is left out unless
    `include_restricted`; then a new adult known from it carries its handling mark (`restricted`)."""
    handling = Handling(store) if include_restricted else None
    store = restricted_view(store, include_restricted)
    day = as_of or date.today()
    rules = rules or MissingRules()
    start = datetime.combine(since, time())
    instant = end_of_day(day)
    matrix = matrix_list(store, day)
    people = persons(store)
    keys = {ident(str(k)): str(k) for k in people.index}
    adults = adult_keys(store, day, people)
    evidence = contact_evidence(store)
    missing = episodes(store, day)
    all_breaches = breaches(store)
    victims = possible_victims(store, people)
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
                marks = handling.note([k for srcs in group["sources"] for k in (srcs if srcs is not None else [])]) \
                    if handling is not None else None
                new_adults.append({"person_id": ident(str(adult)), "first_evidence": iso(first),
                                   "evidence": len(group), "restricted": marks})
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
                new_breaches.append({"served_on": b["served_on"], "served_at": b["served_at"],
                                     "notice": b["notice"], "evidence": items})
        children.append({
            "person_id": row["person_id"], "rag": row["rag"], "rag_set_by": row["by"], "rag_set_at": row["set_at"],
            "review": row["review"], "review_due": row["review_due"],
            "new_adults": [a["person_id"] for a in new_adults], "new_adult_evidence": new_adults,
            "new_missing": len(new_eps), "new_missing_episodes": [ident(e.event, "Event") for e in new_eps],
            "triggers": triggers, "breaches": new_breaches,
            "prompts": [p["prompt"] for p in victims if p["key"] == child],
        })
    listed = [{"person_id": ident(p["key"]), "at": p["at"], "age": p["age"], "what": p["what"],
               "event": ident(p["event"], "Event") if p["event"] else None, "prompt": p["prompt"]} for p in victims]
    return {"since": since.isoformat(), "as_of": day.isoformat(), "children": children, "possible_victims": listed,
            "note": "prompts for the hub with their evidence; no decision has been made by the tool",
            "include_restricted": include_restricted,
            "restricted_note": ("includes restricted material, marked with its handling conditions" if include_restricted
                                else "material recorded only by sources with a restrictive handling code is left out")}
