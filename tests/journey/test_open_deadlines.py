"""The open deadlines behind work lists and child pages, on worked examples with bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.calendar import ClockState
from masa.journey.deadlines import Deadline, Scope, open_deadlines
from masa.journey.models import Stage
from masa.protection.models import CoreGroupMeeting, Visit
from tests.casework_factories import (
    make_assessment,
    make_case,
    make_contact,
    make_cp_plan,
    make_referral,
    make_strategy_and_s47,
)
from tests.conftest import World
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

EASTER_2024 = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


def deadlines_by_code(world: World, today: dt.date) -> dict[str, Deadline]:
    found = open_deadlines(Scope(world.partnership.pk), today=today)
    return {d.code: d for d in found}


def test_a_contact_received_before_easter_is_due_after_the_bank_holidays(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=EASTER_2024, actor=sw)
    make_contact(case, received_on=EASTER_2024, actor=sw)

    deadline = deadlines_by_code(world, today=dt.date(2024, 4, 3))["contact_decision"]

    assert deadline.due == dt.date(2024, 4, 2)
    assert deadline.state is ClockState.OVERDUE
    assert "Good Friday" in deadline.clock.explanation()


def test_the_assessment_clock_runs_from_the_referral_and_follows_a_corrected_date(
    world: World,
) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.ASSESSMENT, opened_on=EASTER_2024, actor=sw)
    referral = make_referral(case, referral_date=EASTER_2024, actor=sw)
    make_assessment(case, started_on=dt.date(2024, 4, 2), actor=sw)

    # 45 working days from Thursday 28 March 2024, skipping Good Friday, Easter Monday, the early
    # May bank holiday (6 May) and the spring bank holiday (27 May): Wednesday 5 June 2024.
    assert deadlines_by_code(world, EASTER_2024)["assessment"].due == dt.date(2024, 6, 5)

    referral.referral_date = dt.date(2024, 4, 2)
    referral.save()
    assert deadlines_by_code(world, EASTER_2024)["assessment"].due == dt.date(2024, 6, 6)


def test_a_plan_shows_core_group_review_conference_and_visit_clocks(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=dt.date(2024, 3, 1), actor=sw)
    make_strategy_and_s47(case, held_on=dt.date(2024, 3, 11), actor=sw)
    plan = make_cp_plan(case, icpc_on=EASTER_2024, actor=sw)

    found = deadlines_by_code(world, EASTER_2024)
    assert found["core_group_first"].due == dt.date(2024, 4, 15)
    assert found["review_conference_first"].due == dt.date(2024, 6, 28)
    assert found["cp_visit"].due == dt.date(2024, 4, 15)
    assert "icpc" not in found  # the initial conference has been held

    CoreGroupMeeting.objects.create(plan=plan, held_on=dt.date(2024, 4, 10), recorded_by=sw)
    Visit.objects.create(
        case=case, child=case.child, visited_on=dt.date(2024, 4, 12), child_seen=True,
        seen_alone=True, visited_by=sw,
    )  # fmt: skip
    found = deadlines_by_code(world, EASTER_2024)
    assert "core_group_first" not in found
    assert found["core_group_next"].due > dt.date(2024, 4, 10)
    assert found["cp_visit"].due == dt.date(2024, 4, 26)


def test_an_s47_without_a_conference_shows_the_working_together_icpc_clock(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.S47, opened_on=EASTER_2024, actor=sw)
    make_strategy_and_s47(case, held_on=EASTER_2024, actor=sw)

    # 15 working days from Thursday 28 March 2024: Monday 22 April 2024.
    assert deadlines_by_code(world, EASTER_2024)["icpc"].due == dt.date(2024, 4, 22)


def test_closed_cases_and_other_teams_are_not_on_the_list(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CLOSED, opened_on=EASTER_2024, actor=sw)
    make_contact(case, received_on=EASTER_2024, actor=sw)
    assert open_deadlines(Scope(world.partnership.pk), today=EASTER_2024) == []
    open_case = make_case(world.la_only_child, stage=Stage.CONTACT, opened_on=EASTER_2024, actor=sw)
    make_contact(open_case, received_on=EASTER_2024, actor=sw)
    other_team = open_deadlines(Scope(world.partnership.pk, team_id=-1), today=EASTER_2024)
    assert other_team == []


@pytest.mark.parametrize("cases", [2, 20])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    world: World,
    cases: int,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    sw = world.users["social_worker"]
    for _ in range(cases):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.CP_PLAN, opened_on=dt.date(2024, 3, 1), actor=sw)
        make_contact(case, received_on=EASTER_2024, actor=sw)
        make_strategy_and_s47(case, held_on=dt.date(2024, 3, 11), actor=sw)
        make_cp_plan(case, icpc_on=EASTER_2024, actor=sw)
    open_deadlines(Scope(world.partnership.pk), today=EASTER_2024)  # warm the calendar cache
    # One query for the rules in force and one per kind of clock.
    with django_assert_num_queries(9):  # one more for children looked after
        found = open_deadlines(Scope(world.partnership.pk), today=EASTER_2024)
    assert len(found) == cases * 4
