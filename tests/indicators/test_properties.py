"""Properties of the measures over random child-level frames (hypothesis).

- Adding children whose every record falls in another year never changes a figure.
- A percentage is between 0 and 100; no count is negative.
- The working-day count polars does matches masa's calendar, day for day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masa.core.calendar import WorkingDayCalendar, add_months
from masa.indicators.catalogue import MEASURES
from masa.indicators.frames import frames_from, holidays_between
from masa.indicators.measures import REGISTRY, value_of
from masa.indicators.periods import financial_year

YEAR = financial_year(2024)
CALENDAR = WorkingDayCalendar()
HOLIDAYS = holidays_between(2018, 2030, CALENDAR)
CATEGORIES = ["NEG", "PHY", "EMO", "SAB", "MUL"]
SOURCES = ["6", "2A", "3A", "3E", "1A", "10"]


def days_between(first: dt.date, last: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=first, max_value=last)


def child_records(
    child_id: int, first: dt.date, last: dt.date
) -> st.SearchStrategy[dict[str, list[dict[str, Any]]]]:
    """One child's records, every date between ``first`` and ``last``."""
    day = days_between(first, last)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
        def span() -> tuple[dt.date, dt.date | None]:
            a, b = sorted([draw(day), draw(day)])
            return a, (b if draw(st.booleans()) else None)

        case = child_id * 100
        records: dict[str, list[dict[str, Any]]] = {
            "children": [
                {
                    "child_id": child_id,
                    "date_of_birth": draw(day) - dt.timedelta(days=draw(st.integers(0, 7000))),
                }
            ],
            "contacts": [],
            "referrals": [],
            "assessments": [],
            "s47": [],
            "icpcs": [],
            "cp_plans": [],
            "cin_plans": [],
            "early_help": [],
        }
        for _ in range(draw(st.integers(0, 3))):
            records["contacts"].append(
                {
                    "child_id": child_id,
                    "received_on": draw(day),
                    "decided": draw(st.booleans()),
                    "became_referral": draw(st.booleans()),
                }
            )
        for n in range(draw(st.integers(0, 3))):
            start, end = span()
            records["referrals"].append(
                {
                    "child_id": child_id,
                    "case_id": case + n,
                    "referral_date": start,
                    "closed_on": end,
                    "no_further_action": draw(st.booleans()),
                    "source": draw(st.sampled_from(SOURCES)),
                }
            )
            if draw(st.booleans()):
                a_start, a_end = span()
                records["assessments"].append(
                    {
                        "child_id": child_id,
                        "case_id": case + n,
                        "referral_date": start,
                        "started_on": a_start,
                        "authorised_on": a_end,
                    }
                )
            if draw(st.booleans()):
                s_start, held = span()
                records["s47"].append(
                    {
                        "child_id": child_id,
                        "case_id": case + n,
                        "started_on": s_start,
                        "conference_expected": draw(st.booleans()),
                    }
                )
                if held is not None:
                    records["icpcs"].append(
                        {"child_id": child_id, "case_id": case + n, "held_on": held}
                    )
        for _ in range(draw(st.integers(0, 2))):
            start, end = span()
            records["cp_plans"].append(
                {
                    "child_id": child_id,
                    "started_on": start,
                    "ended_on": end,
                    "initial_category": draw(st.sampled_from(CATEGORIES)),
                }
            )
        for table in ("cin_plans", "early_help"):
            for _ in range(draw(st.integers(0, 2))):
                start, end = span()
                records[table].append({"child_id": child_id, "started_on": start, "ended_on": end})
        return records

    return build()


def merged(*parts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        for table, rows in part.items():
            out.setdefault(table, []).extend(rows)
    # Unique ids per table, in order.
    for table, rows in out.items():
        id_column = {"children": "child_id"}.get(table)
        if id_column is None:
            key = {
                "contacts": "contact_id",
                "referrals": "referral_id",
                "assessments": "assessment_id",
                "s47": "s47_id",
                "icpcs": "conference_id",
                "cp_plans": "plan_id",
                "cin_plans": "plan_id",
                "early_help": "episode_id",
            }[table]
            out[table] = [{**row, key: i} for i, row in enumerate(rows, start=1)]
    return out


def several(first: dt.date, last: dt.date, base: int) -> st.SearchStrategy[list[Any]]:
    return st.integers(0, 4).flatmap(
        lambda n: st.tuples(*[child_records(base + i, first, last) for i in range(n)]).map(list)
    )


def all_counts(tables: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[int, int | None]]:
    frames = frames_from(holidays=HOLIDAYS, **tables)
    return {code: c.compute(frames, YEAR, 10_000) for code, c in REGISTRY.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inside=several(dt.date(2023, 1, 1), dt.date(2025, 12, 31), base=1),
    # Children whose every record is after the year ends (and born by then).
    later=several(dt.date(2025, 4, 1), dt.date(2027, 12, 31), base=100),
)
def test_children_whose_records_fall_after_the_year_never_change_a_figure(
    inside: list[Any], later: list[Any]
) -> None:
    before = all_counts(merged(*inside))
    after = all_counts(merged(*inside, *later))
    assert before == after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inside=several(dt.date(2023, 1, 1), dt.date(2025, 12, 31), base=1),
    # Children whose records all began and ended years before (no open plans or episodes).
    earlier=several(dt.date(2015, 1, 1), dt.date(2018, 12, 31), base=200),
)
def test_children_with_closed_records_long_before_never_change_a_figure(
    inside: list[Any], earlier: list[Any]
) -> None:
    closed = merged(*earlier)
    for table in ("referrals", "cp_plans", "cin_plans", "early_help"):
        end = "closed_on" if table == "referrals" else "ended_on"
        start = "referral_date" if table == "referrals" else "started_on"
        for row in closed.get(table, []):
            row[end] = row[end] or row[start]
    before = all_counts(merged(*inside))
    after = all_counts(merged(*inside, closed))
    assert before == after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(children=several(dt.date(2022, 1, 1), dt.date(2026, 6, 30), base=1))
def test_percentages_lie_between_0_and_100_and_counts_are_never_negative(
    children: list[Any],
) -> None:
    for code, (numerator, denominator) in all_counts(merged(*children)).items():
        measure = MEASURES[code]
        assert numerator >= 0
        value = value_of(measure, numerator, denominator)
        if measure.is_percentage:
            assert denominator is not None and 0 <= numerator <= denominator
            assert value is None or 0 <= value <= 100


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2028, 12, 31)),
    length=st.integers(-10, 120),
)
def test_polars_working_days_match_the_masa_calendar(start: dt.date, length: int) -> None:
    from masa.indicators.measures import working_days

    end = start + dt.timedelta(days=length)
    frame = pl.DataFrame({"start": [start], "end": [end]})
    counted = frame.select(working_days(pl.col("start"), pl.col("end"), HOLIDAYS)).item()
    assert counted == CALENDAR.working_days_between(start, end)


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    months=st.sampled_from([3, 12, 24]),
)
def test_polars_calendar_months_match_add_months(day: dt.date, months: int) -> None:
    shifted = pl.DataFrame({"d": [day]}).select(pl.col("d").dt.offset_by(f"{months}mo")).item()
    assert shifted == add_months(day, months)
