"""The canonical dataset format (canonical.yaml), loaded once and checked against the POLE schema.

The loaders, `export`, the demo writer, the test fixtures and the tables of
docs/canonical-format.md all derive from it, so the files, their columns and which of them are
required are written down in one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from graph_intel.schema.model import PropertySpec, PropertyType, Schema, SchemaError, schema

#: The parsers (and export writers) a file may name.
ReaderName = Literal[
    "sources",
    "entity",
    "events",
    "record",
    "participants",
    "links",
    "calls",
    "anpr",
    "handset_contacts",
    "intel_reports",
]
#: Readers whose rows are records of one entity kind, read through pole.yaml.
ENTITY_READERS = ("sources", "entity", "events", "record")
#: The column every file but sources.csv carries: the row's provenance.
SOURCE_COLUMN = "source_id"
#: Columns an entity file's rows may carry beyond those declared (export writes them).
SEEN_COLUMNS = ("first_seen", "last_seen")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    """One column of a canonical file: whether it is required and what it holds."""

    required: bool = False
    property: str | None = None
    names: str | None = None
    type: PropertyType | Literal["link"] | None = None
    values: tuple[str, ...] | None = None
    description: str = ""
    #: A graph-intel addition to the shared canonical format: read and exported when present,
    #: left out of files whose rows never use it (the demo's links are all recorded).
    extension: bool = False


class Gives(_Strict):
    """The entity and link kinds a file's rows make."""

    entities: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


class FileSpec(_Strict):
    """One canonical file: its reader, the kinds it gives and its columns in order."""

    name: str = ""
    reader: ReaderName
    entity: str | None = None
    event_kind: str | None = None
    gives: Gives
    description: str
    columns: dict[str, ColumnSpec]

    @model_validator(mode="before")
    @classmethod
    def _blank_columns(cls, data: object) -> object:
        """A column written with no body (`given_name:`) takes every default."""
        if isinstance(data, dict) and isinstance(data.get("columns"), dict):
            data = {
                **data,
                "columns": {k: v if v is not None else {} for k, v in data["columns"].items()},
            }
        return data

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a row may not leave blank, in file order."""
        return tuple(name for name, col in self.columns.items() if col.required)

    def renames(self) -> dict[str, str]:
        """For an entity file: columns that fill a property of another name (start -> started_at)."""
        return {
            n: c.property
            for n, c in self.columns.items()
            if c.property and "." not in c.property and c.property != n
        }

    def property_of(self, column: str) -> PropertySpec | None:
        """The schema property a column fills or borrows its type from, if any."""
        col = self.columns[column]
        model = schema()
        if col.property and "." in col.property:
            owner, prop = col.property.split(".", 1)
            kind = model.entities.get(owner) or model.links[owner]
            return kind.properties[prop]
        if self.entity is not None:
            return model.entities[self.entity].properties.get(col.property or column)
        return None


class CanonicalFormat(_Strict):
    """Every canonical file, in load order."""

    version: int
    files: dict[str, FileSpec]

    def file(self, name: str) -> FileSpec:
        """The file by name (persons.csv)."""
        return self.files[name]

    def columns(self, extensions: bool = True) -> dict[str, list[str]]:
        """Each file's columns in the order they are written; `extensions=False` leaves out
        the columns graph-intel adds to the shared format (a file that uses none of them)."""
        return {
            name: [c for c, col in spec.columns.items() if extensions or not col.extension]
            for name, spec in self.files.items()
        }

    def event_kinds(self) -> set[str]:
        """Event kinds written to files of their own rather than events.csv."""
        return {f.event_kind for f in self.files.values() if f.event_kind}


def _check(fmt: CanonicalFormat, model: Schema) -> None:
    """Every name the format uses is one pole.yaml declares; entity files hold only the entity's columns."""
    for name, spec in fmt.files.items():
        _check_names(f"files.{name}", spec, model)
        if spec.entity is not None:
            _check_entity_file(f"files.{name}", spec, model)
    missing = {e.file for e in model.record_entities()} - set(fmt.files)
    if missing:
        raise ValueError(
            f"record files declared in pole.yaml but not here: {', '.join(sorted(str(m) for m in missing))}"
        )


def _check_names(where: str, spec: FileSpec, model: Schema) -> None:
    """The kinds a file gives and its columns name or borrow from exist in pole.yaml."""
    for kind in spec.gives.entities:
        if kind not in model.entities:
            raise ValueError(f"{where}.gives: unknown entity kind {kind!r}")
    for link in spec.gives.links:
        if link not in model.links:
            raise ValueError(f"{where}.gives: unknown link kind {link!r}")
    if spec.entity is not None and spec.entity not in model.entities:
        raise ValueError(f"{where}: unknown entity kind {spec.entity!r}")
    if (spec.reader in ENTITY_READERS) != (spec.entity is not None):
        raise ValueError(
            f"{where}: 'entity' goes with the readers {', '.join(ENTITY_READERS)} and only there"
        )
    if spec.name != "sources.csv" and SOURCE_COLUMN not in spec.columns:
        raise ValueError(f"{where}: every file but sources.csv has a {SOURCE_COLUMN} column")
    for column, col in spec.columns.items():
        if col.names is not None and col.names not in model.entities:
            raise ValueError(f"{where}.{column}: names unknown entity kind {col.names!r}")
        try:
            prop = spec.property_of(column)
        except KeyError as exc:
            raise ValueError(f"{where}.{column}: unknown property {col.property!r}") from exc
        if col.property and prop is None:
            raise ValueError(f"{where}.{column}: unknown property {col.property!r}")


def _check_entity_file(where: str, spec: FileSpec, model: Schema) -> None:
    """An entity file's columns are its id, its properties, columns naming entities and source_id."""
    entity = model.entities.get(str(spec.entity))
    if entity is None:
        raise ValueError(f"{where}: unknown entity kind {spec.entity!r}")
    if entity.id_column not in spec.columns or not spec.columns[entity.id_column].required:
        raise ValueError(f"{where}: the id column {entity.id_column!r} is required")
    for column, col in spec.columns.items():
        if column in (entity.id_column, SOURCE_COLUMN) or col.names is not None:
            continue
        if (col.property or column) not in entity.properties:
            raise ValueError(f"{where}.{column}: not a property of {spec.entity}")
    if spec.reader == "record":
        if entity.file != spec.name:
            raise ValueError(f"{where}: pole.yaml gives {spec.entity} no file {spec.name!r}")
        declared = {entity.id_column, *entity.person_links, *entity.properties, SOURCE_COLUMN}
        if set(spec.columns) != declared:
            raise ValueError(
                f"{where}: a record file has its id, person columns and every property of {spec.entity}"
            )


def load_format(path: Path, model: Schema | None = None) -> CanonicalFormat:
    """Read and validate a format file; raise SchemaError naming the file and every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"{path}: cannot read the canonical format: {exc}") from exc
    if isinstance(raw, dict):
        for name, body in (raw.get("files") or {}).items():
            if isinstance(body, dict):
                body["name"] = name
    try:
        fmt = CanonicalFormat.model_validate(raw)
        _check(fmt, model or schema())
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SchemaError(f"{path}: {problems}") from exc
    except ValueError as exc:
        raise SchemaError(f"{path}: {exc}") from exc
    return fmt


@cache
def canonical_format() -> CanonicalFormat:
    """The canonical format graph-intel ships (graph_intel/schema/canonical.yaml), loaded once."""
    return load_format(Path(__file__).with_name("canonical.yaml"))
