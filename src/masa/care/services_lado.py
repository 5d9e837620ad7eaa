"""Writes for allegations against people who work with children, managed by the LADO.

The flow (shared/domain/partnership.md section 10; KCSIE Part 4): a referral is received; the
LADO's initial consideration decides on advice only, an evaluation or a strategy meeting; meetings
are held; an outcome is recorded (substantiated, unsubstantiated, false, malicious or unfounded)
with what the employer did and whether the person was referred to the DBS; the allegation is
closed. Each step refuses dates before the referral was received and dates in the future; the
outcome needs the initial consideration first, and closing needs the outcome. Steps that change
the allegation take the version the LADO saw (optimistic concurrency).

Only MANAGE_LADO reaches these records (``docs/adr/0018-restricted-casework.md``); nothing is
copied into the children's chronology, and the audit lines name the allegation by its reference,
never the person it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import models, transaction

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.services import check_version
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from .models import LadoAllegation, LadoMeeting, LadoOutcome

ALLEGATION = "lado_allegation"
MEETING = "lado_meeting"


class LadoSector(models.TextChoices):
    """The sector of the employer or organisation the person works for (the LADO annual report
    counts referrals by it: shared/domain/partnership.md section 10)."""

    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years and childcare"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    FOSTER_CARE = "foster_care", "Foster care"
    RESIDENTIAL = "residential", "Residential care"
    POLICE = "police", "Police"
    FAITH = "faith", "Faith organisation"
    SPORT = "sport", "Sport, leisure and culture"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    TRANSPORT = "transport", "Transport"
    OTHER = "other", "Other"


class LadoCategory(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    SEXUAL = "sexual", "Sexual abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    NEGLECT = "neglect", "Neglect"
    SUITABILITY = "suitability", "Suitability to work with children (transferable risk)"


class LadoDecision(models.TextChoices):
    ADVICE_ONLY = "advice_only", "Advice only"
    EVALUATION = "evaluation", "Evaluation"
    STRATEGY_MEETING = "strategy_meeting", "Strategy (allegations management) meeting"


class LadoMeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy meeting"
    EVALUATION = "evaluation", "Evaluation meeting"
    REVIEW = "review", "Review meeting"


def reference(allegation: LadoAllegation) -> str:
    """How the allegation is named in lists and the audit log (never by the person's name)."""
    return f"L{allegation.pk:06d}"


def _check_lado(actor: User) -> None:
    if not actor.has_masa_permission(Permission.MANAGE_LADO):
        raise ServiceError("Only the LADO can manage allegations")


def _check_open(allegation: LadoAllegation) -> None:
    if allegation.closed_on is not None:
        raise ServiceError(
            f"This allegation was closed on {govuk_date(allegation.closed_on)}: it cannot be "
            "changed"
        )


def _on_or_after_receipt(allegation: LadoAllegation, day: dt.date, field: str, label: str) -> None:
    refuse_future_date(day, field=field, label=label)
    if day < allegation.received_on:
        raise ServiceError(
            f"{label} must be on or after the date the referral was received "
            f"({govuk_date(allegation.received_on)})",
            field,
        )


def _required(value: str, field: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise ServiceError(message, field)
    return text


def _audit(
    actor: User,
    allegation: LadoAllegation,
    action: AuditAction,
    what: str,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
    object_type: str = ALLEGATION,
    object_id: object = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=allegation.pk if object_id is None else object_id,
        object_label=f"LADO allegation {reference(allegation)}: {what}",
        before=before,
        after=after,
    )


def allegation_viewed(*, user: User, allegation: LadoAllegation, children: Sequence[Child]) -> None:
    """Every view of an allegation is audited, once for each child involved that is shown."""
    label = f"LADO allegation {reference(allegation)}"
    shown: list[Child | None] = [*children] or [None]
    for child in shown:
        audit.record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=ALLEGATION,
            object_id=allegation.pk,
            object_label=label,
            child_id=child.pk if child else None,
        )


def allegation_refer(
    *,
    actor: User,
    received_on: dt.date,
    referred_by: str,
    referring_sector: str,
    employer: str,
    person_role: str,
    person_name: str,
    category: str,
    summary: str,
    children: Sequence[Child] = (),
) -> LadoAllegation:
    """Record a referral to the LADO. Children involved are optional and must be children the
    LADO can see."""
    _check_lado(actor)
    refuse_future_date(received_on, field="received_on", label="The date the referral was received")
    referred_by = _required(referred_by, "referred_by", "Enter who made the referral")
    if referring_sector not in LadoSector.values:
        raise ServiceError("Select the sector the person works in", "referring_sector")
    employer = _required(employer, "employer", "Enter the employer or organisation")
    person_role = _required(person_role, "person_role", "Enter the person's job or role")
    person_name = _required(person_name, "person_name", "Enter the name of the person")
    if category not in LadoCategory.values:
        raise ServiceError("Select the category of the allegation", "category")
    summary = _required(summary, "summary", "Enter a summary of the allegation")
    visible = set(
        children_visible_to(actor)
        .filter(pk__in=[c.pk for c in children])
        .values_list("pk", flat=True)
    )
    for child in children:
        if child.pk not in visible:
            raise ServiceError(f"No child you can see has the masa ID {child.masa_id}", "children")
    with transaction.atomic():
        allegation = LadoAllegation.objects.create(
            partnership_id=actor.partnership_id,
            received_on=received_on,
            referred_by=referred_by,
            referring_sector=referring_sector,
            employer=employer,
            person_role=person_role,
            person_name=person_name,
            category=category,
            summary=summary,
            lado=actor,
        )
        allegation.children.set(children)
        after = audit.snapshot(allegation, ["received_on", "referring_sector", "category"])
        after["children"] = sorted(c.pk for c in children)
        _audit(actor, allegation, AuditAction.CREATE, "referral received", after=after)
    return allegation


def consideration_record(
    *,
    actor: User,
    allegation: LadoAllegation,
    considered_on: dt.date,
    decision: str,
    version: int | None,
) -> LadoAllegation:
    """The LADO's initial consideration and decision (recording it again corrects it)."""
    _check_lado(actor)
    _check_open(allegation)
    if decision not in LadoDecision.values:
        raise ServiceError("Select the decision", "decision")
    _on_or_after_receipt(
        allegation, considered_on, "considered_on", "The date of the initial consideration"
    )
    if allegation.outcome_on is not None and considered_on > allegation.outcome_on:
        raise ServiceError(
            "The date of the initial consideration must be on or before the outcome "
            f"({govuk_date(allegation.outcome_on)})",
            "considered_on",
        )
    fields = ["initial_consideration_on", "initial_decision"]
    with transaction.atomic():
        check_version(LadoAllegation, allegation.pk, version)
        before = audit.snapshot(allegation, fields)
        allegation.initial_consideration_on = considered_on
        allegation.initial_decision = decision
        allegation.version = LadoAllegation.objects.values_list("version", flat=True).get(
            pk=allegation.pk
        )
        allegation.save(update_fields=fields)
        _audit(
            actor,
            allegation,
            AuditAction.UPDATE,
            "initial consideration",
            before=before,
            after=audit.snapshot(allegation, fields),
        )
    return allegation


def meeting_record(
    *,
    actor: User,
    allegation: LadoAllegation,
    held_on: dt.date,
    kind: str,
    attendees: str,
    decisions: str,
) -> LadoMeeting:
    _check_lado(actor)
    _check_open(allegation)
    if kind not in LadoMeetingKind.values:
        raise ServiceError("Select the kind of meeting", "kind")
    _on_or_after_receipt(allegation, held_on, "held_on", "The date of the meeting")
    decisions = _required(decisions, "decisions", "Enter the decisions the meeting made")
    with transaction.atomic():
        # No version on a meeting: lock the allegation so a meeting cannot follow its closing.
        _check_open(LadoAllegation.objects.select_for_update().get(pk=allegation.pk))
        meeting = LadoMeeting.objects.create(
            allegation=allegation,
            held_on=held_on,
            kind=kind,
            attendees=attendees.strip(),
            decisions=decisions,
            recorded_by=actor,
        )
        _audit(
            actor,
            allegation,
            AuditAction.CREATE,
            f"{LadoMeetingKind(kind).label.lower()} recorded",
            object_type=MEETING,
            object_id=meeting.pk,
            after=audit.snapshot(meeting, ["held_on", "kind"]),
        )
    return meeting


def outcome_record(
    *,
    actor: User,
    allegation: LadoAllegation,
    outcome: str,
    outcome_on: dt.date,
    employer_actions: str,
    dbs_referral: bool | None,
    version: int | None,
) -> LadoAllegation:
    """The outcome (KCSIE Part 4 categories), its date, the employer's actions and whether the
    person was referred to the DBS."""
    _check_lado(actor)
    _check_open(allegation)
    if allegation.initial_consideration_on is None:
        raise ServiceError(
            "Record the initial consideration before the outcome: the outcome follows the "
            "LADO's decision on the referral"
        )
    if outcome not in LadoOutcome.values:
        raise ServiceError("Select the outcome", "outcome")
    _on_or_after_receipt(allegation, outcome_on, "outcome_on", "The date of the outcome")
    if outcome_on < allegation.initial_consideration_on:
        raise ServiceError(
            "The date of the outcome must be on or after the initial consideration "
            f"({govuk_date(allegation.initial_consideration_on)})",
            "outcome_on",
        )
    if dbs_referral is None:
        raise ServiceError("Select whether the person was referred to the DBS", "dbs_referral")
    fields = ["outcome", "outcome_on", "employer_actions", "dbs_referral"]
    with transaction.atomic():
        check_version(LadoAllegation, allegation.pk, version)
        before = audit.snapshot(allegation, fields)
        allegation.outcome = outcome
        allegation.outcome_on = outcome_on
        allegation.employer_actions = employer_actions.strip()
        allegation.dbs_referral = dbs_referral
        allegation.version = LadoAllegation.objects.values_list("version", flat=True).get(
            pk=allegation.pk
        )
        allegation.save(update_fields=fields)
        _audit(
            actor,
            allegation,
            AuditAction.UPDATE,
            "outcome",
            before=before,
            after=audit.snapshot(allegation, ["outcome", "outcome_on", "dbs_referral"]),
        )
    return allegation


def allegation_close(
    *, actor: User, allegation: LadoAllegation, closed_on: dt.date, version: int | None
) -> LadoAllegation:
    _check_lado(actor)
    _check_open(allegation)
    if not allegation.outcome or allegation.outcome_on is None:
        raise ServiceError(
            "Record the outcome before closing the allegation: every allegation the LADO "
            "closes has an outcome"
        )
    _on_or_after_receipt(allegation, closed_on, "closed_on", "The date the allegation closed")
    if closed_on < allegation.outcome_on:
        raise ServiceError(
            "The date the allegation closed must be on or after the outcome "
            f"({govuk_date(allegation.outcome_on)})",
            "closed_on",
        )
    with transaction.atomic():
        check_version(LadoAllegation, allegation.pk, version)
        allegation.closed_on = closed_on
        allegation.version = LadoAllegation.objects.values_list("version", flat=True).get(
            pk=allegation.pk
        )
        allegation.save(update_fields=["closed_on"])
        _audit(
            actor,
            allegation,
            AuditAction.UPDATE,
            "closed",
            before={"closed_on": None},
            after={"closed_on": closed_on.isoformat()},
        )
    return allegation
