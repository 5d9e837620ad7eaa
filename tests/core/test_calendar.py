"""The working-day calendar behind every statutory clock (shared/domain/timescales.md §1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masa.core.calendar import (
    Basis,
    Clock,
    ClockRule,
    ClockState,
    Unit,
    WorkingDayCalendar,
    add_months,
    compute_clock,
    forget_cached_calendar,
    working_day_calendar,
)
from masa.core.models import (
    AdditionalBankHoliday,
    Agency,
    AgencyKind,
    AuditEvent,
    Partnership,
    User,
)
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, bank_holiday_add

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# England & Wales bank holidays 2013-2028, copied from timescales.md §1 (GOV.UK feed as bundled in
# govuk-bank-holidays 0.19). This is the independent oracle: the code gets its list from `holidays`.
BANK_HOLIDAY_TABLE: dict[int, tuple[str, ...]] = {
    2013: ("01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"),
    2014: ("01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"),
    2015: ("01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"),
    2016: ("01-01", "03-25", "03-28", "05-02", "05-30", "08-29", "12-26", "12-27"),
    2017: ("01-02", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"),
    2018: ("01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"),
    2019: ("01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"),
    2020: ("01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"),
    2021: ("01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"),
    2022: (
        "01-03",
        "04-15",
        "04-18",
        "05-02",
        "06-02",
        "06-03",
        "08-29",
        "09-19",
        "12-26",
        "12-27",
    ),
    2023: ("01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"),
    2024: ("01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"),
    2025: ("01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"),
    2026: ("01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"),
    2027: ("01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"),
    2028: ("01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"),
}
BANK_HOLIDAYS: frozenset[dt.date] = frozenset(
    D(year, int(mm_dd[:2]), int(mm_dd[3:]))
    for year, days in BANK_HOLIDAY_TABLE.items()
    for mm_dd in days
)
FIRST, LAST = D(2013, 1, 1), D(2028, 12, 31)

# 27-31 December on a weekday that is not a bank holiday: offices may close, clocks do not stop.
CHRISTMAS_WEEK_WORKING_DAYS = [
    D(year, 12, day)
    for year in BANK_HOLIDAY_TABLE
    for day in range(27, 32)
    if D(year, 12, day).weekday() < 5 and D(year, 12, day) not in BANK_HOLIDAYS
]

CAL = WorkingDayCalendar()  # pure: no database, library holidays only


def rule(duration: int, unit: Unit = Unit.WORKING_DAYS) -> ClockRule:
    return ClockRule(
        code="assessment",
        name="Child and family assessment",
        start_event="referral",
        duration=duration,
        unit=unit,
        basis=Basis.GUIDANCE,
        source="Working Together 2023",
    )


# ---------------------------------------------------------------- the bank-holiday table


@pytest.mark.parametrize("day", sorted(BANK_HOLIDAYS), ids=str)
def test_every_england_and_wales_bank_holiday_is_not_a_working_day(day: dt.date) -> None:
    assert day.weekday() < 5, "the table lists the observed (weekday) date"
    assert CAL.holiday_name(day) is not None
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAY_TABLE))
def test_no_other_weekday_is_a_bank_holiday(year: int) -> None:
    weekday_holidays = {day for day, _ in CAL.bank_holidays_in_year(year) if day.weekday() < 5}
    assert weekday_holidays == {day for day in BANK_HOLIDAYS if day.year == year}


@pytest.mark.parametrize(
    ("day", "name_contains"),
    [
        (D(2023, 5, 8), "Coronation"),
        (D(2022, 9, 19), "State Funeral"),
        (D(2022, 6, 3), "Platinum Jubilee"),
        (D(2022, 6, 2), "Spring"),  # spring bank holiday moved for the jubilee
        (D(2020, 5, 8), "May"),  # early May bank holiday moved to VE Day
        (D(2026, 12, 28), "observed"),  # Boxing Day 2026 is a Saturday
        (D(2027, 12, 27), "observed"),  # Christmas Day 2027 is a Saturday
        (D(2027, 12, 28), "observed"),  # Boxing Day 2027 is a Sunday
    ],
)
def test_one_off_and_substitute_days(day: dt.date, name_contains: str) -> None:
    assert not CAL.is_working_day(day)
    assert name_contains in (CAL.holiday_name(day) or "")


@pytest.mark.parametrize(
    "day",
    [D(2020, 5, 4), D(2022, 5, 30), D(2026, 12, 24), D(2027, 12, 29), D(2023, 5, 9)],
    ids=str,
)
def test_days_around_moved_holidays_are_working_days(day: dt.date) -> None:
    # 4 May 2020 and 30 May 2022 are the usual Mondays whose holidays were moved away.
    assert CAL.is_working_day(day)


@pytest.mark.parametrize("day", CHRISTMAS_WEEK_WORKING_DAYS, ids=str)
def test_christmas_closures_do_not_stop_clocks(day: dt.date) -> None:
    assert CAL.is_working_day(day)


def test_christmas_week_counts_in_a_clock() -> None:
    # Day 0 Wednesday 24 Dec 2025; 25 and 26 are bank holidays, 27 and 28 the weekend.
    assert CAL.add_working_days(D(2025, 12, 24), 3) == D(2025, 12, 31)


def test_weekends_are_not_working_days() -> None:
    assert not CAL.is_working_day(D(2026, 3, 7))  # Saturday
    assert not CAL.is_working_day(D(2026, 3, 8))  # Sunday
    assert CAL.is_working_day(D(2026, 3, 9))  # Monday


# ---------------------------------------------------------------- worked examples


def test_45_working_days_over_christmas_and_new_year() -> None:
    # Referral Monday 1 Dec 2025. Dec: 2-5 (4), 8-12 (9), 15-19 (14), 22-24 (17); 25, 26 skipped;
    # 29-31 (20); 1 Jan skipped; 2 Jan (21); 5-9 (26), 12-16 (31), 19-23 (36), 26-30 (41);
    # 2, 3, 4, 5 Feb (45). Nine whole weeks would end on Monday 2 Feb; three holidays push it on.
    clock = compute_clock(rule(45), D(2025, 12, 1), CAL)
    assert clock.due == D(2026, 2, 5)
    assert [day for day, _ in clock.holidays_skipped] == [
        D(2025, 12, 25),
        D(2025, 12, 26),
        D(2026, 1, 1),
    ]


def test_15_working_days_over_easter_2026() -> None:
    # Day 0 Monday 30 March; 31 Mar, 1-2 Apr (3); Good Friday 3 and Easter Monday 6 skipped;
    # 7-10 (7), 13-17 (12), 20, 21, 22 (15).
    clock = compute_clock(rule(15), D(2026, 3, 30), CAL)
    assert clock.due == D(2026, 4, 22)
    assert clock.holidays_skipped == [
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 4, 6), "Easter Monday"),
    ]


def test_10_working_days_over_the_coronation() -> None:
    # Day 0 Friday 5 May 2023; Monday 8 May (coronation) skipped; 9-12 (4), 15-19 (9), 22 (10).
    clock = compute_clock(rule(10), D(2023, 5, 5), CAL)
    assert clock.due == D(2023, 5, 22)
    assert [day for day, _ in clock.holidays_skipped] == [D(2023, 5, 8)]


def test_10_working_days_over_both_may_2023_holidays() -> None:
    # Day 0 Friday 28 April 2023; 1 May and 8 May skipped; 2-5 (4), 9-12 (8), 15, 16 (10).
    assert CAL.add_working_days(D(2023, 4, 28), 10) == D(2023, 5, 16)


def test_state_funeral_moves_a_deadline() -> None:
    # Day 0 Friday 16 Sep 2022; Monday 19 Sep skipped; day 1 is Tuesday 20 Sep.
    assert CAL.add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)


# ---------------------------------------------------------------- day 0


def test_day_0_is_the_trigger_date() -> None:
    day = D(2026, 3, 11)
    assert CAL.add_working_days(day, 0) == day
    assert CAL.working_days_between(day, day) == 0
    assert CAL.add_working_days(day, 1) == D(2026, 3, 12)


def test_same_day_action_is_0_working_days_and_in_time() -> None:
    clock = compute_clock(rule(0), D(2026, 3, 11), CAL)
    assert clock.due == clock.start
    assert clock.state(today=clock.start, done_on=clock.start) is ClockState.MET


def test_action_on_the_deadline_date_is_in_time() -> None:
    clock = compute_clock(rule(10), D(2026, 11, 9), CAL)
    assert clock.state(today=clock.due, done_on=clock.due) is ClockState.MET
    assert clock.state(today=clock.due) is ClockState.DUE
    assert clock.state(today=clock.due + ONE_DAY) is ClockState.OVERDUE
    assert clock.state(today=clock.due + ONE_DAY, done_on=clock.due + ONE_DAY) is ClockState.MISSED


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CAL.add_working_days(D(2026, 3, 11), -1)


@pytest.mark.parametrize(
    ("trigger", "days", "due"),
    [
        (D(2026, 3, 7), 1, D(2026, 3, 9)),  # Saturday: day 1 is Monday
        (D(2026, 3, 8), 1, D(2026, 3, 9)),  # Sunday: day 1 is Monday
        (D(2026, 3, 7), 5, D(2026, 3, 13)),  # Saturday: day 5 is Friday
        (D(2026, 5, 2), 1, D(2026, 5, 5)),  # Saturday before the early May bank holiday
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # Good Friday: day 1 is the Tuesday after Easter
        (D(2026, 3, 13), 1, D(2026, 3, 16)),  # Friday: day 1 is Monday
    ],
)
def test_trigger_on_a_non_working_day(trigger: dt.date, days: int, due: dt.date) -> None:
    assert CAL.add_working_days(trigger, days) == due


def test_trigger_on_a_weekend_keeps_day_0_on_the_trigger_date() -> None:
    saturday = D(2026, 3, 7)
    assert CAL.add_working_days(saturday, 0) == saturday


# ---------------------------------------------------------------- months and calendar days


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 8, 31), 3, D(2025, 11, 30)),  # no 31 November: clamp
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # non-leap year
        (D(2028, 1, 30), 1, D(2028, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 10, 31), 4, D(2026, 2, 28)),
        (D(2025, 11, 15), 2, D(2026, 1, 15)),  # across the year end
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2025, 5, 31), 0, D(2025, 5, 31)),
        (D(2025, 6, 30), 1, D(2025, 7, 30)),  # never rounded up to the month's end
        (D(2025, 8, 31), 24, D(2027, 8, 31)),
    ],
)
def test_add_months_clamps_to_the_last_day(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_months_clock_is_not_moved_off_a_weekend() -> None:
    clock = compute_clock(rule(3, Unit.MONTHS), D(2025, 8, 31), CAL)
    assert clock.due == D(2025, 11, 30)  # a Sunday; calendar months ignore working days
    assert clock.holidays_skipped == []


def test_calendar_days_clock() -> None:
    clock = compute_clock(rule(7, Unit.CALENDAR_DAYS), D(2025, 12, 22), CAL)
    assert clock.due == D(2025, 12, 29)


# ---------------------------------------------------------------- Clock


def test_explanation_names_rule_start_due_and_holidays_skipped() -> None:
    text = compute_clock(rule(45), D(2025, 12, 1), CAL).explanation()
    assert text.startswith("Child and family assessment: 45 working days from referral")
    assert "on 1 December 2025 (day 0)" in text
    assert "due 5 February 2026" in text
    assert "statutory guidance, Working Together 2023" in text
    assert "Christmas Day (25 December 2025)" in text
    assert "Boxing Day (26 December 2025)" in text
    assert "New Year's Day (1 January 2026)" in text


def test_explanation_without_bank_holidays() -> None:
    clock = compute_clock(rule(10), D(2026, 11, 9), CAL)
    assert clock.due == D(2026, 11, 23)
    text = clock.explanation()
    assert "due 23 November 2026" in text
    assert "no bank holidays fall in this period" in text


def test_explanation_of_a_months_clock_says_nothing_about_working_days() -> None:
    text = compute_clock(rule(3, Unit.MONTHS), D(2025, 8, 31), CAL).explanation()
    assert "3 months from referral on 31 August 2025 (day 0), due 30 November 2025" in text
    assert "bank holiday" not in text


@pytest.mark.parametrize(
    ("today", "done_on", "expected"),
    [
        (D(2026, 11, 20), None, ClockState.DUE),
        (D(2026, 11, 23), None, ClockState.DUE),  # the due date itself
        (D(2026, 11, 24), None, ClockState.OVERDUE),
        (D(2026, 11, 30), D(2026, 11, 23), ClockState.MET),  # done on the due date
        (D(2026, 11, 30), D(2026, 11, 9), ClockState.MET),  # done on day 0
        (D(2026, 11, 30), D(2026, 11, 24), ClockState.MISSED),
        (D(2026, 11, 10), D(2026, 11, 24), ClockState.MISSED),  # done_on wins over today
    ],
)
def test_clock_state(today: dt.date, done_on: dt.date | None, expected: ClockState) -> None:
    clock = Clock(rule(10), D(2026, 11, 9), D(2026, 11, 23))
    assert clock.state(today, done_on) is expected


# ---------------------------------------------------------------- extra holidays as data


def test_extra_one_off_holiday_moves_deadlines() -> None:
    extra = D(2026, 11, 16)  # a Monday, imagined as a newly announced bank holiday
    cal = WorkingDayCalendar({extra: "Royal wedding"})
    assert CAL.is_working_day(extra)
    assert not cal.is_working_day(extra)
    assert cal.holiday_name(extra) == "Royal wedding"
    assert CAL.add_working_days(D(2026, 11, 9), 10) == D(2026, 11, 23)
    assert cal.add_working_days(D(2026, 11, 9), 10) == D(2026, 11, 24)
    clock = compute_clock(rule(10), D(2026, 11, 9), cal)
    assert clock.holidays_skipped == [(extra, "Royal wedding")]
    assert "Royal wedding (16 November 2026)" in clock.explanation()
    assert (extra, "Royal wedding") in cal.bank_holidays_in_year(2026)


def test_extra_holiday_does_not_change_the_library_holidays() -> None:
    cal = WorkingDayCalendar({D(2026, 11, 16): "Royal wedding"})
    assert not cal.is_working_day(D(2026, 12, 25))
    assert cal.holiday_name(D(2026, 12, 25)) == "Christmas Day"


# ---------------------------------------------------------------- properties

dates = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=200)
fast = settings(max_examples=200, deadline=None)


def weekday_holidays(cal: WorkingDayCalendar, start: dt.date, end: dt.date) -> int:
    """Weekdays after start up to and including end that are bank holidays."""
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if (day := start + dt.timedelta(days=offset)).weekday() < 5
        and cal.holiday_name(day) is not None
    )


@fast
@given(dates, st.integers(min_value=1, max_value=200))
def test_result_is_a_working_day(start: dt.date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(start, n))


@fast
@given(dates, counts)
def test_working_days_between_inverts_add_working_days(start: dt.date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@fast
@given(dates, counts, counts)
def test_add_working_days_is_strictly_monotonic(start: dt.date, m: int, n: int) -> None:
    if m < n:
        assert CAL.add_working_days(start, m) < CAL.add_working_days(start, n)
    elif m == n:
        assert CAL.add_working_days(start, m) == CAL.add_working_days(start, n)
    else:
        assert CAL.add_working_days(start, m) > CAL.add_working_days(start, n)


@fast
@given(dates, counts, counts)
def test_add_working_days_composes(start: dt.date, m: int, n: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, m), n) == CAL.add_working_days(
        start, m + n
    )


@fast
@given(dates, counts)
def test_calendar_span_is_bounded(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    span = (due - start).days
    assert span >= n
    # Any run of L consecutive days holds at least (5L - 10) / 7 weekdays, and every weekday in
    # (start, due] is either counted or a bank holiday, so 5L <= 7(n + H) + 10.
    holidays_skipped = weekday_holidays(CAL, start, due)
    assert holidays_skipped == len(CAL.bank_holidays_between(start, due))
    assert 5 * span <= 7 * (n + holidays_skipped) + 10


@fast
@given(dates, dates)
def test_working_days_between_is_antisymmetric(a: dt.date, b: dt.date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@fast
@given(st.dates(min_value=FIRST, max_value=LAST - dt.timedelta(days=7)))
def test_a_week_holds_five_working_days_less_bank_holidays(start: dt.date) -> None:
    # Holds for every start date; working-day starts are the case the brief names.
    window = {start + dt.timedelta(days=offset) for offset in range(1, 8)}
    holidays_in_window = sum(1 for day in window if day in BANK_HOLIDAYS)
    assert CAL.working_days_between(start, start + dt.timedelta(days=7)) == 5 - holidays_in_window


@fast
@given(dates, st.integers(min_value=1, max_value=200), st.integers(min_value=1, max_value=300))
def test_an_extra_holiday_inside_the_period_pushes_the_deadline(
    start: dt.date, n: int, offset: int
) -> None:
    due = CAL.add_working_days(start, n)
    extra = start + dt.timedelta(days=offset)
    cal = WorkingDayCalendar({extra: "One-off bank holiday"})
    new_due = cal.add_working_days(start, n)
    if extra <= due and CAL.is_working_day(extra):
        assert new_due == cal.add_working_days(due, 1) > due
    else:
        assert new_due == due


# ---------------------------------------------------------------- through the service


@pytest.fixture
def fresh_calendar_cache() -> Iterator[None]:
    forget_cached_calendar()
    yield
    forget_cached_calendar()


@pytest.fixture
def administrator() -> User:
    partnership = Partnership.objects.create(
        name="Example Safeguarding Children Partnership", short_name="ESCP", slug="example"
    )
    agency = Agency.objects.create(
        partnership=partnership, name="Partnership business unit", kind=AgencyKind.PARTNERSHIP_UNIT
    )
    return User.objects.create_user(
        username="admin", password="not-a-real-password", agency=agency, role="system_administrator"
    )


def future_working_weekday() -> dt.date:
    """A Wednesday about a year ahead that the library does not already treat as a holiday."""
    day = dt.date.today() + dt.timedelta(days=365)
    while day.weekday() != 2 or not CAL.is_working_day(day):
        day += ONE_DAY
    return day


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_calendar_cache")
class TestBankHolidayAdd:
    def test_added_holiday_stops_clocks(
        self, administrator: User, django_capture_on_commit_callbacks
    ) -> None:
        target = future_working_weekday()
        day_before = target - ONE_DAY
        assert working_day_calendar().is_working_day(target)
        assert working_day_calendar().add_working_days(day_before, 1) == target

        with django_capture_on_commit_callbacks(execute=True):
            holiday = bank_holiday_add(
                by=administrator, date=target, name="  One-off bank holiday "
            )

        assert holiday.name == "One-off bank holiday"
        cal = working_day_calendar()
        assert not cal.is_working_day(target)
        assert cal.holiday_name(target) == "One-off bank holiday"
        assert cal.add_working_days(day_before, 1) == CAL.add_working_days(target, 1)
        assert cal.bank_holidays_between(day_before, target) == [(target, "One-off bank holiday")]
        audit = AuditEvent.objects.filter(object_type="bank_holiday", object_id=str(holiday.pk))
        assert audit.exists()

    def test_cache_is_refreshed_when_the_transaction_commits(
        self, administrator: User, django_capture_on_commit_callbacks
    ) -> None:
        target = future_working_weekday()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            bank_holiday_add(by=administrator, date=target, name="One-off bank holiday")
            assert working_day_calendar().is_working_day(target)  # cached until commit
        for callback in callbacks:
            callback()
        assert not working_day_calendar().is_working_day(target)

    @pytest.mark.parametrize("weekend", [D(2030, 6, 1), D(2030, 6, 2)], ids=["Saturday", "Sunday"])
    def test_weekend_date_is_refused(self, administrator: User, weekend: dt.date) -> None:
        with pytest.raises(ServiceError, match="must fall on a weekday") as refused:
            bank_holiday_add(by=administrator, date=weekend, name="Weekend holiday")
        assert refused.value.field == "date"
        assert not AdditionalBankHoliday.objects.exists()

    def test_library_bank_holiday_is_refused(self, administrator: User) -> None:
        with pytest.raises(ServiceError) as refused:
            bank_holiday_add(by=administrator, date=D(2026, 12, 25), name="Christmas again")
        assert refused.value.message == (
            "25 December 2026 is already a bank holiday (Christmas Day)"
        )
        assert refused.value.field == "date"
        assert not AdditionalBankHoliday.objects.exists()

    def test_added_holiday_cannot_be_added_twice(
        self, administrator: User, django_capture_on_commit_callbacks
    ) -> None:
        target = future_working_weekday()
        with django_capture_on_commit_callbacks(execute=True):
            bank_holiday_add(by=administrator, date=target, name="One-off bank holiday")
        with pytest.raises(ServiceError) as refused:
            bank_holiday_add(by=administrator, date=target, name="Another name")
        assert refused.value.message == (
            f"{govuk_date(target)} is already a bank holiday (One-off bank holiday)"
        )
        assert AdditionalBankHoliday.objects.count() == 1

    def test_blank_name_is_refused(self, administrator: User) -> None:
        with pytest.raises(ServiceError, match="Enter the name of the bank holiday") as refused:
            bank_holiday_add(by=administrator, date=future_working_weekday(), name="   ")
        assert refused.value.field == "name"
