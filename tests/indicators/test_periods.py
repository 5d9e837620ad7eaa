"""Reporting periods and which ONS mid-year each is paired with."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.indicators.periods import (
    calendar_year,
    custom,
    financial_year,
    month_to_date,
    parse_financial_year,
    year_to_date,
)
from masa.indicators.selectors import population_for, population_mid_year

D = dt.date


def test_a_dfe_year_runs_from_1_april_to_31_march() -> None:
    year = financial_year(2024)
    assert (year.start, year.end, year.label, year.kind) == (
        D(2024, 4, 1),
        D(2025, 3, 31),
        "2024-25",
        "financial_year",
    )
    assert year.contains(D(2025, 3, 31)) and not year.contains(D(2025, 4, 1))
    assert financial_year(1999).label == "1999-00"


def test_a_calendar_year_and_periods_to_date_have_readable_labels() -> None:
    assert calendar_year(2023).label == "January to December 2023"
    today = D(2026, 11, 23)
    assert year_to_date(today).label == "1 April to 23 November 2026"
    assert year_to_date(today, financial=False).start == D(2026, 1, 1)
    assert month_to_date(today).label == "1 to 23 November 2026"
    assert year_to_date(D(2027, 1, 3)).label == "1 April 2026 to 3 January 2027"
    assert year_to_date(D(2026, 4, 1)).label == "1 April 2026"
    assert custom(D(2026, 1, 5), D(2026, 2, 1)).kind == "custom"


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        custom(D(2026, 2, 1), D(2026, 1, 1))


@pytest.mark.parametrize("text", ["2024/25", "2024-25", "2024/2025", "2024", " 2024 / 25 "])
def test_the_command_reads_a_reporting_year_in_the_usual_ways(text: str) -> None:
    assert parse_financial_year(text) == financial_year(2024)


@pytest.mark.parametrize("text", ["2024/26", "24/25", "2024/2026", "last year"])
def test_a_reporting_year_that_is_not_april_to_march_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="2024/25"):
        parse_financial_year(text)


def test_a_dfe_year_uses_the_mid_year_estimate_inside_it() -> None:
    # 2023-24 pairs with mid-2023, as the DfE's published rates do: Wigan's 305 children on a
    # plan at 31 March 2024 over its mid-2023 estimate of 70,691 is the published 43.1.
    assert population_mid_year(financial_year(2023)) == 2023
    assert round(305 / 70_691 * 10_000, 1) == 43.1
    assert population_mid_year(calendar_year(2023)) == 2023
    # A period ending before 30 June uses the previous year's estimate.
    assert population_mid_year(month_to_date(D(2026, 5, 20))) == 2025
    assert population_mid_year(custom(D(2026, 6, 1), D(2026, 6, 30))) == 2026


def test_the_latest_earlier_estimate_is_used_and_named_when_the_year_is_not_held() -> None:
    held = {2022: 69_385, 2023: 70_691}
    assert population_for(financial_year(2023), held) == (2023, 70_691)
    assert population_for(financial_year(2025), held) == (2023, 70_691)
    assert population_for(financial_year(2020), held) == (None, None)
