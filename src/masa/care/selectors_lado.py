"""Reads for the LADO: allegations of the partnership, the initial consideration clock, the
duration to resolution and the year's figures for the LADO annual report (referrals by sector,
outcomes, timeliness; aggregate only).

Clock (shared/domain/timescales.md section 4): the initial consideration is due 1 working day
after the referral was received. It is a local rule; a partnership that sets its own value for
``lado_initial_consideration`` (``masa.journey.models.ClockSetting``) has it used here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from masa.core.calendar import (
    Basis,
    Clock,
    ClockRule,
    ClockState,
    Unit,
    WorkingDayCalendar,
    compute_clock,
    working_day_calendar,
)
from masa.core.models import User
from masa.journey.models import ClockSetting
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from .models import LadoAllegation, LadoMeeting, LadoOutcome
from .services_lado import LadoSector

CONSIDERATION = ClockRule(
    "lado_initial_consideration",
    "LADO initial consideration",
    "receipt of the referral",
    1,
    Unit.WORKING_DAYS,
    Basis.LOCAL,
    "the partnership's allegations management procedures",
)
LADO_RULES: dict[str, ClockRule] = {CONSIDERATION.code: CONSIDERATION}


def consideration_rule(partnership_id: int) -> ClockRule:
    """The rule in force: masa's default or the partnership's own value."""
    setting = (
        ClockSetting.objects.filter(partnership_id=partnership_id, code=CONSIDERATION.code)
        .values_list("duration", "unit")
        .first()
    )
    if setting is None:
        return CONSIDERATION
    return dataclasses.replace(CONSIDERATION, duration=setting[0], unit=Unit(setting[1]))


def allegations_for(user: User) -> QuerySet[LadoAllegation]:
    return LadoAllegation.objects.filter(partnership_id=user.partnership_id).select_related("lado")


def allegation_for_user(user: User, allegation_id: int) -> LadoAllegation:
    allegation = allegations_for(user).filter(pk=allegation_id).first()
    if allegation is None:
        raise Http404("No allegation found")
    return allegation


def children_involved(user: User, allegation: LadoAllegation) -> tuple[list[Child], int]:
    """The children involved whom the LADO may see now, and how many others are recorded."""
    ids = list(allegation.children.values_list("pk", flat=True))
    named = list(children_visible_to(user).filter(pk__in=ids).order_by("last_name", "first_name"))
    return named, len(ids) - len(named)


def meetings_of(allegation: LadoAllegation) -> list[LadoMeeting]:
    return list(allegation.meetings.select_related("recorded_by").order_by("held_on", "id"))


@dataclass(frozen=True)
class ConsiderationClock:
    clock: Clock
    state: ClockState
    done_on: dt.date | None


def consideration_clock(
    allegation: LadoAllegation,
    *,
    today: dt.date,
    rule: ClockRule = CONSIDERATION,
    calendar: WorkingDayCalendar | None = None,
) -> ConsiderationClock:
    made = compute_clock(rule, allegation.received_on, calendar)
    done = allegation.initial_consideration_on
    return ConsiderationClock(made, made.state(today, done), done)


def working_days_to_resolution(
    allegation: LadoAllegation, calendar: WorkingDayCalendar | None = None
) -> int | None:
    """Working days from the referral to the outcome (None while there is no outcome)."""
    if allegation.outcome_on is None:
        return None
    cal = calendar or working_day_calendar()
    return cal.working_days_between(allegation.received_on, allegation.outcome_on)


def working_days_open(
    allegation: LadoAllegation, *, today: dt.date, calendar: WorkingDayCalendar | None = None
) -> int:
    cal = calendar or working_day_calendar()
    return cal.working_days_between(allegation.received_on, allegation.closed_on or today)


@dataclass(frozen=True)
class OpenLine:
    allegation: LadoAllegation
    consideration: ConsiderationClock
    days_open: int


def open_allegations(user: User, *, today: dt.date) -> list[OpenLine]:
    """Allegations not closed, with their consideration clock: those still awaiting a
    consideration first (soonest due first), then the rest by date received."""
    rule = consideration_rule(user.partnership_id)
    calendar = working_day_calendar()
    lines = [
        OpenLine(
            allegation,
            consideration_clock(allegation, today=today, rule=rule, calendar=calendar),
            working_days_open(allegation, today=today, calendar=calendar),
        )
        for allegation in allegations_for(user).filter(closed_on__isnull=True)[:500]
    ]
    lines.sort(
        key=lambda line: (
            line.consideration.done_on is not None,
            line.consideration.clock.due,
            line.allegation.received_on,
        )
    )
    return lines


# ---------------------------------------------------------------- the year's figures


class YearBasis:
    FINANCIAL = "financial"  # 1 April to 31 March (Wigan's reports, the DfE's years)
    CALENDAR = "calendar"  # 1 January to 31 December (Wirral's reports)


@dataclass(frozen=True)
class ReportingYear:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @classmethod
    def of(cls, year: int, basis: str) -> ReportingYear:
        """``year`` is the year the period starts in: financial 2025 is April 2025 to March
        2026."""
        if basis == YearBasis.CALENDAR:
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}")
        return cls(dt.date(year, 4, 1), dt.date(year + 1, 3, 31), f"{year} to {year + 1}")

    @classmethod
    def containing(cls, day: dt.date, basis: str) -> ReportingYear:
        if basis == YearBasis.CALENDAR:
            return cls.of(day.year, basis)
        return cls.of(day.year if day.month >= 4 else day.year - 1, basis)


@dataclass(frozen=True)
class YearFigures:
    year: ReportingYear
    referrals: int
    by_sector: list[tuple[str, int]]  # every sector, in the list's order
    outcomes: int
    by_outcome: list[tuple[str, int]]  # every outcome category
    considered_in_time: int
    considered_late: int
    awaiting_consideration: int
    dbs_referrals: int
    closed: int
    median_days_to_outcome: float | None
    mean_days_to_outcome: float | None

    @property
    def in_time_percent(self) -> int | None:
        decided = self.considered_in_time + self.considered_late
        return round(100 * self.considered_in_time / decided) if decided else None

    @property
    def timeliness_text(self) -> str:
        """'50% (1 of 2); 1 awaiting consideration'."""
        decided = self.considered_in_time + self.considered_late
        text = (
            f"{self.in_time_percent}% ({self.considered_in_time} of {decided})"
            if decided
            else "No considerations recorded"
        )
        if self.awaiting_consideration:
            text += f"; {self.awaiting_consideration} awaiting consideration"
        return text


def year_figures(user: User, year: ReportingYear, *, today: dt.date) -> YearFigures:
    """Counts for the LADO annual report: referrals received in the year by sector and their
    initial consideration timeliness; outcomes recorded in the year by category, with working
    days from referral to outcome; allegations closed in the year."""
    rule = consideration_rule(user.partnership_id)
    calendar = working_day_calendar()
    in_year = allegations_for(user)
    received = list(
        in_year.filter(received_on__range=(year.start, year.end)).values(
            "received_on", "referring_sector", "initial_consideration_on"
        )
    )
    sectors = Counter(row["referring_sector"] for row in received)
    in_time = late = awaiting = 0
    for row in received:
        clock = compute_clock(rule, row["received_on"], calendar)
        done = row["initial_consideration_on"]
        if done is None:
            awaiting += 1
        elif clock.state(today, done) is ClockState.MET:
            in_time += 1
        else:
            late += 1
    decided = list(
        in_year.filter(outcome_on__range=(year.start, year.end)).values(
            "received_on", "outcome_on", "outcome", "dbs_referral"
        )
    )
    outcomes = Counter(row["outcome"] for row in decided)
    durations = [
        calendar.working_days_between(row["received_on"], row["outcome_on"])
        for row in decided
        if row["outcome_on"] is not None
    ]
    closed = in_year.filter(closed_on__range=(year.start, year.end)).count()
    known = set(LadoSector.values)
    by_sector = [(label, sectors[code]) for code, label in LadoSector.choices]
    unknown = sum(count for code, count in sectors.items() if code not in known)
    if unknown:
        by_sector.append(("Not recorded in masa's list", unknown))
    return YearFigures(
        year=year,
        referrals=len(received),
        by_sector=by_sector,
        outcomes=len(decided),
        by_outcome=[(label, outcomes[code]) for code, label in LadoOutcome.choices],
        considered_in_time=in_time,
        considered_late=late,
        awaiting_consideration=awaiting,
        dbs_referrals=sum(1 for row in decided if row["dbs_referral"]),
        closed=closed,
        median_days_to_outcome=statistics.median(durations) if durations else None,
        mean_days_to_outcome=round(statistics.fmean(durations), 1) if durations else None,
    )
