"""Assessment, children in need and child protection: the records of each step of a case.

Dates that feed the CIN census are kept under names close to the DfE's (the mapping to the DfE
element names is in ``masa.protection.cin``). Deadlines are never stored: they are derived from
these dates by ``masa.journey.clocks``.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models.functions import Coalesce

from masa.core.models import Agency, User
from masa.journey.models import Case
from masa.people.models import Child


class SignsOfSafetyMapping(models.Model):
    """A Signs of Safety mapping (for partnerships whose practice model is Signs of Safety)."""

    worries = models.TextField(blank=True)
    working_well = models.TextField(blank=True)
    needs_to_happen = models.TextField(blank=True)
    # 0 = certain the child will be harmed again, 10 = safe enough to close.
    scaling = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class AssessmentOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    EARLY_HELP = "early_help", "Step down to early help"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY = "strategy", "Strategy discussion (possible significant harm)"


class Assessment(SignsOfSafetyMapping):
    """A single (child and family) assessment. The Working Together clock runs from the referral;
    the DfE counts from ``started_on`` to the manager's ``authorised_on``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()  # AssessmentActualStartDate
    completed_on = models.DateField(null=True, blank=True)  # submitted by the worker
    authorised_on = models.DateField(null=True, blank=True)  # AssessmentAuthorisationDate
    authorised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factors = models.JSONField(default=list)  # AssessmentFactors codes
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    summary = models.TextField(blank=True)
    # The analysis for practice models other than Signs of Safety (which use the mapping).
    analysis = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-started_on", "-id"]


class StrategyDiscussion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField()
    is_meeting = models.BooleanField(default=False)  # a meeting rather than a discussion
    agencies = models.ManyToManyField(Agency, related_name="+")
    summary = models.TextField()
    start_s47 = models.BooleanField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-held_on", "-id"]


class S47Outcome(models.TextChoices):
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated: no further action"
    CIN = "cin", "Concerns not substantiated: child in need services continue"
    SUBSTANTIATED_NO_ICPC = (
        "substantiated_no_icpc",
        "Concerns substantiated, child not judged at continuing risk: no conference",
    )
    ICPC = "icpc", "Concerns substantiated: initial child protection conference"


class S47Enquiry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="s47_enquiries")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="s47_enquiries")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="s47_enquiry"
    )
    started_on = models.DateField()  # S47ActualStartDate
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=S47Outcome.choices, blank=True)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-started_on", "-id"]


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Conference(SignsOfSafetyMapping):
    """One conference, which may consider a sibling group: each child's decision is its own row.

    A conference is scheduled ahead (``scheduled_on``, so the papers can be shared before it),
    then recorded as held (``held_on``, which may differ from the scheduled date) or cancelled.
    ``held_on`` is empty until the conference is held, so a date comparison on it never counts a
    scheduled or cancelled conference as held. A conference recorded after the event has no
    scheduled date.
    """

    kind = models.CharField(max_length=20, choices=ConferenceKind.choices)
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.HELD
    )
    scheduled_on = models.DateField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    chair = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agencies = models.ManyToManyField(Agency, related_name="+")
    family_attended = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = [Coalesce("held_on", "scheduled_on").desc(), "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=ConferenceStatus.HELD, held_on__isnull=False)
                    | models.Q(
                        status=ConferenceStatus.SCHEDULED,
                        held_on__isnull=True,
                        scheduled_on__isnull=False,
                    )
                    | models.Q(
                        status=ConferenceStatus.CANCELLED,
                        held_on__isnull=True,
                        scheduled_on__isnull=False,
                        cancelled_on__isnull=False,
                    )
                ),
                name="conference_dates_match_status",
            )
        ]

    @property
    def is_held(self) -> bool:
        return self.status == ConferenceStatus.HELD

    @property
    def is_scheduled(self) -> bool:
        return self.status == ConferenceStatus.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == ConferenceStatus.CANCELLED

    @property
    def meeting_on(self) -> dt.date:
        """The conference's date: the day it was held, or (until then) the day it is scheduled."""
        day = self.held_on or self.scheduled_on
        assert day is not None  # the check constraint guarantees one of them
        return day


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


class ConferenceChild(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="subjects")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conference_subjects")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conferences")
    plan_needed = models.BooleanField(null=True)  # None until the decision is recorded
    category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["conference", "child"], name="conference_child_once")
        ]


class PlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = "no_longer_at_risk", "Child no longer at continuing risk of harm"
    LOOKED_AFTER = "looked_after", "Child became looked after"
    MOVED_AWAY = "moved_away", "Child moved to another local authority"
    AGED_18 = "aged_18", "Child reached 18"
    DIED = "died", "Child died"


class ChildProtectionPlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cp_plans")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cp_plans")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="plans")
    started_on = models.DateField()  # CPPstartDate
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    plan = models.TextField(blank=True)
    contingency_plan = models.TextField()
    # The plan's own visit frequency; null = the partnership's local rule (``cp_visit``), which
    # ``masa.journey.deadlines.cp_visit_rule`` applies for the plan page and the work lists alike.
    visit_frequency_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)  # CPPendDate
    end_reason = models.CharField(max_length=30, choices=PlanEndReason.choices, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-started_on", "-id"]
        indexes: ClassVar = [models.Index(fields=["child", "started_on"])]


class CoreGroupMeeting(models.Model):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_groups"
    )
    held_on = models.DateField()
    agencies = models.ManyToManyField(Agency, related_name="+")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["held_on", "id"]


class CINPlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cin_plans")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_plans")
    started_on = models.DateField()  # CINPlanStartDate
    plan = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)  # CINPlanEndDate
    end_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-started_on", "-id"]


class CINPlanReview(models.Model):
    plan = models.ForeignKey(CINPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["held_on", "id"]


class Visit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField()
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["-visited_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(child_seen=True) | models.Q(seen_alone=False),
                name="seen_alone_needs_seen",
            )
        ]


class MeetingPack(models.Model):
    """Papers for a conference: the plan and the agencies' reports, and who had them when."""

    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="pack")
    assembled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assembled_at = models.DateTimeField(auto_now_add=True)


class AgencyReport(models.Model):
    pack = models.ForeignKey(MeetingPack, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    report = models.TextField()
    # Optimistic concurrency: a second writer at the same agency cannot silently replace it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pack", "agency"], name="one_report_per_agency")
        ]


class PackShare(models.Model):
    """The date the pack was shared with one attendee, or with the family."""

    pack = models.ForeignKey(MeetingPack, on_delete=models.CASCADE, related_name="shares")
    recipient = models.CharField(max_length=200)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_family = models.BooleanField(default=False)
    shared_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["shared_on", "id"]
