"""Benchmarks: the partnership's live figure beside the DfE's published comparators.

For a measure and a local period: the local authority the partnership is compared with
(``LocalAuthorityLink``: its own code for a real partnership, a real authority chosen for the
fictional demo borough), the mean of that authority's ten statistical neighbours, its region
and England, all for one comparator year: the latest DfE year published on or before the local
period's last day. Published figures lag a year (2024-25 is published in the autumn of 2025),
so both years are always labelled.

- **Statistical neighbours' mean** is the simple mean of the neighbours' published values (as
  LAIT computes it); neighbours with no published value (suppressed, or the authority did not
  exist) are left out and named. Which model (the DfE's April 2021 groupings or its 2025 model)
  is stated; the newest loaded is used unless the setting ``MASA_SN_MODEL`` names one.
- **Region and England** are the DfE's published aggregates, not means of authorities.
- **Counts** (referrals, plans starting) are compared only with the authority's own published
  count: a count is not comparable with England's or a mean of other areas'.
- **Comparisons in words** ("Higher than England (good)") follow the measure's direction of good;
  a measure where neither direction is better gets no judgement. There is no comparison for part
  of a year, a suppressed local figure, or a figure missing on either side. Figures are compared
  as shown, to one decimal place, so a difference hidden by rounding reads "The same as".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from django.conf import settings

from .catalogue import HIGHER, LOWER, Measure
from .load_published import ENGLAND, published_measure_codes, year_label
from .models import LocalAuthorityLink, PublishedArea, PublishedFigure, StatisticalNeighbour
from .periods import CALENDAR_YEAR, FINANCIAL_YEAR, Period

LA, NEIGHBOURS, REGION, NATIONAL = "la", "neighbours", "region", "england"
NOT_PUBLISHED = "Not published"
SN_MODEL_LABELS = {
    "2021": "the DfE's April 2021 statistical neighbour groupings",
    "2025": "the DfE's 2025 statistical neighbour model",
}


def latest_dfe_year_by(day: dt.date) -> int:
    """The last DfE reporting year (by the year it ends) that had ended by ``day``: 2025
    (2024-25, ending 31 March 2025) for any day from 31 March 2025 to 30 March 2026."""
    return day.year if day >= dt.date(day.year, 3, 31) else day.year - 1


def published_loaded() -> bool:
    return PublishedFigure.objects.exists()


@dataclass(frozen=True)
class ComparatorSet:
    """Who a partnership is compared with."""

    la_code: str
    la_name: str
    region_code: str
    region_name: str
    sn_model: str
    neighbours: tuple[tuple[str, str], ...]  # (code, name), closest first

    @property
    def sn_model_label(self) -> str:
        return SN_MODEL_LABELS.get(self.sn_model, f"the DfE's {self.sn_model} statistical model")

    @property
    def area_codes(self) -> list[str]:
        codes = [self.la_code, ENGLAND, *(code for code, _ in self.neighbours)]
        return [*codes, self.region_code] if self.region_code else codes


def comparator_set(partnership_id: int) -> ComparatorSet | None:
    """The authority, its neighbours and region; None until the partnership is linked to one."""
    link = LocalAuthorityLink.objects.filter(partnership_id=partnership_id).first()
    if link is None:
        return None
    area = PublishedArea.objects.filter(code=link.la_code).first()
    models = set(
        StatisticalNeighbour.objects.filter(la_code=link.la_code).values_list("model", flat=True)
    )
    wanted = getattr(settings, "MASA_SN_MODEL", None)
    model = wanted if wanted in models else max(models, default="")
    codes = list(
        StatisticalNeighbour.objects.filter(la_code=link.la_code, model=model)
        .order_by("rank")
        .values_list("neighbour_code", flat=True)
    )
    names = dict(PublishedArea.objects.filter(code__in=codes).values_list("code", "name"))
    return ComparatorSet(
        la_code=link.la_code,
        la_name=(area.name if area else "") or link.la_name,
        region_code=area.region_code if area else "",
        region_name=area.region_name if area else "",
        sn_model=model,
        neighbours=tuple((code, names.get(code, code)) for code in codes),
    )


# ---------------------------------------------------------------- published values

Values = dict[tuple[str, str, int], tuple[str, float | None]]


def published_values(
    codes: Iterable[str], areas: Iterable[str], first_year: int, last_year: int
) -> Values:
    """(area, measure, year) -> (value as published, number), in one query."""
    rows = PublishedFigure.objects.filter(
        measure_code__in=list(codes),
        area_code__in=list(areas),
        year__range=(first_year, last_year),
    ).values_list("area_code", "measure_code", "year", "value_text", "value")
    return {(a, m, y): (text, value) for a, m, y, text, value in rows}


def published_text(text: str, value: float | None, measure: Measure) -> str:
    """A published value as masa shows it: counts whole, rates and percentages as published
    (LAIT's float artefacts such as 73.400000000000006 rounded to one place); "c" stays "c"."""
    if value is None:
        return "c" if text.strip().lower() == "c" else NOT_PUBLISHED
    if measure.is_count:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if "." in text or "e" in text.lower() else f"{value:,.0f}"


@dataclass(frozen=True)
class Comparator:
    kind: str  # LA, NEIGHBOURS, REGION, NATIONAL
    name: str  # "Wigan", "Statistical neighbours", "North West", "England"
    year: int | None
    value: float | None
    text: str
    note: str = ""
    comparison: str = ""

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year else ""


def _neighbours_mean(
    cset: ComparatorSet, values: Values, code: str, year: int
) -> tuple[float | None, str]:
    found = [(name, values.get((c, code, year), ("", None))[1]) for c, name in cset.neighbours]
    numbers = [v for _, v in found if v is not None]
    missing = [name for name, v in found if v is None]
    if not numbers:
        return None, f"None of the {len(found)} neighbours has a published figure"
    if missing:
        note = f"Mean of {len(numbers)} of {len(found)} neighbours ({cset.sn_model_label}); "
        note += f"not published: {', '.join(missing)}"
    else:
        note = f"Mean of the {len(found)} neighbours in {cset.sn_model_label}"
    return fmean(numbers), note


def comparator_row(
    cset: ComparatorSet, measure: Measure, values: Values, year: int
) -> list[Comparator]:
    """The comparators for one measure and one published year (counts: the authority only)."""
    code = measure.code

    def single(kind: str, area: str, name: str) -> Comparator:
        text, value = values.get((area, code, year), ("", None))
        return Comparator(kind, name, year, value, published_text(text, value, measure))

    row = [single(LA, cset.la_code, cset.la_name)]
    if measure.is_count:
        return row
    mean, note = _neighbours_mean(cset, values, code, year)
    row.append(
        Comparator(
            NEIGHBOURS,
            "Statistical neighbours",
            year,
            mean,
            NOT_PUBLISHED if mean is None else f"{mean:,.1f}",
            note,
        )
    )
    if cset.region_code:
        row.append(single(REGION, cset.region_code, cset.region_name))
    row.append(single(NATIONAL, ENGLAND, "England"))
    return row


# ---------------------------------------------------------------- comparisons in words


def comparison(measure: Measure, local: float | None, other: Comparator) -> str:
    """ "Higher than England (good)", "Lower than Wigan (not good)", "The same as North West",
    or "" when either figure is missing. No judgement when neither direction is better."""
    if local is None or other.value is None:
        return ""
    mine, theirs = round(local, 1), round(other.value, 1)
    name = "statistical neighbours" if other.kind == NEIGHBOURS else other.name
    if mine == theirs:
        return f"The same as {name}"
    higher = mine > theirs
    words = f"{'Higher' if higher else 'Lower'} than {name}"
    if measure.good not in (HIGHER, LOWER):
        return words
    good = higher == (measure.good == HIGHER)
    return f"{words} ({'good' if good else 'not good'})"


def whole_year(period: Period) -> bool:
    return period.kind in (FINANCIAL_YEAR, CALENDAR_YEAR)


@dataclass(frozen=True)
class Benchmark:
    measure: Measure
    period: Period
    year: int | None  # the comparator year (by the year it ends)
    comparators: tuple[Comparator, ...]
    caveat: str  # why there is no comparison in words, or how the periods differ

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year else ""

    @property
    def comparisons(self) -> list[str]:
        return [c.comparison for c in self.comparators if c.comparison]


def benchmarks(
    cset: ComparatorSet,
    period: Period,
    measures: list[Measure],
    local: dict[str, tuple[float | None, bool]],
) -> dict[str, Benchmark]:
    """Benchmarks for the measures that have published comparators, for one local period.
    ``local`` gives each measure's live value and whether it is shown suppressed."""
    published = published_measure_codes()
    chosen = [m for m in measures if m.code in published and m.dfe_comparable]
    if not chosen:
        return {}
    last = latest_dfe_year_by(period.end)
    values = published_values([m.code for m in chosen], cset.area_codes, last - 30, last)
    result = {}
    for measure in chosen:
        held = [y for (a, c, y) in values if c == measure.code and a in (ENGLAND, cset.la_code)]
        year = max(held, default=None)
        if year is None:
            result[measure.code] = Benchmark(measure, period, None, (), "No published figures")
            continue
        row = comparator_row(cset, measure, values, year)
        value, suppressed = local.get(measure.code, (None, False))
        caveat = ""
        if not whole_year(period):
            caveat = f"{period.label} is part of a year: compare with care"
        elif period.kind == CALENDAR_YEAR:
            caveat = "Published figures are for DfE years (1 April to 31 March)"
        if suppressed:
            caveat = caveat or "Small numbers are hidden, so there is no comparison"
        if whole_year(period) and not suppressed:
            row = [
                Comparator(
                    c.kind, c.name, c.year, c.value, c.text, c.note, comparison(measure, value, c)
                )
                for c in row
            ]
        result[measure.code] = Benchmark(measure, period, year, tuple(row), caveat)
    return result


def trend(
    cset: ComparatorSet, measure: Measure, years: list[int], values: Values | None = None
) -> dict[str, dict[int, float | None]]:
    """Each comparator's published value in each DfE year (by the year it ends), for a chart.
    ``values`` may hold them already (``published_values`` for several measures at once)."""
    if measure.code not in published_measure_codes() or not years:
        return {}
    if values is None:
        values = published_values([measure.code], cset.area_codes, min(years), max(years))
    lines: dict[str, dict[int, float | None]] = {}
    for year in years:
        for comparator in comparator_row(cset, measure, values, year):
            lines.setdefault(comparator.kind, {})[year] = comparator.value
    return lines


def line_names(cset: ComparatorSet) -> dict[str, str]:
    return {
        LA: f"{cset.la_name} (published)",
        NEIGHBOURS: "Statistical neighbours (mean)",
        REGION: cset.region_name or "Region",
        NATIONAL: "England",
    }
