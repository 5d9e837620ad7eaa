"""The CIN census year: 1 April to 31 March, named by the year it ends (2026 is 2025 to 2026)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True, order=True)
class CollectionYear:
    """A census year. ``reference_date`` is DfE's ReferenceDate: the last day of the year."""

    year: int

    @classmethod
    def of(cls, day: dt.date) -> CollectionYear:
        """The census year a date falls in: 31 March 2026 is in 2026, 1 April 2026 in 2027."""
        return cls(day.year + 1 if day.month >= 4 else day.year)

    @classmethod
    def current(cls, today: dt.date | None = None) -> CollectionYear:
        """The census year of today's date in England (not the server's time zone)."""
        return cls.of(today or dt.datetime.now(LONDON).date())

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def reference_date(self) -> dt.date:
        return dt.date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.reference_date

    def __str__(self) -> str:
        return self.label


def collection_year_for(day: dt.date) -> CollectionYear:
    """The census year ``day`` falls in (April to March, named by the ending year)."""
    return CollectionYear.of(day)
