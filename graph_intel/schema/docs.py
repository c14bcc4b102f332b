"""The schema page (docs/schema.md) and the tables of docs/canonical-format.md, generated from
pole.yaml and canonical.yaml so they can never drift."""

from __future__ import annotations

from graph_intel.schema.canonical import SOURCE_COLUMN, CanonicalFormat, FileSpec, canonical_format
from graph_intel.schema.model import COMMON_LINK_COLUMNS, COMMON_NODE_COLUMNS, Schema, schema


def schema_markdown(model: Schema | None = None) -> str:
    """Markdown describing every entity kind, link kind and property of the schema."""
    model = model or schema()
    lines = [
        "# The POLE schema",
        "",
        "Generated from `graph_intel/schema/pole.yaml` by `graph-intel schema --markdown`; do not edit by hand.",
        "The schema has no field for ethnicity, religion or nationality, and refuses to load one.",
        "",
        "## Columns every entity has",
        "",
        "| column | type |",
        "|---|---|",
        *[f"| {c} | {t} |" for c, t in COMMON_NODE_COLUMNS.items()],
        "",
        "## Entity kinds",
        "",
    ]
    for ent in model.entities.values():
        scope = (
            "unique within its dataset (`DATASET:ID`)"
            if ent.scope == "dataset"
            else "global (the normalised identifier)"
        )
        lines += [
            f"### {ent.name} (`{ent.cli}`)",
            "",
            ent.description,
            "",
            f"Identified by `{ent.id_column}`; key {scope}."
            + (" Provenance: never a path between entities." if ent.provenance else "")
            + (f" Read from `{ent.file}`, dated by `{ent.dated_by}`; " if ent.file else "")
            + (
                ", ".join(f"`{c}` names a person ({link})" for c, link in ent.person_links.items())
                + "."
                if ent.person_links
                else ""
            ),
            "",
            "| property | type | values | meaning |",
            "|---|---|---|---|",
        ]
        for name, prop in ent.properties.items():
            values = ", ".join(prop.values) if prop.values else ""
            lines.append(f"| {name} | {prop.type} | {values} | {prop.description} |")
        lines.append("")
    lines += [
        "## Link kinds",
        "",
        "Every link also has: " + ", ".join(f"`{c}`" for c in COMMON_LINK_COLUMNS) + ".",
        "",
        "| type | canonical | class | joins | identity | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for link in model.links.values():
        joins = "; ".join(f"{a} → {b}" for a, b in link.pairs)
        props = ", ".join(link.identity)
        lines.append(
            f"| {link.name} | `{link.canonical}` | {link.class_} | {joins} | {props} | {link.description} |"
        )
    return "\n".join(lines) + "\n"


#: The marks around the generated part of docs/canonical-format.md.
CANONICAL_BEGIN = "<!-- generated from graph_intel/schema/canonical.yaml: do not edit by hand -->"
CANONICAL_END = "<!-- end of generated tables -->"


def _column_row(file: FileSpec, column: str) -> str:
    """One column of a canonical file as a table row: type, whether required, meaning."""
    col = file.columns[column]
    prop = file.property_of(column)
    if column == SOURCE_COLUMN and file.name != "sources.csv":
        kind, meaning = (
            "id of a Source",
            "the row's provenance: a source_id of sources.csv (blank: the dataset's default source)",
        )
    elif (
        file.entity is not None
        and column == schema().entities[file.entity].id_column
        and col.names is None
    ):
        kind, meaning = f"id of this {file.entity}", col.description
    elif col.names is not None:
        kind, meaning = f"id of a {col.names}", col.description
    elif prop is not None:
        kind = prop.type + (f": {', '.join(prop.values)}" if prop.values else "")
        kind += f" (default {prop.default})" if prop.default else ""
        meaning = col.description or prop.description
    else:
        kind = str(col.type or "string") + (f": {', '.join(col.values)}" if col.values else "")
        meaning = col.description
    if col.extension:
        meaning += " (a graph-intel addition: optional, and files that never use it leave it out)"
    return f"| `{column}` | {kind} | {'yes' if col.required else ''} | {meaning} |"


def canonical_markdown(fmt: CanonicalFormat | None = None) -> str:
    """The tables of docs/canonical-format.md: every file, what it gives, and its columns."""
    fmt = fmt or canonical_format()
    lines = [
        CANONICAL_BEGIN,
        "",
        "## Every file and column",
        "",
        "Files in the order they load. An entity file's rows may also carry `first_seen` and `last_seen`.",
        "",
    ]
    for file in fmt.files.values():
        gives = ", ".join([*file.gives.entities, *file.gives.links])
        lines += [
            f"### {file.name}",
            "",
            f"{file.description[:1].upper()}{file.description[1:]}. Gives: {gives}.",
            "",
            "| column | type | required | meaning |",
            "|---|---|---|---|",
        ]
        lines += [_column_row(file, c) for c in file.columns]
        lines.append("")
    lines.append(CANONICAL_END)
    return "\n".join(lines) + "\n"


def with_canonical_tables(page: str) -> str:
    """docs/canonical-format.md's text with its generated tables made anew (appended if absent)."""
    tables = canonical_markdown()
    if CANONICAL_BEGIN in page and CANONICAL_END in page:
        head, rest = page.split(CANONICAL_BEGIN, 1)
        tail = rest.split(CANONICAL_END, 1)[1]
        return head + tables.rstrip("\n") + tail
    return page.rstrip("\n") + "\n\n" + tables


if __name__ == "__main__":  # python -m graph_intel.schema.docs: refresh docs/canonical-format.md
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/canonical-format.md")
    target.write_text(with_canonical_tables(target.read_text(encoding="utf-8")), encoding="utf-8")
