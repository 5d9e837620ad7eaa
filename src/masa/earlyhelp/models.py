"""Early help: a family's assessment and plan led by a professional from any agency."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, User
from masa.journey.models import Case
from masa.people.models import AgencyInvolvement, Child


class EarlyHelpEndReason(models.TextChoices):
    OUTCOMES_MET = "outcomes_met", "Outcomes achieved"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    DECLINED = "declined", "Family withdrew consent"
    MOVED_AWAY = "moved_away", "Family moved away"
    UNIVERSAL = "universal", "Needs met by universal services"


class EarlyHelpEpisode(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="early_help")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="early_help")
    started_on = models.DateField()
    # Stepped down from children's social care rather than coming from the front door.
    stepped_down = models.BooleanField(default=False)
    lead_professional = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # The involvement this episode created to put the child in the lead agency's scope (None if
    # the agency was already involved): it ends when the lead changes or the episode ends.
    lead_involvement = models.ForeignKey(
        AgencyInvolvement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessment_completed_on = models.DateField(null=True, blank=True)
    plan_agreed_on = models.DateField(null=True, blank=True)
    plan = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EarlyHelpEndReason.choices, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-started_on", "-id"]


class EarlyHelpReview(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    progress = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["held_on", "id"]
