"""The schema file is read strictly, holds no protected characteristics, and its docs are current."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graph_intel.schema import SchemaError, load_schema, schema
from graph_intel.schema.docs import schema_markdown
from graph_intel.stores.ladybug_store import ladybug_ddl

POLE = Path(__file__).parents[2] / "graph_intel" / "schema" / "pole.yaml"


def _variant(tmp_path: Path, edit: object) -> Path:
    data = yaml.safe_load(POLE.read_text())
    edit(data)  # type: ignore[operator]
    path = tmp_path / "pole.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_shipped_schema_has_the_pole_kinds() -> None:
    assert set(schema().entities) == {
        "Person",
        "Phone",
        "Vehicle",
        "Location",
        "Event",
        "Source",
        "Report",
        "Exhibit",
        "Referral",
        "SchoolRecord",
        "HealthAttendance",
        "Gift",
        "Allocation",
        "RiskAssessment",
        "Dataset",
        "Version",
    }
    # the records of loads and of earlier versions are provenance: never a path between entities
    assert {e.name for e in schema().entities.values() if e.provenance} == {
        "Source",
        "Dataset",
        "Version",
    }
    assert schema().link("uses_phone").pairs == (("Person", "Phone"),)


@pytest.mark.parametrize("field", ["ethnicity", "religion", "nationality", "ethnic_group", "faith"])
def test_protected_characteristics_are_refused(tmp_path: Path, field: str) -> None:
    path = _variant(
        tmp_path,
        lambda d: d["entities"]["Person"]["properties"].update({field: {"type": "string"}}),
    )
    with pytest.raises(SchemaError, match="protected characteristics"):
        load_schema(path)


def test_no_protected_characteristic_anywhere_in_the_schema() -> None:
    text = POLE.read_text().lower()
    for word in ("ethnicity:", "religion:", "nationality:"):
        assert word not in text


def test_a_typo_in_a_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = _variant(tmp_path, lambda d: d["entities"]["Person"].update({"propertes": {}}))
    with pytest.raises(SchemaError, match="propertes"):
        load_schema(path)


def test_link_to_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, lambda d: d["links"]["USES_PHONE"].update({"pairs": [["Person", "Pager"]]})
    )
    with pytest.raises(SchemaError, match="Pager"):
        load_schema(path)


def test_provenance_can_never_be_a_path(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, lambda d: d["links"]["ABOUT"].update({"pairs": [["Report", "Source"]]})
    )
    with pytest.raises(SchemaError, match="provenance"):
        load_schema(path)


def test_ddl_derives_from_the_schema() -> None:
    ddl = "\n".join(ladybug_ddl())
    for entity in schema().entities.values():
        assert f"NODE TABLE IF NOT EXISTS {entity.name}(" in ddl
        for prop in entity.properties:
            assert f" {prop} " in ddl
    for link in schema().links.values():
        assert f"REL TABLE IF NOT EXISTS {link.name}(" in ddl


def test_schema_page_is_generated_from_the_schema() -> None:
    page = Path(__file__).parents[2] / "docs" / "schema.md"
    assert page.read_text() == schema_markdown(), (
        "run: graph-intel schema --markdown > docs/schema.md"
    )
