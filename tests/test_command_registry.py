"""One command registry: a read command registered in its own module becomes a CLI command and an API route.

The toy command (tests/toy_commands.py) is registered by `@read_command` and by naming its module
in graph_intel.commands.COMMAND_MODULES, nothing else: the command line (through typer's runner
and a real process) and the service (a real app over its test client) both gain it, with options,
defaults and help from its signature.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from canonical_fixtures import write_dataset
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from api.users import UserStore
from graph_intel import commands
from graph_intel.cli import app
from graph_intel.ingest import ingest
from graph_intel.stores import open_store

TOY = "toy_commands"  # tests/ is on sys.path (tests/conftest.py)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy module registered, in a registry of its own (the real one is left as it was)."""
    commands.load_all()  # the real commands register in the real registry, not only in the copy
    monkeypatch.setattr(commands, "COMMAND_MODULES", [*commands.COMMAND_MODULES, TOY])
    monkeypatch.setattr(commands, "READ_COMMANDS", dict(commands.READ_COMMANDS))
    monkeypatch.delitem(sys.modules, TOY, raising=False)
    yield
    sys.modules.pop(TOY, None)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store holding the small dataset."""
    root = tmp_path_factory.mktemp("toy")
    store = open_store(root / "store")
    try:
        ingest(
            store, write_dataset(root / "case1"), dataset="case1", quarantine_file=root / "q.csv"
        )
    finally:
        store.close()
    return root / "store"


def test_the_cli_gains_the_toy_command(toy: None, store_dir: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["--help"])
    assert (
        "toy-count" in listing.output
        and "How many records of one kind the store holds" in listing.output
    )

    helped = runner.invoke(app, ["toy-count", "--help"])
    assert helped.exit_code == 0
    assert (
        "--at-least" in helped.output
        and "[default: 1]" in helped.output
        and "An entity kind of the schema" in helped.output
    )

    done = runner.invoke(app, ["toy-count", "Person", "--store", str(store_dir), "--json"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc[0]["kind"] == "Person" and doc[0]["records"] > 0

    table = runner.invoke(
        app, ["toy-count", "Person", "--store", str(store_dir)]
    )  # no renderer: a plain table
    assert table.exit_code == 0 and "records" in table.output

    empty = runner.invoke(
        app, ["toy-count", "Person", "--at-least", "100000", "--store", str(store_dir)]
    )
    assert (
        empty.exit_code == 0 and "nothing found" in empty.output
    )  # an empty answer says so, with the data's range


def test_the_cli_refuses_what_the_toy_command_refuses(toy: None, store_dir: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["toy-count", "Dragon", "--store", str(store_dir)])
    assert unknown.exit_code == 2 and "unknown kind Dragon" in unknown.output
    negative = runner.invoke(
        app, ["toy-count", "Person", "--at-least", "-1", "--store", str(store_dir)]
    )
    assert negative.exit_code == 2  # the least value declared in its Param
    missing = runner.invoke(
        app, ["toy-count", "Person", "--store", str(store_dir.parent / "nowhere")]
    )
    assert missing.exit_code == 2 and "no graph-intel store" in missing.output


def test_a_real_process_lists_and_runs_the_toy_command(store_dir: Path) -> None:
    script = (
        "import sys; from graph_intel import commands; commands.COMMAND_MODULES.append('toy_commands'); "
        "sys.argv[0] = 'graph-intel'; from graph_intel.cli import main; main()"
    )
    env_path = str(Path(__file__).parent)
    run = subprocess.run(
        [sys.executable, "-c", script, "toy-count", "Phone", "--store", str(store_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "PYTHONPATH": env_path},
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[0]["kind"] == "Phone"


def test_the_api_gains_the_toy_route(toy: None, store_dir: Path, tmp_path: Path) -> None:
    settings = Settings(store=store_dir, api_db=tmp_path / "api.sqlite")  # type: ignore[arg-type]
    users = UserStore(settings.api_db_path())
    token = users.add("viewer-user", "viewer")
    users.close()
    service = create_app(settings)
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Purpose": "op-test: the registry's worked example",
    }
    with TestClient(service, raise_server_exceptions=False) as client:
        paths = client.get("/api/v1/openapi.json", headers=headers).json()["paths"]
        assert "/api/v1/toy-count/{kind}" in paths
        assert [p["name"] for p in paths["/api/v1/toy-count/{kind}"]["get"]["parameters"]][:2] == [
            "kind",
            "at_least",
        ]
        answer = client.get("/api/v1/toy-count/Person", params={"at_least": 1}, headers=headers)
        assert answer.status_code == 200, answer.text
        cli = CliRunner().invoke(app, ["toy-count", "Person", "--store", str(store_dir), "--json"])
        assert answer.json() == json.loads(cli.stdout)  # the same JSON as the command line's
        assert client.get("/api/v1/toy-count/Dragon", headers=headers).status_code == 400
        assert client.get("/api/v1/toy-count/Person", headers={}).status_code == 401


def test_chronology_and_briefing_are_made_from_the_registry_with_their_print_options(
    store_dir: Path, tmp_path: Path
) -> None:
    """Their CLI commands are generated (the registry's, not CLI_COMMANDS); --out, --pdf,
    --marking and --reference are the command line's alone: the routes never take them."""
    index = commands.index(summaries=False)
    assert index[("chronology",)].read and index[("briefing",)].read
    assert ("chronology",) not in commands.CLI_COMMANDS
    runner = CliRunner()
    for words in (["chronology"], ["briefing"]):
        helped = runner.invoke(app, [*words, "--help"])
        assert all(o in helped.output for o in ("--out", "--pdf", "--marking", "--reference"))
    paths = create_app(Settings(store=store_dir, api_db=tmp_path / "api.sqlite")).openapi()  # type: ignore[arg-type]
    for path in ("/api/v1/chronology/{person}", "/api/v1/briefing/{since}"):
        names = [p["name"] for p in paths["paths"][path]["get"]["parameters"]]
        assert not {"out_file", "pdf", "marking", "reference"} & set(names), names

    rows = json.loads(
        runner.invoke(app, ["chronology", "C1", "--store", str(store_dir), "--json"]).stdout
    )
    page = tmp_path / "c1.html"
    wrote = runner.invoke(
        app,
        [
            "chronology",
            "C1",
            "--out",
            str(page),
            "--reference",
            "OP <b>",
            "--store",
            str(store_dir),
            "--json",
        ],
    )
    assert wrote.exit_code == 0, wrote.output
    done = json.loads(wrote.stdout)
    assert done["file"] == str(page) and done["rows"] == len(rows) > 0
    assert "OP &lt;b&gt;" in page.read_text(encoding="utf-8")  # the reference printed, escaped
    said = runner.invoke(
        app,
        [
            "briefing",
            "--since",
            "2011-01-01",
            "--out",
            str(tmp_path / "b.html"),
            "--store",
            str(store_dir),
        ],
    )
    assert said.exit_code == 0 and "briefing written to" in said.output
    # a mistake is refused before anything is written: a bad date names its option
    bad = runner.invoke(
        app,
        [
            "briefing",
            "--since",
            "31/13/2011",
            "--out",
            str(tmp_path / "x.html"),
            "--store",
            str(store_dir),
        ],
    )
    assert bad.exit_code == 2 and "--since" in bad.output and not (tmp_path / "x.html").exists()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_INTEL_")}
