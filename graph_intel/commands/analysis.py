"""The analysis read commands (CLI --json and API GET share them): contract JSON from the DataFrames."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pandas as pd

from graph_intel.analysis.age import ages, census, possible_victims
from graph_intel.analysis.changes import changes_by_child
from graph_intel.analysis.contacts import adults_with_children, numbers_in_handsets, shared_objects
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.groups import SEED, SPLIT_THRESHOLD, linked_groups
from graph_intel.analysis.paths import path_between
from graph_intel.analysis.places import MIN_OCCASIONS, WINDOW_MINUTES, colocation, hotspots
from graph_intel.analysis.players import key_players
from graph_intel.commands import MinGradeOpt, Param, read_command
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore, _plain
from loaders.values.dates import parse_datetime_option


def _records(frame: pd.DataFrame, drop: tuple[str, ...] = ("key",)) -> list[dict[str, Any]]:
    """A frame as JSON-able rows (NaN -> None), without internal columns."""
    cols = [c for c in frame.columns if c not in drop]
    plain = [c for c in cols if _already_plain(frame[c])]
    slow = [c for c in cols if c not in plain]
    rows = frame[cols].to_dict("records")
    if not slow:
        return rows
    # only the columns that may hold NaN, timestamps, arrays or lists are converted
    for row in rows:
        for c in slow:
            row[c] = _plain(row[c])
    return rows


def _already_plain(column: pd.Series) -> bool:
    """Whether every value of `column`, as to_dict gives it, is what `_plain` would return unchanged:
    integers and booleans (no blanks possible in those dtypes), floats without NaN, and columns
    of str alone."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind in "iub" and kind:
        return True
    if kind == "f":
        return not bool(column.isna().any())
    # pandas' str dtype is "string" to infer_dtype even with blanks: those must become None
    return pd.api.types.infer_dtype(column, skipna=False) == "string" and not bool(
        column.isna().any()
    )


def _person(key: str, many: bool) -> str:
    """A person as JSON names them: the id, or DATASET:ID when several datasets are loaded."""
    return key if many else split_key(key, "Person")[1]


def parse_bases(basis: str | None) -> list[str] | None:
    """`--basis recorded,social_network` as a list; an unknown basis is refused, naming the known ones."""
    if basis is None or not basis.strip():
        return None
    known = schema().link("ASSOCIATE_OF").properties["basis"].values or ()
    chosen = [b.strip().lower() for b in basis.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in known]
    if unknown:
        raise ValueError(f"unknown basis {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


#: The association bases `--basis` may name (the schema's), for its help.
_BASES = "recorded, social_network, phone_contact, intelligence, observed, self_reported, other"


@read_command("groups")
def groups_json(
    store: GraphStore,
    min_grade: MinGradeOpt = None,
    threshold: Annotated[
        int, Param("Split connected sets larger than this by Leiden.")
    ] = SPLIT_THRESHOLD,
    seed: Annotated[
        int, Param("Seed of the Leiden split: the same seed gives the same groups.")
    ] = SEED,
    basis: Annotated[
        str | None,
        Param(f"Only association links on these bases join persons (comma-separated: {_BASES})."),
    ] = None,
) -> list[dict[str, Any]]:
    """Linked groups of adults and the evidence joining them, largest first.

    Groups of two or more adults; `basis` (comma-separated, e.g. recorded,intelligence) keeps only
    association links on those bases."""
    many = len(store.datasets()) > 1
    bases = parse_bases(basis)
    names: dict[str, str] = {}

    def person(key: str) -> str:
        name = names.get(key)
        if name is None:
            name = names[key] = _person(key, many)
        return name

    frame = linked_groups(
        store,
        MinGrade.parse(min_grade),
        threshold,
        seed,
        **({"bases": bases} if bases else {}),
        name=person,
    )
    return [
        {
            "group": row["group"],
            "members": [person(m) for m in row["members"]],
            "size": row["size"],
            "split": _plain(row["split"]),
            "evidence": row["evidence"],
        }
        for row in frame.to_dict("records")
    ]


@read_command("shared-contacts")
def shared_contacts_json(store: GraphStore, min_grade: MinGradeOpt = None) -> dict[str, Any]:
    """Adults in contact with 2+ children, numbers in 2+ handsets, phones/vehicles/addresses shared."""
    minimum = MinGrade.parse(min_grade)
    return {
        "adults_with_children": _records(adults_with_children(store, minimum)),
        "numbers_in_handsets": _records(numbers_in_handsets(store, minimum)),
        "shared_objects": _records(shared_objects(store, minimum)),
    }


@read_command("key-players")
def key_players_json(
    store: GraphStore,
    min_grade: MinGradeOpt = None,
    sample: Annotated[
        int | None, Param("Estimate betweenness from this many random sources.")
    ] = None,
) -> list[dict[str, Any]]:
    """Adults by betweenness among adults, with degree and groups bridged."""
    frame = key_players(store, MinGrade.parse(min_grade), sample)
    frame["betweenness"] = frame["betweenness"].astype(float).round(6)
    return _records(frame)


@read_command("path")
def path_json(
    store: GraphStore,
    from_kind: Annotated[str, Param("person, phone, vehicle, location, event, report or exhibit.")],
    from_id: Annotated[str, Param("The id, or DATASET:ID where ambiguous.")],
    to_kind: Annotated[str, Param("Kind of the other end.")],
    to_id: Annotated[str, Param("Id of the other end.")],
    min_grade: MinGradeOpt = None,
) -> dict[str, Any]:
    """The shortest chain of evidence between two entities, each hop with its source and grade."""
    frame = path_between(store, from_kind, from_id, to_kind, to_id, MinGrade.parse(min_grade))
    hops = [
        {
            "from": {"kind": r["from_kind"], "id": r["from_id"]},
            "to": {"kind": r["to_kind"], "id": r["to_id"]},
            "link": r["link"],
            "source_id": r["source_id"],
            "grading": _plain(r["grading"]),
            "at": r["at"],
            "sources": r["sources"],
        }
        for r in frame.to_dict("records")
    ]
    return {"hops": hops, "length": len(hops) if hops else None}


@read_command("hotspots")
def hotspots_json(store: GraphStore, min_grade: MinGradeOpt = None) -> list[dict[str, Any]]:
    """Locations by distinct children, adults and events seen there, with when.

    Each with hour and weekday profiles."""
    return _records(hotspots(store, MinGrade.parse(min_grade)))


@read_command("colocation")
def colocation_json(
    store: GraphStore,
    min_grade: MinGradeOpt = None,
    window: Annotated[
        int, Param("Minutes apart that still count as together.", minimum=0)
    ] = WINDOW_MINUTES,
    occasions: Annotated[
        int, Param("Least number of separate occasions.", minimum=1)
    ] = MIN_OCCASIONS,
) -> list[dict[str, Any]]:
    """Pairs of persons or vehicles at the same place within a window, on repeated occasions.

    Within `window` minutes of each other, on `occasions` or more separate occasions."""
    if window < 0 or occasions < 1:
        raise ValueError(
            f"window is 0 minutes or more and occasions 1 or more (given {window} and {occasions})"
        )
    return _records(colocation(store, MinGrade.parse(min_grade), window, occasions))


@read_command("changes")
def changes_json(
    store: GraphStore,
    since: Annotated[
        str,
        Param(
            "Report what is new from this date on (YYYY-MM-DD or day first DD/MM/YYYY).",
            flag="--since",
            date="time",
        ),
    ],
    min_grade: MinGradeOpt = None,
) -> dict[str, Any]:
    """New entities, links and contacts touching each child since a date."""
    start = pd.Timestamp(parse_datetime_option(since))
    children = changes_by_child(store, start, MinGrade.parse(min_grade))
    return {"since": start.isoformat(), "children": children}


def adults_census(store: GraphStore) -> tuple[int, str]:
    """How many persons could be adults, and why the others are not (age.census): an empty groups answer's reason."""
    return census(persons(store))


@read_command("kept-apart")
def kept_apart_json(store: GraphStore) -> dict[str, Any]:
    """Persons kept out of groups and key players as possibly children, and children recorded as offenders."""
    many = len(store.datasets()) > 1
    people = persons(store)
    victims = []
    for p in possible_victims(store, people):
        victims.append(
            {
                "person_id": _person(p["key"], many),
                "what": p["what"],
                "age": p["age"],
                "at": p["at"],
                "event": split_key(p["event"], "Event")[1] if p["event"] else None,
                "prompt": p["prompt"],
            }
        )
    return {
        "possibly_children": [_person(k, many) for k in ages(people).possibly_children()],
        "possible_victims": victims,
        "note": "possibly children: unknown category and no date of birth, so never joined into a group; "
        "possible victims: children recorded as offenders, a prompt to consider exploitation",
    }
