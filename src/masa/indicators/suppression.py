"""Suppression of small numbers, as the DfE does it for the children in need statistics.

shared/domain/indicators.md section 1: any count from 1 to 5 is shown as ``c`` (primary
suppression), plus secondary suppression so that no hidden count can be worked out from what is
shown; ``0`` is a true zero and is shown; missing ("not available") stays distinct from
suppressed. Figures are computed unrounded and only suppressed for display.

Who: aggregate figures shown to people without access to children's records, and anything
published or exported. Child-level lists and returns are restricted instead, never suppressed.

Secondary suppression (``suppress_table``): cells that add up to a shown total. What a reader
can deduce is that each ``c`` cell is at least 1 (a zero would be shown), and that the hidden
cells add up to the total less the shown ones. A hidden cell is safe only if at least two
values are possible for it, under that reading and under the stricter one that every ``c``
cell is 1 to 5. So masa hides more cells, smallest first, while the hidden ones are

- one cell alone (its value is the total less the rest),
- all 1 (the sum equals the number of cells), or
- all primary and all 5 (the sum is five times the number of cells);

and hides the total when no cell is left to hide. A percentage is the table "in the numerator,
not in it" with the denominator as total, so 98 out of 100 hides the 98 (the 2 it would reveal
is a small count); a rate's population is public, so a rate is hidden with its count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESSED = "c"  # DfE: confidential
NOT_AVAILABLE = ":"  # DfE: not available (masa keeps missing distinct from suppressed)
THRESHOLD = 5  # counts from 1 to 5 are hidden (DfE children in need statistics)


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    """A count that must not be shown on its own: 1 to ``threshold`` (0 is a true zero)."""
    return 1 <= count <= threshold


@dataclass(frozen=True)
class Suppressed:
    """Which cells and whether the total are hidden."""

    cells: tuple[bool, ...]
    total: bool


def _recoverable(values: list[int], primary: list[bool], threshold: int) -> bool:
    """Could a reader pin down any of these hidden values from their sum?"""
    k = len(values)
    if k == 0:
        return False
    total = sum(values)
    return k == 1 or total == k or (all(primary) and total == threshold * k)


def suppress_table(
    cells: Sequence[int], total: int | None = None, threshold: int = THRESHOLD
) -> Suppressed:
    """Primary and secondary suppression for ``cells`` that add up to ``total`` (None: no
    total is shown, or the cells are not parts of one total)."""
    if any(cell < 0 for cell in cells):
        raise ValueError("Counts cannot be negative")
    if total is not None and total != sum(cells):
        raise ValueError(f"The cells add up to {sum(cells)}, not the total {total}")
    primary = [is_small(cell, threshold) for cell in cells]
    hidden = list(primary)
    total_hidden = total is not None and is_small(total, threshold)
    if total is None or total_hidden:
        return Suppressed(tuple(hidden), total_hidden)
    while True:
        chosen = [i for i, h in enumerate(hidden) if h]
        if not _recoverable([cells[i] for i in chosen], [primary[i] for i in chosen], threshold):
            break
        # The smallest non-zero cell still shown; a zero is never hidden (c means 1 or more).
        candidates = sorted((cells[i], i) for i, h in enumerate(hidden) if not h and cells[i] > 0)
        if not candidates:
            total_hidden = True
            break
        hidden[candidates[0][1]] = True
    return Suppressed(tuple(hidden), total_hidden)


@dataclass(frozen=True)
class Shown:
    """A figure as a page shows it: each part is the text to display."""

    numerator: str
    denominator: str
    value: str
    suppressed: bool


def _count_text(count: int | None) -> str:
    return NOT_AVAILABLE if count is None else f"{count:,}"


def format_value(value: float | None, unit: str) -> str:
    """One decimal place for rates and percentages (DfE CIN convention); whole counts."""
    if value is None:
        return NOT_AVAILABLE
    if unit in ("%", "per 10,000 children"):
        return f"{value:,.1f}"
    return f"{round(value):,}"


def shown(
    numerator: int,
    denominator: int | None,
    value: float | None,
    unit: str,
    *,
    suppress: bool,
    threshold: int = THRESHOLD,
) -> Shown:
    """A figure for display, suppressed when ``suppress`` (no child-level access)."""
    plain = Shown(
        _count_text(numerator), _count_text(denominator), format_value(value, unit), False
    )
    if not suppress:
        return plain
    if unit == "%":
        if denominator is None:
            return plain
        result = suppress_table([numerator, denominator - numerator], denominator, threshold)
        hide_numerator = result.cells[0]
        hide_denominator = result.total
        if not (hide_numerator or hide_denominator):
            return plain
        return Shown(
            SUPPRESSED if hide_numerator or hide_denominator else plain.numerator,
            SUPPRESSED if hide_denominator else plain.denominator,
            SUPPRESSED,
            True,
        )
    if is_small(numerator, threshold):
        # A count, or a rate: the population is public, so the rate would give the count.
        return Shown(SUPPRESSED, plain.denominator, SUPPRESSED, True)
    return plain
