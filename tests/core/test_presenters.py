from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masa.core.forms import MasaIdField
from masa.core.presenters import format_masa_id, govuk_date, parse_masa_id


def test_dates_are_shown_as_day_month_year() -> None:
    assert govuk_date(dt.date(2026, 11, 3)) == "3 November 2026"


@given(st.integers(min_value=1, max_value=10**9))
def test_a_masa_id_reads_back_as_the_record_it_names(child_id: int) -> None:
    assert parse_masa_id(format_masa_id(child_id)) == child_id
    assert parse_masa_id(format_masa_id(child_id).lower()) == child_id


@pytest.mark.parametrize("typed", ["", "C", "C12a", "X000123", "Kira"])
def test_anything_else_is_not_a_masa_id(typed: str) -> None:
    assert parse_masa_id(typed) is None


def test_the_field_says_what_a_masa_id_looks_like() -> None:
    from django.core.exceptions import ValidationError

    field = MasaIdField(label="Child's masa ID")
    assert field.clean(" c000042 ") == 42
    with pytest.raises(ValidationError, match="Enter a masa ID like C000123"):
        field.clean("Kira")
