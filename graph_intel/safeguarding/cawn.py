"""Child Abduction Warning Notices: who is covered on a date, who might be warned, and breaches.

Covered (eligible) on a date: a child under 16 (Child Abduction Act 1984 s2), or under 18 and in
care under a care order, interim care order, emergency protection order or police protection
(Children Act 1989 s49). A 16-17 year old accommodated under s20 is not covered. The legal status
stored on the person is taken to hold on the date asked (the schema keeps no status history).
Age is whole years at the date: a child born on 29 February turns a year older on 1 March in a
common year. Who is an adult or a child is age at the date of each fact
(graph_intel.analysis.age): an adult warned is one who was an adult at the evidence's date and is
on the day asked; a child recorded as a suspect is still a child a CAWN can cover. Notices are `cawn_served` events (roles served_on and child); a breach is any piece
of contact evidence dated after the notice was served. These are prompts, not decisions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.analysis.age import ADULT, Ages, _years, age_on
from graph_intel.analysis.evidence import contact_evidence, persons
from graph_intel.resolution.clusters import canonical, representatives
from graph_intel.safeguarding.common import Sources, end_of_day, ident, iso, to_date, to_datetime
from graph_intel.stores.base import GraphStore
from graph_intel.stores.frames import member

#: Legal statuses under which a 16-17 year old is covered (Children Act 1989 s49).
IN_CARE_STATUSES = frozenset(
    {"care_order", "interim_care_order", "emergency_protection_order", "police_protection"}
)
#: Kinds of contact evidence that show association with a child.
ASSOCIATION_KINDS = ("call", "message", "together", "pickup", "handset_contact", "link")
#: The event kind of a notice served.
CAWN_SERVED = "cawn_served"


__all__ = [
    "age_on",
    "eligibility",
    "eligible_children",
    "candidates",
    "breaches",
    "notices",
    "adult_keys",
]


def eligibility(dob: date | None, legal_status: str | None, on: date) -> tuple[bool, str] | None:
    """(eligible, reason) for a person on a date; None when not a child (18+) or the age is unknown."""
    if dob is None:
        return None
    age = age_on(dob, on)
    if age < 0 or age >= 18:
        return None
    if age < 16:
        return True, "under_16"
    if legal_status in IN_CARE_STATUSES:
        return True, "in_care_under_18"
    if legal_status == "accommodated_s20":
        return False, "accommodated_s20_not_covered"
    return False, "aged_16_17_not_in_care"


def _status(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def eligible_children(
    store: GraphStore, on: date | None = None, include_all: bool = False
) -> list[dict[str, Any]]:
    """Children a CAWN can cover on the date (with --all, also those s20 leaves uncovered)."""
    day = on or date.today()
    people = persons(store)
    ages, reasons = _eligibility_columns(people, day)
    eligible = np.isin(reasons, _COVERED)
    keep = eligible | ((reasons == "accommodated_s20_not_covered") if include_all else False)
    out: list[dict[str, Any]] = []
    statuses = (
        people["legal_status"].to_numpy(dtype=object)
        if "legal_status" in people
        else np.full(len(people), None)
    )
    for i in np.flatnonzero(keep).tolist():
        out.append(
            {
                "person_id": ident(str(people.index[i])),
                "reason": str(reasons[i]),
                "eligible": bool(eligible[i]),
                "on": day.isoformat(),
                "age": int(ages[i]),
                "legal_status": _status(statuses[i]),
            }
        )
    out.sort(key=lambda r: (not r["eligible"], _natural(str(r["person_id"]))))
    return out


#: The reasons eligibility() gives for a covered child.
_COVERED = ("under_16", "in_care_under_18")


def _eligibility_columns(people: pd.DataFrame, on: date) -> tuple[np.ndarray, np.ndarray]:
    """Each person's whole years of age on the date and eligibility()'s reason ('' when not a child or unknown).

    eligibility() for every person at once: dates of birth as datetime64 arrays, statuses as one array.
    """
    if people.empty or "date_of_birth" not in people:
        return np.zeros(len(people), dtype=np.int64), np.full(len(people), "", dtype=object)
    dob = np.array(
        [
            d if d is not None else np.datetime64("NaT")
            for d in map(to_date, people["date_of_birth"].tolist())
        ],
        dtype="datetime64[D]",
    ).astype("datetime64[us]")
    years, known = _years(dob, np.full(len(dob), np.datetime64(on, "D")).astype("datetime64[us]"))
    status = (
        people["legal_status"].to_numpy(dtype=object)
        if "legal_status" in people
        else np.full(len(people), None)
    )
    in_care = np.array([isinstance(v, str) and v in IN_CARE_STATUSES for v in status], dtype=bool)
    s20 = np.array([v == "accommodated_s20" for v in status], dtype=bool)
    child = known & (years >= 0) & (years < 18)
    reasons = np.select(
        [child & (years < 16), child & in_care, child & s20, child],
        ["under_16", "in_care_under_18", "accommodated_s20_not_covered", "aged_16_17_not_in_care"],
        default="",
    ).astype(object)
    return years, reasons


def _natural(text: str) -> tuple[str, int, str]:
    head = text.rstrip("0123456789")
    tail = text[len(head) :]
    return (head, int(tail) if tail else -1, text)


def notices(store: GraphStore) -> pd.DataFrame:
    """Notices served: event, served_on (adult key), child (key), served_at, sources."""
    cols = ["event", "served_on", "child", "served_at", "sources"]
    events = store.events(
        [CAWN_SERVED], columns=["kind", "started_at", "sources"]
    )  # found by kind in the store
    if events.empty:
        return pd.DataFrame(columns=cols)
    parts = store.links("PARTICIPATED_IN", to_keys=list(events["key"]))
    parts = parts[parts["from_entity"] == "Person"]
    adults = parts[parts["role"] == "served_on"][["to_key", "from_key"]].rename(
        columns={"to_key": "event", "from_key": "served_on"}
    )
    kids = parts[parts["role"] == "child"][["to_key", "from_key"]].rename(
        columns={"to_key": "event", "from_key": "child"}
    )
    pairs = adults.merge(kids, on="event")
    reps = representatives(store)  # records judged to be one person are one person
    pairs["served_on"] = canonical(pairs["served_on"], reps)
    pairs["child"] = canonical(pairs["child"], reps)
    pairs = pairs.drop_duplicates(subset=["event", "served_on", "child"])
    info = events.set_index("key")
    pairs["served_at"] = pairs["event"].map(info["started_at"])
    pairs["sources"] = pairs["event"].map(info["sources"])
    return pairs[cols].sort_values(["served_at", "event"]).reset_index(drop=True)


def adult_keys(store: GraphStore, on: date, people: pd.DataFrame | None = None) -> set[str]:
    """Persons who are adults on the date by the age rule (graph_intel.analysis.age), professionals aside."""
    people = persons(store) if people is None else people
    keys = list(people.index)
    status = Ages(people).status(keys, [pd.Timestamp(on)] * len(keys))
    category = people["category"].fillna("").to_numpy() if keys else []
    return {
        str(k)
        for k, s, c in zip(keys, status, category, strict=True)
        if s == ADULT and c != "professional"
    }


def adult_at_fact(people: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Pair evidence (`a` adult, `b` child) kept only where `a` was an adult and `b` a child on the fact's date."""
    if rows.empty:
        return rows
    rule = Ages(people)
    keep = (rule.status(rows["a"], rows["at"]) == ADULT) & (
        rule.status(rows["b"], rows["at"]) != ADULT
    )
    return rows[keep]


def evidence_json(row: dict[str, Any], sources: Sources) -> dict[str, Any]:
    """One piece of contact evidence as JSON: kind, record id, time, source, agency and grading."""
    src = sources.info(row["sources"])
    entity = row["ref_entity"] if row["ref_entity"] in ("Event", "Exhibit") else None
    return {
        "kind": row["kind"],
        "detail": row["detail"] if isinstance(row["detail"], str) else None,
        "id": ident(row["ref_key"], entity) if entity else row["ref_key"],
        "record": (row["ref_entity"] or "").lower(),
        "at": iso(row["at"]),
        "via": row["via"] if isinstance(row["via"], str) else None,
        "source_id": src.source_id,
        "agency": src.agency,
        "reference": src.reference,
        "grading": src.grading,
    }


def pair_evidence(evidence: pd.DataFrame, adults: set[str], children: set[str]) -> pd.DataFrame:
    """Association evidence between an adult and a child, either way round, as `a` adult and `b` child, once each."""
    rows = evidence[member(evidence["kind"], ASSOCIATION_KINDS)]
    a_adult, b_adult = member(rows["a"], adults), member(rows["b"], adults)
    a_child, b_child = member(rows["a"], children), member(rows["b"], children)
    forward = rows[a_adult & b_child]
    backward = rows[b_adult & a_child].rename(columns={"a": "b", "b": "a"})
    both = pd.concat([forward, backward], ignore_index=True)
    return both.drop_duplicates(subset=["a", "b", "kind", "ref_key", "via"]).reset_index(drop=True)


def covered_children(people: pd.DataFrame, on: date) -> set[str]:
    """Keys of the persons a CAWN can cover on the date."""
    _, reasons = _eligibility_columns(people, on)
    return {str(k) for k in people.index[np.isin(reasons, _COVERED)]}


def candidates(store: GraphStore, on: date | None = None) -> list[dict[str, Any]]:
    """Adults with evidence of association with a covered child and no notice for that child, most evidence first."""
    day = on or date.today()
    limit = end_of_day(day)
    people = persons(store)
    covered = covered_children(people, day)
    adults = adult_keys(store, day, people)
    served_frame = notices(store)
    served = set(zip(served_frame["served_on"], served_frame["child"], strict=True))
    rows = adult_at_fact(people, pair_evidence(contact_evidence(store), adults, covered))
    rows = rows[rows["at"].isna() | (rows["at"] < pd.Timestamp(limit))]
    sources = Sources(store).preload(rows["sources"])
    out: list[dict[str, Any]] = []
    # each pair's rows, pairs in order of first appearance (as groupby(sort=False) gives them), from
    # one conversion of the whole frame: a to_dict per pair took most of the time at scale
    records = rows.to_dict("records")
    by_pair: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for r in records:
        if pd.isna(r["a"]) or pd.isna(r["b"]):
            continue
        by_pair.setdefault((r["a"], r["b"]), []).append(r)
    for (adult, child), group in by_pair.items():
        if (adult, child) in served:
            continue
        items = sorted(
            (evidence_json(r, sources) for r in group), key=lambda e: (e["at"] or "", e["id"])
        )
        last = max((e["at"] for e in items if e["at"]), default=None)
        out.append(
            {
                "adult": ident(str(adult)),
                "child": ident(str(child)),
                "evidence": len(items),
                "last_contact": last,
                "on": day.isoformat(),
                "items": items,
            }
        )
    out.sort(
        key=lambda r: (
            -int(r["evidence"]),
            _neg(r["last_contact"]),
            _natural(str(r["adult"])),
            _natural(str(r["child"])),
        )
    )
    return out


def _neg(text: str | None) -> str:
    """A sort key putting later ISO times first (and undated last)."""
    if not text:
        return "~"
    return "".join(chr(0x10FFFF - ord(c)) if c.isdigit() else c for c in text)


def breaches(store: GraphStore, evidence: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """For each notice, every piece of contact evidence between that adult and that child dated after serving.

    `evidence` is contact_evidence(store) when the caller has it already (the briefing does)."""
    served = notices(store)
    if served.empty:
        return []
    evidence = contact_evidence(store) if evidence is None else evidence
    sources = Sources(store)  # reads the sources of the breach evidence only, as it is found
    # every notice's pair evidence in one pass: the evidence between any served adult and any
    # served child, then joined to the notices on (adult, child); never a scan per notice
    pairs = pair_evidence(evidence, set(served["served_on"]), set(served["child"]))
    pairs = pairs.assign(_row=np.arange(len(pairs)))
    joined = (
        served.reset_index(drop=True)
        .assign(_note=np.arange(len(served)))[["served_on", "child", "_note"]]
        .merge(pairs, left_on=["served_on", "child"], right_on=["a", "b"], how="inner")
    )
    by_note = {
        int(n): g.sort_values("_row", kind="stable") for n, g in joined.groupby("_note", sort=False)
    }
    out = []
    for n, note in enumerate(served.to_dict("records")):
        at = to_datetime(note["served_at"])
        pair = by_note.get(n, pairs.iloc[0:0])
        after = (
            pair[pair["at"].notna() & (pair["at"] > pd.Timestamp(at))]
            if at is not None
            else pair.iloc[0:0]
        )
        items = sorted(
            (evidence_json(r, sources) for r in after.to_dict("records")),
            key=lambda e: (e["at"] or "", e["id"]),
        )
        if not items:
            continue
        out.append(
            {
                "served_on": ident(note["served_on"]),
                "child": ident(note["child"]),
                "served_at": iso(at),
                "notice": ident(note["event"], "Event"),
                "evidence": items,
                "prompt": "possible breach of a CAWN: review the evidence and decide what to do",
            }
        )
    return out


def served_json(store: GraphStore) -> list[dict[str, Any]]:
    """Every notice served as JSON: notice id, served_on, child, served_at."""
    return [
        {
            "notice": ident(n["event"], "Event"),
            "served_on": ident(n["served_on"]),
            "child": ident(n["child"]),
            "served_at": iso(n["served_at"]),
        }
        for n in notices(store).to_dict("records")
    ]
