"""Reads for the core layer, scoped to what the asking user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessGrant, AuditAction, AuditEvent, BreakGlass, Notification, User


def exceptional_record_ids(user: User, record_type: str) -> QuerySet[AccessGrant, Any]:
    """Ids of records the user may see now through a grant (as a subquery)."""
    now = timezone.now()
    return AccessGrant.objects.filter(
        user=user, record_type=record_type, starts_at__lte=now, expires_at__gt=now
    ).values("record_id")


def break_glass_record_ids(user: User, record_type: str) -> QuerySet[BreakGlass, Any]:
    now = timezone.now()
    return BreakGlass.objects.filter(
        user=user, record_type=record_type, started_at__lte=now, expires_at__gt=now
    ).values("record_id")


def break_glass_awaiting_review(reviewer: User) -> QuerySet[BreakGlass]:
    """Emergency access to records in the reviewer's partnership, not yet reviewed."""
    return (
        BreakGlass.objects.filter(
            reviewed_at__isnull=True, user__agency__partnership_id=reviewer.partnership_id
        )
        .exclude(user=reviewer)
        .select_related("user", "user__agency")
        .order_by("started_at")
    )


def record_views(child_id: int) -> QuerySet[AuditEvent]:
    """Who has viewed a child's record, newest first (for DPOs and subject access requests)."""
    return AuditEvent.objects.filter(
        child_id=child_id,
        action__in=[AuditAction.VIEW, AuditAction.BREAK_GLASS, AuditAction.EXPORT],
    ).select_related("actor", "actor__agency")


def audit_search(
    *,
    username: str = "",
    child_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    action: str = "",
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if username:
        events = events.filter(
            Q(actor__username__iexact=username) | Q(actor_label__icontains=username)
        )
    if child_id is not None:
        events = events.filter(child_id=child_id)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    if action:
        events = events.filter(action=action)
    return events


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def users_in_partnership(user: User) -> QuerySet[User]:
    return (
        User.objects.filter(agency__partnership_id=user.partnership_id)
        .select_related("agency", "team")
        .order_by("last_name", "first_name")
    )
