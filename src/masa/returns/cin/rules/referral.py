"""CINdetails rules: the referral, its outcome and closure, and the child's episodes together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from masa.returns.cin.model import CINChild, CINEpisode
from masa.returns.cin.registry import (
    ASSESSMENTS,
    CHILD_IDENTIFIERS,
    CHILD_PROTECTION_PLANS,
    CIN_DETAILS,
    CIN_PLAN_DATES,
    SECTION_47,
    Context,
    Finding,
    episode_at,
    row_at,
    rule,
)

from ._dates import starts_within

ONE_DAY = dt.timedelta(days=1)
# Referral sources were first collected for referrals from 1 April 2013 (rule 8866).
REFERRAL_SOURCE_FROM = dt.date(2013, 4, 1)


def _episodes(child: CINChild) -> Iterator[tuple[int, CINEpisode]]:
    yield from enumerate(child.CINdetails)


@rule(
    "8600",
    message="Child referral date missing or after data collection period",
    table=CIN_DETAILS,
    fields=("CINreferralDate",),
)
def r8600_referral_date(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINreferralDate is None or ep.CINreferralDate > ctx.reference_date:
            yield Finding(episode_at(e, ep))


@rule(
    "8606",
    message="Child referral date is more than 40 weeks before DOB or expected DOB",
    table=CIN_DETAILS,
    fields=("CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r8606_referral_long_before_birth(child: CINChild, ctx: Context) -> Iterator[Finding]:
    ids = child.ChildIdentifiers
    births = [d for d in (ids.PersonBirthDate, ids.ExpectedPersonBirthDate) if d is not None]
    for e, ep in _episodes(child):
        referred = ep.CINreferralDate
        if referred and any(referred < born - dt.timedelta(days=280) for born in births):
            yield Finding(episode_at(e, ep))


@rule(
    "8555",
    message="Child cannot be referred after its recorded date of death",
    table=CIN_DETAILS,
    fields=("CINreferralDate", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r8555_referred_after_death(child: CINChild, ctx: Context) -> Iterator[Finding]:
    died = child.ChildIdentifiers.PersonDeathDate
    if died is None:
        return
    for e, ep in _episodes(child):
        if ep.CINreferralDate and ep.CINreferralDate > died:
            yield Finding(episode_at(e, ep))


@rule(
    "8866",
    message="Source of Referral is missing or an invalid code",
    table=CIN_DETAILS,
    fields=("ReferralSource",),
)
def r8866_referral_source(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINreferralDate is None or ep.CINreferralDate < REFERRAL_SOURCE_FROM:
            continue
        if not ctx.codes.valid("ReferralSource", ep.ReferralSource):
            yield Finding(episode_at(e, ep))


@rule(
    "8650",
    message="Primary Need Code invalid (see Primary Need table in CIN census code set)",
    table=CIN_DETAILS,
    fields=("PrimaryNeedCode",),
)
def r8650_primary_need_code(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.PrimaryNeedCode is not None and not ctx.codes.valid(
            "PrimaryNeedCode", ep.PrimaryNeedCode
        ):
            yield Finding(episode_at(e, ep))


@rule(
    "8610",
    message="Primary Need code is missing for a referral which led to further action.",
    table=CIN_DETAILS,
    fields=("PrimaryNeedCode", "ReferralNFA"),
)
def r8610_primary_need_missing(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ctx.yes(ep.ReferralNFA) is False and not ep.PrimaryNeedCode:
            yield Finding(episode_at(e, ep))


@rule(
    "8568",
    message="RNFA flag is missing or invalid",
    table=CIN_DETAILS,
    fields=("ReferralNFA",),
)
def r8568_referral_nfa_flag(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ctx.yes(ep.ReferralNFA) is None:
            yield Finding(episode_at(e, ep))


@rule(
    "8569",
    message=(
        "A case with referral date before one working day prior to the collection start date "
        "must not be flagged as a no further action case"
    ),
    table=CIN_DETAILS,
    fields=("CINreferralDate", "ReferralNFA"),
    census_only=True,
)
def r8569_old_referral_flagged_nfa(child: CINChild, ctx: Context) -> Iterator[Finding]:
    day_before_start = ctx.start - ONE_DAY
    for e, ep in _episodes(child):
        referred = ep.CINreferralDate
        if referred is None or referred >= ctx.start or ctx.yes(ep.ReferralNFA) is not True:
            continue
        # Before the last working day ahead of 1 April exactly when a working day lies between
        # the referral and 31 March (the calendar counts days after the first date).
        if ctx.calendar.working_days_between(referred, day_before_start) >= 1:
            yield Finding(episode_at(e, ep))


@rule(
    "8620",
    message="CIN Closure Date present and does not fall within the Census year",
    table=CIN_DETAILS,
    fields=("CINclosureDate",),
    census_only=True,
)
def r8620_closure_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINclosureDate is not None and ep.CINclosureDate not in ctx.year:
            yield Finding(episode_at(e, ep))


@rule(
    "8630",
    message="CIN Closure Date is before CIN Referral Date for the same CIN episode",
    table=CIN_DETAILS,
    fields=("CINclosureDate", "CINreferralDate"),
)
def r8630_closure_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINclosureDate and ep.CINreferralDate and ep.CINclosureDate < ep.CINreferralDate:
            yield Finding(episode_at(e, ep))


@rule(
    "8640",
    message=(
        "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)"
    ),
    table=CIN_DETAILS,
    fields=("ReasonForClosure",),
)
def r8640_reason_for_closure_code(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.ReasonForClosure is not None and not ctx.codes.valid(
            "ReasonForClosure", ep.ReasonForClosure
        ):
            yield Finding(episode_at(e, ep))


@rule(
    "8805",
    message="A CIN case cannot have a CIN closure date without a Reason for Closure",
    table=CIN_DETAILS,
    fields=("ReasonForClosure", "CINclosureDate"),
)
def r8805_closure_without_reason(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINclosureDate is not None and not ep.ReasonForClosure:
            yield Finding(episode_at(e, ep))


@rule(
    "8810",
    message="A CIN case cannot have a Reason for Closure without a CIN Closure Date",
    table=CIN_DETAILS,
    fields=("CINclosureDate", "ReasonForClosure"),
)
def r8810_reason_without_closure(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.ReasonForClosure and ep.CINclosureDate is None:
            yield Finding(episode_at(e, ep))


def _after(closed: dt.date, *days: dt.date | None) -> bool:
    return any(day is not None and day > closed for day in days)


@rule(
    "8565",
    message="Activity shown after a case has been closed",
    table=CIN_DETAILS,
    fields=("CINclosureDate",),
    reads=(ASSESSMENTS, SECTION_47, CHILD_PROTECTION_PLANS, CIN_PLAN_DATES),
)
def r8565_activity_after_closure(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        closed = ep.CINclosureDate
        if closed is None:
            continue
        episode = (episode_at(e, ep),)

        if _after(closed, ep.DateOfInitialCPC):
            yield Finding(episode[0], fields=("CINclosureDate", "DateOfInitialCPC"))
        for i, a in enumerate(ep.Assessments):
            if _after(closed, a.AssessmentActualStartDate, a.AssessmentAuthorisationDate):
                yield Finding(
                    row_at(ASSESSMENTS, e, i, a),
                    fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
                    related=episode,
                )
        for i, s in enumerate(ep.Section47):
            if _after(closed, s.S47ActualStartDate, s.DateOfInitialCPC):
                yield Finding(
                    row_at(SECTION_47, e, i, s),
                    fields=("S47ActualStartDate", "DateOfInitialCPC"),
                    related=episode,
                )
        for i, p in enumerate(ep.ChildProtectionPlans):
            if _after(closed, p.CPPendDate):
                yield Finding(
                    row_at(CHILD_PROTECTION_PLANS, e, i, p), fields=("CPPendDate",), related=episode
                )
        for i, c in enumerate(ep.CINPlanDates):
            if _after(closed, c.CINPlanStartDate, c.CINPlanEndDate):
                yield Finding(
                    row_at(CIN_PLAN_DATES, e, i, c),
                    fields=("CINPlanStartDate", "CINPlanEndDate"),
                    related=episode,
                )


@rule(
    "8585Q",
    message=(
        "Please check and either amend or provide a reason: CIN episode shows Died as the "
        "Closure Reason, however child has no recorded Date of Death"
    ),
    table=CIN_DETAILS,
    fields=("ReasonForClosure", "PersonDeathDate"),
    reads=(CHILD_IDENTIFIERS,),
)
def r8585q_died_without_death_date(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if child.ChildIdentifiers.PersonDeathDate is not None:
        return
    for e, ep in _episodes(child):
        if ep.ReasonForClosure == "RC2":
            yield Finding(episode_at(e, ep))


@rule(
    "8825Q",
    message=(
        "Please check and either amend data or provide a reason: Reason for Closure code RC8 "
        "(case closed after assessment) or RC9 (case closed after assessment, referred to early "
        "help) has been returned but there is no assessment present for the episode."
    ),
    table=CIN_DETAILS,
    fields=("ReasonForClosure",),
    reads=(ASSESSMENTS,),
)
def r8825q_closed_after_assessment_without_one(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.ReasonForClosure in ("RC8", "RC9") and not ep.Assessments:
            yield Finding(episode_at(e, ep))


@rule(
    "2990",
    message=(
        "Activity is recorded against a case marked as ‘Case closed after assessment, no "
        "further action’."
    ),
    table=CIN_DETAILS,
    fields=("ReasonForClosure",),
    reads=(SECTION_47, CHILD_PROTECTION_PLANS, CIN_PLAN_DATES),
)
def r2990_activity_after_rc8(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.ReasonForClosure != "RC8":
            continue
        if ep.Section47 or ep.ChildProtectionPlans or ep.CINPlanDates or ep.DateOfInitialCPC:
            yield Finding(episode_at(e, ep))


@rule(
    "8831",
    message="Activity is recorded against a case marked as a referral with no further action",
    table=CIN_DETAILS,
    fields=("ReferralNFA",),
    reads=(ASSESSMENTS, SECTION_47),
)
def r8831_activity_on_nfa(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ctx.yes(ep.ReferralNFA) is not True:
            continue
        assessed = any(
            a.AssessmentActualStartDate or a.AssessmentAuthorisationDate for a in ep.Assessments
        )
        enquired = any(s.S47ActualStartDate or s.DateOfInitialCPC for s in ep.Section47)
        if assessed or enquired or ep.DateOfInitialCPC:
            yield Finding(episode_at(e, ep))


def _open_with_action(ep: CINEpisode, ctx: Context) -> bool:
    return ep.CINclosureDate is None and ctx.yes(ep.ReferralNFA) is False


@rule(
    "8815",
    message=(
        "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
        "provided for this child and case is not a referral with no further action."
    ),
    table=CIN_DETAILS,
    fields=("CINclosureDate", "ReferralNFA"),
)
def r8815_two_open_episodes(child: CINChild, ctx: Context) -> Iterator[Finding]:
    open_ones = [(e, ep) for e, ep in _episodes(child) if _open_with_action(ep, ctx)]
    if len(open_ones) > 1:
        for e, ep in open_ones:
            others = tuple(episode_at(o, other) for o, other in open_ones if o != e)
            yield Finding(episode_at(e, ep), related=others)


@rule(
    "8816",
    message=(
        "An open CIN episode is shown and case is not a referral with no further action, but it "
        "is not the latest episode."
    ),
    table=CIN_DETAILS,
    fields=("CINreferralDate",),
)
def r8816_open_episode_not_latest(child: CINChild, ctx: Context) -> Iterator[Finding]:
    dated = [(e, ep) for e, ep in _episodes(child) if ep.CINreferralDate is not None]
    if not dated:
        return
    latest_e, latest = max(dated, key=lambda pair: pair[1].CINreferralDate or dt.date.min)
    for e, ep in dated:
        if _open_with_action(ep, ctx) and ep.CINreferralDate != latest.CINreferralDate:
            yield Finding(episode_at(e, ep), related=(episode_at(latest_e, latest),))


@rule(
    "8820",
    message="The dates on the CIN episodes for this child overlap",
    table=CIN_DETAILS,
    fields=("CINreferralDate", "CINclosureDate"),
)
def r8820_overlapping_episodes(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # One episode may close on the day the next is referred, so closure dates are exclusive.
    # An open episode runs to the reference date unless it was a referral with no further action.
    episodes = list(_episodes(child))
    for e, ep in episodes:
        if ep.CINreferralDate is None:
            continue
        for o, other in episodes:
            if o == e:
                continue
            open_until = ctx.reference_date if ctx.yes(other.ReferralNFA) is False else None
            if starts_within(
                ep.CINreferralDate,
                other.CINreferralDate,
                other.CINclosureDate,
                open_until=open_until,
                end_inclusive=False,
            ):
                yield Finding(episode_at(e, ep), related=(episode_at(o, other),))
                break


@rule(
    "8867",
    message="CIN episode is shown as closed, however Assessment is not shown as completed",
    table=CIN_DETAILS,
    fields=("CINclosureDate", "AssessmentAuthorisationDate"),
    reads=(ASSESSMENTS,),
)
def r8867_closed_with_open_assessment(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINclosureDate is None:
            continue
        for i, a in enumerate(ep.Assessments):
            if a.AssessmentAuthorisationDate is None:
                yield Finding(row_at(ASSESSMENTS, e, i, a), related=(episode_at(e, ep),))


@rule(
    "8868",
    message=(
        "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed "
        "by ICPC date or ICPC not required flag"
    ),
    table=CIN_DETAILS,
    fields=("CINclosureDate", "DateOfInitialCPC", "ICPCnotRequired"),
    reads=(SECTION_47,),
)
def r8868_closed_with_open_s47(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.CINclosureDate is None:
            continue
        for i, s in enumerate(ep.Section47):
            if s.DateOfInitialCPC is None and ctx.yes(s.ICPCnotRequired) is not True:
                yield Finding(row_at(SECTION_47, e, i, s), related=(episode_at(e, ep),))


@rule(
    "2884",
    message=(
        "An initial child protection conference is recorded at both the S47 and CIN Details "
        "level and it should only be recorded in one"
    ),
    table=SECTION_47,
    fields=("DateOfInitialCPC",),
    reads=(CIN_DETAILS,),
)
def r2884_icpc_recorded_twice(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in _episodes(child):
        if ep.DateOfInitialCPC is None:
            continue
        for i, s in enumerate(ep.Section47):
            if s.DateOfInitialCPC == ep.DateOfInitialCPC:
                yield Finding(row_at(SECTION_47, e, i, s), related=(episode_at(e, ep),))
