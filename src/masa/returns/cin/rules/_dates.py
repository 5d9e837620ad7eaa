"""Small date helpers shared by the rule units (calendar years and intervals, not working days:
working days always come from ``masa.core.calendar``)."""

from __future__ import annotations

import datetime as dt


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar date ``years`` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def starts_within(
    day: dt.date,
    start: dt.date | None,
    end: dt.date | None,
    *,
    open_until: dt.date | None,
    end_inclusive: bool = True,
) -> bool:
    """Whether ``day`` falls in another record's span.

    The span runs from ``start`` to ``end``; a record with no end runs until ``open_until`` (the
    census reference date, as DfE counts it), or is not a span at all when that is None.
    """
    if start is None or day < start:
        return False
    if end is None:
        return open_until is not None and day <= open_until
    return day <= end if end_inclusive else day < end
