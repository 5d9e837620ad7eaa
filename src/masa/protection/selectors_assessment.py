"""Reads of assessments, strategy discussions, enquiries and children in need plans, scoped to
the asking user through the child: out of scope is the same 404 as a record that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from masa.core.calendar import Clock
from masa.core.models import User
from masa.frontdoor.models import Referral
from masa.journey.deadlines import clock_for
from masa.journey.models import Case, EventType
from masa.journey.visibility import require_agency_may_read
from masa.people.selectors import children_visible_to

from .models import (
    Assessment,
    CINPlan,
    Conference,
    ConferenceKind,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from .selectors import ClockLine, with_scheduled_conference

M = TypeVar("M", bound=Model)


def referral_date(case: Case) -> dt.date | None:
    """The date of the referral that opened this CIN episode (day 0 of the assessment clock)."""
    return Referral.objects.filter(case=case).values_list("referral_date", flat=True).first()


def _scoped(queryset: QuerySet[M], user: User, pk: int, what: str, event_type: EventType) -> M:
    """The record if the child is in scope AND the user's agency may read this kind of record."""
    require_agency_may_read(user, event_type)
    found = queryset.filter(pk=pk, child__in=children_visible_to(user)).first()
    if found is None:
        raise Http404(f"No {what} found")
    return found


def assessment_for_user(user: User, assessment_id: int) -> Assessment:
    return _scoped(
        Assessment.objects.select_related("case", "child", "authorised_by", "recorded_by"),
        user,
        assessment_id,
        "assessment",
        EventType.ASSESSMENT,
    )


def strategy_for_user(user: User, strategy_id: int) -> StrategyDiscussion:
    return _scoped(
        StrategyDiscussion.objects.select_related("case", "child", "recorded_by"),
        user,
        strategy_id,
        "strategy discussion",
        EventType.STRATEGY,
    )


def s47_for_user(user: User, enquiry_id: int) -> S47Enquiry:
    return _scoped(
        S47Enquiry.objects.select_related("case", "child", "strategy_discussion", "recorded_by"),
        user,
        enquiry_id,
        "section 47 enquiry",
        EventType.S47,
    )


def cin_plan_for_user(user: User, plan_id: int) -> CINPlan:
    return _scoped(
        CINPlan.objects.select_related("case", "child", "recorded_by"),
        user,
        plan_id,
        "plan",
        EventType.CIN_PLAN,
    )


def visit_for_user(user: User, visit_id: int) -> Visit:
    return _scoped(
        Visit.objects.select_related("case", "child", "visited_by"),
        user,
        visit_id,
        "visit",
        EventType.VISIT,
    )


def initial_conference_after(enquiry: S47Enquiry) -> Conference | None:
    """The initial conference about this child held on or after the enquiry started, if any."""
    return (
        Conference.objects.filter(
            subjects__case_id=enquiry.case_id,
            kind__in=[ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN],
            held_on__gte=enquiry.started_on,
        )
        .order_by("held_on")
        .first()
    )


def clock_line(what: str, clock: Clock, today: dt.date, done_on: dt.date | None) -> ClockLine:
    return ClockLine(what, clock, clock.state(today, done_on), done_on)


def assessment_clocks(assessment: Assessment, today: dt.date) -> list[ClockLine]:
    """Working Together's clock (from the referral) and the DfE's (from the assessment start),
    both stopped by the manager's authorisation."""
    pid = assessment.case.partnership_id
    lines = []
    referred_on = referral_date(assessment.case)
    if referred_on is not None:
        clock = clock_for(pid, "assessment", referred_on)
        lines.append(clock_line("Working Together", clock, today, assessment.authorised_on))
    clock = clock_for(pid, "assessment_dfe", assessment.started_on)
    lines.append(clock_line("DfE counting", clock, today, assessment.authorised_on))
    return lines


def s47_clocks(enquiry: S47Enquiry, today: dt.date) -> list[ClockLine]:
    """The initial conference clocks: Working Together from the strategy discussion that started
    the enquiry, the DfE from the enquiry's start; stopped by the initial conference."""
    pid = enquiry.case.partnership_id
    conference = initial_conference_after(enquiry)
    held_on = conference.held_on if conference is not None else None
    wt = clock_for(pid, "icpc", enquiry.strategy_discussion.held_on)
    dfe = clock_for(pid, "icpc_dfe", enquiry.started_on)
    lines = [
        clock_line("Working Together", wt, today, held_on),
        clock_line("DfE counting", dfe, today, held_on),
    ]
    # A conference scheduled but not yet held: its date, and whether it will be late.
    return with_scheduled_conference(enquiry.case, lines)


def cin_review_clock(plan: CINPlan, today: dt.date) -> ClockLine | None:
    """When the open plan's next review is due: from the last review, or from its start."""
    if plan.ended_on is not None:
        return None
    last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    start = last or plan.started_on
    what = "Next review" if last else "First review"
    return clock_line(what, clock_for(plan.case.partnership_id, "cin_review", start), today, None)
