"""Shared contacts: adults in contact with several children, numbers in several handsets, shared objects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph_intel.analysis.age import Ages
from graph_intel.analysis.evidence import attributions, contact_evidence, persons
from graph_intel.analysis.explain import Sources, iso_texts
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.stores.base import GraphStore
from graph_intel.stores.frames import member

#: Contact kinds that put an adult in evidential contact with a child.
CHILD_CONTACTS = ("call", "message", "together", "pickup", "handset_contact", "link")
#: Attributions that make an object or address "used" by a person.
USED_LINKS = {
    "USES_PHONE": "phone",
    "KEEPER_OF": "vehicle",
    "DRIVES": "vehicle",
    "LIVES_AT": "location",
}
_ENTITY = {"phone": "Phone", "vehicle": "Vehicle", "location": "Location"}


def adult_child_facts(
    store: GraphStore,
    minimum: MinGrade | None = None,
    people: pd.DataFrame | None = None,
    srcs: Sources | None = None,
    read: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Facts putting an adult in contact with a child: adult, child, kind, ref_entity, ref_key, at, sources.

    Each end is judged at the fact's date (graph_intel.analysis.age): a 15-year-old recorded as a
    suspect is a child to the adults in contact with her. `people` (persons(store)), `srcs`
    (Sources(store, minimum)) and `read` (the links touching persons) when the caller has them.
    """
    rule = Ages(persons(store) if people is None else people)
    srcs = Sources(store, minimum) if srcs is None else srcs
    facts = srcs.filter(contact_evidence(store, read=read))
    facts = facts[facts["kind"].isin(CHILD_CONTACTS)]
    a_status, b_status = rule.status(facts["a"], facts["at"]), rule.status(facts["b"], facts["at"])
    fwd = facts[(a_status == "adult") & (b_status == "child")].rename(
        columns={"a": "adult", "b": "child"}
    )
    back = facts[(b_status == "adult") & (a_status == "child")].rename(
        columns={"b": "adult", "a": "child"}
    )
    both = pd.concat([fwd, back], ignore_index=True)
    both = both.drop_duplicates(subset=["adult", "child", "kind", "ref_key", "via"])
    return both[
        ["adult", "child", "kind", "detail", "ref_entity", "ref_key", "via", "at", "sources"]
    ].reset_index(drop=True)


def adults_with_children(
    store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2
) -> pd.DataFrame:
    """Adults in evidential contact with `at_least` children: person_id, children, evidence count, facts.

    Adults are chosen by one count of distinct children per adult; only their facts are made into
    items, from whole columns (ids, dates and cited sources worked out once per distinct value).
    """
    facts = adult_child_facts(store, minimum)
    srcs = Sources(store, minimum)
    columns = ["person_id", "key", "children", "evidence", "facts"]
    if facts.empty:
        return pd.DataFrame(columns=columns)
    kids = facts.groupby("adult", sort=False)["child"].nunique()
    chosen = kids.index[kids.to_numpy() >= at_least]
    mine = facts[member(facts["adult"], chosen)]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    mine = mine.assign(_at=np.arange(len(mine))).sort_values(["adult", "_at"], kind="stable")
    natural = {c: _natural(c) for c in pd.unique(mine["child"])}  # once per child, not per item
    child_ids = {c: key[2] for c, key in natural.items()}
    ref_ids = [
        r if e == "Link" else split_key(r, "Event")[1]
        for e, r in zip(mine["ref_entity"].tolist(), mine["ref_key"].tolist(), strict=True)
    ]
    ref_kinds = [str(e).lower() for e in mine["ref_entity"].tolist()]
    at = iso_texts(mine["at"])
    cited: dict[str, tuple[str | None, str | None, tuple[str | None, ...]]] = {}
    children, kinds, sources = (
        mine["child"].tolist(),
        mine["kind"].tolist(),
        mine["sources"].tolist(),
    )
    details = []
    for c, k, r, rk, t, s in zip(children, kinds, ref_ids, ref_kinds, at, sources, strict=True):
        text = "\x1f".join(map(str, s)) if isinstance(s, list | tuple) else repr(s)
        cite = cited.get(text)
        if cite is None:
            cite = cited[text] = srcs.cited(s)
        details.append(
            {
                "child": child_ids[c],
                "kind": k,
                "ref": r,
                "ref_kind": rk,
                "at": t,
                "source_id": cite[0],
                "grading": cite[1],
                "sources": list(cite[2]),
            }
        )
    adults = mine["adult"].to_numpy(dtype=object)
    cut = np.flatnonzero(np.r_[True, adults[1:] != adults[:-1]])
    ends = np.append(cut[1:], len(adults))
    rows = []
    for s, e in zip(cut.tolist(), ends.tolist(), strict=True):
        adult = adults[s]
        ordered = sorted(set(children[s:e]), key=natural.__getitem__)
        rows.append(
            {
                "person_id": split_key(adult, "Person")[1],
                "key": adult,
                "children": [child_ids[c] for c in ordered],
                "evidence": e - s,
                "facts": details[s:e],
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["n"] = frame["children"].map(len)
    return (
        frame.sort_values(["n", "evidence", "person_id"], ascending=[False, False, True])
        .drop(columns="n")
        .reset_index(drop=True)
    )


def numbers_in_handsets(
    store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2
) -> pd.DataFrame:
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
        rows.append(
            {"number": number, "exhibits": exhibits, "saved_as": names, **srcs.cite(all_srcs)}
        )
    return pd.DataFrame(
        rows, columns=["number", "exhibits", "saved_as", "source_id", "grading", "sources"]
    )


def shared_objects(
    store: GraphStore, minimum: MinGrade | None = None, at_least: int = 2
) -> pd.DataFrame:
    """Phones, vehicles and addresses (lives_at) used by `at_least` persons: kind, id, persons, links."""
    srcs = Sources(store, minimum)
    # Only objects `at_least`+ person records use come from the store (a pattern query); grading and
    # same-person clusters can only lower the count, so the exact test below sees every candidate.
    used = srcs.filter(attributions(store, tuple(USED_LINKS), shared_by=at_least))
    columns = ["kind", "id", "key", "persons", "links"]
    if used.empty:
        return pd.DataFrame(columns=columns)
    # objects chosen by one count of distinct persons per key; only their links are made into items
    counts = used.groupby("key", sort=False)["person"].nunique()
    mine = used[member(used["key"], counts.index[counts.to_numpy() >= at_least])]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    mine = mine.assign(_at=np.arange(len(mine))).sort_values(["key", "_at"], kind="stable")
    people, links_, sources = (
        mine["person"].tolist(),
        mine["link"].tolist(),
        mine["sources"].tolist(),
    )
    natural = {p: _natural(p) for p in pd.unique(mine["person"])}  # once per person, not per item
    ids = {p: key[2] for p, key in natural.items()}
    cited: dict[str, tuple[str | None, str | None, tuple[str | None, ...]]] = {}
    items = []
    for p, link, src in zip(people, links_, sources, strict=True):
        text = "\x1f".join(map(str, src)) if isinstance(src, list | tuple) else repr(src)
        cite = cited.get(text)
        if cite is None:
            cite = cited[text] = srcs.cited(src)
        items.append(
            {
                "person_id": ids[p],
                "link": link.lower(),
                "source_id": cite[0],
                "grading": cite[1],
                "sources": list(cite[2]),
            }
        )
    keys = mine["key"].to_numpy(dtype=object)
    cut = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.append(cut[1:], len(keys))
    rows = []
    for s, e in zip(cut.tolist(), ends.tolist(), strict=True):
        key = keys[s]
        kind = USED_LINKS[links_[s]]
        rows.append(
            {
                "kind": kind,
                "id": split_key(key, _ENTITY[kind])[1],
                "key": key,
                "persons": [ids[p] for p in sorted(set(people[s:e]), key=natural.__getitem__)],
                "links": items[s:e],
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _natural(key: str) -> tuple[str, int, str]:
    ident = split_key(key, "Person")[1]
    head = ident.rstrip("0123456789")
    tail = ident[len(head) :]
    return (head, int(tail) if tail else -1, ident)
