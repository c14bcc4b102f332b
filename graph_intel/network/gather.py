"""Reading the pieces of the graph a picture needs from a store (the only module that queries)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from graph_intel.network.build import FilterError
from graph_intel.schema import LinkSpec, schema
from graph_intel.stores.base import GraphStore, Subgraph, _plain


def link_specs(kinds: Iterable[str] | None) -> list[LinkSpec] | None:
    """Link kinds named canonically (uses_phone) or by type (USES_PHONE); None means all."""
    if kinds is None:
        return None
    try:
        return [schema().link(k.strip()) for k in kinds if k.strip()]
    except KeyError as exc:
        raise FilterError(str(exc.args[0])) from exc


def ego(
    store: GraphStore, seeds: Sequence[tuple[str, str]], hops: int, links: list[LinkSpec] | None
) -> Subgraph:
    """The entities within `hops` links of the seeds, and the links among them."""
    return store.neighbourhood(seeds, hops=hops, links=links)


def case(store: GraphStore, dataset: str, links: list[LinkSpec] | None) -> Subgraph:
    """Every link touching an entity of one dataset, their ends, and the dataset's persons.

    The store finds the dataset's keys and reads only their links (GraphStore.dataset_links): the
    other datasets' links never cross into Python.
    """
    frame = store.dataset_links(dataset, links)
    by_entity: dict[str, set[str]] = {}
    for ends in (("from_entity", "from_key"), ("to_entity", "to_key")):
        for entity, key in zip(frame[ends[0]], frame[ends[1]], strict=True):
            by_entity.setdefault(entity, set()).add(key)
    by_entity.setdefault("Person", set()).update(store.dataset_keys("Person", dataset))
    node_frames = []
    for entity, keys in by_entity.items():
        nodes = store.nodes(entity, keys=sorted(keys))
        nodes.insert(0, "entity", entity)
        node_frames.append(nodes)
    nodes_all = pd.concat(node_frames, ignore_index=True) if node_frames else pd.DataFrame()
    return Subgraph(nodes=nodes_all, links=frame)


def sources(store: GraphStore, subgraph: Subgraph) -> dict[str, dict[str, Any]]:
    """The Source records the subgraph's links cite, by key (agency, grading, reference)."""
    keys: set[str] = set()
    if not subgraph.links.empty and "sources" in subgraph.links:
        for value in subgraph.links["sources"]:
            keys.update(_plain(value) or [])
    if not keys:
        return {}
    frame = store.nodes("Source", keys=sorted(keys))
    return {row["key"]: {k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")}


def contact_parties(
    store: GraphStore, subgraph: Subgraph, links: list[LinkSpec] | None
) -> Subgraph:
    """The subgraph with every party of its calls and messages, so each is drawn as one link between two.

    A call reached at the edge of the hops has its other phone one hop further; without it the call
    would hang off one phone as a dead end. Only PARTICIPATED_IN links of those events are added.
    """
    from graph_intel.network.aggregate import CONTACT_KINDS

    if subgraph.nodes.empty or (
        links is not None and "PARTICIPATED_IN" not in {s.name for s in links}
    ):
        return subgraph
    frame = subgraph.nodes
    kinds = (
        frame["kind"].astype("string").str.lower()
        if "kind" in frame
        else pd.Series([], dtype="string")
    )
    calls = frame[(frame["entity"] == "Event") & kinds.isin(list(CONTACT_KINDS)).fillna(False)]
    if calls.empty:
        return subgraph
    parts = store.links("PARTICIPATED_IN", to_keys=sorted(str(k) for k in calls["key"]))
    if parts.empty:
        return subgraph
    have = set(zip(frame["entity"], frame["key"], strict=True))
    missing: dict[str, set[str]] = {}
    for entity, key in zip(parts["from_entity"], parts["from_key"], strict=True):
        if (entity, key) not in have:
            missing.setdefault(entity, set()).add(key)
    extra_nodes = []
    for entity, keys in missing.items():
        found = store.nodes(entity, keys=sorted(keys))
        found.insert(0, "entity", entity)
        extra_nodes.append(found)
    nodes = pd.concat([frame, *extra_nodes], ignore_index=True) if extra_nodes else frame
    # who uses the phones of those calls, when that person is in the picture already
    phones = sorted(
        {
            str(k)
            for e, k in zip(parts["from_entity"], parts["from_key"], strict=True)
            if e == "Phone"
        }
    )
    present = set(zip(nodes["entity"], nodes["key"], strict=True))
    uses = store.links("USES_PHONE", to_keys=phones) if phones else pd.DataFrame()
    if not uses.empty:
        inside = [
            (fe, fk) in present and (te, tk) in present
            for fe, fk, te, tk in zip(
                uses["from_entity"],
                uses["from_key"],
                uses["to_entity"],
                uses["to_key"],
                strict=True,
            )
        ]
        parts = pd.concat([parts, uses[inside]], ignore_index=True)
    both = (
        pd.concat([subgraph.links, parts], ignore_index=True) if not subgraph.links.empty else parts
    )
    both = both.drop_duplicates(
        subset=["link", "from_key", "to_key", "from_entity", "to_entity"]
    ).reset_index(drop=True)
    return Subgraph(nodes=nodes, links=both, notes=list(subgraph.notes))
