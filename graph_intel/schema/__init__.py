"""The POLE schema, loaded once from pole.yaml and validated strictly."""

from graph_intel.schema.model import (
    COMMON_LINK_COLUMNS,
    COMMON_NODE_COLUMNS,
    EntitySpec,
    LinkSpec,
    PropertySpec,
    Schema,
    SchemaError,
    load_schema,
    schema,
)

__all__ = [
    "COMMON_LINK_COLUMNS",
    "COMMON_NODE_COLUMNS",
    "EntitySpec",
    "LinkSpec",
    "PropertySpec",
    "Schema",
    "SchemaError",
    "load_schema",
    "schema",
]
