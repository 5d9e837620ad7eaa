"""Private fostering: the first visit clock over Christmas, later visits every 6 then 12 weeks,
late notification, and the refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from masa.care import selectors_exploitation as selectors
from masa.care import services_fostering as services
from masa.care.models import PrivateFostering, PrivateFosteringVisit
from masa.core.calendar import ClockState, WorkingDayCalendar, forget_cached_calendar
from masa.core.models import AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.journey.models import ChronologyEntry
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 4)  # Monday
CALENDAR = WorkingDayCalendar()


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    real = timezone.localdate

    def pinned(value: dt.datetime | None = None, timezone: object = None) -> dt.date:
        return TODAY if value is None else real(value)

    monkeypatch.setattr("django.utils.timezone.localdate", pinned)
    forget_cached_calendar()
    yield TODAY
    forget_cached_calendar()


def arrangement(**values: Any) -> PrivateFostering:
    """An unsaved arrangement, for the pure clock functions."""
    data: dict[str, Any] = {
        "notified_on": dt.date(2026, 12, 17),
        "proposed_start_on": dt.date(2026, 12, 18),
        "carer_name": "Morgan Reid",
    }
    data.update(values)
    return PrivateFostering(**data)


def visit(day: dt.date, seen: bool = True, pk: int = 0) -> PrivateFosteringVisit:
    return PrivateFosteringVisit(pk=pk or day.toordinal(), visited_on=day, child_seen=seen,
                                 child_seen_alone=seen)  # fmt: skip


def notify(world: World, **changes: Any) -> PrivateFostering:
    data: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "child": world.child,
        "notified_on": dt.date(2026, 12, 17),
        "proposed_start_on": dt.date(2027, 1, 11),
        "carer_name": "Morgan Reid",
        "carer_relationship": "Family friend",
    }
    data.update(changes)
    return services.notification_record(**data)


# ---------------------------------------------------------------- clocks


def test_the_first_visit_is_due_7_working_days_after_notification_over_christmas() -> None:
    # Thursday 17 December 2026: 18, 21, 22, 23, 24, (25 and 28 are bank holidays) 29, 30.
    clocks = selectors.fostering_clocks(
        arrangement(), [], today=dt.date(2026, 12, 17), calendar=CALENDAR
    )
    assert [(c.clock.rule.code, c.clock.due) for c in clocks] == [
        ("pf_first_visit", dt.date(2026, 12, 30))
    ]
    assert clocks[0].state is ClockState.DUE
    assert "Christmas Day (25 December 2026)" in clocks[0].clock.explanation()
    late = selectors.fostering_clocks(
        arrangement(), [], today=dt.date(2026, 12, 31), calendar=CALENDAR
    )
    assert late[0].state is ClockState.OVERDUE


def test_a_visit_without_seeing_the_child_does_not_stop_the_clock() -> None:
    clocks = selectors.fostering_clocks(
        arrangement(started_on=dt.date(2026, 12, 18)),
        [visit(dt.date(2026, 12, 22), seen=False)],
        today=dt.date(2026, 12, 23),
        calendar=CALENDAR,
    )
    assert len(clocks) == 1
    assert clocks[0].done_on is None
    assert clocks[0].state is ClockState.DUE


def test_later_visits_are_due_every_6_weeks_in_the_first_year_then_every_12_weeks() -> None:
    started = arrangement(started_on=dt.date(2026, 12, 18))
    clocks = selectors.fostering_clocks(
        started, [visit(dt.date(2026, 12, 30))], today=dt.date(2027, 1, 4), calendar=CALENDAR
    )
    assert clocks[0].state is ClockState.MET
    assert clocks[0].done_on == dt.date(2026, 12, 30)
    assert (clocks[1].clock.rule.code, clocks[1].clock.due) == (
        "pf_visit_first_year",
        dt.date(2027, 2, 10),  # 30 December 2026 + 42 days
    )
    a_year_on = [visit(dt.date(2026, 12, 30)), visit(dt.date(2027, 12, 20))]
    clocks = selectors.fostering_clocks(
        started, a_year_on, today=dt.date(2027, 12, 21), calendar=CALENDAR
    )
    assert (clocks[1].clock.rule.code, clocks[1].clock.due) == (
        "pf_visit_later",
        dt.date(2028, 3, 13),  # 20 December 2027 + 84 days
    )


def test_a_first_visit_before_the_arrangement_starts_leaves_6_weeks_from_the_start() -> None:
    advance = arrangement(
        notified_on=dt.date(2026, 9, 1),
        proposed_start_on=dt.date(2026, 11, 2),
        started_on=dt.date(2026, 11, 2),
    )
    clocks = selectors.fostering_clocks(
        advance, [visit(dt.date(2026, 9, 8))], today=dt.date(2026, 11, 3), calendar=CALENDAR
    )
    assert clocks[1].clock.due == dt.date(2026, 12, 14)  # 2 November + 42 days


def test_each_visit_is_marked_in_time_or_late() -> None:
    started = arrangement(started_on=dt.date(2026, 12, 18))
    visits = [
        visit(dt.date(2026, 12, 31), pk=1),  # first visit due 30 December: late
        visit(dt.date(2027, 1, 20), seen=False, pk=2),  # does not count
        visit(dt.date(2027, 2, 11), pk=3),  # due 11 February: in time
    ]
    states = selectors.visit_timeliness(started, visits, CALENDAR)
    assert states == {1: ClockState.MISSED, 3: ClockState.MET}


def test_notice_less_than_6_weeks_before_the_start_is_flagged_late() -> None:
    late = selectors.notice_check(
        arrangement(notified_on=dt.date(2026, 11, 23), proposed_start_on=dt.date(2026, 12, 1))
    )
    assert late.late
    assert late.due_by == dt.date(2026, 10, 20)
    assert late.text.startswith("Late notification: notified 8 days before the proposed start")
    assert "by 20 October 2026" in late.text
    in_time = selectors.notice_check(
        arrangement(notified_on=dt.date(2026, 10, 20), proposed_start_on=dt.date(2026, 12, 1))
    )
    assert not in_time.late
    started_first = selectors.notice_check(
        arrangement(
            notified_on=dt.date(2026, 11, 23),
            proposed_start_on=dt.date(2026, 11, 1),
            started_on=dt.date(2026, 11, 1),
        )
    )
    assert "after the arrangement had started on 1 November 2026" in started_first.text


# ---------------------------------------------------------------- services and refusals


def test_a_notification_is_recorded_with_its_chronology_line_and_audit(
    world: World, today: dt.date
) -> None:
    recorded = notify(world)
    assert recorded.carer_relationship == "Family friend"
    entry = ChronologyEntry.objects.get(child=world.child)
    assert entry.summary == "Private fostering notified: proposed to start 11 January 2027"
    assert entry.audience == ""  # children's social care's own line
    assert AuditEvent.objects.filter(
        object_type="private_fostering", action="create", child_id=world.child.pk
    ).exists()


def test_a_second_open_arrangement_is_refused(world: World, today: dt.date) -> None:
    notify(world)
    with pytest.raises(ServiceError, match="already has a private fostering arrangement"):
        notify(world, carer_name="Someone else")


def test_a_child_of_16_without_a_disability_is_refused_and_a_disabled_child_is_not(
    world: World, today: dt.date
) -> None:
    world.child.date_of_birth = dt.date(2010, 12, 1)  # 16 on 11 January 2027
    world.child.save()
    with pytest.raises(ServiceError, match="is 16 on the proposed start") as error:
        notify(world)
    assert error.value.field == "proposed_start_on"
    world.child.disabilities = ["LD"]
    world.child.save()
    assert notify(world).pk


def test_visit_and_end_refusals(world: World, today: dt.date) -> None:
    worker = world.users["social_worker"]
    recorded = notify(world)
    with pytest.raises(ServiceError, match=r"on or after the notification \(17 December 2026\)"):
        services.visit_record(
            actor=worker,
            arrangement=recorded,
            visited_on=dt.date(2026, 12, 16),
            child_seen=True,
            child_seen_alone=True,
            notes="",
        )
    with pytest.raises(ServiceError, match="cannot have been seen alone if they were not seen"):
        services.visit_record(
            actor=worker,
            arrangement=recorded,
            visited_on=dt.date(2026, 12, 22),
            child_seen=False,
            child_seen_alone=True,
            notes="",
        )
    with pytest.raises(ServiceError, match="The date of the visit must be today or in the past"):
        services.visit_record(
            actor=worker,
            arrangement=recorded,
            visited_on=dt.date(2027, 1, 5),
            child_seen=True,
            child_seen_alone=False,
            notes="",
        )
    with pytest.raises(ServiceError, match="Enter why the arrangement ended"):
        services.arrangement_end(
            actor=worker, arrangement=recorded, ended_on=TODAY, end_reason=" ", version=1
        )
    with pytest.raises(ServiceError, match=r"on or after the notification \(17 December 2026\)"):
        services.arrangement_end(
            actor=worker,
            arrangement=recorded,
            ended_on=dt.date(2026, 12, 1),
            end_reason="Went home",
            version=1,
        )
    services.arrangement_end(
        actor=worker, arrangement=recorded, ended_on=TODAY, end_reason="Went home", version=1
    )
    with pytest.raises(ServiceError, match="ended on 4 January 2027: it cannot be changed"):
        services.visit_record(
            actor=worker,
            arrangement=PrivateFostering.objects.get(pk=recorded.pk),
            visited_on=TODAY,
            child_seen=True,
            child_seen_alone=True,
            notes="",
        )


def test_the_start_takes_the_version_seen_and_is_recorded_once(
    world: World, today: dt.date
) -> None:
    worker = world.users["social_worker"]
    recorded = notify(world)
    services.arrangement_start(
        actor=worker, arrangement=recorded, started_on=dt.date(2026, 12, 21), version=1
    )
    with pytest.raises(StaleVersion):
        services.arrangement_start(
            actor=worker,
            arrangement=PrivateFostering.objects.get(pk=recorded.pk),
            started_on=dt.date(2026, 12, 22),
            version=1,
        )
    with pytest.raises(ServiceError, match=r"already recorded \(21 December 2026\)"):
        services.arrangement_start(
            actor=worker,
            arrangement=PrivateFostering.objects.get(pk=recorded.pk),
            started_on=dt.date(2026, 12, 22),
            version=2,
        )


def test_a_role_without_record_care_cannot_notify(world: World, today: dt.date) -> None:
    with pytest.raises(ServiceError, match="Your role cannot record private fostering"):
        notify(world, actor=world.users["police_officer"])
