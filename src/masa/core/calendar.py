"""The one working-day calendar: every statutory clock in masa is computed here.

Rules (shared/domain/timescales.md §1): the day of the event is day 0; a working day is a
Monday to Friday that is not an England and Wales bank holiday; the deadline is the Nth working
day after day 0 and an action on that date is in time; if day 0 is not a working day, day 1 is
the next working day. Months are calendar months, clamped to the month's last day. Bank holidays
come from the maintained ``holidays`` library (GB, subdivision England, which is the same list as
England and Wales) plus any one-off holiday an administrator has added as data. Local office
closures never stop a clock.
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import holidays

ONE_DAY = dt.timedelta(days=1)


class WorkingDayCalendar:
    """England and Wales working days. Pure: give it the extra holidays; it touches no database."""

    def __init__(self, extra_holidays: Mapping[dt.date, str] | None = None) -> None:
        self._library = holidays.country_holidays("GB", subdiv="ENG")
        self._extra = dict(extra_holidays or {})

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self._extra:
            return self._extra[day]
        return self._library.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date that is ``days`` working days after ``start`` (day 0)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        counted = 0
        while counted < days:
            current += ONE_DAY
            if self.is_working_day(current):
                counted += 1
        return current

    def subtract_working_days(self, end: dt.date, days: int) -> dt.date:
        """The latest date that is ``days`` working days before ``end`` (counting back)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = end
        counted = 0
        while counted < days:
            current -= ONE_DAY
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def bank_holidays_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Weekday bank holidays after ``start`` up to and including ``end``: the days skipped."""
        skipped = []
        current = start
        while current < end:
            current += ONE_DAY
            name = self.holiday_name(current)
            if name is not None and current.weekday() < 5:
                skipped.append((current, name))
        return skipped

    def bank_holidays_in_year(self, year: int) -> list[tuple[dt.date, str]]:
        """Every bank holiday in the year, including those that fall on a weekend."""
        self._library.get(dt.date(year, 1, 1))  # the library fills in a year on first use
        merged = {day: name for day, name in self._library.items() if day.year == year}
        merged.update({day: name for day, name in self._extra.items() if day.year == year})
        return sorted(merged.items())


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months (Interpretation Act 1978): 31 August + 3 months is 30 November."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = std_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


# Each process keeps the calendar for a minute: the service that adds a holiday clears this
# process's copy at once, and other web or worker processes pick it up within the minute.
CALENDAR_REFRESH_SECONDS = 60.0
_cached: tuple[float, WorkingDayCalendar] | None = None


def working_day_calendar() -> WorkingDayCalendar:
    """The calendar in force: the library's holidays and the administrators' additions."""
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > CALENDAR_REFRESH_SECONDS:
        from .models import AdditionalBankHoliday  # the calendar's only data dependency

        extra = dict(AdditionalBankHoliday.objects.values_list("date", "name"))
        _cached = (now, WorkingDayCalendar(extra))
    return _cached[1]


def forget_cached_calendar() -> None:
    """Called by the service that adds a holiday, so the next clock sees it."""
    global _cached
    _cached = None


class Basis(StrEnum):
    STATUTORY = "S"  # set in an Act or regulations
    GUIDANCE = "G"  # statutory guidance
    LOCAL = "L"  # the partnership's own rule, configurable per partnership

    @property
    def label(self) -> str:
        return {"S": "statutory", "G": "statutory guidance", "L": "local rule"}[self.value]


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    CALENDAR_DAYS = "calendar days"
    MONTHS = "months"


@dataclass(frozen=True)
class ClockRule:
    code: str
    name: str
    start_event: str
    duration: int
    unit: Unit
    basis: Basis
    source: str


def how_long(duration: int, unit: str) -> str:
    """'1 working day', '15 working days', '3 months'."""
    return f"{duration} {unit[:-1] if duration == 1 else unit}"


class ClockState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Clock:
    """A deadline computed from a date, able to explain itself."""

    rule: ClockRule
    start: dt.date
    due: dt.date
    holidays_skipped: list[tuple[dt.date, str]] = field(default_factory=list)

    def state(self, today: dt.date, done_on: dt.date | None = None) -> ClockState:
        if done_on is not None:
            return ClockState.MET if done_on <= self.due else ClockState.MISSED
        return ClockState.DUE if today <= self.due else ClockState.OVERDUE

    def explanation(self) -> str:
        from .presenters import govuk_date

        text = (
            f"{self.rule.name}: {how_long(self.rule.duration, self.rule.unit)} from "
            f"{self.rule.start_event} on {govuk_date(self.start)} (day 0), due "
            f"{govuk_date(self.due)}. Rule: {self.rule.basis.label}, {self.rule.source}."
        )
        if self.rule.unit is Unit.WORKING_DAYS:
            if self.holidays_skipped:
                skipped = ", ".join(
                    f"{name} ({govuk_date(day)})" for day, name in self.holidays_skipped
                )
                text += f" Weekends and these bank holidays are not counted: {skipped}."
            else:
                text += " Weekends are not counted; no bank holidays fall in this period."
        return text


def compute_clock(
    rule: ClockRule, start: dt.date, calendar: WorkingDayCalendar | None = None
) -> Clock:
    cal = calendar or working_day_calendar()
    if rule.unit is Unit.WORKING_DAYS:
        due = cal.add_working_days(start, rule.duration)
        return Clock(rule, start, due, cal.bank_holidays_between(start, due))
    if rule.unit is Unit.MONTHS:
        return Clock(rule, start, add_months(start, rule.duration))
    return Clock(rule, start, start + dt.timedelta(days=rule.duration))
