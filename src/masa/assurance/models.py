"""The partnership's priorities, their outcome measures, and the actions that serve them.

The "golden thread": a ``Priority`` has measurable ``OutcomeMeasure``s (a live indicator from
``masa.indicators`` or readings the partnership records) and the ``Action``s that serve it; each
action has an owner, a due date, a status and evidence of impact. Actions come from review
recommendations, audits, inspections, Section 11 and the priorities themselves.

``status`` holds what the owner says (not started, on track, at risk, complete, closed); whether
an action is *overdue* is derived from its due date and today by ``masa.assurance.selectors``,
never stored, so it cannot go stale. Statuses change only through ``masa.assurance.services``,
which records every change as an ``ActionUpdate``. Nothing is deleted: actions are withdrawn.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, Partnership, User
from masa.reviews.models import Recommendation


class Priority(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["number", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class MeasureDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    CLOSER_TO_TARGET = "target", "Closer to the target is better"


class OutcomeMeasure(models.Model):
    """How the partnership will know a priority is making a difference."""

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=200)
    # A measure from masa.indicators' catalogue (computed live), or blank for a measure the
    # partnership records itself as MeasureReading rows.
    indicator_code = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=40, blank=True)  # "%", "per 10,000 children", "children"
    direction = models.CharField(max_length=10, choices=MeasureDirection.choices)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_label = models.CharField(max_length=60, blank=True)  # e.g. "2023-24"
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["priority", "id"]


class MeasureReading(models.Model):
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.PROTECT, related_name="readings")
    period_label = models.CharField(max_length=60)
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["measured_on", "id"]


class ActionSource(models.TextChoices):
    CASE_REVIEW = "case_review", "Case review recommendation"
    AUDIT = "audit", "Multi-agency audit"
    INSPECTION = "inspection", "Inspection"
    SECTION_11 = "section_11", "Section 11 audit"
    PRIORITY = "priority", "Partnership priority"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed with evidence"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Action(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=ActionSource.choices)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    # Where an action not from a case review came from, e.g. "Ofsted inspection 2017,
    # recommendation 4" or "Section 11 audit 2024, standard 4".
    source_reference = models.CharField(max_length=200, blank=True)
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    evidence_of_impact = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The due date a reminder was last sent for (so a changed due date gets a new reminder).
    reminded_for_due_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["due_on", "id"]


class ActionUpdate(models.Model):
    """A status change or progress note on an action: who, when, what. Append-only."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]
