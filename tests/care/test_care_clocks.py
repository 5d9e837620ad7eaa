"""The looked-after child's clocks on worked examples with real England bank holidays, and the
team's work list showing them."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.care.clocks import CARE_RULES, CareFacts, care_clocks, review_timeliness
from masa.care.models import HealthEventKind
from masa.core.calendar import ClockState, WorkingDayCalendar
from masa.journey.deadlines import Scope, open_deadlines
from masa.journey.models import Stage
from tests.casework_factories import make_case
from tests.conftest import World
from tests.factories import ChildFactory
from tests.journey.factories import today

from .factories import make_episode, make_health_event, make_review

__all__ = ["today"]

CAL = WorkingDayCalendar()
PLACED_BEFORE_EASTER = dt.date(2026, 4, 2)  # Thursday; Good Friday 3 April, Easter Monday 6 April


def clocks_by_code(facts: CareFacts, today: dt.date) -> dict[str, object]:
    return {c.code: c for c in care_clocks(facts, today=today, calendar=CAL)}


def test_placed_before_easter_the_first_review_counts_past_three_bank_holidays() -> None:
    facts = CareFacts(period_start=PLACED_BEFORE_EASTER, date_of_birth=dt.date(2015, 6, 1))
    found = {c.code: c for c in care_clocks(facts, today=PLACED_BEFORE_EASTER, calendar=CAL)}

    review = found["cla_review_first"]
    # 20 working days from Thursday 2 April 2026 (day 0), not counting Good Friday (3 April),
    # Easter Monday (6 April) or the early May bank holiday (4 May): Tuesday 5 May 2026.
    assert review.clock.due == dt.date(2026, 5, 5)
    assert review.state is ClockState.DUE
    explanation = review.clock.explanation()
    assert "Good Friday (3 April 2026)" in explanation
    assert "Easter Monday (6 April 2026)" in explanation
    assert "4 May 2026" in explanation
    assert "regulation 33" in explanation
    # The initial health assessment is due by the first review.
    assert found["iha"].clock.due == dt.date(2026, 5, 5)
    # The education plan within 10 working days: Monday 20 April 2026.
    assert found["pep"].clock.due == dt.date(2026, 4, 20)


def test_placed_before_christmas_the_first_review_skips_the_christmas_and_new_year_holidays() -> (
    None
):
    facts = CareFacts(period_start=dt.date(2026, 12, 17))  # Thursday
    review = clocks_by_code(facts, dt.date(2026, 12, 17))["cla_review_first"]
    # Skips Christmas Day (Friday 25 December), the Boxing Day substitute (Monday 28 December)
    # and New Year's Day (Friday 1 January 2027): Tuesday 19 January 2027.
    assert review.clock.due == dt.date(2027, 1, 19)  # type: ignore[attr-defined]


def test_the_second_review_is_three_months_after_the_first_then_every_six_months() -> None:
    first = dt.date(2026, 4, 30)
    facts = CareFacts(period_start=PLACED_BEFORE_EASTER, first_review=first, last_review=first)
    second = clocks_by_code(facts, dt.date(2026, 5, 1))["cla_review_second"]
    assert second.clock.due == dt.date(2026, 7, 30)  # type: ignore[attr-defined]
    assert "the first review on 30 April 2026" in second.clock.explanation()  # type: ignore[attr-defined]

    facts = CareFacts(
        period_start=PLACED_BEFORE_EASTER,
        first_review=first,
        second_review=dt.date(2026, 7, 29),
        last_review=dt.date(2026, 8, 31),
    )
    later = clocks_by_code(facts, dt.date(2026, 9, 1))["cla_review_next"]
    # Six calendar months from 31 August: there is no 31 February, so 28 February 2027.
    assert later.clock.due == dt.date(2027, 2, 28)  # type: ignore[attr-defined]


def test_a_late_review_is_overdue_and_reviews_held_are_judged_in_time_or_late() -> None:
    facts = CareFacts(period_start=PLACED_BEFORE_EASTER)
    assert (
        clocks_by_code(facts, dt.date(2026, 5, 6))["cla_review_first"].state is ClockState.OVERDUE
    )  # type: ignore[attr-defined]

    judged = review_timeliness(
        PLACED_BEFORE_EASTER, [dt.date(2026, 5, 5), dt.date(2026, 8, 6)], CAL
    )
    assert [j.state for j in judged] == [ClockState.MET, ClockState.MISSED]
    assert judged[1].clock.due == dt.date(2026, 8, 5)


def test_review_health_assessments_are_six_monthly_under_5_and_yearly_from_5() -> None:
    young = CareFacts(
        period_start=dt.date(2026, 1, 5),
        date_of_birth=dt.date(2022, 3, 1),
        last_health_assessment=dt.date(2026, 1, 26),
    )
    rha = clocks_by_code(young, dt.date(2026, 2, 1))["rha_under_5"]
    assert rha.clock.due == dt.date(2026, 7, 26)  # type: ignore[attr-defined]
    assert "iha" not in clocks_by_code(young, dt.date(2026, 2, 1))

    older = CareFacts(
        period_start=dt.date(2026, 1, 5),
        date_of_birth=dt.date(2019, 3, 1),
        last_health_assessment=dt.date(2026, 1, 26),
    )
    assert clocks_by_code(older, dt.date(2026, 2, 1))["rha"].clock.due == dt.date(2027, 1, 26)  # type: ignore[attr-defined]


def test_education_plans_start_at_three_and_are_reviewed_each_term() -> None:
    toddler = CareFacts(period_start=PLACED_BEFORE_EASTER, date_of_birth=dt.date(2024, 9, 1))
    assert "pep" not in clocks_by_code(toddler, PLACED_BEFORE_EASTER)
    # From the third birthday (Wednesday 1 September 2027), 10 working days: 15 September.
    assert clocks_by_code(toddler, dt.date(2027, 9, 1))["pep"].clock.due == dt.date(2027, 9, 15)  # type: ignore[attr-defined]

    planned = CareFacts(
        period_start=PLACED_BEFORE_EASTER,
        date_of_birth=dt.date(2015, 6, 1),
        last_pep=dt.date(2026, 4, 16),
    )
    review = clocks_by_code(planned, dt.date(2026, 4, 20))["pep_review"]
    assert review.clock.due == dt.date(2026, 7, 16)  # type: ignore[attr-defined]
    assert "(?)" in CARE_RULES["pep_review"].source  # uncertain in timescales.md, and says so


# ---------------------------------------------------------------- the work list


@pytest.mark.django_db
def test_an_overdue_first_review_is_on_the_teams_work_list(world: World) -> None:
    worker = world.users["social_worker"]
    case = make_case(
        world.child, stage=Stage.LOOKED_AFTER, opened_on=dt.date(2026, 3, 1), actor=worker
    )
    make_episode(world.child, started_on=PLACED_BEFORE_EASTER, case=case)

    found = {
        d.code: d
        for d in open_deadlines(
            Scope(world.partnership.pk, team_id=world.la_team.pk), today=dt.date(2026, 5, 6)
        )
    }
    review = found["cla_review_first"]
    assert (review.due, review.state) == (dt.date(2026, 5, 5), ClockState.OVERDUE)
    assert review.what == "First review of the looked-after child"
    assert (review.child_name, review.worker_id) == ("Kira Holt", worker.pk)
    assert found["iha"].state is ClockState.OVERDUE


@pytest.mark.django_db
def test_the_work_list_clocks_follow_the_reviews_and_assessments_recorded(world: World) -> None:
    worker = world.users["social_worker"]
    case = make_case(
        world.child, stage=Stage.LOOKED_AFTER, opened_on=dt.date(2026, 3, 1), actor=worker
    )
    make_episode(
        world.child,
        started_on=dt.date(2025, 1, 6),
        ended_on=dt.date(2025, 3, 1),
        reason_ceased="E4A",
    )
    make_review(world.child, held_on=dt.date(2025, 2, 1))  # in an earlier period: not counted
    make_episode(
        world.child,
        started_on=PLACED_BEFORE_EASTER,
        ended_on=dt.date(2026, 4, 20),
        reason_ceased="X1",
        case=case,
    )
    make_episode(world.child, started_on=dt.date(2026, 4, 20), rne="P", case=case)
    make_review(world.child, held_on=dt.date(2026, 4, 30))
    make_health_event(
        world.child, kind=HealthEventKind.INITIAL_HEALTH_ASSESSMENT, done_on=dt.date(2026, 4, 22)
    )

    found = {
        d.code: d for d in open_deadlines(Scope(world.partnership.pk), today=dt.date(2026, 5, 6))
    }
    assert found["cla_review_second"].due == dt.date(2026, 7, 30)
    assert found["rha"].due == dt.date(2027, 4, 22)  # born 2015: yearly
    assert {"cla_review_first", "iha"}.isdisjoint(found)


@pytest.mark.django_db
def test_a_child_whose_care_ceased_has_no_care_deadlines(world: World) -> None:
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CIN_PLAN, opened_on=dt.date(2026, 3, 1), actor=worker)
    make_episode(
        world.child,
        started_on=PLACED_BEFORE_EASTER,
        ended_on=dt.date(2026, 4, 10),
        reason_ceased="E4A",
        case=case,
    )
    codes = {d.code for d in open_deadlines(Scope(world.partnership.pk), today=dt.date(2026, 5, 6))}
    assert codes.isdisjoint(CARE_RULES)


@pytest.mark.django_db
@pytest.mark.parametrize("children", [2, 20])
def test_the_care_deadlines_take_one_query_whatever_the_number_of_children(
    world: World,
    today: dt.date,
    children: int,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = world.users["social_worker"]
    with CaptureQueriesContext(connection) as without_care:
        open_deadlines(Scope(world.partnership.pk), today=today)
    for _ in range(children):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(
            child, stage=Stage.LOOKED_AFTER, opened_on=dt.date(2026, 3, 1), actor=worker
        )
        make_episode(child, started_on=PLACED_BEFORE_EASTER, case=case)
        make_review(child, held_on=dt.date(2026, 4, 30))
    # The care clocks come from one query over the open episodes, however many children.
    with django_assert_num_queries(len(without_care.captured_queries)):
        found = open_deadlines(Scope(world.partnership.pk), today=today)
    assert (
        sum(d.code == "cla_review_next" or d.code == "cla_review_second" for d in found) == children
    )
