"""The store's own reads, declared once as patterns: one text, with a variant where a dialect needs it.

Every backend runs these through `GraphStore` (base.py), so a read is written once, not once per
backend: counts, entities (all, or by key), keys by contract id, the links of one kind between two
entity kinds (all, from keys, to keys) and an entity's own links. The text is the Cypher both
LadybugDB and Neo4j 5 accept unless a pattern carries a variant for one store (by GraphStore.name),
as graph_intel.stores.patterns does for the analyses' patterns. Labels, relationship types and
property keys come only from the schema; every value is a parameter (`$keys`, `$key`, `$id`).

The embedded store seeks a node by its primary key when the key is an inline map (`{key: k}`);
Neo4j's linter reads such a map as a property of the node, so its text says `WHERE n.key = k`
(the planner seeks on the uniqueness constraint either way).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from graph_intel.schema import COMMON_LINK_COLUMNS, LinkSpec, schema
from graph_intel.stores.patterns import Pattern

#: Which links of one kind a read wants: all, those from `$keys`, or those to `$keys`.
LinkEnd = Literal["all", "from", "to"]

#: Up to this many keys, a read of the links from or to them names the keys in `IN $keys`: the
#: embedded store seeks each (about 1 ms a key), where it hash-joins an unwound list against the
#: whole link table (0.2-1.5 s at `demo --scale 100`, however few the keys). More keys are unwound.
FEW_KEYS = 64


def link_frame_returns(spec: LinkSpec, a: str, b: str) -> str:
    """The Cypher RETURN items that give the link frame for `(a)-[l]->(b)`; names come from the schema."""
    cols = ", ".join(f"l.{c} AS {c}" for c in spec.columns())
    return (
        f"'{spec.name}' AS link, '{a}' AS from_entity, a.key AS from_key, "
        f"'{b}' AS to_entity, b.key AS to_key, {cols}"
    )


def _returns(columns: tuple[str, ...]) -> str:
    return ", ".join(f"n.{c} AS {c}" for c in columns)


@cache
def count_nodes(entity: str) -> Pattern:
    """The number of entities of one kind."""
    name = schema().entities[entity].name
    return Pattern(f"count_nodes_{name}", f"MATCH (n:{name}) RETURN count(n) AS n")


@cache
def count_links(link: str) -> Pattern:
    """The number of links of one kind."""
    name = schema().links[link].name
    return Pattern(f"count_links_{name}", f"MATCH ()-[l:{name}]->() RETURN count(l) AS n")


@cache
def nodes(entity: str, columns: tuple[str, ...]) -> Pattern:
    """Every entity of one kind, the given columns."""
    name = schema().entities[entity].name
    return Pattern(f"nodes_all_{name}", f"MATCH (n:{name}) RETURN {_returns(columns)}")


@cache
def nodes_by_keys(entity: str, columns: tuple[str, ...]) -> Pattern:
    """The entities of one kind whose keys are in `$keys`, the given columns."""
    name = schema().entities[entity].name
    returns = _returns(columns)
    return Pattern(
        f"nodes_by_keys_{name}",
        f"UNWIND $keys AS k MATCH (n:{name}) WHERE n.key = k RETURN {returns}",
        variants={"embedded": f"UNWIND $keys AS k MATCH (n:{name} {{key: k}}) RETURN {returns}"},
    )


@cache
def find_keys(entity: str) -> Pattern:
    """Keys of the entities of one kind whose contract id is `$id`."""
    name = schema().entities[entity].name
    return Pattern(
        f"find_keys_{name}", f"MATCH (n:{name}) WHERE n.id = $id RETURN n.key AS key ORDER BY key"
    )


@cache
def links(
    link: str, from_entity: str, to_entity: str, end: LinkEnd = "all", few: bool = False
) -> Pattern:
    """The links of one kind between two entity kinds: all, or those from or to a key in `$keys`
    (`few`: a list of at most FEW_KEYS keys, named in `IN $keys`)."""
    spec = schema().links[link]
    a, b = schema().entities[from_entity].name, schema().entities[to_entity].name
    returns = link_frame_returns(spec, a, b)
    name = f"links_{end}_{spec.name}_{a}_{b}"
    if few and end != "all":
        end_key = "a" if end == "from" else "b"
        return Pattern(
            f"links_{end}_few_{spec.name}_{a}_{b}",
            f"MATCH (a:{a})-[l:{spec.name}]->(b:{b}) WHERE {end_key}.key IN $keys RETURN {returns}",
        )
    if end == "all":
        return Pattern(name, f"MATCH (a:{a})-[l:{spec.name}]->(b:{b}) RETURN {returns}")
    if end == "from":
        return Pattern(
            name,
            f"UNWIND $keys AS k MATCH (a:{a}) WHERE a.key = k MATCH (a)-[l:{spec.name}]->(b:{b}) RETURN {returns}",
            variants={
                "embedded": f"UNWIND $keys AS k MATCH (a:{a} {{key: k}})-[l:{spec.name}]->(b:{b}) RETURN {returns}"
            },
        )
    return Pattern(
        name,
        f"UNWIND $keys AS k MATCH (b:{b}) WHERE b.key = k MATCH (a:{a})-[l:{spec.name}]->(b) RETURN {returns}",
        variants={
            "embedded": f"UNWIND $keys AS k MATCH (a:{a})-[l:{spec.name}]->(b:{b} {{key: k}}) RETURN {returns}"
        },
    )


@cache
def node_links(entity: str, direction: Literal["out", "in"]) -> Pattern:
    """Every link of any kind from (`out`) or into (`in`) the entity whose key is `$key`, in one
    statement: for a store whose dialect names a link's kind and an end's kind by `label()` (the
    embedded store). Other stores gather an entity's links kind by kind (GraphStore.node_links)."""
    name = schema().entities[entity].name
    props = sorted({p for spec in schema().links.values() for p in spec.properties})
    common = ", ".join(f"l.{c} AS {c}" for c in (*COMMON_LINK_COLUMNS, *props))
    if direction == "out":
        text = (
            f"MATCH (n:{name} {{key: $key}})-[l]->(m) RETURN label(l) AS link, '{name}' AS from_entity, "
            f"n.key AS from_key, label(m) AS to_entity, m.key AS to_key, {common}"
        )
    else:
        text = (
            f"MATCH (n:{name} {{key: $key}})<-[l]-(m) RETURN label(l) AS link, label(m) AS from_entity, "
            f"m.key AS from_key, '{name}' AS to_entity, n.key AS to_key, {common}"
        )
    return Pattern(f"node_links_{direction}_{name}", text)


def all_reads() -> list[Pattern]:
    """Every read any store runs through GraphStore, each entity with all its columns (for the linter)."""
    out: list[Pattern] = []
    for name, ent in schema().entities.items():
        columns = tuple(ent.columns())
        out += [
            count_nodes(name),
            nodes(name, columns),
            nodes_by_keys(name, columns),
            find_keys(name),
        ]
    for name, spec in schema().links.items():
        out.append(count_links(name))
        out += [links(name, a, b, end) for a, b in spec.pairs for end in ("all", "from", "to")]
        out += [links(name, a, b, end, few=True) for a, b in spec.pairs for end in ("from", "to")]
    return out
