"""The child protection visit clock: the plan page and the work lists give the same date, from
the plan's own frequency when it sets one, otherwise from the partnership's local rule."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.journey.deadlines import Scope, open_deadlines
from masa.journey.models import ClockSetting, Stage
from masa.protection import selectors
from masa.protection.models import ChildProtectionPlan

from ..casework_factories import make_case, make_cp_plan
from ..conftest import World

pytestmark = pytest.mark.django_db

STARTED = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow
TODAY = dt.date(2024, 4, 3)


def plan_with(world: World, frequency: int | None) -> ChildProtectionPlan:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=STARTED, actor=sw)
    plan = make_cp_plan(case, icpc_on=STARTED, actor=sw)
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(visit_frequency_working_days=frequency)
    plan.refresh_from_db()
    return plan


def local_rule(world: World, working_days: int) -> None:
    ClockSetting.objects.create(
        partnership=world.partnership,
        code="cp_visit",
        duration=working_days,
        unit="working days",
        changed_by=world.users["business_manager"],
    )


def both_dates(world: World, plan: ChildProtectionPlan) -> tuple[dt.date, dt.date]:
    """The date on the plan page and the date on the work lists."""
    summary = selectors.visit_summary(plan, TODAY)
    assert summary.next_due is not None
    (work_list,) = [
        d for d in open_deadlines(Scope(world.partnership.pk), today=TODAY) if d.code == "cp_visit"
    ]
    return summary.next_due.clock.due, work_list.due


def test_a_plan_visiting_every_5_working_days_shows_the_same_date_everywhere(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_with(world, 5)
    # Tue 2, Wed 3, Thu 4, Fri 5, Mon 8 April (Good Friday and Easter Monday skipped).
    assert both_dates(world, plan) == (dt.date(2024, 4, 8), dt.date(2024, 4, 8))
    page = client_for("social_worker").get(f"/protection/cp-plans/{plan.pk}/").content.decode()
    assert "Due 8 April 2024" in page
    assert "At least every 5 working days (set in the plan)" in page


def test_a_plan_that_says_10_beats_a_local_rule_of_15(world: World) -> None:
    local_rule(world, 15)
    plan = plan_with(world, 10)
    # 10 working days from Thursday 28 March 2024: Monday 15 April (not 15 working days).
    assert both_dates(world, plan) == (dt.date(2024, 4, 15), dt.date(2024, 4, 15))


def test_a_plan_with_no_frequency_follows_the_local_rule(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    local_rule(world, 15)
    plan = plan_with(world, None)
    assert both_dates(world, plan) == (dt.date(2024, 4, 22), dt.date(2024, 4, 22))
    page = client_for("social_worker").get(f"/protection/cp-plans/{plan.pk}/").content.decode()
    assert "At least every 15 working days (the partnership&#39;s rule)" in page


def edit_data(frequency: str) -> dict[str, str]:
    return {
        "plan": "Daily breakfast club",
        "contingency_plan": "Legal planning meeting if the plan is not followed",
        "visit_frequency_working_days": frequency,
        "version": "1",
    }


def test_the_plan_can_go_back_to_the_local_rule_and_bad_frequencies_are_refused(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_with(world, 5)
    sw = client_for("social_worker")
    url = f"/protection/cp-plans/{plan.pk}/change/"
    for bad, message in (
        ("0", "Visits must be every 1 to 20 working days"),
        ("21", "Visits must be every 1 to 20 working days"),
        ("often", "Visit frequency must be a whole number of working days"),
    ):
        assert message in sw.post(url, edit_data(bad)).content.decode()
    assert sw.post(url, edit_data("")).status_code == 302
    plan.refresh_from_db()
    assert plan.visit_frequency_working_days is None


def test_existing_plans_at_the_old_default_of_10_follow_the_local_rule_after_migrating(
    world: World,
) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "masa.protection.migrations.0004_plan_visit_frequency_optional_report_version"
    )
    old_default = plan_with(world, 10)
    migration.ten_means_not_set(apps, None)
    old_default.refresh_from_db()
    assert old_default.visit_frequency_working_days is None
