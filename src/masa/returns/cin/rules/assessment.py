"""Assessments rules: dates, factors identified at assessment, and assessments together."""

from __future__ import annotations

from collections.abc import Iterator

from masa.returns.cin.model import CINChild
from masa.returns.cin.registry import (
    ASSESSMENTS,
    CHILD_CHARACTERISTICS,
    CIN_DETAILS,
    Context,
    Finding,
    each_assessment,
    episode_at,
    row_at,
    rule,
)

from ._dates import starts_within

NO_FACTORS = "21"  # "No factors identified": only on its own


@rule(
    "1103",
    message="The assessment start date cannot be before the referral date",
    table=ASSESSMENTS,
    fields=("AssessmentActualStartDate", "CINreferralDate"),
    reads=(CIN_DETAILS,),
)
def r1103_assessment_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, a in each_assessment(child):
        started, referred = a.AssessmentActualStartDate, ep.CINreferralDate
        if started and referred and started < referred:
            yield Finding(row_at(ASSESSMENTS, e, i, a), related=(episode_at(e, ep),))


@rule(
    "8608",
    message="Assessment Start Date cannot be later than its End Date",
    table=ASSESSMENTS,
    fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
)
def r8608_assessment_start_after_end(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        started, ended = a.AssessmentActualStartDate, a.AssessmentAuthorisationDate
        if started and ended and started > ended:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8614",
    message=(
        "Parental or child factors at assessment should only be present for a completed assessment."
    ),
    table=ASSESSMENTS,
    fields=("AssessmentFactors", "AssessmentAuthorisationDate"),
)
def r8614_factors_before_completion(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if a.AssessmentAuthorisationDate is None and a.AssessmentFactors:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8617",
    message="Code 8A has been returned. This code is not a valid code.",
    table=ASSESSMENTS,
    fields=("AssessmentFactors",),
)
def r8617_factor_8a(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if "8A" in a.AssessmentFactors:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8869",
    message=(
        "The assessment factors code “21” cannot be used in conjunction with any other "
        "assessment factors."
    ),
    table=ASSESSMENTS,
    fields=("AssessmentFactors",),
)
def r8869_no_factors_with_others(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if NO_FACTORS in a.AssessmentFactors and set(a.AssessmentFactors) != {NO_FACTORS}:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8897",
    message=(
        "Parental or child factors at assessment information is missing from a completed assessment"
    ),
    table=ASSESSMENTS,
    fields=("AssessmentFactors", "AssessmentAuthorisationDate"),
)
def r8897_factors_missing_or_invalid(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # DfE asks this of assessments completed in the census year, so older ones are left alone.
    for e, _ep, i, a in each_assessment(child):
        completed = a.AssessmentAuthorisationDate
        if completed is None or completed < ctx.start:
            continue
        factors = a.AssessmentFactors
        if not factors or not all(ctx.codes.valid("AssessmentFactors", f) for f in factors):
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8898",
    message="The assessment has more than one parental or child factors with the same code",
    table=ASSESSMENTS,
    fields=("AssessmentFactors",),
)
def r8898_duplicate_factors(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if len(set(a.AssessmentFactors)) < len(a.AssessmentFactors):
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8896",
    message="Within one CINDetails group there are 2 or more open Assessments groups",
    table=ASSESSMENTS,
    fields=("AssessmentAuthorisationDate",),
)
def r8896_two_open_assessments(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in enumerate(child.CINdetails):
        open_ones = [
            (i, a) for i, a in enumerate(ep.Assessments) if a.AssessmentAuthorisationDate is None
        ]
        if len(open_ones) > 1:
            for i, a in open_ones:
                yield Finding(row_at(ASSESSMENTS, e, i, a), related=(episode_at(e, ep),))


@rule(
    "8863",
    message="An Assessment is shown as starting when there is another Assessment ongoing",
    table=ASSESSMENTS,
    fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
)
def r8863_overlapping_assessments(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Within an episode, no assessment may start on or between another's start and
    # authorisation (or the reference date, while the other is still open).
    for e, ep in enumerate(child.CINdetails):
        for i, a in enumerate(ep.Assessments):
            if a.AssessmentActualStartDate is None:
                continue
            for j, b in enumerate(ep.Assessments):
                if i != j and starts_within(
                    a.AssessmentActualStartDate,
                    b.AssessmentActualStartDate,
                    b.AssessmentAuthorisationDate,
                    open_until=ctx.reference_date,
                ):
                    yield Finding(
                        row_at(ASSESSMENTS, e, i, a), related=(row_at(ASSESSMENTS, e, j, b),)
                    )
                    break


@rule(
    "8696",
    message="Assessment end date must fall within the census year",
    table=ASSESSMENTS,
    fields=("AssessmentAuthorisationDate",),
    census_only=True,
)
def r8696_assessment_end_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        ended = a.AssessmentAuthorisationDate
        if ended is not None and ended not in ctx.year:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8736",
    message=(
        "For an Assessment that has not been completed, the start date must fall within the "
        "census year"
    ),
    table=ASSESSMENTS,
    fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    census_only=True,
)
def r8736_open_assessment_start_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if a.AssessmentAuthorisationDate is None and a.AssessmentActualStartDate not in ctx.year:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8670Q",
    message=(
        "Please check: Assessment started more than 45 working days before the end of the census "
        "year. However, there is no Assessment end date."
    ),
    table=ASSESSMENTS,
    fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    census_only=True,
)
def r8670q_assessment_open_too_long(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        started = a.AssessmentActualStartDate
        if a.AssessmentAuthorisationDate is not None or started is None:
            continue
        if ctx.calendar.working_days_between(started, ctx.reference_date) > 45:
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8899Q",
    message=(
        "Please check: A child identified as having a disability does not have a disability "
        "factor recorded at the end of assessment."
    ),
    table=ASSESSMENTS,
    fields=("AssessmentFactors", "Disability"),
    reads=(CHILD_CHARACTERISTICS,),
)
def r8899q_disability_factor(child: CINChild, ctx: Context) -> Iterator[Finding]:
    disabled = any(d.upper() != "NONE" for d in child.ChildCharacteristics.Disabilities)
    if not disabled:
        return
    for e, _ep, i, a in each_assessment(child):
        completed = a.AssessmentAuthorisationDate
        if completed is None or completed < ctx.start:
            continue
        if not {"5A", "6A"} & set(a.AssessmentFactors):
            yield Finding(row_at(ASSESSMENTS, e, i, a))


def _replaced_factor(code: str, replacements: str) -> str:
    return (
        "Please check and either amend data or provide a reason: the assessment factors code "
        f"'{code}' should not be used ({replacements} should be used instead)"
    )


@rule(
    "8945Q",
    message=_replaced_factor("18A", "'18B' or '18C'"),
    table=ASSESSMENTS,
    fields=("AssessmentFactors",),
    since=2025,
)
def r8945q_factor_18a(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if "18A" in (f.upper() for f in a.AssessmentFactors):
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8950Q",
    message=_replaced_factor("19A", "'19B' or '19C'"),
    table=ASSESSMENTS,
    fields=("AssessmentFactors",),
    since=2025,
)
def r8950q_factor_19a(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, a in each_assessment(child):
        if "19A" in (f.upper() for f in a.AssessmentFactors):
            yield Finding(row_at(ASSESSMENTS, e, i, a))


@rule(
    "8873",
    message=(
        "When there is only one assessment on the episode and the factors code “21 No factors "
        "identified” has been used for the completed assessment, the reason for closure ‘RC8’ "
        "must be used."
    ),
    table=ASSESSMENTS,
    fields=("AssessmentFactors", "ReasonForClosure"),
    reads=(CIN_DETAILS,),
)
def r8873_no_factors_means_rc8(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Judged once a reason for closure is recorded: an open episode may still be closed RC8.
    for e, ep in enumerate(child.CINdetails):
        if len(ep.Assessments) != 1 or not ep.ReasonForClosure or ep.ReasonForClosure == "RC8":
            continue
        only = ep.Assessments[0]
        if NO_FACTORS in only.AssessmentFactors:
            yield Finding(row_at(ASSESSMENTS, e, 0, only), related=(episode_at(e, ep),))
