"""Repeat child protection plans, as the DfE defines them (shared/domain/indicators.md §3):
"second or subsequent (ever)" and "previous plan ended within two years of this one starting"."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.journey.models import Stage
from masa.protection.models import ChildProtectionPlan
from masa.protection.selectors import previous_plans, repeat_plan_flags

from ..casework_factories import make_case, make_conference_for, make_cp_plan, make_icpc_case
from ..conftest import World
from ..factories import ChildFactory

pytestmark = pytest.mark.django_db


def earlier_plan(
    world: World, started_on: dt.date, ended_on: dt.date | None, child=None
) -> ChildProtectionPlan:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    stage = Stage.CLOSED if ended_on else Stage.CP_PLAN
    case = make_case(child or world.child, stage=stage, opened_on=started_on, actor=sw)
    return make_cp_plan(case, icpc_on=started_on, actor=sw, ended_on=ended_on)


def test_a_first_plan_is_neither_kind_of_repeat(world: World) -> None:
    flags = repeat_plan_flags(world.child, dt.date(2024, 3, 1))
    assert (flags.ever, flags.within_two_years, flags.previous) == (False, False, [])


def test_two_years_to_the_day_is_within_two_years_and_the_day_after_is_not(world: World) -> None:
    earlier_plan(world, dt.date(2021, 6, 1), ended_on=dt.date(2022, 3, 1))
    on_the_day = repeat_plan_flags(world.child, dt.date(2024, 3, 1))
    assert on_the_day.ever and on_the_day.within_two_years
    day_after = repeat_plan_flags(world.child, dt.date(2024, 3, 2))
    assert day_after.ever and not day_after.within_two_years


def test_a_plan_ending_on_29_february_counts_two_years_to_28_february(world: World) -> None:
    earlier_plan(world, dt.date(2023, 6, 1), ended_on=dt.date(2024, 2, 29))
    assert repeat_plan_flags(world.child, dt.date(2026, 2, 28)).within_two_years
    assert not repeat_plan_flags(world.child, dt.date(2026, 3, 1)).within_two_years


def test_a_plan_long_ago_still_makes_a_second_plan_ever(world: World) -> None:
    earlier_plan(world, dt.date(2014, 1, 6), ended_on=dt.date(2015, 1, 5))
    flags = repeat_plan_flags(world.child, dt.date(2024, 3, 1))
    assert flags.ever and not flags.within_two_years
    assert flags.last_ended_on == dt.date(2015, 1, 5)


def test_only_earlier_plans_of_this_child_count(world: World) -> None:
    earlier_plan(world, dt.date(2024, 3, 1), ended_on=None)
    sibling = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
    earlier_plan(world, dt.date(2020, 1, 6), ended_on=dt.date(2021, 1, 4), child=sibling)
    # The plan starting that very day is not its own previous plan.
    assert previous_plans(world.child, dt.date(2024, 3, 1)) == []
    assert len(previous_plans(world.child, dt.date(2024, 3, 2))) == 1
    assert not repeat_plan_flags(sibling, dt.date(2020, 1, 6)).ever


def test_the_flags_show_on_the_plan_and_the_conference_pages(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    earlier_plan(world, dt.date(2021, 6, 1), ended_on=dt.date(2022, 3, 1))
    case = make_icpc_case(world.child, strategy_on=dt.date(2024, 2, 19), actor=sw)
    conference = make_conference_for([case], held_on=dt.date(2024, 3, 1), actor=sw)
    page = client_for("designated_safeguarding_lead").get(
        f"/protection/conferences/{conference.pk}/"
    )
    text = page.content.decode()
    assert "Second or subsequent plan" in text and "Within two years of a previous plan" in text
    assert "Previous plan from 1 June 2021 to 1 March 2022" in text

    client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        {
            "plan_needed": "yes",
            "category": "NEG",
            "contingency_plan": "Legal planning meeting",
            "visit_frequency_working_days": "10",
        },
    )
    plan = ChildProtectionPlan.objects.get(conference=conference)
    plan_page = client_for("social_worker").get(f"/protection/cp-plans/{plan.pk}/")
    assert "Within two years of a previous plan" in plan_page.content.decode()
