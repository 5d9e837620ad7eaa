"""Writes for children: every change is versioned, audited and checked for conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, BreakGlass, User
from masa.core.services import (
    RecordRef,
    ServiceError,
    break_glass_start,
    form_draft_discard,
)

from .models import Child
from .selectors import RECORD_TYPE, child_in_partnership, child_owners

EDITABLE_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "summary")


class EditConflict(Exception):
    """Someone else saved the record since this user opened it."""

    def __init__(self, current: Child) -> None:
        super().__init__("The record was changed by someone else")
        self.current = current


def child_record_ref(child: Child) -> RecordRef:
    return RecordRef(
        record_type=RECORD_TYPE,
        record_id=child.pk,
        label=f"{child.full_name} ({child.masa_id})",
        link=reverse("people:child-detail", args=[child.pk]),
        child_id=child.pk,
    )


def child_draft_key(child: Child) -> str:
    return f"child-details-{child.pk}"


def child_record_view(*, user: User, child: Child) -> None:
    """Every view of a child's record is audited (who viewed it, and when)."""
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=RECORD_TYPE,
        object_id=child.pk,
        object_label=child.full_name,
        child_id=child.pk,
    )


def child_update(
    *, user: User, child: Child, expected_version: int, changes: dict[str, Any]
) -> Child:
    """Save changed details unless someone else saved first (optimistic concurrency)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    dob = changes.get("date_of_birth")
    if isinstance(dob, dt.date) and dob > timezone.localdate() + dt.timedelta(days=280):
        raise ServiceError(
            "Date of birth must be no more than 40 weeks in the future", field="date_of_birth"
        )
    with transaction.atomic():
        current = Child.objects.select_for_update().get(pk=child.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        before = audit.snapshot(current, EDITABLE_FIELDS)
        for name, value in changes.items():
            setattr(current, name, value)
        after = audit.snapshot(current, EDITABLE_FIELDS)
        changed = audit.changed_fields(before, after)
        if changed:
            Child.objects.filter(pk=current.pk, version=expected_version).update(
                version=F("version") + 1, **{name: getattr(current, name) for name in changed}
            )
            audit.record(
                actor=user,
                action=AuditAction.UPDATE,
                object_type=RECORD_TYPE,
                object_id=current.pk,
                object_label=current.full_name,
                child_id=current.pk,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        form_draft_discard(user=user, form_key=child_draft_key(current))
    current.refresh_from_db()
    return current


def child_break_glass(*, user: User, child_id: int, reason: str) -> tuple[Child, BreakGlass]:
    child = child_in_partnership(user, child_id)
    if child is None:
        raise ServiceError("No child has that masa ID in this partnership", field="child_id")
    use = break_glass_start(
        user=user, record=child_record_ref(child), reason=reason, owners=child_owners(child)
    )
    return child, use
