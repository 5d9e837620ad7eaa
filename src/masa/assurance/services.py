"""Writes for the golden thread: priorities, outcome measures and their readings, actions (from a
review recommendation, an audit, an inspection, Section 11 or a priority), their progress and
status, who owns them and when they are due, and the reminders sent before they fall due.

Each function validates, writes inside one transaction and appends the audit record; an action's
every status change or progress note is also an ``ActionUpdate`` (who, when, from, to, why).
Nothing is deleted: an action that is no longer needed is withdrawn with the reason.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from masa.core import audit
from masa.core.calendar import working_day_calendar
from masa.core.models import Agency, AuditAction, Notification, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError
from masa.journey.services import check_version
from masa.reviews.confidentiality import names_to_redact
from masa.reviews.models import Recommendation

from . import figures
from .models import (
    Action,
    ActionSource,
    ActionStatus,
    ActionUpdate,
    MeasureDirection,
    MeasureReading,
    OutcomeMeasure,
    Priority,
)
from .transitions import FINAL_STATUSES, OPEN_STATUSES, may_move, refusal

logger = logging.getLogger(__name__)

ACTION = "action"
PRIORITY = "priority"
MEASURE = "outcome_measure"
READING = "measure_reading"

# Reminders go this many working days before an action is due (and again when it is overdue, if
# no reminder was sent for its current due date).
REMINDER_WORKING_DAYS = 10

CLOSE_NEEDS_EVIDENCE = "Add the evidence of impact before closing the action"


def _today() -> dt.date:
    return timezone.localdate()


def _action_label(action: Action) -> str:
    return f"Action {action.pk}: {action.title}"


def _action_link(action: Action) -> str:
    return reverse("assurance:action-detail", args=[action.pk])


# ---------------------------------------------------------------- who may do what


def is_manager(user: User, partnership_id: int) -> bool:
    return user.has_masa_permission(Permission.MANAGE_ACTIONS) and (
        user.partnership_id == partnership_id
    )


def may_update(user: User, action: Action) -> bool:
    """The action's owner (if their role updates their own actions) or a manager may update it."""
    if is_manager(user, action.partnership_id):
        return True
    return action.owner_id == user.pk and user.has_masa_permission(Permission.UPDATE_OWN_ACTIONS)


def update_refusal(action: Action) -> str:
    return (
        f"Only the owner of this action ({action.owner.display_name}) or the partnership "
        "business unit can update it"
    )


def _check_manager(actor: User, partnership_id: int) -> None:
    if not is_manager(actor, partnership_id):
        raise ServiceError(
            "Only the partnership business unit can set priorities and measures, and create or "
            "reassign actions"
        )


# ---------------------------------------------------------------- priorities and measures


def _check_priority_fields(
    actor: User,
    *,
    number: int,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    lead_agency: Agency | None,
    exclude_pk: int | None = None,
) -> None:
    if number < 1:
        raise ServiceError("The priority number must be 1 or more", "number")
    if not title.strip():
        raise ServiceError("Enter the priority's title", "title")
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(
            f"The end date must be on or after the start date ({govuk_date(starts_on)})", "ends_on"
        )
    if lead_agency is not None and lead_agency.partnership_id != actor.partnership_id:
        raise ServiceError("Choose a lead agency in this partnership", "lead_agency")
    taken = Priority.objects.filter(partnership_id=actor.partnership_id, number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    clash = taken.first()
    if clash is not None:
        raise ServiceError(
            f"Priority {number} is already “{clash.title}”: choose another number", "number"
        )


_PRIORITY_FIELDS = ("number", "title", "description", "starts_on", "ends_on", "lead_agency")


def priority_create(
    *,
    actor: User,
    number: int,
    title: str,
    description: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    lead_agency: Agency | None = None,
) -> Priority:
    _check_manager(actor, actor.partnership_id)
    _check_priority_fields(
        actor,
        number=number,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_agency=lead_agency,
    )
    with transaction.atomic():
        priority = Priority.objects.create(
            partnership_id=actor.partnership_id,
            number=number,
            title=title.strip(),
            description=description.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            lead_agency=lead_agency,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=PRIORITY,
            object_id=priority.pk,
            object_label=f"Priority {number}: {priority.title}",
            after=audit.snapshot(priority, _PRIORITY_FIELDS),
        )
    return priority


def priority_edit(
    *,
    actor: User,
    priority: Priority,
    number: int,
    title: str,
    description: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    lead_agency: Agency | None,
    version: int,
) -> Priority:
    _check_manager(actor, priority.partnership_id)
    _check_priority_fields(
        actor,
        number=number,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_agency=lead_agency,
        exclude_pk=priority.pk,
    )
    with transaction.atomic():
        check_version(Priority, priority.pk, version)
        before = audit.snapshot(priority, _PRIORITY_FIELDS)
        Priority.objects.filter(pk=priority.pk).update(
            number=number,
            title=title.strip(),
            description=description.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            lead_agency=lead_agency,
        )
        priority.refresh_from_db()
        after = audit.snapshot(priority, _PRIORITY_FIELDS)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=PRIORITY,
            object_id=priority.pk,
            object_label=f"Priority {priority.number}: {priority.title}",
            before={k: before[k] for k in audit.changed_fields(before, after)},
            after={k: after[k] for k in audit.changed_fields(before, after)},
        )
    return priority


_MEASURE_FIELDS = (
    "name",
    "indicator_code",
    "unit",
    "direction",
    "baseline",
    "baseline_label",
    "target",
    "target_by",
)


def measure_add(
    *,
    actor: User,
    priority: Priority,
    name: str,
    indicator_code: str,
    unit: str,
    direction: str,
    baseline: decimal.Decimal | None,
    baseline_label: str,
    target: decimal.Decimal | None,
    target_by: dt.date | None,
) -> OutcomeMeasure:
    """An outcome measure for a priority: a live indicator from masa's own records
    (``indicator_code``) or one the partnership records itself as readings (no code)."""
    _check_manager(actor, priority.partnership_id)
    indicator_code = indicator_code.strip()
    name = name.strip()
    if indicator_code:
        indicator = figures.indicator(indicator_code)
        if indicator is None:
            raise ServiceError("Select an indicator from the list", "indicator_code")
        name = name or indicator.name
        unit = unit.strip() or indicator.unit
        direction = direction or indicator.better
    if not name:
        raise ServiceError("Enter the name of the measure", "name")
    if direction not in MeasureDirection.values:
        raise ServiceError("Select which direction is better", "direction")
    if direction == MeasureDirection.CLOSER_TO_TARGET and target is None:
        raise ServiceError(
            "Enter the target: this measure is better the closer it is to its target", "target"
        )
    if baseline is not None and not baseline_label.strip():
        raise ServiceError(
            "Enter the period the baseline is for, for example 2023-24", "baseline_label"
        )
    with transaction.atomic():
        measure = OutcomeMeasure.objects.create(
            priority=priority,
            name=name,
            indicator_code=indicator_code,
            unit=unit.strip(),
            direction=direction,
            baseline=baseline,
            baseline_label=baseline_label.strip(),
            target=target,
            target_by=target_by,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=MEASURE,
            object_id=measure.pk,
            object_label=f"Priority {priority.number}: {measure.name}",
            after=audit.snapshot(measure, _MEASURE_FIELDS),
        )
    return measure


def measure_reading_add(
    *,
    actor: User,
    measure: OutcomeMeasure,
    period_label: str,
    measured_on: dt.date,
    value: decimal.Decimal,
    note: str,
) -> MeasureReading:
    _check_manager(actor, measure.priority.partnership_id)
    if measure.indicator_code:
        raise ServiceError(
            "This measure is worked out live from masa's records: readings cannot be added to it"
        )
    if not period_label.strip():
        raise ServiceError(
            "Enter the period the reading is for, for example Q1 2026-27", "period_label"
        )
    if measured_on > _today():
        raise ServiceError("The date of the reading must be today or in the past", "measured_on")
    with transaction.atomic():
        reading = MeasureReading.objects.create(
            measure=measure,
            period_label=period_label.strip(),
            measured_on=measured_on,
            value=value,
            note=note.strip(),
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=READING,
            object_id=reading.pk,
            object_label=f"{measure.name}: {reading.period_label}",
            after={"measure": measure.pk, **audit.snapshot(reading, ("period_label", "value"))},
        )
    return reading


# ---------------------------------------------------------------- creating actions


@dataclass(frozen=True)
class Assignment:
    """Who owns an action and when it is due."""

    owning_agency: Agency
    owner: User
    due_on: dt.date


def _check_assignment(partnership_id: int, assignment: Assignment) -> None:
    agency, owner = assignment.owning_agency, assignment.owner
    if agency.partnership_id != partnership_id:
        raise ServiceError("Choose an owning agency in this partnership", "owning_agency")
    if owner.agency_id != agency.pk:
        raise ServiceError(
            f"The owner must work for the owning agency: {owner.display_name} works for "
            f"{owner.agency or 'no agency'}",
            "owner",
        )
    if not owner.is_active or not owner.has_masa_permission(Permission.UPDATE_OWN_ACTIONS):
        raise ServiceError(
            f"{owner.display_name} cannot own actions: choose someone whose role updates the "
            "actions they own",
            "owner",
        )


def _check_new_due_date(due_on: dt.date) -> None:
    if due_on < _today():
        raise ServiceError("The due date must be today or in the future", "due_on")


def _notify_owner(action: Action, subject: str, body: str) -> None:
    Notification.objects.create(
        recipient=action.owner, subject=subject[:200], body=body, link=_action_link(action)
    )


def _create(
    *,
    actor: User,
    title: str,
    detail: str,
    source: str,
    source_reference: str,
    recommendation: Recommendation | None,
    priority: Priority,
    assignment: Assignment,
) -> Action:
    if priority.partnership_id != actor.partnership_id:
        raise ServiceError("Choose a priority of this partnership", "priority")
    _check_assignment(actor.partnership_id, assignment)
    _check_new_due_date(assignment.due_on)
    with transaction.atomic():
        action = Action.objects.create(
            partnership_id=actor.partnership_id,
            title=title,
            detail=detail,
            source=source,
            recommendation=recommendation,
            source_reference=source_reference,
            priority=priority,
            owning_agency=assignment.owning_agency,
            owner=assignment.owner,
            due_on=assignment.due_on,
            created_by=actor,
        )
        ActionUpdate.objects.create(
            action=action,
            to_status=ActionStatus.NOT_STARTED,
            note="Action created",
            by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ACTION,
            object_id=action.pk,
            object_label=_action_label(action),
            after=audit.snapshot(
                action,
                (
                    "source",
                    "source_reference",
                    "recommendation",
                    "priority",
                    "owning_agency",
                    "owner",
                    "due_on",
                ),
            ),
        )
        if assignment.owner.pk != actor.pk:
            _notify_owner(
                action,
                f"You own a new action: {action.title}",
                f"{actor.display_name} made you the owner of this action, due "
                f"{govuk_date(action.due_on)}.",
            )
    return action


SOURCES_NEEDING_REFERENCE = {
    ActionSource.AUDIT: "the audit",
    ActionSource.INSPECTION: "the inspection",
    ActionSource.SECTION_11: "the Section 11 audit",
    ActionSource.OTHER: "where the action came from",
}


def action_create(
    *,
    actor: User,
    title: str,
    detail: str,
    source: str,
    source_reference: str,
    priority: Priority,
    assignment: Assignment,
) -> Action:
    """An action from an audit, an inspection, Section 11, a priority or elsewhere (actions from
    a case review are made from its recommendation: ``action_create_from_recommendation``)."""
    _check_manager(actor, actor.partnership_id)
    title, source_reference = title.strip(), source_reference.strip()
    if not title:
        raise ServiceError("Enter what the action is", "title")
    if source == ActionSource.CASE_REVIEW:
        raise ServiceError(
            "Actions from a case review are made from its recommendation: open the review's "
            "recommendations and choose “Create actions”",
            "source",
        )
    if source not in ActionSource.values:
        raise ServiceError("Select where the action came from", "source")
    if source in SOURCES_NEEDING_REFERENCE and not source_reference:
        raise ServiceError(
            f"Enter {SOURCES_NEEDING_REFERENCE[ActionSource(source)]}, for example “Ofsted "
            "inspection 2017, recommendation 4”",
            "source_reference",
        )
    return _create(
        actor=actor,
        title=title,
        detail=detail.strip(),
        source=source,
        source_reference=source_reference,
        recommendation=None,
        priority=priority,
        assignment=assignment,
    )


def _refuse_names(text: str, names: list[tuple[str, str]], *, field: str, label: str) -> None:
    """Refuse text that names a child or family member in the review: actions are seen by
    everyone in the partnership, so they use the anonymised name."""
    for name, replacement in names:
        lowered = text.lower()
        start = lowered.find(name.lower())
        while start != -1:
            end = start + len(name)
            before_ok = start == 0 or not lowered[start - 1].isalnum()
            after_ok = end == len(lowered) or not lowered[end].isalnum()
            if before_ok and after_ok:
                raise ServiceError(
                    f"{label} contains “{text[start:end]}”, a name from the review: use "
                    f"“{replacement}” instead",
                    field,
                )
            start = lowered.find(name.lower(), start + 1)


def action_create_from_recommendation(
    *,
    actor: User,
    recommendation: Recommendation,
    title: str,
    detail: str,
    priority: Priority,
    assignment: Assignment,
) -> Action:
    """One of the actions that carry out a case review's recommendation."""
    _check_manager(actor, actor.partnership_id)
    review = recommendation.review
    if review.partnership_id != actor.partnership_id:
        raise ServiceError("Choose a recommendation of this partnership")
    if recommendation.withdrawn_reason:
        raise ServiceError("This recommendation was withdrawn: no actions can be added to it")
    title = title.strip()
    if not title:
        raise ServiceError("Enter what the action is", "title")
    names = names_to_redact(review)
    _refuse_names(title, names, field="title", label="The action")
    _refuse_names(detail, names, field="detail", label="The detail")
    return _create(
        actor=actor,
        title=title,
        detail=detail.strip(),
        source=ActionSource.CASE_REVIEW,
        source_reference=f"{review.anonymised_name}, recommendation {recommendation.number}",
        recommendation=recommendation,
        priority=priority,
        assignment=assignment,
    )


# ---------------------------------------------------------------- progress and status


def action_update(
    *,
    actor: User,
    action: Action,
    to_status: str,
    note: str,
    evidence: str,
    version: int,
) -> Action:
    """A status change or a progress note on an action, by its owner or a manager.

    ``evidence`` is the evidence of impact as it now stands (the form shows the current text).
    Closing needs it; reopening a complete action and withdrawing one need the reason in ``note``.
    """
    if not may_update(actor, action):
        raise ServiceError(update_refusal(action))
    note, evidence = note.strip(), evidence.strip()
    from_status = action.status
    if to_status not in ActionStatus.values:
        raise ServiceError("Select the action's status", "status")
    if from_status in FINAL_STATUSES:
        raise ServiceError(refusal(from_status, to_status), "status")
    evidence_changed = evidence != action.evidence_of_impact.strip()
    if to_status == from_status:
        if not note and not evidence_changed:
            raise ServiceError("Enter a progress note, or choose a new status", "note")
    elif not may_move(from_status, to_status):
        raise ServiceError(refusal(from_status, to_status), "status")
    if to_status == ActionStatus.CLOSED and not evidence:
        raise ServiceError(CLOSE_NEEDS_EVIDENCE, "evidence")
    if to_status == ActionStatus.WITHDRAWN and not note:
        raise ServiceError("Give the reason for withdrawing the action", "note")
    if from_status == ActionStatus.COMPLETE and to_status == ActionStatus.ON_TRACK and not note:
        raise ServiceError("Give the reason for reopening the action", "note")
    today = _today()
    changes: dict[str, object] = {"status": to_status}
    if evidence_changed:
        changes["evidence_of_impact"] = evidence
    if to_status != from_status:
        if to_status == ActionStatus.COMPLETE:
            changes["completed_on"] = today
        elif from_status == ActionStatus.COMPLETE and to_status == ActionStatus.ON_TRACK:
            changes["completed_on"] = None
        if to_status == ActionStatus.CLOSED:
            changes["closed_on"] = today
        if to_status == ActionStatus.WITHDRAWN:
            changes["withdrawn_reason"] = note
    with transaction.atomic():
        check_version(Action, action.pk, version)
        Action.objects.filter(pk=action.pk).update(**changes)
        ActionUpdate.objects.create(
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            evidence=evidence if evidence_changed else "",
            by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ACTION,
            object_id=action.pk,
            object_label=_action_label(action),
            before={"status": from_status},
            after={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in changes.items()},
            reason=note,
        )
    action.refresh_from_db()
    return action


def action_reassign(
    *,
    actor: User,
    action: Action,
    assignment: Assignment,
    reason: str,
    version: int,
) -> Action:
    """Change who owns an action or when it is due (managers only). The new owner is told; a new
    due date gets its own reminder."""
    _check_manager(actor, action.partnership_id)
    if action.status in FINAL_STATUSES:
        raise ServiceError(
            f"This action is {action.get_status_display().lower()}: its owner and due date "
            "cannot change"
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError("Give the reason for the change", "reason")
    _check_assignment(action.partnership_id, assignment)
    owner_changed = assignment.owner.pk != action.owner_id
    due_changed = assignment.due_on != action.due_on
    agency_changed = assignment.owning_agency.pk != action.owning_agency_id
    if not (owner_changed or due_changed or agency_changed):
        raise ServiceError("Change the owner or the due date, or cancel", "owner")
    if due_changed:
        _check_new_due_date(assignment.due_on)
    previous_owner = action.owner
    fields = ("owning_agency", "owner", "due_on")
    before = audit.snapshot(action, fields)
    described = []
    if owner_changed or agency_changed:
        described.append(
            f"Owner changed from {previous_owner.display_name} ({action.owning_agency.name}) to "
            f"{assignment.owner.display_name} ({assignment.owning_agency.name})"
        )
    if due_changed:
        described.append(
            f"Due date changed from {govuk_date(action.due_on)} to {govuk_date(assignment.due_on)}"
        )
    with transaction.atomic():
        check_version(Action, action.pk, version)
        Action.objects.filter(pk=action.pk).update(
            owning_agency=assignment.owning_agency,
            owner=assignment.owner,
            due_on=assignment.due_on,
        )
        action.refresh_from_db()
        ActionUpdate.objects.create(
            action=action,
            from_status=action.status,
            to_status=action.status,
            note=". ".join(described) + f". Reason: {reason}",
            by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ACTION,
            object_id=action.pk,
            object_label=_action_label(action),
            before=before,
            after=audit.snapshot(action, fields),
            reason=reason,
        )
        if owner_changed:
            _notify_owner(
                action,
                f"You now own an action: {action.title}",
                f"{actor.display_name} made you the owner of this action, due "
                f"{govuk_date(action.due_on)}. Reason: {reason}",
            )
        elif due_changed and action.owner_id != actor.pk:
            _notify_owner(
                action,
                f"New due date for your action: {action.title}",
                f"{actor.display_name} changed the due date to {govuk_date(action.due_on)}. "
                f"Reason: {reason}",
            )
    return action


# ---------------------------------------------------------------- reminders


def _reminder_text(action: Action, today: dt.date) -> tuple[str, str]:
    if action.due_on < today:
        subject = f"Overdue action: {action.title}"
        when = f"was due on {govuk_date(action.due_on)} and is overdue"
    else:
        subject = f"Action due {govuk_date(action.due_on)}: {action.title}"
        when = f"is due on {govuk_date(action.due_on)}"
    body = (
        f"The action “{action.title}” ({action.owning_agency.name}) {when}. Update its progress "
        "in masa under My actions, or ask the partnership business unit to agree a new due date."
    )
    return subject[:200], body


def action_reminders_send(*, today: dt.date, days: int = REMINDER_WORKING_DAYS) -> int:
    """One reminder per open action due within ``days`` working days (or overdue) that has not
    been reminded for its current due date: an alert in masa and an email to the owner.

    Safe to run as often as the scheduler likes: each reminder is claimed by updating
    ``reminded_for_due_on`` first, so two workers never send the same one. Returns how many
    reminders were sent.
    """
    horizon = working_day_calendar().add_working_days(today, days)
    due = (
        Action.objects.filter(status__in=OPEN_STATUSES, due_on__lte=horizon)
        .exclude(reminded_for_due_on=F("due_on"))
        .select_related("owner", "owning_agency")
    )
    sent = 0
    for action in due:
        with transaction.atomic():
            claimed = (
                Action.objects.filter(pk=action.pk, due_on=action.due_on)
                .exclude(reminded_for_due_on=F("due_on"))
                .update(reminded_for_due_on=action.due_on)
            )
            if not claimed:
                continue
            subject, body = _reminder_text(action, today)
            _notify_owner(action, subject, body)
            audit.record(
                actor=None,
                actor_label="masa (reminders)",
                action=AuditAction.UPDATE,
                object_type=ACTION,
                object_id=action.pk,
                object_label=_action_label(action),
                after={"reminded_for_due_on": action.due_on.isoformat()},
                reason=f"reminder sent to {action.owner.display_name}",
            )
        sent += 1
        # Emailed once the reminder is saved: the alert in masa stands even if the mail server
        # is down, and the next run does not send it twice.
        if action.owner.email:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [action.owner.email])
            except OSError:
                logger.warning("Could not email the reminder for action %s", action.pk)
    return sent
