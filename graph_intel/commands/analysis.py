"""The analysis read commands (CLI --json and API GET share them): contract JSON from the DataFrames."""

from __future__ import annotations

from typing import Any

import pandas as pd

from graph_intel.analysis.age import ages, census, possible_victims
from graph_intel.analysis.changes import changes_since
from graph_intel.analysis.contacts import adults_with_children, numbers_in_handsets, shared_objects
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.groups import SEED, SPLIT_THRESHOLD, linked_groups
from graph_intel.analysis.paths import path_between
from graph_intel.analysis.places import MIN_OCCASIONS, WINDOW_MINUTES, colocation, hotspots
from graph_intel.analysis.players import key_players
from graph_intel.commands import read_command
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore, _plain
from loaders.values.dates import parse_datetime_option


def _records(frame: pd.DataFrame, drop: tuple[str, ...] = ("key",)) -> list[dict[str, Any]]:
    """A frame as JSON-able rows (NaN -> None), without internal columns."""
    cols = [c for c in frame.columns if c not in drop]
    return [{c: _plain(row[c]) for c in cols} for row in frame.to_dict("records")]


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


@read_command("groups")
def groups_json(store: GraphStore, min_grade: str | None = None, threshold: int = SPLIT_THRESHOLD,
                seed: int = SEED, basis: str | None = None) -> list[dict[str, Any]]:
    """Linked groups of two or more adults, largest first, with the evidence joining them; `basis`
    (comma-separated, e.g. recorded,intelligence) keeps only association links on those bases."""
    many = len(store.datasets()) > 1
    bases = parse_bases(basis)
    names: dict[str, str] = {}

    def person(key: str) -> str:
        name = names.get(key)
        if name is None:
            name = names[key] = _person(key, many)
        return name

    frame = linked_groups(store, MinGrade.parse(min_grade), threshold, seed, **({"bases": bases} if bases else {}),
                          name=person)
    return [{"group": row["group"], "members": [person(m) for m in row["members"]], "size": row["size"],
             "split": _plain(row["split"]), "evidence": row["evidence"]}
            for row in frame.to_dict("records")]


@read_command("shared-contacts")
def shared_contacts_json(store: GraphStore, min_grade: str | None = None) -> dict[str, Any]:
    """Adults in contact with 2+ children, numbers in 2+ handsets, objects used by 2+ persons."""
    minimum = MinGrade.parse(min_grade)
    return {
        "adults_with_children": _records(adults_with_children(store, minimum)),
        "numbers_in_handsets": _records(numbers_in_handsets(store, minimum)),
        "shared_objects": _records(shared_objects(store, minimum)),
    }


@read_command("key-players")
def key_players_json(store: GraphStore, min_grade: str | None = None, sample: int | None = None) -> list[dict[str, Any]]:
    """Adults by betweenness in the joining graph, with degree and the groups each bridges."""
    frame = key_players(store, MinGrade.parse(min_grade), sample)
    frame["betweenness"] = frame["betweenness"].astype(float).round(6)
    return _records(frame)


@read_command("path")
def path_json(store: GraphStore, from_kind: str, from_id: str, to_kind: str, to_id: str,
              min_grade: str | None = None) -> dict[str, Any]:
    """The shortest evidence chain between two entities, each hop with its source and grading."""
    frame = path_between(store, from_kind, from_id, to_kind, to_id, MinGrade.parse(min_grade))
    hops = [
        {"from": {"kind": r["from_kind"], "id": r["from_id"]}, "to": {"kind": r["to_kind"], "id": r["to_id"]},
         "link": r["link"], "source_id": r["source_id"], "grading": _plain(r["grading"]), "at": r["at"],
         "sources": r["sources"]}
        for r in frame.to_dict("records")
    ]
    return {"hops": hops, "length": len(hops) if hops else None}


@read_command("hotspots")
def hotspots_json(store: GraphStore, min_grade: str | None = None) -> list[dict[str, Any]]:
    """Locations by distinct children, adults and events there, with hour and weekday profiles."""
    return _records(hotspots(store, MinGrade.parse(min_grade)))


@read_command("colocation")
def colocation_json(store: GraphStore, min_grade: str | None = None, window: int = WINDOW_MINUTES,
                    occasions: int = MIN_OCCASIONS) -> list[dict[str, Any]]:
    """Pairs of persons or vehicles at one place within `window` minutes on `occasions`+ occasions."""
    if window < 0 or occasions < 1:
        raise ValueError(f"window is 0 minutes or more and occasions 1 or more (given {window} and {occasions})")
    return _records(colocation(store, MinGrade.parse(min_grade), window, occasions))


@read_command("changes")
def changes_json(store: GraphStore, since: str, min_grade: str | None = None) -> dict[str, Any]:
    """New links, contacts and entities touching each child since a date."""
    start = pd.Timestamp(parse_datetime_option(since))
    frame = changes_since(store, start, MinGrade.parse(min_grade))
    children = [
        {"person_id": child, "changes": _records(rows.drop(columns=["child"]))}
        for child, rows in frame.groupby("child", sort=True)
    ]
    return {"since": start.isoformat(), "children": children}


@read_command("kept-apart")
def adults_census(store: GraphStore) -> tuple[int, str]:
    """How many persons could be adults, and why the others are not (age.census): an empty groups answer's reason."""
    return census(persons(store))


def kept_apart_json(store: GraphStore) -> dict[str, Any]:
    """Persons groups and key players leave out as (possibly) children, and children recorded as offenders."""
    many = len(store.datasets()) > 1
    people = persons(store)
    victims = []
    for p in possible_victims(store, people):
        victims.append({"person_id": _person(p["key"], many), "what": p["what"], "age": p["age"], "at": p["at"],
                        "event": split_key(p["event"], "Event")[1] if p["event"] else None, "prompt": p["prompt"]})
    return {"possibly_children": [_person(k, many) for k in ages(people).possibly_children()],
            "possible_victims": victims,
            "note": "possibly children: unknown category and no date of birth, so never joined into a group; "
                    "possible victims: children recorded as offenders, a prompt to consider exploitation"}
