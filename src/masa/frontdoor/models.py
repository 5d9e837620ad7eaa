"""The front door (MASH): contacts, each agency's information check, the threshold decision, and
referrals to children's social care. Codes at the boundary are the CIN census codes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, User
from masa.journey.models import Case
from masa.people.models import Child


class ReferralSource(models.TextChoices):
    """CIN census ReferralSource codes."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and child minders)"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other (including strangers)"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health services: general practitioner (GP)"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    A_AND_E = "3E", "Health services: A&E (accident and emergency department)"
    OTHER_HEALTH = "3F", "Health services: other (for example hospice)"
    HOUSING = "4", "Housing: local authority housing or housing association"
    LA_SOCIAL_CARE = "5A", "Local authority services: social care (for example adult social care)"
    LA_OTHER_INTERNAL = "5B", "Local authority services: other internal department"
    LA_EXTERNAL = "5C", "Local authority services: external (for example another authority)"
    LA_EARLY_HELP = "5D", "Local authority services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency (courts, probation, immigration, Cafcass or prison)"
    OTHER = "8", "Other (children's centres, independent providers, voluntary organisations)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class ConsentBasis(models.TextChoices):
    CONSENT_GIVEN = "consent_given", "Consent given by the parent or young person"
    NOT_SOUGHT_RISK = (
        "not_sought_risk",
        "Consent not sought: seeking it would place the child at risk of significant harm",
    )
    REFUSED_OVERRIDDEN = (
        "refused_overridden",
        "Consent refused: information shared to safeguard the child",
    )
    NOT_NEEDED = "not_needed", "Consent not needed: shared under a statutory duty"


class ThresholdDecision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    INFORMATION_ADVICE = "advice", "Information and advice"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"
    STRATEGY_NOW = "strategy", "Strategy discussion now"
    OPEN_CASE = "open_case", "Passed to the allocated worker of an open case"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Contact(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    source_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts_made"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    # Presenting concerns as CIN census factors identified at assessment codes ("1A", "2B"...).
    presenting_factors = models.JSONField(default=list)
    consent_basis = models.CharField(max_length=30, choices=ConsentBasis.choices)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=ThresholdDecision.choices, blank=True)
    continuum_level = models.CharField(max_length=20, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["decision", "received_at"])]


class AgencyCheck(models.Model):
    """What one agency's MASH practitioner found in their own agency's records."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="agency_checks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    information_held = models.BooleanField()
    information = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["recorded_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["contact", "agency"], name="one_check_per_agency")
        ]


class PrimaryNeed(models.TextChoices):
    """CIN census PrimaryNeedCode."""

    N1 = "N1", "Abuse, neglect and exploitation"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental disability or illness"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"
    N0 = "N0", "Not stated"


class ReasonForClosure(models.TextChoices):
    """CIN census ReasonForClosure codes."""

    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class Referral(models.Model):
    """A referral accepted by children's social care: the start of a CIN census episode."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    # ReferralNFA: closed with no further action straight after the referral.
    no_further_action = models.BooleanField(default=False)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ReasonForClosure.choices, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-referral_date", "-id"]
        indexes: ClassVar = [models.Index(fields=["child", "referral_date"])]
