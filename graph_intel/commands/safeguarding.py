"""The safeguarding read commands (JSON), shared by the CLI and the API through the registry."""

from __future__ import annotations

from typing import Annotated, Any

from graph_intel.commands import DATES, AsOfOpt, IncludeRestrictedOpt, OnOpt, Param, read_command
from graph_intel.safeguarding.briefing import briefing
from graph_intel.safeguarding.cawn import breaches, candidates, eligible_children
from graph_intel.safeguarding.chronology import chronology
from graph_intel.safeguarding.common import parse_day, person_key
from graph_intel.safeguarding.matrix import matrix_list
from graph_intel.safeguarding.missing import missing_triggers
from graph_intel.safeguarding.pack import pack_data
from graph_intel.stores.base import GraphStore


@read_command("missing-triggers", role="viewer")
def missing_triggers_cmd(store: GraphStore, as_of: AsOfOpt = None) -> list[dict[str, Any]]:
    """Children missing for three working days, four times in a month or six in two months.

    Those for whom the missing rules say a strategy meeting is due, with the episodes behind each rule."""
    return missing_triggers(store, parse_day(as_of))


@read_command("cawn", "eligible", role="viewer")
def cawn_eligible_cmd(
    store: GraphStore,
    on: Annotated[str | None, Param(f"The date ({DATES}) [default: today].", date="day")] = None,
    all: Annotated[
        bool, Param("Also list 16-17 year olds s20 leaves uncovered.", flag="--all")
    ] = False,  # noqa: A002
) -> list[dict[str, Any]]:
    """Children a CAWN can cover on a date (under 16, or under 18 and in care).

    With `all`, also the 16-17 year olds s20 leaves uncovered."""
    return eligible_children(store, parse_day(on), include_all=all)


@read_command("cawn", "candidates", role="analyst")
def cawn_candidates_cmd(
    store: GraphStore,
    on: Annotated[str | None, Param(f"The date ({DATES}) [default: today].", date="day")] = None,
) -> list[dict[str, Any]]:
    """Adults associated with a covered child and not yet warned, most evidence first.

    Adults with evidence of association with a child a CAWN covers and no notice for that child."""
    return candidates(store, parse_day(on))


@read_command("cawn", "breaches", role="viewer")
def cawn_breaches_cmd(store: GraphStore) -> list[dict[str, Any]]:
    """Contact evidence dated after a CAWN was served.

    Per notice."""
    return breaches(store)


@read_command("chronology", role="viewer")
def chronology_cmd(
    store: GraphStore,
    person: Annotated[str, Param("The child's id (or DATASET:ID).", metavar="PERSON")],
    include_restricted: IncludeRestrictedOpt = False,
) -> list[dict[str, Any]]:
    """Everything touching a child, oldest first, with the recording agency and unacted concerns flagged.

    Restricted material is left out unless `include_restricted`, then marked (graph_intel.handling)."""
    return chronology(store, person_key(store, person), include_restricted=include_restricted)


@read_command("matrix", "list", role="viewer")
def matrix_list_cmd(
    store: GraphStore,
    as_of: Annotated[
        str | None,
        Param(f"Reviews due by this day ({DATES}) [default: today].", flag="--as-of", date="day"),
    ] = None,
    closed: Annotated[
        bool, Param("Also list children taken off the matrix.", flag="--closed")
    ] = False,
    quiet_days: Annotated[
        int | None,
        Param(
            "Prompt for a child with no new intelligence in this many days "
            "[default: the risk rules' no_new_intelligence_days, 90].",
            minimum=1,
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """Each child's current CSE matrix status, who set it, when, why, when to review, lead worker, NRM flag.

    With the no-new-intelligence prompt and the history of each child's entries."""
    return matrix_list(store, parse_day(as_of), include_closed=closed, quiet_days=quiet_days)


@read_command("briefing", role="viewer")
def briefing_cmd(
    store: GraphStore,
    since: Annotated[
        str, Param(f"What is new since this day ({DATES}).", flag="--since", date="day")
    ],
    as_of: Annotated[
        str | None,
        Param(f"Up to the end of this day ({DATES}) [default: today].", flag="--as-of", date="day"),
    ] = None,
    include_restricted: IncludeRestrictedOpt = False,
) -> dict[str, Any]:
    """Per child on the matrix: new adults, new missing episodes, triggers, breaches and reviews due."""
    return briefing(
        store, parse_day(since), parse_day(as_of), include_restricted=include_restricted
    )


@read_command("referrals", "prompts", role="viewer")
def referral_prompts_cmd(store: GraphStore, on: OnOpt = None) -> list[dict[str, Any]]:
    """Referrals unanswered by their due date, refusals for no new information despite new concerns, meetings not held.

    The escalation prompts of the referral rules."""
    from graph_intel.safeguarding.referrals import referral_prompts

    return referral_prompts(store, parse_day(on))


@read_command("cawn", "pack", role="analyst")
def cawn_pack_cmd(
    store: GraphStore,
    adult: Annotated[str, Param("The adult's id (or DATASET:ID).", metavar="ADULT")],
    child: Annotated[str, Param("The child's id (or DATASET:ID).", metavar="CHILD")],
    redact: Annotated[
        bool, Param("Hide third parties (others present, summaries).", flag="--redact")
    ] = False,
    on: Annotated[
        str | None,
        Param(
            "State the child's age and eligibility on this date too "
            "[default: the latest notice or contact].",
            date="day",
            today=False,
        ),
    ] = None,
    include_restricted: IncludeRestrictedOpt = False,
) -> dict[str, Any]:
    """The CAWN evidence pack for one adult and one child (roles are checked: a wrong one is refused).

    Over HTTP, what it shows, as JSON; on the command line, a printable, self-contained file (--out)."""
    data = pack_data(
        store,
        adult,
        child,
        redact,
        parse_day(on) if on else None,
        include_restricted=include_restricted,
    )
    return {
        "adult": data["adult"]["id"],
        "child": data["child"]["id"],
        "on": data["child"]["on"],
        "pack": data,
    }


@read_command("risk", "prompts", role="viewer")
def risk_prompts_cmd(store: GraphStore, on: OnOpt = None) -> list[dict[str, Any]]:
    """Missing episodes with no CSE risk assessment, reviews overdue by level, under-13s not referred to social care."""
    from graph_intel.safeguarding.risk import risk_prompts

    return risk_prompts(store, parse_day(on))


@read_command("risk", "indicators", role="viewer")
def risk_indicators_cmd(store: GraphStore) -> dict[str, Any]:
    """The screening tool's indicators, the review months by level and the under-13 rule in force."""
    from graph_intel.safeguarding.risk import default_rules

    rules = default_rules()
    return {
        "indicators": [{"id": k, "description": v} for k, v in rules.indicators.items()],
        "review_months": rules.review_months,
        "refer_under_age": rules.refer_under_age,
        "missing_assessment_days": rules.missing_assessment_days,
        "referral_days_before": rules.referral_days_before,
    }
