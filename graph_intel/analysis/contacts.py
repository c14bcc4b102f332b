"""Shared contacts: adults in contact with several children, numbers in several handsets, shared objects."""

from __future__ import annotations

import pandas as pd

from graph_intel.analysis.age import Ages
from graph_intel.analysis.evidence import attributions, contact_evidence, persons
from graph_intel.analysis.explain import Sources
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.stores.base import GraphStore

#: Contact kinds that put an adult in evidential contact with a child.
CHILD_CONTACTS = ("call", "message", "together", "pickup", "handset_contact", "link")
#: Attributions that make an object or address "used" by a person.
USED_LINKS = {"USES_PHONE": "phone", "KEEPER_OF": "vehicle", "DRIVES": "vehicle", "LIVES_AT": "location"}
_ENTITY = {"phone": "Phone", "vehicle": "Vehicle", "location": "Location"}


def adult_child_facts(store: GraphStore, minimum: MinGrade | None = None) -> pd.DataFrame:
    """Facts putting an adult in contact with a child: adult, child, kind, ref_entity, ref_key, at, sources.

    Each end is judged at the fact's date (graph_intel.analysis.age): a 15-year-old recorded as a
    suspect is a child to the adults in contact with her.
    """
    rule = Ages(persons(store))
    facts = Sources(store, minimum).filter(contact_evidence(store))
    facts = facts[facts["kind"].isin(CHILD_CONTACTS)]
    a_status, b_status = rule.status(facts["a"], facts["at"]), rule.status(facts["b"], facts["at"])
    fwd = facts[(a_status == "adult") & (b_status == "child")].rename(columns={"a": "adult", "b": "child"})
    back = facts[(b_status == "adult") & (a_status == "child")].rename(columns={"b": "adult", "a": "child"})
    both = pd.concat([fwd, back], ignore_index=True)
    both = both.drop_duplicates(subset=["adult", "child", "kind", "ref_key", "via"])
    return both[["adult", "child", "kind", "detail", "ref_entity", "ref_key", "via", "at", "sources"]].reset_index(drop=True)


def adults_with_children(store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2) -> pd.DataFrame:
    """Adults in evidential contact with `at_least` children: person_id, children, evidence count, facts."""
    facts = adult_child_facts(store, minimum)
    srcs = Sources(store, minimum)
    rows = []
    for adult, mine in facts.groupby("adult", sort=True):
        kids = sorted(set(mine["child"]), key=_natural)
        if len(kids) < at_least:
            continue
        detail = [
            {
                "child": split_key(c, "Person")[1], "kind": k, "ref": split_key(r, "Event")[1] if e != "Link" else r,
                "ref_kind": str(e).lower(), "at": _iso(t), **srcs.cite(s),
            }
            for c, k, e, r, t, s in zip(mine["child"], mine["kind"], mine["ref_entity"], mine["ref_key"], mine["at"], mine["sources"], strict=True)
        ]
        rows.append({"person_id": split_key(adult, "Person")[1], "key": adult,
                     "children": [split_key(c, "Person")[1] for c in kids], "evidence": len(mine), "facts": detail})
    frame = pd.DataFrame(rows, columns=["person_id", "key", "children", "evidence", "facts"])
    if frame.empty:
        return frame
    frame["n"] = frame["children"].map(len)
    return frame.sort_values(["n", "evidence", "person_id"], ascending=[False, False, True]).drop(columns="n").reset_index(drop=True)


def numbers_in_handsets(store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2) -> pd.DataFrame:
    """Numbers saved in `at_least` examined handsets: number, exhibits, saved_as, sources."""
    # Only numbers saved in `at_least`+ exhibit records come from the store (a pattern query); grading
    # and counting exhibits by id can only lower the count, so the exact test below sees every candidate.
    saved = Sources(store, minimum).filter(store.links_to_shared(["SAVED_CONTACT"], at_least))
    srcs = Sources(store, minimum)
    rows = []
    for number, mine in saved.groupby("to_key", sort=True):
        exhibits = sorted({split_key(x, "Exhibit")[1] for x in mine["from_key"]})
        if len(exhibits) < at_least:
            continue
        names = sorted({str(n) for n in mine["saved_name"] if isinstance(n, str) and n})
        all_srcs = list(dict.fromkeys(s for ss in mine["sources"] for s in ss))
        rows.append({"number": number, "exhibits": exhibits, "saved_as": names, **srcs.cite(all_srcs)})
    return pd.DataFrame(rows, columns=["number", "exhibits", "saved_as", "source_id", "grading", "sources"])


def shared_objects(store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2) -> pd.DataFrame:
    """Phones, vehicles and addresses (lives_at) used by `at_least` persons: kind, id, persons, links."""
    srcs = Sources(store, minimum)
    # Only objects `at_least`+ person records use come from the store (a pattern query); grading and
    # same-person clusters can only lower the count, so the exact test below sees every candidate.
    used = srcs.filter(attributions(store, tuple(USED_LINKS), shared_by=at_least))
    rows = []
    for key, mine in used.groupby("key", sort=True):
        people = sorted(set(mine["person"]), key=_natural)
        if len(people) < at_least:
            continue
        kind = USED_LINKS[mine["link"].iloc[0]]
        links = [
            {"person_id": split_key(p, "Person")[1], "link": link.lower(), **srcs.cite(s)}
            for p, link, s in zip(mine["person"], mine["link"], mine["sources"], strict=True)
        ]
        rows.append({"kind": kind, "id": split_key(key, _ENTITY[kind])[1], "key": key,
                     "persons": [split_key(p, "Person")[1] for p in people], "links": links})
    return pd.DataFrame(rows, columns=["kind", "id", "key", "persons", "links"])


def _natural(key: str) -> tuple[str, int, str]:
    ident = split_key(key, "Person")[1]
    head = ident.rstrip("0123456789")
    tail = ident[len(head):]
    return (head, int(tail) if tail else -1, ident)


def _iso(value: object) -> str | None:
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.isoformat()
