""" "As known on": what masa had been told by the end of a past day, as a rapid review needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditAction, AuditEvent
from masa.journey.chronology import ChronologyLine, chronology_for
from masa.journey.models import EventType, Stage
from masa.journey.services import chronology_follow, chronology_record
from tests.casework_factories import make_case, make_chronology_entry
from tests.conftest import World

pytestmark = pytest.mark.django_db

LONDON = dt.timezone(dt.timedelta(hours=1))  # British Summer Time, to test the day's end


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def summaries(lines: list[ChronologyLine]) -> list[str]:
    return [line.summary for line in lines]


def test_an_entry_recorded_late_is_absent_from_the_earlier_view_and_present_after(
    world: World,
) -> None:
    health = world.agencies[AgencyKind.HEALTH]
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 6, 1),
        recorded_at=london(dt.date(2026, 6, 2), 10),
        source_agency=health,
        summary="Missed health appointment",
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 6, 3),
        recorded_at=london(dt.date(2026, 7, 10), 9),
        source_agency=health,
        summary="Injury seen at A&E, told to masa five weeks later",
    )
    sw = world.users["social_worker"]

    before = chronology_for(sw, world.child, as_known_on=dt.date(2026, 7, 9))
    after = chronology_for(sw, world.child, as_known_on=dt.date(2026, 7, 10))

    assert summaries(before) == ["Missed health appointment"]
    assert summaries(after) == [
        "Missed health appointment",
        "Injury seen at A&E, told to masa five weeks later",
    ]


def test_the_day_ends_at_midnight_in_london_not_in_utc(world: World) -> None:
    # 23:30 on 10 July in London is 22:30 UTC: known on 10 July, not on 9 July.
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 7, 10),
        recorded_at=london(dt.date(2026, 7, 10), 23, 30),
        source_agency=world.agencies[AgencyKind.POLICE],
        summary="Late-evening call-out",
    )
    sw = world.users["social_worker"]

    assert chronology_for(sw, world.child, as_known_on=dt.date(2026, 7, 9)) == []
    assert summaries(chronology_for(sw, world.child, as_known_on=dt.date(2026, 7, 10))) == [
        "Late-evening call-out"
    ]


def test_an_entry_recorded_after_seven_days_is_marked_recorded_late(world: World) -> None:
    police = world.agencies[AgencyKind.POLICE]
    on_time = make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 3, 2),
        recorded_at=london(dt.date(2026, 3, 9), 17),
        source_agency=police,
        summary="Seven days later",
    )
    late = make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 3, 2),
        recorded_at=london(dt.date(2026, 3, 10), 9),
        source_agency=police,
        summary="Eight days later",
    )

    lines = {
        line.entry.pk: line for line in chronology_for(world.users["team_manager"], world.child)
    }

    assert lines[on_time.pk].recorded_late is False
    assert lines[late.pk].recorded_late is True


def test_the_page_marks_late_entries_and_shows_when_masa_learnt_of_them(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 3, 2),
        recorded_at=london(dt.date(2026, 4, 20), 9),
        source_agency=world.agencies[AgencyKind.SCHOOL],
        summary="Disclosure to a teacher",
    )

    text = (
        client_for("social_worker")
        .get(f"/casework/children/{world.child.pk}/chronology/")
        .content.decode()
    )

    assert "2 March 2026" in text
    assert "20 April 2026" in text
    assert "Recorded late" in text


def test_a_corrected_date_shows_as_it_was_known_before_the_correction(world: World) -> None:
    sw = world.users["social_worker"]
    today = timezone.localdate()
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=today, actor=sw)
    entry = chronology_record(
        actor=sw,
        child=world.child,
        case=case,
        occurred_on=today - dt.timedelta(days=10),
        event_type=EventType.CONTACT,
        summary="Contact from school",
        record=case,
        recorded_at=timezone.now() - dt.timedelta(days=3),
    )

    chronology_follow(
        case,
        occurred_on=today - dt.timedelta(days=12),
        summary="Contact from school (date corrected)",
        actor=sw,
    )

    then = chronology_for(sw, world.child, as_known_on=today - dt.timedelta(days=1))
    now = chronology_for(sw, world.child, as_known_on=today)
    assert (then[0].occurred_on, then[0].summary) == (
        today - dt.timedelta(days=10),
        "Contact from school",
    )
    assert then[0].corrected_since is True
    assert (now[0].occurred_on, now[0].summary) == (
        today - dt.timedelta(days=12),
        "Contact from school (date corrected)",
    )
    assert now[0].corrected_since is False
    correction = AuditEvent.objects.get(object_type="chronology_entry", object_id=str(entry.pk))
    assert correction.action == AuditAction.UPDATE
    assert correction.before == {
        "occurred_on": (today - dt.timedelta(days=10)).isoformat(),
        "summary": "Contact from school",
    }
    assert correction.child_id == world.child.pk


def test_following_a_record_without_a_change_writes_no_audit(world: World) -> None:
    sw = world.users["social_worker"]
    today = timezone.localdate()
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=today, actor=sw)
    chronology_record(
        actor=sw,
        child=world.child,
        occurred_on=today,
        event_type=EventType.CONTACT,
        summary="Contact",
        record=case,
    )

    chronology_follow(case, occurred_on=today)

    assert not AuditEvent.objects.filter(object_type="chronology_entry").exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "As known on must be a real date"),
        ("12", "", "2026", "As known on must include a month"),
        ("x", "3", "2026", "As known on must be a real date"),
        ("1", "1", "2099", "As known on must be today or in the past"),
    ],
)
def test_a_bad_as_known_on_date_is_shown_in_the_error_summary(
    world: World, client_for, day: str, month: str, year: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 3, 2),
        source_agency=world.agencies[AgencyKind.POLICE],
        summary="Should not be listed while the filter is wrong",
    )
    response = client_for("social_worker").get(
        f"/casework/children/{world.child.pk}/chronology/",
        {"as_known_on_day": day, "as_known_on_month": month, "as_known_on_year": year},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert message in text
    assert "<title>Error:" in text
    assert "Should not be listed" not in text
    assert 'href="#as_known_on_day"' in text


def test_the_as_known_on_filter_on_the_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = world.agencies[AgencyKind.POLICE]
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 5, 1),
        recorded_at=london(dt.date(2026, 5, 1), 12),
        source_agency=police,
        summary="Known early",
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 5, 2),
        recorded_at=london(dt.date(2026, 9, 1), 12),
        source_agency=police,
        summary="Told to masa in September",
    )

    text = (
        client_for("social_worker")
        .get(
            f"/casework/children/{world.child.pk}/chronology/",
            {"as_known_on_day": "31", "as_known_on_month": "8", "as_known_on_year": "2026"},
        )
        .content.decode()
    )

    assert "Known early" in text
    assert "Told to masa in September" not in text
    assert "1 entry, oldest first" in text
    assert "As known on 31 August 2026" in text
