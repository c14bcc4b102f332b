"""Import specifications: map any CSV, Excel sheet or Neo4j admin-import export onto the schema."""

from loaders.mapping.engine import import_path
from loaders.mapping.spec import ImportSpec, SpecError, load_spec, parse_spec, shipped_spec

__all__ = ["ImportSpec", "SpecError", "import_path", "load_spec", "parse_spec", "shipped_spec"]
