"""The CLI prints the contract's JSON; the evidence pack escapes text and loads nothing external."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.commands import load_all
from graph_intel.demo import planted
from graph_intel.safeguarding.pack import pack_data, write_pack

runner = CliRunner()


def _json(store: Path, *args: str) -> object:
    result = runner.invoke(app, [*args, "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_missing_triggers(demo_store_path: Path) -> None:
    rows = _json(demo_store_path, "missing-triggers", "--as-of", "2011-07-08")
    assert isinstance(rows, list)
    assert {r["person_id"]: set(r["rules"]) for r in rows} == planted.MISSING_TRIGGERS
    assert all(isinstance(r["episodes"], int) for r in rows)


def test_cli_cawn(demo_store_path: Path) -> None:
    rows = _json(demo_store_path, "cawn", "eligible", "--on", "2011-07-08", "--all")
    s20 = [r for r in rows if not r["eligible"]]
    assert (
        s20 == [r for r in rows if r["person_id"] == "C4"]
        and s20[0]["reason"] == "accommodated_s20_not_covered"
    )
    assert {r["person_id"] for r in rows if r["eligible"]} == set(
        planted.CAWN_ELIGIBLE_ON[planted.AS_OF]
    )
    cands = _json(demo_store_path, "cawn", "candidates", "--on", "2011-07-08")
    assert cands and {"adult", "child", "evidence", "last_contact"} <= set(cands[0])
    breaches = _json(demo_store_path, "cawn", "breaches")
    assert {"served_on", "child", "served_at", "evidence"} <= set(breaches[0])
    assert {"kind", "id", "at", "source_id"} <= set(breaches[0]["evidence"][0])


def test_cli_chronology_and_bad_input(demo_store_path: Path) -> None:
    rows = _json(
        demo_store_path, "chronology", "C7", "--include-restricted"
    )  # the demo's social care: handling C
    assert all({"at", "what", "agency", "source_id"} <= set(r) for r in rows)
    assert any(r.get("flag") for r in rows)
    bad = runner.invoke(
        app, ["cawn", "eligible", "--on", "7/31/2011", "--store", str(demo_store_path), "--json"]
    )
    assert bad.exit_code == 2 and bad.stdout == ""
    missing = runner.invoke(app, ["chronology", "C99", "--store", str(demo_store_path), "--json"])
    assert missing.exit_code == 2


def test_cli_pack(demo_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    doc = _json(
        demo_store_path, "cawn", "pack", "A26", "C1", "--out", str(out), "--include-restricted"
    )
    assert doc == {
        **doc,
        "file": str(out),
        "items": 6,
    }  # everything, restricted material too (marked)
    html = out.read_text(encoding="utf-8")
    assert "Jade" not in html and "Brackenfold" not in html and "C1 (J.B.)" in html
    assert "2010-12-03T22:14:00" in html and "+447700900226" in html and "LS11WOB" in html


def test_registry_serves_the_commands() -> None:
    words = set(load_all())
    assert {
        ("missing-triggers",),
        ("cawn", "eligible"),
        ("cawn", "candidates"),
        ("cawn", "breaches"),
        ("chronology",),
        ("matrix", "list"),
        ("briefing",),
    } <= words


@pytest.fixture
def hostile_store(matrix_store):  # type: ignore[no-untyped-def]
    """The matrix store with A20 renamed to something hostile."""
    matrix_store.upsert_nodes(
        "Person",
        pd.DataFrame(
            [
                {
                    "key": "demo:A20",
                    "given_name": "<script>alert('x')</script>",
                    "family_name": 'https://evil.example/"><img src=x>',
                }
            ]
        ),
    )
    return matrix_store


def test_pack_escapes_and_is_self_contained(hostile_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "p.html"
    write_pack(hostile_store, "A20", "C1", out)
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert not re.search(r"<[^>]*\s(?:src|href)\s*=", html, re.IGNORECASE)
    without_text = html.replace("https://evil.example/", "")
    assert not re.search(r"https?://", without_text)


def test_redact_hides_third_parties(demo_store) -> None:  # type: ignore[no-untyped-def]
    full = pack_data(demo_store, "A26", "C1")
    red = pack_data(demo_store, "A26", "C1", redact=True)
    assert any("C6" in i["what"] for i in full["items"])
    assert not any("C6" in i["what"] or "takeaway" in i["what"] for i in red["items"])
    assert len(red["items"]) == len(full["items"])
