"""JSON is strict: no NaN and no Infinity in any command's --json, nor in the API's answers."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_walk import READS, command_args
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from graph_intel.cli import app
from graph_intel.commands import to_json

runner = CliRunner()

#: Values that make each command do real work on the demo case.
DEMO_VALUES = {
    "ident": "C1",
    "from_id": "A1",
    "to_kind": "person",
    "to_id": "C1",
    "since": "2009-01-01",
    "person": "C1",
    "adult": "A1",
    "child": "C1",
    "a": "demo-data:A1",
    "b": "demo-data:A2",
    "name": "analyst-user",
}
#: Runs a server, not an answer.
NOT_ANSWERS = {("serve",)}


def _strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("words", [w for w in READS if w not in NOT_ANSWERS], ids=" ".join)
def test_every_json_answer_on_the_demo_is_strict(
    words: tuple[str, ...], demo_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    args = command_args(words, tmp_path, DEMO_VALUES) + ["--store", str(store), "--json"]
    result = runner.invoke(
        app, args, env={"GRAPH_INTEL_NEO4J_URI": None, "GRAPH_INTEL_API_DB": None}
    )
    assert result.exit_code in (0, 1, 2), (args, result.stderr)
    if result.exit_code == 2:  # refused (e.g. a role check): nothing on stdout, a reason on stderr
        assert result.stdout == "" and result.stderr.strip()
        return
    _strict(result.stdout)


def test_most_commands_answer_on_the_demo(demo_store: Path, tmp_path: Path) -> None:
    """The test above must not pass by refusals: the plain read commands all answer."""
    for words in [
        ("groups",),
        ("shared-contacts",),
        ("key-players",),
        ("hotspots",),
        ("colocation",),
        ("cawn", "breaches"),
        ("stats",),
        ("chronology",),
        ("resolve", "candidates"),
    ]:
        args = command_args(words, tmp_path, DEMO_VALUES) + ["--store", str(demo_store), "--json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (words, result.stderr)
        _strict(result.stdout)


def test_groups_split_is_null_not_nan(demo_store: Path) -> None:
    result = runner.invoke(
        app, ["groups", "--threshold", "3", "--store", str(demo_store), "--json"]
    )
    assert result.exit_code == 0
    groups = _strict(result.stdout)
    assert isinstance(groups, list) and groups
    assert any(g["split"] for g in groups) and any(g["split"] is None for g in groups)


def test_to_json_writes_missing_and_non_finite_numbers_as_null() -> None:
    data = {
        "nan": float("nan"),
        "inf": [math.inf, -math.inf],
        "np": np.float64("nan"),
        "arr": np.array([1.0, np.nan]),
        "nat": pd.NaT,
        "na": pd.NA,
        "ok": [1, 2.5, "x", None, True],
        "when": pd.Timestamp("2011-07-08"),
    }
    assert _strict(to_json(data)) == {
        "nan": None,
        "inf": [None, None],
        "np": None,
        "arr": [1.0, None],
        "nat": None,
        "na": None,
        "ok": [1, 2.5, "x", None, True],
        "when": "2011-07-08T00:00:00",
    }


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(JSONISH)
def test_to_json_is_always_strict_and_keeps_finite_values(data: object) -> None:
    parsed = _strict(to_json(data))

    def expected(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, list):
            return [expected(v) for v in value]
        if isinstance(value, dict):
            return {k: expected(v) for k, v in value.items()}
        return value

    assert parsed == expected(data)
