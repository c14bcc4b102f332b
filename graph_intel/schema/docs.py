"""The schema page (docs/schema.md), generated from pole.yaml so it can never drift."""

from __future__ import annotations

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
        scope = "unique within its dataset (`DATASET:ID`)" if ent.scope == "dataset" else "global (the normalised identifier)"
        lines += [f"### {ent.name} (`{ent.cli}`)", "", ent.description, "",
                  f"Identified by `{ent.id_column}`; key {scope}."
                  + (" Provenance: never a path between entities." if ent.provenance else "")
                  + (f" Read from `{ent.file}`, dated by `{ent.dated_by}`; " if ent.file else "")
                  + (", ".join(f"`{c}` names a person ({link})" for c, link in ent.person_links.items()) + "." if ent.person_links else ""), "",
                  "| property | type | values | meaning |", "|---|---|---|---|"]
        for name, prop in ent.properties.items():
            values = ", ".join(prop.values) if prop.values else ""
            lines.append(f"| {name} | {prop.type} | {values} | {prop.description} |")
        lines.append("")
    lines += ["## Link kinds", "", "Every link also has: " + ", ".join(f"`{c}`" for c in COMMON_LINK_COLUMNS) + ".", "",
              "| type | canonical | class | joins | identity | meaning |", "|---|---|---|---|---|---|"]
    for link in model.links.values():
        joins = "; ".join(f"{a} → {b}" for a, b in link.pairs)
        props = ", ".join(link.identity)
        lines.append(f"| {link.name} | `{link.canonical}` | {link.class_} | {joins} | {props} | {link.description} |")
    return "\n".join(lines) + "\n"
