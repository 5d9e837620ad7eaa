"""Committed casework situations for the browser journeys, written straight to the database.

The ``site`` fixture keeps the database unblocked for the whole package and nothing is rolled
back, so what these builders write is committed and the live server sees it at once. Each
situation gets its own child, so the journeys do not depend on the order they run in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from masa.core.calendar import working_day_calendar
from masa.frontdoor.models import Contact
from masa.journey.models import Case, Stage
from masa.people.models import Child
from masa.protection.models import Assessment

from ..casework_factories import make_assessment, make_case, make_contact, make_referral
from ..conftest import World
from ..factories import ChildFactory


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (weekends and bank holidays are
    skipped by the same calendar the deadlines use)."""
    calendar = working_day_calendar()
    while count > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def team_child(world: World, first_name: str, last_name: str) -> Child:
    """A child held by the world's assessment team and allocated to its social worker."""
    child = ChildFactory(
        partnership=world.partnership,
        first_name=first_name,
        last_name=last_name,
        owning_team=world.la_team,
        allocated_worker=world.users["social_worker"],
    )
    return cast(Child, child)


@dataclass(frozen=True)
class OverdueWork:
    contact: Contact
    assessment: Assessment


def overdue_work(world: World, today: dt.date) -> OverdueWork:
    """A contact waiting 3 working days for its decision (1 is allowed) and an assessment,
    completed by the worker but not authorised, 50 working days after its referral (45 are)."""
    manager = world.users["team_manager"]
    received_on = working_days_before(today, 3)
    contact_case = make_case(
        team_child(world, "Ava", "Stone"), stage=Stage.CONTACT, opened_on=received_on, actor=manager
    )
    contact = make_contact(
        contact_case,
        received_on=received_on,
        actor=world.users["mash_practitioner"],
        reason="Neighbour heard shouting and a child crying late at night, twice this week",
        presenting_factors=["3A"],
    )

    referred_on = working_days_before(today, 50)
    assessment_case = make_case(
        team_child(world, "Leo", "Marsh"),
        stage=Stage.ASSESSMENT,
        opened_on=referred_on,
        actor=manager,
    )
    make_referral(assessment_case, referral_date=referred_on, actor=manager)
    assessment = make_assessment(
        assessment_case,
        started_on=working_days_before(today, 48),
        actor=world.users["social_worker"],
    )
    assessment.completed_on = working_days_before(today, 2)
    assessment.save(update_fields=["completed_on"])
    return OverdueWork(contact, assessment)


def case_awaiting_strategy(world: World, today: dt.date) -> Case:
    """A child whose accepted referral is waiting for a strategy discussion."""
    opened_on = working_days_before(today, 1)
    case = make_case(
        team_child(world, "Mia", "Quinn"),
        stage=Stage.REFERRAL,
        opened_on=opened_on,
        actor=world.users["team_manager"],
    )
    make_referral(case, referral_date=opened_on, actor=world.users["team_manager"])
    return case
