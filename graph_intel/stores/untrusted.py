"""Cypher written by a user (the service's raw query route): what may run, decided by the database.

A user's statement runs only when the database itself says it is one statement (it prepares it:
LadybugDB refuses to prepare several), when every operator of the database's own plan for it
(EXPLAIN) reads the graph, and then inside a read-only transaction, which refuses any write. The
plan check refuses what a read-only transaction still allows: reading or writing files
(`LOAD FROM`, `COPY ... TO`, `EXPORT`/`IMPORT DATABASE`), attaching databases, extensions,
settings and procedures other than the catalogue's. On Neo4j the session runs in READ access mode
and the plan (EXPLAIN, as the server returns it) may hold no `LoadCSV` and no procedure call.

The lists below are what is allowed (an operator or function not named here is refused), so a
new kind of operator in a later database version is refused until someone adds it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graph_intel.stores.base import RefusedStatement as RefusedStatement

#: LadybugDB physical operators that only read the graph (names as EXPLAIN prints them).
LADYBUG_READ_OPERATORS = frozenset(
    {
        "AGGREGATE",
        "AGGREGATE_FINALIZE",
        "AGGREGATE_SCAN",
        "CROSS_PRODUCT",
        "DUMMY_SINK",
        "EMPTY_RESULT",
        "FILTER",
        "FLATTEN",
        "HASH_JOIN_BUILD",
        "HASH_JOIN_PROBE",
        "INDEX_LOOKUP",
        "INTERSECT",
        "INTERSECT_BUILD",
        "LIMIT",
        "MULTIPLICITY_REDUCER",
        "ORDER_BY",
        "ORDER_BY_MERGE",
        "ORDER_BY_SCAN",
        "PATH_PROPERTY_PROBE",
        "PRIMARY_KEY_SCAN_NODE_TABLE",
        "PROJECTION",
        "QUERY_PRIMARY_KEY_LOOKUP",
        "RECURSIVE_EXTEND",
        "RESULT_COLLECTOR",
        "SCAN_NODE_TABLE",
        "SCAN_REL_TABLE",
        "SEMI_MASKER",
        "SKIP",
        "TABLE_FUNCTION_CALL",
        "TOP_K",
        "TOP_K_SCAN",
        "UNION_ALL_SCAN",
        "UNWIND",
    }
)
#: Table functions a read may call: the plan's own intermediate results and the catalogue.
LADYBUG_READ_FUNCTIONS = frozenset({"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO"})

#: Neo4j plan operators refused even in a READ session: they read files or URLs, or run procedures.
NEO4J_REFUSED_OPERATORS = ("LoadCSV", "ProcedureCall")

#: Keywords refused before the statement reaches the database at all: the database reads a file
#: named in these while it only prepares the statement (a directory for EXPORT DATABASE is made,
#: a CSV's first line read to name its columns). The plan check above is what decides; this
#: screen only keeps such statements from being prepared.
PRE_SCREEN = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "ALTER",
        "COPY",
        "LOAD",
        "IMPORT",
        "EXPORT",
        "INSTALL",
        "UNINSTALL",
        "ATTACH",
        "USE",
        "FOREACH",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "CHECKPOINT",
        "CALL",
    }
)
_CATALOGUE_CALLS = ("show_tables", "table_info")

_OPERATOR = re.compile(r"([A-Z][A-Z0-9_]*)\[\d+\]")
_FUNCTION = re.compile(r"Function: ([A-Za-z0-9_]+)")


def keywords(cypher: str) -> Iterable[tuple[str, str, str]]:
    """(word, the text just before it, the text after it) for each bare word of the statement,
    outside strings, quoted names and comments, read in one pass (a quote inside a comment or a
    comment mark inside a string is just text)."""
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if ch in "'\"":
            i += 1
            while i < n and cypher[i] != ch:
                i += 2 if cypher[i] == "\\" else 1
            i += 1
        elif ch == "`":
            i = cypher.find("`", i + 1)
            i = n if i < 0 else i + 1
        elif cypher.startswith("//", i):
            i = cypher.find("\n", i)
            i = n if i < 0 else i + 1
        elif cypher.startswith("/*", i):
            i = cypher.find("*/", i + 2)
            i = n if i < 0 else i + 2
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (cypher[j].isalnum() or cypher[j] == "_"):
                j += 1
            yield cypher[i:j], cypher[max(0, i - 64) : i], cypher[j : j + 64]
            i = j
        else:
            i += 1


def screened_keyword(cypher: str) -> str | None:
    """The first keyword refused before preparing (see PRE_SCREEN), or None.

    A word after a dot is a property name (`p.set`), not a keyword; `CALL show_tables()` and
    `CALL table_info(...)` read the catalogue and pass.
    """
    for word, before, after in keywords(cypher):
        upper = word.upper()
        if upper not in PRE_SCREEN or before.rstrip().endswith("."):
            continue
        if upper == "CALL" and after.lstrip().lower().startswith(_CATALOGUE_CALLS):
            continue
        return upper
    return None


def ladybug_plan_refusal(plan: str) -> str | None:
    """Why LadybugDB's EXPLAIN text shows more than a read of the graph, or None when it does not.

    The plan's text also repeats parts of the statement (expressions, aliases), so a user can add
    words to it but never remove the database's own operator names: every name found must be
    allowed, and a real operator that is not allowed is always found.
    """
    operators = _OPERATOR.findall(plan)
    if "RESULT_COLLECTOR" not in operators and "DUMMY_SINK" not in operators:
        return "the database did not return a plan that can be checked"
    for name in operators:
        if name not in LADYBUG_READ_OPERATORS:
            return name
    for name in _FUNCTION.findall(plan):
        if name.upper() not in LADYBUG_READ_FUNCTIONS:
            return name.upper()
    return None


def neo4j_plan_refusal(plan: Mapping[str, Any] | None) -> str | None:
    """The first refused operator in a Neo4j plan (the driver's `summary.plan` dict), or None."""
    if not plan:
        return "the server did not return a plan that can be checked"
    stack = [plan]
    while stack:
        node = stack.pop()
        name = str(node.get("operatorType", node.get("operator_type", "")))
        if name.split("@")[0] in NEO4J_REFUSED_OPERATORS:
            return name.split("@")[0]
        stack.extend(node.get("children", []) or [])
    return None
