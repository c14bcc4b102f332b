"""Pattern queries the analyses run inside the store, declared once as data: Cypher text and parameters.

An analysis asks the store for the matches of a pattern (objects shared by several persons, calls
between two phones, who was at a placed event) instead of reading whole link kinds into pandas and
filtering there; only matches, or per-group results, come back. Every value is a parameter (the
defaults below, plus the caller's `$at_least`, `$kinds` or `$prefix`); labels, relationship types and property keys come
only from the schema (graph_intel/schema/pole.yaml), checked when a statement is built. The text is
the Cypher subset both LadybugDB and Neo4j 5 accept; where the dialects differ a pattern carries a
per-store variant, keyed by the store's `name`. Each statement is run on the embedded store by the
store contract suite (tests/stores) and linted by Neo4j's own parser (neo4j_statements.all_statements).

LadybugDB quirks these statements avoid: `WITH b MATCH (a)-[l]->(b)` (a second MATCH on a carried
node) can fail, so a pattern that needs the links of the matched ends is two statements (the keys,
then `links(..., to_keys=...)`, an `UNWIND $keys` lookup); `WHERE x IN $list` with many keys is slow,
so keys are unwound, never listed; `end` is reserved (events have `started_at`/`ended_at`).

The patterns that GraphStore reads through `_pattern_frame` (call pairs, placed events, presence,
participants) have no ORDER BY: `_pattern_frame` sorts their rows by columns that identify each
row (a link's ends and its identity properties), the same order on both stores, so a sort in the
store would be done twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from graph_intel.schema import schema


@dataclass(frozen=True)
class Pattern:
    """One pattern statement: a name, its Cypher, the parameter values it always takes, store variants."""

    name: str
    cypher: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    #: Cypher for one store (by GraphStore.name) where its dialect needs other text; else `cypher`.
    variants: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, store: str) -> str:
        """The Cypher to run on the store named `store`."""
        return self.variants.get(store, self.cypher)

    def bind(self, **params: object) -> dict[str, object]:
        """The parameters to run with: the pattern's own values, then the caller's."""
        return {**self.params, **params}


#: Event kind and participation roles of a call between two phones (values, so parameters).
CALL_KIND = "call"
CALLER, CALLEE = "caller", "callee"

#: Attributions by which a person uses a phone, vehicle or address: the shared-object analysis.
OBJECT_USE_LINKS = ("USES_PHONE", "KEEPER_OF", "DRIVES", "LIVES_AT")

#: Example values of the parameters the caller adds (the linter needs their names and types).
PARAMETERS: dict[str, object] = {"at_least": 2, "kinds": ["sighting", "incident"], "prefix": "d1:"}

#: Columns `keys_starting` can match a prefix on: the stored key ("DATASET:ID") and the contract id.
PREFIX_COLUMNS = ("key", "id")


def _links(links: Sequence[str]) -> tuple[str, ...]:
    """Link kinds by their schema names, de-duplicated and sorted (one statement per set)."""
    names = sorted({schema().link(name).name for name in links})
    if not names:
        raise ValueError("a pattern needs at least one link kind")
    return tuple(names)


def shared_keys(links: Sequence[str]) -> Pattern:
    """Keys of the `to` ends reached over the link kinds `links` from `$at_least`+ distinct `from` ends.

    The count is over all the kinds together, by key (a vehicle kept by one person and driven by
    another counts two), so it is what the shared-object analyses group by.
    """
    return _shared_keys(_links(links))


@cache
def _shared_keys(names: tuple[str, ...]) -> Pattern:
    return Pattern(
        name=f"shared_keys_{'_'.join(names)}",
        cypher=(
            f"MATCH (a)-[l:{'|'.join(names)}]->(b) "
            "WITH b.key AS key, count(DISTINCT a) AS n WHERE n >= $at_least "
            "RETURN key ORDER BY key"
        ),
    )


@cache
def call_pairs() -> Pattern:
    """Calls and messages between two phones: the event, the calling and the called phone."""
    part, event, phone = (
        schema().link("PARTICIPATED_IN").name,
        schema().entity("Event").name,
        schema().entity("Phone").name,
    )
    return Pattern(
        name="call_pairs",
        cypher=(
            f"MATCH (p:{phone})-[c:{part}]->(e:{event})<-[d:{part}]-(q:{phone}) "
            "WHERE e.kind = $call AND c.role = $caller AND d.role = $callee "
            "RETURN e.key AS event, p.key AS caller, q.key AS callee, c.sources AS sources, "
            "e.started_at AS started_at, e.call_type AS call_type"
        ),
        params=MappingProxyType({"call": CALL_KIND, "caller": CALLER, "callee": CALLEE}),
    )


@cache
def placed_events() -> Pattern:
    """Events with a place: the event, its location, kind and start, and the placing link's sources."""
    placed, event, location = (
        schema().link("OCCURRED_AT").name,
        schema().entity("Event").name,
        schema().entity("Location").name,
    )
    return Pattern(
        name="placed_events",
        cypher=(
            f"MATCH (e:{event})-[o:{placed}]->(l:{location}) "
            "RETURN e.key AS event, l.key AS location, e.kind AS kind, e.started_at AS started_at, "
            "o.sources AS sources"
        ),
    )


@cache
def present_at_places(entity: str) -> Pattern:
    """Who of one entity kind took part in a placed event: who, event, location, the part's sources."""
    part, placed, event, location = (
        schema().link("PARTICIPATED_IN").name,
        schema().link("OCCURRED_AT").name,
        schema().entity("Event").name,
        schema().entity("Location").name,
    )
    who = schema().entity(entity).name
    if (who, event) not in schema().link(part).pairs:
        raise ValueError(f"{who} cannot take part in an event")
    return Pattern(
        name=f"present_at_places_{who}",
        cypher=(
            f"MATCH (x:{who})-[p:{part}]->(e:{event})-[:{placed}]->(l:{location}) "
            "RETURN x.key AS who, e.key AS event, l.key AS location, p.role AS role, "
            "p.sources AS sources"
        ),
    )


@cache
def participants(entity: str) -> Pattern:
    """Who of one entity kind took part in events of the kinds `$kinds`: who, event, its kind and start, role, sources."""
    part, event = schema().link("PARTICIPATED_IN").name, schema().entity("Event").name
    who = schema().entity(entity).name
    if (who, event) not in schema().link(part).pairs:
        raise ValueError(f"{who} cannot take part in an event")
    return Pattern(
        name=f"participants_{who}",
        cypher=(
            f"MATCH (x:{who})-[p:{part}]->(e:{event}) WHERE e.kind IN $kinds "
            "RETURN x.key AS who, e.key AS event, e.kind AS kind, e.started_at AS started_at, "
            "p.role AS role, p.sources AS sources"
        ),
    )


@cache
def event_keys() -> Pattern:
    """Keys of the events of the kinds `$kinds`: a short list of kinds (missing episodes, notices served)."""
    event = schema().entity("Event").name
    return Pattern(
        name="event_keys",
        cypher=f"MATCH (e:{event}) WHERE e.kind IN $kinds RETURN e.key AS key ORDER BY key",
    )


#: Handling codes that restrict nothing in either grading scheme (blank; 5x5x5 `1`), and the 3x5x2
#: code that restricts nothing (`P`). The store returns only the sources coded otherwise; the exact
#: rule (graph_intel.handling.is_restricted: 3x5x2 `C`, 5x5x5 anything but `1`) decides among those.
OPEN_HANDLING = ("", "1")
OPEN_HANDLING_3X5X2 = ("P", "p")
LEGACY_SCHEME = "5x5x5"


@cache
def restricted_sources() -> Pattern:
    """Sources whose handling code may restrict their material: key, scheme, handling, handling_note.

    Open sources (most of them) never leave the store; the caller applies the exact rule to the few
    returned, so a code written oddly (` c`, `C `) is still judged by it.
    """
    source = schema().entity("Source").name
    return Pattern(
        name="restricted_sources",
        cypher=(
            f"MATCH (s:{source}) WHERE s.handling IS NOT NULL AND NOT s.handling IN $open_handling "
            "AND (s.scheme = $legacy_scheme OR NOT s.handling IN $open_handling_3x5x2) "
            "RETURN s.key AS key, s.scheme AS scheme, s.handling AS handling, s.handling_note AS handling_note "
            "ORDER BY key"
        ),
        params=MappingProxyType(
            {
                "open_handling": list(OPEN_HANDLING),
                "open_handling_3x5x2": list(OPEN_HANDLING_3X5X2),
                "legacy_scheme": LEGACY_SCHEME,
            }
        ),
    )


#: The dated columns whose range says what period the data covers: when events began, when sources recorded.
SPAN_COLUMNS = (("Event", "started_at"), ("Source", "recorded_at"))


@cache
def date_span(entity: str, column: str) -> Pattern:
    """The earliest and latest value of one dated column (one aggregate in the store, no rows back)."""
    spec = schema().entity(entity)
    if column not in spec.columns():
        raise ValueError(f"{spec.name} has no column {column!r}")
    return Pattern(
        name=f"date_span_{spec.name}_{column}",
        cypher=f"MATCH (n:{spec.name}) WHERE n.{column} IS NOT NULL RETURN min(n.{column}) AS first, max(n.{column}) AS last",
    )


@cache
def keys_starting(entity: str, column: str) -> Pattern:
    """Keys of the entities of one kind whose `column` (key or id) starts with `$prefix`.

    On the key, the prefix `DATASET:` picks one dataset's entities (dataset-scoped kinds only: a
    global kind's key is a normalised value with no dataset); on the id, records a tool writes under
    a reserved prefix (CSE matrix entries). Neo4j seeks a prefix on its key and id indexes.
    """
    spec = schema().entity(entity)
    if column not in PREFIX_COLUMNS:
        raise ValueError(
            f"keys_starting matches a prefix on {' or '.join(PREFIX_COLUMNS)}, not {column!r}"
        )
    return Pattern(
        name=f"keys_starting_{spec.name}_{column}",
        cypher=f"MATCH (n:{spec.name}) WHERE n.{column} STARTS WITH $prefix RETURN n.key AS key ORDER BY key",
    )


def all_patterns() -> list[Pattern]:
    """Every pattern statement the stores can issue, each link-kind set the analyses use included.

    `shared_keys` takes any set of link kinds: every single kind is listed, and every set the
    analyses ask for (graph_intel.analysis.contacts) so the exact text they run is checked.
    """
    out = [shared_keys([name]) for name in schema().links]
    out.append(shared_keys(OBJECT_USE_LINKS))
    out += [call_pairs(), placed_events()]
    takers = [a for a, _ in schema().link("PARTICIPATED_IN").pairs]
    out += [present_at_places(a) for a in takers] + [participants(a) for a in takers]
    out += [event_keys(), restricted_sources()]
    out += [date_span(e, c) for e, c in SPAN_COLUMNS]
    out += [keys_starting(e, c) for e in schema().entities for c in PREFIX_COLUMNS]
    return out


__all__ = [
    "CALLEE",
    "CALLER",
    "CALL_KIND",
    "LEGACY_SCHEME",
    "OPEN_HANDLING",
    "OPEN_HANDLING_3X5X2",
    "OBJECT_USE_LINKS",
    "PARAMETERS",
    "PREFIX_COLUMNS",
    "Pattern",
    "SPAN_COLUMNS",
    "all_patterns",
    "call_pairs",
    "date_span",
    "event_keys",
    "keys_starting",
    "participants",
    "placed_events",
    "present_at_places",
    "restricted_sources",
    "shared_keys",
]
