"""Grading floors: 3x5x2 and legacy 5x5x5 are read, compared within their scheme, never converted."""

from __future__ import annotations

import pytest

from graph_intel.grading import GradeError, MinGrade, grading_label


def test_a_3x5x2_floor() -> None:
    floor = MinGrade.parse("2b")
    assert floor == MinGrade("2", "B")
    assert floor.admits_source({"source_eval": "1", "intel_eval": "B", "scheme": "3x5x2"})
    assert floor.admits("3x5x2", "2", "A") and floor.admits(None, "2", "B")
    assert not floor.admits("3x5x2", "3", "A") and not floor.admits("3x5x2", "1", "C")
    assert not floor.admits_source(
        {"source_eval": "", "intel_eval": ""}
    )  # ungraded never meets a floor


def test_a_legacy_5x5x5_floor_and_no_conversion() -> None:
    floor = MinGrade.parse("B2")
    assert floor == MinGrade("B", "2", "5x5x5")
    assert floor.admits("5x5x5", "A", "1") and not floor.admits("5x5x5", "C", "1")
    assert not floor.admits("3x5x2", "1", "A")  # a 3x5x2 grade is not a 5x5x5 one
    assert not MinGrade("3", "E").admits("5x5x5", "A", "1")


@pytest.mark.parametrize("text", ["9Z", "4A", "2F", "B6", "", "2 B C"])
def test_bad_floors(text: str) -> None:
    if text == "":
        assert MinGrade.parse(text) is None
        return
    with pytest.raises(GradeError, match="3x5x2 grade like 2B"):
        MinGrade.parse(text)


def test_labels() -> None:
    assert grading_label("3x5x2", "2", "B", "P") == "2B P"
    assert grading_label("5x5x5", "B", "2", "4") == "5x5x5 B2 4"
    assert grading_label(None, None, None, None) is None
