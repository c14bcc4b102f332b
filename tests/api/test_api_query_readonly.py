"""POST /api/v1/query is read-only by the database: the probe's attacks are refused, nothing changes.

Each attack is sent over HTTP as an analyst; afterwards the store's counts, a planted CSV file and
the quarantine file are exactly as before, no byte of /etc/passwd is in the answer, and the audit
entry names the user, the statement and why it was refused. The same attacks are then sent with
the keyword screen switched off, to show that the database layers alone refuse them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_env import ApiEnv, seeded_settings, start

from graph_intel.stores import StoreError, open_store, untrusted
from graph_intel.stores.untrusted import RefusedStatement, ladybug_plan_refusal, screened_keyword

PASSWD = Path("/etc/passwd")


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[tuple[ApiEnv, Path]]:
    """An app, and a CSV file beside its store that an attack would overwrite."""
    settings = seeded_settings(tmp_path)
    csv = tmp_path / "planted.csv"
    csv.write_text("person_id,given_name\nP1,Planted\n", encoding="utf-8")
    for env in start(settings):
        yield env, csv


def _attacks(csv: Path) -> list[str]:
    return [
        "RETURN '//'; COMMIT; MATCH (p:Person) DETACH DELETE p RETURN 1",
        "RETURN '//'; LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
        f"COPY (MATCH (p:Person) RETURN p.key, p.given_name) TO '{csv}'",
        f"RETURN '//'; COPY (MATCH (p:Person) RETURN p.key) TO '{csv}'",
        "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
        "MATCH (p:Person) DETACH DELETE p RETURN 1",
        "MATCH (p:Person) /* ' */ SET p.given_name = 'x' RETURN p.key",
        "COMMIT",
        f"EXPORT DATABASE '{csv.parent / 'dump'}'",
        "INSTALL httpfs",
        "CALL threads=1",
        f"ATTACH '{csv.parent / 'other.lbug'}' AS other (dbtype lbug)",
    ]


def _state(env: ApiEnv, csv: Path) -> tuple[dict, str, set[str]]:
    stats = env.client.get("/api/v1/stats", headers=env.headers("analyst")).json()
    files = {p.name for p in csv.parent.iterdir()}
    return stats, hashlib.sha256(csv.read_bytes()).hexdigest(), files


def test_the_probes_attacks_are_refused_and_change_nothing(planted: tuple[ApiEnv, Path]) -> None:
    env, csv = planted
    before = _state(env, csv)
    passwd_lines = (
        [line for line in PASSWD.read_text().splitlines() if line.strip()]
        if PASSWD.exists()
        else []
    )
    for cypher in _attacks(csv):
        r = env.client.post(
            "/api/v1/query", headers=env.headers("analyst"), json={"cypher": cypher}
        )
        assert r.status_code == 400, (cypher, r.status_code, r.text)
        assert "read-only" in r.json()["detail"]
        assert not any(line in r.text for line in passwd_lines[:3]) and "root:" not in r.text
        entry = env.app.state.services.audit.query(limit=1)[0]
        assert (
            entry["who"] == "analyst-user"
            and entry["status"] == 400
            and entry["route"] == "/api/v1/query"
        )
        assert entry["params"]["cypher"] == cypher and entry["params"]["refused"]
        assert entry["persons"] == []
    assert _state(env, csv) == before
    assert not (csv.parent / "dump").exists() and not (csv.parent / "other.lbug").exists()
    assert env.app.state.services.audit.verify()["intact"]


DATABASE_REFUSES = [
    "RETURN '//'; COMMIT; MATCH (p:Person) DETACH DELETE p RETURN 1",
    "MATCH (p:Person) DETACH DELETE p RETURN 1",
    "MATCH (p:Person) SET p.given_name = 'x' RETURN p.key",
    "LOAD FROM '{passwd}' (file_format='csv', header=false, delim=':') RETURN *",
    "MATCH (p:Person) WITH p LIMIT 1 LOAD FROM '{passwd}' (file_format='csv', header=false, delim=':') RETURN *",
    "COPY (MATCH (p:Person) RETURN p.key) TO '{csv}'",
    "COMMIT",
    "BEGIN TRANSACTION",
    "CALL threads=1",
    "CHECKPOINT",
    "CREATE NODE TABLE Evil(key STRING, PRIMARY KEY(key))",
    "DROP TABLE Source",
]


def test_the_database_alone_refuses_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the keyword screen off, the database's own parser, plan and read-only transaction refuse."""
    settings = seeded_settings(tmp_path)
    csv = tmp_path / "planted.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    monkeypatch.setattr(untrusted, "screened_keyword", lambda cypher: None)
    with open_store(settings.store) as store:
        before = store.counts()
        for cypher in DATABASE_REFUSES:
            with pytest.raises(StoreError) as refused:
                store.user_query(cypher.format(passwd=PASSWD, csv=csv))
            assert "root:" not in str(refused.value), cypher
            assert store.counts() == before, cypher
            assert store.user_query("MATCH (p:Person) RETURN count(p) AS n")["n"].tolist() == [
                before["Person"]
            ]
    assert csv.read_text(encoding="utf-8") == "a\n1\n"
    with open_store(settings.store) as store:
        assert store.counts() == before


def test_each_layer_refuses_on_its_own(tmp_path: Path) -> None:
    settings = seeded_settings(tmp_path)
    with open_store(settings.store) as store:
        conn = store._reader()  # the plan of an attack, as the database prints it
        plan = str(
            conn.execute(f"EXPLAIN COPY (MATCH (p:Person) RETURN p.key) TO '{tmp_path / 'x.csv'}'")
            .get_as_df()
            .iloc[0, 0]
        )
        assert ladybug_plan_refusal(plan) == "COPY_TO"
        plan = str(
            conn.execute("EXPLAIN MATCH (p:Person) RETURN p.key AS `COPY_TO[9]`")
            .get_as_df()
            .iloc[0, 0]
        )
        assert (
            ladybug_plan_refusal(plan) == "COPY_TO"
        )  # text in the statement can only add refusals
        plan = str(
            conn.execute(
                "EXPLAIN MATCH (p:Person)-[*1..2]-(q) RETURN p.key, count(q) ORDER BY p.key LIMIT 3"
            )
            .get_as_df()
            .iloc[0, 0]
        )
        assert ladybug_plan_refusal(plan) is None
    assert not (tmp_path / "x.csv").exists()
    assert screened_keyword("RETURN '//'; COMMIT; MATCH (p) DETACH DELETE p RETURN 1") == "COMMIT"
    assert (
        screened_keyword("MATCH (p) WHERE p.note = 'please CREATE // nothing' RETURN p.set") is None
    )
    assert screened_keyword('RETURN "a\\"b" // x\n CREATE (n)') == "CREATE"
    assert screened_keyword("CALL show_tables() RETURN *") is None


def test_reads_still_answer_and_audit_the_persons_they_name(fresh: ApiEnv) -> None:
    env = fresh
    for cypher, params in (
        ("MATCH (p:Person) RETURN p.key AS key ORDER BY key", {}),
        ("MATCH (p:Person) RETURN p ORDER BY p.key", {}),
        ("MATCH (p:Person) WHERE p.id = $id RETURN p.given_name AS name, p.id AS id", {"id": "C1"}),
        (
            "MATCH (p:Person) WHERE p.given_name = 'please CREATE nothing // really' RETURN count(p) AS n",
            {},
        ),
        ("CALL show_tables() RETURN name", {}),
    ):
        r = env.client.post(
            "/api/v1/query",
            headers=env.headers("analyst"),
            json={"cypher": cypher, "params": params},
        )
        assert r.status_code == 200, (cypher, r.text)
        entry = env.app.state.services.audit.query(limit=1)[0]
        assert entry["params"]["cypher"] == cypher and "refused" not in entry["params"]
        if "$id" in cypher:
            assert r.json()["rows"] == [{"name": "Tia", "id": "C1"}] and entry["persons"] == [
                "case1:C1"
            ]
        elif "RETURN p" in cypher:
            assert entry["persons"] == ["case1:A1", "case1:A2", "case1:C1"]
        else:
            assert entry["persons"] == []


def test_the_route_can_be_switched_off(tmp_path: Path) -> None:
    for env in start(seeded_settings(tmp_path, raw_query=False)):
        r = env.client.post(
            "/api/v1/query", headers=env.headers("analyst"), json={"cypher": "RETURN 1"}
        )
        assert r.status_code == 403 and "switched off" in r.json()["detail"]


def test_refused_statement_is_a_store_error() -> None:
    assert issubclass(RefusedStatement, StoreError)


def test_neo4j_plans_with_load_csv_or_procedures_are_refused() -> None:
    """The plan check run on the plan the Neo4j driver returns (no server here: the plan shape)."""
    from graph_intel.stores.untrusted import neo4j_plan_refusal

    read = {
        "operatorType": "ProduceResults@neo4j",
        "children": [{"operatorType": "NodeByLabelScan@neo4j", "children": []}],
    }
    load = {
        "operatorType": "ProduceResults@neo4j",
        "children": [{"operatorType": "LoadCSV@neo4j", "children": []}],
    }
    call = {
        "operatorType": "ProduceResults",
        "children": [
            {"operatorType": "Projection", "children": [{"operatorType": "ProcedureCall"}]}
        ],
    }
    assert neo4j_plan_refusal(read) is None
    assert neo4j_plan_refusal(load) == "LoadCSV" and neo4j_plan_refusal(call) == "ProcedureCall"
    assert neo4j_plan_refusal(None) is not None
