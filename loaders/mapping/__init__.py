"""Import specifications: map any CSV, Excel sheet or Neo4j admin-import export onto the schema."""

from loaders.mapping.admin import AdminReader
from loaders.mapping.engine import SpecReader, TableReader
from loaders.mapping.spec import ImportSpec, SpecError, load_spec, parse_spec, shipped_spec
from loaders.readers import READERS


def spec_reader(spec: ImportSpec) -> SpecReader:
    """The registered reader of the specification's format ("table", "neo4j-admin")."""
    cls = READERS[spec.format]
    assert issubclass(cls, SpecReader)
    return cls(spec)


__all__ = [
    "AdminReader",
    "ImportSpec",
    "SpecError",
    "SpecReader",
    "TableReader",
    "load_spec",
    "parse_spec",
    "shipped_spec",
    "spec_reader",
]
