"""Reporting periods: the DfE year (1 April to 31 March), calendar years, and periods to date.

Every period is a pair of inclusive dates with the label a page or a CSV shows. Stock measures
("at period end") take their snapshot on ``end``; flow measures count events dated from ``start``
to ``end``, both days included.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from masa.core.presenters import govuk_date

FINANCIAL_YEAR = "financial_year"
CALENDAR_YEAR = "calendar_year"
TO_DATE = "to_date"
CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """Inclusive dates, a label ("2024-25", "January to December 2023") and the kind of period."""

    start: dt.date
    end: dt.date
    label: str
    kind: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"A period cannot end ({self.end}) before it starts ({self.start})")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_dfe_year(self) -> bool:
        """True for a whole DfE reporting year (1 April to 31 March)."""
        return self.kind == FINANCIAL_YEAR

    @property
    def slug(self) -> str:
        """A compact form for file names: "2024-25", "2023", "2026-04-01_2026-11-23"."""
        if self.kind == FINANCIAL_YEAR:
            return self.label
        if self.kind == CALENDAR_YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def financial_year(start_year: int) -> Period:
    """The DfE reporting year starting 1 April ``start_year``: 2024 is 1 April 2024 to
    31 March 2025, labelled "2024-25" (the DfE publishes it as "2025", the year it ends)."""
    return Period(
        dt.date(start_year, 4, 1),
        dt.date(start_year + 1, 3, 31),
        f"{start_year}-{(start_year + 1) % 100:02d}",
        FINANCIAL_YEAR,
    )


def calendar_year(year: int) -> Period:
    return Period(
        dt.date(year, 1, 1), dt.date(year, 12, 31), f"January to December {year}", CALENDAR_YEAR
    )


def financial_year_of(day: dt.date) -> int:
    """The start year of the reporting year holding ``day``: 31 March 2025 is in 2024-25."""
    return day.year if day.month >= 4 else day.year - 1


def _range_label(start: dt.date, end: dt.date) -> str:
    """ "1 April to 23 November 2026", "1 to 23 November 2026", "1 April 2026 to 3 January 2027"."""
    if start.year != end.year:
        return f"{govuk_date(start)} to {govuk_date(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%B} to {govuk_date(end)}"
    if start.day != end.day:
        return f"{start.day} to {govuk_date(end)}"
    return govuk_date(end)


def year_to_date(today: dt.date, *, financial: bool = True) -> Period:
    """From the start of the reporting year (1 April, or 1 January) to ``today`` inclusive."""
    start = dt.date(financial_year_of(today), 4, 1) if financial else dt.date(today.year, 1, 1)
    return Period(start, today, _range_label(start, today), TO_DATE)


def month_to_date(today: dt.date) -> Period:
    start = today.replace(day=1)
    return Period(start, today, _range_label(start, today), TO_DATE)


def custom(start: dt.date, end: dt.date) -> Period:
    """Any date range (both days included)."""
    return Period(start, end, _range_label(start, end), CUSTOM)


_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[-/]\s*(\d{2}|\d{4}))?\s*$")


def parse_financial_year(text: str) -> Period:
    """ "2024/25", "2024-25", "2024/2025" or "2024" (the start year) as a reporting year."""
    match = _YEAR.match(text)
    if match is None:
        raise ValueError(f"Give the reporting year as 2024/25 (got {text!r})")
    start = int(match.group(1))
    if match.group(2) is not None:
        end = match.group(2)
        expected = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
        if end != expected:
            raise ValueError(
                f"A reporting year runs from April to the next March: {text!r} is not one "
                f"(for example 2024/25)"
            )
    return financial_year(start)
