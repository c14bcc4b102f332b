"""Several entity kinds from one row: a CDR row downloaded from a handset gives two phones, a call
between them, and the exhibit (the handset) the caller's number was extracted from."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.stores.ladybug_store import LadybugStore

SPEC = {
    "name": "handset-cdr",
    "source": {"id": "HANDSET-CDR", "agency": "police"},
    "entities": {
        "caller": {"kind": "Phone", "id": "From"},
        "callee": {"kind": "Phone", "id": "To"},
        "handset": {
            "kind": "Exhibit",
            "id": "Exhibit",
            "properties": {"description": {"constant": "handset download"}},
        },
    },
    "events": {
        "call": {
            "kind": "call",
            "start": {"column": "When", "date_format": "%d/%m/%Y %H:%M"},
            "properties": {"duration_s": "Secs"},
            "participants": [
                {"entity": "caller", "role": "caller"},
                {"entity": "callee", "role": "callee"},
            ],
        },
    },
    "links": [{"kind": "extracted_from", "from": "handset", "to": "caller"}],
}
ROWS = (
    "Exhibit,From,To,When,Secs\nJB/1,07700 900123,07700 900456,20/06/2011 19:50,61\n"
    "JB/1,07700 900123,07700 900789,20/06/2011 21:05,12\nJB/1,07700 900123,,21/06/2011 08:00,5\n"
)


def test_one_row_gives_two_phones_a_call_and_the_exhibit(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    data = tmp_path / "calls.csv"
    data.write_text(ROWS, encoding="utf-8")
    store = tmp_path / "store"
    done = CliRunner().invoke(
        app, ["import", str(spec), str(data), "--dataset", "op", "--store", str(store), "--json"]
    )
    assert done.exit_code == 1, done.output  # the row with no callee is quarantined
    report = json.loads(done.stdout)
    assert (report["rows_loaded"], report["quarantined"]) == ({"calls.csv": 2}, 1)
    with LadybugStore(store) as opened:
        counts = {k: v for k, v in opened.counts().items() if v}
        assert (
            counts["Phone"],
            counts["Event"],
            counts["Exhibit"],
            counts["PARTICIPATED_IN"],
            counts["EXTRACTED_FROM"],
        ) == (3, 2, 1, 4, 1)
        handset = opened.links("EXTRACTED_FROM")
        assert (handset["from_key"].tolist(), handset["to_key"].tolist()) == (
            ["op:JB/1"],
            ["+447700900123"],
        )
        calls = opened.nodes("Event").sort_values("started_at")
        assert calls["duration_s"].tolist() == [61, 12] and set(calls["kind"]) == {"call"}
