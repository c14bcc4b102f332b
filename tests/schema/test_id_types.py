"""Identifier types are declared in the schema (`id_type:` in pole.yaml) and resolved through the
registry of value types (loaders.values.VALUE_TYPES), never switched on an entity's name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from graph_intel.schema import SchemaError, load_schema, schema
from loaders.canonical.columns import LoadContext, identify
from loaders.values import VALUE_TYPES, value_type

POLE = Path(__file__).parents[2] / "graph_intel" / "schema" / "pole.yaml"


def test_phones_and_vehicles_declare_their_identifier_type() -> None:
    declared = {name: e.id_type for name, e in schema().entities.items() if e.id_type is not None}
    assert declared == {"Phone": "phone", "Vehicle": "vrm"}
    assert all(value_type(t).name == t for t in declared.values())


def test_every_identifier_type_the_schema_allows_is_a_registered_value_type() -> None:
    assert set(VALUE_TYPES) == {"phone", "vrm", "postcode", "imei"}
    with pytest.raises(KeyError, match="known: imei, phone, postcode, vrm"):
        value_type("iban")


def test_an_unknown_identifier_type_in_the_schema_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load(POLE.read_text())
    data["entities"]["Phone"]["id_type"] = "iban"
    path = tmp_path / "pole.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SchemaError, match="id_type"):
        load_schema(path)


def test_ids_of_a_kind_with_an_identifier_type_are_keyed_by_its_clean_form() -> None:
    ctx = LoadContext(dataset="case1")
    phones = identify(ctx, "Phone", pd.Series(["07700 900123", "+447700900123"]))
    assert phones.keys.tolist() == ["+447700900123", "+447700900123"]
    assert phones.nodes["spellings"].tolist() == [["07700 900123"], ["+447700900123"]]
    assert "dataset" not in phones.nodes  # global: the same number in every dataset
    cars = identify(ctx, "Vehicle", pd.Series(["ab12 cde", "???"]))
    assert cars.keys.tolist()[0] == "AB12CDE"
    assert cars.nodes["vrm_format"].tolist()[1] == "nonstandard"
    persons = identify(ctx, "Person", pd.Series(["P1"]))
    assert persons.keys.tolist() == ["case1:P1"] and persons.nodes["dataset"].tolist() == ["case1"]
