"""Suppression of small numbers (DfE children in need rule: 1 to 5 is "c"), with secondary
suppression: no hidden count can be worked out from a shown total."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from masa.indicators.suppression import (
    SUPPRESSED,
    format_value,
    is_small,
    shown,
    suppress_table,
)


def test_counts_from_1_to_5_are_small_and_0_is_a_true_zero() -> None:
    assert [is_small(n) for n in range(8)] == [False, True, True, True, True, True, False, False]


def test_one_small_cell_makes_the_next_smallest_hidden_too() -> None:
    # 3 + 10 + 40 = 53: hiding only the 3 would leave 53 - 10 - 40 = 3 to be worked out.
    result = suppress_table([3, 10, 40], 53)
    assert result.cells == (True, True, False)
    assert not result.total


def test_two_small_cells_of_1_are_not_enough_on_their_own() -> None:
    # Two hidden cells adding up to 2 can only be 1 and 1: a third is hidden.
    assert suppress_table([1, 1, 9, 30], 41).cells == (True, True, True, False)


def test_two_hidden_fives_would_be_read_as_five_each() -> None:
    assert suppress_table([5, 5, 20, 30], 60).cells == (True, True, True, False)


def test_when_no_other_cell_can_be_hidden_the_total_is() -> None:
    # 4 and zeros: a zero is shown as a true zero, so the total must go.
    result = suppress_table([4, 0, 0], 4)
    assert result.cells == (True, False, False) and result.total
    result = suppress_table([4, 0, 60], 64)
    assert result.cells == (True, False, True) and not result.total


def test_without_a_total_only_small_cells_are_hidden() -> None:
    assert suppress_table([3, 10, 40]).cells == (True, False, False)


def test_a_percentage_hides_a_small_numerator_and_a_small_remainder() -> None:
    assert shown(3, 40, 7.5, "%", suppress=True).value == SUPPRESSED
    # 38 of 40: the 2 not counted would be revealed, so the 38 is hidden; 40 stays.
    hidden = shown(38, 40, 95.0, "%", suppress=True)
    assert (hidden.numerator, hidden.denominator, hidden.value) == ("c", "40", "c")
    fine = shown(30, 40, 75.0, "%", suppress=True)
    assert (fine.numerator, fine.denominator, fine.value) == ("30", "40", "75.0")
    # People with access to children's records see everything.
    assert shown(3, 40, 7.5, "%", suppress=False).value == "7.5"


def test_a_rate_is_hidden_with_its_small_count_and_zero_is_shown() -> None:
    assert shown(4, 70_691, 0.566, "per 10,000 children", suppress=True).value == "c"
    assert shown(0, 70_691, 0.0, "per 10,000 children", suppress=True).value == "0.0"
    assert shown(305, 70_691, 43.145, "per 10,000 children", suppress=True).value == "43.1"


def test_missing_stays_distinct_from_suppressed() -> None:
    assert format_value(None, "%") == ":"
    assert shown(4, None, None, "per 10,000 children", suppress=True).denominator == ":"


def _possible_values(
    values: list[int], hidden: list[bool], total: int, upper: int | None
) -> list[set[int]]:
    """For each hidden cell, every value a reader could believe it has, given the shown cells
    and the total: each hidden cell is at least 1 (zeros are shown) and at most ``upper`` if
    given. Worked out by enumerating the sums the other hidden cells can make."""
    rest = total - sum(v for v, h in zip(values, hidden, strict=True) if not h)
    slots = [i for i, h in enumerate(hidden) if h]
    top = upper if upper is not None else rest
    possible = []
    for _ in slots:
        sums = {0}
        for _ in range(len(slots) - 1):
            sums = {s + v for s in sums for v in range(1, top + 1) if s + v <= rest}
        possible.append({rest - s for s in sums if 1 <= rest - s <= top})
    return possible


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 14), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_worked_out_from_the_shown_total(cells: list[int]) -> None:
    total = sum(cells)
    result = suppress_table(cells, total)
    hidden = list(result.cells)
    assert all(
        h for c, h in zip(cells, hidden, strict=True) if is_small(c)
    )  # every small count hidden
    assert not any(h for c, h in zip(cells, hidden, strict=True) if c == 0)  # true zeros shown
    if result.total or not any(hidden):
        return
    # Reader 1: hidden cells are at least 1. Reader 2: every hidden cell is 1 to 5 (only a
    # fair reading when all hidden cells really are small).
    readers = [None] + (
        [5] if all(is_small(c) for c, h in zip(cells, hidden, strict=True) if h) else []
    )
    truth = [c for c, h in zip(cells, hidden, strict=True) if h]
    for upper in readers:
        for value, believable in zip(
            truth, _possible_values(cells, hidden, total, upper), strict=True
        ):
            assert value in believable
            assert len(believable) >= 2, (cells, hidden, upper)
