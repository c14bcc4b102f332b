"""Start-up: the command line imports what a command uses only when it runs (no timings asserted).

`python -X importtime` lists every module imported; importing graph_intel.cli, and printing the
top-level help, must import neither pandas, igraph nor pyarrow. The registry's index (read
from the modules' source, none imported) must say exactly what the command modules register, with
their own one-line help; a registered module that is missing is an error, never a silent skip.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import graph_intel.cli as cli
from graph_intel import commands

HEAVY = ("pandas", "igraph", "pyarrow", "numpy", "leidenalg", "networkx", "ladybug")


def _imported(*args: str) -> set[str]:
    """Top-level package names a fresh interpreter imports running `python -X importtime ARGS`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_importing_the_cli_imports_no_heavy_library() -> None:
    loaded = _imported("-c", "import graph_intel.cli")
    assert "graph_intel" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_top_level_help_imports_no_heavy_library_and_lists_every_command() -> None:
    loaded = _imported("-m", "graph_intel", "--help")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    out = subprocess.run(
        [sys.executable, "-m", "graph_intel", "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    for name in cli.commands():
        assert name in out


def test_the_index_is_what_the_modules_register() -> None:
    """The top-level listing (read from the modules' source) names every command the modules define."""
    index = commands.index()
    registered = commands.load_all()
    generated = {w for w, c in registered.items() if c.cli}
    assert {w for w, e in index.items() if e.read} == generated
    for words in generated:
        assert index[words].summary == registered[words].summary
    for words, target in commands.CLI_COMMANDS.items():
        module, _, name = target.partition(":")
        assert hasattr(importlib.import_module(module), name), target
        assert not index[words].read
    assert set(cli.commands()) == {w[0] for w in index}


def test_the_renderers_read_from_source_are_those_the_modules_register() -> None:
    """A generated command imports only the module holding its renderer, found from the source
    (generate.renderer_modules): it must name exactly the renderers the modules register."""
    from graph_intel.cli import generate

    for module in generate.RENDERER_MODULES:
        importlib.import_module(module)
    assert generate.renderer_modules().keys() == generate.RENDERERS.keys()
    for words, module in generate.renderer_modules().items():
        assert generate.RENDERERS[words].render.__module__ == module, words


def test_a_command_runs_through_the_lazy_group() -> None:
    result = CliRunner().invoke(cli.app, ["schema", "--help"])
    assert result.exit_code == 0
    assert "schema" in result.output


def test_a_registered_module_that_is_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        commands.CLI_COMMANDS, ("ghost",), "graph_intel.cli.no_such_module:ghost_cmd"
    )
    result = CliRunner().invoke(cli.app, ["ghost"])
    assert isinstance(result.exception, ImportError)
    assert "no_such_module" in str(result.exception)


def test_a_registered_command_its_module_does_not_define_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(commands.CLI_COMMANDS, ("ghost",), "graph_intel.cli.data:ghost_cmd")
    result = CliRunner().invoke(cli.app, ["ghost"])
    assert isinstance(result.exception, RuntimeError)
    assert "ghost" in str(result.exception)
    listing = CliRunner().invoke(
        cli.app, ["--help"]
    )  # the listing, which reads the source, says so too
    assert isinstance(listing.exception, RuntimeError)
    assert "ghost_cmd" in str(listing.exception)


def test_a_read_command_the_cli_also_defines_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(commands.CLI_COMMANDS, ("groups",), "graph_intel.cli.data:stats_cmd")
    with pytest.raises(ImportError, match="groups is both a read command"):
        commands.index()


def test_every_read_command_module_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    commands.load_all()
    for name in commands.COMMAND_MODULES:
        assert importlib.util.find_spec(name) is not None, name
    monkeypatch.setattr(
        commands, "COMMAND_MODULES", [*commands.COMMAND_MODULES, "graph_intel.no_such.commands"]
    )
    with pytest.raises(ImportError, match="no_such"):
        commands.load_all()
