"""Commands of the safeguarding family: missing triggers, CAWNs, chronology, CSE matrix, briefing.

The read commands (missing-triggers, cawn eligible/candidates/breaches/pack, chronology, matrix
list, briefing) are made from graph_intel.commands.safeguarding (graph_intel.cli.generate) and keep
here only their renderers, with, for the print-ready documents, the options of the command line
alone and the step that writes the file (`Writes`); the commands that change records (matrix
set/close) are here in full, registered in graph_intel.commands.CLI_COMMANDS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from graph_intel.cli import printed
from graph_intel.cli.common import (
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    cell,
    day_option,
    emit,
    fail,
    opened,
    out,
    say_empty,
    table,
    written,
)
from graph_intel.cli.generate import Answer, renders
from graph_intel.collector import paused
from graph_intel.commands import DATES
from graph_intel.safeguarding.matrix import MatrixError, close, set_status

T = TypeVar("T")
NOTE = "[dim]Prompts for a professional with their evidence; nothing here is a decision.[/]"


def _run(
    store: Path | None, neo4j: str | None, func: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """Run a read command on the selected store; a bad date or argument is exit 2.

    The garbage collector waits meanwhile (graph_intel.collector: an answer is many small objects)."""
    with paused(), opened(store, neo4j) as graph:
        try:
            return func(graph, *args, **kwargs)
        except (ValueError, MatrixError) as exc:
            fail(str(exc))


def _table(
    rows: list[dict[str, Any]],
    columns: list[str],
    title: str,
    empty: Callable[[], str] | None = None,
) -> None:
    """A titled table (cells wrap, never cut) and the note that it holds prompts; or why it is empty."""
    out.print(f"[bold]{title}[/]", highlight=False)
    if not rows and empty is not None:
        say_empty(empty())
        return
    out.print(table(columns, rows))
    out.print(NOTE)


def _behind(row: dict[str, Any]) -> str:
    """The episodes behind each missing rule, with when each began and ended."""
    parts = []
    for rule, episodes in (row.get("behind") or {}).items():
        spans = [
            f"{e.get('event_id')} ({written(e.get('start'))} to {written(e.get('end')) or 'still missing'})"
            for e in episodes
        ]
        parts.append(f"{rule}: " + "; ".join(spans))
    return "\n".join(parts)


def _breach(b: Any) -> str:
    """One possible breach: the notice (who, served when) and the contact evidence dated after it."""
    if not isinstance(b, dict):
        return cell(b)
    evidence = ", ".join(
        f"{written(e.get('at'))} {e.get('kind')} {e.get('id')}" for e in b.get("evidence") or []
    )
    return f"{cell(b.get('served_on'))} (served {written(b.get('served_at'))}): {evidence}"


#: The arguments and options several commands here share, declared once.
ChildArg = Annotated[str, typer.Argument(metavar="CHILD", help="The child's id (or DATASET:ID).")]
AgencyOpt = Annotated[str, typer.Option(help="Agency recording it.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why.")]


def _day(value: str | None, option: str) -> date:
    """A date option by the one parser (exit 2 when it is not a date), today when not given."""
    return day_option(value, option, date.today()) or date.today()


@renders("missing-triggers")
def missing_triggers(answer: Answer) -> None:
    """The children a missing rule names, with the episodes behind each rule; or why none."""
    day = answer.args["as_of"]
    _table(
        [{**r, "behind": _behind(r)} for r in answer.data],
        ["person_id", "rules", "episodes", "behind"],
        f"strategy meeting due (missing rule) as of {written(day)}",
        lambda: answer.empty(f"no child meets a missing rule as of {written(day)}", "--as-of", day),
    )


@renders("cawn", "eligible")
def eligible(answer: Answer) -> None:
    """The children a CAWN can cover on the date; or why none."""
    day = answer.args["on"]
    _table(
        answer.data,
        ["person_id", "eligible", "reason", "age", "legal_status"],
        f"CAWN eligibility on {written(day)}",
        lambda: answer.empty(
            f"no child a CAWN can cover on {written(day)} (under 16, "
            "or under 18 and in care, at that date)",
            "--on",
            day,
        ),
    )


@renders("cawn", "candidates")
def candidates(answer: Answer) -> None:
    """The adults a CAWN might warn off; or why none."""
    day = answer.args["on"]
    _table(
        answer.data,
        ["adult", "child", "evidence", "last_contact"],
        f"CAWN candidates on {written(day)}",
        lambda: answer.empty(
            f"no adult is associated with a child a CAWN covers on "
            f"{written(day)} without a notice for that child",
            "--on",
            day,
        ),
    )


@renders("cawn", "breaches")
def breaches(answer: Answer) -> None:
    """Each notice with the contact evidence dated after it; or why none."""
    rows = [
        {
            "served_on": b["served_on"],
            "child": b["child"],
            "served_at": b["served_at"],
            "evidence": [f"{written(e['at'])} {e['kind']} {e['id']}" for e in b["evidence"]],
        }
        for b in answer.data
    ]
    _table(
        rows,
        ["served_on", "child", "served_at", "evidence"],
        "possible CAWN breaches",
        lambda: answer.empty("no contact evidence is dated after a CAWN was served"),
    )


def _pack_file(graph: Any, args: dict[str, Any]) -> dict[str, Any]:
    """`cawn pack ADULT CHILD --out FILE.html`: the print-ready pack (a wrong role is a ValueError: exit 2)."""
    from api.web.printing import write_pack

    return write_pack(
        graph,
        args["adult"],
        args["child"],
        args["out_file"],
        printed.imprint(graph, args["marking"], args["reference"]),
        redact=args["redact"],
        on=args["on"],
        include_restricted=args["include_restricted"],
    )


@renders("cawn", "pack", **printed.document("CAWN evidence pack", _pack_file, required=True))
def pack_written(answer: Answer) -> None:
    """What the written pack holds, and why it holds no contact evidence when it holds none
    (--out is required: the command line always writes the pack)."""
    d = answer.data
    out.print(
        printed.wrote("Evidence pack", d)
        + f" ({d['items']} items; {printed.restricted_said(d)}; marked {d['marking']}).",
        highlight=False,
        markup=False,
    )
    if not d["items"]:
        left = "" if d["include_restricted"] else " that is not restricted"
        say_empty(
            answer.empty(
                f"no contact evidence{left} joins {answer.args['adult']} and {answer.args['child']}"
            )
        )


def _chronology_file(graph: Any, args: dict[str, Any]) -> dict[str, Any]:
    """`chronology PERSON --out FILE.html`: the print-ready chronology."""
    from api.web.printing import chronology_document, write_chronology

    doc = chronology_document(
        graph,
        args["person"],
        printed.imprint(graph, args["marking"], args["reference"]),
        args["include_restricted"],
    )
    return write_chronology(doc, args["out_file"])


def _chronology_written(answer: Answer) -> None:
    d = answer.data
    out.print(
        printed.wrote(f"chronology of {d['person']}", d)
        + f" ({d['rows']} rows; {printed.restricted_said(d)}; marked {d['marking']})",
        highlight=False,
        markup=False,
    )


@renders("chronology", **printed.document("chronology", _chronology_file, _chronology_written))
def chronology(answer: Answer) -> None:
    """The child's chronology, oldest first, restricted items marked; or why it is empty."""
    person, include_restricted = answer.args["person"], answer.args["include_restricted"]
    rows = [
        {**r, "what": f"{r['what']}\nRESTRICTED: {r['restricted']}"} if r.get("restricted") else r
        for r in answer.data
    ]
    left = "" if include_restricted else " that is not restricted"
    _table(
        rows,
        ["at", "agency", "source_id", "what"],
        f"chronology of {person}",
        lambda: answer.empty(f"nothing recorded{left} touches {person}"),
    )
    if not include_restricted:
        out.print(
            "material recorded only by sources with a restrictive handling code is left out "
            "(--include-restricted includes it, marked)",
            highlight=False,
        )


def matrix_set_cmd(
    child: ChildArg,
    rag: Annotated[str, typer.Argument(metavar="RAG", help="red, amber or green.")],
    by: Annotated[str, typer.Option("--by", help="Who set the status.")],
    review: Annotated[str, typer.Option("--review", help=f"Review date ({DATES}).")],
    reason: ReasonOpt,
    agency: AgencyOpt = "other",
    lead_worker: Annotated[
        str | None,
        typer.Option(
            "--lead-worker",
            help="The child's lead worker [default: as the child's earlier entries say].",
        ),
    ] = None,
    nrm: Annotated[
        bool | None,
        typer.Option(
            "--nrm/--no-nrm",
            help="Whether a National Referral Mechanism "
            "referral has been made [default: as earlier entries say].",
        ),
    ] = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a child's CSE matrix RAG status (appended; earlier entries are kept as history)."""
    review_day = _day(review, "--review")
    data = _run(
        store,
        neo4j,
        set_status,
        child,
        rag,
        by,
        review_day.isoformat(),
        reason,
        agency,
        lead_worker=lead_worker,
        nrm=nrm,
    )

    def said(d: dict[str, Any]) -> None:
        extra = (f" Lead worker: {d['lead_worker']}." if d.get("lead_worker") else "") + (
            (" NRM referral made." if d["nrm_referral"] else " No NRM referral made.")
            if "nrm_referral" in d
            else ""
        )
        out.print(
            f"{d['person_id']}: {d['rag'].upper()} set by {d['by']}, review by {written(d['review'])}.{extra}",
            highlight=False,
        )

    emit(data, json, said)


def matrix_close_cmd(
    child: ChildArg,
    by: Annotated[str, typer.Option("--by", help="Who took the child off the matrix.")],
    reason: ReasonOpt,
    agency: AgencyOpt = "other",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Take a child off the CSE matrix by an appended closing entry (the history stays)."""
    data = _run(store, neo4j, close, child, by, reason, agency)
    emit(
        data,
        json,
        lambda d: out.print(f"{d['person_id']}: taken off the matrix by {d['by']}: {d['reason']}."),
    )


@renders("matrix", "list")
def matrix_list(answer: Answer) -> None:
    """Each child on the matrix with its status, review and prompt; or how to add one."""
    rows = [
        {
            **r,
            "nrm": "yes" if r["nrm_referral"] else "no",
            "prompt": (r["no_new_intelligence"] or {}).get("prompt")
            or (f"off the matrix: {r['off_matrix']['reason']}" if r.get("off_matrix") else ""),
        }
        for r in answer.data
    ]
    _table(
        rows,
        [
            "person_id",
            "rag",
            "by",
            "set_at",
            "review",
            "review_due",
            "lead_worker",
            "nrm",
            "reason",
            "prompt",
        ],
        f"CSE matrix as of {written(answer.args['as_of'])}",
        lambda: "no children on the matrix: add one with 'graph-intel matrix set CHILD RAG'",
    )


def _briefing_file(graph: Any, args: dict[str, Any]) -> dict[str, Any]:
    """`briefing --out FILE.html [--pdf]`: the hub's print-ready briefing, written from the command line."""
    from api.web.printing import write_briefing
    from api.web.views import briefing_document

    imprint = printed.imprint(graph, args["marking"], args["reference"])
    doc = briefing_document(
        graph,
        args["since"],
        args["as_of"],
        produced_by=imprint.produced_by,
        marking=imprint.marking,
        reference=args["reference"],
        include_restricted=args["include_restricted"],
    )
    return write_briefing(doc, args["out_file"])


def _briefing_written(answer: Answer) -> None:
    d = answer.data
    out.print(
        printed.wrote("briefing", d) + f" ({d['children']} children, marked {d['marking']})",
        highlight=False,
    )


@renders("briefing", **printed.document("briefing", _briefing_file, _briefing_written))
def briefing(answer: Answer) -> None:
    """Per child on the matrix, what is new and due, then the children recorded as offenders; or why none."""
    rows = [
        {
            **c,
            "breaches": "\n".join(_breach(b) for b in c.get("breaches") or []),
            "nrm": "yes" if c.get("nrm_referral") else "no",
            "quiet": (c.get("no_new_intelligence") or {}).get("prompt") or "",
        }
        for c in answer.data["children"]
    ]
    _table(
        rows,
        [
            "person_id",
            "rag",
            "lead_worker",
            "nrm",
            "new_adults",
            "new_missing",
            "triggers",
            "breaches",
            "review_due",
            "quiet",
        ],
        f"hub briefing since {written(answer.args['since'])}, as of {written(answer.args['as_of'])}",
        lambda: (
            "no children on the matrix, so there is no one to brief on: add them with "
            "'graph-intel matrix set CHILD RAG'"
        ),
    )
    _victims(answer.data.get("possible_victims") or [])


def _victims(rows: list[dict[str, Any]]) -> None:
    """Children recorded as offenders, each with the prompt to consider exploitation."""
    if rows:
        _table(
            rows,
            ["person_id", "at", "prompt", "event"],
            "children recorded as offenders: possible victims",
        )
