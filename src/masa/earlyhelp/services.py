"""Writes for early help: starting an episode (from the front door, a step-down or an agency),
its assessment, plan and reviews, the lead professional, ending it, and stepping up.

Each function validates, writes inside one transaction, moves the case through
``masa.journey.services.case_move`` when its stage changes, adds the chronology line and appends
the audit record.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import Case, EventType, Significance, Stage
from masa.journey.services import (
    case_move,
    case_open,
    check_version,
    chronology_record,
    open_case_for,
)
from masa.people.models import AgencyInvolvement, Child
from masa.people.services import agency_involvement_ensure

from .models import EarlyHelpEndReason, EarlyHelpEpisode, EarlyHelpReview

if TYPE_CHECKING:
    from masa.frontdoor.models import Contact, Referral

EPISODE = "early_help_episode"


def _today() -> dt.date:
    return timezone.localdate()


def _label(episode: EarlyHelpEpisode) -> str:
    return f"Early help for {episode.child.full_name}"


def _check_lead(partnership_id: int, lead_agency: Agency, lead_professional: User | None) -> None:
    if lead_agency.partnership_id != partnership_id:
        raise ServiceError("Choose a lead agency in this partnership", "lead_agency")
    if lead_professional is None:
        return
    if not lead_professional.is_active or not lead_professional.has_masa_permission(
        Permission.RECORD_EARLY_HELP
    ):
        raise ServiceError(
            f"{lead_professional.display_name} cannot lead early help: choose someone whose "
            "role records early help",
            "lead_professional",
        )
    if lead_professional.agency_id != lead_agency.pk:
        raise ServiceError(
            f"The lead professional must work for the lead agency: "
            f"{lead_professional.display_name} works for {lead_professional.agency}",
            "lead_professional",
        )


def may_manage(user: User, episode: EarlyHelpEpisode) -> bool:
    """Children's social care, or someone from the agency leading the early help, may record its
    assessment, plan and reviews, change its lead, end it or step it up; other partners read it."""
    return user.in_childrens_social_care or (
        user.agency_id is not None and user.agency_id == episode.lead_agency_id
    )


def _check_may_manage(actor: User, episode: EarlyHelpEpisode) -> None:
    if not may_manage(actor, episode):
        raise ServiceError(
            f"Only children's social care or {episode.lead_agency.name}, which leads this early "
            "help, can change it"
        )


def _agency_involved(child: Child, agency_id: int) -> bool:
    """The agency already has the child in its scope (the same test as the child's scope)."""
    if child.owning_team.agency_id == agency_id:
        return True
    today = _today()
    return AgencyInvolvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today),
        child=child,
        agency_id=agency_id,
        started_on__lte=today,
    ).exists()


def _check_lead_choice(actor: User, child: Child, lead_agency: Agency) -> None:
    """Leading early help puts the child in the lead agency's scope, so only children's social
    care may hand the lead to an agency not already working with the child."""
    if _agency_involved(child, lead_agency.pk):
        return
    if actor.in_childrens_social_care and actor.has_masa_permission(Permission.RECORD_CASEWORK):
        return
    raise ServiceError(
        f"{lead_agency.name} is not working with {child.full_name}: choose an agency that is, or "
        "ask a social worker or team manager in children's social care to make it the lead",
        "lead_agency",
    )


def _end_lead_involvement(
    actor: User, episode: EarlyHelpEpisode, last_day: dt.date, reason: str
) -> None:
    """End the involvement this episode created for its lead agency, so the agency loses the
    child from its scope now. Involvements the agency had for other reasons are left alone."""
    if episode.lead_involvement_id is None:
        return
    involvement = AgencyInvolvement.objects.filter(
        pk=episode.lead_involvement_id, ended_on__isnull=True
    ).first()
    if involvement is None:
        return
    # Scope includes an involvement's last day, so it runs to yesterday at the latest; one that
    # began today ends today (nothing is deleted: the agency keeps the child until midnight).
    end = max(min(last_day, _today() - dt.timedelta(days=1)), involvement.started_on)
    label = f"{involvement.agency} working with {episode.child.full_name}"
    pk = involvement.pk
    AgencyInvolvement.objects.filter(pk=pk).update(ended_on=end)
    after: dict[str, object] = {"ended_on": end.isoformat()}
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="agency_involvement",
        object_id=pk,
        object_label=label,
        child_id=episode.child_id,
        after=after,
        reason=reason,
    )


def _open_episode(episode_or_case: Case) -> EarlyHelpEpisode | None:
    return EarlyHelpEpisode.objects.filter(case=episode_or_case, ended_on__isnull=True).first()


def early_help_start(
    *,
    actor: User,
    case: Case,
    started_on: dt.date,
    lead_agency: Agency,
    lead_professional: User | None = None,
    stepped_down: bool = False,
    reason: str,
) -> EarlyHelpEpisode:
    """Start an early help episode on a case, moving the case to early help if it is not there.

    Called by the front door's early help decision and, with ``stepped_down=True``, by the
    protection services when an assessment or a child in need plan steps down. If the caller has
    already moved the case to early help, the case is left where it is.
    """
    if not reason.strip():
        raise ServiceError("Enter the reason for starting early help", "reason")
    refuse_future_date(started_on, field="started_on", label="The date early help started")
    if started_on < case.opened_on:
        raise ServiceError(
            "The date early help started must be on or after the date the case opened "
            f"({govuk_date(case.opened_on)})",
            "started_on",
        )
    _check_lead(case.partnership_id, lead_agency, lead_professional)
    _check_lead_choice(actor, case.child, lead_agency)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise ServiceError("This case is closed. Log a new contact to start new work.")
        if _open_episode(locked) is not None:
            raise ServiceError(f"{case.child.full_name} already has early help under way")
        if locked.stage != Stage.EARLY_HELP:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.EARLY_HELP,
                effective_on=started_on,
                reason=reason,
            )
        episode = EarlyHelpEpisode.objects.create(
            case=case,
            child=case.child,
            started_on=started_on,
            stepped_down=stepped_down,
            lead_professional=lead_professional,
            lead_agency=lead_agency,
            recorded_by=actor,
        )
        involvement = agency_involvement_ensure(
            actor=actor,
            child=case.child,
            agency_id=lead_agency.pk,
            started_on=started_on,
            reason="Lead agency for early help",
        )
        if involvement is not None:
            EarlyHelpEpisode.objects.filter(pk=episode.pk).update(lead_involvement=involvement)
            episode.lead_involvement = involvement
        how = "stepped down from children's social care" if stepped_down else "started"
        lead = f"; lead professional {lead_professional.display_name}" if lead_professional else ""
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=started_on,
            event_type=EventType.EARLY_HELP,
            summary=f"Early help {how}. Lead agency {lead_agency.name}{lead}.",
            record=episode,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=case.child_id,
            after={
                "started_on": started_on.isoformat(),
                "lead_agency": lead_agency.pk,
                "lead_professional": lead_professional.pk if lead_professional else None,
                "stepped_down": stepped_down,
            },
            reason=reason,
        )
    return episode


def early_help_begin_for_child(
    *,
    actor: User,
    child: Child,
    started_on: dt.date,
    lead_agency: Agency,
    lead_professional: User | None,
    reason: str,
) -> EarlyHelpEpisode:
    """An agency (often a school) starts early help for a child who has no open case."""
    current = open_case_for(child)
    if current is not None:
        if current.stage == Stage.CONTACT:
            raise ServiceError(
                f"A contact about {child.full_name} is being screened by the front door: the "
                "threshold decision will say whether early help starts"
            )
        raise ServiceError(
            f"{child.full_name} already has an open case ({Stage(current.stage).label.lower()}). "
            "Speak to the allocated worker."
        )
    refuse_future_date(started_on, field="started_on", label="The date early help started")
    _check_lead(child.partnership_id, lead_agency, lead_professional)
    _check_lead_choice(actor, child, lead_agency)
    with transaction.atomic():
        case = case_open(
            actor=actor,
            child=child,
            opened_on=started_on,
            stage=Stage.EARLY_HELP,
            reason=reason or "Early help started by an agency",
        )
        return early_help_start(
            actor=actor,
            case=case,
            started_on=started_on,
            lead_agency=lead_agency,
            lead_professional=lead_professional,
            reason=reason,
        )


def _editable(actor: User, episode: EarlyHelpEpisode) -> None:
    _check_may_manage(actor, episode)
    if episode.ended_on is not None:
        raise ServiceError(
            f"This early help episode ended on {govuk_date(episode.ended_on)} and cannot be changed"
        )


def early_help_assessment_record(
    *, actor: User, episode: EarlyHelpEpisode, completed_on: dt.date, version: int | None
) -> EarlyHelpEpisode:
    """Record (or correct) the date the early help assessment was completed."""
    _editable(actor, episode)
    refuse_future_date(
        completed_on, field="completed_on", label="The date the assessment was completed"
    )
    if completed_on < episode.started_on:
        raise ServiceError(
            "The date the assessment was completed must be on or after the date early help "
            f"started ({govuk_date(episode.started_on)})",
            "completed_on",
        )
    with transaction.atomic():
        check_version(EarlyHelpEpisode, episode.pk, version)
        before = episode.assessment_completed_on
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(assessment_completed_on=completed_on)
        if before is None:
            chronology_record(
                actor=actor,
                child=episode.child,
                case=episode.case,
                occurred_on=completed_on,
                event_type=EventType.EARLY_HELP,
                summary="Early help assessment completed.",
                significance=Significance.LOW,
            )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=episode.child_id,
            before={"assessment_completed_on": before.isoformat() if before else None},
            after={"assessment_completed_on": completed_on.isoformat()},
        )
    episode.refresh_from_db()
    return episode


def early_help_plan_record(
    *,
    actor: User,
    episode: EarlyHelpEpisode,
    agreed_on: dt.date,
    plan: str,
    version: int | None,
) -> EarlyHelpEpisode:
    """Record the plan agreed with the family, or change it; reviews are counted from the date."""
    _editable(actor, episode)
    if not plan.strip():
        raise ServiceError("Enter the plan agreed with the family", "plan")
    refuse_future_date(agreed_on, field="agreed_on", label="The date the plan was agreed")
    if episode.assessment_completed_on is None:
        raise ServiceError(
            "Record the date the early help assessment was completed before the plan", "agreed_on"
        )
    if agreed_on < episode.assessment_completed_on:
        raise ServiceError(
            "The date the plan was agreed must be on or after the date the assessment was "
            f"completed ({govuk_date(episode.assessment_completed_on)})",
            "agreed_on",
        )
    with transaction.atomic():
        check_version(EarlyHelpEpisode, episode.pk, version)
        before = audit.snapshot(episode, ["plan_agreed_on", "plan"])
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(plan_agreed_on=agreed_on, plan=plan)
        if episode.plan_agreed_on is None:
            chronology_record(
                actor=actor,
                child=episode.child,
                case=episode.case,
                occurred_on=agreed_on,
                event_type=EventType.EARLY_HELP,
                summary="Early help plan agreed with the family.",
            )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=episode.child_id,
            before=before,
            after={"plan_agreed_on": agreed_on.isoformat(), "plan": plan[:500]},
        )
    episode.refresh_from_db()
    return episode


def early_help_review_add(
    *, actor: User, episode: EarlyHelpEpisode, held_on: dt.date, progress: str
) -> EarlyHelpReview:
    _editable(actor, episode)
    if not progress.strip():
        raise ServiceError("Enter the progress made against the plan", "progress")
    refuse_future_date(held_on, field="held_on", label="The date of the review")
    if episode.plan_agreed_on is None:
        raise ServiceError("Record the agreed plan before adding a review", "held_on")
    if held_on < episode.plan_agreed_on:
        raise ServiceError(
            "The date of the review must be on or after the date the plan was agreed "
            f"({govuk_date(episode.plan_agreed_on)})",
            "held_on",
        )
    with transaction.atomic():
        review = EarlyHelpReview.objects.create(
            episode=episode, held_on=held_on, progress=progress, recorded_by=actor
        )
        chronology_record(
            actor=actor,
            child=episode.child,
            case=episode.case,
            occurred_on=held_on,
            event_type=EventType.EARLY_HELP,
            summary=f"Early help plan reviewed: {progress}",
            significance=Significance.LOW,
            record=review,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="early_help_review",
            object_id=review.pk,
            object_label=f"Review of {_label(episode).lower()}",
            child_id=episode.child_id,
            after={"held_on": held_on.isoformat()},
        )
    return review


def early_help_lead_set(
    *,
    actor: User,
    episode: EarlyHelpEpisode,
    lead_agency: Agency,
    lead_professional: User | None,
    version: int | None,
) -> EarlyHelpEpisode:
    """Change who leads the early help: a professional from any agency in the partnership.

    An agency new to the child gains the child in its scope while it leads; the agency losing
    the lead loses the involvement this episode gave it.
    """
    _editable(actor, episode)
    _check_lead(episode.case.partnership_id, lead_agency, lead_professional)
    changes_agency = lead_agency.pk != episode.lead_agency_id
    if changes_agency:
        _check_lead_choice(actor, episode.child, lead_agency)
    with transaction.atomic():
        check_version(EarlyHelpEpisode, episode.pk, version)
        before = {
            "lead_agency": episode.lead_agency_id,
            "lead_professional": episode.lead_professional_id,
        }
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(
            lead_agency=lead_agency, lead_professional=lead_professional
        )
        if changes_agency:
            _end_lead_involvement(
                actor, episode, _today(), f"No longer leads early help: {lead_agency.name} does"
            )
            involvement = agency_involvement_ensure(
                actor=actor,
                child=episode.child,
                agency_id=lead_agency.pk,
                started_on=_today(),
                reason="Lead agency for early help",
            )
            EarlyHelpEpisode.objects.filter(pk=episode.pk).update(lead_involvement=involvement)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=episode.child_id,
            before=before,
            after={
                "lead_agency": lead_agency.pk,
                "lead_professional": lead_professional.pk if lead_professional else None,
            },
        )
    episode.refresh_from_db()
    return episode


def early_help_end(
    *,
    actor: User,
    episode: EarlyHelpEpisode,
    ended_on: dt.date,
    end_reason: str,
    note: str,
    version: int | None,
) -> EarlyHelpEpisode:
    """End early help. A case whose work was only early help closes with it."""
    _editable(actor, episode)
    if end_reason == EarlyHelpEndReason.STEPPED_UP:
        raise ServiceError(
            "To step up to children's social care, use 'Step up' so a referral is made",
            "end_reason",
        )
    if end_reason not in EarlyHelpEndReason.values:
        raise ServiceError("Select why early help is ending", "end_reason")
    refuse_future_date(ended_on, field="ended_on", label="The date early help ended")
    if ended_on < episode.started_on:
        raise ServiceError(
            "The date early help ended must be on or after the date it started "
            f"({govuk_date(episode.started_on)})",
            "ended_on",
        )
    label = EarlyHelpEndReason(end_reason).label
    with transaction.atomic():
        check_version(EarlyHelpEpisode, episode.pk, version)
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(
            ended_on=ended_on, end_reason=end_reason
        )
        reason = f"Early help ended: {label}. {note}".strip()
        case = Case.objects.select_for_update().get(pk=episode.case_id)
        if case.stage == Stage.EARLY_HELP:  # not a case that has moved on since early help began
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.CLOSED,
                effective_on=ended_on,
                reason=reason,
            )
        _end_lead_involvement(actor, episode, ended_on, reason)
        chronology_record(
            actor=actor,
            child=episode.child,
            case=episode.case,
            occurred_on=ended_on,
            event_type=EventType.EARLY_HELP,
            summary=f"Early help ended: {label}.",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=episode.child_id,
            after={"ended_on": ended_on.isoformat(), "end_reason": end_reason},
            reason=note,
        )
    episode.refresh_from_db()
    return episode


def early_help_step_up(
    *,
    actor: User,
    episode: EarlyHelpEpisode,
    stepped_up_on: dt.date,
    source: str,
    primary_need: str,
    reason: str,
    version: int | None,
    to_stage: Stage = Stage.REFERRAL,
    referral_date: dt.date | None = None,
    contact: Contact | None = None,
) -> Referral:
    """Step up to children's social care: a referral, the case to referral, early help ended.

    The front door steps up the same way when a contact about a child in early help is accepted
    as a referral or a strategy discussion now (``to_stage``); its referral date is then the date
    the contact was received and the referral names the contact.
    """
    from masa.frontdoor.services import referral_create

    _editable(actor, episode)
    if not reason.strip():
        raise ServiceError("Enter why early help is stepping up", "reason")
    refuse_future_date(stepped_up_on, field="stepped_up_on", label="The date of the step up")
    if stepped_up_on < episode.started_on:
        raise ServiceError(
            "The date of the step up must be on or after the date early help started "
            f"({govuk_date(episode.started_on)})",
            "stepped_up_on",
        )
    with transaction.atomic():
        check_version(EarlyHelpEpisode, episode.pk, version)
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(
            ended_on=stepped_up_on, end_reason=EarlyHelpEndReason.STEPPED_UP
        )
        referral = referral_create(
            actor=actor,
            case=episode.case,
            referral_date=referral_date or stepped_up_on,
            moved_on=stepped_up_on,
            source=source,
            primary_need=primary_need,
            to_stage=to_stage,
            reason=f"Stepped up from early help: {reason}",
            contact=contact,
        )
        _end_lead_involvement(
            actor, episode, stepped_up_on, "Early help ended: stepped up to children's social care"
        )
        chronology_record(
            actor=actor,
            child=episode.child,
            case=referral.case,
            occurred_on=stepped_up_on,
            event_type=EventType.EARLY_HELP,
            summary="Early help ended: stepped up to children's social care.",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EPISODE,
            object_id=episode.pk,
            object_label=_label(episode),
            child_id=episode.child_id,
            after={
                "ended_on": stepped_up_on.isoformat(),
                "end_reason": EarlyHelpEndReason.STEPPED_UP.value,
                "referral": referral.pk,
            },
            reason=reason,
        )
    return referral
