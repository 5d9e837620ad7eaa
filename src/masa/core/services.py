"""Writes for the core layer: sign-in, two-factor, access grants, break-glass, drafts, holidays.

Each function validates, writes inside a transaction and appends to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .calendar import forget_cached_calendar
from .models import (
    AccessGrant,
    AdditionalBankHoliday,
    AuditAction,
    BreakGlass,
    FormDraft,
    Notification,
    User,
)
from .presenters import govuk_date, govuk_datetime


class ServiceError(Exception):
    """A refusal a person can act on; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def failures(self) -> list[tuple[str, str | None]]:
        """Every (message, field) pair to show; one unless a subclass lists several."""
        return [(self.message, self.field)]


def refuse_future_date(day: dt.date | None, *, field: str, label: str) -> None:
    """Refuse a date after today in England (a date that cannot have happened yet), with the
    message "<label> must be today or in the past" on the named field. An empty date passes."""
    if day is not None and day > timezone.localdate():
        raise ServiceError(f"{label} must be today or in the past", field)


class StaleVersion(ServiceError):
    """Someone else saved the record since this user opened it: nothing was overwritten."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this record while you were working on it. Your changes have "
            "not been saved. Check the record as it is now and make your changes again."
        )


# ---------------------------------------------------------------- sign-in


SIGN_IN_REFUSED = "Enter a correct username and password"
ACCOUNT_LOCKED = (
    "This account is locked after too many failed sign-in attempts. Try again in "
    "{minutes} minutes, or ask your system administrator to unlock it."
)


def sign_in_with_password(request: HttpRequest, *, username: str, password: str) -> User:
    """First step of sign-in. Locks the account after repeated failures (NCSC: throttle)."""
    now = timezone.now()
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is not None and user.locked_until and user.locked_until > now:
        audit.record(
            actor=user,
            action=AuditAction.SIGN_IN_FAILED,
            object_type="user",
            object_id=user.pk,
            reason="attempt while locked",
        )
        raise ServiceError(ACCOUNT_LOCKED.format(minutes=settings.MASA_LOCKOUT_MINUTES))
    authenticated = authenticate(
        request, username=user.username if user else username, password=password
    )
    if authenticated is None:
        if user is not None:
            _record_failed_attempt(user, now)
            user.refresh_from_db(fields=["locked_until"])
            if user.locked_until and user.locked_until > now:
                raise ServiceError(ACCOUNT_LOCKED.format(minutes=settings.MASA_LOCKOUT_MINUTES))
        raise ServiceError(SIGN_IN_REFUSED, field="username")
    assert isinstance(authenticated, User)
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(failed_sign_in_count=0, locked_until=None)
        login(request, authenticated)
        if not authenticated.role_definition.requires_two_factor:
            audit.record(
                actor=authenticated,
                action=AuditAction.SIGN_IN,
                object_type="user",
                object_id=authenticated.pk,
            )
    return authenticated


def _record_failed_attempt(user: User, now: dt.datetime) -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_sign_in_count += 1
        action = AuditAction.SIGN_IN_FAILED
        if locked.failed_sign_in_count >= settings.MASA_LOCKOUT_THRESHOLD:
            locked.locked_until = now + dt.timedelta(minutes=settings.MASA_LOCKOUT_MINUTES)
            locked.failed_sign_in_count = 0
            action = AuditAction.ACCOUNT_LOCKED
        locked.save(update_fields=["failed_sign_in_count", "locked_until"])
        audit.record(
            actor=locked,
            action=action,
            object_type="user",
            object_id=locked.pk,
            reason="wrong password",
        )


def user_unlock(*, user: User, by: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_sign_in_count=0, locked_until=None)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=user.pk,
            object_label=user.username,
            before={"locked_until": str(user.locked_until)},
            after={"locked_until": None},
            reason="unlocked by administrator",
        )


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_setup_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_verify(request: HttpRequest, *, code: str) -> None:
    """Second step of sign-in: a code from the user's authenticator app."""
    user = request.user
    assert isinstance(user, User)
    device = confirmed_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            raise ServiceError("Set up your authenticator app first", field="code")
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        raise ServiceError("Enter the 6-digit code from your authenticator app", field="code")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ServiceError(
            "Too many wrong codes. Wait a few seconds, then enter the current code from your app",
            field="code",
        )
    if not device.verify_token(code):
        audit.record(
            actor=user,
            action=AuditAction.SIGN_IN_FAILED,
            object_type="user",
            object_id=user.pk,
            reason="wrong two-factor code",
        )
        raise ServiceError(
            "The code is not correct or has expired. Enter the current code from your app",
            field="code",
        )
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        otp_login(request, device)
        audit.record(actor=user, action=AuditAction.SIGN_IN, object_type="user", object_id=user.pk)


# ---------------------------------------------------------------- exceptional access


@dataclass(frozen=True)
class RecordRef:
    """Identifies one scoped record, e.g. a child, for grants and break-glass."""

    record_type: str
    record_id: int
    label: str
    link: str
    child_id: int | None = None


def access_grant_create(
    *, approver: User, grantee: User, record: RecordRef, reason: str, days: int
) -> AccessGrant:
    reason = reason.strip()
    if len(reason) < 10:
        raise ServiceError("Give the reason for access in at least 10 characters", field="reason")
    if not 1 <= days <= 30:
        raise ServiceError("Access can be granted for between 1 and 30 days", field="days")
    if grantee.pk == approver.pk:
        raise ServiceError("You cannot grant access to yourself", field="grantee")
    if grantee.partnership_id != approver.partnership_id:
        raise ServiceError("Choose a colleague in this partnership", field="grantee")
    now = timezone.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            user=grantee,
            record_type=record.record_type,
            record_id=record.record_id,
            reason=reason,
            approved_by=approver,
            starts_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit.record(
            actor=approver,
            action=AuditAction.ACCESS_GRANTED,
            object_type=record.record_type,
            object_id=record.record_id,
            object_label=record.label,
            child_id=record.child_id,
            reason=reason,
            after={"grantee": grantee.username, "expires_at": grant.expires_at.isoformat()},
        )
        Notification.objects.create(
            recipient=grantee,
            subject=f"You have been given access to {record.label}",
            body=f"{approver.display_name} gave you access until "
            f"{govuk_datetime(grant.expires_at)}. Reason: {reason}",
            link=record.link,
        )
    return grant


def break_glass_start(
    *, user: User, record: RecordRef, reason: str, owners: Iterable[User]
) -> BreakGlass:
    """Emergency access: allowed at once, alerted to the record's owners, reviewed later."""
    reason = reason.strip()
    if len(reason) < 20:
        raise ServiceError(
            "Explain the emergency in at least 20 characters: it is shown to the child's "
            "worker and reviewed by a manager",
            field="reason",
        )
    now = timezone.now()
    with transaction.atomic():
        use = BreakGlass.objects.create(
            user=user,
            record_type=record.record_type,
            record_id=record.record_id,
            reason=reason,
            started_at=now,
            expires_at=now + dt.timedelta(hours=settings.MASA_BREAK_GLASS_HOURS),
        )
        audit.record(
            actor=user,
            action=AuditAction.BREAK_GLASS,
            object_type=record.record_type,
            object_id=record.record_id,
            object_label=record.label,
            child_id=record.child_id,
            reason=reason,
        )
        for owner in {o.pk: o for o in owners if o.pk != user.pk}.values():
            Notification.objects.create(
                recipient=owner,
                subject=f"Emergency access to {record.label}",
                body=f"{user.display_name} ({user.role_definition.name}, "
                f"{user.agency.name if user.agency else 'no agency'}) used emergency access. "
                f"Reason: {reason}",
                link=record.link,
            )
    return use


REVIEW_OUTCOMES = {"appropriate": "Appropriate", "inappropriate": "Not appropriate: referred to IG"}


def break_glass_review(*, use: BreakGlass, reviewer: User, outcome: str, note: str) -> None:
    if outcome not in REVIEW_OUTCOMES:
        raise ServiceError("Select whether the access was appropriate", field="outcome")
    if use.user_id == reviewer.pk:
        raise ServiceError("You cannot review your own emergency access", field="outcome")
    with transaction.atomic():
        updated = BreakGlass.objects.filter(pk=use.pk, reviewed_at__isnull=True).update(
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
            review_outcome=outcome,
            review_note=note.strip(),
        )
        if not updated:
            raise ServiceError("This emergency access has already been reviewed")
        audit.record(
            actor=reviewer,
            action=AuditAction.BREAK_GLASS_REVIEWED,
            object_type=use.record_type,
            object_id=use.record_id,
            child_id=use.record_id if use.record_type == "child" else None,
            after={"outcome": outcome},
            reason=note.strip(),
        )


# ---------------------------------------------------------------- drafts and notifications


def form_draft_save(*, user: User, form_key: str, data: dict[str, Any]) -> FormDraft:
    draft, _ = FormDraft.objects.update_or_create(
        user=user, form_key=form_key, defaults={"data": data}
    )
    return draft


def form_draft_discard(*, user: User, form_key: str) -> None:
    FormDraft.objects.filter(user=user, form_key=form_key).delete()


def notification_mark_read(*, user: User, notification_id: int) -> None:
    Notification.objects.filter(recipient=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---------------------------------------------------------------- calendar


def bank_holiday_add(*, by: User, date: dt.date, name: str) -> AdditionalBankHoliday:
    from .calendar import working_day_calendar

    name = name.strip()
    if not name:
        raise ServiceError("Enter the name of the bank holiday", field="name")
    if date.weekday() >= 5:
        raise ServiceError("A bank holiday that stops clocks must fall on a weekday", field="date")
    existing = working_day_calendar().holiday_name(date)
    if existing:
        raise ServiceError(
            f"{govuk_date(date)} is already a bank holiday ({existing})", field="date"
        )
    with transaction.atomic():
        holiday = AdditionalBankHoliday.objects.create(date=date, name=name, added_by=by)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="bank_holiday",
            object_id=holiday.pk,
            object_label=f"{name} ({date.isoformat()})",
            after={"date": date.isoformat(), "name": name},
        )
        transaction.on_commit(forget_cached_calendar)
    return holiday
