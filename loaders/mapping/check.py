"""Check an import specification, alone or against a file, reporting every problem with its YAML line.

`graph-intel import check SPEC [FILE]` calls `check`; `graph-intel import schema` prints
`json_schema()`, generated from the pydantic models, so editors validate a specification as it is
typed. Line numbers come from PyYAML's composed nodes, which keep where each key and value starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from loaders.canonical.chunks import SourceFileError
from loaders.mapping.spec import ImportSpec, SpecError, Value, parse_spec

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One problem: the YAML line (1 for the whole file), the dotted key path, and what is wrong."""

    line: int
    path: str
    message: str
    severity: str = "error"  # "error" or "note" (a column kept in extra, a label the folder lacks)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# -- line numbers ----------------------------------------------------------------------------------
def line_of(root: yaml.Node | None, path: Path_) -> int:
    """The 1-based line of the deepest node of `path` that exists in the composed YAML."""
    node = root
    line = (root.start_mark.line + 1) if root is not None else 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


# -- the values a specification reads ---------------------------------------------------------------
def value_paths(spec: ImportSpec) -> Iterator[tuple[Path_, Value]]:
    """Every value of the specification with the path of keys to it."""
    if spec.row_date is not None:
        yield ("row_date",), spec.row_date
    for alias, ent in spec.entities.items():
        if ent.id is not None:
            yield ("entities", alias, "id"), ent.id
        if ent.age is not None:
            yield ("entities", alias, "age"), ent.age
        for name, v in ent.properties.items():
            yield ("entities", alias, "properties", name), v
    for alias, ev in spec.events.items():
        for key in ("id", "start", "end"):
            v = getattr(ev, key)
            if v is not None:
                yield ("events", alias, key), v
        for name, v in ev.properties.items():
            yield ("events", alias, "properties", name), v
    for i, link in enumerate(spec.links):
        for name, v in link.properties.items():
            yield ("links", i, "properties", name), v
    for label, lm in spec.labels.items():
        if lm.id is not None:
            yield ("labels", label, "id"), lm.id
        for name, v in lm.properties.items():
            yield ("labels", label, "properties", name), v
    for rel, tm in spec.types.items():
        for key in ("start", "end"):
            v = getattr(tm, key)
            if v is not None:
                yield ("types", rel, key), v
        for name, v in tm.properties.items():
            yield ("types", rel, "properties", name), v


# -- checking ---------------------------------------------------------------------------------------
def check(spec_path: Path, file: Path | None = None) -> tuple[ImportSpec | None, list[Problem]]:
    """The specification (None when invalid) and every problem found, in line order."""
    try:
        text = spec_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(1, "", f"cannot read the specification ({exc})")]
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem((mark.line + 1) if mark else 1, "", f"not valid YAML: {exc}")]
    try:
        spec = parse_spec(raw, str(spec_path))
    except SpecError as exc:
        found = [Problem(line_of(root, path), _dotted(path), msg) for path, msg in exc.problems]
        return None, sorted(found, key=lambda p: p.line)
    if file is None:
        return spec, []
    found = _against(spec, root, file)
    return spec, sorted(found, key=lambda p: (p.line, p.severity))


def _against(spec: ImportSpec, root: yaml.Node | None, file: Path) -> list[Problem]:
    if not file.exists():
        return [Problem(1, "", f"{file}: no such file or folder")]
    if spec.format == "neo4j-admin":
        return _against_admin(spec, root, file)
    from loaders.mapping.engine import _files, extra_columns, referenced_columns
    from loaders.mapping.reader import open_table

    found: list[Problem] = []
    files, others = _files(spec, file)
    if not files:
        return [
            Problem(
                line_of(root, ("file",)),
                "file",
                f"{file}: no file matches the specification's file.pattern",
            )
        ]
    for other in others:
        if not spec.ignore.file(other.name):
            found.append(
                Problem(
                    line_of(root, ("ignore",)),
                    "ignore.files",
                    f"{other.name}: not read by this specification; list it under ignore.files",
                    "note",
                )
            )
    from loaders.mapping.reader import is_excel, sheet_names

    parts: list[tuple[Path, Any]] = []
    for path in files:
        try:
            sheets = (
                sheet_names(path, spec.file) if is_excel(path, spec.file) else [spec.file.sheet]
            )
        except SourceFileError as exc:
            found.append(Problem(line_of(root, ("file",)), "file", str(exc)))
            continue
        parts += [(path, spec.file.model_copy(update={"sheet": s})) for s in sheets]
    for path, options in parts:
        try:
            table = open_table(path, options)
        except SourceFileError as exc:
            found.append(Problem(line_of(root, ("file",)), "file", str(exc)))
            continue
        header = set(table.header)
        for vpath, value in value_paths(spec):
            for column in value.referenced():
                if column not in header:
                    found.append(
                        Problem(
                            line_of(root, vpath),
                            _dotted(vpath),
                            f"{path.name} has no column {column!r} (header on row {table.header_line}: "
                            f"{', '.join(table.header)})",
                        )
                    )
        kept = extra_columns(table.header, referenced_columns(spec), spec)
        if kept:
            found.append(
                Problem(
                    1,
                    "",
                    f"{path.name}: column(s) {', '.join(kept)} are not mapped and will be kept "
                    "in extra; map them, or list them under ignore.columns",
                    "note",
                )
            )
        table.chunks.close()  # type: ignore[attr-defined]
    return found


def _admin_names(spec: ImportSpec, path: Path, header: Any, names: set[str]) -> set[str]:
    """The labels (node file) or relationship types (relationship file) one admin-import file holds:
    from its :LABEL or :TYPE column, else the specification's default for the file."""
    import pandas as pd

    from loaders.canonical.chunks import read_chunks
    from loaders.mapping.admin import _renamed

    column = ":LABEL" if header.is_nodes else ":TYPE"
    defaults = spec.node_labels if header.is_nodes else spec.relationship_types
    values: set[str] = set()
    if column in names:
        for chunk in read_chunks(path):
            frame = _renamed(chunk, header).frame
            for cell in pd.unique(frame[column]):
                values.update(p.strip() for p in str(cell).split(";") if p.strip())
    elif path.name in defaults:
        values.add(defaults[path.name])
    return values


def _against_admin(spec: ImportSpec, root: yaml.Node | None, folder: Path) -> list[Problem]:
    """Labels and types of the folder against those the specification maps or ignores."""
    from loaders.canonical.chunks import read_header
    from loaders.mapping.admin import parse_header
    from loaders.mapping.engine import _files

    found: list[Problem] = []
    files, _ = _files(spec, folder)
    labels: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    columns: dict[str, set[str]] = {}
    for path in files:
        try:
            header = parse_header(read_header(path))
        except SourceFileError as exc:
            found.append(Problem(1, "", str(exc)))
            continue
        if not (header.is_nodes or header.is_relationships):
            if not spec.ignore.file(path.name):
                found.append(
                    Problem(
                        line_of(root, ("ignore",)),
                        "ignore.files",
                        f"{path.name}: neither a node nor a relationship file; list it under ignore.files",
                    )
                )
            continue
        names = {t for targets in header.renames.values() for t in targets}
        seen = labels if header.is_nodes else types
        for v in _admin_names(spec, path, header, names):
            seen.setdefault(v, set()).add(path.name)
            columns.setdefault(v, set()).update(names)
    for label, where in sorted(labels.items()):
        if label not in spec.labels and not spec.ignore.label(label):
            found.append(
                Problem(
                    line_of(root, ("labels",)),
                    "labels",
                    f"label {label} ({', '.join(sorted(where))}) is neither mapped nor ignored; "
                    "rows with no mapped label will be reported, not loaded",
                    "note",
                )
            )
    for rel, where in sorted(types.items()):
        if rel not in spec.types and not spec.ignore.type(rel):
            found.append(
                Problem(
                    line_of(root, ("types",)),
                    "types",
                    f"relationship type {rel} ({', '.join(sorted(where))}) is neither mapped nor ignored",
                )
            )
    for name, seen_in in (("labels", labels), ("types", types)):
        mapped = spec.labels if name == "labels" else spec.types
        for key in mapped:
            if key not in seen_in:
                found.append(
                    Problem(
                        line_of(root, (name, key)),
                        f"{name}.{key}",
                        f"no file of {folder.name} has {name[:-1]} {key}",
                        "note",
                    )
                )
    for vpath, value in value_paths(spec):
        owner = str(vpath[1]) if vpath[0] in ("labels", "types") else None
        if owner is None or owner not in columns:
            continue
        for column in value.referenced():
            if column not in columns[owner]:
                found.append(
                    Problem(
                        line_of(root, vpath),
                        _dotted(vpath),
                        f"the files of {owner} have no column {column!r} "
                        f"(columns: {', '.join(sorted(c for c in columns[owner] if not c.startswith(':')))})",
                    )
                )
    return found


# -- JSON Schema ------------------------------------------------------------------------------------
def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) for specifications, from the pydantic models; a value may also be
    written as a bare column name."""
    doc = ImportSpec.model_json_schema(by_alias=True)
    ref = {"$ref": "#/$defs/Value"}
    shorthand = {"anyOf": [{"type": "string", "description": "a column name"}, ref]}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node == ref:
                return shorthand
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(doc)
    return {
        **out,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "graph-intel import specification",
    }


def json_schema_text() -> str:
    """The JSON Schema as the text shipped in docs/import-specification.schema.json."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
