"""Case reviews: from a partner's referral to a published review, and the learning it gives.

One ``CaseReview`` follows a case through the national pipeline (Working Together 2023 chapter 5;
Children Act 2004 s16C and s16F): referral for consideration, acknowledgement, serious incident
notification to the national Child Safeguarding Practice Review Panel, rapid review, decision and
the Panel's response, commissioning, the final report and publication. ``status`` changes only
through ``masa.reviews.services`` (the allowed moves are in ``transitions.py``); every move is a
``ReviewTransition`` row saying who, when and why. Deadlines are never stored: they are derived
from the dates here by ``masa.reviews.clocks`` and the one calendar module.

Confidentiality: the children are linked through ``ReviewChild``; only members of the review group
(``ReviewGroupMember``) see who they are. Everyone else sees ``anonymised_name`` ("Child K").
Nothing is deleted: a review is withdrawn with a reason, a finding or recommendation is withdrawn.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, Partnership, User
from masa.people.models import Child


class ReviewStatus(models.TextChoices):
    REFERRED = "referred", "Referred for consideration"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    NOTIFIED = "notified", "Notified to the Panel"
    RAPID_REVIEW_SENT = "rapid_review_sent", "Rapid review sent to the Panel"
    DECIDED = "decided", "Decision recorded"
    COMMISSIONED = "commissioned", "Review commissioned"
    REPORT_COMPLETED = "report_completed", "Final report completed"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Completed, not published"
    CLOSED = "closed", "Closed: no further review"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReviewDecision(models.TextChoices):
    LCSPR = "lcspr", "Local child safeguarding practice review"
    NATIONAL = "national", "National review (Panel to decide)"
    OTHER_LEARNING = "other_learning", "Other learning review (for example a brief learning review)"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"


class PanelResponse(models.TextChoices):
    AGREES = "agrees", "Agrees with the decision"
    QUERIES = "queries", "Queries the decision"
    DISAGREES = "disagrees", "Disagrees with the decision"
    NATIONAL_REVIEW = "national_review", "Will carry out a national review"


class HarmOutcome(models.TextChoices):
    DIED = "died", "The child died"
    SERIOUS_HARM = "serious_harm", "The child was seriously harmed"


class CaseReview(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    # What everyone outside the review group sees, e.g. "Child K". Unique in the partnership.
    anonymised_name = models.CharField(max_length=60)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REFERRED
    )
    # The referral for consideration (any partner).
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    incident_date = models.DateField()
    # When the local authority became aware: day 0 of the notification clock (and, by default,
    # of the rapid review clock).
    aware_on = models.DateField()
    harm_outcome = models.CharField(max_length=20, choices=HarmOutcome.choices)
    abuse_or_neglect_suspected = models.BooleanField(default=True)
    referral_reason = models.TextField()
    acknowledged_on = models.DateField(null=True, blank=True)
    # Whether the case meets the criteria for notification (s16C); recorded at triage.
    notifiable = models.BooleanField(null=True, blank=True)
    notifiable_reason = models.TextField(blank=True)
    notified_on = models.DateField(null=True, blank=True)
    partners_told_on = models.DateField(null=True, blank=True)
    rapid_review_meeting_on = models.DateField(null=True, blank=True)
    rapid_review_sent_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    panel_response = models.CharField(max_length=20, choices=PanelResponse.choices, blank=True)
    panel_response_on = models.DateField(null=True, blank=True)
    panel_response_note = models.TextField(blank=True)
    # Panel, Ofsted and DfE told of an LCSPR decision and the reviewer's name.
    commissioning_notice_sent_on = models.DateField(null=True, blank=True)
    report_completed_on = models.DateField(null=True, blank=True)
    report_sent_to_panel_on = models.DateField(null=True, blank=True)
    planned_publication_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.URLField(blank=True)
    not_published_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # The business unit member who owns the review's next steps.
    lead = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-referred_on", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["partnership", "anonymised_name"], name="review_anonymised_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.anonymised_name


class ReviewTransition(models.Model):
    """One move of a review's status: who, when, why. Append-only."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReviewStatus.choices)
    on = models.DateField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]


class ReviewChild(models.Model):
    """A child the review is about (the subject) or who is part of it (a sibling)."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    is_subject = models.BooleanField(default=True)
    # The name this child has in the review's documents, e.g. "Child K" or "Sibling 1".
    anonymised_name = models.CharField(max_length=60)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["review", "child"], name="review_child_unique")
        ]


class ReviewGroupRole(models.TextChoices):
    LEAD = "lead", "Review lead (business unit)"
    REFERRER = "referrer", "Referred the case"
    AGENCY_REPRESENTATIVE = "agency_representative", "Agency representative"
    CHAIR = "chair", "Chair"
    REVIEWER = "reviewer", "Reviewer"


class ReviewGroupMember(models.Model):
    """A person in the review group: sees the children's names, the pack and the chronology."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="review_memberships")
    role = models.CharField(max_length=30, choices=ReviewGroupRole.choices)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["review", "user"],
                condition=models.Q(removed_at__isnull=True),
                name="review_member_current_unique",
            )
        ]


class IncidentNotification(models.Model):
    """The fields of the national Panel's serious incident notification (Ofsted online form)."""

    review = models.OneToOneField(CaseReview, on_delete=models.PROTECT, related_name="notification")
    notifying_local_authority = models.CharField(max_length=120)
    incident_location = models.CharField(max_length=200)
    incident_in_england = models.BooleanField(default=True)
    incident_summary = models.TextField()
    # DfE category of abuse suspected (N, P, E, S, M as in the CIN census).
    abuse_category = models.CharField(max_length=2, blank=True)
    child_looked_after = models.BooleanField(default=False)
    on_protection_plan = models.BooleanField(default=False)
    previously_on_protection_plan = models.BooleanField(default=False)
    child_in_need = models.BooleanField(default=False)
    known_to_early_help = models.BooleanField(default=False)
    educated_otherwise_than_at_school = models.BooleanField(default=False)
    other_children_in_household = models.BooleanField(default=False)
    police_investigation = models.BooleanField(default=False)
    media_interest = models.BooleanField(default=False)
    agencies_involved = models.TextField(blank=True)
    notifier_name = models.CharField(max_length=120)
    notifier_role = models.CharField(max_length=120)
    submitted_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)


class ContributionStatus(models.TextChoices):
    DRAFTED = "drafted", "Drafted from the chronology"
    CONFIRMED = "confirmed", "Confirmed by the agency"


class AgencyContribution(models.Model):
    """One agency's section of the rapid review pack.

    Drafted from the multi-agency chronology as it stood on the incident date (``drafted_lines``
    keeps the lines as drafted, so later corrections do not rewrite what the review saw); the
    agency's review group member confirms it and adds what the chronology does not hold.
    """

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="contributions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    as_known_on = models.DateField()
    drafted_lines = models.JSONField(default=list)  # [{"child_id", "occurred_on", "summary", ...}]
    drafted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=ContributionStatus.choices, default=ContributionStatus.DRAFTED
    )
    involvement_summary = models.TextField(blank=True)
    additional_information = models.TextField(blank=True)
    immediate_actions = models.TextField(blank=True)
    learning_identified = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["agency__name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["review", "agency"], name="contribution_unique")
        ]


class PauseReason(models.TextChoices):
    CRIMINAL_TRIAL = "criminal_trial", "Criminal investigation or trial"
    INQUEST = "inquest", "Coroner's inquest"
    FAMILY = "family", "Family circumstances"
    OTHER = "other", "Other"


class ReviewPause(models.Model):
    """A recorded delay (inquest, criminal trial) that pauses the review's completion clock."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    detail = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["started_on", "id"]


class ReviewCommission(models.Model):
    """Who carries out the review and how: reviewer, terms of reference, method, timeline."""

    review = models.OneToOneField(CaseReview, on_delete=models.PROTECT, related_name="commission")
    reviewer_name = models.CharField(max_length=120)
    reviewer_organisation = models.CharField(max_length=200, blank=True)
    commissioned_on = models.DateField()
    terms_of_reference = models.TextField()
    methodology = models.TextField()
    family_involvement = models.TextField()
    practitioner_involvement = models.TextField(blank=True)
    agreed_fee = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    planned_completion_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)


class ReviewCost(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="costs")
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    incurred_on = models.DateField()
    funded_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["incurred_on", "id"]


class RedactionTerm(models.Model):
    """A word or name to take out of anything published from the review (beyond the children's
    and family members' names, which are always taken out)."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="redactions")
    term = models.CharField(max_length=120)
    replacement = models.CharField(max_length=60, default="[redacted]")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")


class ReviewSettings(models.Model):
    """A partnership's choices for its review clocks that are not a number of days.

    (Durations of local clocks are ``masa.journey.models.ClockSetting`` rows, as for casework.)
    """

    class RapidReviewStart(models.TextChoices):
        AWARE = "aware", "The date the partners became aware of the incident (Working Together)"
        NOTIFIED = "notified", "The date the notification was sent (Panel guidance, 2025)"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="review_settings"
    )
    rapid_review_starts = models.CharField(
        max_length=10, choices=RapidReviewStart.choices, default=RapidReviewStart.AWARE
    )
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)


# Learning ------------------------------------------------------------------------------------


class LearningTheme(models.Model):
    """A theme in the partnership's managed taxonomy. Retired, never deleted."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    retired_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["order", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partnership", "name"], name="theme_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    detail = models.TextField()
    themes = models.ManyToManyField(LearningTheme, related_name="findings", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["review", "number"]


class Recommendation(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="recommendations")
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    themes = models.ManyToManyField(LearningTheme, related_name="recommendations", blank=True)
    # The agencies the recommendation is addressed to (empty: the whole partnership).
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["review", "number"]


class Briefing(models.Model):
    """A 7-minute briefing: its wording as approved, generated from the review's findings."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="briefings")
    title = models.CharField(max_length=200)
    # The seven sections, keyed by section code (see masa.reviews.briefing.SECTIONS).
    sections = models.JSONField(default=dict)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
