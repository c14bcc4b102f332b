"""Every Cypher statement the Neo4j store can issue, generated from the schema's names only.

Labels, relationship types and property keys come from graph_intel/schema/pole.yaml (names the
schema loader has validated); every value is a parameter (`$rows`, `$keys`, `$key`, `$id`, and the
patterns' `$at_least`, `$kinds`, `$prefix`, `$call`, `$caller`, `$callee`).
`all_statements()` enumerates the full set so that tests/stores/test_cypher_lint.py can check each
one with Neo4j's own parser (tools/cypher-lint) against the schema.

Ends are matched with `MATCH (a:Label) WHERE a.key = r.from_key` rather than an inline property
map: the planner seeks on the uniqueness constraint either way, and the linter would otherwise read
`r.from_key` inside a read pattern's map as a property of the node.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from graph_intel.schema import EntitySpec, schema
from graph_intel.stores import patterns, reads
from graph_intel.stores.base import STORE_TABLES

#: Example values of every parameter the statements use (the linter needs their names and types).
PARAMETERS: dict[str, object] = {
    "rows": [{"key": "d1:P1", "from_key": "d1:P1", "to_key": "+447700900001"}],
    "keys": ["d1:P1"],
    "key": "d1:P1",
    "id": "P1",
    "dataset": "d1",
    "started_at": "2026-12-01T22:00:00Z",
}

#: Node properties that get an index besides the unique `key` (lookups by contract id, by dataset).
INDEXED_PROPERTIES = ("id", "dataset")

#: Remove every node and link: a clean database for the contract suite against a live server.
DELETE_ALL = "MATCH (n) DETACH DELETE n"

#: The columns of the counts an upsert returns.
UPSERT_COUNTS = ("created", "updated", "unchanged")


def _union(stored: str, incoming: str) -> str:
    """Cypher for the stored list then the incoming values it lacks (no APOC), in order."""
    return (
        f"reduce(acc = coalesce({stored}, []), x IN coalesce({incoming}, []) | "
        f"CASE WHEN x IN acc THEN acc ELSE acc + x END)"
    )


def _set_clause(var: str, columns: Mapping[str, str], skip: tuple[str, ...]) -> str:
    """SET items applying the upsert rules of graph_intel.stores.merge to `var` from row `r`."""
    items = []
    for col, typ in columns.items():
        if col in skip:
            continue
        if typ == "string_list":
            items.append(f"{var}.{col} = CASE WHEN size(u_{col}) = 0 THEN null ELSE u_{col} END")
        elif col == "first_seen":
            items.append(
                f"{var}.{col} = CASE WHEN {var}.{col} IS NULL OR r.{col} < {var}.{col} "
                f"THEN coalesce(r.{col}, {var}.{col}) ELSE {var}.{col} END"
            )
        elif col == "last_seen":
            items.append(
                f"{var}.{col} = CASE WHEN {var}.{col} IS NULL OR r.{col} > {var}.{col} "
                f"THEN coalesce(r.{col}, {var}.{col}) ELSE {var}.{col} END"
            )
        else:
            items.append(f"{var}.{col} = coalesce(r.{col}, {var}.{col})")
    return ", ".join(items)


def _unions(var: str, columns: Mapping[str, str], keep: str) -> str:
    """A WITH computing the union of every list column, keeping the variables in `keep`."""
    unions = [
        f"{_union(f'{var}.{c}', f'r.{c}')} AS u_{c}"
        for c, t in columns.items()
        if t == "string_list"
    ]
    return f"WITH {', '.join([keep, *unions])}"


_TALLY = (
    "RETURN count(CASE WHEN before IS NULL THEN 1 END) AS created, "
    "count(CASE WHEN before IS NOT NULL AND before <> after THEN 1 END) AS updated, "
    "count(CASE WHEN before IS NOT NULL AND before = after THEN 1 END) AS unchanged"
)


# -- schema -------------------------------------------------------------------------------------
def node_constraint(entity: EntitySpec) -> str:
    """The uniqueness constraint on an entity kind's `key`."""
    return (
        f"CREATE CONSTRAINT {entity.name.lower()}_key IF NOT EXISTS "
        f"FOR (n:{entity.name}) REQUIRE n.key IS UNIQUE"
    )


def node_index(entity: EntitySpec, prop: str) -> str:
    """A range index on one of an entity kind's lookup properties."""
    return f"CREATE INDEX {entity.name.lower()}_{prop} IF NOT EXISTS FOR (n:{entity.name}) ON (n.{prop})"


def schema_statements() -> list[tuple[str, str]]:
    """Constraints and indexes for every entity kind, named."""
    out = []
    for ent in schema().entities.values():
        out.append((f"constraint_{ent.name}_key", node_constraint(ent)))
        out.extend((f"index_{ent.name}_{p}", node_index(ent, p)) for p in INDEXED_PROPERTIES)
    return out


# -- writes -------------------------------------------------------------------------------------
@cache
def upsert_nodes(entity: str) -> str:
    """Merge `$rows` (one per key) into an entity kind; return created/updated/unchanged."""
    spec = schema().entities[entity]
    cols = spec.columns()
    return (
        f"UNWIND $rows AS r "
        f"OPTIONAL MATCH (old:{spec.name}) WHERE old.key = r.key "
        f"WITH r, properties(old) AS before "
        f"MERGE (n:{spec.name} {{key: r.key}}) "
        f"{_unions('n', cols, 'r, before, n')} "
        f"SET {_set_clause('n', cols, ('key',))} "
        f"WITH before, properties(n) AS after "
        f"{_TALLY}"
    )


@cache
def upsert_links(link: str, from_entity: str, to_entity: str) -> str:
    """Merge `$rows` (one per identity) into a link kind between two entity kinds; return counts.

    Rows whose ends are missing produce no row, so the counts add up to fewer than were sent.
    A blank identity property is stored as '' (Neo4j cannot MERGE on null) and read back as blank.
    """
    spec = schema().links[link]
    cols = spec.columns()
    ident = ", ".join(f"{p}: coalesce(r.{p}, '')" for p in spec.identity)
    ident_map = f" {{{ident}}}" if ident else ""
    old_where = " AND ".join(f"old.{p} = coalesce(r.{p}, '')" for p in spec.identity)
    old_where = f" WHERE {old_where}" if old_where else ""
    return (
        f"UNWIND $rows AS r "
        f"MATCH (a:{from_entity}) WHERE a.key = r.from_key "
        f"MATCH (b:{to_entity}) WHERE b.key = r.to_key "
        f"OPTIONAL MATCH (a)-[old:{spec.name}]->(b){old_where} "
        f"WITH r, a, b, properties(old) AS before "
        f"MERGE (a)-[l:{spec.name}{ident_map}]->(b) "
        f"{_unions('l', cols, 'r, before, l')} "
        f"SET {_set_clause('l', cols, spec.identity)} "
        f"WITH before, properties(l) AS after "
        f"{_TALLY}"
    )


# -- the full set -------------------------------------------------------------------------------
#: Loads that did not finish: one LoadState node per dataset (not part of the POLE schema).
(LOAD_STATE_LABEL,) = STORE_TABLES
MARK_LOAD_STARTED = (
    "MERGE (l:LoadState {dataset: $dataset}) SET l.started_at = $started_at, l.finished = false"
)
MARK_LOAD_FINISHED = (
    "MATCH (l:LoadState {dataset: $dataset}) WHERE l.started_at = $started_at SET l.finished = true"
)
INCOMPLETE_LOADS = "MATCH (l:LoadState) WHERE l.finished = false RETURN l.dataset AS dataset, l.started_at AS started_at"


def all_statements() -> list[tuple[str, str]]:
    """(name, cypher) for every statement the Neo4j store can issue, every label/type variant."""
    out = list(schema_statements())
    out.append(("delete_all", DELETE_ALL))
    out += [
        ("mark_load_started", MARK_LOAD_STARTED),
        ("mark_load_finished", MARK_LOAD_FINISHED),
        ("incomplete_loads", INCOMPLETE_LOADS),
    ]
    for ent in schema().entities:
        out += [
            (f"upsert_nodes_{ent}", upsert_nodes(ent)),
        ]
    for name, spec in schema().links.items():
        out += [(f"upsert_links_{name}_{a}_{b}", upsert_links(name, a, b)) for a, b in spec.pairs]
    # the reads every store runs (graph_intel.stores.reads), as the Neo4j store runs them
    out += [(p.name, p.text("neo4j")) for p in reads.all_reads()]
    # the analyses' pattern queries (graph_intel.stores.patterns), as the Neo4j store runs them
    out += [(f"pattern_{p.name}", p.text("neo4j")) for p in patterns.all_patterns()]
    return out


def parameters() -> dict[str, object]:
    """Example values of every parameter any statement uses: the store's own and the patterns'."""
    out = dict(PARAMETERS) | patterns.PARAMETERS
    for pattern in patterns.all_patterns():
        out |= dict(pattern.params)
    return out


def lint_schema() -> dict[str, object]:
    """The DbSchema @neo4j-cypher/language-support checks statements against (labels, types, keys)."""
    sch = schema()
    keys: set[str] = set()
    for ent in sch.entities.values():
        keys.update(ent.columns())
    for link in sch.links.values():
        keys.update(link.columns())
    keys.update({"dataset", "started_at", "finished"})
    return {
        "labels": sorted([*sch.entities, LOAD_STATE_LABEL]),
        "relationshipTypes": sorted(sch.links),
        "propertyKeys": sorted(keys),
        "parameters": parameters(),
        "graphSchema": [
            {"from": a, "to": b, "relType": name}
            for name, link in sch.links.items()
            for a, b in link.pairs
        ],
        "defaultLanguage": "CYPHER 5",
    }


__all__ = [
    "DELETE_ALL",
    "INDEXED_PROPERTIES",
    "PARAMETERS",
    "UPSERT_COUNTS",
    "all_statements",
    "lint_schema",
    "node_constraint",
    "node_index",
    "parameters",
    "schema_statements",
    "upsert_links",
    "upsert_nodes",
]
