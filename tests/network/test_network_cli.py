"""`graph-intel network KIND ID --out FILE --json`: one JSON document, exit 0; bad input exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from canonical_fixtures import write_dataset
from network_case import network_dataset

from graph_intel.ingest import ingest
from graph_intel.stores import open_store

_MAIN = "from graph_intel.cli import main; main()"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed embedded store holding the network case (the command opens it itself)."""
    root = tmp_path_factory.mktemp("network-cli")
    with open_store(root / "store") as store:
        ingest(store, write_dataset(root / "case", network_dataset()))
    return root / "store"


def _run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _MAIN, *args, "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_network_json(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "c1.html"
    done = _run(
        store_dir,
        "network",
        "person",
        "C1",
        "--hops",
        "2",
        "--out",
        str(out),
        "--json",
        "--redact",
        "--hide-third-parties",
        "--min-grade",
        "3E",
        "--links",
        "participated_in,occurred_at,uses_phone,family_of",
        "--since",
        "2011-01-01",
        "--until",
        "2011-12-31",
        "--budget",
        "1500",
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["file"] == str(out) and out.is_file()
    assert doc["nodes"] == out.read_text().count('"gi_kind"') and doc["edges"] >= 1
    assert "Tia" not in out.read_text()


def test_network_group_and_case(store_dir: Path, tmp_path: Path) -> None:
    group = _run(
        store_dir, "network", "group", "A1,H1", "--out", str(tmp_path / "g.html"), "--json"
    )
    assert group.returncode == 0 and json.loads(group.stdout)["nodes"] >= 2
    case = _run(
        store_dir, "network", "case", "case", "--out", str(tmp_path / "case.html"), "--json"
    )
    assert case.returncode == 0 and json.loads(case.stdout)["nodes"] >= 10


def test_network_bad_arguments_exit_2_with_a_reason(store_dir: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "x.html")
    for args, reason in [
        (("person", "NOPE"), "no person NOPE"),
        (("person", "C1", "--min-grade", "9Z"), "3x5x2 grade like 2B"),
        (("person", "C1", "--links", "knows_of"), "unknown link kind"),
        (("person", "C1", "--since", "yesterday"), "ISO 8601"),
        (("case", "nope"), "no dataset"),
    ]:
        done = _run(store_dir, "network", *args, "--out", out, "--json")
        assert done.returncode == 2 and done.stdout == "" and reason in done.stderr, (
            args,
            done.stderr,
        )
