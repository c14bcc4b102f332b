"""Linked groups: connected sets of adults joined by what they share with each other.

Adults are joined by a shared phone, a shared vehicle (keeper or driver), a shared home (lives_at a
location of kind `home` where no child lives), a family/associate/partner/introduced link, a call
or message between their phones, one's number saved in the other's examined handset, or being
together at the same sighting, incident or arrest (in person, or one in the other's vehicle).
They are never joined through a child, a child's phone, vehicle or home, a care placement, a
public place, a notice or missing episode, or a source record: those are what adults have in
common with victims and places, not with each other.

Who counts as an adult is decided per fact, by age at the fact's date (graph_intel.analysis.age):
a fact joins two persons only when both are adults on its date, whatever their category says, so
a 15-year-old recorded as a suspect joins nobody. A phone, vehicle or home a person used while a
child is a child's, and joins no one. A person of unknown category and unknown date of birth is
possibly a child: they join no group and join nobody (`possibly_children` lists them).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_intel.analysis.age import ADULT, ADULT_AGE, Ages, positions
from graph_intel.analysis.evidence import (
    DEFAULT_BASIS,
    attributions,
    contact_evidence,
    link_basis,
    persons,
)
from graph_intel.analysis.explain import Sources, iso_texts
from graph_intel.analysis.projection import to_igraph
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.stores.base import GraphStore
from graph_intel.stores.frames import member

#: Columns of a joining-facts frame: one row per fact joining two adults (a < b).
JOIN_COLUMNS = ["a", "b", "fact", "kind", "ref_key", "at", "sources"]
#: Link kinds of shared objects, and the contract kind of the object.
SHARED_LINKS = {
    "USES_PHONE": "phone",
    "KEEPER_OF": "vehicle",
    "DRIVES": "vehicle",
    "LIVES_AT": "location",
}
#: Person-to-person contact kinds (evidence.contact_evidence) that join two adults.
JOINING_CONTACTS = ("call", "message", "together", "pickup", "handset_contact", "link")
#: Association links that join two adults.
JOINING_ASSOCIATIONS = ("family_of", "associate_of", "partner_of", "introduced")
#: Location kinds a home can be (a care placement or public place never joins anyone).
HOME_KINDS = ("home",)
#: Default size above which a connected set is split into cohesive subgroups.
SPLIT_THRESHOLD = 25
#: Seed of the Leiden split, so that the split is reproducible.
SEED = 42
__all__ = [
    "ADULT_AGE",
    "adults",
    "joining_facts",
    "linked_groups",
    "find_groups",
    "possibly_children",
]


def adults(people: pd.DataFrame, as_of: pd.Timestamp | None = None) -> set[str]:
    """Keys of the persons who are adults on one date (default: the earliest each is recorded).

    Analyses judge each fact at its own date (`Ages.is_adult`); this is for a question asked on one day.
    """
    if people.empty:
        return set()
    keys = list(people.index)
    status = Ages(people).status(keys, [as_of if as_of is not None else pd.NaT] * len(keys))
    return {str(k) for k, s in zip(keys, status, strict=True) if s == ADULT}


def possibly_children(people: pd.DataFrame) -> list[str]:
    """Keys of persons of unknown category and unknown date of birth: never joined, listed apart."""
    return Ages(people).possibly_children()


def _when(frame: pd.DataFrame) -> pd.Series:
    """The date an attribution is judged at: its first_seen, else its last_seen."""
    return frame["first_seen"].where(frame["first_seen"].notna(), frame["last_seen"])


def joining_facts(
    store: GraphStore, minimum: MinGrade | None = None, bases: Collection[str] | None = None
) -> pd.DataFrame:
    """Every fact that joins two adults (JOIN_COLUMNS), restricted to facts at or above `minimum`;
    with `bases`, only association links on those bases join anyone (other facts are unaffected)."""
    srcs = Sources(store, minimum)
    rule = Ages(persons(store))
    attributed = attributions(store, tuple(SHARED_LINKS))
    owned = srcs.filter(attributed)
    status = rule.status(owned["person"], _when(owned))
    child_things = set(owned.loc[status == "child", "key"])
    locations = store.nodes("Location", columns=["kind"])
    placements = (
        set(locations.loc[~locations["kind"].isin(HOME_KINDS), "key"])
        if not locations.empty
        else set()
    )
    shared = owned[(status == ADULT) & ~member(owned["key"], child_things)]
    shared = shared[
        ~((shared["entity"] == "Location").to_numpy(dtype=bool) & member(shared["key"], placements))
    ]
    shared = shared[(shared["link"] != "FREQUENTS")]
    frames = [_shared_pairs(shared)]
    contacts = srcs.filter(contact_evidence(store, owners=attributed))
    if bases is not None:
        links = contacts["kind"].eq("link").to_numpy(dtype=bool)
        contacts = contacts[
            ~links | link_basis(contacts["ref_key"]).isin(list(bases)).to_numpy(dtype=bool)
        ]
    frames.append(_contact_pairs(contacts, rule, child_things))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=JOIN_COLUMNS)
    facts = pd.concat(frames, ignore_index=True)[JOIN_COLUMNS]
    return facts.iloc[_content_order(facts, FACT_ORDER)].reset_index(drop=True)


#: The columns that fix the order of the joining facts (with their sources, for rows alike in these).
FACT_ORDER = ("a", "b", "kind", "ref_key", "fact", "at")


def _content_order(
    frame: pd.DataFrame, columns: Collection[str], first: pd.Series | None = None
) -> np.ndarray:
    """Positions of `frame`'s rows in an order fixed by their content, never by the order read.

    The store returns rows in no set order (a multi-threaded scan interleaves them differently
    from one run to the next), and the facts' order decides the Leiden split's vertex numbering,
    the order of an evidence item's sources, and which of two attributions of one object is kept.
    Rows are ordered by `first` (a datetime, earliest first, missing last) when given, then by a
    deterministic hash of `columns`, then, among rows alike in those, by their sources.
    """
    if frame.empty:
        return np.arange(0, dtype=np.int64)
    key = pd.util.hash_pandas_object(frame[list(columns)], index=False).to_numpy()
    tie = np.zeros(len(frame), dtype=np.uint64)
    alike = pd.Series(key).duplicated(keep=False).to_numpy()
    if first is not None:
        alike = pd.DataFrame({"t": first.to_numpy(), "k": key}).duplicated(keep=False).to_numpy()
    if alike.any():
        text = ["\x1f".join(map(str, _listed(s))) for s in frame["sources"].to_numpy()[alike]]
        tie[alike] = pd.util.hash_array(np.array(text, dtype=object))
    keys: list[np.ndarray] = [tie, key]
    if first is not None:
        stamps = pd.to_datetime(first, errors="coerce")
        keys += [stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64), stamps.isna().to_numpy()]
    return np.lexsort(keys)


def _listed(sources: Any) -> list[Any]:
    return (
        []
        if sources is None or isinstance(sources, float)
        else [sources]
        if isinstance(sources, str)
        else list(sources)
    )


def _shared_pairs(shared: pd.DataFrame) -> pd.DataFrame:
    """Adults holding the same phone, vehicle or home, one row per pair and object.

    A person attributed one object twice (keeper and driver, two records of one person) is taken
    once, by the earliest attribution (then by content, so the choice never rests on read order)."""
    slim = shared[["person", "link", "entity", "key", "sources", "first_seen"]]
    slim = slim.iloc[_content_order(slim, ("person", "key", "link"), slim["first_seen"])]
    slim = slim.drop_duplicates(subset=["person", "key"])
    pairs = slim.merge(slim[["person", "key", "sources"]], on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_a"] < pairs["person_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=JOIN_COLUMNS)
    kind = pairs["link"].map(SHARED_LINKS)
    return pd.DataFrame(
        {
            "a": pairs["person_a"],
            "b": pairs["person_b"],
            "fact": "shared_" + kind.replace({"location": "home"}),
            "kind": kind,
            "ref_key": pairs["key"],
            "at": pairs["first_seen"],
            "sources": [
                list(dict.fromkeys([*x, *y]))
                for x, y in zip(pairs["sources_a"], pairs["sources_b"], strict=True)
            ],
        }
    )


def _contact_pairs(contacts: pd.DataFrame, rule: Ages, child_things: set[str]) -> pd.DataFrame:
    """Calls, messages, being together, handset contacts and links between two persons adult on the date."""
    c = contacts[contacts["kind"].isin(JOINING_CONTACTS)]
    c = c[rule.is_adult(c["a"], c["at"]) & rule.is_adult(c["b"], c["at"])]
    # contact_evidence gives calls, handset entries and links in one direction only: orient each pair
    a, b = c["a"].to_numpy(dtype=object), c["b"].to_numpy(dtype=object)
    swap = b < a
    c = c.assign(a=np.where(swap, b, a), b=np.where(swap, a, b)).drop_duplicates(
        subset=["a", "b", "kind", "ref_key", "via"]
    )
    if c.empty:
        return pd.DataFrame(columns=JOIN_COLUMNS)
    c = c[~_via_child(c["via"], child_things)]
    c = c[(c["kind"] != "link") | c["detail"].isin(JOINING_ASSOCIATIONS)]
    kind = c["ref_entity"].map({"Event": "event", "Exhibit": "exhibit", "Link": "link"})
    # a link's fact is its kind, with its basis when it rests on something other than a record
    basis = link_basis(c["ref_key"])
    shown = c["detail"].where(basis.eq(DEFAULT_BASIS), c["detail"] + ":" + basis)
    fact = c["kind"].where(c["kind"] != "link", shown)
    return pd.DataFrame(
        {
            "a": c["a"],
            "b": c["b"],
            "fact": fact,
            "kind": kind,
            "ref_key": c["ref_key"],
            "at": c["at"],
            "sources": c["sources"],
        }
    )


def _via_child(via: pd.Series, child_things: set[str]) -> np.ndarray:
    """Whether a fact went through a child's phone or vehicle: `via` is "caller -> callee", one key, or None."""
    n = len(via)
    if n == 0 or not child_things:
        return np.zeros(n, dtype=bool)
    text = pa.array(via.astype("str").array, from_pandas=True)
    parts = pc.split_pattern(text, " -> ")
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    owner = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    hit = np.asarray(
        pc.is_in(flat, value_set=pa.array(list(child_things), type=flat.type)).fill_null(False),
        dtype=bool,
    )
    return np.bincount(owner[hit], minlength=n) > 0


@dataclass
class Group:
    """One linked group: its member keys, the connected set it came from, and how it was split."""

    members: list[str]
    component: int
    split: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Each Group brings two new lists; at tens of thousands of groups the allocations trigger full
    collections that walk every live object, which costs several times the building itself.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def find_groups(
    edges: pd.DataFrame, threshold: int = SPLIT_THRESHOLD, seed: int = SEED
) -> list[Group]:
    """Connected sets of 2+ adults over (a, b) edges; sets above `threshold` split by seeded Leiden.

    Largest first, then by members; each group's members sorted. Vectorised over the components:
    vertices are ordered once by (component, name) and the member lists cut from that order, so
    nothing loops per vertex, and only the sets above `threshold` go one by one (to Leiden).
    """
    if edges.empty:
        return []
    proj = to_igraph(edges)
    graph = proj.graph
    n = graph.vcount()
    # the bare membership list (Graph.connected_components wraps it in a VertexClustering, which
    # walks it twice more in Python)
    membership = np.asarray(ig.GraphBase.connected_components(graph, "weak"), dtype=np.int64)
    sizes = np.bincount(membership)
    rank = np.empty(n, dtype=np.int64)
    rank[proj.by_name()] = np.arange(n, dtype=np.int64)
    # vertices by (component, name): the members of each component, already sorted, one after another
    order = np.argsort(membership * n + rank)
    starts = np.cumsum(sizes) - sizes
    labels = proj.names
    if pd.api.types.infer_dtype(labels, skipna=False) != "string":
        labels = np.array([str(x) for x in labels], dtype=object)
    names = labels[order].tolist()
    small = np.flatnonzero((sizes >= 2) & (sizes <= threshold))
    with _gc_paused():
        out = [
            Group(names[s : s + k], c)
            for c, s, k in zip(
                small.tolist(), starts[small].tolist(), sizes[small].tolist(), strict=True
            )
        ]
    size_of = [sizes[small]]
    first_of = [rank[order[starts[small]]]]
    for comp in np.flatnonzero(sizes > threshold).tolist():
        idx = np.sort(order[starts[comp] : starts[comp] + sizes[comp]])
        sub = graph.induced_subgraph(idx.tolist())
        part = leidenalg.find_partition(sub, leidenalg.ModularityVertexPartition, seed=seed)
        note = f"connected set of {len(idx)} adults (over {threshold}) split by Leiden modularity, seed {seed}, into {len(part)} subgroups"
        for community in part:
            if len(community) >= 2:
                ids = idx[community]
                ids = ids[np.argsort(rank[ids])]
                out.append(Group(labels[ids].tolist(), comp, note))
                size_of.append(np.array([len(ids)]))
                first_of.append(rank[ids[:1]])
    # groups are disjoint, so (-size, members) orders them as (-size, first member)
    by = np.lexsort((np.concatenate(first_of), -np.concatenate(size_of)))
    return [out[i] for i in by.tolist()]


def linked_groups(
    store: GraphStore,
    minimum: MinGrade | None = None,
    threshold: int = SPLIT_THRESHOLD,
    seed: int = SEED,
    bases: Collection[str] | None = None,
    name: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Linked groups of adults, largest first: group, size, members, component, split, evidence.

    With `name` (person key -> how the answer names them), each evidence item's `persons` are so
    named and it carries no `person_keys`: what the command prints, made once.
    """
    facts = joining_facts(store, minimum, bases)
    groups = find_groups(facts, threshold, seed)
    srcs = Sources(store, minimum)
    evidence = group_evidence(facts, groups, srcs, name)
    rows = [
        {
            "group": n,
            "size": len(group.members),
            "members": group.members,
            "component": group.component,
            "split": group.split,
            "evidence": items,
        }
        for n, (group, items) in enumerate(zip(groups, evidence, strict=True), start=1)
    ]
    return pd.DataFrame(
        rows, columns=["group", "size", "members", "component", "split", "evidence"]
    )


def group_evidence(
    facts: pd.DataFrame,
    groups: list[Group],
    srcs: Sources,
    name: Callable[[str], str] | None = None,
) -> list[list[dict[str, Any]]]:
    """For each group, the records (kind, ref_key) joining two of its members, by kind then record.

    Selected once for all groups, not once per group over all facts (which grows as groups x facts):
    each fact's two ends are looked up in one index of every member (groups are disjoint), the facts
    whose ends fall in the same group are kept, ordered by (group, kind, record, original order) as
    integer codes and cut into runs, one evidence item per run. Each run's earliest date, ISO text,
    record id and cited sources are worked out as whole columns (sources once per distinct list);
    only the items themselves are made one by one. With `name`, persons are named by it and the
    items carry no `person_keys` (see linked_groups).
    """
    out: list[list[dict[str, Any]]] = [[] for _ in groups]
    if not groups or facts.empty:
        return out
    members = pd.Index([m for g in groups for m in g.members])
    group_of = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g.members) for g in groups])
    ia = positions(facts["a"], members)
    ib = positions(facts["b"], members)
    ga = np.where(ia >= 0, group_of[np.maximum(ia, 0)], -1)
    gb = np.where(ib >= 0, group_of[np.maximum(ib, 0)], -2)
    keep = (ga == gb) & facts["kind"].notna().to_numpy() & facts["ref_key"].notna().to_numpy()
    if not keep.any():
        return out
    pos = np.flatnonzero(keep)
    grp = ga[pos]
    kind_codes, kinds = pd.factorize(facts["kind"].to_numpy(dtype=object)[pos], sort=True)
    ref_codes, refs = pd.factorize(facts["ref_key"].to_numpy(dtype=object)[pos], sort=True)
    order = np.lexsort((pos, ref_codes, kind_codes, grp))
    pos, grp, kind_codes, ref_codes = pos[order], grp[order], kind_codes[order], ref_codes[order]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (
        (grp[1:] != grp[:-1])
        | (kind_codes[1:] != kind_codes[:-1])
        | (ref_codes[1:] != ref_codes[:-1])
    )
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(pos))
    at_text = _first_iso(
        pd.to_datetime(facts["at"], errors="coerce").to_numpy(dtype="datetime64[us]")[pos], starts
    )
    a = facts["a"].to_numpy(dtype=object)[pos].tolist()
    b = facts["b"].to_numpy(dtype=object)[pos].tolist()
    fact = facts["fact"].to_numpy(dtype=object)[pos].tolist()
    sources = facts["sources"].to_numpy(dtype=object)[pos].tolist()
    kind_names, ref_names = kinds.tolist(), refs.tolist()
    run_kind, run_ref = kind_codes[starts].tolist(), ref_codes[starts].tolist()
    idents = _idents(
        kind_names,
        ref_names,
        np.asarray(run_kind, dtype=np.int64),
        np.asarray(run_ref, dtype=np.int64),
    )
    ids = {
        p: name(p) if name is not None else split_key(p, "Person")[1]
        for p in pd.unique(np.asarray(a + b, dtype=object))
    }

    cited: dict[str, tuple[str | None, str | None, tuple[str | None, ...]]] = {}
    with _gc_paused():
        for s, e, g, k, ident, at in zip(
            starts.tolist(),
            ends.tolist(),
            grp[starts].tolist(),
            run_kind,
            idents,
            at_text,
            strict=True,
        ):
            if e - s == 1:  # most records join one pair by one fact (a < b)
                people, facts_here, raw = [a[s], b[s]], [fact[s]], sources[s]
            else:
                people = sorted(set(a[s:e]) | set(b[s:e]))
                facts_here = sorted(set(fact[s:e]))
                raw = [x for ss in sources[s:e] for x in (ss if ss is not None else [])]
            text = "\x1f".join(map(str, raw)) if raw is not None else ""
            c = cited.get(text)
            if c is None:
                c = cited[text] = srcs.cited(list(dict.fromkeys(raw)) if raw is not None else [])
            item: dict[str, Any] = {
                "kind": kind_names[k],
                "id": ident,
                "persons": [ids[p] for p in people],
            }
            if name is None:
                item["person_keys"] = people
            item["facts"] = facts_here
            item["at"] = at
            item["source_id"], item["grading"], item["sources"] = c[0], c[1], list(c[2])
            out[g].append(item)
    return out


def _first_iso(stamps: np.ndarray, starts: np.ndarray) -> list[str | None]:
    """The earliest date of each run (runs begin at `starts`) as Timestamp.isoformat() text, None when none."""
    if len(stamps) == 0:
        return []
    ticks = np.where(np.isnat(stamps), np.iinfo(np.int64).max, stamps.astype(np.int64))
    first = np.minimum.reduceat(ticks, starts)
    none = first == np.iinfo(np.int64).max
    return iso_texts(np.where(none, np.datetime64("NaT", "us"), first.astype("datetime64[us]")))


def _idents(
    kinds: list[str], refs: list[str], run_kind: np.ndarray, run_ref: np.ndarray
) -> list[str]:
    """`_ident` of each run's (kind, record), from the distinct records as one column: a link's id is
    its record key, a phone's or vehicle's its key, any other record's the part after `DATASET:`."""
    keys = np.asarray(refs, dtype=object)
    after = np.asarray(pd.Series(keys, dtype=object).str.partition(":")[2].to_numpy(dtype=object))
    whole = np.array(
        [k == "link" or split_key("x:x", _ENTITIES[k])[0] is None for k in kinds], dtype=bool
    )
    chosen = np.where(whole[run_kind], keys[run_ref], after[run_ref])
    return list(chosen.tolist())


#: The entity of each kind of joining record other than a link.
_ENTITIES = {
    "phone": "Phone",
    "vehicle": "Vehicle",
    "location": "Location",
    "event": "Event",
    "exhibit": "Exhibit",
    "link": "Link",
}


def _ident(kind: str, ref: str) -> str:
    """The contract id of a joining record (a link's id is its kind and ends)."""
    if kind == "link":
        return ref
    entity = {
        "phone": "Phone",
        "vehicle": "Vehicle",
        "location": "Location",
        "event": "Event",
        "exhibit": "Exhibit",
    }[kind]
    return split_key(ref, entity)[1]
