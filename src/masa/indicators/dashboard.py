"""What the dashboard and the measure pages show: periods to choose, figures with their
benchmarks, year-end snapshots and trend charts.

Figures come from ``masa.indicators.cache`` (computed once, then served until a record
changes), comparators from ``masa.indicators.comparators``; suppression is applied here, per
reader, after the cache. Charts are drawn on the server (``masa.core.charts``), each with its
table, and suppressed values show as "c" in the table and as a gap in the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from masa.core import audit, charts
from masa.core.models import AuditAction, User

from . import cache
from .catalogue import MEASURES, Measure
from .comparators import (
    NATIONAL,
    Benchmark,
    ComparatorSet,
    Values,
    benchmarks,
    comparator_set,
    line_names,
    published_loaded,
    published_values,
    trend,
)
from .periods import (
    CALENDAR_YEAR,
    FINANCIAL_YEAR,
    Period,
    calendar_year,
    financial_year,
    financial_year_of,
    year_to_date,
)
from .presenters import CATEGORY_CODES, FigureRow, present
from .selectors import Figure
from .snapshots import LiveAndFrozen, difference, frozen_figures, period_start_year

# The dashboard's headline measures, in the order shown; measures not available yet (children
# looked after, care leavers) appear once their records exist.
HEADLINE = [
    "referral_rate",
    "re_referrals",
    "assessments_45_days",
    "cin_rate",
    "s47_rate",
    "icpc_15_days",
    "cp_rate",
    "cp_second_ever",
    "cp_ended_2_years",
    "cla_rate",
    "cla_three_placements",
    "care_leavers_eet",
    "contact_conversion",
    "early_help_started",
]
TREND_YEARS = 6  # the chosen year and the five before it
CHOICE_YEARS = 10
YEARS_ON_MEASURE_PAGE = 5


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class PeriodChoice:
    key: str
    label: str
    period: Period


def _is_financial(period: Period) -> bool:
    return period.kind == FINANCIAL_YEAR or (
        period.kind != CALENDAR_YEAR and period.start.month == 4
    )


def period_key(period: Period) -> str:
    if period.kind == FINANCIAL_YEAR:
        return f"fy-{period.start.year}"
    if period.kind == CALENDAR_YEAR:
        return f"cy-{period.start.year}"
    return "ytd" if _is_financial(period) else "cytd"


def period_choices(today: dt.date) -> list[PeriodChoice]:
    this_year = financial_year_of(today)
    ytd, cytd = year_to_date(today), year_to_date(today, financial=False)
    choices = [PeriodChoice("ytd", f"This reporting year so far ({ytd.label})", ytd)]
    choices += [
        PeriodChoice(
            f"fy-{y}", f"{financial_year(y).label} (1 April to 31 March)", financial_year(y)
        )
        for y in range(this_year - 1, this_year - 1 - CHOICE_YEARS, -1)
    ]
    choices.append(PeriodChoice("cytd", f"This calendar year so far ({cytd.label})", cytd))
    choices += [
        PeriodChoice(f"cy-{y}", f"{y} (January to December)", calendar_year(y))
        for y in range(today.year - 1, today.year - 1 - CHOICE_YEARS, -1)
    ]
    return choices


def default_period(today: dt.date) -> Period:
    """The latest whole DfE year: the one comparable with the published figures."""
    return financial_year(financial_year_of(today) - 1)


_KEY = re.compile(r"^(fy|cy)-(\d{4})$")


def parse_period(key: str, today: dt.date) -> Period | None:
    """A period from its key ("fy-2024", "cy-2023", "ytd", "cytd"); None if it is not one.
    Years run from 2000 to the current one."""
    if key == "ytd":
        return year_to_date(today)
    if key == "cytd":
        return year_to_date(today, financial=False)
    match = _KEY.match(key)
    if match is None:
        return None
    year = int(match.group(2))
    if match.group(1) == "fy":
        return financial_year(year) if 2000 <= year <= financial_year_of(today) else None
    return calendar_year(year) if 2000 <= year <= today.year else None


def trend_periods(period: Period, count: int = TREND_YEARS) -> list[Period]:
    """The period and the whole years of the same kind before it, oldest first."""
    financial = _is_financial(period)
    start = period.start.year
    earlier = [
        financial_year(start - back) if financial else calendar_year(start - back)
        for back in range(count - 1, 0, -1)
    ]
    return [*earlier, period]


def short_label(period: Period) -> str:
    """A chart axis label: "2023-24", "2023", "2025-26 so far", "2026 so far"."""
    if period.kind == FINANCIAL_YEAR:
        return period.label
    if period.kind == CALENDAR_YEAR:
        return str(period.start.year)
    if _is_financial(period):
        return f"{financial_year(period.start.year).label} so far"
    return f"{period.start.year} so far"


def dfe_year_of(period: Period) -> int | None:
    """The DfE year (by the year it ends) a whole DfE year is published as."""
    return period.end.year if period.kind == FINANCIAL_YEAR else None


# ---------------------------------------------------------------- charts


def trend_chart(
    measure: Measure,
    periods: list[Period],
    rows: dict[Period, FigureRow],
    cset: ComparatorSet | None,
    *,
    partnership_name: str,
    chart_id: str,
    comparators: tuple[str, ...] | None = None,
    published: Values | None = None,
) -> charts.Figure:
    """A line chart of the live figure over ``periods``, with the published comparators for
    the whole DfE years (``comparators`` picks which; None for all)."""
    unit = measure.unit if not measure.is_percentage else "per cent"
    decimals = 0 if measure.is_count else 1
    # A hidden or missing value is a gap in the line; the table says which ("c" or ":").
    hidden = [rows[p].shown.suppressed or rows[p].figure.value is None for p in periods]
    local = charts.Series(
        f"{partnership_name} (masa, live)",
        [None if gap else rows[p].figure.value for p, gap in zip(periods, hidden, strict=True)],
        [rows[p].shown.value if gap else None for p, gap in zip(periods, hidden, strict=True)],
    )
    series = [local]
    years = {p: dfe_year_of(p) for p in periods}
    if cset is not None and any(years.values()):
        lines = trend(cset, measure, [y for y in years.values() if y], published)
        names = line_names(cset)
        for kind, by_year in lines.items():
            if comparators is not None and kind not in comparators:
                continue
            values = [by_year.get(y) if (y := years[p]) else None for p in periods]
            texts = [
                None if v is not None else "Not published" if years[p] else "No comparator"
                for p, v in zip(periods, values, strict=True)
            ]
            series.append(charts.Series(names[kind], values, texts))
    labels = [short_label(p) for p in periods]
    return charts.line_figure(
        charts.ChartData(
            title=f"{measure.name}, {labels[0]} to {labels[-1]}",
            categories=labels,
            series=series,
            category_heading="Year",
            unit=unit,
            decimals=decimals,
            chart_id=chart_id,
            missing=":",
        )
    )


# ---------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class Headline:
    row: FigureRow
    benchmark: Benchmark | None
    chart: charts.Figure
    frozen: LiveAndFrozen | None

    @property
    def measure(self) -> Measure:
        return self.row.measure


@dataclass(frozen=True)
class Dashboard:
    period: Period
    headlines: list[Headline]
    not_yet: list[Measure]
    cset: ComparatorSet | None
    published: bool


def _frozen_rows(
    partnership_id: int, figures: list[Figure], *, suppress: bool
) -> dict[tuple[str, Period], LiveAndFrozen]:
    """Live beside frozen, for every whole DfE year among ``figures`` that has a snapshot."""
    years = sorted({y for f in figures if (y := period_start_year(f.period)) is not None})
    found = frozen_figures(partnership_id, years)
    pairs = [
        (live, found[y][0], found[y][1][live.measure.code])
        for live in figures
        if (y := period_start_year(live.period)) in found and live.measure.code in found[y][1]
    ]
    frozen_shown = present([frozen for _, _, frozen in pairs], suppress=suppress)
    return {
        (live.measure.code, live.period): LiveAndFrozen(
            snapshot, shown.shown, difference(live, frozen, suppress=suppress)
        )
        for (live, snapshot, frozen), shown in zip(pairs, frozen_shown, strict=True)
    }


def dashboard(
    partnership_id: int, partnership_name: str, period: Period, *, suppress: bool
) -> Dashboard:
    codes = [c for c in HEADLINE if MEASURES[c].available]
    periods = trend_periods(period)
    computed = cache.figures_for_periods(partnership_id, periods, codes)
    every = [f for p in periods for f in computed[p]]
    shown = present(every, suppress=suppress)
    rows = {(r.measure.code, r.figure.period): r for r in shown}
    cset = comparator_set(partnership_id)
    published = published_loaded()
    chosen = [rows[(code, period)] for code in codes]
    marks = {r.measure.code: (r.figure.value, r.shown.suppressed) for r in chosen}
    benches = (
        benchmarks(cset, period, [r.measure for r in chosen], marks) if cset and published else {}
    )
    frozen = _frozen_rows(partnership_id, [r.figure for r in chosen], suppress=suppress)
    years = [y for p in periods if (y := dfe_year_of(p))]
    values = (
        published_values(codes, cset.area_codes, min(years), max(years))
        if cset and published and years
        else None
    )
    headlines = [
        Headline(
            row,
            benches.get(row.measure.code),
            trend_chart(
                row.measure,
                periods,
                {p: rows[(row.measure.code, p)] for p in periods},
                cset if published else None,
                partnership_name=partnership_name,
                chart_id=f"trend-{row.measure.code}",
                comparators=(NATIONAL,),
                published=values,
            ),
            frozen.get((row.measure.code, period)),
        )
        for row in chosen
    ]
    not_yet = [MEASURES[c] for c in HEADLINE if not MEASURES[c].available]
    return Dashboard(period, headlines, not_yet, cset, published)


# ---------------------------------------------------------------- one measure


@dataclass(frozen=True)
class MeasureRow:
    row: FigureRow
    frozen: LiveAndFrozen | None


@dataclass(frozen=True)
class MeasurePage:
    measure: Measure
    periods: list[Period]
    rows: list[MeasureRow]
    benchmark: Benchmark | None  # for the latest whole DfE year on the page
    benchmark_row: FigureRow | None  # that year's live figure
    chart: charts.Figure | None
    cset: ComparatorSet | None
    published: bool
    by_period: dict[Period, Benchmark]

    @property
    def any_frozen(self) -> bool:
        return any(r.frozen for r in self.rows)


def measure_periods(today: dt.date) -> list[Period]:
    """This reporting year so far and the four whole years before it, newest first."""
    this_year = financial_year_of(today)
    return [year_to_date(today)] + [
        financial_year(this_year - back) for back in range(1, YEARS_ON_MEASURE_PAGE)
    ]


def measure_page(
    partnership_id: int,
    partnership_name: str,
    measure: Measure,
    today: dt.date,
    *,
    suppress: bool,
) -> MeasurePage:
    periods = measure_periods(today)
    if not measure.available:
        return MeasurePage(measure, periods, [], None, None, None, None, False, {})
    # Categories of abuse are shown together so the same cells are hidden on every page.
    together = CATEGORY_CODES if measure.code in CATEGORY_CODES else [measure.code]
    computed = cache.figures_for_periods(partnership_id, periods, together)
    every = present([f for p in periods for f in computed[p]], suppress=suppress)
    rows = [row for row in every if row.measure.code == measure.code]
    frozen = _frozen_rows(partnership_id, [r.figure for r in rows], suppress=suppress)
    cset = comparator_set(partnership_id)
    published = published_loaded()
    by_period: dict[Period, Benchmark] = {}
    if cset is not None and published:
        for row in rows:
            found = benchmarks(
                cset,
                row.figure.period,
                [measure],
                {measure.code: (row.figure.value, row.shown.suppressed)},
            )
            if measure.code in found:
                by_period[row.figure.period] = found[measure.code]
    whole = [r for r in rows if r.figure.period.kind == FINANCIAL_YEAR]
    benchmark_row = whole[0] if whole else None
    benchmark = by_period.get(benchmark_row.figure.period) if benchmark_row else None
    oldest_first = list(reversed(periods))
    chart = trend_chart(
        measure,
        oldest_first,
        {r.figure.period: r for r in rows},
        cset if published else None,
        partnership_name=partnership_name,
        chart_id=f"measure-{measure.code}",
    )
    return MeasurePage(
        measure,
        periods,
        [MeasureRow(r, frozen.get((measure.code, r.figure.period))) for r in rows],
        benchmark,
        benchmark_row,
        chart,
        cset,
        published,
        by_period,
    )


def figures_exported(*, user: User, measure: Measure) -> None:
    """A download of aggregate figures (always suppressed) is recorded like any export."""
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="indicator figures",
        object_id=measure.code,
        object_label=f"{measure.name} (CSV, small numbers suppressed)",
    )
