"""Reads restricted to the children asked about, and answers cut from one list instead of a frame
per child, give exactly what the whole-store code they replaced gave.

Each reference is the earlier implementation (or the whole answer, then cut to the children),
kept here on purpose: simple, obviously right, and slow at scale. The answers on the demo store
must equal the reference's from the same store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph_intel.analysis.changes import changes_by_child, changes_since
from graph_intel.commands.analysis import _records
from graph_intel.safeguarding import child_side, risk
from graph_intel.stores import GraphStore


@pytest.fixture
def store(demo: GraphStore) -> GraphStore:
    """The demo store of each backend (tests/analysis/conftest.py)."""
    return demo


def reference_changes_json(store: GraphStore, since: str) -> list[dict[str, Any]]:
    """The command's children as it built them: a frame per child, converted row by row."""
    frame = changes_since(store, since)
    return [
        {"person_id": child, "changes": _records(rows.drop(columns=["child"]))}
        for child, rows in frame.groupby("child", sort=True)
    ]


@pytest.mark.parametrize("since", ["2000-01-01", "2010-06-01", "2011-01-01", "2030-01-01"])
def test_changes_by_child_equal_the_frame_per_child(store: GraphStore, since: str) -> None:
    assert changes_by_child(store, since) == reference_changes_json(store, since)


def _children_with_prompts(prompts: list[dict[str, Any]]) -> list[str]:
    return sorted({p["child"] for p in prompts})


@pytest.mark.parametrize("on", [date(2010, 10, 1), date(2011, 3, 1), date(2030, 1, 1)])
def test_prompts_of_some_children_are_theirs_of_all_children(store: GraphStore, on: date) -> None:
    every = risk.risk_prompts(store, on)
    side = child_side.child_side_prompts(store, on)
    named = _children_with_prompts(every)
    assert named, "the demo plants prompts"
    keys = {f"demo:{c}" for c in named}
    for some in ([named[0]], named[:3], ["nobody"]):
        only = {f"demo:{c}" for c in some} & keys or {"demo:nobody"}
        mine = [p for p in every if f"demo:{p['child']}" in only]
        assert risk.risk_prompts(store, on, only=only) == mine
        assert child_side.child_side_prompts(store, on, only=only) == [
            p for p in side if f"demo:{p['child']}" in only
        ]
