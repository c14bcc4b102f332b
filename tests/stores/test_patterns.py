"""The pattern statements themselves: values only as parameters, names only from the schema."""

from __future__ import annotations

import re

import pytest

from graph_intel.schema import schema
from graph_intel.stores import neo4j_statements, patterns

_NAMES = re.compile(r"[:|]([A-Z][A-Za-z_]*)")


def test_patterns_hold_no_literal_values() -> None:
    for pattern in patterns.all_patterns():
        for text in (pattern.cypher, *pattern.variants.values()):
            assert "'" not in text and '"' not in text, pattern.name
            assert not re.search(r"[=<>]\s*\d", text), pattern.name


def test_labels_and_types_come_from_the_schema() -> None:
    known = set(schema().entities) | set(schema().links)
    for pattern in patterns.all_patterns():
        used = set(_NAMES.findall(pattern.cypher))
        assert used and used <= known, (pattern.name, used - known)


def test_every_parameter_is_declared_for_the_lint() -> None:
    declared = neo4j_statements.parameters()
    for pattern in patterns.all_patterns():
        for name in re.findall(r"\$(\w+)", pattern.cypher):
            assert name in declared, (pattern.name, name)


def test_the_lint_sees_every_pattern_as_the_neo4j_store_runs_it() -> None:
    names = dict(neo4j_statements.all_statements())
    for pattern in patterns.all_patterns():
        assert names[f"pattern_{pattern.name}"] == pattern.text("neo4j")


def test_shared_keys_is_one_statement_per_set_of_kinds() -> None:
    one = patterns.shared_keys(["DRIVES", "KEEPER_OF"])
    assert one is patterns.shared_keys(["keeper_of", "DRIVES", "DRIVES"])
    assert one.name == "shared_keys_DRIVES_KEEPER_OF"
    assert patterns.shared_keys(patterns.OBJECT_USE_LINKS) in patterns.all_patterns()
    with pytest.raises(KeyError):
        patterns.shared_keys(["USES_PHONES"])
    with pytest.raises(ValueError):
        patterns.shared_keys([])


def test_the_lint_sees_the_exact_statement_shared_objects_runs() -> None:
    from graph_intel.analysis.contacts import USED_LINKS

    assert set(USED_LINKS) == set(patterns.OBJECT_USE_LINKS)
    assert patterns.shared_keys(tuple(USED_LINKS)) in patterns.all_patterns()


def test_prefix_and_kind_lookups_are_listed_for_the_lint() -> None:
    listed = patterns.all_patterns()
    assert patterns.event_keys() in listed
    for entity in schema().entities:
        assert all(patterns.keys_starting(entity, c) in listed for c in patterns.PREFIX_COLUMNS)
    assert patterns.keys_starting("report", "id") == patterns.keys_starting("Report", "id")
    with pytest.raises(ValueError):
        patterns.keys_starting("Person", "given_name")
    with pytest.raises(KeyError):
        patterns.keys_starting("Persons", "key")
