"""Writes for private fostering: the notification of an arrangement, its start, the local
authority's visits and its end.

A child is privately fostered when cared for, for 28 days or more, by someone who is not a parent,
a person with parental responsibility or a close relative, while under 16 (under 18 if disabled)
(shared/domain/partnership.md section 13). The clocks (first visit within 7 working days of the
notification, then visits every 6 weeks in the first year and every 12 weeks after) and the late
notification flag are derived in ``selectors_exploitation``, never stored.

Each step adds a line to the child's chronology (children's social care's own line, as for other
social care visits), appends the audit record and, where the arrangement changes, takes the version
the worker saw.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import EventType
from masa.journey.services import check_version, chronology_record
from masa.people.models import Child, Disability
from masa.people.selectors import children_visible_to

from .clocks import age_on
from .models import PrivateFostering, PrivateFosteringVisit

ARRANGEMENT = "private_fostering"
VISIT = "private_fostering_visit"
AGE_LIMIT = 16
AGE_LIMIT_DISABLED = 18


def _check_may_record(actor: User, child: Child) -> None:
    if not actor.has_masa_permission(Permission.RECORD_CARE):
        raise ServiceError("Your role cannot record private fostering")
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise ServiceError(f"No child you can see has the masa ID {child.masa_id}")


def _is_disabled(child: Child) -> bool:
    return any(code != Disability.NONE for code in child.disabilities or [])


def _check_age(child: Child, on: dt.date) -> None:
    """A child 16 or over (18 if disabled) is not privately fostered."""
    if child.date_of_birth is None:
        if child.is_unborn:
            raise ServiceError(
                f"{child.full_name} is not born yet: record the birth before a private "
                "fostering arrangement",
                "proposed_start_on",
            )
        return
    age = age_on(child.date_of_birth, on)
    if age >= AGE_LIMIT_DISABLED or (age >= AGE_LIMIT and not _is_disabled(child)):
        extra = (
            " If the child is disabled, record their disability first."
            if age < AGE_LIMIT_DISABLED
            else ""
        )
        raise ServiceError(
            f"{child.full_name} is {age} on the proposed start: private fostering is for a child "
            f"under 16, or under 18 if disabled.{extra}",
            "proposed_start_on",
        )


def _check_open(arrangement: PrivateFostering) -> None:
    if arrangement.ended_on is not None:
        raise ServiceError(
            f"This arrangement ended on {govuk_date(arrangement.ended_on)}: it cannot be changed"
        )


def _audit(
    actor: User,
    arrangement: PrivateFostering,
    action: AuditAction,
    what: str,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=ARRANGEMENT,
        object_id=arrangement.pk,
        object_label=f"Private fostering of {arrangement.child.full_name}: {what}",
        child_id=arrangement.child_id,
        before=before,
        after=after,
    )


def notification_record(
    *,
    actor: User,
    child: Child,
    notified_on: dt.date,
    proposed_start_on: dt.date,
    carer_name: str,
    carer_relationship: str,
) -> PrivateFostering:
    """The local authority is told of a proposed (or already running) arrangement."""
    _check_may_record(actor, child)
    refuse_future_date(notified_on, field="notified_on", label="The date of the notification")
    if child.date_of_birth is not None and notified_on < child.date_of_birth:
        raise ServiceError(
            f"The date of the notification must be on or after {child.full_name}'s date of "
            f"birth ({govuk_date(child.date_of_birth)})",
            "notified_on",
        )
    _check_age(child, proposed_start_on)
    carer_name = carer_name.strip()
    if not carer_name:
        raise ServiceError("Enter the name of the private foster carer", "carer_name")
    with transaction.atomic():
        if PrivateFostering.objects.filter(child=child, ended_on__isnull=True).exists():
            raise ServiceError(
                f"{child.full_name} already has a private fostering arrangement that has not "
                "ended: end it before recording a new one"
            )
        arrangement = PrivateFostering.objects.create(
            child=child,
            notified_on=notified_on,
            proposed_start_on=proposed_start_on,
            carer_name=carer_name,
            carer_relationship=carer_relationship.strip(),
            recorded_by=actor,
        )
        chronology_record(
            actor=actor,
            child=child,
            occurred_on=notified_on,
            event_type=EventType.PRIVATE_FOSTERING,
            summary=(
                f"Private fostering notified: proposed to start {govuk_date(proposed_start_on)}"
            ),
            record=arrangement,
        )
        _audit(
            actor,
            arrangement,
            AuditAction.CREATE,
            "notified",
            after=audit.snapshot(arrangement, ["notified_on", "proposed_start_on"]),
        )
    return arrangement


def arrangement_start(
    *, actor: User, arrangement: PrivateFostering, started_on: dt.date, version: int | None
) -> PrivateFostering:
    """The date the arrangement actually began (it may be before the notification: the local
    authority often learns of an arrangement late)."""
    _check_may_record(actor, arrangement.child)
    _check_open(arrangement)
    refuse_future_date(started_on, field="started_on", label="The date the arrangement started")
    child = arrangement.child
    if child.date_of_birth is not None and started_on < child.date_of_birth:
        raise ServiceError(
            f"The date the arrangement started must be on or after {child.full_name}'s date of "
            f"birth ({govuk_date(child.date_of_birth)})",
            "started_on",
        )
    _check_age_on_start(child, started_on)
    with transaction.atomic():
        check_version(PrivateFostering, arrangement.pk, version)
        if arrangement.started_on is not None:
            raise ServiceError(
                "The start of this arrangement is already recorded "
                f"({govuk_date(arrangement.started_on)})",
                "started_on",
            )
        arrangement.started_on = started_on
        arrangement.save(update_fields=["started_on"])
        arrangement.refresh_from_db(fields=["version"])
        chronology_record(
            actor=actor,
            child=child,
            occurred_on=started_on,
            event_type=EventType.PRIVATE_FOSTERING,
            summary=f"Private fostering arrangement started with {arrangement.carer_name}",
        )
        _audit(
            actor,
            arrangement,
            AuditAction.UPDATE,
            "started",
            before={"started_on": None},
            after={"started_on": started_on.isoformat()},
        )
    return arrangement


def _check_age_on_start(child: Child, started_on: dt.date) -> None:
    try:
        _check_age(child, started_on)
    except ServiceError as error:
        raise ServiceError(
            error.message.replace("on the proposed start", "on the date it started"), "started_on"
        ) from error


def visit_record(
    *,
    actor: User,
    arrangement: PrivateFostering,
    visited_on: dt.date,
    child_seen: bool,
    child_seen_alone: bool,
    notes: str,
) -> PrivateFosteringVisit:
    _check_may_record(actor, arrangement.child)
    refuse_future_date(visited_on, field="visited_on", label="The date of the visit")
    if visited_on < arrangement.notified_on:
        raise ServiceError(
            "The date of the visit must be on or after the notification "
            f"({govuk_date(arrangement.notified_on)})",
            "visited_on",
        )
    if child_seen_alone and not child_seen:
        raise ServiceError(
            "The child cannot have been seen alone if they were not seen", "child_seen_alone"
        )
    with transaction.atomic():
        locked = PrivateFostering.objects.select_for_update().get(pk=arrangement.pk)
        _check_open(locked)
        visit = PrivateFosteringVisit.objects.create(
            arrangement=locked,
            visited_on=visited_on,
            child_seen=child_seen,
            child_seen_alone=child_seen_alone,
            notes=notes.strip(),
            visited_by=actor,
        )
        seen = "seen alone" if child_seen_alone else "seen" if child_seen else "not seen"
        chronology_record(
            actor=actor,
            child=arrangement.child,
            occurred_on=visited_on,
            event_type=EventType.VISIT,
            summary=f"Private fostering visit: child {seen}",
            record=visit,
        )
        _audit(
            actor,
            arrangement,
            AuditAction.CREATE,
            "visit",
            after=audit.snapshot(visit, ["visited_on", "child_seen", "child_seen_alone"]),
        )
    return visit


def arrangement_end(
    *,
    actor: User,
    arrangement: PrivateFostering,
    ended_on: dt.date,
    end_reason: str,
    version: int | None,
) -> PrivateFostering:
    _check_may_record(actor, arrangement.child)
    _check_open(arrangement)
    end_reason = end_reason.strip()
    if not end_reason:
        raise ServiceError("Enter why the arrangement ended", "end_reason")
    refuse_future_date(ended_on, field="ended_on", label="The date the arrangement ended")
    earliest = min(arrangement.notified_on, arrangement.started_on or arrangement.notified_on)
    if ended_on < earliest:
        raise ServiceError(
            "The date the arrangement ended must be on or after "
            + (
                f"it started ({govuk_date(earliest)})"
                if arrangement.started_on and earliest == arrangement.started_on
                else f"the notification ({govuk_date(earliest)})"
            ),
            "ended_on",
        )
    with transaction.atomic():
        check_version(PrivateFostering, arrangement.pk, version)
        arrangement.ended_on = ended_on
        arrangement.end_reason = end_reason
        arrangement.save(update_fields=["ended_on", "end_reason"])
        arrangement.refresh_from_db(fields=["version"])
        chronology_record(
            actor=actor,
            child=arrangement.child,
            occurred_on=ended_on,
            event_type=EventType.PRIVATE_FOSTERING,
            summary=f"Private fostering arrangement ended: {end_reason}",
        )
        _audit(
            actor,
            arrangement,
            AuditAction.UPDATE,
            "ended",
            before={"ended_on": None},
            after={"ended_on": ended_on.isoformat(), "end_reason": end_reason},
        )
    return arrangement
