"""Commands of the network family: `network KIND ID --out FILE.html` (self-contained, offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from graph_intel.cli.common import (
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    emit,
    err,
    fail,
    opened,
    out,
    time_option,
    written,
)
from graph_intel.cli.printed import (
    MarkingOpt,
    PdfOpt,
    ReferenceOpt,
    imprint,
    out_folder,
    with_pdf,
)
from graph_intel.cli.restricted import IncludeRestrictedOpt

_KIND_HELP = (
    "person, phone, vehicle, location or event (the network around it); group (ID is "
    "comma-separated person ids); case (ID is a dataset name)."
)


def network_cmd(
    kind: Annotated[str, typer.Argument(help=_KIND_HELP)],
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The id, or DATASET:ID where ambiguous.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The HTML page to write.")],
    hops: Annotated[
        int, typer.Option(min=0, max=6, help="Links to follow out from the entity.")
    ] = 1,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only links and events on or after this date (YYYY-MM-DD or day first DD/MM/YYYY, optional HH:MM)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="Only links and events on or before this date (YYYY-MM-DD or day first DD/MM/YYYY, optional HH:MM)."
        ),
    ] = None,
    min_grade: Annotated[
        str | None, typer.Option(help="Only links with a source graded at least this well (2B).")
    ] = None,
    links: Annotated[
        str | None, typer.Option(help="Only these link kinds, comma-separated (uses_phone,drives).")
    ] = None,
    redact: Annotated[
        bool, typer.Option(help="Children by id and initials; free text withheld (briefings).")
    ] = False,
    hide_third_parties: Annotated[
        bool, typer.Option(help="Hide persons who are neither child, suspect nor associate.")
    ] = False,
    budget: Annotated[int, typer.Option(min=10, help="Aggregate above this many entities.")] = 1500,
    include_restricted: IncludeRestrictedOpt = False,
    pdf: PdfOpt = False,
    marking: MarkingOpt = None,
    reference: ReferenceOpt = "",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Write a self-contained, offline network page around an entity, of a group or of a case."""
    from graph_intel.network import FilterError, case_network, group_network, network

    start, end = time_option(since, "--since"), time_option(until, "--until")
    link_kinds = [k for k in links.split(",") if k.strip()] if links is not None else None
    common: dict[str, Any] = {
        "since": start,
        "until": end,
        "min_grade": min_grade,
        "links": link_kinds,
        "redact": redact,
        "hide_third_parties": hide_third_parties,
        "budget": budget,
        "include_restricted": include_restricted,
    }
    out_folder(out_file, pdf)
    with opened(store, neo4j, read_only=True) as graph:
        try:
            if kind.lower() == "group":
                members = [m.strip() for m in ident.split(",") if m.strip()]
                page = group_network(graph, members, hops=hops, **common)
            elif kind.lower() == "case":
                if ident not in graph.datasets():
                    fail(
                        f"no dataset {ident!r} in the store; loaded: {', '.join(graph.datasets()) or 'none'}"
                    )
                page = case_network(graph, ident, **common)
            else:
                page = network(graph, kind, ident, hops=hops, **common)
        except (FilterError, KeyError) as exc:
            fail(str(exc.args[0]) if exc.args else str(exc))
        stamp = imprint(graph, marking, reference)
    page.print_css, page.marking = stamp.css(), stamp.marking
    page.write_html(str(out_file))
    result = {
        "file": str(out_file),
        "nodes": len(page.nodes),
        "edges": len(page.edges),
        "notes": page.notes,
        "include_restricted": include_restricted,
        "marking": stamp.marking,
    }
    if pdf:
        result = with_pdf(result, out_file, pdf, settle_ms=5000)

    def render(data: dict[str, Any]) -> None:
        window = "".join(
            [f" from {written(start)}" if start else "", f" to {written(end)}" if end else ""]
        )
        out.print(
            f"Wrote {data['file']}: {data['nodes']:,} entities, {data['edges']:,} links{window}.",
            highlight=False,
            markup=False,
        )
        for note in data["notes"]:
            err.print(note, highlight=False, markup=False)

    emit(result, json, render)
