"""Renderers of the analysis family: groups, shared-contacts, key-players, path, hotspots, colocation, changes.

The commands themselves (options, defaults, help) are made from the read commands in
graph_intel.commands.analysis (graph_intel.cli.generate); each keeps here only its human output.
"""

from __future__ import annotations

from typing import Any

import typer

from graph_intel.cli.common import EXIT_ATTENTION, err, fail, out, say_empty, table, written
from graph_intel.cli.generate import Answer, renders


def _table(columns: list[str], rows: list[dict[str, Any]], empty: str | None = None) -> None:
    """The rows as a table (cells wrap, never cut), or the line saying why there are none."""
    if not rows and empty is not None:
        say_empty(empty)
        return
    out.print(table(columns, rows))


def _grade(min_grade: str | None) -> str:
    return f" at grade {min_grade} or better" if min_grade else ""


def _bases(args: dict[str, Any]) -> None:
    """An unknown --basis is refused before the store is opened, naming the known ones."""
    from graph_intel.commands import analysis as an

    try:
        an.parse_bases(args["basis"])
    except ValueError as exc:
        fail(str(exc))


def _adults(graph: Any, data: Any, args: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, str]]:
    """Who was kept apart, and (for an empty answer) how many could be adults and why."""
    from graph_intel.commands import analysis as an

    return an.kept_apart_json(graph), an.adults_census(graph) if not data else (0, "")


@renders("groups", before=_bases, gather=_adults)
def groups(answer: Answer) -> None:
    """Each group, its members and the evidence joining them; an empty answer says why."""
    min_grade = answer.args["min_grade"]
    apart, adults = answer.extra
    if not answer.data:
        rule = "(a person counts as an adult only when aged 18 or over at the date of the fact)"
        why = (
            f"no two adults share evidence{_grade(min_grade)} {rule}: {adults[1]}"
            if adults[0]
            else f"{adults[1]} {rule}"
        )
        say_empty(answer.empty(f"no linked group: {why}"))
    for g in answer.data:
        note = f" ({g['split']})" if g["split"] else ""
        out.print(f"[bold]group {g['group']}[/]: {', '.join(g['members'])}{note}", highlight=False)
        rows = [{**e, "recorded": written(e.get("at"))} for e in g["evidence"]]
        _table(["kind", "id", "persons", "facts", "recorded", "source_id", "grading"], rows)
    _apart_note(apart)


def _apart_note(apart: dict[str, Any] | None) -> None:
    """One line on stderr naming who was left out as (possibly) a child, for the human output."""
    if not apart:
        return
    kept = apart["possibly_children"]
    victims = sorted({v["person_id"] for v in apart["possible_victims"]})
    if kept:
        err.print(
            f"kept apart as possibly children (unknown category, no date of birth): {', '.join(kept)}",
            highlight=False,
        )
    if victims:
        err.print(
            f"children recorded as offenders, never joined (consider exploitation): {', '.join(victims)}; "
            "see graph-intel kept-apart",
            highlight=False,
        )


@renders("shared-contacts")
def shared_contacts(answer: Answer) -> None:
    """The three tables, each with the line saying why it is empty."""
    d, min_grade = answer.data, answer.args["min_grade"]
    out.print("[bold]adults in contact with two or more children[/]")
    _table(
        ["person_id", "children", "evidence"],
        d["adults_with_children"],
        f"none: no adult is in contact with two or more children{_grade(min_grade)}",
    )
    out.print("[bold]numbers saved in two or more handsets[/]")
    _table(
        ["number", "exhibits", "saved_as"],
        d["numbers_in_handsets"],
        "none: no number is saved in two or more handset downloads",
    )
    out.print("[bold]used by two or more persons[/]")
    _table(
        ["kind", "id", "persons"],
        d["shared_objects"],
        f"none: no phone, vehicle or address is used by two or more persons{_grade(min_grade)}",
    )


@renders("key-players", gather=_adults)
def key_players(answer: Answer) -> None:
    """The key players' table; an empty answer says how many could be adults and why."""
    apart, adults = answer.extra
    why = (
        f"no adults are joined by evidence{_grade(answer.args['min_grade'])}: {adults[1]}"
        if adults[0]
        else adults[1]
    )
    _table(
        ["person_id", "betweenness", "degree", "groups_bridged"],
        answer.data,
        None if answer.data else answer.empty(f"no key players: {why}"),
    )
    _apart_note(apart)


def _no_path(answer: Answer) -> None:
    """With --json, no chain joining the two is exit 1 with a line on stderr."""
    if answer.data["length"] is None:
        err.print("no chain of evidence joins them" + _grade(answer.args["min_grade"]))
        raise typer.Exit(EXIT_ATTENTION)


@renders("path", after_json=_no_path)
def path(answer: Answer) -> None:
    """Each hop of the chain; or the line saying no chain joins the two."""
    d, a = answer.data, answer.args
    rows = [
        {
            **h,
            "from": f"{h['from']['kind']} {h['from']['id']}",
            "to": f"{h['to']['kind']} {h['to']['id']}",
        }
        for h in d["hops"]
    ]
    _table(
        ["from", "link", "to", "source_id", "grading", "at"],
        rows,
        None
        if d["length"] is not None
        else f"no chain of evidence joins {a['from_kind']} {a['from_id']} and {a['to_kind']} {a['to_id']}{_grade(a['min_grade'])}",
    )


@renders("hotspots")
def hotspots(answer: Answer) -> None:
    """The hotspots' table, or why there are none."""
    _table(
        ["location_id", "name", "kind", "children", "adults", "events"],
        answer.data,
        None
        if answer.data
        else answer.empty(
            f"no hotspots: no location has events or persons seen there{_grade(answer.args['min_grade'])}"
        ),
    )


@renders("colocation")
def colocation(answer: Answer) -> None:
    """Each pair with its meetings, or why there are none."""
    a = answer.args
    if not answer.data:
        say_empty(
            answer.empty(
                f"no pair was at one place within {a['window']} minutes on {a['occasions']} "
                f"or more occasions{_grade(a['min_grade'])}"
            )
        )
    for pair in answer.data:
        out.print(
            f"[bold]{pair['kind']} {pair['a']} and {pair['b']}[/]: {pair['occasions']} occasions",
            highlight=False,
        )
        meetings = [{**m, "at": written(m.get("at"))} for m in pair.get("meetings") or []]
        _table(["at", "location_id", "events", "source_id", "grading"], meetings)


@renders("changes")
def changes(answer: Answer) -> None:
    """Each child's changes since the date, or why there are none."""
    start = answer.args["since"]
    out.print(f"[bold]changes since {written(start)}[/]", highlight=False)
    if not answer.data["children"]:
        say_empty(
            answer.empty(
                f"no change touching a child since {written(start)}{_grade(answer.args['min_grade'])}",
                "--since",
                start,
                since=True,
            )
        )
    for child in answer.data["children"]:
        out.print(f"[bold]{child['person_id']}[/]")
        _table(
            ["change", "link", "kind", "id", "at", "new_entity", "source_id", "grading"],
            child["changes"],
        )


@renders("kept-apart")
def kept_apart(answer: Answer) -> None:
    """Who is possibly a child, and the children recorded as offenders."""
    d = answer.data
    out.print(
        "[bold]possibly children[/] (unknown category, no date of birth: never joined into a group)"
    )
    out.print(
        ", ".join(d["possibly_children"])
        or "none: every person has a date of birth or a known category",
        highlight=False,
    )
    out.print("[bold]children recorded as offenders[/] (prompts to consider exploitation)")
    if d["possible_victims"]:
        _table(["person_id", "at", "prompt", "event"], d["possible_victims"])
    else:
        out.print(
            "none: no person is recorded as a suspect or associate, or arrested, while under 18"
        )
