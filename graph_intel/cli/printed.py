"""The print-ready documents of the command line: their options and the steps that write them.

The briefing, the CAWN pack and the chronology (read commands whose renderers declare these as
options of the command line alone, graph_intel.cli.generate.Writes) and the network page take
`--out FILE.html`, `--pdf`, `--marking` and `--reference`, declared once here, with the imprint
every printed page carries and the PDF printed beside the file through headless Chromium.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_intel.cli.common import fail
from graph_intel.cli.generate import Answer, Writes

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


def imprint(graph: Any, marking: str | None, reference: str) -> Any:
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


def with_pdf(done: dict[str, Any], out_file: Path, pdf: bool, settle_ms: int = 0) -> dict[str, Any]:
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


def out_folder(out_file: Path | None, pdf: bool) -> None:
    """--out's folder must exist, and --pdf needs --out (exit 2 with the reason)."""
    if pdf and out_file is None:
        fail("--pdf needs --out FILE.html: the PDF is printed from that file and written beside it")
    if out_file is not None and not out_file.parent.is_dir():
        fail(f"--out: the folder {out_file.parent} does not exist")


def document_options(what: str, required: bool = False) -> tuple[inspect.Parameter, ...]:
    """The options of the command line alone that make a read command write its print-ready `what`
    (`required`: --out must be given, the command only writes)."""
    option = typer.Option(
        "--out", help=f"Write the print-ready {what} (A4, marked, paged) to this HTML file."
    )
    out_opt: Any = Annotated[Path, option] if required else Annotated[Path | None, option]
    named = inspect.Parameter.KEYWORD_ONLY
    unset = inspect.Parameter.empty if required else None
    return (
        inspect.Parameter("out_file", named, default=unset, annotation=out_opt),
        inspect.Parameter("pdf", named, default=False, annotation=PdfOpt),
        inspect.Parameter("marking", named, default=None, annotation=MarkingOpt),
        inspect.Parameter("reference", named, default="", annotation=ReferenceOpt),
    )


def checked(args: dict[str, Any]) -> None:
    """Before the store opens: --out's folder exists and --pdf has --out (exit 2 with the reason)."""
    out_folder(args["out_file"], args["pdf"])


def printed(done: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """Once the store is closed: with --pdf, the written file printed to a PDF beside it."""
    return with_pdf(done, args["out_file"], args["pdf"])


def restricted_said(d: dict[str, Any]) -> str:
    """How a written document says what it did with restricted material."""
    if d["include_restricted"]:
        return f"{d['restricted_items']} restricted, marked"
    return "restricted material left out"


def document(
    what: str,
    write: Callable[[Any, dict[str, Any]], Any],
    said: Callable[[Answer], None] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    """What `@renders(words, **document(...))` takes for a read command that writes its print-ready
    `what` given --out: the check before the store opens, the options, the writing step `write`,
    the PDF once the store is closed, and `said` (see Writes; `required`: it always writes)."""
    return {
        "before": checked,
        "writes": Writes(
            document_options(what, required), "out_file", write, finish=printed, said=said
        ),
    }


def wrote(what: str, d: dict[str, Any]) -> str:
    """The first words of the line a written document prints: what, the file, and the PDF if any."""
    return f"{what} written to {d['file']}" + (f" and {d['pdf']}" if d.get("pdf") else "")
