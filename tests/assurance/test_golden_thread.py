"""The golden thread: a priority, its outcome measures (a live indicator worked out from masa's
records, or readings the partnership records), the actions serving it and their evidence of
impact. The issue's evidence: the page shows a live figure that changes when a record is added."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from masa.assurance.models import (
    ActionStatus,
    MeasureDirection,
    MeasureReading,
    OutcomeMeasure,
    Priority,
)
from masa.assurance.services import measure_reading_add
from masa.core.services import ServiceError
from masa.journey.models import Stage
from masa.people.models import Child

from ..casework_factories import fix_today, make_case, make_referral
from ..conftest import World
from ..factories import ChildFactory
from ..frontdoor.factories import date_fields
from .helpers import MANAGER, make_action, make_priority

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    fix_today(monkeypatch, TODAY)
    return TODAY


def _latest(html: str, measure: OutcomeMeasure) -> str:
    """The text of a measure's "Live figure" or "Latest reading" row."""
    match = re.search(rf'data-measure-latest="{measure.pk}">(.*?)</dd>', html, re.S)
    assert match is not None
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_live_figure_changes_when_a_referral_is_recorded(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world, 1, "Early help and prevention")
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Referrals to children's social care",
        indicator_code="referrals",
        unit="referrals",
        direction=MeasureDirection.LOWER_IS_BETTER,
        baseline=Decimal("3"),
        baseline_label="2025-26",
    )
    worker = world.users["social_worker"]

    def referral_for(child: Child, day: dt.date) -> None:
        case = make_case(child, stage=Stage.REFERRAL, opened_on=day, actor=worker)
        make_referral(case, referral_date=day, actor=worker)

    referral_for(world.child, dt.date(2026, 6, 1))
    referral_for(world.la_only_child, dt.date(2025, 9, 1))  # last year
    # A team manager may see children's records, so small numbers are shown to them.
    client = client_for("team_manager")
    url = f"/actions/priorities/{priority.pk}/"
    before = client.get(url).content.decode()
    assert _latest(before, measure) == "1 referrals for 1 April to 23 November 2026"
    assert "Live figure" in before
    assert "1 referrals for 2025-26" in before  # last year's figure

    referral_for(ChildFactory(partnership=world.partnership, owning_team=world.la_team), TODAY)

    after = client.get(url).content.decode()
    assert _latest(after, measure) == "2 referrals for 1 April to 23 November 2026"
    # A count's year to date is part of a year: progress is judged on the last whole year.
    assert "Better than the baseline (2025-26)" in after


def test_a_recorded_measure_shows_its_latest_reading_and_progress(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world, 2, "Confidence, knowledge and skills of the workforce")
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Practitioners confident to escalate a concern",
        unit="%",
        direction=MeasureDirection.HIGHER_IS_BETTER,
        baseline=Decimal("62.00"),
        baseline_label="2023-24 survey",
        target=Decimal("80"),
    )
    manager = world.users[MANAGER]
    for label, day, value in (
        ("2024-25 survey", dt.date(2025, 4, 30), "71.50"),
        ("2025-26 survey", dt.date(2026, 4, 30), "83.00"),
    ):
        measure_reading_add(
            actor=manager,
            measure=measure,
            period_label=label,
            measured_on=day,
            value=Decimal(value),
            note="",
        )
    page = client_for("independent_scrutineer").get(f"/actions/priorities/{priority.pk}/")
    body = page.content.decode()
    assert _latest(body, measure) == "83% for 2025-26 survey"
    assert "62% (2023-24 survey)" in body
    assert "Better than the baseline (2025-26 survey)" in body
    assert "Target met" in body
    assert "71.5%" in body  # the readings table


def test_a_lower_is_better_measure_that_rose_is_worse(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world)
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Children subject to a second plan",
        unit="%",
        direction=MeasureDirection.LOWER_IS_BETTER,
        baseline=Decimal("18"),
        baseline_label="2023-24",
        target=Decimal("15"),
    )
    MeasureReading.objects.create(
        measure=measure,
        period_label="Q2 2026-27",
        measured_on=dt.date(2026, 10, 1),
        value=Decimal("21"),
        recorded_by=world.users[MANAGER],
    )
    body = client_for(MANAGER).get(f"/actions/priorities/{priority.pk}/").content.decode()
    assert "Worse than the baseline (Q2 2026-27)" in body
    assert "Target not met yet" in body


def test_the_thread_runs_on_to_the_actions_and_their_impact(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world)
    make_action(
        world,
        title="Roll out the graded care profile",
        priority=priority,
        status=ActionStatus.CLOSED,
        evidence_of_impact="Neglect re-audit: 8 of 10 plans now use the graded care profile",
    )
    make_action(
        world,
        title="Train GPs on neglect",
        priority=priority,
        due_on=dt.date(2026, 11, 20),
        status=ActionStatus.ON_TRACK,
    )
    body = client_for("independent_scrutineer").get(f"/actions/priorities/{priority.pk}/")
    text = body.content.decode()
    assert "Roll out the graded care profile" in text and "Train GPs on neglect" in text
    assert "1 overdue, 1 closed with evidence" in " ".join(text.split())
    assert "Neglect re-audit: 8 of 10 plans now use the graded care profile" in text
    assert "Add an outcome measure" not in text  # read-only for the scrutineer


def test_the_business_manager_sets_priorities_and_measures(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(MANAGER)
    response = client.post(
        "/actions/priorities/new/",
        {
            "number": "1",
            "title": "Early help and prevention",
            "description": "Help children and families earlier",
            **date_fields("starts_on", dt.date(2026, 4, 1)),
            **date_fields("ends_on", dt.date(2027, 3, 31)),
            "lead_agency": "",
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get(partnership=world.partnership, number=1)
    clash = client.post(
        "/actions/priorities/new/",
        {"number": "1", "title": "Another", **date_fields("starts_on", dt.date(2026, 4, 1))},
    )
    assert "Priority 1 is already “Early help and prevention”: choose another number" in (
        clash.content.decode()
    )
    # An indicator whose direction of good is "neither" needs the direction chosen.
    url = f"/actions/priorities/{priority.pk}/measures/new/"
    form = {"kind": "indicator", "indicator_code": "referrals", "name": "", "unit": ""}
    response = client.post(url, form)
    assert "Select which direction is better" in response.content.decode()
    response = client.post(url, {**form, "direction": "lower"})
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get(priority=priority)
    assert (measure.name, measure.unit, measure.indicator_code) == (
        "Referrals",
        "referrals",
        "referrals",
    )
    # A recorded measure needs a name; an indicator measure takes no readings.
    response = client.post(url, {"kind": "recorded", "direction": "higher"})
    assert "Enter the name of the measure" in response.content.decode()
    with pytest.raises(ServiceError, match="worked out live from masa's records"):
        measure_reading_add(
            actor=world.users[MANAGER],
            measure=measure,
            period_label="Q1",
            measured_on=TODAY,
            value=Decimal(1),
            note="",
        )


def test_priority_pages_are_read_only_for_readers(world: World, today: dt.date, client_for) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world)
    scrutineer = client_for("independent_scrutineer")
    listing = scrutineer.get("/actions/priorities/").content.decode()
    assert "Priority 1: Early help and prevention" in listing
    assert "Add a priority" not in listing
    assert scrutineer.get("/actions/priorities/new/").status_code == 403
    assert scrutineer.get(f"/actions/priorities/{priority.pk}/edit/").status_code == 403
    assert client_for("system_administrator").get("/actions/priorities/").status_code == 403


def test_readings_and_priority_changes_through_the_pages(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world)
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Schools completing the section 175 audit",
        unit="%",
        direction=MeasureDirection.HIGHER_IS_BETTER,
    )
    client = client_for(MANAGER)
    url = f"/actions/measures/{measure.pk}/readings/new/"
    tomorrow = date_fields("measured_on", TODAY + dt.timedelta(days=1))
    missing = client.post(url, {"period_label": "2026-27", **tomorrow}).content.decode()
    assert "Enter the value" in missing
    future = client.post(url, {"period_label": "2026-27", **tomorrow, "value": "9"})
    assert "The date of the reading must be today or in the past" in future.content.decode()
    response = client.post(
        url,
        {
            "period_label": "2026-27",
            **date_fields("measured_on", dt.date(2026, 10, 31)),
            "value": "96.5",
            "note": "2 schools chased",
        },
    )
    assert response.status_code == 302
    assert MeasureReading.objects.get(measure=measure).value == Decimal("96.50")
    edit = f"/actions/priorities/{priority.pk}/edit/"
    form = {
        "number": "1",
        "title": "Early help and prevention in schools",
        "description": "",
        **date_fields("starts_on", dt.date(2026, 4, 1)),
        **date_fields("ends_on", dt.date(2026, 3, 1)),
        "lead_agency": "",
        "version": str(priority.version),
    }
    refused = client.post(edit, form).content.decode()
    assert "The end date must be on or after the start date (1 April 2026)" in refused
    form.update(date_fields("ends_on", dt.date(2027, 3, 31)))
    assert client.post(edit, form).status_code == 302
    stale = client.post(edit, {**form, "title": "Someone else's change"}).content.decode()
    assert "Someone else changed this record while you were working on it" in stale
    priority.refresh_from_db()
    assert priority.title == "Early help and prevention in schools"


def test_a_reader_without_child_level_access_sees_small_numbers_suppressed(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world, 1, "Early help and prevention")
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Referrals to children's social care",
        indicator_code="referrals",
        unit="referrals",
        direction=MeasureDirection.LOWER_IS_BETTER,
    )
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.REFERRAL, opened_on=TODAY, actor=worker)
    make_referral(case, referral_date=TODAY, actor=worker)

    html = client_for("independent_scrutineer").get(f"/actions/priorities/{priority.pk}/")
    shown = _latest(html.content.decode(), measure)

    assert shown.startswith("Fewer than 6 (not shown")
    assert "1 referrals" not in html.content.decode()
