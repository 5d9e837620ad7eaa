"""Figures as pages and exports show them: formatted, and suppressed where the reader has no
access to children's records (``masa.indicators.suppression``)."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Measure
from .measures import CATEGORY_LETTERS
from .selectors import Figure
from .suppression import SUPPRESSED, Shown, shown, suppress_table

CATEGORY_CODES = [f"cp_category_{letter.lower()}" for letter in CATEGORY_LETTERS.values()]


@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    shown: Shown

    @property
    def measure(self) -> Measure:
        return self.figure.measure

    @property
    def population_note(self) -> str:
        year = self.figure.population_year
        if not self.measure.is_rate:
            return ""
        if year is None:
            return "No population estimate held for this period"
        return f"ONS mid-{year} estimate"


def _category_secondary(figures: list[Figure], rows: dict[int, Shown]) -> None:
    """Children on a plan by category add up to the children on a plan: hide enough categories
    that none can be worked out from the others (secondary suppression across the group)."""
    by_period: dict[object, list[int]] = {}
    for index, figure in enumerate(figures):
        if figure.measure.code in CATEGORY_CODES and figure.denominator is not None:
            by_period.setdefault(figure.period, []).append(index)
    for indexes in by_period.values():
        total = figures[indexes[0]].denominator
        assert total is not None
        cells = [figures[i].numerator for i in indexes]
        unknown = total - sum(cells)  # plans without a category, if any: a hidden cell
        result = suppress_table([*cells, max(unknown, 0)], total if unknown >= 0 else None)
        for i, hide in zip(indexes, result.cells, strict=False):
            if hide or result.total:
                current = rows[i]
                rows[i] = Shown(
                    SUPPRESSED,
                    SUPPRESSED if result.total else current.denominator,
                    SUPPRESSED,
                    True,
                )


def present(figures: list[Figure], *, suppress: bool) -> list[FigureRow]:
    """Rows for display, in the order given. With ``suppress``, small counts show as "c" and
    enough others are hidden that no hidden count can be worked out."""
    rows = {
        i: shown(f.numerator, f.denominator, f.value, f.measure.unit, suppress=suppress)
        for i, f in enumerate(figures)
    }
    if suppress:
        _category_secondary(figures, rows)
    return [FigureRow(figure, rows[i]) for i, figure in enumerate(figures)]
