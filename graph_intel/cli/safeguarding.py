"""Commands of the safeguarding family: missing triggers, CAWNs, chronology, CSE matrix, briefing.

The read commands (missing-triggers, cawn eligible/candidates/breaches, matrix list) are made
from graph_intel.commands.safeguarding (graph_intel.cli.generate) and keep here only their
renderers; the commands that write or print (cawn pack, chronology and briefing with --out,
matrix set/close) are here in full, registered in graph_intel.commands.CLI_COMMANDS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from graph_intel.cli.common import (
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    cell,
    day_option,
    emit,
    explain_empty,
    fail,
    opened,
    out,
    say_empty,
    table,
    written,
)
from graph_intel.cli.generate import Answer, renders
from graph_intel.cli.restricted import IncludeRestrictedOpt
from graph_intel.collector import paused
from graph_intel.commands import DATES
from graph_intel.commands import safeguarding as sg
from graph_intel.safeguarding.common import parse_day
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


#: How every date option is read (loaders.values.dates.parse_date_option).


#: The options of every print-ready document (briefing, pack, chronology; network has its own copy).
PdfOpt = Annotated[
    bool,
    typer.Option(
        "--pdf", help="With --out: also print it to a PDF beside it, through headless Chromium."
    ),
]
MarkingOpt = Annotated[
    str | None,
    typer.Option(
        "--marking",
        help="Protective marking on every page [default: $GRAPH_INTEL_PROTECTIVE_MARKING or OFFICIAL-SENSITIVE].",
    ),
]
ReferenceOpt = Annotated[
    str, typer.Option("--reference", help="Case or operation reference printed on every page.")
]

#: The arguments and options several commands here share, declared once.
ChildArg = Annotated[str, typer.Argument(metavar="CHILD", help="The child's id (or DATASET:ID).")]
AgencyOpt = Annotated[str, typer.Option(help="Agency recording it.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why.")]


def _imprint(graph: Any, marking: str | None, reference: str) -> Any:
    """What every printed page says: the marking (configured by default), who produced it, the data's as-of date."""
    import getpass

    from api.web.printing import Imprint
    from api.web.views import as_of
    from graph_intel.settings import Settings

    return Imprint(
        marking=marking or Settings().protective_marking,
        produced_by=getpass.getuser(),
        as_of=as_of(graph),
        reference=reference,
    )


def _printed(done: dict[str, Any], out_file: Path, pdf: bool, settle_ms: int = 0) -> dict[str, Any]:
    """With --pdf, print the written HTML file to a PDF beside it (exit 2 with the reason when it cannot)."""
    if pdf:
        from api.web.printing import print_pdf

        try:
            done["pdf"] = str(
                print_pdf(out_file, out_file.with_suffix(".pdf"), settle_ms=settle_ms)
            )
        except (FileNotFoundError, RuntimeError, OSError, TimeoutError) as exc:
            fail(f"--pdf: {exc}")
    return done


def _out_folder(out_file: Path | None, pdf: bool) -> None:
    """--out's folder must exist, and --pdf needs --out (exit 2 with the reason)."""
    if pdf and out_file is None:
        fail("--pdf needs --out FILE.html: the PDF is printed from that file and written beside it")
    if out_file is not None and not out_file.parent.is_dir():
        fail(f"--out: the folder {out_file.parent} does not exist")


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


def pack_cmd(
    adult: Annotated[str, typer.Argument(metavar="ADULT", help="The adult's id (or DATASET:ID).")],
    child: ChildArg,
    out_file: Annotated[
        Path, typer.Option("--out", help="The HTML file to write (print-ready: A4, marked, paged).")
    ],
    redact: Annotated[
        bool, typer.Option("--redact", help="Hide third parties (others present, summaries).")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(
            help="State the child's age and eligibility on this date too "
            "[default: the latest notice or contact]."
        ),
    ] = None,
    include_restricted: IncludeRestrictedOpt = False,
    pdf: PdfOpt = False,
    marking: MarkingOpt = None,
    reference: ReferenceOpt = "",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Write a printable, self-contained CAWN evidence pack for one adult and one child (roles are checked)."""
    day = day_option(on, "--on")
    _out_folder(out_file, pdf)
    data = _printed(
        _run(
            store,
            neo4j,
            _pack,
            adult,
            child,
            out_file,
            redact,
            day.isoformat() if day else None,
            include_restricted,
            marking,
            reference,
        ),
        out_file,
        pdf,
    )

    def render(d: dict[str, Any]) -> None:
        out.print(
            f"Evidence pack written to {d['file']}"
            + (f" and {d['pdf']}" if d.get("pdf") else "")
            + f" ({d['items']} items"
            + (
                f"; {d['restricted_items']} restricted, marked"
                if d["include_restricted"]
                else "; restricted material left out"
            )
            + f"; marked {d['marking']}).",
            highlight=False,
            markup=False,
        )
        if not d["items"]:
            left = "" if d["include_restricted"] else " that is not restricted"
            say_empty(
                explain_empty(store, neo4j, f"no contact evidence{left} joins {adult} and {child}")
            )

    emit(data, json, render)


def _pack(
    graph: Any,
    adult: str,
    child: str,
    out_file: Path,
    redact: bool,
    on: str | None,
    include_restricted: bool,
    marking: str | None,
    reference: str,
) -> dict[str, Any]:
    """The print-ready pack, with --on read as a date (a bad date or a wrong role is a ValueError: exit 2)."""
    from api.web.printing import write_pack as write_printed

    return write_printed(
        graph,
        adult,
        child,
        out_file,
        _imprint(graph, marking, reference),
        redact=redact,
        on=parse_day(on) if on else None,
        include_restricted=include_restricted,
    )


def chronology_cmd(
    person: Annotated[
        str, typer.Argument(metavar="PERSON", help="The child's id (or DATASET:ID).")
    ],
    include_restricted: IncludeRestrictedOpt = False,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the print-ready chronology (A4, marked, paged) to this HTML file."
        ),
    ] = None,
    pdf: PdfOpt = False,
    marking: MarkingOpt = None,
    reference: ReferenceOpt = "",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Everything touching a child, oldest first, with the recording agency and unacted concerns flagged."""
    _out_folder(out_file, pdf)
    if out_file is not None:
        done = _printed(
            _run(
                store,
                neo4j,
                _chronology_file,
                person,
                out_file,
                include_restricted,
                marking,
                reference,
            ),
            out_file,
            pdf,
        )
        emit(
            done,
            json,
            lambda d: out.print(
                f"chronology of {d['person']} written to {d['file']}"
                + (f" and {d['pdf']}" if d.get("pdf") else "")
                + f" ({d['rows']} rows; "
                + (
                    f"{d['restricted_items']} restricted, marked"
                    if d["include_restricted"]
                    else "restricted material left out"
                )
                + f"; marked {d['marking']})",
                highlight=False,
                markup=False,
            ),
        )
        return
    data = _run(store, neo4j, sg.chronology_cmd, person, include_restricted=include_restricted)

    def render(d: list[dict[str, Any]]) -> None:
        rows = [
            {**r, "what": f"{r['what']}\nRESTRICTED: {r['restricted']}"}
            if r.get("restricted")
            else r
            for r in d
        ]
        left = "" if include_restricted else " that is not restricted"
        _table(
            rows,
            ["at", "agency", "source_id", "what"],
            f"chronology of {person}",
            lambda: explain_empty(store, neo4j, f"nothing recorded{left} touches {person}"),
        )
        if not include_restricted:
            out.print(
                "material recorded only by sources with a restrictive handling code is left out "
                "(--include-restricted includes it, marked)",
                highlight=False,
            )

    emit(data, json, render)


def _chronology_file(
    graph: Any,
    person: str,
    out_file: Path,
    include_restricted: bool,
    marking: str | None,
    reference: str,
) -> dict[str, Any]:
    """`chronology PERSON --out FILE.html`: the print-ready chronology."""
    from api.web.printing import chronology_document, write_chronology

    doc = chronology_document(
        graph, person, _imprint(graph, marking, reference), include_restricted
    )
    return write_chronology(doc, out_file)


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


def briefing_cmd(
    since: Annotated[str, typer.Option("--since", help=f"What is new since this day ({DATES}).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help=f"Up to the end of this day ({DATES}) [default: today]."),
    ] = None,
    include_restricted: IncludeRestrictedOpt = False,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the print-ready briefing (A4, marked, paged) to this HTML file."
        ),
    ] = None,
    pdf: PdfOpt = False,
    marking: MarkingOpt = None,
    reference: ReferenceOpt = "",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """The hub briefing: per child on the matrix, new adults, missing episodes, triggers, breaches, reviews."""
    start, end = _day(since, "--since"), _day(as_of, "--as-of")
    _out_folder(out_file, pdf)
    if out_file is not None:
        _briefing_file(
            store, neo4j, start, end, out_file, pdf, marking, reference, include_restricted, json
        )
        return
    data = _run(
        store, neo4j, sg.briefing_cmd, start.isoformat(), end.isoformat(), include_restricted
    )

    def render(d: dict[str, Any]) -> None:
        rows = [
            {
                **c,
                "breaches": "\n".join(_breach(b) for b in c.get("breaches") or []),
                "nrm": "yes" if c.get("nrm_referral") else "no",
                "quiet": (c.get("no_new_intelligence") or {}).get("prompt") or "",
            }
            for c in d["children"]
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
            f"hub briefing since {written(start)}, as of {written(end)}",
            lambda: (
                "no children on the matrix, so there is no one to brief on: add them with "
                "'graph-intel matrix set CHILD RAG'"
            ),
        )
        _victims(d.get("possible_victims") or [])

    emit(data, json, render)


def _briefing_file(
    store: Path | None,
    neo4j: str | None,
    start: date,
    end: date,
    out_file: Path,
    pdf: bool,
    marking: str | None,
    reference: str,
    include_restricted: bool,
    json: bool,
) -> None:
    """`briefing --out FILE.html [--pdf]`: the hub's print-ready briefing, written from the command line."""
    from api.web.printing import write_briefing
    from api.web.views import briefing_document

    def written_file(graph: Any) -> dict[str, Any]:
        imprint = _imprint(graph, marking, reference)
        doc = briefing_document(
            graph,
            start,
            end,
            produced_by=imprint.produced_by,
            marking=imprint.marking,
            reference=reference,
            include_restricted=include_restricted,
        )
        return write_briefing(doc, out_file)

    done = _printed(_run(store, neo4j, written_file), out_file, pdf)
    emit(
        done,
        json,
        lambda d: out.print(
            f"briefing written to {d['file']}"
            + (f" and {d['pdf']}" if d.get("pdf") else "")
            + f" ({d['children']} children, marked {d['marking']})",
            highlight=False,
        ),
    )


def _victims(rows: list[dict[str, Any]]) -> None:
    """Children recorded as offenders, each with the prompt to consider exploitation."""
    if rows:
        _table(
            rows,
            ["person_id", "at", "prompt", "event"],
            "children recorded as offenders: possible victims",
        )
