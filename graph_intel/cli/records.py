"""Renderers of the safeguarding record: referral escalation prompts, risk prompts and the screening tool.

The commands are made from graph_intel.commands.safeguarding (graph_intel.cli.generate); each
keeps here only its table and the one line an empty answer gives.
"""

from __future__ import annotations

from graph_intel.cli.common import counted, held, written
from graph_intel.cli.generate import Answer, renders
from graph_intel.cli.safeguarding import _table


@renders("referrals", "prompts")
def referral_prompts(answer: Answer) -> None:
    """The referral escalation prompts on the date; or why there are none."""
    day = answer.args["on"]

    def empty() -> str:
        n = held(answer.store, answer.neo4j, "Referral")
        why = (
            "the store holds no referrals"
            if not n
            else f"of {counted(n, 'referral')} recorded, none is unanswered "
            "past its due date, refused for no new information despite new concerns, or awaiting a strategy "
            "meeting not held"
        )
        return answer.empty(f"no referral escalation prompt on {written(day)}: {why}", "--on", day)

    _table(
        answer.data,
        ["child", "referral", "rule", "chase", "due", "prompt"],
        f"referral escalation prompts on {written(day)}",
        empty,
    )


@renders("risk", "prompts")
def risk_prompts(answer: Answer) -> None:
    """The CSE risk prompts on the date; or why there are none."""
    day = answer.args["on"]

    def empty() -> str:
        n = held(answer.store, answer.neo4j, "RiskAssessment")
        held_ = (
            "no risk assessments recorded" if not n else f"{counted(n, 'risk assessment')} recorded"
        )
        return answer.empty(
            f"no CSE risk prompt on {written(day)} ({held_}): no missing episode lacks "
            "an assessment, no review is overdue and no child under the referral age is unreferred",
            "--on",
            day,
        )

    _table(answer.data, ["child", "rule", "prompt"], f"CSE risk prompts on {written(day)}", empty)


@renders("risk", "indicators")
def risk_indicators(answer: Answer) -> None:
    """The screening tool's indicators."""
    _table(answer.data["indicators"], ["id", "description"], "CSE screening indicators")
