"""Styles come from the schema: every entity kind drawn distinctly, children never as offenders."""

from __future__ import annotations

import colorsys

from graph_intel.network import styles
from graph_intel.schema import schema


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def test_every_entity_kind_in_the_graph_has_a_distinct_shape() -> None:
    found = styles.entity_styles()
    assert set(found) == {e.name for e in schema().pole_entities()}
    assert "Source" not in found  # provenance is metadata, never a node
    shapes = [s.shape for s in found.values()]
    assert len(set(shapes)) == len(shapes)
    for entity in found:
        assert styles.node_style(entity)["shape"] == found[entity].shape


def test_every_person_category_of_the_schema_has_a_colour() -> None:
    assert set(styles.person_categories()) == set(
        schema().entity("Person").properties["category"].values or ()
    )
    assert set(styles.person_categories()) <= set(styles.CATEGORY_COLOURS)


def test_children_are_distinct_from_suspects_and_never_styled_as_offenders() -> None:
    child = styles.node_style("Person", "child")
    assert "child" not in styles.OFFENDER_CATEGORIES
    for category in styles.OFFENDER_CATEGORIES:
        offender = styles.node_style("Person", category)
        assert child["color"]["background"] != offender["color"]["background"]
        assert child["color"]["border"] != offender["color"]["border"]
        assert child["size"] > offender["size"]
        # offenders are red/orange; a child is blue, far round the colour wheel from them
        assert (
            min(
                abs(_hue(child["color"]["background"]) - _hue(offender["color"]["background"])),
                360
                - abs(_hue(child["color"]["background"]) - _hue(offender["color"]["background"])),
            )
            > 90
        )
    assert 180 <= _hue(child["color"]["background"]) <= 240


def test_rag_is_a_ring_and_group_a_halo() -> None:
    red = styles.node_style("Person", "child", rag="R", group=1)
    assert red["color"]["border"] == styles.RAG_COLOURS["R"] and red["borderWidth"] >= 4
    assert (
        red["color"]["background"] == styles.CATEGORY_COLOURS["child"]
    )  # the fill still says child
    assert red["shadow"]["enabled"] and red["shadow"]["color"] == styles.GROUP_COLOURS[1]
    assert (
        styles.rag_of("amber") == "A" and styles.rag_of("") is None and styles.rag_of("x") is None
    )


def test_every_link_class_of_the_schema_has_an_edge_style() -> None:
    for link in schema().links.values():
        assert link.class_ in styles.LINK_CLASS_STYLES
