"""Network styles derived from the schema: a shape per entity kind, a colour per person category.

Children are always drawn in their own colour family (blue, with a dark blue ring) and never in the
red/orange family kept for suspects and associates. RAG status is a coloured ring (border);
a linked group is a coloured halo (shadow), so the three never fight over one channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_intel.schema import schema

# Shapes vis-network draws with the label below the node (so sizes stay comparable).
_KNOWN_SHAPES = {
    "Person": "dot",
    "Phone": "diamond",
    "Vehicle": "square",
    "Location": "triangle",
    "Event": "star",
    "Report": "triangleDown",
    "Exhibit": "hexagon",
    # The safeguarding records (label-inside shapes, and a flag glyph drawn from a system font).
    "Referral": "box",
    "SchoolRecord": "database",
    "HealthAttendance": "circle",
    "Gift": "ellipse",
    "Allocation": "text",
    "RiskAssessment": "icon",
}
_SPARE_SHAPES = [
    "dot",
    "diamond",
    "square",
    "triangle",
    "star",
    "triangleDown",
    "hexagon",
    "ellipse",
    "box",
    "circle",
    "database",
    "text",
    "icon",
]
_SYMBOLS = {
    "dot": "\u25cf",
    "diamond": "\u25c6",
    "square": "\u25a0",
    "triangle": "\u25b2",
    "star": "\u2605",
    "triangleDown": "\u25bc",
    "hexagon": "\u2b22",
    "ellipse": "\u2b2c",
    "box": "\u25ac",
    "circle": "\u25ef",
    "database": "\u26c1",
    "text": "\u2261",
    "icon": "\u2691",
}
_KIND_COLOURS = {
    "Phone": "#8e44ad",
    "Vehicle": "#8d6e63",
    "Location": "#16a085",
    "Event": "#f1c40f",
    "Report": "#95a5a6",
    "Exhibit": "#34495e",
}
_SPARE_COLOURS = ["#607d8b", "#9e9d24", "#5d4037", "#00838f"]

#: Person fill colours by category. Children: blue family only; offenders: red/orange family only.
CATEGORY_COLOURS = {
    "child": "#1e88e5",
    "suspect": "#c62828",
    "associate": "#ef6c00",
    "witness": "#9e9e9e",
    "professional": "#2e7d32",
    "unknown": "#cfd8dc",
}
#: Categories drawn as offenders (red/orange); a child is never among them.
OFFENDER_CATEGORIES = frozenset({"suspect", "associate"})
CHILD_BORDER = "#0d47a1"
CHILD_SIZE = 26
PERSON_SIZE = 20
OBJECT_SIZE = 14

RAG_COLOURS = {"R": "#d50000", "A": "#ffab00", "G": "#00c853"}
RAG_NAMES = {"R": "red", "A": "amber", "G": "green"}
GROUP_COLOURS = [
    "#6a1b9a",
    "#00838f",
    "#ad1457",
    "#558b2f",
    "#4527a0",
    "#f9a825",
    "#37474f",
    "#d84315",
]

#: Edge looks by link class (from the schema's `class`).
LINK_CLASS_STYLES: dict[str, dict[str, Any]] = {
    "association": {"color": "#455a64", "dashes": False, "width": 2.5},
    "attribution": {"color": "#90a4ae", "dashes": False, "width": 1.5},
    "participation": {"color": "#b0bec5", "dashes": [6, 4], "width": 1.2},
    "placement": {"color": "#80cbc4", "dashes": [2, 4], "width": 1.2},
    "content": {"color": "#bcaaa4", "dashes": [8, 3, 2, 3], "width": 1.0},
    "resolution": {"color": "#7e57c2", "dashes": [1, 3], "width": 2.0},
    "record": {"color": "#a1887f", "dashes": [3, 3], "width": 1.0},
    "aggregate": {"color": "#546e7a", "dashes": False, "width": 1.5},
    "contact": {"color": "#5e35b1", "dashes": False, "width": 2.0},
}
#: A link dated after a CAWN was served on one end in respect of the other: possible breach evidence.
BREACH_COLOUR = "#b71c1c"
#: An adult a CAWN was served on: a dashed ring of this colour (the RAG ring is the child's).
NOTICE_COLOUR = "#b71c1c"


@dataclass(frozen=True)
class EntityStyle:
    """How one entity kind is drawn: its vis-network shape, legend symbol and default colour."""

    entity: str
    cli: str
    shape: str
    symbol: str
    colour: str


def entity_styles() -> dict[str, EntityStyle]:
    """A distinct style for every entity kind the schema puts in the graph (not provenance)."""
    styles: dict[str, EntityStyle] = {}
    used: set[str] = set()
    spare_colours = iter(_SPARE_COLOURS * 4)
    for spec in schema().pole_entities():
        shape = _KNOWN_SHAPES.get(spec.name) or next(s for s in _SPARE_SHAPES if s not in used)
        used.add(shape)
        colour = (
            CATEGORY_COLOURS["unknown"]
            if spec.name == "Person"
            else (_KIND_COLOURS.get(spec.name) or next(spare_colours))
        )
        styles[spec.name] = EntityStyle(
            spec.name, spec.cli, shape, _SYMBOLS.get(shape, "\u25cf"), colour
        )
    return styles


def person_categories() -> tuple[str, ...]:
    """The person categories the schema declares."""
    values = schema().entity("Person").properties["category"].values
    return tuple(values or ())


def category_colour(category: str | None) -> str:
    """Fill colour of a person of this category (unknown when blank or undeclared)."""
    return CATEGORY_COLOURS.get(category or "unknown", CATEGORY_COLOURS["unknown"])


def node_style(
    entity: str, category: str | None = None, rag: str | None = None, group: int | None = None
) -> dict[str, Any]:
    """vis-network node options for an entity (and, for a person, its category, RAG and group)."""
    style = entity_styles()[entity]
    out: dict[str, Any] = {"shape": style.shape, "size": OBJECT_SIZE, "borderWidth": 1}
    fill = style.colour
    border = "#37474f"
    if entity == "Person":
        fill = category_colour(category)
        out["size"] = CHILD_SIZE if category == "child" else PERSON_SIZE
        if category == "child":
            border = CHILD_BORDER
            out["borderWidth"] = 3
    if rag:
        border = RAG_COLOURS[rag]
        out["borderWidth"] = 5
    out["color"] = {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": "#000000"},
    }
    if style.shape == "icon":  # a glyph from a system font: nothing is fetched
        out["icon"] = {"face": "sans-serif", "code": style.symbol, "size": 36, "color": fill}
    if group is not None:
        out["shadow"] = {
            "enabled": True,
            "color": GROUP_COLOURS[group % len(GROUP_COLOURS)],
            "size": 18,
            "x": 0,
            "y": 0,
        }
    return out


def edge_style(link_class: str) -> dict[str, Any]:
    """vis-network edge options for a link class."""
    style = LINK_CLASS_STYLES.get(link_class, LINK_CLASS_STYLES["aggregate"])
    return {
        "color": {"color": style["color"], "highlight": "#000000"},
        "dashes": style["dashes"],
        "width": style["width"],
    }


def rag_of(value: Any) -> str | None:
    """A RAG status as R, A or G (accepts red/amber/green in any case), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    first = value.strip()[0].upper()
    return first if first in RAG_COLOURS else None
