"""Leaving-care status derived from age and care history, on the birthdays where it changes, and
the pathway plan clocks (by the 16th birthday; reviews every 6 months).

Most young people here were born on 1 March 2010: 14 on 1 March 2024, 16 on 1 March 2026, 18 on
1 March 2028, 21 on 1 March 2031 and 25 on 1 March 2035.
"""

from __future__ import annotations

import datetime as dt

import pytest

from masa.care.selectors_leavers import (
    CareSpan,
    LeaverStatus,
    PlanDates,
    leaver_standing,
    pathway_clocks,
    qualified_on,
)
from masa.core.calendar import ClockState

pytestmark = pytest.mark.django_db  # the clocks read the bank holidays administrators add

BORN = dt.date(2010, 3, 1)
AT_16 = dt.date(2026, 3, 1)
AT_18 = dt.date(2028, 3, 1)
D = dt.date


def status(spans: list[CareSpan], on: dt.date, born: dt.date = BORN) -> LeaverStatus:
    return leaver_standing(born, spans, on).status


# ---------------------------------------------------------------- eligible


def test_looked_after_since_14_a_child_becomes_eligible_on_their_16th_birthday() -> None:
    spans = [CareSpan(D(2024, 3, 1), None, "C2")]

    assert status(spans, AT_16 - dt.timedelta(days=1)) == LeaverStatus.NONE
    standing = leaver_standing(BORN, spans, AT_16)
    assert standing.status == LeaverStatus.ELIGIBLE
    assert standing.qualified_on == AT_16
    assert standing.reason.endswith("Still looked after.")


def test_13_weeks_is_91_days_counting_the_first_day_of_care() -> None:
    # From 1 December 2025, 1 March 2026 is the 91st day of care.
    from_1_december = [CareSpan(D(2025, 12, 1), None, "C2")]
    from_2_december = [CareSpan(D(2025, 12, 2), None, "C2")]

    assert status(from_1_december, AT_16) == LeaverStatus.ELIGIBLE
    standing = leaver_standing(BORN, from_2_december, AT_16)
    assert standing.status == LeaverStatus.NONE
    assert standing.days_since_14 == 90
    assert "fewer than the 91 days (13 weeks)" in standing.reason
    assert status(from_2_december, D(2026, 3, 2)) == LeaverStatus.ELIGIBLE


def test_periods_of_care_add_up_to_13_weeks() -> None:
    # 40 days at 14 (1 to 40), then care again from the 16th birthday: the 91st day is 20 April.
    spans = [CareSpan(D(2024, 9, 1), D(2024, 10, 11), "V2"), CareSpan(AT_16, None, "V2")]

    assert qualified_on(BORN, spans) == D(2026, 4, 20)
    assert status(spans, D(2026, 4, 19)) == LeaverStatus.NONE
    assert status(spans, D(2026, 4, 20)) == LeaverStatus.ELIGIBLE


def test_care_before_the_14th_birthday_does_not_count() -> None:
    # Looked after from age 10 to 10 weeks after the 14th birthday, then from 16 for 20 days.
    spans = [CareSpan(D(2020, 3, 1), D(2024, 5, 10), "C2"), CareSpan(AT_16, None, "C2")]

    standing = leaver_standing(BORN, spans, D(2026, 3, 20))
    assert standing.days_since_14 == 70 + 20
    assert standing.status == LeaverStatus.NONE
    assert status(spans, D(2026, 3, 21)) == LeaverStatus.ELIGIBLE


def test_short_breaks_do_not_count() -> None:
    spans = [CareSpan(D(2024, 3, 1), None, "V3")]

    standing = leaver_standing(BORN, spans, D(2026, 6, 1))
    assert standing.status == LeaverStatus.NONE
    assert standing.days_since_14 == 0


# ---------------------------------------------------------------- relevant


def test_a_child_who_leaves_care_on_their_16th_birthday_is_not_a_care_leaver() -> None:
    spans = [CareSpan(D(2025, 1, 1), AT_16, "C2")]

    standing = leaver_standing(BORN, spans, D(2026, 6, 1))
    assert standing.status == LeaverStatus.NONE
    assert standing.reason == "Not looked after on or after the 16th birthday."
    assert status(spans, D(2028, 6, 1)) == LeaverStatus.NONE


def test_a_child_who_leaves_care_the_day_after_their_16th_birthday_is_relevant() -> None:
    spans = [CareSpan(D(2025, 1, 1), AT_16 + dt.timedelta(days=1), "C2")]

    assert status(spans, AT_16) == LeaverStatus.ELIGIBLE
    standing = leaver_standing(BORN, spans, AT_16 + dt.timedelta(days=1))
    assert standing.status == LeaverStatus.RELEVANT
    assert standing.reason.endswith("Has left care and is under 18.")


# ---------------------------------------------------------------- former relevant


def test_relevant_until_18_then_former_relevant_until_25() -> None:
    spans = [CareSpan(D(2025, 1, 1), D(2026, 9, 1), "C2")]

    assert status(spans, AT_18 - dt.timedelta(days=1)) == LeaverStatus.RELEVANT
    assert status(spans, AT_18) == LeaverStatus.FORMER_RELEVANT
    at_24 = leaver_standing(BORN, spans, D(2035, 2, 28))
    assert at_24.status == LeaverStatus.FORMER_RELEVANT
    assert "Over 21: entitled to a personal adviser's support to 25 if they ask" in at_24.reason
    at_25 = leaver_standing(BORN, spans, D(2035, 3, 1))
    assert at_25.status == LeaverStatus.NONE
    assert at_25.reason == "25 or over: leaving care support has ended."


def test_a_child_looked_after_until_their_18th_birthday_is_former_relevant_on_it() -> None:
    spans = [CareSpan(D(2024, 3, 1), AT_18, "C2")]

    assert status(spans, AT_18 - dt.timedelta(days=1)) == LeaverStatus.ELIGIBLE
    assert status(spans, AT_18) == LeaverStatus.FORMER_RELEVANT


def test_care_after_18_does_not_make_a_care_leaver() -> None:
    # Looked after only from 17 years 11 months: 31 days before the 18th birthday.
    spans = [CareSpan(D(2028, 1, 30), None, "C2")]

    assert status(spans, D(2028, 6, 1)) == LeaverStatus.NONE


def test_no_date_of_birth_no_status() -> None:
    standing = leaver_standing(None, [CareSpan(D(2024, 3, 1), None, "C2")], D(2026, 6, 1))

    assert standing.status == LeaverStatus.NONE
    assert standing.reason == "The date of birth is not recorded."


# ---------------------------------------------------------------- pathway plan clocks


def clocks(spans: list[CareSpan], today: dt.date, plans: PlanDates | None = None):
    standing = leaver_standing(BORN, spans, today)
    return pathway_clocks(BORN, standing, plans or PlanDates(), today)


def test_a_child_looked_after_at_15_has_a_first_plan_due_by_their_16th_birthday() -> None:
    spans = [CareSpan(D(2025, 6, 1), None, "C2")]

    due = clocks(spans, D(2025, 11, 23))

    assert [(c.what, c.due, c.state) for c in due] == [
        ("First pathway plan", AT_16, ClockState.DUE),
        ("Needs assessment and pathway plan (statutory latest)", D(2026, 6, 1), ClockState.DUE),
    ]
    assert "by the 16th birthday on 1 March 2026" in due[0].explanation
    assert "pathway planning should start early enough" in due[0].explanation


def test_the_first_plan_is_overdue_the_day_after_the_16th_birthday() -> None:
    spans = [CareSpan(D(2025, 6, 1), None, "C2")]

    due = clocks(spans, AT_16 + dt.timedelta(days=1))

    assert due[0].state == ClockState.OVERDUE
    assert due[1].state == ClockState.DUE


def test_a_plan_agreed_before_16_was_in_time_and_the_review_follows_6_months_on() -> None:
    spans = [CareSpan(D(2025, 6, 1), None, "C2")]
    plans = PlanDates(first=D(2026, 1, 10), latest=D(2026, 1, 10))

    due = clocks(spans, D(2026, 5, 1), plans)

    assert [(c.what, c.due, c.state) for c in due] == [
        ("Pathway plan review", D(2026, 7, 10), ClockState.DUE)
    ]


def test_a_child_who_came_into_care_after_16_has_the_statutory_3_months() -> None:
    # In care from 1 September 2026 (16½): eligible on 30 November, plan due 3 months later,
    # 28 February 2027 (there is no 30 February).
    spans = [CareSpan(D(2026, 9, 1), None, "C2")]

    due = clocks(spans, D(2027, 1, 4))

    assert [(c.what, c.due) for c in due] == [
        ("Needs assessment and pathway plan (statutory latest)", D(2027, 2, 28))
    ]


def test_clocks_stop_at_21_unless_the_young_person_asked_for_support() -> None:
    spans = [CareSpan(D(2024, 3, 1), AT_18, "C2")]
    before_21 = PlanDates(first=D(2026, 1, 10), latest=D(2030, 12, 1))
    after_21 = PlanDates(first=D(2026, 1, 10), latest=D(2031, 4, 1))

    assert clocks(spans, D(2031, 6, 1), before_21) == []
    assert [c.due for c in clocks(spans, D(2031, 6, 1), after_21)] == [D(2031, 10, 1)]


def test_a_child_not_looked_after_has_no_clock() -> None:
    assert clocks([], D(2025, 11, 23)) == []
