"""Pydantic models of the schema file, and the lookups the rest of graph-intel uses."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

PropertyType = Literal[
    "string", "string_list", "date", "timestamp", "bool", "double", "int", "enum"
]

#: Columns every entity has besides its own properties (see pole.yaml).
COMMON_NODE_COLUMNS: dict[str, PropertyType] = {
    "key": "string",
    "id": "string",
    "dataset": "string",
    "sources": "string_list",
    "first_seen": "timestamp",
    "last_seen": "timestamp",
    "extra": "string",
}
#: Columns every link has besides its own properties.
COMMON_LINK_COLUMNS: dict[str, PropertyType] = {
    "sources": "string_list",
    "first_seen": "timestamp",
    "last_seen": "timestamp",
    "extra": "string",
}

# Protected characteristics that must never become evidence (DEVELOPERS.md: evidence only).
_FORBIDDEN = re.compile(r"ethnic|religio|faith|nationalit|race\b|racial|skin|caste", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class SchemaError(ValueError):
    """The schema file is malformed; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PropertySpec(_Strict):
    """One declared property: its type, allowed values and meaning."""

    type: PropertyType
    values: tuple[str, ...] | None = None
    default: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _enum_has_values(self) -> PropertySpec:
        if (self.type == "enum") != (self.values is not None):
            raise ValueError("'values' is required for type enum and only allowed there")
        if self.default is not None and self.values is not None and self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not one of {list(self.values)}")
        return self


class EntitySpec(_Strict):
    """An entity kind (a node label): how it is identified and what it holds."""

    name: str = ""
    cli: str
    scope: Literal["dataset", "global"]
    id_column: str
    description: str
    #: The value type that cleans this kind's ids into its keys (loaders.values.VALUE_TYPES): a
    #: phone's E.164, a vehicle's VRM. Kinds without one are keyed by dataset and id as written.
    id_type: Literal["phone", "vrm", "postcode", "imei"] | None = None
    provenance: bool = False
    #: A safeguarding record's own canonical file, the property that dates it, and the columns
    #: naming persons, each made a link (of the kind given) from the record to that person.
    file: str | None = None
    dated_by: str | None = None
    person_links: dict[str, str] = {}
    properties: dict[str, PropertySpec] = {}

    def columns(self) -> dict[str, PropertyType]:
        """Every stored column with its type: the common ones, then the declared properties."""
        return {**COMMON_NODE_COLUMNS, **{n: p.type for n, p in self.properties.items()}}


class LinkSpec(_Strict):
    """A link kind (a relationship type): which entity kinds it joins and what it means."""

    name: str = ""
    canonical: str
    class_: Literal[
        "attribution",
        "association",
        "participation",
        "placement",
        "content",
        "resolution",
        "record",
    ]
    pairs: tuple[tuple[str, str], ...]
    identity: tuple[str, ...] = ()
    properties: dict[str, PropertySpec] = {}
    description: str

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def columns(self) -> dict[str, PropertyType]:
        """Every stored column with its type: the common ones, then the declared properties."""
        return {**COMMON_LINK_COLUMNS, **{n: p.type for n, p in self.properties.items()}}


class Schema(_Strict):
    """The whole schema: entity kinds and link kinds, cross-checked."""

    version: int
    entities: dict[str, EntitySpec]
    links: dict[str, LinkSpec]

    @model_validator(mode="after")
    def _cross_check(self) -> Schema:
        names = [*self.entities, *self.links]
        for n in names:
            if not _NAME.match(n):
                raise ValueError(f"{n!r} is not a valid label or relationship type")
        for owner, props in [(n, e.properties) for n, e in self.entities.items()] + [
            (n, link.properties) for n, link in self.links.items()
        ]:
            for p in props:
                if _FORBIDDEN.search(p):
                    raise ValueError(f"{owner}.{p}: protected characteristics are never evidence")
                if p in COMMON_NODE_COLUMNS or p in COMMON_LINK_COLUMNS:
                    raise ValueError(f"{owner}.{p} clashes with a common column")
        for name, link in self.links.items():
            for a, b in link.pairs:
                for end in (a, b):
                    if end not in self.entities:
                        raise ValueError(f"link {name}: unknown entity kind {end!r}")
                if self.entities[a].provenance or self.entities[b].provenance:
                    raise ValueError(f"link {name}: provenance is metadata, never a path")
            for ident in link.identity:
                if ident not in link.properties:
                    raise ValueError(f"link {name}: identity {ident!r} is not a property")
        for name, ent in self.entities.items():
            if ent.dated_by is not None and ent.dated_by not in ent.properties:
                raise ValueError(f"entity {name}: dated_by {ent.dated_by!r} is not a property")
            for column, link_name in ent.person_links.items():
                found = self.links.get(link_name)
                if found is None or (name, "Person") not in found.pairs:
                    raise ValueError(
                        f"entity {name}: person_links {column!r}: {link_name!r} is not a link from {name} to Person"
                    )
        return self

    def record_entities(self) -> list[EntitySpec]:
        """The safeguarding records: entity kinds with a canonical file of their own."""
        return [e for e in self.entities.values() if e.file]

    # -- lookups -------------------------------------------------------------------------------
    def entity(self, name: str) -> EntitySpec:
        """The entity kind by label (Person) or CLI word (person)."""
        if name in self.entities:
            return self.entities[name]
        for e in self.entities.values():
            if e.cli == name.lower():
                return e
        raise KeyError(f"unknown entity kind {name!r}; known: {', '.join(self.cli_kinds())}")

    def link(self, name: str) -> LinkSpec:
        """The link kind by relationship type (USES_PHONE) or canonical name (uses_phone)."""
        if name in self.links:
            return self.links[name]
        for link in self.links.values():
            if link.canonical == name.lower():
                return link
        raise KeyError(f"unknown link kind {name!r}; known: {', '.join(self.canonical_links())}")

    def cli_kinds(self) -> list[str]:
        """Entity kinds as the CLI names them."""
        return [e.cli for e in self.entities.values()]

    def canonical_links(self) -> list[str]:
        """Link kinds as links.csv and JSON name them."""
        return [link.canonical for link in self.links.values()]

    def links_of_class(self, *classes: str) -> list[LinkSpec]:
        """Link kinds whose class is one of `classes`."""
        return [link for link in self.links.values() if link.class_ in classes]

    def pole_entities(self) -> list[EntitySpec]:
        """Entity kinds that take part in the graph (all but provenance)."""
        return [e for e in self.entities.values() if not e.provenance]


def load_schema(path: Path) -> Schema:
    """Read and validate a schema file; raise SchemaError naming the file and every problem."""
    try:
        # libyaml's parser where PyYAML has it: the same documents, ten times faster (every
        # command reads the schema as it starts)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from exc
    if isinstance(raw, dict):
        for kind in ("entities", "links"):
            for name, body in (raw.get(kind) or {}).items():
                if isinstance(body, dict):
                    body["name"] = name
                    if "class" in body:
                        body["class_"] = body.pop("class")
    try:
        return Schema.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SchemaError(f"{path}: {problems}") from exc


@cache
def schema() -> Schema:
    """The schema graph-intel ships (graph_intel/schema/pole.yaml), loaded once."""
    return load_schema(Path(__file__).with_name("pole.yaml"))
