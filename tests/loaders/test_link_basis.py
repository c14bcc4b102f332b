"""KNOWS, KNOWS_SN and KNOWS_PHONE mapped onto associate_of with their bases stay distinguishable in
show, in groups' evidence (and `groups --basis`), and on the network page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.ingest import import_path
from graph_intel.stores.ladybug_store import LadybugStore
from loaders.mapping import parse_spec


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id:ID(Person),name,dob:date,:LABEL\nP1,Dale Korver,1980-01-01,Suspect\nP2,Ross Pellow,1979-03-02,Suspect\n"
        "P3,Sam Teal,1981-07-07,Suspect\n",
        encoding="utf-8",
    )
    (folder / "knows.csv").write_text(
        ":START_ID(Person),:END_ID(Person),:TYPE\nP1,P2,KNOWS\nP1,P2,KNOWS_SN\nP2,P3,KNOWS_PHONE\n",
        encoding="utf-8",
    )
    spec = parse_spec(
        {
            "name": "x",
            "format": "neo4j-admin",
            "source": {"id": "S", "agency": "police", "recorded_at": "2011-07-01"},
            "labels": {
                "Suspect": {
                    "kind": "Person",
                    "properties": {"date_of_birth": "dob", "category": {"constant": "suspect"}},
                }
            },
            "types": {
                "KNOWS": {"link": "associate_of"},
                "KNOWS_SN": {"link": "associate_of", "basis": "social_network"},
                "KNOWS_PHONE": {"link": "associate_of", "basis": "phone_contact"},
            },
        }
    )
    path = tmp_path / "store"
    store = LadybugStore(path)
    try:
        assert import_path(store, spec, folder, dataset="x").quarantined == 0
    finally:
        store.close()
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_groups_evidence_and_basis_filter(store_path: Path) -> None:
    code, out = _run("groups", "--store", str(store_path), "--json")
    assert code == 0, out
    (group,) = json.loads(out)
    assert group["members"] == ["P1", "P2", "P3"]
    facts = sorted(f for item in group["evidence"] for f in item["facts"])
    assert facts == ["associate_of", "associate_of:phone_contact", "associate_of:social_network"]
    assert len({item["id"] for item in group["evidence"]}) == 3  # three records, not one
    code, out = _run("groups", "--store", str(store_path), "--json", "--basis", "recorded")
    (only,) = json.loads(out)
    assert only["members"] == ["P1", "P2"] and [i["facts"] for i in only["evidence"]] == [
        ["associate_of"]
    ]
    code, out = _run(
        "groups", "--store", str(store_path), "--json", "--basis", "social_network,phone_contact"
    )
    assert sorted(f for item in json.loads(out)[0]["evidence"] for f in item["facts"]) == [
        "associate_of:phone_contact",
        "associate_of:social_network",
    ]
    code, out = _run("groups", "--store", str(store_path), "--json", "--basis", "intelligence")
    assert (code, json.loads(out)) == (0, [])
    result = CliRunner().invoke(app, ["groups", "--store", str(store_path), "--basis", "gossip"])
    assert result.exit_code == 2 and "unknown basis gossip" in result.output


def test_network_page_keeps_the_bases_apart(store_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "p1.html"
    code, out = _run(
        "network", "person", "P1", "--store", str(store_path), "--out", str(page), "--json"
    )
    assert code == 0, out
    html = page.read_text(encoding="utf-8")
    assert "associate_of (social_network)" in html
    assert html.count("associate_of") >= 2
