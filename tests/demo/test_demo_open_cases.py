"""The demo journeys never give a child two open cases (``Case``'s one_open_case_per_child).

At borough size the generator gave one child two open cases, and the load stopped with an
IntegrityError: a contact of the last few days, left awaiting its threshold decision, dated
before the family's current case opened. These tests play that family, and a sibling who joins
an episode in its last days, in memory (nothing is written), on the small borough's staff.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from masa.demo.accounts import LA
from masa.demo.factories import core, journey
from masa.demo.factories.base import DemoContext
from masa.demo.factories.core import ASSESSMENT_NORTH
from masa.demo.generator import DEFAULT_SEED, PROFILES, domain_random
from masa.frontdoor.models import ThresholdDecision
from masa.journey.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx() -> DemoContext:
    """The borough's partnership, agencies, teams and staff: all the journey planning needs."""
    profile = PROFILES["small"]
    context = DemoContext(profile=profile, seed=DEFAULT_SEED)
    core.build(context, domain_random(DEFAULT_SEED, profile, "core"))
    return context


def runner(ctx: DemoContext) -> tuple[journey._Planner, journey._Runner]:
    today = ctx.today
    days = journey._Days(today - dt.timedelta(days=3 * 366), today + dt.timedelta(days=900))
    rng = random.Random(7)
    book = journey._Runner(ctx, journey._Writer(), days)
    book.rng = rng
    return journey._Planner(ctx, rng, days), book


def family(ctx: DemoContext, *kids: journey._Kid) -> journey._Family:
    team = ctx.team(LA, ASSESSMENT_NORTH)
    worker = ctx.caseholders[(LA, ASSESSMENT_NORTH)][0]
    return journey._Family(
        list(kids), ASSESSMENT_NORTH, team.pk, worker.pk, kids[0].available, None
    )


def kid(child_id: int, available: dt.date) -> journey._Kid:
    return journey._Kid(child_id, available, None, young=False)


def test_a_contact_awaiting_decision_before_the_current_case_opened_is_screened(
    ctx: DemoContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every contact of the last four working days still awaits its decision.
    monkeypatch.setattr(journey, "PENDING_SHARE", (1.0, 1.0, 1.0, 1.0))
    planner, book = runner(ctx)
    today = ctx.today  # Monday 23 November 2026
    child = kid(1, today - dt.timedelta(days=8 * 365))
    household = family(ctx, child)
    opened = dt.date(2026, 11, 19)  # the family's current assessment: contact on Thursday
    earlier = dt.date(2026, 11, 18)  # another contact about the child on the Wednesday
    intervals: dict[int, list[tuple[dt.date, dt.date, journey._CaseRow]]] = defaultdict(list)
    busy: list[tuple[dt.date, dt.date]] = []

    journey._play(
        book, planner.script("assessment", opened, None, household), household, intervals, busy
    )
    journey._extra_contact(book, planner, household, earlier, intervals, busy)

    cases = sorted(book.cases, key=lambda c: c.opened_on)
    assert [(c.opened_on, c.stage != Stage.CLOSED) for c in cases] == [
        (earlier, False),  # screened and closed, not left open beside the assessment's case
        (opened, True),
    ]
    assert cases[0].closed_on is not None and cases[0].closed_on <= opened
    wednesday = next(row for row in book.contacts if row[2] == cases[0].id)
    assert wednesday[12] in (
        ThresholdDecision.NO_FURTHER_ACTION,
        ThresholdDecision.INFORMATION_ADVICE,
    )
    assert wednesday[15] <= opened  # decided on or before the day the current case opened


def test_a_sibling_who_joins_an_episode_in_its_last_days_has_the_case_closed(
    ctx: DemoContext,
) -> None:
    planner, book = runner(ctx)
    ends = dt.date(2025, 6, 20)  # a Friday: the family's assessment closes
    joins = dt.date(2025, 6, 19)  # the baby's case opens the day before
    older = kid(1, dt.date(2015, 1, 1))
    scripts = [
        planner.script("assessment", dt.date(2025, 3, 3), ends, family(ctx, older))
        for _ in range(12)
    ]

    results = [book.run(script, kid(100 + n, joins)) for n, script in enumerate(scripts)]

    assert all(result is not None for result in results)
    babies = [result[0] for result in results if result is not None]
    # Whatever the front door had reached by the closing date, the case closed on it.
    assert [(c.stage, c.closed_on) for c in babies] == [(Stage.CLOSED, ends)] * len(babies)
    undecided = [row for row in book.contacts if row[1] >= 100 and not row[12]]
    assert undecided == []
