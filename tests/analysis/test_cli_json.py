"""The analysis commands print the contract's JSON, and exit 0/1/2 as the contract says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.commands import load_all
from graph_intel.demo import planted

runner = CliRunner()


def _run(path: Path, *args: str) -> tuple[int, Any]:
    result = runner.invoke(app, [*args, "--store", str(path), "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


def test_registered_for_the_api() -> None:
    words = set(load_all())
    for w in (
        "groups",
        "shared-contacts",
        "key-players",
        "path",
        "hotspots",
        "colocation",
        "changes",
    ):
        assert (w,) in words


def test_groups_json(demo_store_path: Path) -> None:
    code, doc = _run(demo_store_path, "groups")
    assert code == 0
    assert [frozenset(g["members"]) for g in doc] == planted.GROUPS
    for g in doc:
        assert {"group", "members", "evidence"} <= set(g)
        for e in g["evidence"]:
            assert {"kind", "id", "persons", "source_id", "grading"} <= set(e)


def test_shared_contacts_json(demo_store_path: Path) -> None:
    code, doc = _run(demo_store_path, "shared-contacts")
    assert code == 0
    assert set(doc) == {"adults_with_children", "numbers_in_handsets", "shared_objects"}
    assert {r["person_id"] for r in doc["adults_with_children"]} == set(
        planted.ADULTS_WITH_CHILDREN
    )
    assert all(
        isinstance(r["evidence"], int) and r["children"] for r in doc["adults_with_children"]
    )
    assert all({"number", "exhibits", "saved_as"} <= set(r) for r in doc["numbers_in_handsets"])
    assert all({"kind", "id", "persons"} <= set(r) for r in doc["shared_objects"])


def test_key_players_json(demo_store_path: Path) -> None:
    code, doc = _run(demo_store_path, "key-players")
    assert code == 0
    assert doc[0]["person_id"] == planted.BROKER
    assert {"person_id", "betweenness", "degree", "groups_bridged"} <= set(doc[0])


def test_path_json(demo_store_path: Path) -> None:
    (fk, fi), (tk, ti), length = planted.EVIDENCE_PATH
    code, doc = _run(demo_store_path, "path", fk, fi, tk, ti)
    assert code == 0 and doc["length"] == length == len(doc["hops"])
    assert {"from", "to", "link", "source_id", "grading"} <= set(doc["hops"][0])
    code, doc = _run(demo_store_path, "path", fk, fi, tk, ti, "--min-grade", "1A")
    assert code == 1 and doc == {"hops": [], "length": None}
    code, _ = _run(demo_store_path, "path", fk, fi, tk, ti, "--min-grade", "7Q")
    assert code == 2
    code, _ = _run(demo_store_path, "path", "person", "NOBODY", tk, ti)
    assert code == 2


def test_hotspots_colocation_changes_json(demo_store_path: Path) -> None:
    code, doc = _run(demo_store_path, "hotspots")
    assert code == 0 and [r["location_id"] for r in doc[:2]] == planted.HOTSPOT_TOP
    assert {"location_id", "children", "adults", "events", "by_hour", "by_weekday"} <= set(doc[0])
    code, doc = _run(demo_store_path, "colocation", "--window", "10")
    assert code == 0 and {frozenset((r["a"], r["b"])) for r in doc} == planted.COLOCATED_PAIRS
    code, doc = _run(demo_store_path, "changes", "--since", "2011-06-01")
    assert code == 0 and doc["since"].startswith("2011-06-01")
    c1 = next(c for c in doc["children"] if c["person_id"] == "C1")
    assert any(ch["id"] == "E32" and ch["new_entity"] for ch in c1["changes"])
    code, _ = _run(demo_store_path, "changes", "--since", "not-a-date")
    assert code == 2
