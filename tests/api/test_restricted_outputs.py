"""Restricted material (handling code C, or 5x5x5 other than 1) stays out of packs, briefings, pages and
exports unless asked for, and is then marked; the viewer role never receives it over the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_env import start
from canonical_fixtures import write_dataset
from typer.testing import CliRunner

from api.settings import Settings
from graph_intel.cli import app
from graph_intel.handling import Handling, is_restricted, restricted_view
from graph_intel.stores import open_store

runner = CliRunner()
NOTE = "informant material - do not disseminate"

CASE: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {
            "source_id": "S1",
            "agency": "police",
            "recorded_at": "2011-03-01",
            "reference": "LOG-1",
            "source_eval": "1",
            "intel_eval": "A",
            "handling": "P",
        },
        {
            "source_id": "S9",
            "agency": "police",
            "recorded_at": "2011-04-01",
            "reference": "CHIS/0093",
            "source_eval": "3",
            "intel_eval": "E",
            "handling": "C",
            "handling_note": NOTE,
        },
        {
            "source_id": "S7",
            "agency": "police",
            "recorded_at": "2009-04-10",
            "reference": "LEGACY/IMS/1999",
            "source_eval": "B",
            "intel_eval": "2",
            "handling": "3",
            "scheme": "5x5x5",
        },
        {
            "source_id": "S8",
            "agency": "police",
            "recorded_at": "2009-04-11",
            "reference": "LEGACY/IMS/2000",
            "source_eval": "B",
            "intel_eval": "2",
            "handling": "1",
            "scheme": "5x5x5",
        },
    ],
    "persons.csv": [
        {
            "person_id": "A1",
            "given_name": "Dale",
            "family_name": "Korver",
            "date_of_birth": "1980-01-01",
            "category": "suspect",
            "source_id": "S1",
        },
        {
            "person_id": "C1",
            "given_name": "Tia",
            "family_name": "Marsh",
            "date_of_birth": "1997-05-01",
            "category": "child",
            "source_id": "S1",
        },
    ],
    "vehicles.csv": [
        {"vrm": "LS11 WOB", "make": "Audi", "colour": "grey", "source_id": "S9"},
        {"vrm": "AB12 CDE", "make": "Skoda", "source_id": "S7"},
        {"vrm": "YJ10 FZP", "make": "Golf", "source_id": "S8"},
    ],
    "links.csv": [
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "phone",
            "to_id": "07700 900123",
            "link": "uses_phone",
            "source_id": "S1",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "vehicle",
            "to_id": "LS11 WOB",
            "link": "keeper_of",
            "source_id": "S9",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "vehicle",
            "to_id": "AB12 CDE",
            "link": "drives",
            "source_id": "S7",
        },
        {
            "from_kind": "person",
            "from_id": "A1",
            "to_kind": "vehicle",
            "to_id": "YJ10 FZP",
            "link": "drives",
            "source_id": "S8",
        },
    ],
    "events.csv": [
        {
            "event_id": "E1",
            "kind": "sighting",
            "start": "2011-03-05T21:30:00",
            "summary": "C1 seen with A1 at the bus station",
            "source_id": "S1",
        },
        {
            "event_id": "E2",
            "kind": "sighting",
            "start": "2011-04-01T22:00:00",
            "summary": "CHIS saw C1 with A1 at the flat",
            "source_id": "S9",
        },
    ],
    "event_participants.csv": [
        {"event_id": "E1", "kind": "person", "id": "C1", "role": "subject", "source_id": "S1"},
        {"event_id": "E1", "kind": "person", "id": "A1", "role": "with", "source_id": "S1"},
        {"event_id": "E2", "kind": "person", "id": "C1", "role": "subject", "source_id": "S9"},
        {"event_id": "E2", "kind": "person", "id": "A1", "role": "with", "source_id": "S9"},
    ],
    "intel_reports.csv": [
        {
            "report_id": "R1",
            "recorded_at": "2011-04-01",
            "subject_person_id": "A1",
            "text": "Informant: A1 keeps LS11 WOB",
            "source_id": "S9",
        },
    ],
}
#: What must never appear in an output that was not asked for restricted material.
SECRETS = ("LS11WOB", "LS11 WOB", "CHIS", "at the flat", NOTE, "AB12CDE", "Informant")


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("restricted")
    path = root / "store"
    code, _, err = _run("ingest", str(write_dataset(root / "op", CASE)), "--store", str(path))
    assert code == 0, err
    code, _, err = _run(
        "matrix",
        "set",
        "C1",
        "red",
        "--by",
        "DS Test",
        "--reason",
        "seen with A1",
        "--review",
        "2011-12-01",
        "--store",
        str(path),
    )
    assert code == 0, err
    return str(path)


def _absent(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_handling_codes() -> None:
    assert (
        is_restricted("3x5x2", "C") and is_restricted(None, "c") and not is_restricted("3x5x2", "P")
    )
    assert (
        is_restricted("5x5x5", "3")
        and is_restricted("5x5x5", "5")
        and not is_restricted("5x5x5", "1")
    )
    assert not is_restricted("3x5x2", None) and not is_restricted("5x5x5", "")


def test_the_view_leaves_out_facts_and_keeps_what_they_are_about(store: str) -> None:
    with open_store(Path(store), read_only=True) as graph:
        view = restricted_view(graph)
        assert set(Handling(graph).restricted) == {"op:S9", "op:S7"}
        assert set(view.nodes("Event")["key"]) == {"op:E1"}
        assert "op:R1" not in set(
            view.nodes("Report")["key"]
        )  # the matrix entry stays; the informant's report not
        assert {"op:S1", "op:S8", "op:_default"} <= set(view.nodes("Source")["key"])
        assert not {"op:S9", "op:S7"} & set(view.nodes("Source")["key"])
        assert set(view.links("KEEPER_OF")["to_key"]) == set()
        assert set(view.links("DRIVES")["to_key"]) == {"YJ10FZP"}
        assert view.nodes("Vehicle", keys=["LS11WOB"])["sources"].tolist() == [
            []
        ]  # kept, its source left out
        assert restricted_view(graph, include_restricted=True) is graph


def test_cawn_pack_leaves_restricted_out_unless_asked_then_marks_it(
    store: str, tmp_path: Path
) -> None:
    page = tmp_path / "pack.html"
    code, out, err = _run(
        "cawn", "pack", "A1", "C1", "--out", str(page), "--store", store, "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["items"] == 1 and doc["include_restricted"] is False and doc["restricted_items"] == 0
    html = page.read_text(encoding="utf-8")
    _absent(html)
    assert "bus station" in html and "YJ10FZP" in html and "left out of this pack" in html

    code, out, err = _run(
        "cawn",
        "pack",
        "A1",
        "C1",
        "--out",
        str(page),
        "--include-restricted",
        "--store",
        store,
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert (
        doc["items"] == 2 and doc["restricted_items"] == 3
    )  # the E2 sighting, the informant car, the 5x5x5 car
    html = page.read_text(encoding="utf-8")
    assert "LS11WOB" in html and "at the flat" in html and "AB12CDE" in html
    assert f"RESTRICTED: handling C: {NOTE}" in html
    assert "RESTRICTED: 5x5x5 handling 3" in html
    assert "This pack includes restricted material" in html


def test_briefing_leaves_restricted_out_unless_asked(store: str) -> None:
    args = (
        "briefing",
        "--since",
        "2011-01-01",
        "--as-of",
        "2011-12-31",
        "--store",
        store,
        "--json",
    )
    code, out, err = _run(*args)
    assert code == 0, err
    _absent(out)
    child = json.loads(out)["children"][0]
    assert child["new_adult_evidence"] == [
        {
            "person_id": "A1",
            "first_evidence": "2011-03-05T21:30:00",
            "evidence": 1,
            "restricted": None,
        }
    ]
    code, out, err = _run(*args, "--include-restricted")
    assert code == 0, err
    evidence = json.loads(out)["children"][0]["new_adult_evidence"][0]
    assert evidence["evidence"] == 2 and evidence["restricted"] == f"handling C: {NOTE}"


def test_network_page_leaves_restricted_out_unless_asked_then_marks_it(
    store: str, tmp_path: Path
) -> None:
    page = tmp_path / "net.html"
    code, _, err = _run(
        "network", "person", "A1", "--hops", "2", "--out", str(page), "--store", store
    )
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    _absent(html)
    assert "YJ10FZP" in html
    code, _, err = _run(
        "network",
        "person",
        "A1",
        "--hops",
        "2",
        "--out",
        str(page),
        "--include-restricted",
        "--store",
        store,
    )
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert "LS11WOB" in html and f"RESTRICTED, handling C: {NOTE}" in html


def test_export_leaves_restricted_out_unless_asked(store: str, tmp_path: Path) -> None:
    code, out, err = _run("export", str(tmp_path / "out"), "--store", store, "--json")
    assert code == 0, err
    assert json.loads(out)["include_restricted"] is False
    folder = tmp_path / "out" / "op"
    text = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.csv"))
    _absent(text)
    assert "S9" not in (folder / "sources.csv").read_text(encoding="utf-8")
    assert "YJ10FZP" in text and "bus station" in text

    code, _, err = _run("export", str(tmp_path / "all"), "--include-restricted", "--store", store)
    assert code == 0, err
    folder = tmp_path / "all" / "op"
    sources = (folder / "sources.csv").read_text(encoding="utf-8")
    assert "S9" in sources and NOTE in sources  # marked: the handling code and note go with it
    assert "LS11WOB" in (folder / "links.csv").read_text(encoding="utf-8")
    assert "Informant" in (folder / "intel_reports.csv").read_text(encoding="utf-8")


def test_chronology_leaves_restricted_out_unless_asked_then_marks_it(store: str) -> None:
    code, out, err = _run("chronology", "C1", "--store", store, "--json")
    assert code == 0, err
    _absent(out)
    assert [r["id"] for r in json.loads(out) if r["record"] == "event"] == ["E1"]
    result = runner.invoke(app, ["chronology", "C1", "--store", store], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    _absent(result.stdout)
    assert "bus station" in result.stdout and "--include-restricted" in result.stdout
    code, out, err = _run("chronology", "C1", "--include-restricted", "--store", store, "--json")
    assert code == 0, err
    rows = {r["id"]: r for r in json.loads(out) if r["record"] == "event"}
    assert set(rows) == {"E1", "E2"} and "restricted" not in rows["E1"]
    assert rows["E2"]["restricted"] == f"handling C: {NOTE}"
    result = runner.invoke(
        app, ["chronology", "C1", "--include-restricted", "--store", store], env={"COLUMNS": "200"}
    )
    assert "at the flat" in result.stdout and f"RESTRICTED: handling C: {NOTE}" in result.stdout


@pytest.mark.parametrize(
    ("kind", "ident"),
    [("vehicle", "LS11WOB"), ("vehicle", "AB12CDE"), ("event", "E2"), ("report", "R1")],
)
def test_show_of_a_record_known_only_from_restricted_material_prints_none_of_it(
    store: str, kind: str, ident: str
) -> None:
    for args in (("--json",), ()):
        code, out, err = _run("show", kind, ident, "--store", store, *args)
        assert code == 0, err
        _absent(
            out.replace(ident, "") if kind == "vehicle" else out
        )  # the id asked for is the user's own
        for value in ("Audi", "grey", "Skoda", "2011-04-01T22:00"):
            assert value not in out
    doc = json.loads(_run("show", kind, ident, "--store", store, "--json")[1])
    assert doc["properties"] == {} and "restrictive handling code" in doc["restricted"]
    code, out, err = _run("show", kind, ident, "--include-restricted", "--store", store, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["properties"] and doc["restricted"].startswith(("handling C", "5x5x5 handling 3"))


def test_show_leaves_restricted_links_out_unless_asked_then_marks_them(store: str) -> None:
    code, out, err = _run("show", "person", "A1", "--store", store, "--json")
    assert code == 0, err
    _absent(out)
    doc = json.loads(out)
    assert {link["id"] for link in doc["links"]} == {"YJ10FZP", "+447700900123", "E1"}
    assert "restricted" not in doc
    code, out, err = _run(
        "show", "person", "A1", "--include-restricted", "--store", store, "--json"
    )
    links = {link["id"]: link for link in json.loads(out)["links"]}
    assert {"LS11WOB", "AB12CDE", "E2", "R1"} <= set(links)
    assert (
        links["LS11WOB"]["restricted"] == f"handling C: {NOTE}"
        and "restricted" not in links["YJ10FZP"]
    )
    assert links["AB12CDE"]["restricted"].startswith("5x5x5 handling 3")


@pytest.fixture(scope="module")
def api(store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    settings = Settings(store=Path(store), api_db=tmp_path_factory.mktemp("api") / "api.sqlite")  # type: ignore[call-arg]
    yield from start(settings)


def test_the_viewer_never_receives_restricted_material_over_the_api(api) -> None:  # type: ignore[no-untyped-def]
    viewer, analyst = api.headers("viewer"), api.headers("analyst")
    r = api.client.get("/api/v1/show/person/A1", headers=viewer)
    assert r.status_code == 200, r.text
    _absent(r.text)
    assert "YJ10FZP" in r.text
    r = api.client.get(
        "/api/v1/show/person/A1", headers=analyst
    )  # the analyst's own working view: everything
    assert "LS11WOB" in r.text
    r = api.client.get("/api/v1/show/person/A1", headers=viewer)  # not the analyst's cached answer
    _absent(r.text)
    for path in (
        "/api/v1/chronology/C1",
        "/api/v1/briefing/2011-01-01?as_of=2011-12-31",
        "/api/v1/stats",
        "/api/v1/show/vehicle/LS11WOB",
        "/api/v1/pages/network/person/A1?hops=2",
    ):
        r = api.client.get(path, headers=viewer)
        assert r.status_code == 200, (path, r.text)
        for secret in ("CHIS", "at the flat", NOTE, "Informant"):  # stats counts stay totals
            assert secret not in r.text, (path, secret)
    r = api.client.get("/api/v1/show/event/E2", headers=viewer)
    assert r.status_code == 404
    r = api.client.get(
        "/api/v1/show/vehicle/LS11WOB", headers=viewer
    )  # what the facts are about stays, bare
    assert r.json()["properties"] == {} and "Audi" not in r.text
    r = api.client.get("/api/v1/chronology/C1?include_restricted=true", headers=viewer)
    assert r.status_code == 403
    r = api.client.get(
        "/api/v1/briefing/2011-01-01?as_of=2011-12-31&include_restricted=true", headers=viewer
    )
    assert r.status_code == 403 and "restricted" in r.json()["detail"]
    r = api.client.get(
        "/api/v1/briefing/2011-01-01?as_of=2011-12-31&include_restricted=true", headers=analyst
    )
    assert r.status_code == 200 and NOTE in r.text


def test_the_demo_informant_vehicle_is_not_in_the_cawn_pack(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, _, err = _run("demo", "--out", str(tmp_path / "demo-data"), "--store", store, "--json")
    assert code == 0, err
    page = tmp_path / "pack.html"
    code, _, err = _run("cawn", "pack", "A26", "C1", "--out", str(page), "--store", store)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert "LS11WOB" not in html and "CHIS" not in html
    assert "+447700900226" in html  # the open evidence stays
    code, _, err = _run(
        "cawn", "pack", "A26", "C1", "--out", str(page), "--include-restricted", "--store", store
    )
    html = page.read_text(encoding="utf-8")
    assert "LS11WOB" in html and f"RESTRICTED: handling C: {NOTE}" in html
