"""Writes for child protection plans: changes, category, core groups, reviews and the plan's end.

A plan starts only from a conference decision (``services_conference``). Its meetings are dated
records; their clocks are computed from those dates (``selectors``), never stored. When a plan
ends, the case moves to a child in need plan (``cin_plan_start``) or closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from masa.core import audit
from masa.core.models import Agency, AuditAction, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import EventType, Significance
from masa.journey.services import check_version, chronology_record

from .models import (
    CategoryOfAbuse,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMeeting,
    PlanEndReason,
)
from .selectors import review_subjects, scheduled_review
from .services_cin import ChronologyKey, close_case, today
from .services_conference import (
    CP_PLAN,
    MAX_VISIT_INTERVAL,
    REVIEW_ON,
    NextStep,
    SignsOfSafety,
    add_subject,
    check_is_scheduled,
    check_review_after,
    check_scheduled_date,
    conference_cancel,
    conference_line,
)

PLAN_FIELDS = ("plan", "contingency_plan", "visit_frequency_working_days")


def _label(plan: ChildProtectionPlan) -> str:
    return f"Child protection plan for {plan.child.full_name}"


def _check_open(plan: ChildProtectionPlan) -> None:
    if plan.ended_on is not None:
        raise ServiceError(
            f"This plan ended on {govuk_date(plan.ended_on)}. If {plan.child.full_name} needs a "
            "plan again, that is decided at a new initial conference"
        )


def plan_update(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    version: int | None,
    plan_text: str,
    contingency_plan: str,
    visit_frequency_working_days: int | None,
) -> ChildProtectionPlan:
    """Change what the plan says. A plan must always have a contingency plan. A visit frequency
    of None follows the partnership's local visiting rule."""
    _check_open(plan)
    if not contingency_plan.strip():
        raise ServiceError(
            "Enter the contingency plan: what will happen if the plan does not keep "
            f"{plan.child.first_name} safe",
            "contingency_plan",
        )
    if visit_frequency_working_days is not None and not (
        1 <= visit_frequency_working_days <= MAX_VISIT_INTERVAL
    ):
        raise ServiceError(
            f"Visits must be every 1 to {MAX_VISIT_INTERVAL} working days",
            "visit_frequency_working_days",
        )
    with transaction.atomic():
        check_version(ChildProtectionPlan, plan.pk, version)
        before = audit.snapshot(plan, PLAN_FIELDS)
        plan.plan = plan_text.strip()
        plan.contingency_plan = contingency_plan.strip()
        plan.visit_frequency_working_days = visit_frequency_working_days
        plan.save(update_fields=list(PLAN_FIELDS))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CP_PLAN,
            object_id=plan.pk,
            object_label=_label(plan),
            child_id=plan.child_id,
            before=before,
            after=audit.snapshot(plan, PLAN_FIELDS),
        )
    plan.refresh_from_db()
    return plan


def plan_category_change(
    *, actor: User, plan: ChildProtectionPlan, version: int | None, category: str, reason: str
) -> ChildProtectionPlan:
    """Change the latest category of abuse (the initial category never changes)."""
    _check_open(plan)
    if category not in CategoryOfAbuse.values:
        raise ServiceError("Select the category of abuse", "latest_category")
    if category == plan.latest_category:
        raise ServiceError(
            f"The category is already {plan.get_latest_category_display()}: select a different "
            "category",
            "latest_category",
        )
    if not reason.strip():
        raise ServiceError("Enter why the category is changing", "reason")
    with transaction.atomic():
        check_version(ChildProtectionPlan, plan.pk, version)
        _set_category(actor=actor, plan=plan, category=category, reason=reason.strip(), on=today())
    plan.refresh_from_db()
    return plan


def _set_category(
    *, actor: User, plan: ChildProtectionPlan, category: str, reason: str, on: dt.date
) -> None:
    before = plan.get_latest_category_display()
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(latest_category=category)
    after = CategoryOfAbuse(category).label
    chronology_record(
        actor=actor,
        child=plan.child,
        case=plan.case,
        occurred_on=on,
        event_type=EventType.CP_PLAN,
        summary=f"Category of abuse changed from {before} to {after}. {reason}".strip(),
        significance=Significance.MEDIUM,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=CP_PLAN,
        object_id=plan.pk,
        object_label=_label(plan),
        child_id=plan.child_id,
        before={"latest_category": plan.latest_category},
        after={"latest_category": category},
        reason=reason,
    )
    plan.latest_category = category


def core_group_record(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    held_on: dt.date,
    agencies: Sequence[Agency],
    notes: str = "",
) -> CoreGroupMeeting:
    refuse_future_date(held_on, field="held_on", label="Date of the core group")
    if held_on < plan.started_on:
        raise ServiceError(
            "Date of the core group must be the same as or after the date the plan started "
            f"({govuk_date(plan.started_on)})",
            "held_on",
        )
    if plan.ended_on is not None and held_on > plan.ended_on:
        raise ServiceError(
            "Date of the core group must be the same as or before the date the plan ended "
            f"({govuk_date(plan.ended_on)})",
            "held_on",
        )
    if any(a.partnership_id != plan.case.partnership_id for a in agencies):
        raise ServiceError("Select agencies in this partnership", "agencies")
    with transaction.atomic():
        meeting = CoreGroupMeeting.objects.create(
            plan=plan, held_on=held_on, notes=notes.strip(), recorded_by=actor
        )
        meeting.agencies.set(agencies)
        names = ", ".join(sorted(a.name for a in agencies)) or "none recorded"
        chronology_record(
            actor=actor,
            child=plan.child,
            case=plan.case,
            occurred_on=held_on,
            event_type=EventType.CORE_GROUP,
            summary=f"Core group meeting. Agencies attending: {names}.",
            significance=Significance.LOW,
            record=meeting,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="core_group",
            object_id=meeting.pk,
            object_label=f"Core group for {plan.child.full_name}",
            child_id=plan.child_id,
            after={"plan": plan.pk, "held_on": held_on.isoformat()},
        )
    return meeting


def _check_end(
    plan: ChildProtectionPlan, ended_on: dt.date, end_reason: str, next_step: str, field: str
) -> None:
    refuse_future_date(ended_on, field=field, label="The date the plan ended")
    if ended_on < plan.started_on:
        raise ServiceError(
            "The date the plan ended must be the same as or after the date it started "
            f"({govuk_date(plan.started_on)})",
            field,
        )
    if end_reason not in PlanEndReason.values:
        raise ServiceError("Select why the plan is ending", "end_reason")
    if next_step not in NextStep.values:
        raise ServiceError("Select what happens to the case when the plan ends", "next_step")


def _end(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    ended_on: dt.date,
    end_reason: str,
    next_step: str,
    cin_plan: str,
    closure_reason: str,
) -> None:
    """End the plan, then start a child in need plan or close the case (inside a transaction)."""
    label = PlanEndReason(end_reason).label
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=ended_on, end_reason=end_reason)
    plan.ended_on, plan.end_reason = ended_on, end_reason
    chronology_record(
        actor=actor,
        child=plan.child,
        case=plan.case,
        occurred_on=ended_on,
        event_type=EventType.CP_PLAN,
        summary=f"Child protection plan ended: {label}.",
        significance=Significance.HIGH,
        record=ChronologyKey.of(plan, "end"),
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=CP_PLAN,
        object_id=plan.pk,
        object_label=_label(plan),
        child_id=plan.child_id,
        before={"ended_on": None},
        after={"ended_on": ended_on.isoformat(), "end_reason": end_reason, "next": next_step},
    )
    reason = f"Child protection plan ended on {govuk_date(ended_on)}: {label}"
    # A review scheduled for a plan that has ended will not take place.
    upcoming = Conference.objects.filter(
        kind=ConferenceKind.REVIEW,
        status=ConferenceStatus.SCHEDULED,
        subjects__case=plan.case,
        subjects__child=plan.child,
    )
    for conference in upcoming:
        conference_cancel(actor=actor, conference=conference, version=None, reason=reason)
    if next_step == NextStep.CIN_PLAN:
        from .services_cin import cin_plan_start

        cin_plan_start(
            actor=actor, case=plan.case, started_on=ended_on, plan=cin_plan, reason=reason
        )
    else:
        close_case(
            actor=actor,
            case=plan.case,
            closed_on=ended_on,
            closure_reason=closure_reason,
            note=reason,
        )


def plan_end(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    version: int | None,
    ended_on: dt.date,
    end_reason: str,
    next_step: str,
    cin_plan: str = "",
    closure_reason: str = "",
) -> ChildProtectionPlan:
    """End a plan outside a review (for example the child moved away or became looked after)."""
    _check_open(plan)
    _check_end(plan, ended_on, end_reason, next_step, "ended_on")
    reviews = review_subjects(plan)
    if reviews and ended_on < reviews[-1].conference.meeting_on:
        raise ServiceError(
            "The date the plan ended must be the same as or after its last review conference "
            f"({govuk_date(reviews[-1].conference.meeting_on)})",
            "ended_on",
        )
    with transaction.atomic():
        check_version(ChildProtectionPlan, plan.pk, version)
        _end(
            actor=actor,
            plan=plan,
            ended_on=ended_on,
            end_reason=end_reason,
            next_step=next_step,
            cin_plan=cin_plan,
            closure_reason=closure_reason,
        )
    plan.refresh_from_db()
    return plan


class ReviewDecision:
    CONTINUE = "continue"
    END = "end"
    choices = (
        (CONTINUE, "The plan continues"),
        (END, "The plan ends: the child is no longer at continuing risk of significant harm"),
    )
    values = frozenset({CONTINUE, END})


def review_conference_schedule(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    scheduled_on: dt.date,
    agencies: Sequence[Agency],
    chair: User | None = None,
) -> Conference:
    """Schedule the plan's next review conference, so its papers can be shared before it. The
    chair records it as held, with its decision, from the plan."""
    _check_open(plan)
    check_scheduled_date(scheduled_on, REVIEW_ON)
    existing = scheduled_review(plan)
    if existing is not None:
        raise ServiceError(
            f"A review conference for {plan.child.full_name} is already scheduled for "
            f"{govuk_date(existing.scheduled_on)}. Change or cancel that one instead",
            "scheduled_on",
        )
    check_review_after(plan, scheduled_on, "scheduled_on")
    _check_meeting_people(plan, agencies, chair)
    with transaction.atomic():
        conference = Conference.objects.create(
            kind=ConferenceKind.REVIEW,
            status=ConferenceStatus.SCHEDULED,
            scheduled_on=scheduled_on,
            chair=chair,
            recorded_by=actor,
        )
        conference.agencies.set(agencies)
        add_subject(actor=actor, conference=conference, case=plan.case, line="")
    return conference


def _check_meeting_people(
    plan: ChildProtectionPlan, agencies: Sequence[Agency], chair: User | None
) -> None:
    if any(a.partnership_id != plan.case.partnership_id for a in agencies):
        raise ServiceError("Select agencies in this partnership", "agencies")
    if chair is not None and chair.partnership_id != plan.case.partnership_id:
        raise ServiceError("Select a chair in this partnership", "chair")


def review_conference_record(
    *,
    actor: User,
    plan: ChildProtectionPlan,
    version: int | None,
    held_on: dt.date,
    agencies: Sequence[Agency],
    family_attended: bool,
    decision: str,
    summary: str = "",
    chair: User | None = None,
    mapping: SignsOfSafety | None = None,
    latest_category: str = "",
    end_reason: str = PlanEndReason.NO_LONGER_AT_RISK,
    next_step: str = "",
    cin_plan: str = "",
    closure_reason: str = "",
    scheduled: Conference | None = None,
) -> Conference:
    """A review conference for one child's plan: the plan continues (perhaps under a new
    category) or ends, and then the case moves to a child in need plan or closes. When the
    review was scheduled, that conference is recorded as held (on the day it was actually held)
    rather than a second one created."""
    _check_open(plan)
    if scheduled is not None:
        if (
            scheduled.kind != ConferenceKind.REVIEW
            or not scheduled.subjects.filter(case=plan.case, child=plan.child).exists()
        ):
            raise ServiceError("That conference is not a review of this plan")
        check_is_scheduled(scheduled)
    refuse_future_date(held_on, field="held_on", label="Date of the review conference")
    check_review_after(plan, held_on, "held_on")
    if decision not in ReviewDecision.values:
        raise ServiceError("Select whether the plan continues or ends", "decision")
    continues = decision == ReviewDecision.CONTINUE
    if continues and latest_category and latest_category not in CategoryOfAbuse.values:
        raise ServiceError("Select the category of abuse", "latest_category")
    if not continues:
        _check_end(plan, held_on, end_reason, next_step, "held_on")
    _check_meeting_people(plan, agencies, chair)
    sos = (mapping or SignsOfSafety()).fields(plan.case.partnership_id)
    category = latest_category if continues and latest_category else plan.latest_category
    with transaction.atomic():
        check_version(ChildProtectionPlan, plan.pk, version)
        if scheduled is None:
            conference = Conference.objects.create(
                kind=ConferenceKind.REVIEW,
                held_on=held_on,
                chair=chair,
                family_attended=family_attended,
                summary=summary.strip(),
                recorded_by=actor,
                **sos,
            )
            ConferenceChild.objects.create(
                conference=conference,
                case=plan.case,
                child=plan.child,
                plan_needed=continues,
                category=category,
            )
        else:
            # Read the status afresh: someone may have cancelled it since the page opened.
            conference = Conference.objects.select_for_update().get(pk=scheduled.pk)
            check_is_scheduled(conference)
            for name, value in sos.items():
                setattr(conference, name, value)
            conference.status = ConferenceStatus.HELD
            conference.held_on = held_on
            conference.chair = chair
            conference.family_attended = family_attended
            conference.summary = summary.strip()
            conference.version += 1
            conference.save()
            ConferenceChild.objects.filter(conference=conference, child=plan.child).update(
                plan_needed=continues, category=category
            )
        conference.agencies.set(agencies)
        outcome = (
            f"The plan continues (category: {CategoryOfAbuse(category).label})."
            if continues
            else "The plan ends."
        )
        chronology_record(
            actor=actor,
            child=plan.child,
            case=plan.case,
            occurred_on=held_on,
            event_type=EventType.CONFERENCE,
            summary=f"{conference_line(conference.kind, agencies, family_attended)} {outcome}",
            significance=Significance.HIGH,
            record=conference,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if scheduled is None else AuditAction.UPDATE,
            object_type="conference",
            object_id=conference.pk,
            object_label=f"Review child protection conference for {plan.child.full_name}",
            child_id=plan.child_id,
            before=None if scheduled is None else {"status": ConferenceStatus.SCHEDULED},
            after={
                "status": ConferenceStatus.HELD,
                "held_on": held_on.isoformat(),
                "decision": decision,
                "category": category,
            },
        )
        if continues and category != plan.latest_category:
            _set_category(
                actor=actor,
                plan=plan,
                category=category,
                reason=f"Decided at the review conference on {govuk_date(held_on)}",
                on=held_on,
            )
        if not continues:
            _end(
                actor=actor,
                plan=plan,
                ended_on=held_on,
                end_reason=end_reason,
                next_step=next_step,
                cin_plan=cin_plan,
                closure_reason=closure_reason,
            )
    return conference
