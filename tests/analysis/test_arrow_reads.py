"""The embedded store reads results through Arrow: the frames must be exactly what `get_as_df` gives.

Every analysis reads the store through `result_frame`; `get_as_df` (LadybugDB's own pandas path,
one Python object per value) is the reference. Compared on the demo store for every node table,
every link table and every pattern statement, values and dtypes alike.
"""

from __future__ import annotations

from pathlib import Path

import ladybug
import pandas as pd
import pytest

from graph_intel.schema import schema
from graph_intel.stores import patterns
from graph_intel.stores.ladybug_store import result_frame


def _statements() -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    for ent in schema().entities.values():
        out.append(
            (
                f"MATCH (n:{ent.name}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in ent.columns()),
                {},
            )
        )
    for link in schema().links.values():
        for a, b in link.pairs:
            cols = ", ".join(f"l.{c} AS {c}" for c in link.columns())
            out.append(
                (
                    f"MATCH (a:{a})-[l:{link.name}]->(b:{b}) RETURN a.key AS from_key, b.key AS to_key, {cols}",
                    {},
                )
            )
    out += [(p.text("embedded"), p.bind(**patterns.PARAMETERS)) for p in patterns.all_patterns()]
    return out


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order (the store returns them in none)."""
    if frame.empty:
        return frame
    return frame.sort_values(list(frame.columns[:2]), kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def connection(demo_store_path: Path) -> ladybug.Connection:
    db = ladybug.Database(str(demo_store_path / "graph.lbug"), read_only=True)
    return ladybug.Connection(db)


@pytest.mark.parametrize("statement", _statements(), ids=lambda s: s[0][:60])
def test_arrow_read_equals_get_as_df(
    connection: ladybug.Connection, statement: tuple[str, dict[str, object]]
) -> None:
    cypher, params = statement
    expected = connection.execute(cypher, params).get_as_df()
    got = result_frame(connection.execute(cypher, params))
    pd.testing.assert_frame_equal(_ordered(got), _ordered(expected), check_dtype=True)
