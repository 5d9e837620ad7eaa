"""Property tests: date-order rules agree with plain date comparisons for any dates, UPN check
letters work for any UPN, and entry checks are a subset of the census checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from masa.returns.cin import (
    FOCUS_TABLES,
    ChildProtectionPlan,
    CINPlan,
    check_on_entry,
    validate_child,
)
from masa.returns.cin.rules.identifiers import UPN_LETTERS, upn_check_letter

from .builders import CALENDAR, STEPPED_DOWN, D, add, assessment, cpp, episode, ids, s47

YEAR = 2026
in_year = st.dates(min_value=D(2025, 4, 1), max_value=D(2026, 3, 31))
around_year = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))


def codes(failures: list) -> set[str]:
    return {f.code for f in failures}


@settings(max_examples=150, deadline=None)
@given(start=in_year, end=in_year)
def test_plan_end_before_start_is_8925_and_same_day_is_8840(start: dt.date, end: dt.date) -> None:
    child = cpp(
        episode(CINreferralDate=D(2025, 4, 1)), CPPstartDate=start, CPPendDate=end, Reviews=()
    )
    found = codes(check_on_entry(child, focus="ChildProtectionPlan", year=YEAR))
    assert ("8925" in found) == (end < start)
    assert ("8840" in found) == (end == start)


@settings(max_examples=150, deadline=None)
@given(start=in_year, end=in_year)
def test_assessment_start_after_authorisation_is_8608(start: dt.date, end: dt.date) -> None:
    child = assessment(AssessmentActualStartDate=start, AssessmentAuthorisationDate=end)
    found = codes(check_on_entry(child, focus="Assessment", year=YEAR))
    assert ("8608" in found) == (start > end)


@settings(max_examples=150, deadline=None)
@given(referred=in_year, closed=in_year)
def test_closure_before_referral_is_8630(referred: dt.date, closed: dt.date) -> None:
    child = episode(CINreferralDate=referred, CINclosureDate=closed, ReasonForClosure="RC7")
    assert ("8630" in codes(check_on_entry(child, focus="Referral", year=YEAR))) == (
        closed < referred
    )


@settings(max_examples=150, deadline=None)
@given(start=in_year, end=in_year)
def test_cin_plan_end_before_start_is_4011(start: dt.date, end: dt.date) -> None:
    child = add(
        episode(CINreferralDate=D(2025, 4, 1), ChildProtectionPlans=()),
        "CINPlanDates",
        CINPlan(start, end),
    )
    found = codes(check_on_entry(child, focus="CINPlan", year=YEAR))
    assert ("4011" in found) == (end < start)
    assert ("4012Q" in found) == (end == start)


@settings(max_examples=150, deadline=None)
@given(s47_start=in_year, conference=in_year)
def test_s47_starting_after_its_conference_is_8615(s47_start: dt.date, conference: dt.date) -> None:
    child = s47(
        episode(CINreferralDate=D(2025, 4, 1)),
        S47ActualStartDate=s47_start,
        DateOfInitialCPC=conference,
    )
    found = codes(check_on_entry(child, focus="Section47", year=YEAR))
    assert ("8615" in found) == (s47_start > conference)


@settings(max_examples=150, deadline=None)
@given(
    first_start=st.dates(min_value=D(2025, 4, 1), max_value=D(2025, 12, 31)),
    length=st.integers(min_value=1, max_value=200),
    offset=st.integers(min_value=0, max_value=300),
)
def test_a_second_plan_overlaps_exactly_when_it_starts_within_the_first(
    first_start: dt.date, length: int, offset: int
) -> None:
    first_end = first_start + dt.timedelta(days=length)
    second_start = first_start + dt.timedelta(days=offset)
    child = cpp(
        episode(CINreferralDate=D(2025, 4, 1), Section47=()),
        CPPstartDate=first_start,
        CPPendDate=first_end,
        Reviews=(),
    )
    child = add(
        child,
        "ChildProtectionPlans",
        ChildProtectionPlan(
            CPPstartDate=second_start,
            CPPendDate=None,
            InitialCategoryOfAbuse="NEG",
            LatestCategoryOfAbuse="NEG",
            NumberOfPreviousCPP=1,
        ),
    )
    found = codes(check_on_entry(child, focus="ChildProtectionPlan", year=YEAR))
    assert ("8940" in found) == (second_start <= first_end)


@given(
    digits=st.text(alphabet="0123456789", min_size=11, max_size=11),
    last=st.sampled_from("0123456789" + UPN_LETTERS),
    wrong=st.sampled_from(UPN_LETTERS),
)
def test_a_upn_with_its_check_letter_passes_and_any_other_letter_fails(
    digits: str, last: str, wrong: str
) -> None:
    body = "355" + digits[:8]  # a known LA code in characters 2-4, so 1530 stays quiet
    letter = upn_check_letter("?" + body + last)
    assert letter is not None
    good = codes(check_on_entry(ids(UPN=letter + body + last), focus="ChildIdentifiers", year=YEAR))
    assert not good & {"1510", "1530", "1540", "1550"}
    if wrong != letter:
        bad = codes(
            check_on_entry(ids(UPN=wrong + body + last), focus="ChildIdentifiers", year=YEAR)
        )
        assert "1510" in bad


@settings(max_examples=60, deadline=None)
@given(
    referred=around_year,
    closed=st.none() | around_year,
    assessed=around_year,
    authorised=st.none() | around_year,
    conference=st.none() | around_year,
    plan_end=st.none() | around_year,
    died=st.none() | around_year,
)
def test_what_entry_reports_the_census_would_report_too(
    referred: dt.date,
    closed: dt.date | None,
    assessed: dt.date,
    authorised: dt.date | None,
    conference: dt.date | None,
    plan_end: dt.date | None,
    died: dt.date | None,
) -> None:
    child = episode(
        STEPPED_DOWN,
        CINreferralDate=referred,
        CINclosureDate=closed,
        ReasonForClosure="RC7" if closed else None,
    )
    child = assessment(
        child, AssessmentActualStartDate=assessed, AssessmentAuthorisationDate=authorised
    )
    child = s47(child, DateOfInitialCPC=conference)
    child = ids(cpp(child, CPPendDate=plan_end), PersonDeathDate=died)
    census = set(validate_child(child, YEAR, calendar=CALENDAR))
    for focus in FOCUS_TABLES:
        assert set(check_on_entry(child, focus=focus, year=YEAR)) <= census
