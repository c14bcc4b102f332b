"""Import specifications: YAML that maps a CSV or Excel sheet's columns onto the POLE schema.

In the manner of i2 Analyst's Notebook import specifications: file options, entities (which
columns make which entity kind), links, events, value transforms and constants (the source).
Read strictly with pydantic: an unknown key is an error naming the key, and every entity kind,
link kind, property and alias is checked against the schema before a row is read.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from graph_intel.schema import schema


class SpecError(ValueError):
    """The specification is malformed; the message names the file, the key and the problem.

    `problems` holds each problem apart: the path of keys to it (as in the YAML) and the message.
    """

    def __init__(
        self, message: str, problems: list[tuple[tuple[str | int, ...], str]] | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems or []


class _SchemaProblems(ValueError):
    """Problems found checking a specification against the schema, each with its path."""

    def __init__(self, items: list[str]) -> None:
        super().__init__("; ".join(items))
        self.items = items


def problem_path(text: str) -> tuple[tuple[str | int, ...], str]:
    """Split 'entities.a.kind: message' into (('entities', 'a', 'kind'), 'message')."""
    head, sep, rest = text.partition(": ")
    if not sep or " " in head:
        return (), text
    return tuple(int(p) if p.isdigit() else p for p in head.split(".")), rest


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _column_shorthand(raw: Any) -> Any:
    """A bare string where a value is expected names a column."""
    return {"column": raw} if isinstance(raw, str) else raw


class Value(_Strict):
    """Where a value comes from (column, columns, template, constant or the title rows) and its transforms.

    Transforms apply in this order: trim, split (one row becomes several values), regex (the
    group named `value`, else the first group, else the whole match; no match is blank), upper,
    lower, map, date_format (strptime format, to ISO 8601), default.
    """

    column: str | None = None
    columns: list[str] | None = None
    join: str = " "
    template: str | None = None
    constant: str | None = None
    preamble: bool = False
    trim: bool = True
    split: str | None = None
    regex: str | None = None
    upper: bool = False
    lower: bool = False
    map: dict[str, str] | None = None
    date_format: str | None = None
    default: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Value:
        origins = [
            self.column is not None,
            self.columns is not None,
            self.template is not None,
            self.constant is not None,
            self.preamble,
        ]
        if sum(origins) != 1:
            raise ValueError("give exactly one of column, columns, template, constant or preamble")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex {self.regex!r} does not compile: {exc}") from exc
        return self

    def referenced(self) -> list[str]:
        """The file columns this value reads."""
        if self.column is not None:
            return [self.column]
        if self.columns is not None:
            return list(self.columns)
        if self.template is not None:
            return re.findall(r"\{([^{}]+)\}", self.template)
        return []

    def label(self) -> str:
        """How a quarantine record names this value's field: its column(s)."""
        cols = self.referenced()
        return "+".join(cols) if cols else ("(title rows)" if self.preamble else "(constant)")


ValueIn = Annotated[Value, BeforeValidator(_column_shorthand)]


class FileOptions(_Strict):
    """How to read the file: its format, sheet, header row, encoding and delimiter."""

    format: Literal["auto", "csv", "excel"] = "auto"
    sheet: str | int | list[str] | None = None
    #: The row holding the header (1 is the first), or "auto": the first wide row of text cells
    #: among the first 30 (below any title block), found in each file or sheet as it is read.
    header_row: Annotated[int, Field(ge=1)] | Literal["auto"] = 1
    encoding: str = "utf-8-sig"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    pattern: str | None = None


class SourceSpec(_Strict):
    """Constants that describe where every row of the file came from: one Source record."""

    id: str
    agency: str = "other"
    recorded_at: str | None = None
    reference: str | None = None
    source_eval: str | None = None
    intel_eval: str | None = None
    handling: str | None = None
    handling_note: str | None = None
    scheme: str = "3x5x2"

    @model_validator(mode="after")
    def _enums(self) -> SourceSpec:
        props = schema().entity("Source").properties
        for name in ("agency", "scheme"):
            allowed = props[name].values or ()
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name} {getattr(self, name)!r} is not one of: {', '.join(allowed)}"
                )
        return self


class EntityMap(_Strict):
    """Columns that make one entity per row (several when the id value is split).

    `age` (a Person only): the person's age in whole years as the row records it, at the row's date.
    A person under 18 then is a child: their `category` is `child` whatever else the specification
    maps (a category such as `suspect` never makes a child an adult, graph_intel.analysis.age).
    """

    kind: str
    id: ValueIn | None = None
    optional: bool = False
    properties: dict[str, ValueIn] = {}
    age: ValueIn | None = None


class LinkMap(_Strict):
    """A link between two of the row's entities (by alias); `basis` says what an association rests on."""

    kind: str
    from_: str = Field(alias="from")
    to: str
    basis: str | None = None
    properties: dict[str, ValueIn] = {}

    def all_properties(self) -> dict[str, Value]:
        """The link's properties, with `basis` as a constant when given."""
        return _with_basis(self.properties, self.basis)


class Participant(_Strict):
    """An entity (by alias) that took part in an event, and its role."""

    entity: str
    role: str


class EventMap(_Strict):
    """An event each row states (a CDR row is a call between two phones)."""

    kind: str
    id: ValueIn | None = None
    start: ValueIn
    end: ValueIn | None = None
    properties: dict[str, ValueIn] = {}
    participants: list[Participant] = []
    location: str | None = None


class LabelMap(_Strict):
    """Neo4j admin-import: what a node label becomes (the id defaults to the :ID column)."""

    kind: str
    id: ValueIn | None = None
    properties: dict[str, ValueIn] = {}


class TypeMap(_Strict):
    """Neo4j admin-import: what a relationship type becomes - a link, or an event between its ends."""

    link: str | None = None
    basis: str | None = None
    event: str | None = None
    start: ValueIn | None = None
    end: ValueIn | None = None
    roles: tuple[str, str] = ("with", "with")
    properties: dict[str, ValueIn] = {}

    def all_properties(self) -> dict[str, Value]:
        """The link's (or event's) properties, with `basis` as a constant when given."""
        return _with_basis(self.properties, self.basis)

    @model_validator(mode="after")
    def _one(self) -> TypeMap:
        if (self.link is None) == (self.event is None):
            raise ValueError("give exactly one of link or event")
        if self.event is not None and self.start is None:
            raise ValueError("an event needs start (the column of its time)")
        return self


class Ignore(_Strict):
    """What the specification deliberately leaves out: nothing listed here is loaded or reported.

    Each entry is a name or a shell-style pattern (`*`, `?`, `[...]`): `files` match file names in
    the folder, `labels` node labels and `types` relationship types of a neo4j-admin folder,
    `columns` column names (otherwise an unmapped column of a mapped row is kept in `extra`).
    """

    files: list[str] = []
    labels: list[str] = []
    types: list[str] = []
    columns: list[str] = []

    def file(self, name: str) -> bool:
        """Whether the file is ignored."""
        return _matches(name, self.files)

    def label(self, name: str) -> bool:
        """Whether the node label is ignored."""
        return _matches(name, self.labels)

    def type(self, name: str) -> bool:
        """Whether the relationship type is ignored."""
        return _matches(name, self.types)

    def column(self, name: str) -> bool:
        """Whether the column is ignored (not kept in `extra`)."""
        return _matches(name, self.columns)


def _matches(name: str, patterns: list[str]) -> bool:
    return any(name == p or fnmatch.fnmatchcase(name, p) for p in patterns)


def _with_basis(props: dict[str, Value], basis: str | None) -> dict[str, Value]:
    if basis is None:
        return props
    return {**props, "basis": Value(constant=basis)}


class ImportSpec(_Strict):
    """One import specification."""

    name: str
    description: str = ""
    format: Literal["table", "neo4j-admin"] = "table"
    file: FileOptions = Field(default_factory=FileOptions)
    source: SourceSpec | None = None
    row_date: ValueIn | None = None
    entities: dict[str, EntityMap] = {}
    links: list[LinkMap] = []
    events: dict[str, EventMap] = {}
    labels: dict[str, LabelMap] = {}
    types: dict[str, TypeMap] = {}
    node_labels: dict[str, str] = {}
    relationship_types: dict[str, str] = {}
    ignore: Ignore = Field(default_factory=Ignore)
    extra_to: str | None = None

    @model_validator(mode="after")
    def _against_schema(self) -> ImportSpec:
        problems: list[str] = []
        if self.format == "table" and not (self.entities or self.events):
            problems.append("a table specification needs entities or events")
        if self.format == "neo4j-admin" and not self.labels:
            problems.append("a neo4j-admin specification needs labels")
        aliases = self._entities_against_schema(problems)
        self._events_against_schema(aliases, problems)
        self._links_against_schema(aliases, problems)
        self._labels_against_schema(problems)
        self._types_against_schema(problems)
        if self.extra_to is not None and self.extra_to not in aliases:
            problems.append(f"extra_to: no entity or event {self.extra_to!r} in this specification")
        if problems:
            raise _SchemaProblems(problems)
        return self

    def _entities_against_schema(self, problems: list[str]) -> dict[str, str]:
        """Each entity's kind, id and properties; returns every alias with its kind (events too)."""
        aliases = {
            **{a: e.kind for a, e in self.entities.items()},
            **{a: "Event" for a in self.events},
        }
        for alias, ent in self.entities.items():
            kind = _entity(ent.kind, f"entities.{alias}.kind", problems)
            if kind and ent.id is None:
                problems.append(f"entities.{alias}: id is required")
            _props(kind, ent.properties, f"entities.{alias}.properties", problems)
            if ent.age is not None and kind and kind != "Person":
                problems.append(
                    f"entities.{alias}.age: only a Person has an age (this entity is a {kind})"
                )
            if kind:
                aliases[alias] = kind
        return aliases

    def _events_against_schema(self, aliases: dict[str, str], problems: list[str]) -> None:
        """Each event's kind, properties, participants (entity and role) and location."""
        for alias, ev in self.events.items():
            _event_kind(ev.kind, f"events.{alias}.kind", problems)
            _props("Event", ev.properties, f"events.{alias}.properties", problems)
            for i, p in enumerate(ev.participants):
                where = f"events.{alias}.participants.{i}"
                if p.entity not in aliases:
                    problems.append(f"{where}.entity: no entity {p.entity!r} in this specification")
                elif (aliases[p.entity], "Event") not in schema().link("participated_in").pairs:
                    problems.append(
                        f"{where}.entity: a {aliases[p.entity]} cannot take part in an event"
                    )
                _role(p.role, f"{where}.role", problems)
            if ev.location is not None and aliases.get(ev.location) != "Location":
                problems.append(
                    f"events.{alias}.location: {ev.location!r} is not a Location entity of this specification"
                )

    def _links_against_schema(self, aliases: dict[str, str], problems: list[str]) -> None:
        """Each link's kind, ends (entities of this specification, a pair the schema allows) and properties."""
        for i, link in enumerate(self.links):
            where = f"links.{i}"
            spec = _link(link.kind, f"{where}.kind", problems)
            for end, name in (("from", link.from_), ("to", link.to)):
                if name not in aliases:
                    problems.append(f"{where}.{end}: no entity {name!r} in this specification")
            if spec is None:
                continue
            if link.from_ in aliases and link.to in aliases:
                pair = (aliases[link.from_], aliases[link.to])
                if pair not in spec.pairs:
                    allowed = ", ".join(f"{a}->{b}" for a, b in spec.pairs)
                    problems.append(
                        f"{where}: {spec.canonical} cannot join {pair[0]} to {pair[1]} (allowed: {allowed})"
                    )
            _link_props(spec.name, link.properties, f"{where}.properties", problems)
            _basis(spec, link.basis, f"{where}.basis", problems)

    def _labels_against_schema(self, problems: list[str]) -> None:
        """Each admin-import label's entity kind and properties."""
        for label, lm in self.labels.items():
            kind = _entity(lm.kind, f"labels.{label}.kind", problems)
            _props(kind, lm.properties, f"labels.{label}.properties", problems)

    def _types_against_schema(self, problems: list[str]) -> None:
        """Each admin-import relationship type: a link (kind, properties, basis) or an event (kind, properties, roles)."""
        for rel, tm in self.types.items():
            if tm.link is not None:
                spec = _link(tm.link, f"types.{rel}.link", problems)
                if spec is not None:
                    _link_props(spec.name, tm.properties, f"types.{rel}.properties", problems)
                    _basis(spec, tm.basis, f"types.{rel}.basis", problems)
                continue
            _event_kind(tm.event, f"types.{rel}.event", problems)
            _props("Event", tm.properties, f"types.{rel}.properties", problems)
            for role in tm.roles:
                _role(role, f"types.{rel}.roles", problems)

    def extra_alias(self) -> str | None:
        """The entity or event whose `extra` keeps a row's unmapped columns: extra_to, else the
        first event, else the first entity."""
        if self.extra_to is not None:
            return self.extra_to
        return next(iter(self.events), None) or next(iter(self.entities), None)

    def entity_kinds(self) -> dict[str, str]:
        """Every alias (entities and events) with its entity kind (schema label)."""
        out = {a: schema().entity(e.kind).name for a, e in self.entities.items()}
        out.update({a: "Event" for a in self.events})
        return out


def _event_kind(kind: str | None, where: str, problems: list[str]) -> None:
    """An event kind the schema declares."""
    kinds = schema().entity("Event").properties["kind"].values or ()
    if kind not in kinds:
        problems.append(f"{where}: unknown event kind {kind!r}; known: {', '.join(kinds)}")


def _role(role: str, where: str, problems: list[str]) -> None:
    """A participant role the schema declares."""
    roles = schema().link("participated_in").properties["role"].values or ()
    if role not in roles:
        problems.append(f"{where}: unknown role {role!r}; known: {', '.join(roles)}")


def _entity(kind: str, where: str, problems: list[str]) -> str | None:
    try:
        spec = schema().entity(kind)
    except KeyError:
        problems.append(
            f"{where}: unknown entity kind {kind!r}; known: {', '.join(schema().entities)}"
        )
        return None
    if spec.provenance:
        problems.append(f"{where}: {spec.name} is provenance; describe it under source:")
        return None
    return spec.name


def _link(kind: str, where: str, problems: list[str]) -> Any:
    try:
        return schema().link(kind)
    except KeyError:
        problems.append(
            f"{where}: unknown link kind {kind!r}; known: {', '.join(schema().canonical_links())}"
        )
        return None


def _props(kind: str | None, props: dict[str, Value], where: str, problems: list[str]) -> None:
    if kind is None:
        return
    known = schema().entity(kind).properties
    for name, value in props.items():
        if name not in known:
            problems.append(
                f"{where}.{name}: {kind} has no property {name!r}; known: {', '.join(known)}"
            )
        elif value.split is not None and known[name].type != "string_list":
            problems.append(f"{where}.{name}: split is only for ids and list properties")


def _basis(spec: Any, basis: str | None, where: str, problems: list[str]) -> None:
    if basis is None:
        return
    prop = spec.properties.get("basis")
    if prop is None:
        problems.append(f"{where}: {spec.canonical} has no basis (only associations do)")
    elif basis not in (prop.values or ()):
        problems.append(f"{where}: unknown basis {basis!r}; known: {', '.join(prop.values or ())}")


def _link_props(link: str, props: dict[str, Value], where: str, problems: list[str]) -> None:
    known = schema().link(link).properties
    for name in props:
        if name not in known:
            problems.append(
                f"{where}.{name}: {link} has no property {name!r}; known: {', '.join(known) or 'none'}"
            )


def load_spec(path: Path) -> ImportSpec:
    """Read and validate a specification; SpecError names the file, each bad key and why."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read the specification ({exc})") from exc
    return parse_spec(raw, str(path))


def parse_spec(raw: Any, where: str = "specification") -> ImportSpec:
    """Validate a specification already read from YAML."""
    if not isinstance(raw, dict):
        raise SpecError(
            f"{where}: a specification is a YAML mapping of keys (name:, entities: ...)",
            [((), "a specification is a YAML mapping of keys (name:, entities: ...)")],
        )
    try:
        return ImportSpec.model_validate(raw)
    except ValidationError as exc:
        msgs: list[str] = []
        items: list[tuple[tuple[str | int, ...], str]] = []
        errors = _all_errors(raw, exc)
        for err in errors:
            loc = tuple(err["loc"])
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, _SchemaProblems):
                for text in cause.items:
                    path, msg = problem_path(text)
                    items.append((loc + path, msg))
                msgs.append(str(cause))
                continue
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {str(err['loc'][-1])!r}"
            dotted = ".".join(str(p) for p in loc)
            msgs.append(f"{dotted}: {msg}" if dotted else msg)
            items.append((loc, msg))
        raise SpecError(f"{where}: " + "; ".join(msgs), items) from exc


def _all_errors(raw: dict[str, Any], first: ValidationError) -> list[Any]:
    """Every error, not only the first layer: keys in error are taken out and the rest checked
    again (a few rounds), so the schema checks of the other keys are reported too."""
    errors = list(first.errors())
    trimmed = copy.deepcopy(raw)
    for _ in range(5):
        removed = False
        for err in errors:
            cause = (err.get("ctx") or {}).get("error")
            if not isinstance(cause, _SchemaProblems) and err["loc"]:
                removed |= _remove(trimmed, tuple(err["loc"]), err["type"] == "missing")
        if not removed:
            break
        try:
            ImportSpec.model_validate(trimmed)
            break
        except ValidationError as again:
            seen = {(tuple(e["loc"]), e["msg"]) for e in errors}
            fresh = [e for e in again.errors() if (tuple(e["loc"]), e["msg"]) not in seen]
            if not fresh:
                break
            errors += fresh
    return errors


def _remove(raw: Any, loc: tuple[Any, ...], parent: bool) -> bool:
    """Delete the key at `loc` (its parent for a missing key) from nested dicts and lists."""
    if parent:
        loc = loc[:-1]
    if not loc:
        return False
    node = raw
    for part in loc[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    last = loc[-1]
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    return False


def shipped_spec(name: str) -> Path:
    """The path of a specification shipped in loaders/specs (by file name, with or without .yaml)."""
    base = Path(__file__).resolve().parent.parent / "specs"
    return base / (name if name.endswith(".yaml") else f"{name}.yaml")
