"""Commands of the resolve family: candidate matches, analyst judgements, confirmed clusters.

`resolve candidates` and `resolve clusters` are made from graph_intel.commands.resolution
(graph_intel.cli.generate) and keep here only their renderers; `judge` and `withdraw` write and
are here in full, registered in graph_intel.commands.CLI_COMMANDS.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from graph_intel.cli.common import (
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    counted,
    emit,
    fail,
    opened,
    out,
    say_empty,
)
from graph_intel.cli.generate import Answer, renders
from graph_intel.resolution.judgements import JudgementError, judge, withdraw

T = TypeVar("T")

PersonArg = Annotated[
    str, typer.Argument(help="A person record as DATASET:ID (ids collide across datasets).")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why: what the judgement rests on.")]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who judges [default: $GRAPH_INTEL_USER or the login name]."),
]


def _run(store: Path | None, neo4j: str | None, func: Callable[..., T], *args: Any) -> T:
    """Run on the selected store; a bad argument or judgement is exit 2 with its reason."""
    with opened(store, neo4j) as graph:
        try:
            return func(graph, *args)
        except (ValueError, JudgementError) as exc:
            fail(str(exc))


def _who(by: str | None) -> str:
    from graph_intel.settings import Settings

    return by or Settings().user or getpass.getuser()


@renders("resolve", "candidates")
def candidates(answer: Answer) -> None:
    """The candidate matches with their agreements and disagreements; or why there are none."""
    min_score = answer.args["min_score"]
    if not answer.data:
        with opened(answer.store, answer.neo4j, read_only=True) as graph:
            persons, datasets = len(graph.nodes("Person", columns=["key"])), len(graph.datasets())
        say_empty(
            f"no candidate matches with a score of {min_score} or more among {counted(persons, 'person record')} "
            f"in {counted(datasets, 'dataset')} (candidates pair records of different datasets or agencies)"
        )
        return
    table = Table(title=f"candidate matches (score >= {min_score})")
    for col in ("a", "b", "score", "agreements", "disagreements"):
        table.add_column(col)
    for r in answer.data:
        table.add_row(
            r["a"],
            r["b"],
            f"{r['score']:.3f}",
            "\n".join(r["agreements"]),
            "\n".join(r["disagreements"]),
        )
    out.print(table)
    out.print("Candidates are prompts for an analyst; nothing is merged until judged `same`.")


def judge_cmd(
    a: PersonArg,
    b: PersonArg,
    judgement: Annotated[str, typer.Argument(help="same, not_same or unsure.")],
    reason: ReasonOpt,
    by: ByOpt = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a judgement on two person records (appended; earlier judgements are kept)."""
    data = _run(store, neo4j, judge, a, b, judgement, reason, _who(by))
    emit(
        data,
        json,
        lambda d: out.print(f"{d['a']} and {d['b']}: {d['judgement']} (by {d['by']}, {d['at']})"),
    )


def withdraw_cmd(
    a: PersonArg,
    b: PersonArg,
    reason: ReasonOpt,
    by: ByOpt = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Withdraw the current judgement on two person records (the history keeps it)."""
    data = _run(store, neo4j, withdraw, a, b, reason, _who(by))
    emit(
        data,
        json,
        lambda d: out.print(
            f"{d['a']} and {d['b']}: judgement withdrawn (by {d['by']}, {d['at']})"
        ),
    )


@renders("resolve", "clusters")
def clusters(answer: Answer) -> None:
    """The confirmed clusters; or how to make one."""
    if not answer.data:
        say_empty(
            "no confirmed clusters: no two person records are judged the same person "
            "(see graph-intel resolve candidates, then resolve judge A B same --reason ...)"
        )
        return
    table = Table(title="confirmed clusters")
    table.add_column("records", justify="right")
    table.add_column("members")
    for r in answer.data:
        table.add_row(str(r["records"]), ", ".join(r["members"]))
    out.print(table)
