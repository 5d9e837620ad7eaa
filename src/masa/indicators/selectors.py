"""Figures: a measure computed for a partnership and a period, from the live records.

``figure`` and ``figures`` load only the frames the measures asked for need (one query per
table, ``masa.indicators.frames``), then run the pure measure functions over them; asking for
several periods at once (``figures_for_periods``) loads once for all of them.

Population pairing (recorded with every rate as ``population_year``): a period uses the ONS
mid-year estimate for the latest 30 June on or before its last day, so the DfE year 2023-24
(1 April 2023 to 31 March 2024) uses mid-2023, as the DfE's published rates do (Wigan's 305
children on a plan at 31 March 2024 over 70,691 children is the published 43.1 per 10,000),
and the calendar year 2023 also uses mid-2023. When that year is not held yet, the latest
earlier estimate is used and named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import MEASURES, Measure
from .frames import Frames, Window, load_frames
from .measures import REGISTRY, value_of
from .models import PopulationEstimate
from .periods import Period


@dataclass(frozen=True)
class Figure:
    measure: Measure
    period: Period
    numerator: int
    denominator: int | None
    value: float | None  # None when the denominator is 0 or unknown, or the measure unavailable
    population_year: int | None  # for rates: which ONS mid-year was used

    @property
    def available(self) -> bool:
        return self.measure.available

    @property
    def dfe_comparable(self) -> bool:
        """The DfE's measure, over the DfE's year: the figure can stand beside published ones."""
        return self.measure.dfe_comparable and self.period.is_dfe_year


def population_mid_year(period: Period) -> int:
    """The mid-year (30 June) whose estimate a period is paired with: the latest on or before
    the period's last day."""
    end = period.end
    return end.year if end >= dt.date(end.year, 6, 30) else end.year - 1


def population_for(
    period: Period, estimates: dict[int, int]
) -> tuple[int, int] | tuple[None, None]:
    """(mid-year used, children aged 0 to 17) from the estimates held, or (None, None)."""
    wanted = population_mid_year(period)
    held = [year for year in estimates if year <= wanted]
    if not held:
        return None, None
    year = max(held)
    return year, estimates[year]


def population_estimates(partnership_id: int) -> dict[int, int]:
    return dict(
        PopulationEstimate.objects.filter(partnership_id=partnership_id).values_list(
            "year", "children_0_to_17"
        )
    )


def compute_figure(code: str, frames: Frames, period: Period, estimates: dict[int, int]) -> Figure:
    """One figure from frames already loaded (pure apart from the catalogue look-up)."""
    measure = MEASURES[code]
    if not measure.available:
        return Figure(measure, period, 0, None, None, None)
    population_year, population = (
        population_for(period, estimates) if measure.is_rate else (None, None)
    )
    numerator, denominator = REGISTRY[code].compute(frames, period, population)
    return Figure(
        measure,
        period,
        numerator,
        denominator,
        value_of(measure, numerator, denominator),
        population_year,
    )


def _codes(codes: Iterable[str] | None) -> list[str]:
    chosen = list(MEASURES) if codes is None else list(codes)
    unknown = [code for code in chosen if code not in MEASURES]
    if unknown:
        raise KeyError(f"No measure {', '.join(unknown)} in the catalogue")
    return chosen


def figures_for_periods(
    partnership_id: int, periods: list[Period], codes: Iterable[str] | None = None
) -> dict[Period, list[Figure]]:
    """Every measure asked for, for each period, from one load of the frames they need."""
    chosen = _codes(codes)
    tables = frozenset().union(*(REGISTRY[c].tables for c in chosen if c in REGISTRY))
    if periods and tables:
        window = Window(min(p.start for p in periods), max(p.end for p in periods))
        frames = load_frames(partnership_id, window, tables)
    else:
        frames = Frames()
    needs_population = any(MEASURES[c].is_rate and MEASURES[c].available for c in chosen)
    estimates = population_estimates(partnership_id) if needs_population else {}
    return {
        period: [compute_figure(code, frames, period, estimates) for code in chosen]
        for period in periods
    }


def figures(
    partnership_id: int, period: Period, codes: Iterable[str] | None = None
) -> list[Figure]:
    """Every measure in the catalogue (or those named), in catalogue order, for one period."""
    return figures_for_periods(partnership_id, [period], codes)[period]


def figure(partnership_id: int, code: str, period: Period) -> Figure:
    """One measure for one period: the frames it needs, a query each."""
    return figures(partnership_id, period, [code])[0]
