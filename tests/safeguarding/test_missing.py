"""Missing-episode triggers: bank holidays, month-end windows, ongoing episodes, and the demo's plants."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from graph_intel.demo import planted
from graph_intel.safeguarding.missing import (
    Episode,
    MissingRules,
    count_episodes,
    is_working_day,
    missing_triggers,
    ongoing,
    rules_met,
    within_months,
    working_hours,
)


@pytest.mark.parametrize(
    "day",
    [
        date(2011, 4, 25),  # Easter Monday
        date(2011, 4, 22),  # Good Friday
        date(2010, 5, 3),  # early May bank holiday
        date(2010, 12, 27),  # Christmas Day substitute (25th a Saturday)
        date(2010, 12, 28),  # Boxing Day substitute (26th a Sunday)
        date(2011, 1, 3),  # New Year's Day substitute
        date(2011, 12, 27),  # Christmas substitute (25th a Sunday, Boxing Day the Monday)
        date(2011, 4, 29),  # royal wedding, a one-off bank holiday
        date(2011, 7, 9),  # a Saturday
    ],
)
def test_not_working_days(day: date) -> None:
    assert not is_working_day(day)


def test_working_days() -> None:
    assert is_working_day(date(2011, 4, 26)) and is_working_day(date(2010, 12, 29))


def test_working_hours_skip_weekends_and_bank_holidays() -> None:
    # Friday 08:00 to Thursday 06:00 over the 2010 May Day weekend: 16 + 0 + 24 + 24 + 6
    assert working_hours(datetime(2010, 4, 30, 8), datetime(2010, 5, 6, 6)) == 70
    # Christmas 2010: Friday 24th 12:00 to Thursday 30th 12:00: 12 + (27, 28 holidays) 24 + 12
    assert working_hours(datetime(2010, 12, 24, 12), datetime(2010, 12, 30, 12)) == 48
    assert working_hours(datetime(2011, 2, 7, 8), datetime(2011, 2, 10, 12)) == 76


def test_three_working_days_threshold_is_inclusive() -> None:
    ep = Episode("c", "e", datetime(2011, 2, 7), datetime(2011, 2, 10))
    assert "three_working_days" in rules_met([ep], datetime(2011, 3, 1))
    short = Episode("c", "e", datetime(2011, 2, 7, 0, 1), datetime(2011, 2, 10))
    assert rules_met([short], datetime(2011, 3, 1)) == {}


def _starts(*days: str) -> list[datetime]:
    return [datetime.fromisoformat(d) for d in days]


def test_month_end_window_clamps_to_last_day() -> None:
    starts = _starts("2011-01-31", "2011-02-10", "2011-02-20", "2011-02-28", "2011-03-01")
    assert within_months(starts, 1)[0] == [0, 1, 2, 3]  # 31 Jan -> 28 Feb inclusive, not 1 Mar
    leap = _starts("2012-01-31", "2012-02-29", "2012-03-01")
    assert within_months(leap, 1)[0] == [0, 1]  # leap year: to 29 Feb


def test_four_in_one_month_window_edge() -> None:
    inside = [
        Episode("c", f"e{i}", s, s)
        for i, s in enumerate(_starts("2011-01-10", "2011-01-17", "2011-01-31", "2011-02-10T23:00"))
    ]
    assert "four_in_one_month" in rules_met(inside, datetime(2011, 7, 1))
    outside = [
        Episode("c", f"e{i}", s, s)
        for i, s in enumerate(_starts("2011-01-10", "2011-01-17", "2011-01-31", "2011-02-11"))
    ]
    assert "four_in_one_month" not in rules_met(outside, datetime(2011, 7, 1))


def test_ongoing_episode_runs_to_as_of() -> None:
    running = Episode("c", "e", datetime(2011, 7, 4, 9), None)
    assert rules_met([running], datetime(2011, 7, 7)) == {}  # 15 + 24 + 24 = 63 h
    assert "three_working_days" in rules_met([running], datetime(2011, 7, 8))  # 87 h


def test_rules_are_configurable() -> None:
    strict = MissingRules(working_hours=24, count_rules=(("two_in_one_month", 2, 1),))
    eps = [
        Episode("c", "a", datetime(2011, 3, 1, 9), datetime(2011, 3, 2, 10)),
        Episode("c", "b", datetime(2011, 3, 20), datetime(2011, 3, 20, 1)),
    ]
    assert set(rules_met(eps, datetime(2011, 7, 1), strict)) == {
        "three_working_days",
        "two_in_one_month",
    }


def test_demo_triggers_fire_exactly_where_planted(demo_store) -> None:  # type: ignore[no-untyped-def]
    found = {r["person_id"]: set(r["rules"]) for r in missing_triggers(demo_store, planted.AS_OF)}
    assert found == planted.MISSING_TRIGGERS
    assert not (set(found) & planted.MISSING_NEAR_MISSES)


def test_demo_episode_counts_and_ongoing(demo_store) -> None:  # type: ignore[no-untyped-def]
    assert count_episodes(demo_store, planted.AS_OF) == planted.MISSING_EPISODES
    assert {
        c: e[0] for c, e in ongoing(demo_store, planted.AS_OF).items()
    } == planted.MISSING_ONGOING
    rows = {r["person_id"]: r for r in missing_triggers(demo_store, planted.AS_OF)}
    assert [e["event_id"] for e in rows["C3"]["behind"]["three_working_days"]] == ["E35"]
    assert rows["C3"]["behind"]["three_working_days"][0]["working_hours"] == 76
    assert rows["C6"]["episodes"] == 6 and len(rows["C6"]["behind"]["six_in_two_months"]) == 6


def test_before_as_of_nothing_later_counts(demo_store) -> None:  # type: ignore[no-untyped-def]
    assert missing_triggers(demo_store, date(2010, 1, 1)) == []
