"""The resolve read commands (CLI --json and API GET share them): candidates and confirmed clusters."""

from __future__ import annotations

from typing import Annotated, Any

from graph_intel.commands import Param, read_command
from graph_intel.resolution.candidates import candidates
from graph_intel.resolution.clusters import clusters
from graph_intel.stores.base import GraphStore

#: Default least score of a listed candidate.
MIN_SCORE = 0.5


@read_command("resolve", "candidates")
def candidates_json(
    store: GraphStore, min_score: Annotated[float, Param("Least score listed (0..1).")] = MIN_SCORE
) -> list[dict[str, Any]]:
    """Candidate matches between persons of different datasets or agencies, best first, with reasons.

    Same-person pairs, each with the reasons for its score."""
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"--min-score {min_score} must be between 0 and 1")
    return candidates(store, min_score)


@read_command("resolve", "clusters")
def clusters_json(store: GraphStore) -> list[dict[str, Any]]:
    """Confirmed same-person clusters: the records judged to be one person.

    Records judged `same`: members as DATASET:ID keys and their count."""
    return [{"members": group, "records": len(group)} for group in clusters(store)]
