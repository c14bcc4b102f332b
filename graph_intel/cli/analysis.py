"""Commands of the analysis family: groups, shared-contacts, key-players, path, hotspots, colocation, changes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_intel.cli.common import (
    EXIT_ATTENTION,
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    emit,
    err,
    explain_empty,
    fail,
    opened,
    out,
    say_empty,
    table,
    time_option,
    written,
)
from graph_intel.commands import analysis as an
from graph_intel.grading import GradeError
from graph_intel.stores import GraphStore

MinGradeOpt = Annotated[
    str | None, typer.Option("--min-grade", help="Only facts whose source is graded at least this (3x5x2), e.g. 2B.")
]


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("groups")(groups_cmd)
    app.command("shared-contacts")(shared_contacts_cmd)
    app.command("key-players")(key_players_cmd)
    app.command("path")(path_cmd)
    app.command("hotspots")(hotspots_cmd)
    app.command("colocation")(colocation_cmd)
    app.command("changes")(changes_cmd)
    app.command("kept-apart")(kept_apart_cmd)


@contextmanager
def _store(store: Path | None, neo4j: str | None) -> Iterator[GraphStore]:
    """The store, read-only; a bad --min-grade or date is exit 2 with its reason."""
    with opened(store, neo4j, read_only=True) as graph:
        try:
            yield graph
        except (GradeError, ValueError) as exc:
            fail(str(exc))


def _table(columns: list[str], rows: list[dict[str, Any]], empty: str | None = None) -> None:
    """The rows as a table (cells wrap, never cut), or the line saying why there are none."""
    if not rows and empty is not None:
        say_empty(empty)
        return
    out.print(table(columns, rows))


def _grade(min_grade: str | None) -> str:
    return f" at grade {min_grade} or better" if min_grade else ""


def groups_cmd(
    min_grade: MinGradeOpt = None,
    threshold: Annotated[int, typer.Option(help="Split connected sets larger than this by Leiden.")] = an.SPLIT_THRESHOLD,
    basis: Annotated[str | None, typer.Option(help="Only association links on these bases join persons (comma-separated: recorded, social_network, phone_contact, intelligence, observed, self_reported, other).")] = None,
    store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False,
) -> None:
    """Linked groups of adults and the evidence joining them, largest first."""
    try:
        an.parse_bases(basis)
    except ValueError as exc:
        fail(str(exc))
    with _store(store, neo4j) as graph:
        data = an.groups_json(graph, min_grade, threshold, basis=basis)
        apart = None if json else an.kept_apart_json(graph)
        adults = an.adults_census(graph) if not data and not json else (0, "")

    def render(d: list[dict[str, Any]]) -> None:
        if not d:
            rule = "(a person counts as an adult only when aged 18 or over at the date of the fact)"
            why = (f"no two adults share evidence{_grade(min_grade)} {rule}: {adults[1]}" if adults[0]
                   else f"{adults[1]} {rule}")
            say_empty(explain_empty(store, neo4j, f"no linked group: {why}"))
        for g in d:
            note = f" ({g['split']})" if g["split"] else ""
            out.print(f"[bold]group {g['group']}[/]: {', '.join(g['members'])}{note}", highlight=False)
            rows = [{**e, "recorded": written(e.get("at"))} for e in g["evidence"]]
            _table(["kind", "id", "persons", "facts", "recorded", "source_id", "grading"], rows)

    emit(data, json, render)
    _apart_note(apart)


def _apart_note(apart: dict[str, Any] | None) -> None:
    """One line on stderr naming who was left out as (possibly) a child, for the human output."""
    if not apart:
        return
    kept = apart["possibly_children"]
    victims = sorted({v["person_id"] for v in apart["possible_victims"]})
    if kept:
        err.print(f"kept apart as possibly children (unknown category, no date of birth): {', '.join(kept)}", highlight=False)
    if victims:
        err.print(f"children recorded as offenders, never joined (consider exploitation): {', '.join(victims)}; "
                  "see graph-intel kept-apart", highlight=False)


def shared_contacts_cmd(min_grade: MinGradeOpt = None, store: StoreOpt = None, neo4j: Neo4jOpt = None,
                        json: JsonOpt = False) -> None:
    """Adults in contact with 2+ children, numbers in 2+ handsets, phones/vehicles/addresses shared."""
    with _store(store, neo4j) as graph:
        data = an.shared_contacts_json(graph, min_grade)

    def render(d: dict[str, Any]) -> None:
        out.print("[bold]adults in contact with two or more children[/]")
        _table(["person_id", "children", "evidence"], d["adults_with_children"],
               f"none: no adult is in contact with two or more children{_grade(min_grade)}")
        out.print("[bold]numbers saved in two or more handsets[/]")
        _table(["number", "exhibits", "saved_as"], d["numbers_in_handsets"],
               "none: no number is saved in two or more handset downloads")
        out.print("[bold]used by two or more persons[/]")
        _table(["kind", "id", "persons"], d["shared_objects"],
               f"none: no phone, vehicle or address is used by two or more persons{_grade(min_grade)}")

    emit(data, json, render)


def key_players_cmd(
    min_grade: MinGradeOpt = None,
    sample: Annotated[int | None, typer.Option(help="Estimate betweenness from this many random sources.")] = None,
    store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False,
) -> None:
    """Adults by betweenness among adults, with degree and groups bridged."""
    with _store(store, neo4j) as graph:
        data = an.key_players_json(graph, min_grade, sample)
        apart = None if json else an.kept_apart_json(graph)
        adults = an.adults_census(graph) if not data and not json else (0, "")
    why = f"no adults are joined by evidence{_grade(min_grade)}: {adults[1]}" if adults[0] else adults[1]
    emit(data, json, lambda d: _table(["person_id", "betweenness", "degree", "groups_bridged"], d, None if d else explain_empty(
        store, neo4j, f"no key players: {why}")))
    _apart_note(apart)


def path_cmd(
    from_kind: Annotated[str, typer.Argument(help="person, phone, vehicle, location, event, report or exhibit.")],
    from_id: Annotated[str, typer.Argument(help="The id, or DATASET:ID where ambiguous.")],
    to_kind: Annotated[str, typer.Argument(help="Kind of the other end.")],
    to_id: Annotated[str, typer.Argument(help="Id of the other end.")],
    min_grade: MinGradeOpt = None,
    store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False,
) -> None:
    """The shortest chain of evidence between two entities, each hop with its source and grade."""
    with _store(store, neo4j) as graph:
        data = an.path_json(graph, from_kind, from_id, to_kind, to_id, min_grade)

    def render(d: dict[str, Any]) -> None:
        rows = [{**h, "from": f"{h['from']['kind']} {h['from']['id']}", "to": f"{h['to']['kind']} {h['to']['id']}"}
                for h in d["hops"]]
        _table(["from", "link", "to", "source_id", "grading", "at"], rows,
               None if d["length"] is not None else
               f"no chain of evidence joins {from_kind} {from_id} and {to_kind} {to_id}{_grade(min_grade)}")

    emit(data, json, render)
    if data["length"] is None and json:
        err.print("no chain of evidence joins them" + (f" at grade {min_grade} or better" if min_grade else ""))
        raise typer.Exit(EXIT_ATTENTION)


def hotspots_cmd(min_grade: MinGradeOpt = None, store: StoreOpt = None, neo4j: Neo4jOpt = None,
                 json: JsonOpt = False) -> None:
    """Locations by distinct children, adults and events seen there, with when."""
    with _store(store, neo4j) as graph:
        data = an.hotspots_json(graph, min_grade)
    emit(data, json, lambda d: _table(["location_id", "name", "kind", "children", "adults", "events"], d, None if d else explain_empty(
        store, neo4j, f"no hotspots: no location has events or persons seen there{_grade(min_grade)}")))


def colocation_cmd(
    min_grade: MinGradeOpt = None,
    window: Annotated[int, typer.Option(min=0, help="Minutes apart that still count as together.")] = an.WINDOW_MINUTES,
    occasions: Annotated[int, typer.Option(min=1, help="Least number of separate occasions.")] = an.MIN_OCCASIONS,
    store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False,
) -> None:
    """Pairs of persons or vehicles at the same place within a window, on repeated occasions."""
    with _store(store, neo4j) as graph:
        data = an.colocation_json(graph, min_grade, window, occasions)
    def render(d: list[dict[str, Any]]) -> None:
        if not d:
            say_empty(explain_empty(store, neo4j, f"no pair was at one place within {window} minutes on {occasions} "
                                    f"or more occasions{_grade(min_grade)}"))
        for pair in d:
            out.print(f"[bold]{pair['kind']} {pair['a']} and {pair['b']}[/]: {pair['occasions']} occasions",
                      highlight=False)
            meetings = [{**m, "at": written(m.get("at"))} for m in pair.get("meetings") or []]
            _table(["at", "location_id", "events", "source_id", "grading"], meetings)

    emit(data, json, render)


def changes_cmd(
    since: Annotated[str, typer.Option("--since", help="Report what is new from this date on (YYYY-MM-DD or day first DD/MM/YYYY).")],
    min_grade: MinGradeOpt = None,
    store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False,
) -> None:
    """New entities, links and contacts touching each child since a date."""
    start = time_option(since, "--since")
    with _store(store, neo4j) as graph:
        data = an.changes_json(graph, start.isoformat() if start else since, min_grade)

    def render(d: dict[str, Any]) -> None:
        out.print(f"[bold]changes since {written(start)}[/]", highlight=False)
        if not d["children"]:
            say_empty(explain_empty(store, neo4j, f"no change touching a child since {written(start)}{_grade(min_grade)}",
                                    "--since", start, since=True))
        for child in d["children"]:
            out.print(f"[bold]{child['person_id']}[/]")
            _table(["change", "link", "kind", "id", "at", "new_entity", "source_id", "grading"], child["changes"])

    emit(data, json, render)


def kept_apart_cmd(store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False) -> None:
    """Persons kept out of groups and key players as possibly children, and children recorded as offenders."""
    with _store(store, neo4j) as graph:
        data = an.kept_apart_json(graph)

    def render(d: dict[str, Any]) -> None:
        out.print("[bold]possibly children[/] (unknown category, no date of birth: never joined into a group)")
        out.print(", ".join(d["possibly_children"]) or "none: every person has a date of birth or a known category",
                  highlight=False)
        out.print("[bold]children recorded as offenders[/] (prompts to consider exploitation)")
        if d["possible_victims"]:
            _table(["person_id", "at", "prompt", "event"], d["possible_victims"])
        else:
            out.print("none: no person is recorded as a suspect or associate, or arrested, while under 18")

    emit(data, json, render)
