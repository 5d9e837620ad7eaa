"""The one place the golden thread reads ``masa.indicators``: the catalogue of live measures and
their figures for this reporting year to date and the last whole year.

Outcome measures with an ``indicator_code`` are never copied into assurance: their value is
worked out from masa's records each time the page is shown, so it cannot go stale.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from masa.indicators.catalogue import HIGHER, LOWER, MEASURES, measures_in_groups
from masa.indicators.periods import financial_year, financial_year_of, year_to_date
from masa.indicators.selectors import Figure, figures_for_periods
from masa.indicators.suppression import shown


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    good: str  # "higher", "lower" or "neither"
    is_count: bool  # a count of events: a year to date is only part of a year

    @property
    def better(self) -> str:
        """The direction of good as an outcome measure's direction ("" when neither is)."""
        return {HIGHER: "higher", LOWER: "lower"}.get(self.good, "")


@dataclass(frozen=True)
class LiveFigure:
    """One indicator's figure for one period, as the golden thread shows it."""

    value: decimal.Decimal | None
    period_label: str
    numerator: int | None
    denominator: int | None
    # Hidden as a small number (DfE suppression) for a reader without child-level access.
    suppressed: bool = False


def indicator(code: str) -> Indicator | None:
    """A measure of the indicators catalogue that masa can work out, or None."""
    measure = MEASURES.get(code)
    if measure is None or not measure.available:
        return None
    return Indicator(
        code=code,
        name=measure.name,
        unit=measure.unit,
        good=measure.good,
        is_count=measure.is_count,
    )


def indicator_choices() -> list[tuple[str, str]]:
    """The indicators masa can work out, by group, for the measure form."""
    return [
        (m.code, f"{m.group}: {m.name}")
        for group, measures in measures_in_groups()
        for m in measures
        if m.available
    ]


def _live(found: Figure, *, suppress: bool) -> LiveFigure:
    as_shown = shown(
        found.numerator, found.denominator, found.value, found.measure.unit, suppress=suppress
    )
    if as_shown.suppressed:
        return LiveFigure(None, found.period.label, None, None, suppressed=True)
    return LiveFigure(
        value=None if found.value is None else decimal.Decimal(str(found.value)),
        period_label=found.period.label,
        numerator=found.numerator,
        denominator=found.denominator,
    )


def this_year_and_last(
    partnership_id: int, code: str, today: dt.date, *, suppress: bool
) -> tuple[LiveFigure, LiveFigure]:
    """The figure for the reporting year to date and for the last whole reporting year (one load
    of the records for both)."""
    to_date = year_to_date(today)
    last_year = financial_year(financial_year_of(today) - 1)
    found = figures_for_periods(partnership_id, [to_date, last_year], [code])
    return (
        _live(found[to_date][0], suppress=suppress),
        _live(found[last_year][0], suppress=suppress),
    )
