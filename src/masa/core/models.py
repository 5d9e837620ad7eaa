"""The thin shared layer: partnership, agencies, teams, users, audit, access and calendar data."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from .permissions import ROLE_CHOICES, Permission, RoleDefinition, role_definition


class Partnership(models.Model):
    """A Local Safeguarding Children Partnership. A real row: one installation may host several."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    slug = models.SlugField(unique=True)
    # The ONS code of the local authority area the partnership covers (e.g. "E08000010"), as in
    # the ONS postcode directory: a placement whose postcode lies in it is "in borough".
    ons_code = models.CharField("ONS local authority code", max_length=9, blank=True)

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    HEALTH = "health", "Health (ICB or provider)"
    POLICE = "police", "Police"
    SCHOOL = "school", "School or education setting"
    PROBATION = "probation", "Probation"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    PARTNERSHIP_UNIT = "partnership_unit", "Partnership business unit"


class Agency(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)

    class Meta:
        verbose_name_plural = "agencies"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class User(AbstractUser):
    """A person who signs in. One role, held in one agency (and optionally one team)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True)
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    failed_sign_in_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    @property
    def role_definition(self) -> RoleDefinition:
        return role_definition(self.role)

    def has_masa_permission(self, permission: Permission) -> bool:
        return self.is_active and bool(self.role) and permission in self.role_definition.permissions

    @property
    def in_childrens_social_care(self) -> bool:
        """Works for the local authority's children's services (which see all casework)."""
        return self.agency is not None and self.agency.kind == AgencyKind.LOCAL_AUTHORITY

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def partnership_id(self) -> int:
        """The user's partnership; 0 (which matches no partnership) for a user with no agency."""
        return self.agency.partnership_id if self.agency else 0


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    SIGN_OUT = "sign_out", "Signed out"
    ACCESS_GRANTED = "access_granted", "Access granted"
    BREAK_GLASS = "break_glass", "Emergency access (break-glass)"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Emergency access reviewed"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit record."""


class AuditEvent(models.Model):
    """One line of the append-only audit log, written by services (never by signals).

    The database refuses UPDATE (and, on PostgreSQL, DELETE) with a trigger: see migration 0002.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted")


class AdditionalBankHoliday(models.Model):
    """A one-off England and Wales bank holiday announced after the library release we pin."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["date"]


class AccessGrant(models.Model):
    """Time-boxed access for one user to one record outside their normal scope."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants")
    record_type = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    reason = models.TextField()
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="access_grant_expires_after_start",
            )
        ]


class BreakGlass(models.Model):
    """Emergency access by the user's own declaration, alerted to the owner and reviewed later."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_uses")
    record_type = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                    | models.Q(reviewed_by__isnull=False, reviewed_at__isnull=False)
                ),
                name="break_glass_review_who_and_when",
            )
        ]


class Notification(models.Model):
    """Something a user must see in masa (no email server is needed)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]


class FormDraft(models.Model):
    """What a user has typed into a long form, kept server-side until they save or discard it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="form_drafts")
    form_key = models.CharField(max_length=120)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "form_key"], name="one_draft_per_form")
        ]
