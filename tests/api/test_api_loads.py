"""Uploads keep a quarantine file per load, as the CLI does."""

from __future__ import annotations

from api_env import ApiEnv

from graph_intel.quarantine import list_loads


def test_two_uploads_into_one_dataset_keep_both_quarantine_files(fresh: ApiEnv) -> None:
    bad = b"person_id,given_name,category\n,No id,suspect\nU1,Una,child\n"
    reports = []
    for body in (bad, bad.replace(b"U1", b"U2")):
        r = fresh.client.post(
            "/api/v1/ingest",
            headers=fresh.headers("analyst"),
            files=[("files", ("persons.csv", body, "text/csv"))],
            data={"dataset": "upload1"},
        )
        assert r.status_code == 200, r.text
        reports.append(r.json())
    files = [rep["quarantine_file"] for rep in reports]
    assert files[0] != files[1]
    loads = list_loads(fresh.settings.store / "quarantine", "upload1")
    assert [f.load for f in loads] == [rep["load"] for rep in reports]
    assert [f.rows for f in loads] == [1, 1]
