"""Children and the agencies involved with them.

This is the minimal child record the foundation needs for record scoping, break-glass and
"who viewed"; the journey issue extends it (identifiers, relationships, addresses).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, Partnership, Team, User
from masa.core.presenters import format_masa_id


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Child(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    summary = models.TextField(blank=True)
    owning_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="children")
    allocated_worker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated_children"
    )
    # Optimistic concurrency: every saved change increments this; see services.child_update.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "children"
        ordering: ClassVar = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masa_id(self) -> str:
        return format_masa_id(self.pk)


class AgencyInvolvement(models.Model):
    """An agency working with a child: what puts the child in that agency's scope."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_start",
            )
        ]
