"""Test helpers for the case pages, work lists and timescales: a fixed "today" and a few builders
that tests/casework_factories.py does not have."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from masa.core.calendar import forget_cached_calendar, working_day_calendar
from masa.core.models import User
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.journey.models import Case
from masa.protection.models import CINPlan

# The brief's "today": Monday 23 November 2026. The next bank holidays are 25 and 28 December.
TODAY = dt.date(2026, 11, 23)
EASTER_2024 = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    """Pins timezone.localdate() (used by views, services and selectors) to TODAY."""
    real = timezone.localdate

    def pinned(value: dt.datetime | None = None, timezone: object = None) -> dt.date:
        return TODAY if value is None else real(value)

    monkeypatch.setattr("django.utils.timezone.localdate", pinned)
    forget_cached_calendar()
    working_day_calendar()  # warm the calendar so query counts are stable
    yield TODAY
    forget_cached_calendar()


def make_cin_plan(case: Case, *, started_on: dt.date, actor: User) -> CINPlan:
    return CINPlan.objects.create(
        case=case, child=case.child, started_on=started_on, recorded_by=actor
    )


def make_early_help(case: Case, *, started_on: dt.date, actor: User) -> EarlyHelpEpisode:
    assert actor.agency is not None
    return EarlyHelpEpisode.objects.create(
        case=case,
        child=case.child,
        started_on=started_on,
        lead_agency=actor.agency,
        recorded_by=actor,
    )
