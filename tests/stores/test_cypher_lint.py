"""Every Cypher statement the Neo4j store can issue passes Neo4j's own linter against the schema."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph_intel.schema import schema
from graph_intel.stores import neo4j_statements

ROOT = Path(__file__).resolve().parents[2]
LINT_DIR = ROOT / "tools" / "cypher-lint"
LINTER = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"

pytestmark = [
    pytest.mark.skipif(
        not LINTER.is_dir(),
        reason="the Cypher linter is not installed: run 'npm ci --prefix tools/cypher-lint'",
    ),
    pytest.mark.skipif(shutil.which("node") is None, reason="node (Node.js 18+) is not on PATH"),
]


def _lint(statements: list[tuple[str, str]], tmp_path: Path) -> tuple[int, dict[str, Any]]:
    """Run tools/cypher-lint/lint.mjs on named statements with the project's DbSchema."""
    payload = {
        "schema": neo4j_statements.lint_schema(),
        "statements": [{"name": n, "cypher": c} for n, c in statements],
    }
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    done = subprocess.run(
        ["node", str(LINT_DIR / "lint.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _messages(report: dict[str, Any], name: str) -> list[str]:
    return [d["message"] for r in report["results"] if r["name"] == name for d in r["diagnostics"]]


def test_every_statement_lints_clean(tmp_path: Path) -> None:
    statements = neo4j_statements.all_statements()
    code, report = _lint(statements, tmp_path)
    problems = [
        f"{r['name']}: {d['severity']}: {d['message']}"
        for r in report["results"]
        for d in r["diagnostics"]
    ]
    assert problems == []
    assert code == 0
    assert report["statements"] == len(statements)


def test_all_statements_cover_every_label_and_type() -> None:
    names = dict(neo4j_statements.all_statements())
    assert len(names) == len(neo4j_statements.all_statements()), "statement names must be unique"
    text = "\n".join(names.values())
    for ent in schema().entities:
        assert f"upsert_nodes_{ent}" in names and f"constraint_{ent}_key" in names
        assert f":{ent})" in text or f":{ent} " in text
    for link, spec in schema().links.items():
        for a, b in spec.pairs:
            for kind in ("upsert_links", "links_all", "links_from", "links_to"):
                assert f"{kind}_{link}_{a}_{b}" in names


def test_the_lint_catches_a_syntax_error(tmp_path: Path) -> None:
    code, report = _lint([("broken", "MATCH (n:Person RETURN n.key AS key")], tmp_path)
    assert code == 1
    assert any("Invalid input" in m for m in _messages(report, "broken"))


def test_the_lint_catches_unknown_schema_names_and_parameters(tmp_path: Path) -> None:
    code, report = _lint(
        [
            ("label", "MATCH (n:Persn) RETURN n.key AS key"),
            ("rel_type", "MATCH (a:Person)-[l:USES_PHONES]->(b:Phone) RETURN a.key AS key"),
            ("property", "MATCH (n:Person) RETURN n.given_nam AS name"),
            ("parameter", "MATCH (n:Person) WHERE n.id = $ident RETURN n.key AS key"),
            ("direction", "MATCH (a:Phone)-[l:USES_PHONE]->(b:Person) RETURN a.key AS key"),
            ("variable", "MATCH (n:Person) RETURN m.key AS key"),
        ],
        tmp_path,
    )
    assert code == 1
    assert any("Label Persn is not present" in m for m in _messages(report, "label"))
    assert any(
        "Relationship type USES_PHONES is not present" in m for m in _messages(report, "rel_type")
    )
    assert any("given_nam is not present" in m for m in _messages(report, "property"))
    assert any("Parameter $ident is not defined" in m for m in _messages(report, "parameter"))
    assert any("has no incoming" in m for m in _messages(report, "direction"))
    assert any("Variable `m` not defined" in m for m in _messages(report, "variable"))


_CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|DELETE|RETURN)\b")


def test_the_store_issues_only_the_statements_module() -> None:
    """neo4j_store.py holds no Cypher text of its own: every statement comes from neo4j_statements."""
    source = (ROOT / "graph_intel" / "stores" / "neo4j_store.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    literals = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert [s for s in literals if _CYPHER.search(s)] == []
