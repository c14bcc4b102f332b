"""CSE risk assessments: the screening tool's indicators, reviews due by level, the under-13 rule.

The rules are data (risk.yaml beside this module; `RiskRules.load(path)` reads another): the
fourteen indicators of the hub's screening tool, the review period by level (high: two months,
medium and low: three), the age under which a child is always referred to children's social care
(13), and how many days around a missing episode an assessment should be found (30). Prompts:
- missing_without_assessment: a missing episode that started in the N days before the date asked,
  with no assessment of that child from N days before the episode up to the date;
- review_overdue: a child's latest assessment whose review date (its `review_by`, else assessed_at
  plus the level's months) is before the date asked;
- under_13_not_referred: a child under 13 on the date of an assessment (age from date of birth at
  that date) with no referral to children's social care sent from `referral_days_before` days
  before the assessment up to the date asked;
- attendance_drop: school attendance that fell in a recent period (below);
- new_phone and missing_together: a new or second phone, and going missing with another child
  (child_side.py).
Each names its evidence. Nothing here decides a level or a referral: they are for the hub to judge.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from graph_intel.analysis.age import age_on
from graph_intel.analysis.evidence import persons
from graph_intel.resolution.clusters import representatives
from graph_intel.safeguarding.child_side import child_side_prompts
from graph_intel.safeguarding.common import Sources, end_of_day, ident, iso, to_date, to_datetime
from graph_intel.safeguarding.missing import episodes
from graph_intel.safeguarding.records import describe, item, records, when
from graph_intel.stores.base import GraphStore

MISSING_WITHOUT_ASSESSMENT = "missing_without_assessment"
REVIEW_OVERDUE = "review_overdue"
UNDER_13_NOT_REFERRED = "under_13_not_referred"
ATTENDANCE_DROP = "attendance_drop"
RULES_FILE = Path(__file__).with_name("risk.yaml")


@dataclass(frozen=True)
class RiskRules:
    """The hub's risk rules: indicators, review months by level, the under-age rule, look-back days."""

    indicators: dict[str, str] = field(default_factory=dict)
    review_months: dict[str, int] = field(
        default_factory=lambda: {"high": 2, "medium": 3, "low": 3}
    )
    refer_under_age: int = 13
    missing_assessment_days: int = 30
    referral_days_before: int = 30
    attendance_drop_points: int = 10
    attendance_concern_pct: int = 80
    attendance_recent_days: int = 60
    no_new_intelligence_days: int = 90

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> RiskRules:
        """Read the rules from a YAML file of risk.yaml's shape; a wrong key or value is a ValueError naming it."""
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{path}: cannot read the risk rules: {exc}") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: the risk rules must be a mapping")
        known = {"indicators", "review_months", *_NUMBERS}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(
                f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        months = raw.get("review_months", {"high": 2, "medium": 3, "low": 3})
        if (
            not isinstance(months, dict)
            or set(months) != {"high", "medium", "low"}
            or not all(isinstance(v, int) and v > 0 for v in months.values())
        ):
            raise ValueError(
                f"{path}: review_months must give whole months above 0 for high, medium and low"
            )
        indicators = raw.get("indicators") or {}
        if not isinstance(indicators, dict):
            raise ValueError(f"{path}: indicators must map an id to its description")
        numbers = {k: raw.get(k, getattr(cls, k)) for k in _NUMBERS}
        for k, v in numbers.items():
            if not isinstance(v, int) or v < 0:
                raise ValueError(f"{path}: {k} must be a whole number, 0 or more")
        return cls({str(k): str(v) for k, v in indicators.items()}, dict(months), **numbers)

    def review_due(self, row: dict[str, Any]) -> date | None:
        """An assessment's review date: its own review_by, else assessed_at plus the level's months."""
        recorded = to_date(row.get("review_by"))
        if recorded is not None:
            return recorded
        at = to_date(row.get("assessed_at")) or to_date(row.get("first_seen"))
        months = self.review_months.get(str(row.get("level")))
        return at + relativedelta(months=months) if at is not None and months else None


_NUMBERS = (
    "refer_under_age",
    "missing_assessment_days",
    "referral_days_before",
    "attendance_drop_points",
    "attendance_concern_pct",
    "attendance_recent_days",
    "no_new_intelligence_days",
)


def default_rules() -> RiskRules:
    """The shipped rules (risk.yaml)."""
    return RiskRules.load()


def _assessments(store: GraphStore, reps: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    frame = records(store, "RiskAssessment", reps)
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame.to_dict("records") if not frame.empty else []:
        if isinstance(row.get("child_key"), str) and when(row, "RiskAssessment") is not None:
            out.setdefault(row["child_key"], []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (when(r, "RiskAssessment"), str(r["key"])))
    return out


def _indicator_json(row: dict[str, Any], rules: RiskRules) -> list[dict[str, Any]]:
    found = row.get("indicators")
    found = list(found) if found is not None and not isinstance(found, float) else []
    return [
        {"id": i, "description": rules.indicators.get(i), "in_tool": i in rules.indicators}
        for i in found
    ]


def risk_prompts(
    store: GraphStore,
    on: date | None = None,
    rules: RiskRules | None = None,
    only: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Prompts on a date: missing episodes with no assessment, reviews overdue, under-13s not referred.

    `only`: the (canonical) keys of the children asked about; the prompts of all children that
    concern them, the others' never made."""
    day = on or date.today()
    rules = rules or default_rules()
    limit = end_of_day(day)
    reps = representatives(store)
    assessed = _assessments(store, reps)
    asked = set(only) if only is not None else None
    if asked is not None:
        assessed = {c: rows for c, rows in assessed.items() if c in asked}
    sources = Sources(store)
    out: list[dict[str, Any]] = []
    lookback = timedelta(days=rules.missing_assessment_days)
    for child, eps in episodes(store, day).items():
        if asked is not None and child not in asked:
            continue
        dates = [when(a, "RiskAssessment") for a in assessed.get(child, [])]
        for ep in eps:
            if ep.start < limit - lookback - timedelta(days=1):
                continue
            if any(at is not None and ep.start - lookback <= at < limit for at in dates):
                continue
            src = sources.info(list(ep.sources))
            out.append(
                {
                    "rule": MISSING_WITHOUT_ASSESSMENT,
                    "child": ident(child),
                    "on": day.isoformat(),
                    "episode": ident(ep.event, "Event"),
                    "missing_from": iso(ep.start),
                    "evidence": [
                        {
                            "record": "event",
                            "id": ident(ep.event, "Event"),
                            "at": iso(ep.start),
                            "what": "missing episode",
                            "agency": src.agency,
                            "source_id": src.source_id,
                            "reference": src.reference,
                            "grading": src.grading,
                        }
                    ],
                    "prompt": f"missing from {ep.start.date()} with no CSE risk assessment since "
                    f"{(ep.start - lookback).date()}: consider screening against the {len(rules.indicators)} indicators",
                }
            )
    people = persons(store)
    for child, rows in assessed.items():
        known = [r for r in rows if (when(r, "RiskAssessment") or datetime.max) < limit]
        if not known:
            continue
        sources.preload(r["sources"] for r in known)
        latest = known[-1]
        due = rules.review_due(latest)
        if due is not None and due < day:
            out.append(
                {
                    "rule": REVIEW_OVERDUE,
                    "child": ident(child),
                    "on": day.isoformat(),
                    "assessment": ident(str(latest["key"]), "RiskAssessment"),
                    "level": latest.get("level"),
                    "assessed_at": iso(when(latest, "RiskAssessment")),
                    "review_due": due.isoformat(),
                    "review_due_computed": to_date(latest.get("review_by")) is None,
                    "indicators": _indicator_json(latest, rules),
                    "evidence": [
                        item(latest, "RiskAssessment", sources, describe(latest, "RiskAssessment"))
                    ],
                    "prompt": f"{latest.get('level') or 'unlevelled'} risk assessment review was due {due.isoformat()}: "
                    f"review the child's risk",
                }
            )
        dob = to_date(people.loc[child, "date_of_birth"]) if child in people.index else None
        if dob is None:
            continue
        young = [
            r
            for r in known
            if age_on(dob, (when(r, "RiskAssessment") or datetime.max).date())
            < rules.refer_under_age
        ]
        if not young:
            continue
        first = young[0]
        at = when(first, "RiskAssessment")
        assert at is not None
        if _referred_to_social_care(
            store, child, at - timedelta(days=rules.referral_days_before), limit, reps
        ):
            continue
        out.append(
            {
                "rule": UNDER_13_NOT_REFERRED,
                "child": ident(child),
                "on": day.isoformat(),
                "assessment": ident(str(first["key"]), "RiskAssessment"),
                "age_at_assessment": age_on(dob, at.date()),
                "evidence": [
                    item(first, "RiskAssessment", sources, describe(first, "RiskAssessment"))
                ],
                "prompt": f"aged {age_on(dob, at.date())} when assessed on {at.date()} and no referral to children's "
                f"social care is recorded: every child under {rules.refer_under_age} is referred",
            }
        )
    out += attendance_drops(store, day, rules, reps, sources, only=asked)
    out += child_side_prompts(store, day, sources, reps, only=asked, people=people)
    out.sort(
        key=lambda p: (
            p["child"],
            p["rule"],
            p.get("missing_from")
            or p.get("assessed_at")
            or p.get("period_start")
            or p.get("attributed_at")
            or "",
            p.get("phone") or p.get("with") or "",
        )
    )
    return out


def attendance_drops(
    store: GraphStore,
    on: date,
    rules: RiskRules,
    reps: dict[str, str] | None = None,
    sources: Sources | None = None,
    since: date | None = None,
    only: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """School attendance that fell (by points, below the concern level, or recorded as absent) in a recent period.

    `only`: the (canonical) keys of the children asked about."""
    frame = records(store, "SchoolRecord", reps)
    sources = sources or Sources(store)
    out: list[dict[str, Any]] = []
    rows = frame[frame["kind"] == "attendance"].to_dict("records") if not frame.empty else []
    by_child: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if only is not None and row.get("child_key") not in only:
            continue
        if isinstance(row.get("child_key"), str) and to_date(row.get("period_start")) is not None:
            by_child.setdefault(row["child_key"], []).append(row)
    earliest = since or on - timedelta(days=rules.attendance_recent_days)
    for child, items in by_child.items():
        items.sort(key=lambda r: to_date(r["period_start"]) or date.min)
        for before, row in zip([None, *items[:-1]], items, strict=True):
            start = to_date(row["period_start"])
            end = to_date(row.get("period_end")) or start
            if start is None or end is None or start > on or end < earliest:
                continue
            pct = row.get("attendance_pct")
            pct = None if pct is None or pct != pct else float(pct)
            prev = before.get("attendance_pct") if before else None
            prev = None if prev is None or prev != prev else float(prev)
            why = []
            if pct is not None and prev is not None and prev - pct >= rules.attendance_drop_points:
                why.append(f"fell from {prev:g}% to {pct:g}%")
            elif (
                pct is not None
                and pct < rules.attendance_concern_pct
                and (prev is None or prev >= rules.attendance_concern_pct)
            ):
                why.append(f"{pct:g}%, below {rules.attendance_concern_pct}%")
            if row.get("recorded_as") in ("temporarily_absent", "missing_education"):
                why.append(
                    f"recorded as {row['recorded_as'].replace('_', ' ')}: check whether the child was missing"
                )
            if not why:
                continue
            evidence = [
                item(r, "SchoolRecord", sources, describe(r, "SchoolRecord"))
                for r in (before, row)
                if r is not None
            ]
            out.append(
                {
                    "rule": ATTENDANCE_DROP,
                    "child": ident(child),
                    "on": on.isoformat(),
                    "record": ident(str(row["key"]), "SchoolRecord"),
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "attendance_pct": pct,
                    "previous_pct": prev,
                    "evidence": evidence,
                    "prompt": f"school attendance {'; '.join(why)}: consider it with the child's other facts "
                    f"(a CSE indicator: school absence)",
                }
            )
    return out


def _referred_to_social_care(
    store: GraphStore, child: str, start: datetime, limit: datetime, reps: dict[str, str]
) -> bool:
    frame = records(store, "Referral", reps)
    if frame.empty:
        return False
    for row in frame[frame["child_key"] == child].to_dict("records"):
        sent = to_datetime(row.get("sent_at"))
        if (
            row.get("to_agency") == "children_social_care"
            and row.get("kind") == "referral"
            and sent is not None
            and start <= sent < limit
        ):
            return True
    return False
