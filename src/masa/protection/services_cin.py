"""Writes for children in need plans and visits, and the casework steps they share.

``cin_plan_start`` is the one way a child in need plan starts, whether from an assessment, a
section 47 enquiry, a strategy discussion or the end of a child protection plan (the conference
services call it). Stage changes go through ``masa.journey.services.case_move``; every record adds
its line to the child's chronology and an audit record, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AuditAction, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.frontdoor.models import ReasonForClosure, Referral
from masa.journey.models import Case, EventType, Significance, Stage
from masa.journey.services import (
    case_close,
    case_move,
    check_version,
    chronology_follow,
    chronology_record,
)

from .models import CINPlan, CINPlanReview, Visit

# ---------------------------------------------------------------- shared by the casework services


@dataclass(frozen=True)
class _Meta:
    label_lower: str


@dataclass(frozen=True)
class ChronologyKey:
    """Names a second event of one record (e.g. an assessment's authorisation) in the chronology.

    ``chronology_record``/``chronology_follow`` key a line by the record's model label and id; a
    record with two dated events gets a second key so that correcting one date moves only its line.
    """

    _meta: _Meta
    pk: int

    @classmethod
    def of(cls, record: object, event: str) -> ChronologyKey:
        label = record._meta.label_lower  # type: ignore[attr-defined]
        return cls(_Meta(f"{label}.{event}"), record.pk)  # type: ignore[attr-defined]


def today() -> dt.date:
    return timezone.localdate()


def check_not_before(day: dt.date, earliest: dt.date, field: str, message: str) -> None:
    if day < earliest:
        raise ServiceError(f"{message} ({govuk_date(earliest)})", field)


def check_case_open(case: Case) -> None:
    """Refuse work on a closed case. Reads the case afresh first: a refused save earlier in the
    same request may have left the object's stage out of step with the database."""
    case.refresh_from_db(fields=["stage", "version", "closed_on", "closure_reason"])
    if not case.is_open:
        raise ServiceError(
            "This case is closed. Log a new contact to start new work with the child."
        )


def close_case(
    *, actor: User, case: Case, closed_on: dt.date, closure_reason: str, note: str
) -> None:
    """Close the case and its CIN episode with a DfE reason for closure (ReasonForClosure).

    The reason code and date are kept on the referral, which is the CIN census episode.
    """
    if closure_reason not in ReasonForClosure.values:
        raise ServiceError("Select the reason for closing the case", "closure_reason")
    label = ReasonForClosure(closure_reason).label
    case_close(
        actor=actor,
        case=case,
        closed_on=closed_on,
        reason=f"{label} ({closure_reason}). {note}".strip(),
    )
    Referral.objects.filter(case=case, closure_date__isnull=True).update(
        closure_date=closed_on, closure_reason=closure_reason
    )


def step_down_to_early_help(
    *,
    actor: User,
    case: Case,
    started_on: dt.date,
    lead_agency: Agency | None,
    reason: str,
    closure_reason: str,
) -> None:
    """Step down to early help: the early help service moves the case; the CIN episode closes."""
    from masa.earlyhelp.services import early_help_start

    if lead_agency is None:
        raise ServiceError("Select the agency that will lead the early help", "lead_agency")
    if lead_agency.partnership_id != case.partnership_id:
        raise ServiceError("Select an agency in this partnership", "lead_agency")
    early_help_start(
        actor=actor,
        case=case,
        started_on=started_on,
        lead_agency=lead_agency,
        lead_professional=None,
        stepped_down=True,
        reason=reason,
    )
    Referral.objects.filter(case=case, closure_date__isnull=True).update(
        closure_date=started_on, closure_reason=closure_reason
    )


def run_cin_checks(case: Case, focus: object) -> None:
    """The CIN census rules on entry, for the records just saved (see ``protection.cin``)."""
    from . import cin

    cin.check_case(case, focus=focus)


# ---------------------------------------------------------------- children in need plans

CIN_PLAN = "cin_plan"


def cin_plan_start(
    *, actor: User, case: Case, started_on: dt.date, plan: str, reason: str
) -> CINPlan:
    """Start a child in need plan; the case moves to the child in need plan stage."""
    check_case_open(case)
    refuse_future_date(started_on, field="started_on", label="The date the plan started")
    check_not_before(
        started_on,
        case.opened_on,
        "started_on",
        "The date the plan started must be on or after the date the case opened",
    )
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one start at a time
        current = CINPlan.objects.filter(case=case, ended_on__isnull=True).first()
        if current is not None:
            raise ServiceError(
                "This case already has a child in need plan, started on "
                f"{govuk_date(current.started_on)}. End it before starting another."
            )
        if case.stage != Stage.CIN_PLAN:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.CIN_PLAN,
                effective_on=started_on,
                reason=reason or "Child in need plan started",
            )
        created = CINPlan.objects.create(
            case=case, child=case.child, started_on=started_on, plan=plan, recorded_by=actor
        )
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=started_on,
            event_type=EventType.CIN_PLAN,
            # Shared with every agency working with the child: the reason (which may tell of a
            # strategy discussion or an enquiry) stays on the stage history.
            summary="Child in need plan started",
            record=created,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CIN_PLAN,
            object_id=created.pk,
            object_label=f"Child in need plan for {case.child.full_name}",
            child_id=case.child_id,
            after={"started_on": started_on.isoformat()},
            reason=reason,
        )
        run_cin_checks(case, created)
    return created


def _last_review(plan: CINPlan) -> dt.date | None:
    return (
        CINPlanReview.objects.filter(plan=plan)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def cin_plan_update(
    *, actor: User, plan: CINPlan, version: int, started_on: dt.date, plan_text: str
) -> CINPlan:
    """Change the plan's text or correct its start date; the chronology line follows the date."""
    case = plan.case
    refuse_future_date(started_on, field="started_on", label="The date the plan started")
    check_not_before(
        started_on,
        case.opened_on,
        "started_on",
        "The date the plan started must be on or after the date the case opened",
    )
    first_review = plan.reviews.order_by("held_on").values_list("held_on", flat=True).first()
    if first_review is not None and started_on > first_review:
        raise ServiceError(
            "The date the plan started must be on or before its first review "
            f"({govuk_date(first_review)})",
            "started_on",
        )
    if plan.ended_on is not None and started_on > plan.ended_on:
        raise ServiceError(
            f"The date the plan started must be on or before the date it ended "
            f"({govuk_date(plan.ended_on)})",
            "started_on",
        )
    with transaction.atomic():
        check_version(CINPlan, plan.pk, version)
        before = audit.snapshot(plan, ["started_on", "plan"])
        plan.started_on, plan.plan = started_on, plan_text
        plan.save(update_fields=["started_on", "plan"])
        if before["started_on"] != started_on.isoformat():
            chronology_follow(plan, occurred_on=started_on)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CIN_PLAN,
            object_id=plan.pk,
            object_label=f"Child in need plan for {plan.child.full_name}",
            child_id=plan.child_id,
            before=before,
            after=audit.snapshot(plan, ["started_on", "plan"]),
        )
        run_cin_checks(case, plan)
    plan.refresh_from_db()
    return plan


def cin_plan_review_add(
    *, actor: User, plan: CINPlan, held_on: dt.date, summary: str
) -> CINPlanReview:
    if plan.ended_on is not None:
        raise ServiceError(
            f"This plan ended on {govuk_date(plan.ended_on)}. Reviews cannot be added to it."
        )
    refuse_future_date(held_on, field="held_on", label="The date of the review")
    check_not_before(
        held_on,
        plan.started_on,
        "held_on",
        "The date of the review must be on or after the date the plan started",
    )
    with transaction.atomic():
        review = CINPlanReview.objects.create(
            plan=plan, held_on=held_on, summary=summary, recorded_by=actor
        )
        chronology_record(
            actor=actor,
            child=plan.child,
            case=plan.case,
            occurred_on=held_on,
            event_type=EventType.CIN_PLAN,
            summary="Child in need plan reviewed",
            significance=Significance.LOW,
            record=review,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="cin_plan_review",
            object_id=review.pk,
            object_label=f"Child in need plan review for {plan.child.full_name}",
            child_id=plan.child_id,
            after={"plan": plan.pk, "held_on": held_on.isoformat()},
        )
    return review


class CINNextStep:
    CLOSE = "close"
    EARLY_HELP = "early_help"
    CONTINUE = "continue"

    choices = (
        (CLOSE, "Close the case"),
        (EARLY_HELP, "Step down to early help"),
        (
            CONTINUE,
            "Keep the case open under its current plan (for example, a child protection plan)",
        ),
    )


def cin_plan_end(
    *,
    actor: User,
    plan: CINPlan,
    version: int,
    ended_on: dt.date,
    end_reason: str,
    next_step: str,
    closure_reason: str = "",
    lead_agency: Agency | None = None,
) -> CINPlan:
    """End the plan, then close the case, step down to early help, or keep it open."""
    case = plan.case
    case.refresh_from_db(fields=["stage", "version", "closed_on", "closure_reason"])
    if plan.ended_on is not None:
        raise ServiceError(f"This plan already ended on {govuk_date(plan.ended_on)}")
    if not end_reason.strip():
        raise ServiceError("Enter why the plan is ending", "end_reason")
    refuse_future_date(ended_on, field="ended_on", label="The date the plan ended")
    check_not_before(
        ended_on,
        plan.started_on,
        "ended_on",
        "The date the plan ended must be on or after the date it started",
    )
    last_review = _last_review(plan)
    if last_review is not None:
        check_not_before(
            ended_on,
            last_review,
            "ended_on",
            "The date the plan ended must be on or after its last review",
        )
    if next_step not in {CINNextStep.CLOSE, CINNextStep.EARLY_HELP, CINNextStep.CONTINUE}:
        raise ServiceError("Select what happens to the case next", "next_step")
    if next_step == CINNextStep.CONTINUE and case.stage == Stage.CIN_PLAN:
        raise ServiceError(
            "The case is open only for this plan: select whether to close it or step down to "
            "early help",
            "next_step",
        )
    with transaction.atomic():
        check_version(CINPlan, plan.pk, version)
        plan.ended_on, plan.end_reason = ended_on, end_reason.strip()[:200]
        plan.save(update_fields=["ended_on", "end_reason"])
        chronology_record(
            actor=actor,
            child=plan.child,
            case=case,
            occurred_on=ended_on,
            event_type=EventType.CIN_PLAN,
            summary=f"Child in need plan ended: {plan.end_reason}",
            record=ChronologyKey.of(plan, "end"),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CIN_PLAN,
            object_id=plan.pk,
            object_label=f"Child in need plan for {plan.child.full_name}",
            child_id=plan.child_id,
            before={"ended_on": None},
            after={"ended_on": ended_on.isoformat(), "next_step": next_step},
            reason=plan.end_reason,
        )
        if next_step == CINNextStep.CLOSE:
            close_case(
                actor=actor,
                case=case,
                closed_on=ended_on,
                closure_reason=closure_reason,
                note=f"Child in need plan ended: {plan.end_reason}",
            )
        elif next_step == CINNextStep.EARLY_HELP:
            step_down_to_early_help(
                actor=actor,
                case=case,
                started_on=ended_on,
                lead_agency=lead_agency,
                reason=f"Stepped down to early help when the child in need plan ended: "
                f"{plan.end_reason}",
                closure_reason=ReasonForClosure.RC7,
            )
        run_cin_checks(case, plan)
    plan.refresh_from_db()
    return plan


# ---------------------------------------------------------------- visits


def visit_add(
    *,
    actor: User,
    case: Case,
    visited_on: dt.date,
    child_seen: bool,
    seen_alone: bool,
    notes: str,
) -> Visit:
    check_case_open(case)
    refuse_future_date(visited_on, field="visited_on", label="The date of the visit")
    check_not_before(
        visited_on,
        case.opened_on,
        "visited_on",
        "The date of the visit must be on or after the date the case opened",
    )
    if seen_alone and not child_seen:
        raise ServiceError(
            "The child cannot have been seen alone if they were not seen: change 'Was the "
            "child seen?' or 'Was the child seen alone?'",
            "seen_alone",
        )
    with transaction.atomic():
        visit = Visit.objects.create(
            case=case,
            child=case.child,
            visited_on=visited_on,
            child_seen=child_seen,
            seen_alone=seen_alone,
            notes=notes,
            visited_by=actor,
        )
        seen = (
            "child seen alone" if seen_alone else "child seen" if child_seen else "child not seen"
        )
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=visited_on,
            event_type=EventType.VISIT,
            summary=f"Visit by {actor.display_name}: {seen}",
            significance=Significance.LOW if child_seen else Significance.MEDIUM,
            record=visit,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="visit",
            object_id=visit.pk,
            object_label=f"Visit to {case.child.full_name}",
            child_id=case.child_id,
            after={
                "visited_on": visited_on.isoformat(),
                "child_seen": child_seen,
                "seen_alone": seen_alone,
            },
        )
    return visit
