"""A child's casework as one explicit state machine, the chronology, and local timescales.

A ``Case`` is one episode of work with a child, from the contact that opened it to its closure
(the CIN census "CIN details" episode once a referral is accepted). Its ``stage`` changes only
through ``masa.journey.services.case_move``, which checks ``masa.journey.transitions`` and writes
a ``CaseTransition`` (who, when, why). The records of each step (contacts, assessments, plans...)
live in the domain apps and point at their case.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.calendar import Unit
from masa.core.models import Agency, Partnership, Team, User
from masa.people.models import Child


class Stage(models.TextChoices):
    CONTACT = "contact", "Contact being screened"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"
    ASSESSMENT = "assessment", "Assessment"
    STRATEGY = "strategy", "Strategy discussion"
    S47 = "s47", "Section 47 enquiry"
    ICPC = "icpc", "Initial child protection conference due"
    CP_PLAN = "cp_plan", "Child protection plan"
    CIN_PLAN = "cin_plan", "Child in need plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.CONTACT)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    # A child who moved here with work already under way: the authority it came from.
    transferred_in_from = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-opened_on", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["partnership", "stage"]),
            models.Index(fields=["child", "opened_on"]),
        ]
        constraints: ClassVar = [
            # A child has at most one open case: the database refuses a second even if two
            # contacts about the same child are logged at the same moment.
            models.UniqueConstraint(
                fields=["child"],
                condition=~models.Q(stage="closed"),
                name="one_open_case_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} for {self.child}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class CaseTransition(models.Model):
    """One move of a case between stages: append-only, written only by ``case_move``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    effective_on = models.DateField()
    moved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering: ClassVar = ["moved_at", "id"]


class Allocation(models.Model):
    """Who holds the case from when. Hand-over keeps the history; the clocks stay with the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_date = models.DateField()
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["from_date", "id"]


class OversightNote(models.Model):
    """A manager's recorded oversight and direction on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="oversight_notes")
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField()

    class Meta:
        ordering: ClassVar = ["-written_at", "-id"]


class EventType(models.TextChoices):
    CONTACT = "contact", "Contact"
    AGENCY_CHECK = "agency_check", "Agency information check"
    THRESHOLD_DECISION = "threshold_decision", "Threshold decision"
    REFERRAL = "referral", "Referral"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Assessment"
    STRATEGY = "strategy", "Strategy discussion"
    S47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Child protection conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    CORE_GROUP = "core_group", "Core group"
    CIN_PLAN = "cin_plan", "Child in need plan"
    VISIT = "visit", "Visit"
    ALLOCATION = "allocation", "Allocation"
    OVERSIGHT = "oversight", "Management oversight"
    CLOSURE = "closure", "Case closure"
    SIGNIFICANT_EVENT = "significant_event", "Significant event"
    CARE = "care", "Care: placement, legal status, adoption"
    CARE_REVIEW = "care_review", "Looked-after child's review"
    MISSING = "missing", "Missing episode"
    PRIVATE_FOSTERING = "private_fostering", "Private fostering"


class Significance(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ChronologyEntry(models.Model):
    """One line of the child's single multi-agency chronology.

    ``occurred_on`` is when it happened; ``recorded_at`` is when masa learnt of it (what the
    "as known on" view filters on). ``audience`` lists, between bars, the agency kinds beyond
    children's social care and the source agency that may read the entry (e.g. "|police|health|"),
    a form that filters the same way on SQLite and PostgreSQL.
    Entries made by the casework services point back at their record (``record_type``/``record_id``)
    and are corrected with it, so a corrected date moves the entry too.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="chronology")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="chronology"
    )
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField()
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    significance = models.CharField(
        max_length=10, choices=Significance.choices, default=Significance.MEDIUM
    )
    summary = models.TextField()
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=200, blank=True)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-occurred_on", "-recorded_at", "-id"]
        verbose_name_plural = "chronology entries"
        indexes: ClassVar = [
            models.Index(fields=["child", "occurred_on"]),
            models.Index(fields=["record_type", "record_id"]),
        ]


class ClockSetting(models.Model):
    """A partnership's own value for a local (L) timescale, overriding masa's default."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="clock_settings"
    )
    code = models.CharField(max_length=40)
    duration = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=[(u.value, u.value) for u in Unit])
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partnership", "code"], name="clock_setting_unique")
        ]


class PracticeModel(models.TextChoices):
    SIGNS_OF_SAFETY = "signs_of_safety", "Signs of Safety"
    SYSTEMIC = "systemic", "Systemic practice"
    FAMILY_SAFEGUARDING = "family_safeguarding", "Family Safeguarding"
    NONE = "none", "No named practice model"


class PracticeSettings(models.Model):
    """Per-partnership practice configuration: the practice model and the continuum of need."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="practice"
    )
    practice_model = models.CharField(
        max_length=30, choices=PracticeModel.choices, default=PracticeModel.SIGNS_OF_SAFETY
    )
    # The partnership's continuum of need levels, lowest first: [{"code": "1", "name": ...}, ...]
    continuum_levels = models.JSONField(default=list)
