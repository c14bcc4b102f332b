"""The canonical format is declared once (graph_intel/schema/canonical.yaml) and everything derives from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_intel.demo import story
from graph_intel.schema import SchemaError
from graph_intel.schema.canonical import canonical_format, load_format
from graph_intel.schema.docs import canonical_markdown, with_canonical_tables
from loaders.canonical.parsers import CANONICAL_FILES

DOC = Path(__file__).resolve().parents[2] / "docs" / "canonical-format.md"
DECLARATION = Path(__file__).resolve().parents[2] / "graph_intel" / "schema" / "canonical.yaml"


def test_doc_tables_are_generated_from_the_declaration() -> None:
    page = DOC.read_text(encoding="utf-8")
    assert canonical_markdown().strip() in page
    assert with_canonical_tables(page) == page, "run: python -m graph_intel.schema.docs"


def test_loaders_demo_and_export_follow_the_declaration() -> None:
    fmt = canonical_format()
    assert [f.name for f in CANONICAL_FILES] == list(fmt.files)
    assert all(f.required == fmt.file(f.name).required for f in CANONICAL_FILES)
    assert story.COLUMNS == fmt.columns(extensions=False)
    assert fmt.event_kinds() == {"call", "anpr_read"}


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("      make:\n", "      shoe_size:\n", "shoe_size: not a property of Vehicle"),
        ("    entity: Gift\n", "    entity: Gfit\n", "unknown entity kind 'Gfit'"),
        ("links: [OCCURRED_AT]", "links: [HAPPENED_AT]", "unknown link kind 'HAPPENED_AT'"),
        (
            "property: Event.duration_s",
            "property: Event.length_s",
            "unknown property 'Event.length_s'",
        ),
        (
            "      giver_id:",
            "      giver_idx:",
            "a record file has its id, person columns and every property of Gift",
        ),
        ("    reader: anpr\n", "    reader: plates\n", "reader"),
    ],
)
def test_a_declaration_that_disagrees_with_the_schema_is_refused(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    text = DECLARATION.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "canonical.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SchemaError, match=reason) as err:
        load_format(bad)
    assert str(bad) in str(err.value)
