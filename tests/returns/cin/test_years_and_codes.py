"""Census years (April to March, named by the ending year) and the code lists kept per year."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masa.returns.cin import CollectionYear, available_years, code_lists, collection_year_for

D = dt.date


def test_a_census_year_runs_from_1_april_to_31_march_and_is_named_by_its_end() -> None:
    year = CollectionYear(2026)
    assert (year.start, year.reference_date) == (D(2025, 4, 1), D(2026, 3, 31))
    assert year.label == str(year) == "2025 to 2026"
    assert D(2025, 4, 1) in year and D(2026, 3, 31) in year
    assert D(2025, 3, 31) not in year and D(2026, 4, 1) not in year
    assert None not in year


def test_the_year_of_a_date_changes_on_1_april() -> None:
    assert collection_year_for(D(2026, 3, 31)) == CollectionYear(2026)
    assert collection_year_for(D(2026, 4, 1)) == CollectionYear(2027)
    assert collection_year_for(D(2026, 11, 23)) == CollectionYear(2027)


def test_the_current_year_comes_from_the_date_given() -> None:
    assert CollectionYear.current(D(2026, 11, 23)).label == "2026 to 2027"


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_every_date_falls_in_the_year_derived_from_it(day: dt.date) -> None:
    assert day in collection_year_for(day)


def test_code_lists_exist_for_each_supported_year() -> None:
    assert available_years() == (2023, 2024, 2025, 2026, 2027)
    for year in available_years():
        lists = code_lists(year)
        assert lists.year == year
        assert lists.codes["PrimaryNeedCode"].keys() == {f"N{n}" for n in range(10)}
        assert lists.codes["CategoryOfAbuse"].keys() == {"NEG", "PHY", "SAB", "EMO", "MUL"}
        assert lists.codes["ReasonForClosure"].keys() == {f"RC{n}" for n in range(1, 10)}
        assert {"1A", "5D", "10"} <= lists.codes["ReferralSource"].keys()
        assert {"1A", "21", "24A"} <= lists.codes["AssessmentFactors"].keys()
        assert "8A" not in lists.codes["AssessmentFactors"]


def test_the_sex_element_and_its_codes_changed_in_2024_to_2025() -> None:
    assert code_lists(2024).sex_element == "GenderCurrent"
    assert code_lists(2024).codes["GenderCurrent"].keys() == {"0", "1", "2", "9"}
    assert code_lists(2025).sex_element == "Sex"
    assert code_lists(2025).codes["Sex"].keys() == {"M", "F", "U"}
    assert (code_lists(2024).unborn_sex_code, code_lists(2025).unborn_sex_code) == ("0", "U")


def test_18a_and_19a_are_codes_again_from_2024_to_2025_but_queried() -> None:
    assert "18A" not in code_lists(2024).codes["AssessmentFactors"]
    assert {"18A", "19A"} <= code_lists(2025).codes["AssessmentFactors"].keys()
    assert code_lists(2025).queried_assessment_factors == {"18A", "19A"}


def test_yes_no_tokens_follow_the_year_schema() -> None:
    assert code_lists(2024).yes_no("true") is True
    assert code_lists(2024).yes_no("FALSE") is False
    assert code_lists(2026).yes_no("true") is None  # 2024-25 onwards: 0 or 1 only
    assert code_lists(2026).yes_no("1") is True
    assert code_lists(2026).yes_no(False) is False
    assert code_lists(2026).yes_no(None) is None


def test_the_year_without_a_published_schema_says_it_is_carried_forward() -> None:
    lists = code_lists(2027)
    assert lists.carried_forward_from == 2026
    assert lists.codes == code_lists(2026).codes
    assert code_lists(2026).carried_forward_from is None


def test_the_upn_la_codes_include_the_2023_unitary_authorities_from_2023_to_2024() -> None:
    assert "942" not in code_lists(2023).upn_la_codes
    assert {"942", "943", "355", "001"} <= code_lists(2024).upn_la_codes


def test_an_unknown_year_is_refused_with_the_years_that_exist() -> None:
    with pytest.raises(ValueError, match=r"No CIN census code lists for collection year 2019"):
        code_lists(2019)
