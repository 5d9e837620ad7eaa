"""ChildProtectionPlans and Reviews rules: plan dates, categories of abuse, reviews, and a
child's plans together."""

from __future__ import annotations

from collections.abc import Iterator

from masa.returns.cin.model import CINChild
from masa.returns.cin.registry import (
    CHILD_IDENTIFIERS,
    CHILD_PROTECTION_PLANS,
    CIN_DETAILS,
    REVIEWS,
    SECTION_47,
    Context,
    Finding,
    Location,
    each_cpp,
    episode_at,
    row_at,
    rows_dated_after_death,
    rule,
)

from ._dates import starts_within


def _review_at(e: int, i: int, r: int, ref: str | None) -> Location:
    return Location(REVIEWS, episode=e, row=i, item=r, ref=ref)


@rule(
    "1105",
    message="The child protection plan start date cannot be before the referral date",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate", "CINreferralDate"),
    reads=(CIN_DETAILS,),
)
def r1105_plan_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, p in each_cpp(child):
        if p.CPPstartDate and ep.CINreferralDate and p.CPPstartDate < ep.CINreferralDate:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p), related=(episode_at(e, ep),))


@rule(
    "8720",
    message="Child Protection Plan Start Date missing or out of data collection period",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate",),
)
def r8720_plan_start(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.CPPstartDate is None or p.CPPstartDate > ctx.reference_date:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8905",
    message=(
        "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
        "Census code set)"
    ),
    table=CHILD_PROTECTION_PLANS,
    fields=("InitialCategoryOfAbuse",),
)
def r8905_initial_category(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if not ctx.codes.valid("CategoryOfAbuse", p.InitialCategoryOfAbuse):
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8910",
    message=(
        "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
        "Census code set)"
    ),
    table=CHILD_PROTECTION_PLANS,
    fields=("LatestCategoryOfAbuse",),
)
def r8910_latest_category(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if not ctx.codes.valid("CategoryOfAbuse", p.LatestCategoryOfAbuse):
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8730",
    message="Total Number of previous Child Protection Plans missing",
    table=CHILD_PROTECTION_PLANS,
    fields=("NumberOfPreviousCPP",),
)
def r8730_previous_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.NumberOfPreviousCPP is None or p.NumberOfPreviousCPP < 0:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8840",
    message="Child Protection Plan cannot start and end on the same day",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate", "CPPendDate"),
)
def r8840_plan_same_day(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.CPPstartDate is not None and p.CPPstartDate == p.CPPendDate:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8925",
    message="Child Protection Plan End Date earlier than Start Date",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPendDate", "CPPstartDate"),
)
def r8925_plan_end_before_start(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.CPPstartDate and p.CPPendDate and p.CPPendDate < p.CPPstartDate:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))


@rule(
    "8841",
    message=(
        "The review date cannot be on the same day or before the Child protection Plan start date."
    ),
    table=REVIEWS,
    fields=("CPPreviewDate", "CPPstartDate"),
    reads=(CHILD_PROTECTION_PLANS,),
)
def r8841_review_not_after_start(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.CPPstartDate is None:
            continue
        for r, reviewed in enumerate(p.Reviews):
            if reviewed is not None and reviewed <= p.CPPstartDate:
                yield Finding(
                    _review_at(e, i, r, p.ref), related=(row_at(CHILD_PROTECTION_PLANS, e, i, p),)
                )


@rule(
    "8842Q",
    message="Please check: Review Record has a missing date",
    table=REVIEWS,
    fields=("CPPreviewDate",),
    reads=(CHILD_PROTECTION_PLANS,),
)
def r8842q_review_without_date(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        for r, reviewed in enumerate(p.Reviews):
            if reviewed is None:
                yield Finding(_review_at(e, i, r, p.ref))


@rule(
    "8915",
    message="Child Protection Plan shown as starting after the child’s Date of Death",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r8915_plan_starts_after_death(child: CINChild, ctx: Context) -> Iterator[Finding]:
    yield from rows_dated_after_death(
        child, each_cpp(child), CHILD_PROTECTION_PLANS, "CPPstartDate"
    )


@rule(
    "8920",
    message="Child Protection Plan cannot end after the child’s Date of Death",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPendDate", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r8920_plan_ends_after_death(child: CINChild, ctx: Context) -> Iterator[Finding]:
    yield from rows_dated_after_death(child, each_cpp(child), CHILD_PROTECTION_PLANS, "CPPendDate")


@rule(
    "8935",
    message=(
        "This child is showing more than one open Child Protection plan, i.e. with no End Date"
    ),
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPendDate",),
)
def r8935_two_open_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    open_ones = [
        row_at(CHILD_PROTECTION_PLANS, e, i, p)
        for e, _ep, i, p in each_cpp(child)
        if p.CPPendDate is None
    ]
    if len(open_ones) > 1:
        for here in open_ones:
            yield Finding(here, related=tuple(o for o in open_ones if o != here))


@rule(
    "8940",
    message="Child Protection Plan data contains overlapping dates",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate", "CPPendDate"),
)
def r8940_overlapping_plans(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Across all the child's episodes: no plan may start on or between another plan's start and
    # end (or the reference date, while the other is still open).
    plans = list(each_cpp(child))
    for e, _ep, i, p in plans:
        if p.CPPstartDate is None:
            continue
        for f, _other_ep, j, other in plans:
            if (e, i) != (f, j) and starts_within(
                p.CPPstartDate, other.CPPstartDate, other.CPPendDate, open_until=ctx.reference_date
            ):
                yield Finding(
                    row_at(CHILD_PROTECTION_PLANS, e, i, p),
                    related=(row_at(CHILD_PROTECTION_PLANS, f, j, other),),
                )
                break


@rule(
    "2885",
    message=(
        "Child protection plan shown as starting a different day to the initial child "
        "protection conference."
    ),
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPstartDate", "DateOfInitialCPC"),
    reads=(SECTION_47, CIN_DETAILS),
)
def r2885_plan_starts_at_icpc(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # A plan starting in the census year starts at an ICPC held in its episode: one recorded on
    # a section 47 enquiry, or on the episode itself where there is no enquiry for it.
    for e, ep, i, p in each_cpp(child):
        if p.CPPstartDate is None or p.CPPstartDate not in ctx.year:
            continue
        conferences = {s.DateOfInitialCPC for s in ep.Section47} | {ep.DateOfInitialCPC}
        if p.CPPstartDate not in conferences:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p), related=(episode_at(e, ep),))


@rule(
    "8832",
    message="Child Protection details provided for a referral with no further action.",
    table=CHILD_PROTECTION_PLANS,
    fields=("ReferralNFA",),
    reads=(CIN_DETAILS,),
)
def r8832_plan_on_nfa_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, p in each_cpp(child):
        if ctx.yes(ep.ReferralNFA) is True:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p), related=(episode_at(e, ep),))


@rule(
    "8930",
    message="Child Protection Plan End Date must fall within the census year",
    table=CHILD_PROTECTION_PLANS,
    fields=("CPPendDate",),
    census_only=True,
)
def r8930_plan_end_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, p in each_cpp(child):
        if p.CPPendDate is not None and p.CPPendDate not in ctx.year:
            yield Finding(row_at(CHILD_PROTECTION_PLANS, e, i, p))
