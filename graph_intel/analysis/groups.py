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

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

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
from graph_intel.analysis.igraph_lib import ig, leidenalg
from graph_intel.analysis.projection import to_igraph
from graph_intel.collector import paused
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
    once, by the earliest attribution (then by content, so the choice never rests on read order).
    The pairs are made from integer codes (every two holders of each object, the first before the
    second by key), and each pair's sources united once per distinct two lists."""
    slim = shared[["person", "link", "entity", "key", "sources", "first_seen"]]
    slim = slim.iloc[_content_order(slim, ("person", "key", "link"), slim["first_seen"])]
    slim = slim.drop_duplicates(subset=["person", "key"]).reset_index(drop=True)
    left, right = _holder_pairs(slim["key"], slim["person"])
    if len(left) == 0:
        return pd.DataFrame(columns=JOIN_COLUMNS)
    pairs = slim.iloc[left].reset_index(drop=True)
    kind = pairs["link"].map(SHARED_LINKS)
    sources = slim["sources"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "a": pairs["person"],
            "b": slim["person"].iloc[right].reset_index(drop=True),
            "fact": "shared_" + kind.replace({"location": "home"}),
            "kind": kind,
            "ref_key": pairs["key"],
            "at": pairs["first_seen"],
            "sources": _unions(sources[left], sources[right]),
        }
    )


def _holder_pairs(key: pd.Series, person: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (left, right) of every two rows with the same `key`, left's person before right's.

    What a self-merge on `key` filtered to person_a < person_b gives (in another order), from
    integer codes: the rows sorted by key, each row paired with every row of its key's run."""
    codes, _ = _sorted_codes(key, np.arange(len(key)))
    who, _ = _sorted_codes(person, np.arange(len(person)))
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    starts = np.cumsum(sizes) - sizes
    per_row = sizes[codes[order]]
    left = np.repeat(order, per_row)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    right = order[np.repeat(starts[codes[order]], per_row) + offset]
    keep = who[left] < who[right]
    return left[keep], right[keep]


def _unions(left: np.ndarray, right: np.ndarray) -> list[list[Any]]:
    """`list(dict.fromkeys([*x, *y]))` of each two lists, worked out once per distinct two list objects.

    Rows read from the store share one list object per distinct list of sources, so there are few;
    the rows that unite the same two share the result (no caller changes a fact's sources)."""
    if len(left) == 0:
        return []
    lc, lu = pd.factorize(np.fromiter(map(id, left), dtype=np.int64, count=len(left)))
    rc, ru = pd.factorize(np.fromiter(map(id, right), dtype=np.int64, count=len(right)))
    combo, _ = pd.factorize(lc.astype(np.int64) * len(ru) + rc)
    first = _first_of_each(combo)
    united = [list(dict.fromkeys([*left[i], *right[i]])) for i in first.tolist()]
    return [united[c] for c in combo.tolist()]


def _contact_pairs(contacts: pd.DataFrame, rule: Ages, child_things: set[str]) -> pd.DataFrame:
    """Calls, messages, being together, handset contacts and links between two persons adult on the date.

    Worked out as whole columns, the rows taken once: which rows join (their kind, both persons
    adult on the date, not through a child's phone or vehicle, a link of a joining kind) as one
    mask; each pair oriented by the persons' ranks in string order (`Ages.ranks`), and the same
    fact in both directions (being together is written both ways) kept once, first as read, by
    integer codes. Every filter is a function of the columns the repeats are told apart by, so
    filtering before or after dropping them is the same."""
    if contacts.empty:
        return pd.DataFrame(columns=JOIN_COLUMNS)
    kinds = contacts["kind"]
    where_a = positions(contacts["a"], rule.keys)
    where_b = positions(contacts["b"], rule.keys)
    keep = kinds.isin(JOINING_CONTACTS).to_numpy(dtype=bool, copy=True)
    keep &= (kinds != "link").to_numpy(dtype=bool) | contacts["detail"].isin(
        JOINING_ASSOCIATIONS
    ).to_numpy(dtype=bool)
    keep &= rule.status_at(where_a, contacts["at"]) == ADULT
    keep &= rule.status_at(where_b, contacts["at"]) == ADULT
    keep &= ~_via_child(contacts["via"], child_things)
    pos = np.flatnonzero(keep)
    # contact_evidence gives calls, handset entries and links in one direction only: orient each pair
    rank, names = rule.ranks
    lo = np.minimum(rank[where_a[pos]], rank[where_b[pos]])
    hi = np.maximum(rank[where_a[pos]], rank[where_b[pos]])
    repeated = pd.DataFrame(
        {
            "a": lo,
            "b": hi,
            "kind": _codes(kinds, pos),
            "ref_key": _codes(contacts["ref_key"], pos),
            "via": _codes(contacts["via"], pos),
        }
    ).duplicated()
    first = ~repeated.to_numpy(dtype=bool)
    if not first.any():
        return pd.DataFrame(columns=JOIN_COLUMNS)
    pos, lo, hi = pos[first], lo[first], hi[first]
    c = contacts.iloc[pos]
    kind = c["ref_entity"].map({"Event": "event", "Exhibit": "exhibit", "Link": "link"})
    # a link's fact is its kind, with its basis when it rests on something other than a record
    # (the basis worked out for the links alone: most facts are calls and meetings)
    links = (c["kind"] == "link").to_numpy(dtype=bool)
    fact = c["kind"].copy()
    if links.any():
        basis = link_basis(c["ref_key"][links])
        detail = c["detail"][links]
        fact[links] = detail.where(basis.eq(DEFAULT_BASIS), detail + ":" + basis)
    return pd.DataFrame(
        {
            "a": pd.Series(names.take(pa.array(lo)).to_pandas().array, index=c.index),
            "b": pd.Series(names.take(pa.array(hi)).to_pandas().array, index=c.index),
            "fact": fact,
            "kind": kind,
            "ref_key": c["ref_key"],
            "at": c["at"],
            "sources": c["sources"],
        }
    )


def _codes(column: pd.Series, pos: np.ndarray) -> np.ndarray:
    """Integer codes of column[pos], equal where the values are (every missing value one code):
    Arrow's dictionary encoding of the taken strings, several times faster than pandas' factorize."""
    encoded = pc.dictionary_encode(_arrow_take(column, pos), null_encoding="encode")
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)


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
    with paused():
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
    srcs = Sources(store, minimum)
    # the groups, their evidence items and rows are millions of small acyclic objects: a full
    # collection that the first allocations after group_evidence set off walked them all (1.5 s
    # at demo --scale 100), so the collector waits until the rows are made
    with paused():
        groups = find_groups(facts, threshold, seed)
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
    integer codes and cut into runs, one evidence item per run. Everything an item holds is worked
    out as whole columns: each run's persons and facts (sorted, distinct) as slices of one sorted
    array, its earliest date as ISO text, its record id, its cited sources (each distinct combination
    once). Only the items themselves are made one by one. With `name`, persons are named by it and
    the items carry no `person_keys` (see linked_groups).
    """
    out: list[list[dict[str, Any]]] = [[] for _ in groups]
    if not groups or facts.empty:
        return out
    with paused():
        pos, grp = _inside(facts, groups)
        if len(pos) == 0:
            return out
        kind_codes, kinds = _sorted_codes(facts["kind"], pos)
        ref_codes, refs = _sorted_codes(facts["ref_key"], pos)
        order = np.lexsort((pos, ref_codes, kind_codes, grp))
        pos, grp, kind_codes, ref_codes = (
            pos[order],
            grp[order],
            kind_codes[order],
            ref_codes[order],
        )
        new = np.ones(len(pos), dtype=bool)
        new[1:] = (
            (grp[1:] != grp[:-1])
            | (kind_codes[1:] != kind_codes[:-1])
            | (ref_codes[1:] != ref_codes[:-1])
        )
        starts = np.flatnonzero(new)
        run = np.cumsum(new) - 1
        stamps = pd.to_datetime(facts["at"], errors="coerce").to_numpy(dtype="datetime64[us]")
        run_kind, run_ref = kind_codes[starts], ref_codes[starts]
        person_keys, persons = _run_persons(facts, pos, run, name)
        columns = zip(
            np.asarray(kinds, dtype=object)[run_kind].tolist(),
            _idents(kinds.to_pylist(), refs, run_kind, run_ref),
            persons,
            _run_values(facts["fact"], pos, run),
            _first_iso(stamps[pos], starts),
            _run_cited(facts["sources"].to_numpy(dtype=object)[pos], run, srcs),
            strict=True,
        )
        items = _items(columns, person_keys)
        run_group = grp[starts]
        bounds = np.searchsorted(run_group, np.arange(len(groups) + 1)).tolist()
        for g in _sorted_unique(run_group).tolist():
            out[g] = items[bounds[g] : bounds[g + 1]]
    return out


#: One evidence item's parts: kind, id, persons, facts, at, and (source_id, grading, sources).
_ItemParts = tuple[str, str, list[str], list[str], str | None, tuple[Any, Any, tuple[Any, ...]]]


def _items(
    columns: Iterator[_ItemParts], person_keys: list[list[str]] | None
) -> list[dict[str, Any]]:
    """The evidence items as dicts, in the contract's key order (with `person_keys` when given)."""
    if person_keys is None:
        return [
            {
                "kind": k,
                "id": i,
                "persons": p,
                "facts": f,
                "at": t,
                "source_id": c[0],
                "grading": c[1],
                "sources": list(c[2]),
            }
            for k, i, p, f, t, c in columns
        ]
    return [
        {
            "kind": k,
            "id": i,
            "persons": p,
            "person_keys": q,
            "facts": f,
            "at": t,
            "source_id": c[0],
            "grading": c[1],
            "sources": list(c[2]),
        }
        for (k, i, p, f, t, c), q in zip(columns, person_keys, strict=True)
    ]


def _inside(facts: pd.DataFrame, groups: list[Group]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the facts whose two ends are in one group (with a kind and a record), and that group."""
    members = pd.Index([m for g in groups for m in g.members])
    group_of = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g.members) for g in groups])
    ia = positions(facts["a"], members)
    ib = positions(facts["b"], members)
    ga = np.where(ia >= 0, group_of[np.maximum(ia, 0)], -1)
    gb = np.where(ib >= 0, group_of[np.maximum(ib, 0)], -2)
    keep = (ga == gb) & facts["kind"].notna().to_numpy() & facts["ref_key"].notna().to_numpy()
    pos = np.flatnonzero(keep)
    return pos, ga[pos]


def _sorted_codes(column: pd.Series, pos: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Codes of column[pos] numbered in the sorted order of the distinct strings, and those strings.

    Arrow's dictionary encoding and sort (pandas' sorted factorize of object strings costs several
    times more); strings sort by code point, as Python compares them."""
    return _ranked_codes(_arrow_take(column, pos))


def _ranked_codes(strings: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """`_sorted_codes` of an Arrow string array: each value's rank among the distinct values, and those values sorted."""
    encoded = pc.dictionary_encode(strings)
    # one sort of the distinct strings gives both their order and each one's rank in it
    order = pc.sort_indices(encoded.dictionary)
    ranks = np.empty(len(encoded.dictionary), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(ranks), dtype=np.int64)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return ranks[codes], pc.take(encoded.dictionary, order)


def _arrow_take(column: pd.Series, pos: np.ndarray) -> pa.Array:
    """column[pos] as one Arrow string array (taken in Arrow when the column is Arrow-backed)."""
    try:
        data = pa.array(column.array)
    except (pa.ArrowException, TypeError):
        data = None
    if (
        data is None
        or not pa.types.is_string(data.type)
        and not pa.types.is_large_string(data.type)
    ):
        return pa.array(column.to_numpy(dtype=object)[pos], type=pa.string())
    taken = data.take(pa.array(pos))
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken


def _slices(flat: list[Any], run: np.ndarray, n_runs: int) -> list[list[Any]]:
    """`flat` (sorted by run) cut into one list per run, from the run of each element."""
    ends = np.searchsorted(run, np.arange(1, n_runs + 1)).tolist()
    return [flat[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]


def _run_distinct(run: np.ndarray, codes: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (run, code) pairs, sorted by run then code, as (runs, codes)."""
    both = _sorted_unique(run.astype(np.int64) * width + codes)
    return both // width, both % width


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (by a sort: np.unique hashes, several times slower here)."""
    out = np.sort(values)
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def _first_of_each(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, in order of position."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    return np.sort(order[first])


def _run_persons(
    facts: pd.DataFrame, pos: np.ndarray, run: np.ndarray, name: Callable[[str], str] | None
) -> tuple[list[list[str]] | None, list[list[str]]]:
    """Each run's persons (both ends of its facts, distinct, sorted by key): their names, and,
    without `name` (the items then carry `person_keys`), their keys."""
    n_runs = int(run[-1]) + 1
    ends = pa.concat_arrays([_arrow_take(facts["a"], pos), _arrow_take(facts["b"], pos)])
    codes, keys = _ranked_codes(ends)
    runs, people = _run_distinct(np.concatenate([run, run]), codes, len(keys))
    key_list = keys.to_pylist()
    named = [name(k) if name is not None else split_key(k, "Person")[1] for k in key_list]
    chosen = people.tolist()
    by_name = _slices([named[i] for i in chosen], runs, n_runs)
    if name is not None:
        return None, by_name
    return _slices([key_list[i] for i in chosen], runs, n_runs), by_name


def _run_values(column: pd.Series, pos: np.ndarray, run: np.ndarray) -> list[list[str]]:
    """Each run's distinct values of a string column, sorted."""
    codes, values = _sorted_codes(column, pos)
    runs, chosen = _run_distinct(run, codes, len(values))
    texts = values.to_pylist()
    return _slices([texts[i] for i in chosen.tolist()], runs, int(run[-1]) + 1)


def _run_cited(
    sources: np.ndarray, run: np.ndarray, srcs: Sources
) -> list[tuple[str | None, str | None, tuple[str | None, ...]]]:
    """Each run's cited sources (Sources.cited of its facts' sources united in order).

    Facts hold a few combinations of sources: each distinct list object is read once, each
    combination numbered, and each run's combinations (in order of first appearance) cited once."""
    ident, objects = pd.factorize(np.fromiter(map(id, sources), dtype=np.int64, count=len(sources)))
    first = _first_of_each(ident)
    combos: dict[tuple[str, ...], int] = {}
    combo_of = np.array(
        [combos.setdefault(tuple(_listed(sources[i])), len(combos)) for i in first.tolist()],
        dtype=np.int64,
    )
    combo = combo_of[ident]
    width = max(len(combos), 1)
    firsts = _first_of_each(run.astype(np.int64) * width + combo)
    runs, chosen = run[firsts], combo[firsts]
    n_runs = int(run[-1]) + 1
    begin = np.searchsorted(runs, np.arange(n_runs + 1))
    tuples = list(combos)
    each = [srcs.cited(list(dict.fromkeys(t))) for t in tuples]
    out = [each[c] for c in chosen[begin[:-1]].tolist()]
    # runs whose facts cite more than one combination: those combinations united, in order
    united: dict[tuple[int, ...], tuple[str | None, str | None, tuple[str | None, ...]]] = {}
    for r in np.flatnonzero(np.diff(begin) > 1).tolist():
        key = tuple(chosen[begin[r] : begin[r + 1]].tolist())
        known = united.get(key)
        if known is None:
            known = united[key] = srcs.cited(list(dict.fromkeys(s for c in key for s in tuples[c])))
        out[r] = known
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
    kinds: list[str], refs: pa.Array, run_kind: np.ndarray, run_ref: np.ndarray
) -> list[str]:
    """`_ident` of each run's (kind, record), from the distinct records as one column: a link's id is
    its record key, a phone's or vehicle's its key, any other record's the part after `DATASET:`."""
    after = pc.if_else(
        pc.match_substring(refs, ":"),
        pc.replace_substring_regex(refs, "^[^:]*:", "", max_replacements=1),
        "",
    )
    whole = np.array(
        [k == "link" or split_key("x:x", _ENTITIES[k])[0] is None for k in kinds], dtype=bool
    )
    keep = whole[run_kind]
    chosen = np.where(
        keep,
        np.asarray(refs.to_pylist(), dtype=object)[run_ref],
        np.asarray(after.to_pylist(), dtype=object)[run_ref],
    )
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
