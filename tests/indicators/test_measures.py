"""Hand-worked examples for every measure, on tiny frames built here (no database).

The main period is the DfE year 2024-25: 1 April 2024 to 31 March 2025. England bank holidays
in it: 6 May, 27 May, 26 August, 25 and 26 December 2024, 1 January 2025 (Easter 2024 fell on
29 March and 1 April; Easter 2025 on 18 and 21 April).
"""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.calendar import WorkingDayCalendar
from masa.indicators.catalogue import MEASURES
from masa.indicators.frames import frames_from
from masa.indicators.measures import REGISTRY, compute, value_of
from masa.indicators.periods import calendar_year, custom, financial_year

D = dt.date
YEAR = financial_year(2024)  # 1 April 2024 to 31 March 2025
POPULATION = 50_000
WORKED = set()  # every measure code a test below works through


def worked(*codes: str) -> None:
    WORKED.update(codes)


def counts(code: str, frames, period=YEAR, population: int | None = POPULATION):  # type: ignore[no-untyped-def]
    worked(code)
    return compute(code, frames, period, population)


# ---------------------------------------------------------------- front door


def test_contacts_count_by_the_day_received_both_ends_of_the_year_included() -> None:
    frames = frames_from(
        contacts=[
            {"child_id": 1, "received_on": D(2024, 3, 31)},  # the year before
            {"child_id": 1, "received_on": D(2024, 4, 1)},
            {"child_id": 2, "received_on": D(2025, 3, 31)},
            {"child_id": 3, "received_on": D(2025, 4, 1)},  # the year after
        ]
    )
    assert counts("contacts", frames) == (2, None)


def test_contact_conversion_counts_decided_contacts_that_became_referrals() -> None:
    frames = frames_from(
        contacts=[
            {"child_id": 1, "received_on": D(2024, 5, 1), "decided": True, "became_referral": True},
            {"child_id": 2, "received_on": D(2024, 5, 2), "decided": True},
            {"child_id": 3, "received_on": D(2024, 5, 3), "decided": True},
            {"child_id": 4, "received_on": D(2024, 5, 3), "decided": True},
            # Awaiting a decision: in neither count.
            {"child_id": 5, "received_on": D(2024, 5, 4), "decided": False},
        ]
    )
    numerator, denominator = counts("contact_conversion", frames)
    assert (numerator, denominator) == (1, 4)
    assert value_of(MEASURES["contact_conversion"], numerator, denominator) == 25.0


def _referrals():  # type: ignore[no-untyped-def]
    return frames_from(
        referrals=[
            {"child_id": 1, "referral_date": D(2024, 3, 31), "source": "6"},  # 2023-24
            {
                "child_id": 2,
                "referral_date": D(2024, 4, 1),
                "source": "6",
                "no_further_action": True,
            },
            {"child_id": 3, "referral_date": D(2024, 9, 9), "source": "2A"},
            {"child_id": 4, "referral_date": D(2025, 1, 6), "source": "3E"},
            {"child_id": 5, "referral_date": D(2025, 3, 31), "source": "3A"},
            {"child_id": 5, "referral_date": D(2025, 4, 1), "source": "3A"},  # 2025-26
        ]
    )


def test_referrals_and_the_rate_per_10000() -> None:
    frames = _referrals()
    assert counts("referrals", frames) == (4, None)
    numerator, denominator = counts("referral_rate", frames)
    assert (numerator, denominator) == (4, 50_000)
    assert value_of(MEASURES["referral_rate"], numerator, denominator) == pytest.approx(0.8)


def test_a_rate_without_a_population_estimate_has_no_value() -> None:
    numerator, denominator = counts("referral_rate", _referrals(), population=None)
    assert (numerator, denominator) == (4, None)
    assert value_of(MEASURES["referral_rate"], numerator, denominator) is None


def test_referrals_nfa_and_by_source() -> None:
    frames = _referrals()
    assert counts("referrals_nfa", frames) == (1, 4)
    assert counts("referrals_from_police", frames) == (1, 4)
    assert counts("referrals_from_schools", frames) == (1, 4)
    assert counts("referrals_from_health", frames) == (2, 4)


def test_re_referral_on_the_anniversary_is_within_12_months_and_the_day_after_is_not() -> None:
    frames = frames_from(
        referrals=[
            # Child 1: 23 November 2023, then exactly 12 months later: a re-referral.
            {"child_id": 1, "referral_date": D(2023, 11, 23)},
            {"child_id": 1, "referral_date": D(2024, 11, 23)},
            # Child 2: 12 months and a day: not a re-referral.
            {"child_id": 2, "referral_date": D(2023, 11, 23)},
            {"child_id": 2, "referral_date": D(2024, 11, 24)},
            # Child 3: 29 February 2024; 12 calendar months on is 28 February 2025 (within),
            # then a third referral two days later: a re-referral of the second.
            {"child_id": 3, "referral_date": D(2024, 2, 29)},
            {"child_id": 3, "referral_date": D(2025, 2, 28)},
            {"child_id": 3, "referral_date": D(2025, 3, 2)},
            # Child 4: two referrals the same day (recorded in that order): the second repeats.
            {"child_id": 4, "referral_date": D(2024, 6, 3), "referral_id": 40},
            {"child_id": 4, "referral_date": D(2024, 6, 3), "referral_id": 41},
            # Child 5: a first referral.
            {"child_id": 5, "referral_date": D(2024, 7, 1)},
        ]
    )
    # In 2024-25: child 1 (1 of 1), child 2 (0 of 1), child 3 (2 of 2), child 4 (1 of 2),
    # child 5 (0 of 1): 4 re-referrals out of 7 referrals.
    assert counts("re_referrals", frames) == (4, 7)


def test_re_referral_looks_back_only_to_the_latest_earlier_referral() -> None:
    frames = frames_from(
        referrals=[
            {"child_id": 1, "referral_date": D(2022, 6, 1)},
            {"child_id": 1, "referral_date": D(2023, 5, 1)},  # within 12 months of June 2022
            {"child_id": 1, "referral_date": D(2024, 6, 1)},  # 13 months after May 2023
        ]
    )
    assert counts("re_referrals", frames) == (0, 1)


# ---------------------------------------------------------------- assessments


def test_assessment_authorised_on_working_day_45_is_in_time_and_day_46_is_not() -> None:
    # Started Tuesday 2 April 2024 (day 0). With the 6 May and 27 May bank holidays, working
    # day 45 is Thursday 6 June 2024 and day 46 is Friday 7 June.
    calendar = WorkingDayCalendar()
    assert calendar.add_working_days(D(2024, 4, 2), 45) == D(2024, 6, 6)
    frames = frames_from(
        assessments=[
            {"child_id": 1, "started_on": D(2024, 4, 2), "authorised_on": D(2024, 6, 6)},
            {"child_id": 2, "started_on": D(2024, 4, 2), "authorised_on": D(2024, 6, 7)},
            # Authorised the day it started: day 0, in time.
            {"child_id": 3, "started_on": D(2024, 10, 1), "authorised_on": D(2024, 10, 1)},
            # Still open: not completed, in neither count.
            {"child_id": 4, "started_on": D(2025, 1, 6), "authorised_on": None},
            # Authorised 1 April 2025: completed in 2025-26.
            {"child_id": 5, "started_on": D(2025, 2, 10), "authorised_on": D(2025, 4, 1)},
        ]
    )
    assert counts("assessments_completed", frames) == (3, None)
    assert counts("assessments_45_days", frames) == (2, 3)


def test_the_working_together_variant_counts_from_the_referral() -> None:
    frames = frames_from(
        assessments=[
            # Referral Friday 29 March 2024 (Good Friday); Easter Monday 1 April is skipped
            # too, so working day 45 from the referral is Wednesday 5 June 2024.
            {
                "child_id": 1,
                "referral_date": D(2024, 3, 29),
                "started_on": D(2024, 4, 2),
                "authorised_on": D(2024, 6, 5),
            },
            {
                "child_id": 2,
                "referral_date": D(2024, 3, 29),
                "started_on": D(2024, 4, 2),
                "authorised_on": D(2024, 6, 6),
            },
            # No referral recorded for the case: left out.
            {"child_id": 3, "started_on": D(2024, 5, 1), "authorised_on": D(2024, 5, 10)},
        ]
    )
    assert WorkingDayCalendar().add_working_days(D(2024, 3, 29), 45) == D(2024, 6, 5)
    assert counts("assessments_45_days_from_referral", frames) == (1, 2)
    # By the DfE's count from the assessment's start, all three were in time.
    assert counts("assessments_45_days", frames) == (3, 3)


# ---------------------------------------------------------------- children in need


def test_children_in_need_at_31_march() -> None:
    frames = frames_from(
        children=[
            {"child_id": 1, "date_of_birth": D(2015, 1, 1)},
            {"child_id": 2, "date_of_birth": D(2015, 1, 1)},
            {"child_id": 3, "date_of_birth": D(2007, 3, 1)},  # 18 on 1 March 2025
            {"child_id": 4, "expected_date_of_birth": D(2025, 6, 1)},  # unborn
            {"child_id": 5, "date_of_birth": D(2012, 5, 5)},
            {"child_id": 6, "date_of_birth": D(2012, 5, 5)},
        ],
        referrals=[
            {"child_id": 1, "referral_date": D(2023, 6, 1)},  # open for years: counted
            {"child_id": 1, "referral_date": D(2024, 6, 1)},  # a second open episode: once
            {"child_id": 2, "referral_date": D(2024, 6, 1), "closed_on": D(2025, 3, 31)},
            {"child_id": 3, "referral_date": D(2024, 6, 1)},  # 18 by 31 March: not a child
            {"child_id": 4, "referral_date": D(2025, 2, 1)},  # unborn: counted
            {"child_id": 5, "referral_date": D(2025, 4, 1)},  # referred after 31 March
        ],
        # Child 6: on a child in need plan with no referral recorded (moved in): counted.
        cin_plans=[{"child_id": 6, "started_on": D(2025, 1, 1)}],
    )
    numerator, denominator = counts("cin_rate", frames)
    assert (numerator, denominator) == (3, 50_000)
    # Child 2's episode closed on 31 March 2025 but was open on 30 March.
    assert counts("cin_rate", frames, custom(D(2025, 3, 1), D(2025, 3, 30)))[0] == 4


# ---------------------------------------------------------------- s47 and conferences


def test_s47_enquiries_and_rate_by_start_date() -> None:
    frames = frames_from(
        s47=[
            {"child_id": 1, "case_id": 1, "started_on": D(2024, 3, 31)},
            {"child_id": 1, "case_id": 1, "started_on": D(2024, 4, 1)},
            {"child_id": 2, "case_id": 2, "started_on": D(2025, 3, 31)},
        ]
    )
    assert counts("s47_enquiries", frames) == (2, None)
    assert counts("s47_rate", frames) == (2, 50_000)


def test_icpcs_per_10000_count_each_child_at_each_conference() -> None:
    frames = frames_from(
        icpcs=[
            {"conference_id": 1, "child_id": 1, "case_id": 1, "held_on": D(2024, 5, 1)},
            {"conference_id": 1, "child_id": 2, "case_id": 2, "held_on": D(2024, 5, 1)},
            {"conference_id": 2, "child_id": 3, "case_id": 3, "held_on": D(2025, 4, 1)},
        ]
    )
    assert counts("icpc_rate", frames) == (2, 50_000)


def test_icpc_on_working_day_15_after_the_s47_start_is_in_time() -> None:
    # Enquiry started Monday 12 August 2024; with the 26 August bank holiday, working day 15
    # is Tuesday 3 September.
    assert WorkingDayCalendar().add_working_days(D(2024, 8, 12), 15) == D(2024, 9, 3)
    frames = frames_from(
        s47=[
            {
                "s47_id": 1,
                "child_id": 1,
                "case_id": 1,
                "started_on": D(2024, 8, 12),
                "conference_expected": True,
            },
            {
                "s47_id": 2,
                "child_id": 2,
                "case_id": 2,
                "started_on": D(2024, 8, 12),
                "conference_expected": True,
            },
            # Two enquiries in one case: each counts separately with the first conference on
            # or after its start.
            {
                "s47_id": 3,
                "child_id": 3,
                "case_id": 3,
                "started_on": D(2024, 10, 1),
                "conference_expected": True,
            },
            {
                "s47_id": 4,
                "child_id": 3,
                "case_id": 3,
                "started_on": D(2024, 12, 2),
                "conference_expected": True,
            },
            # Outcome other than a conference: not paired.
            {
                "s47_id": 5,
                "child_id": 4,
                "case_id": 4,
                "started_on": D(2024, 8, 12),
                "conference_expected": False,
            },
            # Started in 2023-24, conference in 2024-25: counted in the year of the conference.
            {
                "s47_id": 6,
                "child_id": 5,
                "case_id": 5,
                "started_on": D(2024, 3, 25),
                "conference_expected": True,
            },
        ],
        icpcs=[
            {"conference_id": 1, "child_id": 1, "case_id": 1, "held_on": D(2024, 9, 3)},
            {"conference_id": 2, "child_id": 2, "case_id": 2, "held_on": D(2024, 9, 4)},
            {"conference_id": 3, "child_id": 3, "case_id": 3, "held_on": D(2024, 10, 15)},
            {"conference_id": 4, "child_id": 3, "case_id": 3, "held_on": D(2024, 12, 30)},
            {"conference_id": 5, "child_id": 4, "case_id": 4, "held_on": D(2024, 8, 20)},
            {"conference_id": 6, "child_id": 5, "case_id": 5, "held_on": D(2024, 4, 10)},
        ],
    )
    # In time: s47 1 (day 15), s47 3 (10 working days), s47 6 (25 March to 10 April 2024 is
    # 10 working days with Good Friday and Easter Monday skipped). Late: s47 2 (day 16), s47 4
    # (2 to 30 December is 18 working days with Christmas and Boxing Day skipped).
    assert counts("icpc_15_days", frames) == (3, 5)


def test_a_conference_before_the_enquiry_started_is_not_its_conference() -> None:
    frames = frames_from(
        s47=[
            {
                "s47_id": 1,
                "child_id": 1,
                "case_id": 1,
                "started_on": D(2024, 6, 10),
                "conference_expected": True,
            }
        ],
        icpcs=[{"conference_id": 1, "child_id": 1, "case_id": 1, "held_on": D(2024, 6, 7)}],
    )
    assert counts("icpc_15_days", frames) == (0, 0)
    # It still counts as a conference held.
    assert counts("icpc_rate", frames)[0] == 1


# ---------------------------------------------------------------- child protection plans


def _plans():  # type: ignore[no-untyped-def]
    return frames_from(
        children=[
            {"child_id": 1, "date_of_birth": D(2014, 2, 2)},
            {"child_id": 2, "date_of_birth": D(2006, 10, 15)},  # 18 on 15 October 2024
            {"child_id": 3, "expected_date_of_birth": D(2025, 5, 1)},  # unborn
            {"child_id": 4, "date_of_birth": D(2019, 9, 9)},
            {"child_id": 5, "date_of_birth": D(2019, 9, 9)},
            {"child_id": 6, "date_of_birth": D(2016, 1, 1)},
        ],
        cp_plans=[
            # Spans both years: open at 31 March 2024 and at 31 March 2025.
            {
                "child_id": 1,
                "started_on": D(2024, 2, 1),
                "ended_on": D(2025, 5, 10),
                "initial_category": "NEG",
            },
            # Turns 18 during 2024-25 with the plan recorded as still open: counted at
            # 31 March 2024, not at 31 March 2025.
            {"child_id": 2, "started_on": D(2023, 9, 1), "initial_category": "EMO"},
            # Unborn child's pre-birth plan: counted.
            {"child_id": 3, "started_on": D(2025, 1, 20), "initial_category": "PHY"},
            # Ends on 31 March 2025: not open at 31 March.
            {
                "child_id": 4,
                "started_on": D(2024, 6, 1),
                "ended_on": D(2025, 3, 31),
                "initial_category": "SAB",
            },
            {"child_id": 5, "started_on": D(2024, 6, 1), "initial_category": "NEG"},
            {"child_id": 6, "started_on": D(2024, 8, 1), "initial_category": "MUL"},
        ],
    )


def test_children_on_a_plan_at_31_march() -> None:
    frames = _plans()
    assert counts("cp_rate", frames) == (4, 50_000)  # children 1, 3, 5, 6
    assert counts("cp_rate", frames, financial_year(2023))[0] == 2  # children 1 and 2


def test_plans_at_31_march_by_initial_category() -> None:
    frames = _plans()
    assert counts("cp_category_n", frames) == (2, 4)
    assert counts("cp_category_p", frames) == (1, 4)
    assert counts("cp_category_e", frames) == (0, 4)  # child 2 is 18
    assert counts("cp_category_s", frames) == (0, 4)  # child 4's plan ended on 31 March
    assert counts("cp_category_m", frames) == (1, 4)


def test_plans_starting() -> None:
    assert counts("cp_plans_starting", _plans()) == (4, None)  # children 3, 4, 5, 6


def test_second_or_subsequent_plans_ever_and_within_two_years() -> None:
    frames = frames_from(
        cp_plans=[
            # Child 1: a plan ten years ago: second ever, not within two years.
            {"child_id": 1, "started_on": D(2014, 1, 6), "ended_on": D(2015, 1, 5)},
            {"child_id": 1, "started_on": D(2024, 6, 1)},
            # Child 2: previous plan ended 1 March 2023; 24 months on is 1 March 2025, the
            # day the new plan starts: within two years.
            {"child_id": 2, "started_on": D(2022, 1, 10), "ended_on": D(2023, 3, 1)},
            {"child_id": 2, "started_on": D(2025, 3, 1)},
            # Child 3: previous plan ended 1 March 2023, new plan 2 March 2025: not within.
            {"child_id": 3, "started_on": D(2022, 1, 10), "ended_on": D(2023, 3, 1)},
            {"child_id": 3, "started_on": D(2025, 3, 2)},
            # Child 4: first plan, and a second plan in the same year: two occasions, the
            # second one a repeat within two years.
            {"child_id": 4, "started_on": D(2024, 4, 1), "ended_on": D(2024, 7, 1)},
            {"child_id": 4, "started_on": D(2024, 12, 1)},
            # Child 5: first plan.
            {"child_id": 5, "started_on": D(2025, 3, 31)},
        ]
    )
    # Starting in 2024-25: child 1, 2, 3, 4 (twice), 5 = 6 occasions.
    assert counts("cp_second_ever", frames) == (4, 6)  # 1, 2, 3 and child 4's second
    assert counts("cp_second_two_years", frames) == (2, 6)  # 2 and child 4's second


def test_plans_ending_after_two_years_or_more_count_more_than_729_days() -> None:
    frames = frames_from(
        cp_plans=[
            # 1 April 2023 to 30 March 2025 is 730 days counting both ends: two years or more.
            {"child_id": 1, "started_on": D(2023, 4, 1), "ended_on": D(2025, 3, 30)},
            # To 29 March 2025 is 729 days: not.
            {"child_id": 2, "started_on": D(2023, 4, 1), "ended_on": D(2025, 3, 29)},
            {"child_id": 3, "started_on": D(2020, 4, 1), "ended_on": D(2024, 4, 1)},
            # Ended in 2025-26: not in the year.
            {"child_id": 4, "started_on": D(2020, 4, 1), "ended_on": D(2025, 4, 1)},
            # Not ended: not in the year.
            {"child_id": 5, "started_on": D(2020, 4, 1)},
        ]
    )
    assert counts("cp_ended_2_years", frames) == (2, 3)


def test_plans_ending_within_three_months() -> None:
    frames = frames_from(
        cp_plans=[
            # 30 November plus 3 calendar months is 28 February (no 30 February): within.
            {"child_id": 1, "started_on": D(2024, 11, 30), "ended_on": D(2025, 2, 28)},
            {"child_id": 2, "started_on": D(2024, 11, 30), "ended_on": D(2025, 3, 1)},
            {"child_id": 3, "started_on": D(2024, 4, 1), "ended_on": D(2024, 7, 1)},
            {"child_id": 4, "started_on": D(2024, 4, 1), "ended_on": D(2024, 7, 2)},
        ]
    )
    assert counts("cp_ended_3_months", frames) == (2, 4)


# ---------------------------------------------------------------- early help


def test_early_help_started_open_and_stepped_down() -> None:
    frames = frames_from(
        early_help=[
            {"child_id": 1, "started_on": D(2024, 3, 31)},  # open at the end, started before
            {"child_id": 2, "started_on": D(2024, 4, 1), "ended_on": D(2024, 9, 1)},
            {"child_id": 3, "started_on": D(2024, 10, 1), "stepped_down": True},
            {"child_id": 4, "started_on": D(2025, 1, 1), "ended_on": D(2025, 3, 31)},
        ]
    )
    assert counts("early_help_started", frames) == (3, None)
    assert counts("early_help_open", frames) == (2, None)  # children 1 and 3
    assert counts("early_help_stepped_down", frames) == (1, 3)


def test_a_calendar_year_counts_january_to_december() -> None:
    frames = frames_from(
        referrals=[
            {"child_id": 1, "referral_date": D(2022, 12, 31)},
            {"child_id": 2, "referral_date": D(2023, 1, 1)},
            {"child_id": 3, "referral_date": D(2023, 12, 31)},
        ]
    )
    assert counts("referrals", frames, calendar_year(2023)) == (2, None)


def test_every_available_measure_has_a_worked_example_above() -> None:
    """Runs last in this module (pytest keeps file order)."""
    available = {code for code, measure in MEASURES.items() if measure.available}
    assert set(REGISTRY) == available
    assert available - WORKED == set()
