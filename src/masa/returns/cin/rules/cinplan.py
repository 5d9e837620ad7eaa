"""CINPlanDates rules: CIN plan dates, and CIN plans alongside child protection plans."""

from __future__ import annotations

from collections.abc import Iterator

from masa.returns.cin.model import CINChild
from masa.returns.cin.registry import (
    CHILD_IDENTIFIERS,
    CHILD_PROTECTION_PLANS,
    CIN_DETAILS,
    CIN_PLAN_DATES,
    REVIEWS,
    Context,
    Finding,
    Location,
    each_cin_plan,
    each_cpp,
    episode_at,
    row_at,
    rows_dated_after_death,
    rule,
)

from ._dates import starts_within


@rule(
    "4000",
    message="CIN Plan details provided for a referral with no further action",
    table=CIN_PLAN_DATES,
    fields=("ReferralNFA",),
    reads=(CIN_DETAILS,),
)
def r4000_plan_on_nfa_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, c in each_cin_plan(child):
        if ctx.yes(ep.ReferralNFA) is True:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c), related=(episode_at(e, ep),))


@rule(
    "4001",
    message="A CIN Plan cannot run concurrently with a Child Protection Plan",
    table=CIN_PLAN_DATES,
    fields=("CINPlanEndDate", "CPPendDate"),
    reads=(CHILD_PROTECTION_PLANS,),
)
def r4001_open_cin_and_cp_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in enumerate(child.CINdetails):
        open_cpp = [
            row_at(CHILD_PROTECTION_PLANS, e, j, p)
            for j, p in enumerate(ep.ChildProtectionPlans)
            if p.CPPendDate is None
        ]
        if not open_cpp:
            continue
        for i, c in enumerate(ep.CINPlanDates):
            if c.CINPlanEndDate is None:
                yield Finding(row_at(CIN_PLAN_DATES, e, i, c), related=tuple(open_cpp))


@rule(
    "4003",
    message="A CPP review date is shown as being held at the same time as an open CIN Plan.",
    table=REVIEWS,
    fields=("CPPreviewDate", "CINPlanStartDate", "CINPlanEndDate"),
    reads=(CIN_PLAN_DATES, CHILD_PROTECTION_PLANS),
)
def r4003_review_during_cin_plan(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Within an episode. A review that ends the plan (review date = CPPendDate) may fall on a
    # CIN plan's days: that is the usual step down from child protection to a CIN plan.
    for e, ep in enumerate(child.CINdetails):
        for i, p in enumerate(ep.ChildProtectionPlans):
            for r, reviewed in enumerate(p.Reviews):
                if reviewed is None or reviewed == p.CPPendDate:
                    continue
                for k, c in enumerate(ep.CINPlanDates):
                    if starts_within(
                        reviewed,
                        c.CINPlanStartDate,
                        c.CINPlanEndDate,
                        open_until=ctx.reference_date,
                        end_inclusive=False,
                    ):
                        yield Finding(
                            Location(REVIEWS, episode=e, row=i, item=r, ref=p.ref),
                            related=(row_at(CIN_PLAN_DATES, e, k, c),),
                        )
                        break


@rule(
    "4004",
    message="This child is showing more than one open CIN Plan, i.e. with no End Date",
    table=CIN_PLAN_DATES,
    fields=("CINPlanEndDate",),
)
def r4004_two_open_cin_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in enumerate(child.CINdetails):
        open_ones = [(i, c) for i, c in enumerate(ep.CINPlanDates) if c.CINPlanEndDate is None]
        if len(open_ones) > 1:
            for i, c in open_ones:
                yield Finding(row_at(CIN_PLAN_DATES, e, i, c), related=(episode_at(e, ep),))


@rule(
    "4008",
    message="CIN Plan shown as starting after the child’s Date of Death.",
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r4008_cin_plan_starts_after_death(child: CINChild, ctx: Context) -> Iterator[Finding]:
    yield from rows_dated_after_death(
        child, each_cin_plan(child), CIN_PLAN_DATES, "CINPlanStartDate"
    )


@rule(
    "4009",
    message="CIN Plan cannot end after the child’s Date of Death",
    table=CIN_PLAN_DATES,
    fields=("CINPlanEndDate", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r4009_cin_plan_ends_after_death(child: CINChild, ctx: Context) -> Iterator[Finding]:
    yield from rows_dated_after_death(child, each_cin_plan(child), CIN_PLAN_DATES, "CINPlanEndDate")


@rule(
    "4010",
    message="CIN Plan start date is missing or out of data collection period",
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate",),
)
def r4010_cin_plan_start(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, c in each_cin_plan(child):
        if c.CINPlanStartDate is None or c.CINPlanStartDate > ctx.reference_date:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c))


@rule(
    "4011",
    message="CIN Plan End Date earlier than Start Date",
    table=CIN_PLAN_DATES,
    fields=("CINPlanEndDate", "CINPlanStartDate"),
)
def r4011_cin_plan_end_before_start(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, c in each_cin_plan(child):
        if c.CINPlanStartDate and c.CINPlanEndDate and c.CINPlanEndDate < c.CINPlanStartDate:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c))


@rule(
    "4012Q",
    message="CIN Plan shown as starting and ending on the same day - please check",
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate", "CINPlanEndDate"),
)
def r4012q_cin_plan_same_day(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, c in each_cin_plan(child):
        if c.CINPlanStartDate is not None and c.CINPlanStartDate == c.CINPlanEndDate:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c))


@rule(
    "4013",
    message="CIN Plan end date must fall within the census year",
    table=CIN_PLAN_DATES,
    fields=("CINPlanEndDate",),
    census_only=True,
)
def r4013_cin_plan_end_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, c in each_cin_plan(child):
        if c.CINPlanEndDate is not None and c.CINPlanEndDate not in ctx.year:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c))


@rule(
    "4014",
    message="CIN Plan data contains overlapping dates",
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate", "CINPlanEndDate"),
)
def r4014_overlapping_cin_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Across the child's episodes; one plan may start on the day another ends.
    plans = list(each_cin_plan(child))
    for e, _ep, i, c in plans:
        if c.CINPlanStartDate is None:
            continue
        for f, _other_ep, j, other in plans:
            if (e, i) != (f, j) and starts_within(
                c.CINPlanStartDate,
                other.CINPlanStartDate,
                other.CINPlanEndDate,
                open_until=ctx.reference_date,
                end_inclusive=False,
            ):
                yield Finding(
                    row_at(CIN_PLAN_DATES, e, i, c), related=(row_at(CIN_PLAN_DATES, f, j, other),)
                )
                break


@rule(
    "4015",
    message="The CIN Plan start date cannot be before the referral date",
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate", "CINreferralDate"),
    reads=(CIN_DETAILS,),
)
def r4015_cin_plan_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, c in each_cin_plan(child):
        if c.CINPlanStartDate and ep.CINreferralDate and c.CINPlanStartDate < ep.CINreferralDate:
            yield Finding(row_at(CIN_PLAN_DATES, e, i, c), related=(episode_at(e, ep),))


OPEN_WITH_CPP = "A CIN Plan has been reported as open at the same time as a Child Protection Plan."


@rule(
    "4016",
    message=OPEN_WITH_CPP,
    table=CIN_PLAN_DATES,
    fields=("CINPlanStartDate", "CPPstartDate", "CPPendDate"),
    reads=(CHILD_PROTECTION_PLANS,),
)
def r4016_cin_plan_starts_during_cpp(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # A CIN plan may start on the day a child protection plan ends, not while it is running.
    cpps = list(each_cpp(child))
    for e, _ep, i, c in each_cin_plan(child):
        if c.CINPlanStartDate is None:
            continue
        for f, _cpp_ep, j, p in cpps:
            if starts_within(
                c.CINPlanStartDate,
                p.CPPstartDate,
                p.CPPendDate,
                open_until=ctx.reference_date,
                end_inclusive=False,
            ):
                yield Finding(
                    row_at(CIN_PLAN_DATES, e, i, c),
                    related=(row_at(CHILD_PROTECTION_PLANS, f, j, p),),
                )
                break


@rule(
    "4017",
    message=OPEN_WITH_CPP,
    table=CIN_PLAN_DATES,
    fields=("CPPstartDate", "CINPlanStartDate", "CINPlanEndDate"),
    reads=(CHILD_PROTECTION_PLANS,),
)
def r4017_cpp_starts_during_cin_plan(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # A child protection plan may start on the day a CIN plan ends, not while it is running.
    cin_plans = list(each_cin_plan(child))
    for e, _ep, i, p in each_cpp(child):
        if p.CPPstartDate is None:
            continue
        for f, _cin_ep, j, c in cin_plans:
            if starts_within(
                p.CPPstartDate,
                c.CINPlanStartDate,
                c.CINPlanEndDate,
                open_until=ctx.reference_date,
                end_inclusive=False,
            ):
                yield Finding(
                    row_at(CHILD_PROTECTION_PLANS, e, i, p),
                    related=(row_at(CIN_PLAN_DATES, f, j, c),),
                )
                break
