"""The safeguarding read commands (JSON), shared by the CLI and the API through the registry."""

from __future__ import annotations

from typing import Any

from graph_intel.commands import read_command
from graph_intel.safeguarding.briefing import briefing
from graph_intel.safeguarding.cawn import breaches, candidates, eligible_children
from graph_intel.safeguarding.chronology import chronology
from graph_intel.safeguarding.common import parse_day, person_key
from graph_intel.safeguarding.matrix import matrix_list
from graph_intel.safeguarding.missing import missing_triggers
from graph_intel.safeguarding.pack import pack_data
from graph_intel.stores.base import GraphStore


@read_command("missing-triggers", role="viewer")
def missing_triggers_cmd(store: GraphStore, as_of: str | None = None) -> list[dict[str, Any]]:
    """Children for whom the missing rules say a strategy meeting is due, with the episodes behind each rule."""
    return missing_triggers(store, parse_day(as_of))


@read_command("cawn", "eligible", role="viewer")
def cawn_eligible_cmd(store: GraphStore, on: str | None = None, all: bool = False) -> list[dict[str, Any]]:  # noqa: A002
    """Children a CAWN can cover on a date (with all, also 16-17 year olds s20 leaves uncovered)."""
    return eligible_children(store, parse_day(on), include_all=all)


@read_command("cawn", "candidates", role="analyst")
def cawn_candidates_cmd(store: GraphStore, on: str | None = None) -> list[dict[str, Any]]:
    """Adults with evidence of association with a covered child and no notice for that child."""
    return candidates(store, parse_day(on))


@read_command("cawn", "breaches", role="viewer")
def cawn_breaches_cmd(store: GraphStore) -> list[dict[str, Any]]:
    """Contact evidence dated after a CAWN was served, per notice."""
    return breaches(store)


@read_command("chronology", role="viewer")
def chronology_cmd(store: GraphStore, person: str, include_restricted: bool = False) -> list[dict[str, Any]]:
    """Everything touching a child, oldest first, with agencies; flags where concerns were not acted on.
    Restricted material is left out unless `include_restricted`, then marked (graph_intel.handling)."""
    return chronology(store, person_key(store, person), include_restricted=include_restricted)


@read_command("matrix", "list", role="viewer")
def matrix_list_cmd(store: GraphStore, as_of: str | None = None, closed: bool = False,
                    quiet_days: int | None = None) -> list[dict[str, Any]]:
    """Each child's CSE matrix RAG status, who set it, when, why, review date, lead worker, NRM flag, quiet prompt, history."""
    return matrix_list(store, parse_day(as_of), include_closed=closed, quiet_days=quiet_days)


@read_command("briefing", role="viewer")
def briefing_cmd(store: GraphStore, since: str, as_of: str | None = None,
                 include_restricted: bool = False) -> dict[str, Any]:
    """Per child on the matrix: new adults, new missing episodes, triggers, breaches and reviews due."""
    return briefing(store, parse_day(since), parse_day(as_of), include_restricted=include_restricted)


@read_command("referrals", "prompts", role="viewer")
def referral_prompts_cmd(store: GraphStore, on: str | None = None) -> list[dict[str, Any]]:
    """Escalation prompts: referrals unanswered by their due date, refusals despite new information, meetings not held."""
    from graph_intel.safeguarding.referrals import referral_prompts

    return referral_prompts(store, parse_day(on))


@read_command("cawn", "pack", role="analyst")
def cawn_pack_cmd(store: GraphStore, adult: str, child: str, redact: bool = False, on: str | None = None,
                  include_restricted: bool = False) -> dict[str, Any]:
    """What the CAWN evidence pack for one adult and one child shows, as JSON (roles checked: a wrong one is refused)."""
    data = pack_data(store, adult, child, redact, parse_day(on) if on else None, include_restricted=include_restricted)
    return {"adult": data["adult"]["id"], "child": data["child"]["id"], "on": data["child"]["on"], "pack": data}


@read_command("risk", "prompts", role="viewer")
def risk_prompts_cmd(store: GraphStore, on: str | None = None) -> list[dict[str, Any]]:
    """CSE risk prompts: missing episodes with no assessment, reviews overdue by level, under-13s not referred."""
    from graph_intel.safeguarding.risk import risk_prompts

    return risk_prompts(store, parse_day(on))


@read_command("risk", "indicators", role="viewer")
def risk_indicators_cmd(store: GraphStore) -> dict[str, Any]:
    """The screening tool's indicators, review months by level and the under-13 rule in force."""
    from graph_intel.safeguarding.risk import default_rules

    rules = default_rules()
    return {"indicators": [{"id": k, "description": v} for k, v in rules.indicators.items()],
            "review_months": rules.review_months, "refer_under_age": rules.refer_under_age,
            "missing_assessment_days": rules.missing_assessment_days, "referral_days_before": rules.referral_days_before}
