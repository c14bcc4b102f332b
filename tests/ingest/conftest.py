"""Fixtures of the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from canonical_fixtures import write_dataset


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    """Two agencies' folders, both called export/, both with a P1 who is not the same person."""
    police = write_dataset(
        tmp_path / "police" / "export",
        {
            "persons.csv": [
                {
                    "person_id": "P1",
                    "given_name": "Dale",
                    "category": "suspect",
                    "date_of_birth": "1980-01-01",
                }
            ]
        },
    )
    care = write_dataset(
        tmp_path / "care" / "export",
        {
            "persons.csv": [
                {
                    "person_id": "P1",
                    "given_name": "Tia",
                    "category": "child",
                    "date_of_birth": "1997-05-01",
                }
            ]
        },
    )
    return police, care
