"""check_on_entry: what a practitioner saving one record is told, and validate_child for a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from masa.core.calendar import WorkingDayCalendar, forget_cached_calendar
from masa.core.models import AdditionalBankHoliday, User
from masa.returns.cin import (
    Assessment,
    CINChild,
    CINEpisode,
    CollectionYear,
    Location,
    check_on_entry,
    validate_child,
)

from .builders import (
    CALENDAR,
    CHILD,
    CHILD_2024,
    D,
    add,
    add_episode,
    assessment,
    chars,
    episode,
    ids,
    s47,
)


def codes(failures: list) -> list[str]:
    return [f.code for f in failures]


def test_saving_an_assessment_names_the_dfe_rule_it_would_fail() -> None:
    child = assessment(AssessmentActualStartDate=D(2025, 7, 20))  # after its authorisation
    [failure] = check_on_entry(child, focus="Assessment", year=2026)
    assert failure.text == "CIN rule 8608: Assessment Start Date cannot be later than its End Date"
    assert failure.table == "Assessments"
    assert failure.fields == ("AssessmentActualStartDate", "AssessmentAuthorisationDate")
    assert failure.field == "AssessmentActualStartDate"
    assert failure.location == Location("Assessments", episode=0, row=0, ref="assessment-1")
    assert failure.child_id == "NB0001"
    assert str(failure) == (
        "CIN rule 8608: Assessment Start Date cannot be later than its End Date "
        "(CIN episode 1, assessment 1)"
    )


def test_only_rules_touching_the_record_being_saved_run() -> None:
    child = chars(assessment(AssessmentActualStartDate=D(2025, 7, 20)), Ethnicity="XXXX")
    assert codes(check_on_entry(child, focus="Assessment", year=2026)) == ["8608"]
    assert codes(check_on_entry(child, focus="ChildCharacteristics", year=2026)) == ["4220"]


def test_a_rule_across_records_runs_for_either_record() -> None:
    # The referral date moved after the assessment started: saving the referral reports it.
    child = episode(CINreferralDate=D(2025, 6, 3), ReferralSource="2A")
    assert "1103" in codes(check_on_entry(child, focus="Referral", year=2026))
    assert "1103" in codes(check_on_entry(child, focus="Assessment", year=2026))


def test_census_year_rules_are_not_run_at_entry_but_are_for_the_census() -> None:
    # A referral that closed before this census year is fine to record now; the census for
    # 2025-26 would not expect it.
    old = CINEpisode(
        CINreferralDate=D(2025, 1, 6),
        ReferralSource="1A",
        ReferralNFA=True,
        CINclosureDate=D(2025, 1, 6),
        ReasonForClosure="RC7",
    )
    child = add_episode(CHILD, old)
    assert "8620" not in codes(check_on_entry(child, focus="Referral", year=2026))
    assert "8620" in codes(validate_child(child, 2026, calendar=CALENDAR))


def test_the_year_defaults_to_the_census_year_of_today_in_england() -> None:
    # 2026-27 starts on 1 April 2026: a referral on 2 April 2026 is inside it, not after it.
    child = episode(CINreferralDate=D(2026, 4, 2))
    assert "8600" in codes(check_on_entry(child, focus="Referral", today=D(2026, 3, 31)))
    assert "8600" not in codes(check_on_entry(child, focus="Referral", today=D(2026, 11, 23)))
    assert "8600" not in codes(check_on_entry(child, focus="Referral", year=CollectionYear(2027)))


def test_the_episode_filter_keeps_failures_in_or_involving_that_episode() -> None:
    # Episode 0 has an old problem (no referral source); episode 1 is the one being saved.
    child = add_episode(
        episode(ReferralSource=None),
        CINEpisode(CINreferralDate=D(2025, 9, 1), ReferralNFA=True, ReferralSource="1A"),
    )
    child = episode(child, e=1, CINclosureDate=D(2025, 8, 1), ReasonForClosure="RC7")
    everything = check_on_entry(child, focus="Referral", year=2026)
    saving_second = check_on_entry(child, focus="Referral", year=2026, episode=1)
    assert {"8866", "8630"} <= set(codes(everything))
    assert "8866" not in codes(saving_second)
    assert "8630" in codes(saving_second)


def test_overlapping_child_protection_plans_point_at_each_other() -> None:
    earlier = CINEpisode(
        CINreferralDate=D(2025, 2, 3),
        ReferralSource="6",
        PrimaryNeedCode="N1",
        ReferralNFA=False,
        CINclosureDate=D(2025, 9, 1),
        ReasonForClosure="RC7",
        ref="referral-0",
    )
    child = add_episode(CHILD, earlier)
    child = add(
        child,
        "ChildProtectionPlans",
        replace(
            CHILD.CINdetails[0].ChildProtectionPlans[0],
            CPPstartDate=D(2025, 3, 3),
            CPPendDate=D(2025, 8, 1),
            Reviews=(),
            ref="cpp-0",
        ),
        e=1,
    )
    overlap = [
        f for f in check_on_entry(child, focus="ChildProtectionPlan", year=2026) if f.code == "8940"
    ]
    assert [f.location.ref for f in overlap] == ["cpp-1"]
    assert [loc.ref for loc in overlap[0].related] == ["cpp-0"]
    assert overlap[0].location.describe() == "CIN episode 1, child protection plan 1"


def test_two_open_referrals_are_both_reported() -> None:
    second = CINEpisode(
        CINreferralDate=D(2025, 9, 1),
        ReferralSource="1A",
        ReferralNFA=False,
        PrimaryNeedCode="N2",
        ref="referral-2",
    )
    failures = [
        f
        for f in check_on_entry(add_episode(CHILD, second), focus="Referral", year=2026)
        if f.code == "8815"
    ]
    assert [f.location.ref for f in failures] == ["referral-1", "referral-2"]


def test_a_query_is_marked_as_one() -> None:
    [query] = [
        f
        for f in check_on_entry(s47(InitialCPCtarget=D(2025, 6, 22)), focus="Section47", year=2026)
        if f.code == "8870Q"
    ]
    assert query.query is True
    assert query.text.startswith("CIN rule 8870Q: Please check:")


def test_an_unknown_record_is_refused_with_the_names_that_work() -> None:
    with pytest.raises(ValueError, match=r"Unknown CIN record 'Plan': use one of .*Assessment"):
        check_on_entry(CHILD, focus="Plan", year=2026)


def test_an_unsupported_year_is_refused() -> None:
    with pytest.raises(ValueError, match="No CIN census code lists for collection year 2030"):
        check_on_entry(CHILD, focus="Referral", year=2030)


def test_2023_to_2024_reads_gender_current_and_its_codes() -> None:
    year = 2024
    child = CHILD_2024
    assert "4180" not in codes(
        check_on_entry(ids(child, GenderCurrent="1"), focus="ChildIdentifiers", year=year)
    )
    [failure] = [
        f
        for f in check_on_entry(ids(child, GenderCurrent="M"), focus="ChildIdentifiers", year=year)
        if f.code == "4180"
    ]
    assert failure.text == "CIN rule 4180: Gender is missing"
    assert failure.fields == ("GenderCurrent",)
    # The 2024-25 element is ignored in 2023-24, and the other way round.
    assert "4180" in codes(check_on_entry(ids(CHILD, Sex="F"), focus="ChildIdentifiers", year=2024))
    assert "4180" in codes(check_on_entry(CHILD_2024, focus="ChildIdentifiers", year=2025))


def test_the_nfa_flag_tokens_depend_on_the_year() -> None:
    child = episode(ReferralNFA="false")
    assert "8568" not in codes(check_on_entry(child, focus="Referral", year=2024))
    assert "8568" in codes(check_on_entry(child, focus="Referral", year=2026))


def test_18a_was_invalid_in_2023_to_2024_and_is_a_query_from_2024_to_2025() -> None:
    child = assessment(
        CHILD_2024,
        AssessmentActualStartDate=D(2024, 6, 3),
        AssessmentAuthorisationDate=D(2024, 7, 1),
        AssessmentFactors=("18A",),
    )
    assert "8897" in codes(check_on_entry(child, focus="Assessment", year=2024))
    later = assessment(AssessmentFactors=("18A",))
    assert codes(check_on_entry(later, focus="Assessment", year=2026)) == ["8945Q"]


def test_working_day_queries_skip_bank_holidays() -> None:
    # 2023-24 ended on Sunday 31 March 2024, two days after Good Friday (29 March). An enquiry
    # started on Thursday 7 March has 15 working days to the reference date, because Good
    # Friday is not one (16 if it were); one started on 6 March has 16.
    def enquiry(start: dt.date) -> object:
        return s47(CHILD_2024, S47ActualStartDate=start, DateOfInitialCPC=None)

    def flagged(start: dt.date) -> bool:
        return "8675Q" in codes(validate_child(enquiry(start), 2024, calendar=CALENDAR))

    assert not flagged(D(2024, 3, 7))
    assert flagged(D(2024, 3, 6))
    assert "8675Q" in codes(
        validate_child(enquiry(D(2024, 3, 7)), 2024, calendar=_without_good_friday())
    )


def _without_good_friday() -> WorkingDayCalendar:
    class NoGoodFriday(WorkingDayCalendar):
        def holiday_name(self, day: dt.date) -> str | None:
            return None if day == D(2024, 3, 29) else super().holiday_name(day)

    return NoGoodFriday()


def test_an_added_one_off_bank_holiday_moves_a_working_day_query() -> None:
    start = D(2026, 3, 9)  # 16 working days before 31 March 2026: queried
    child = s47(S47ActualStartDate=start, DateOfInitialCPC=None)
    assert "8675Q" in codes(validate_child(child, 2026, calendar=CALENDAR))
    holiday = WorkingDayCalendar({D(2026, 3, 16): "One-off bank holiday"})
    assert "8675Q" not in codes(validate_child(child, 2026, calendar=holiday))


@pytest.mark.django_db
def test_without_a_calendar_the_partnership_calendar_is_used(world: object) -> None:
    child = s47(S47ActualStartDate=D(2026, 3, 9), DateOfInitialCPC=None)
    forget_cached_calendar()
    assert "8675Q" in codes(validate_child(child, 2026))
    AdditionalBankHoliday.objects.create(
        date=D(2026, 3, 16), name="One-off bank holiday", added_by=User.objects.first()
    )
    forget_cached_calendar()
    try:
        assert "8675Q" not in codes(validate_child(child, 2026))
    finally:
        forget_cached_calendar()


def test_a_record_with_an_assessment_and_no_other_activity_is_fine_to_save() -> None:
    child = CINChild(
        ChildIdentifiers=CHILD.ChildIdentifiers,
        ChildCharacteristics=CHILD.ChildCharacteristics,
        CINdetails=(
            CINEpisode(
                CINreferralDate=D(2026, 11, 2),
                ReferralSource="3A",
                PrimaryNeedCode="N3",
                ReferralNFA=False,
                Assessments=(Assessment(AssessmentActualStartDate=D(2026, 11, 3)),),
            ),
        ),
    )
    for focus in ("Referral", "Assessment", "ChildIdentifiers", "ChildCharacteristics"):
        assert check_on_entry(child, focus=focus, today=D(2026, 11, 23)) == []
