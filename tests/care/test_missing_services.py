"""Missing episodes through their services: reporting, the return and the return home interview,
every refusal, the audit and chronology, and the 72-hour interview clock on real dates.

"Now" is pinned to Monday 23 November 2026 at noon (GMT).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from masa.care import selectors_missing, services_missing
from masa.care.checks import CareFinding
from masa.care.models import MissingEpisode
from masa.core.calendar import ClockState
from masa.core.models import AuditAction, AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.journey.models import ChronologyEntry
from tests.conftest import World

from .factories import make_episode

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Pins timezone.now() and timezone.localdate() to Monday 23 November 2026, noon."""
    real_localdate = timezone.localdate

    def localdate(value: dt.datetime | None = None, timezone: Any = None) -> dt.date:
        return NOW.date() if value is None else real_localdate(value)

    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return NOW


def report(world: World, **changes: Any) -> MissingEpisode:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "child": world.child,
        "kind": "M",
        "started_at": at(2026, 11, 20, 22),
        "last_seen_location": "Northbury bus station",
        "reported_by_agency": world.agencies["police"],
        "police_reference": "NP-2026-1101",
        "associates": ["Dean, 24"],
        "exploitation_concern": False,
    }
    values.update(changes)
    return services_missing.missing_reported(**values)


def returned(world: World, episode: MissingEpisode, **changes: Any) -> MissingEpisode:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "episode": episode,
        "version": episode.version,
        "ended_at": at(2026, 11, 21, 9),
        "found_location": "Flat 3, Mill Road",
        "associates": ["Dean, 24"],
        "exploitation_concern": True,
    }
    values.update(changes)
    return services_missing.missing_returned(**values)


def interview(world: World, episode: MissingEpisode, **changes: Any) -> MissingEpisode:
    values: dict[str, Any] = {
        "actor": world.users["social_worker"],
        "episode": episode,
        "version": episode.version,
        "offered_at": at(2026, 11, 22, 10),
        "accepted": None,
        "held_on": None,
        "outcome": "",
    }
    values.update(changes)
    return services_missing.return_interview_recorded(**values)


def refused(call: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value


# ---------------------------------------------------------------- reporting


def test_a_report_is_saved_audited_and_put_on_the_chronology(
    world: World, now: dt.datetime
) -> None:
    episode = report(world, associates=["Dean, 24", "  dean ,24 ", "", "Kai"])

    assert episode.kind == "M"
    assert episode.started_at == at(2026, 11, 20, 22)
    assert episode.associates == ["Dean, 24", "Kai"]  # one Dean: case and spacing ignored
    event = AuditEvent.objects.get(object_type="missing_episode", object_id=str(episode.pk))
    assert event.action == AuditAction.CREATE
    assert event.after["started_at"] == "2026-11-20T22:00:00+00:00"
    line = ChronologyEntry.objects.get(child=world.child, summary="Reported missing")
    assert line.occurred_on == dt.date(2026, 11, 20)
    assert line.audience == "|health|police|school|"


def test_a_report_of_an_episode_already_over_records_the_return_too(
    world: World, now: dt.datetime
) -> None:
    episode = report(world, ended_at=at(2026, 11, 21, 1, 30), found_location="Retail park")

    assert episode.ended_at == at(2026, 11, 21, 1, 30)
    assert ChronologyEntry.objects.filter(
        child=world.child, summary="Returned after being missing for 3 hours"
    ).exists()


def test_a_start_in_the_future_is_refused(world: World, now: dt.datetime) -> None:
    error = refused(lambda: report(world, started_at=NOW + dt.timedelta(minutes=5)))

    assert error.field == "started_at"
    assert error.message == "The time the child went missing must be now or in the past"
    assert not MissingEpisode.objects.exists()


def test_a_return_before_the_start_is_refused(world: World, now: dt.datetime) -> None:
    error = refused(lambda: report(world, ended_at=at(2026, 11, 20, 21)))

    assert error.field == "ended_at"
    assert error.message == (
        "The time the child returned must be after the time they went missing "
        "(20 November 2026 at 10:00pm)"
    )


def test_a_return_at_the_same_moment_as_the_start_is_refused(
    world: World, now: dt.datetime
) -> None:
    error = refused(lambda: report(world, ended_at=at(2026, 11, 20, 22)))

    assert error.field == "ended_at"


def test_a_second_report_while_the_child_is_still_missing_is_refused(
    world: World, now: dt.datetime
) -> None:
    report(world)

    error = refused(lambda: report(world, started_at=at(2026, 11, 22, 18)))

    assert error.field == "started_at"
    assert "is already recorded as missing from 20 November 2026 at 10:00pm" in error.message
    assert MissingEpisode.objects.count() == 1


def test_an_episode_overlapping_an_earlier_one_is_refused(world: World, now: dt.datetime) -> None:
    returned(world, report(world))  # 20 November 10pm to 21 November 9am

    error = refused(
        lambda: report(world, started_at=at(2026, 11, 20, 8), ended_at=at(2026, 11, 20, 23))
    )

    assert error.message == (
        "This overlaps another episode for Kira Holt, from 20 November 2026 at 10:00pm to "
        "21 November 2026 at 9:00am. One child's episodes cannot overlap"
    )


def test_an_earlier_episode_that_ends_before_the_next_began_is_accepted(
    world: World, now: dt.datetime
) -> None:
    returned(world, report(world))

    earlier = report(world, started_at=at(2026, 11, 10, 20), ended_at=at(2026, 11, 20, 22))

    assert earlier.pk is not None


def test_an_open_historic_report_before_a_later_episode_is_refused(
    world: World, now: dt.datetime
) -> None:
    returned(world, report(world))

    error = refused(lambda: report(world, started_at=at(2026, 11, 1, 20)))

    assert "overlaps another episode" in error.message


def test_away_from_placement_is_refused_for_a_child_who_is_not_looked_after(
    world: World, now: dt.datetime
) -> None:
    error = refused(lambda: report(world, kind="A"))

    assert error.field == "kind"
    assert error.message == (
        "Away from placement without authorisation is only for a looked-after child. Kira Holt "
        "was not looked after then: record them as missing"
    )


def test_away_from_placement_is_accepted_for_a_looked_after_child(
    world: World, now: dt.datetime
) -> None:
    make_episode(world.child, started_on=dt.date(2026, 9, 1))

    episode = report(world, kind="A")

    assert episode.get_kind_display() == "Away from placement without authorisation"


def test_someone_without_the_missing_permission_cannot_report(
    world: World, now: dt.datetime
) -> None:
    error = refused(lambda: report(world, actor=world.users["designated_safeguarding_lead"]))

    assert error.message == "You cannot record missing episodes"


def test_a_903_finding_about_the_episode_refuses_the_save(
    world: World, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = CareFinding("Missing", 1, ("MIS_START",), "1004", "The start date is wrong.")
    monkeypatch.setattr("masa.care.checks.findings_for_child", lambda child, today: [finding])

    error = refused(lambda: report(world))

    assert error.message == "The start date is wrong. (DfE rule 1004)"
    assert error.field == "started_at"
    assert not MissingEpisode.objects.exists()
    assert not ChronologyEntry.objects.filter(summary="Reported missing").exists()


def test_a_903_finding_about_another_record_does_not_refuse_the_save(
    world: World, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = CareFinding("Episodes", 1, ("DECOM",), "103", "Something else.")
    monkeypatch.setattr("masa.care.checks.findings_for_child", lambda child, today: [finding])

    assert report(world).pk is not None


# ---------------------------------------------------------------- the return


def test_the_return_is_saved_with_what_was_learnt_and_audited(
    world: World, now: dt.datetime
) -> None:
    episode = report(world)

    done = returned(world, episode, associates=["Dean, 24", "Kai"])

    assert done.ended_at == at(2026, 11, 21, 9)
    assert done.found_location == "Flat 3, Mill Road"
    assert done.associates == ["Dean, 24", "Kai"]
    assert done.exploitation_concern is True
    assert done.version == 2
    change = AuditEvent.objects.get(object_id=str(episode.pk), action=AuditAction.UPDATE)
    assert change.before["ended_at"] is None
    assert change.after["ended_at"] == "2026-11-21T09:00:00+00:00"
    line = ChronologyEntry.objects.get(summary="Returned after being missing for 11 hours")
    assert line.occurred_on == dt.date(2026, 11, 21)


def test_a_return_in_the_future_is_refused(world: World, now: dt.datetime) -> None:
    error = refused(lambda: returned(world, report(world), ended_at=NOW + dt.timedelta(hours=1)))

    assert error.message == "The time the child returned must be now or in the past"


def test_a_return_recorded_twice_is_refused(world: World, now: dt.datetime) -> None:
    episode = returned(world, report(world))

    error = refused(lambda: returned(world, episode, ended_at=at(2026, 11, 22, 9)))

    assert error.message == "The return is already recorded (21 November 2026 at 9:00am)"


def test_a_return_from_a_stale_page_is_refused(world: World, now: dt.datetime) -> None:
    episode = report(world)
    returned(world, MissingEpisode.objects.get(pk=episode.pk))

    with pytest.raises(StaleVersion):
        returned(world, episode, version=1)


# ---------------------------------------------------------------- the return home interview


def test_the_interview_is_recorded_in_steps(world: World, now: dt.datetime) -> None:
    episode = returned(world, report(world))

    offered = interview(world, episode)
    assert offered.rhi_offered_at == at(2026, 11, 22, 10)
    held = interview(
        world,
        offered,
        accepted=True,
        held_on=dt.date(2026, 11, 23),
        outcome="Went to a flat on Mill Road with an older man; referred to the MACE panel.",
    )

    assert held.rhi_held_on == dt.date(2026, 11, 23)
    assert held.rhi_accepted is True
    summaries = set(ChronologyEntry.objects.values_list("summary", flat=True))
    assert {"Return home interview offered", "Return home interview held"} <= summaries
    assert ChronologyEntry.objects.get(summary="Return home interview held").audience == "|police|"
    assert AuditEvent.objects.filter(object_id=str(episode.pk)).count() == 4


def test_an_interview_before_the_return_is_recorded_is_refused(
    world: World, now: dt.datetime
) -> None:
    error = refused(lambda: interview(world, report(world)))

    assert error.message == (
        "Record the child's return first: an interview is offered after the return"
    )


def test_an_interview_offered_before_the_return_is_refused(world: World, now: dt.datetime) -> None:
    episode = returned(world, report(world))

    error = refused(lambda: interview(world, episode, offered_at=at(2026, 11, 21, 8)))

    assert error.field == "offered_at"
    assert error.message == (
        "The interview must be offered after the child returned (21 November 2026 at 9:00am)"
    )


def test_an_interview_offered_in_the_future_is_refused(world: World, now: dt.datetime) -> None:
    episode = returned(world, report(world))

    error = refused(lambda: interview(world, episode, offered_at=NOW + dt.timedelta(hours=2)))

    assert error.message == "The time the interview was offered must be now or in the past"


def test_an_interview_held_before_it_was_offered_is_refused(world: World, now: dt.datetime) -> None:
    episode = returned(world, report(world))

    error = refused(lambda: interview(world, episode, accepted=True, held_on=dt.date(2026, 11, 21)))

    assert error.field == "held_on"
    assert "cannot be held before it was offered (22 November 2026 at 10:00am)" in error.message


def test_an_interview_held_without_the_child_accepting_it_is_refused(
    world: World, now: dt.datetime
) -> None:
    episode = returned(world, report(world))

    error = refused(
        lambda: interview(world, episode, accepted=False, held_on=dt.date(2026, 11, 23))
    )

    assert error.field == "accepted"


def test_an_interview_declined_without_saying_why_is_refused(
    world: World, now: dt.datetime
) -> None:
    episode = returned(world, report(world))

    error = refused(lambda: interview(world, episode, accepted=False))

    assert error.field == "outcome"


# ---------------------------------------------------------------- the 72-hour clock


def clock(ended_at: dt.datetime, offered_at: dt.datetime | None = None, now: dt.datetime = NOW):
    return selectors_missing.rhi_clock_for(ended_at, offered_at, now)


def test_the_interview_clock_runs_through_the_weekend(now: dt.datetime) -> None:
    # Back on Friday 20 November 2026 at 6pm: 72 hours later is Monday 23 November at 6pm.
    rhi = clock(at(2026, 11, 20, 18))

    assert rhi.due_at == at(2026, 11, 23, 18)
    assert rhi.state == ClockState.DUE
    assert rhi.hours_left == 6
    assert "Counted in hours, not working days: weekends and bank holidays count" in (
        rhi.explanation()
    )


def test_the_interview_clock_runs_through_christmas() -> None:
    # Back on Thursday 24 December 2026 at 10am: Christmas Day and Boxing Day count.
    rhi = clock(at(2026, 12, 24, 10), now=at(2026, 12, 27, 11))

    assert rhi.due_at == at(2026, 12, 27, 10)
    assert rhi.state == ClockState.OVERDUE


def test_the_interview_clock_runs_through_easter() -> None:
    # Back on Thursday 2 April 2026 at 4pm: Good Friday (3 April) counts like any day.
    rhi = clock(at(2026, 4, 2, 16), offered_at=at(2026, 4, 5, 16))

    assert rhi.due_at == at(2026, 4, 5, 16)
    assert rhi.state == ClockState.MET  # offered on the last minute is in time


def test_an_offer_a_minute_late_is_late() -> None:
    rhi = clock(at(2026, 4, 2, 16), offered_at=at(2026, 4, 5, 16, 1))

    assert rhi.state == ClockState.MISSED


def test_the_interview_clock_counts_real_hours_when_the_clocks_go_forward() -> None:
    # Back on Friday 27 March 2026 at 6pm GMT; British Summer Time starts on Sunday 29 March.
    rhi = clock(at(2026, 3, 27, 18), now=at(2026, 3, 28, 9))

    assert rhi.due_at == at(2026, 3, 30, 19)
    assert "due 30 March 2026 at 7:00pm" in rhi.explanation()
    assert "The clocks change in these 72 hours" in rhi.explanation()


def test_no_interview_clock_after_an_away_episode_or_before_the_return(
    world: World, now: dt.datetime
) -> None:
    make_episode(world.child, started_on=dt.date(2026, 9, 1))
    away = report(world, kind="A", ended_at=at(2026, 11, 21, 1))
    still = report(world, started_at=at(2026, 11, 22, 20))

    assert selectors_missing.rhi_clock(away) is None
    assert selectors_missing.rhi_clock(still) is None
