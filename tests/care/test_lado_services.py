"""LADO allegations: the initial consideration clock over bank holidays, the refusals, the
duration to resolution and the year's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from masa.care import selectors_lado, services_lado
from masa.care.models import LadoAllegation, LadoOutcome
from masa.care.selectors_lado import ReportingYear, YearBasis
from masa.core.calendar import ClockState, WorkingDayCalendar, forget_cached_calendar
from masa.core.models import AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.journey.models import ClockSetting
from tests.conftest import World

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = dt.date(2026, 12, 24)  # Thursday; Christmas Day and Boxing Day (observed) follow
TODAY = dt.date(2027, 1, 4)  # Monday


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    real = timezone.localdate

    def pinned(value: dt.datetime | None = None, timezone: object = None) -> dt.date:
        return TODAY if value is None else real(value)

    monkeypatch.setattr("django.utils.timezone.localdate", pinned)
    forget_cached_calendar()
    yield TODAY
    forget_cached_calendar()


def refer(world: World, **changes: Any) -> LadoAllegation:
    data: dict[str, Any] = {
        "actor": world.users["lado"],
        "received_on": CHRISTMAS_EVE,
        "referred_by": "Head teacher, Test School",
        "referring_sector": "education",
        "employer": "Test School",
        "person_role": "Teaching assistant",
        "person_name": "Alex Example",
        "category": "physical",
        "summary": "A pupil said they were grabbed by the arm",
    }
    data.update(changes)
    return services_lado.allegation_refer(**data)


def consider(world: World, allegation: LadoAllegation, day: dt.date) -> LadoAllegation:
    return services_lado.consideration_record(
        actor=world.users["lado"],
        allegation=allegation,
        considered_on=day,
        decision="strategy_meeting",
        version=allegation.version,
    )


def decide(
    world: World, allegation: LadoAllegation, day: dt.date, outcome: str = "substantiated"
) -> LadoAllegation:
    return services_lado.outcome_record(
        actor=world.users["lado"],
        allegation=allegation,
        outcome=outcome,
        outcome_on=day,
        employer_actions="Dismissed",
        dbs_referral=True,
        version=allegation.version,
    )


# ---------------------------------------------------------------- the clock


def test_a_referral_on_christmas_eve_is_due_for_consideration_on_tuesday_29_december() -> None:
    allegation = LadoAllegation(received_on=CHRISTMAS_EVE)
    found = selectors_lado.consideration_clock(
        allegation, today=CHRISTMAS_EVE, calendar=WorkingDayCalendar()
    )
    assert found.clock.due == dt.date(2026, 12, 29)
    assert found.state is ClockState.DUE
    text = found.clock.explanation()
    assert "Christmas Day (25 December 2026)" in text
    assert "Boxing Day (observed) (28 December 2026)" in text
    assert "Rule: local rule" in text


def test_a_referral_before_easter_is_due_on_the_tuesday_after_easter_monday() -> None:
    allegation = LadoAllegation(received_on=dt.date(2026, 4, 2))  # Maundy Thursday
    found = selectors_lado.consideration_clock(
        allegation, today=dt.date(2026, 4, 8), calendar=WorkingDayCalendar()
    )
    assert found.clock.due == dt.date(2026, 4, 7)
    assert found.state is ClockState.OVERDUE


def test_consideration_on_the_due_day_is_in_time_and_the_day_after_is_late(
    world: World, today: dt.date
) -> None:
    in_time = consider(world, refer(world), dt.date(2026, 12, 29))
    late = consider(world, refer(world), dt.date(2026, 12, 30))
    assert selectors_lado.consideration_clock(in_time, today=today).state is ClockState.MET
    assert selectors_lado.consideration_clock(late, today=today).state is ClockState.MISSED


def test_a_partnership_that_sets_its_own_timescale_has_it_used(
    world: World, today: dt.date
) -> None:
    ClockSetting.objects.create(
        partnership=world.partnership,
        code="lado_initial_consideration",
        duration=2,
        unit="working days",
        changed_by=world.users["business_manager"],
    )
    rule = selectors_lado.consideration_rule(world.partnership.pk)
    allegation = refer(world)
    found = selectors_lado.consideration_clock(allegation, today=today, rule=rule)
    assert found.clock.due == dt.date(2026, 12, 30)


def test_working_days_to_resolution_skip_christmas_and_new_year(
    world: World, today: dt.date
) -> None:
    allegation = decide(world, consider(world, refer(world), dt.date(2026, 12, 29)), TODAY)
    # 29, 30 and 31 December, then (after New Year's Day) Monday 4 January.
    assert selectors_lado.working_days_to_resolution(allegation) == 4


# ---------------------------------------------------------------- refusals


def test_the_outcome_is_refused_before_the_initial_consideration(
    world: World, today: dt.date
) -> None:
    allegation = refer(world)
    with pytest.raises(ServiceError, match="Record the initial consideration before the outcome"):
        decide(world, allegation, TODAY)
    allegation.refresh_from_db()
    assert allegation.outcome == ""


def test_dates_before_the_referral_and_in_the_future_are_refused(
    world: World, today: dt.date
) -> None:
    with pytest.raises(ServiceError, match="must be today or in the past") as error:
        refer(world, received_on=dt.date(2027, 1, 5))
    assert error.value.field == "received_on"
    allegation = refer(world)
    with pytest.raises(ServiceError, match=r"on or after .*\(24 December 2026\)") as error:
        consider(world, allegation, dt.date(2026, 12, 23))
    assert error.value.field == "considered_on"
    allegation = consider(world, allegation, dt.date(2026, 12, 29))
    with pytest.raises(ServiceError, match="The date of the outcome must be today or in the past"):
        decide(world, allegation, dt.date(2027, 1, 5))
    with pytest.raises(ServiceError, match=r"on or after the initial consideration \(29 December"):
        decide(world, allegation, dt.date(2026, 12, 28))
    with pytest.raises(ServiceError, match="The date of the meeting must be on or after"):
        services_lado.meeting_record(
            actor=world.users["lado"],
            allegation=allegation,
            held_on=dt.date(2026, 12, 1),
            kind="strategy",
            attendees="",
            decisions="Police to investigate",
        )


def test_closing_without_an_outcome_is_refused_and_a_closed_allegation_cannot_change(
    world: World, today: dt.date
) -> None:
    lado = world.users["lado"]
    allegation = consider(world, refer(world), dt.date(2026, 12, 29))
    with pytest.raises(ServiceError, match="Record the outcome before closing"):
        services_lado.allegation_close(
            actor=lado, allegation=allegation, closed_on=TODAY, version=allegation.version
        )
    allegation = decide(world, allegation, dt.date(2026, 12, 31), LadoOutcome.UNFOUNDED)
    with pytest.raises(ServiceError, match=r"on or after the outcome \(31 December 2026\)"):
        services_lado.allegation_close(
            actor=lado,
            allegation=allegation,
            closed_on=dt.date(2026, 12, 30),
            version=allegation.version,
        )
    services_lado.allegation_close(
        actor=lado, allegation=allegation, closed_on=TODAY, version=allegation.version
    )
    with pytest.raises(ServiceError, match="closed on 4 January 2027: it cannot be changed"):
        services_lado.meeting_record(
            actor=lado,
            allegation=allegation,
            held_on=TODAY,
            kind="review",
            attendees="",
            decisions="Lessons learnt",
        )


def test_a_stale_version_is_refused_and_nothing_is_overwritten(
    world: World, today: dt.date
) -> None:
    allegation = refer(world)
    seen = allegation.version
    consider(world, allegation, dt.date(2026, 12, 29))
    with pytest.raises(StaleVersion):
        services_lado.consideration_record(
            actor=world.users["lado"],
            allegation=LadoAllegation.objects.get(pk=allegation.pk),
            considered_on=dt.date(2026, 12, 30),
            decision="advice_only",
            version=seen,
        )
    allegation.refresh_from_db()
    assert allegation.initial_consideration_on == dt.date(2026, 12, 29)
    assert allegation.initial_decision == "strategy_meeting"


def test_only_the_lado_may_refer_and_children_must_be_in_their_scope(
    world: World, today: dt.date
) -> None:
    with pytest.raises(ServiceError, match="Only the LADO"):
        refer(world, actor=world.users["team_manager"])
    allegation = refer(world, children=[world.child])
    assert list(allegation.children.all()) == [world.child]
    audit = AuditEvent.objects.get(object_type="lado_allegation", action="create")
    assert audit.object_label == f"LADO allegation L{allegation.pk:06d}: referral received"
    assert "Alex Example" not in str(audit.after)  # the person is never named in the audit log


# ---------------------------------------------------------------- the year's figures


def test_the_years_figures_count_by_sector_and_outcome_with_timeliness(
    world: World, today: dt.date
) -> None:
    lado = world.users["lado"]
    a = consider(world, refer(world, received_on=dt.date(2026, 6, 4)), dt.date(2026, 6, 5))
    decide(world, a, dt.date(2026, 7, 2), LadoOutcome.SUBSTANTIATED)  # 20 working days
    b = consider(
        world,
        refer(world, received_on=dt.date(2026, 9, 10), referring_sector="health"),
        dt.date(2026, 9, 14),  # Monday: due Friday 11 September, so late
    )
    decide(world, b, dt.date(2026, 9, 24), LadoOutcome.UNFOUNDED)  # 10 working days
    refer(world, received_on=dt.date(2026, 12, 24), referring_sector="health")  # awaiting
    refer(world, received_on=dt.date(2026, 2, 2), referring_sector="sport")  # 2025 to 2026
    services_lado.allegation_close(
        actor=lado,
        allegation=LadoAllegation.objects.get(pk=b.pk),
        closed_on=dt.date(2026, 10, 1),
        version=LadoAllegation.objects.get(pk=b.pk).version,
    )

    figures = selectors_lado.year_figures(
        lado, ReportingYear.of(2026, YearBasis.FINANCIAL), today=today
    )
    assert figures.year.label == "2026 to 2027"
    assert figures.referrals == 3
    by_sector = dict(figures.by_sector)
    assert by_sector["Education"] == 1
    assert by_sector["Health"] == 2
    assert by_sector["Sport, leisure and culture"] == 0
    assert dict(figures.by_outcome) == {
        "Substantiated": 1,
        "Unsubstantiated": 0,
        "False": 0,
        "Malicious": 0,
        "Unfounded": 1,
    }
    assert (figures.considered_in_time, figures.considered_late) == (1, 1)
    assert figures.awaiting_consideration == 1
    assert figures.in_time_percent == 50
    assert figures.timeliness_text == "50% (1 of 2); 1 awaiting consideration"
    assert figures.median_days_to_outcome == 15
    assert figures.dbs_referrals == 2
    assert figures.closed == 1

    calendar_year = selectors_lado.year_figures(
        lado, ReportingYear.of(2026, YearBasis.CALENDAR), today=today
    )
    assert calendar_year.referrals == 4  # February 2026 counts in the calendar year
    assert dict(calendar_year.by_sector)["Sport, leisure and culture"] == 1
