"""Commands of the safeguarding record: referral escalation prompts (and, with them, risk and matrix prompts)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from graph_intel.cli.common import (
    JsonOpt,
    Neo4jOpt,
    StoreOpt,
    counted,
    emit,
    explain_empty,
    held,
    written,
)
from graph_intel.cli.safeguarding import DATES, _day, _run, _table
from graph_intel.commands import safeguarding as sg

OnOpt = Annotated[str | None, typer.Option("--on", help=f"Judge on this date ({DATES}) [default: today].")]


def register(app: typer.Typer) -> None:
    """Add `referrals prompts`, `risk prompts` and `risk indicators`."""
    referrals = typer.Typer(help="Referrals and requests between agencies: escalation prompts.", no_args_is_help=True)
    referrals.command("prompts")(referral_prompts_cmd)
    app.add_typer(referrals, name="referrals")
    risk = typer.Typer(help="CSE risk assessments: prompts and the screening tool in force.", no_args_is_help=True)
    risk.command("prompts")(risk_prompts_cmd)
    risk.command("indicators")(risk_indicators_cmd)
    app.add_typer(risk, name="risk")


def referral_prompts_cmd(on: OnOpt = None, store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False) -> None:
    """Referrals unanswered by their due date, refusals for no new information despite new concerns, meetings not held."""
    day = _day(on, "--on")
    data: list[dict[str, Any]] = _run(store, neo4j, sg.referral_prompts_cmd, day.isoformat())
    def empty() -> str:
        n = held(store, neo4j, "Referral")
        why = ("the store holds no referrals" if not n else f"of {counted(n, 'referral')} recorded, none is unanswered "
               "past its due date, refused for no new information despite new concerns, or awaiting a strategy "
               "meeting not held")
        return explain_empty(store, neo4j, f"no referral escalation prompt on {written(day)}: {why}", "--on", day)

    emit(data, json, lambda d: _table(d, ["child", "referral", "rule", "chase", "due", "prompt"],
                                      f"referral escalation prompts on {written(day)}", empty))


def risk_prompts_cmd(on: OnOpt = None, store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False) -> None:
    """Missing episodes with no CSE risk assessment, reviews overdue by level, under-13s not referred to social care."""
    day = _day(on, "--on")
    data: list[dict[str, Any]] = _run(store, neo4j, sg.risk_prompts_cmd, day.isoformat())
    def empty() -> str:
        n = held(store, neo4j, "RiskAssessment")
        held_ = "no risk assessments recorded" if not n else f"{counted(n, 'risk assessment')} recorded"
        return explain_empty(store, neo4j, f"no CSE risk prompt on {written(day)} ({held_}): no missing episode lacks "
                             "an assessment, no review is overdue and no child under the referral age is unreferred",
                             "--on", day)

    emit(data, json, lambda d: _table(d, ["child", "rule", "prompt"], f"CSE risk prompts on {written(day)}", empty))


def risk_indicators_cmd(store: StoreOpt = None, neo4j: Neo4jOpt = None, json: JsonOpt = False) -> None:
    """The screening tool's indicators, the review months by level and the under-13 rule in force."""
    data: dict[str, Any] = _run(store, neo4j, sg.risk_indicators_cmd)
    emit(data, json, lambda d: _table(d["indicators"], ["id", "description"], "CSE screening indicators"))
