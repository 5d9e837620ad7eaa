"""Section47 rules: the enquiry, its initial child protection conference (ICPC) and enquiries
together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from masa.returns.cin.model import CINChild, YesNo
from masa.returns.cin.registry import (
    ASSESSMENTS,
    CIN_DETAILS,
    SECTION_47,
    Context,
    Finding,
    each_section47,
    episode_at,
    row_at,
    rule,
)

from ._dates import is_weekend, starts_within


@rule(
    "2889",
    message="The S47 start date cannot be before the referral date.",
    table=SECTION_47,
    fields=("S47ActualStartDate", "CINreferralDate"),
    reads=(CIN_DETAILS,),
)
def r2889_s47_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, s in each_section47(child):
        started, referred = s.S47ActualStartDate, ep.CINreferralDate
        if started and referred and started < referred:
            yield Finding(row_at(SECTION_47, e, i, s), related=(episode_at(e, ep),))


@rule(
    "8615",
    message=(
        "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
        "initial Child Protection Conference"
    ),
    table=SECTION_47,
    fields=("S47ActualStartDate", "DateOfInitialCPC"),
)
def r8615_s47_start_after_icpc(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        conference = s.DateOfInitialCPC
        if conference is None:
            continue
        if s.S47ActualStartDate is None or s.S47ActualStartDate > conference:
            yield Finding(row_at(SECTION_47, e, i, s))


@rule(
    "1104",
    message=(
        "The date of the initial child protection conference cannot be before the referral date"
    ),
    table=SECTION_47,
    fields=("DateOfInitialCPC", "CINreferralDate"),
    reads=(CIN_DETAILS,),
)
def r1104_icpc_before_referral(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep, i, s in each_section47(child):
        conference, referred = s.DateOfInitialCPC, ep.CINreferralDate
        if conference and referred and conference < referred:
            yield Finding(row_at(SECTION_47, e, i, s), related=(episode_at(e, ep),))


def _awaiting_icpc(ctx: Context, icpc_not_required: YesNo, conference: dt.date | None) -> bool:
    """No ICPC held yet, and not marked as not required."""
    return conference is None and ctx.yes(icpc_not_required) is not True


@rule(
    "8839",
    message="Within one CINDetails group there are 2 or more open S47 Assessments",
    table=SECTION_47,
    fields=("DateOfInitialCPC", "ICPCnotRequired"),
)
def r8839_two_open_enquiries(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in enumerate(child.CINdetails):
        open_ones = [
            (i, s)
            for i, s in enumerate(ep.Section47)
            if _awaiting_icpc(ctx, s.ICPCnotRequired, s.DateOfInitialCPC)
        ]
        if len(open_ones) > 1:
            for i, s in open_ones:
                yield Finding(row_at(SECTION_47, e, i, s), related=(episode_at(e, ep),))


@rule(
    "8890",
    message=(
        "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing"
    ),
    table=SECTION_47,
    fields=("S47ActualStartDate", "DateOfInitialCPC"),
)
def r8890_overlapping_enquiries(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Within an episode, an enquiry runs from its start to its ICPC; one still awaiting an ICPC
    # runs to the reference date. One that needed no ICPC and has none is not a span.
    for e, ep in enumerate(child.CINdetails):
        for i, s in enumerate(ep.Section47):
            if s.S47ActualStartDate is None:
                continue
            for j, other in enumerate(ep.Section47):
                if i == j:
                    continue
                waiting = _awaiting_icpc(ctx, other.ICPCnotRequired, other.DateOfInitialCPC)
                if starts_within(
                    s.S47ActualStartDate,
                    other.S47ActualStartDate,
                    other.DateOfInitialCPC,
                    open_until=ctx.reference_date if waiting else None,
                ):
                    yield Finding(
                        row_at(SECTION_47, e, i, s), related=(row_at(SECTION_47, e, j, other),)
                    )
                    break


@rule(
    "8875",
    message="The Date of Initial Child Protection Conference cannot be a weekend",
    table=SECTION_47,
    fields=("DateOfInitialCPC",),
)
def r8875_icpc_on_weekend(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        if s.DateOfInitialCPC is not None and is_weekend(s.DateOfInitialCPC):
            yield Finding(row_at(SECTION_47, e, i, s))


@rule(
    "8870Q",
    message=(
        "Please check: The Target Date for Initial Child Protection Conference should not be a "
        "weekend"
    ),
    table=SECTION_47,
    fields=("InitialCPCtarget",),
)
def r8870q_icpc_target_on_weekend(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        if s.InitialCPCtarget is not None and is_weekend(s.InitialCPCtarget):
            yield Finding(row_at(SECTION_47, e, i, s))


@rule(
    "2991Q",
    message=(
        "Please check: A Section 47 module is recorded and there is no assessment on the episode"
    ),
    table=CIN_DETAILS,
    fields=("S47ActualStartDate",),
    reads=(SECTION_47, ASSESSMENTS),
)
def r2991q_s47_without_assessment(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, ep in enumerate(child.CINdetails):
        if ep.Section47 and not ep.Assessments:
            yield Finding(episode_at(e, ep))


@rule(
    "8740",
    message=(
        "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by "
        "the end of the census year, the start date must fall within the census year"
    ),
    table=SECTION_47,
    fields=("S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"),
    census_only=True,
)
def r8740_waiting_s47_start_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        waiting = s.DateOfInitialCPC is None and ctx.yes(s.ICPCnotRequired) is False
        if waiting and s.S47ActualStartDate not in ctx.year:
            yield Finding(row_at(SECTION_47, e, i, s))


@rule(
    "8715",
    message="Date of Initial Child Protection Conference must fall within the census year",
    table=SECTION_47,
    fields=("DateOfInitialCPC",),
    census_only=True,
)
def r8715_icpc_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        if s.DateOfInitialCPC is not None and s.DateOfInitialCPC not in ctx.year:
            yield Finding(row_at(SECTION_47, e, i, s))


@rule(
    "8675Q",
    message=(
        "Please check: S47 Enquiry started more than 15 working days before the end of the "
        "census year. However, there is no date of Initial Child Protection Conference."
    ),
    table=SECTION_47,
    fields=("S47ActualStartDate", "DateOfInitialCPC"),
    census_only=True,
)
def r8675q_s47_waiting_too_long(child: CINChild, ctx: Context) -> Iterator[Finding]:
    for e, _ep, i, s in each_section47(child):
        started = s.S47ActualStartDate
        waiting = s.DateOfInitialCPC is None and ctx.yes(s.ICPCnotRequired) is False
        if (
            waiting
            and started is not None
            and ctx.calendar.working_days_between(started, ctx.reference_date) > 15
        ):
            yield Finding(row_at(SECTION_47, e, i, s))
