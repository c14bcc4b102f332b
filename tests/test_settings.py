"""One settings object (graph_intel.settings): every GRAPH_INTEL_* variable read there, by the
command line, the stores and the service alike; the names users already set keep working."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.settings import DEFAULT_STORE, Settings
from graph_intel.stores import StoreError, open_store


def test_the_service_reads_the_same_settings_object() -> None:
    from api.settings import Settings as ServiceSettings

    assert ServiceSettings is Settings


def test_every_existing_variable_name_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {
        "GRAPH_INTEL_STORE": str(tmp_path / "s"),
        "GRAPH_INTEL_NEO4J_URI": "bolt://127.0.0.1:1",
        "GRAPH_INTEL_NEO4J_USER": "analyst",
        "GRAPH_INTEL_NEO4J_PASSWORD": "pw",
        "GRAPH_INTEL_USER": "dc-smith",
        "GRAPH_INTEL_API_DB": str(tmp_path / "api.sqlite"),
        "GRAPH_INTEL_MAX_BODY_BYTES": "2048",
        "GRAPH_INTEL_MAX_UPLOAD_BYTES": "4096",
        "GRAPH_INTEL_MAX_UNZIPPED_BYTES": "8192",
        "GRAPH_INTEL_MAX_PURPOSE_CHARS": "40",
        "GRAPH_INTEL_CORS_ORIGINS": '["http://127.0.0.1:9"]',
        "GRAPH_INTEL_MAX_QUERY_ROWS": "7",
        "GRAPH_INTEL_READ_WORKERS": "2",
        "GRAPH_INTEL_RAW_QUERY": "false",
        "GRAPH_INTEL_AUDIT_KEY": "k" * 32,
        "GRAPH_INTEL_AUDIT_KEY_FILE": str(tmp_path / "key"),
        "GRAPH_INTEL_AUDIT_CHECKPOINTS": str(tmp_path / "cp.jsonl"),
        "GRAPH_INTEL_AUDIT_SYSLOG": "false",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s = Settings()
    assert (s.store, s.neo4j_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), s.user) == (
        tmp_path / "s",
        "bolt://127.0.0.1:1",
        "analyst",
        "pw",
        "dc-smith",
    )
    assert (
        s.api_db,
        s.max_body_bytes,
        s.max_upload_bytes,
        s.max_unzipped_bytes,
        s.max_purpose_chars,
    ) == (tmp_path / "api.sqlite", 2048, 4096, 8192, 40)
    assert (s.cors_origins, s.max_query_rows, s.read_workers, s.raw_query, s.audit_syslog) == (
        ["http://127.0.0.1:9"],
        7,
        2,
        False,
        False,
    )
    assert s.audit_key is not None and s.audit_key.get_secret_value() == "k" * 32
    assert (s.audit_key_path(), s.audit_checkpoints_path()) == (
        tmp_path / "key",
        tmp_path / "cp.jsonl",
    )


def test_an_empty_variable_counts_as_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_INTEL_STORE", "")
    monkeypatch.setenv("GRAPH_INTEL_NEO4J_URI", "")
    s = Settings()
    assert s.store == Path(DEFAULT_STORE) and s.neo4j_uri is None


def test_the_store_comes_from_the_environment_unless_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRAPH_INTEL_STORE", str(tmp_path / "from-env"))
    monkeypatch.delenv("GRAPH_INTEL_NEO4J_URI", raising=False)
    with open_store() as store:
        assert Path(store.path) == tmp_path / "from-env"  # type: ignore[attr-defined]
    with open_store(tmp_path / "named") as store:
        assert Path(store.path) == tmp_path / "named"  # type: ignore[attr-defined]


def test_neo4j_from_the_environment_is_the_store_opened(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRAPH_INTEL_NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens there
    with pytest.raises(StoreError, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:9"):
        open_store(tmp_path / "ignored")


def test_a_variable_that_cannot_be_read_is_refused_with_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRAPH_INTEL_READ_WORKERS", "many")
    with pytest.raises(StoreError, match="GRAPH_INTEL_READ_WORKERS"):
        open_store(tmp_path / "s")
    result = CliRunner().invoke(app, ["stats", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "GRAPH_INTEL_READ_WORKERS" in result.output
