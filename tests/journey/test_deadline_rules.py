"""Clocks added to open_deadlines: the strategy discussion, and a plan's own visit frequency."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.journey.deadlines import Deadline, Scope, open_deadlines
from masa.journey.models import CaseTransition, Stage
from masa.journey.selectors import child_journey_panel
from masa.protection.models import StrategyDiscussion
from tests.casework_factories import make_case, make_contact, make_cp_plan
from tests.conftest import World

pytestmark = pytest.mark.django_db


def by_code(world: World, today: dt.date) -> dict[str, Deadline]:
    return {d.code: d for d in open_deadlines(Scope(world.partnership.pk), today=today)}


def test_a_strategy_discussion_is_due_the_working_day_after_the_decision(world: World) -> None:
    manager = world.users["team_manager"]
    case = make_case(
        world.child, stage=Stage.CONTACT, opened_on=dt.date(2024, 3, 27), actor=manager
    )
    CaseTransition.objects.create(
        case=case,
        from_stage=Stage.CONTACT,
        to_stage=Stage.STRATEGY,
        effective_on=dt.date(2024, 3, 28),
        moved_by=manager,
        reason="Bruising seen at school",
    )
    case.stage = Stage.STRATEGY
    case.save()

    deadline = by_code(world, dt.date(2024, 3, 28))["strategy"]
    assert deadline.due == dt.date(2024, 4, 2)  # after Good Friday and Easter Monday
    assert deadline.what == "Strategy discussion"

    StrategyDiscussion.objects.create(
        case=case,
        child=case.child,
        held_on=dt.date(2024, 4, 2),
        summary="Held",
        start_s47=False,
        recorded_by=manager,
    )
    assert "strategy" not in by_code(world, dt.date(2024, 4, 2))


def test_a_plans_own_visit_frequency_beats_the_partnership_rule(world: World) -> None:
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=dt.date(2026, 9, 1), actor=worker)
    plan = make_cp_plan(case, icpc_on=dt.date(2026, 11, 2), actor=worker)
    assert by_code(world, dt.date(2026, 11, 2))["cp_visit"].due == dt.date(2026, 11, 16)

    plan.visit_frequency_working_days = 5
    plan.save()
    visit = by_code(world, dt.date(2026, 11, 2))["cp_visit"]
    assert visit.due == dt.date(2026, 11, 9)
    assert "5 working days" in visit.clock.explanation()
    assert "visit frequency set in the child protection plan" in visit.clock.explanation()


def test_the_child_panel_query_count_does_not_grow_with_the_deadlines(
    world: World,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masa.core.calendar import working_day_calendar

    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 2), actor=worker)
    make_contact(case, received_on=dt.date(2026, 11, 2), actor=worker)
    working_day_calendar()
    with CaptureQueriesContext(connection) as one:
        child_journey_panel(worker, world.child)
    for day in range(3, 13):
        make_contact(case, received_on=dt.date(2026, 11, day), actor=worker)
    with django_assert_num_queries(len(one.captured_queries)):
        panel = child_journey_panel(worker, world.child)["journey_panel"]
    assert len(panel["deadlines"]) == 5 and panel["more_deadlines"] == 6
