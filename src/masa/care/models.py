"""Children looked after, care leavers, missing children, exploitation, LADO and private fostering.

Care is recorded the way the DfE's SSDA903 return counts it, so the return is right as it is
recorded: an ``Episode`` is a 903 episode (a change of legal status, placement or carer starts a new
one); a period of care is derived from episodes (it starts with an episode whose reason for new
episode is "S" and ends with an episode that ceases with a reason other than "X1"), never stored.
Code fields hold the DfE codes exactly (``legal_status`` = LS "C2", ``placement_type`` = PLACE
"U1"...); which codes are valid depends on the collection year, so they are checked by the 903 rule
units (``masa.returns.ssda903``) when a worker saves, not by model choices. The 903 field each
column carries is named in its comment.

Deadlines (CLA reviews, health assessments, return home interviews, LADO initial consideration,
private fostering visits) are derived by ``masa.care.clocks`` from the dates here, never stored.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, Partnership, User
from masa.journey.models import Case
from masa.people.models import Child

# ------------------------------------------------------------------ identity and postcodes


class ReturnIdentifier(models.Model):
    """The child's identifier in a DfE return (903 CHILD), as imported from another system.

    Children recorded in masa use their masa ID; children imported keep the CHILD value their
    previous system used, so later imports match them (with the UPN as a second check).
    """

    class Scheme(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 CHILD"
        CIN = "cin", "CIN census LAchildID"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="return_identifiers")
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    value = models.CharField(max_length=20)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["partnership", "scheme", "value"], name="return_identifier_unique"
            ),
            models.UniqueConstraint(fields=["child", "scheme"], name="return_identifier_per_child"),
        ]


class PostcodeCentroid(models.Model):
    """Where a postcode is, for distances from home: the ONS postcode directory in production,
    the demo borough's fictional postcodes in the demo. A postcode not held gives an "unknown"
    distance, never a guess."""

    postcode = models.CharField(max_length=8, unique=True)  # normalised "NB1 2AB"
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    local_authority_code = models.CharField(max_length=9, blank=True)  # ONS code, e.g. E08000010
    source = models.CharField(max_length=80)


# ------------------------------------------------------------------ children looked after


class CareProfile(models.Model):
    """What the 903 header and UASC tables hold about a looked-after child beyond ``Child``."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="care_profile")
    # UASC: unaccompanied asylum-seeking child; DUC = the date UASC status ceased.
    uasc = models.BooleanField(default=False)
    uasc_ceased_on = models.DateField(null=True, blank=True)  # DUC
    # Header MOTHER / MC_DOB: the child is a mother, and her child's date of birth.
    is_mother = models.BooleanField(null=True, blank=True)  # MOTHER (1/0; blank if male)
    mothers_child_born_on = models.DateField(null=True, blank=True)  # MC_DOB
    version = models.PositiveIntegerField(default=1)


class CarerKind(models.TextChoices):
    FOSTER_CARER = "foster_carer", "Foster carer"
    CONNECTED_PERSON = "connected_person", "Family and friends (connected person) carer"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    PARENT = "parent", "Parent or person with parental responsibility"
    ADOPTER = "adopter", "Prospective adopter"
    SECURE_UNIT = "secure_unit", "Secure unit or young offender institution"
    OTHER = "other", "Other"


class Carer(models.Model):
    """A carer or provider a child is placed with. Not a child's record: no child data here."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=CarerKind.choices)
    # PLACE_PROVIDER: PR0 parent, PR1 own provision, PR2 other LA, PR3 other public,
    # PR4 private, PR5 voluntary.
    provider_code = models.CharField(max_length=3)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)  # URN ("SC123456"/"XXXXXXX")
    postcode = models.CharField(max_length=8, blank=True)
    ended_on = models.DateField(null=True, blank=True)  # no longer approved; kept for history

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Episode(models.Model):
    """One 903 episode of care."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_episodes")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="care_episodes"
    )
    started_on = models.DateField()  # DECOM
    reason_new_episode = models.CharField(max_length=1)  # RNE: S, L, P, T, B, U
    legal_status = models.CharField(max_length=2)  # LS: C1, C2, D1, E1, V2, V3, V4, L1-3, J1-3
    category_of_need = models.CharField(max_length=2)  # CIN: N1-N8
    placement_type = models.CharField(max_length=3)  # PLACE: U1-U6, K1, K2, R1...Z1, Z11-Z14
    placement_provider = models.CharField(max_length=3, blank=True)  # PLACE_PROVIDER
    carer = models.ForeignKey(
        Carer, on_delete=models.PROTECT, null=True, blank=True, related_name="episodes"
    )
    ended_on = models.DateField(null=True, blank=True)  # DEC
    reason_ceased = models.CharField(max_length=3, blank=True)  # REC: X1, E11, E12, E2...
    reason_place_change = models.CharField(max_length=6, blank=True)  # REASON_PLACE_CHANGE
    home_postcode = models.CharField(max_length=8, blank=True)  # HOME_POST
    placement_postcode = models.CharField(max_length=8, blank=True)  # PL_POST
    urn = models.CharField(max_length=8, blank=True)  # URN (XXXXXXX when not applicable)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["child", "started_on", "id"]
        indexes: ClassVar = [
            models.Index(fields=["child", "started_on"]),
            models.Index(fields=["started_on", "ended_on"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["child", "started_on"], name="one_episode_per_day")
        ]


class SocialWorkerEpisode(models.Model):
    """903 SWEpisodes (2023/24 on): who the child's social worker was, from when."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="social_worker_spells")
    social_worker_id = models.CharField(max_length=20)  # SW_ID (the worker's DfE workforce ID)
    worker = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    started_on = models.DateField()  # SW_DECOM
    ended_on = models.DateField(null=True, blank=True)  # SW_DEC
    reason_changed = models.CharField(max_length=6, blank=True)  # SW_REASON

    class Meta:
        ordering: ClassVar = ["child", "started_on", "id"]


class CareReview(models.Model):
    """A looked-after child's review, chaired by an independent reviewing officer (903 Reviews)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_reviews")
    held_on = models.DateField()  # REVIEW
    participation = models.CharField(max_length=3)  # REVIEW_CODE: PN0-PN7
    chaired_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["child", "held_on", "id"]


class HealthEventKind(models.TextChoices):
    INITIAL_HEALTH_ASSESSMENT = "iha", "Initial health assessment"
    REVIEW_HEALTH_ASSESSMENT = "rha", "Review health assessment"
    DENTAL_CHECK = "dental", "Dental check"
    IMMUNISATIONS_UP_TO_DATE = "immunisations", "Immunisations up to date"
    PERSONAL_EDUCATION_PLAN = "pep", "Personal education plan"
    PEP_REVIEW = "pep_review", "Personal education plan review"


class HealthAndEducationEvent(models.Model):
    """A health assessment, dental check, immunisation check or PEP for a looked-after child."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_health_events")
    kind = models.CharField(max_length=20, choices=HealthEventKind.choices)
    done_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["child", "done_on", "id"]


class AnnualOutcomes(models.Model):
    """The OC2 row for a child looked after for 12 months at 31 March of a collection year.

    What masa records as events (health assessments, dental checks, SDQ) pre-fills it; what only
    the year's return holds (convictions, substance misuse, interventions) is recorded here.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_outcomes")
    year_ending = models.PositiveIntegerField()  # 2025 = collection year 2024/25
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True)  # SDQ_SCORE 0-40
    sdq_reason = models.CharField(max_length=4, blank=True)  # SDQ_REASON SDQ1-SDQ5
    convicted = models.BooleanField(null=True, blank=True)  # CONVICTED
    health_check = models.BooleanField(null=True, blank=True)  # HEALTH_CHECK (under 5s)
    immunisations = models.BooleanField(null=True, blank=True)  # IMMUNISATIONS
    teeth_check = models.BooleanField(null=True, blank=True)  # TEETH_CHECK
    health_assessment = models.BooleanField(null=True, blank=True)  # HEALTH_ASSESSMENT
    substance_misuse = models.BooleanField(null=True, blank=True)  # SUBSTANCE_MISUSE
    intervention_received = models.BooleanField(null=True, blank=True)  # INTERVENTION_RECEIVED
    intervention_offered = models.BooleanField(null=True, blank=True)  # INTERVENTION_OFFERED

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["child", "year_ending"], name="oc2_once_a_year")
        ]


class AdoptionDecision(models.Model):
    """903 PlacedAdoption: the decision that the child should be placed for adoption."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="adoption_decisions")
    decided_on = models.DateField()  # DATE_PLACED
    ceased_on = models.DateField(null=True, blank=True)  # DATE_PLACED_CEASED
    reason_ceased = models.CharField(max_length=3, blank=True)  # REASON_PLACED_CEASED

    class Meta:
        ordering: ClassVar = ["child", "decided_on", "id"]


class AdoptionMatch(models.Model):
    """903 AD1: adoption — the decision (best interests), the match and the adopters."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="adoption_matches")
    best_interests_on = models.DateField()  # DATE_INT
    matched_on = models.DateField()  # DATE_MATCH
    foster_carer_adoption = models.BooleanField()  # FOSTER_CARE
    number_of_adopters = models.PositiveSmallIntegerField()  # NB_ADOPTR
    adopters_sex = models.CharField(max_length=2)  # SEX_ADOPTR: M1, F1, MM, FF, MF
    adopters_legal_status = models.CharField(max_length=3)  # LS_ADOPTR: L0, L11, L12, L2-L4


class PreviousPermanence(models.Model):
    """903 PrevPerm: an adoption, SGO or CAO before this period of care."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="previous_permanence")
    kind = models.CharField(max_length=2)  # PREV_PERM: P1, P2, P3, P4 (2016+), Z1
    la = models.CharField(max_length=3, blank=True)  # LA_PERM (old LA code, or NUK/NIR...)
    made_on = models.DateField(null=True, blank=True)  # DATE_PERM (may be partial in the 903)
    made_on_text = models.CharField(max_length=10, blank=True)  # as given, e.g. "zz/10/2015"


# ------------------------------------------------------------------ care leavers


class CareLeaverContact(models.Model):
    """903 OC3: the local authority's contact with a care leaver around a birthday (17 to 21)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_leaver_contacts")
    year_ending = models.PositiveIntegerField()
    in_touch = models.CharField(max_length=4)  # IN_TOUCH: YES, NO, DIED, REFU, NREQ, RHOM
    activity = models.CharField(max_length=2, blank=True)  # ACTIV: F1, P1, F2, P2, F4...G6
    accommodation = models.CharField(max_length=2, blank=True)  # ACCOM: Z1, B1, C2... (+ suit.)
    contacted_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["child", "year_ending"], name="oc3_once_a_year")
        ]


class PathwayPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="pathway_plans")
    agreed_on = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)  # this row is a review if set
    personal_adviser = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["child", "agreed_on", "id"]


class StayingPut(models.Model):
    """A care leaver staying with former foster carers after 18."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="staying_put")
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, null=True, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)


# ------------------------------------------------------------------ missing children


class MissingKind(models.TextChoices):
    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class MissingEpisode(models.Model):
    """A missing or away-from-placement episode, for any child (in care or not)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=MissingKind.choices)  # 903 MISSING
    started_at = models.DateTimeField()  # MIS_START (date part)
    ended_at = models.DateTimeField(null=True, blank=True)  # MIS_END (date part)
    reported_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    police_reference = models.CharField(max_length=40, blank=True)
    last_seen_location = models.CharField(max_length=200, blank=True)
    found_location = models.CharField(max_length=200, blank=True)
    # People the child was with or is thought to be with (free text names or descriptions).
    associates = models.JSONField(default=list, blank=True)
    exploitation_concern = models.BooleanField(default=False)
    # Return home interview (offered within 72 hours of the return).
    rhi_offered_at = models.DateTimeField(null=True, blank=True)
    rhi_accepted = models.BooleanField(null=True, blank=True)
    rhi_held_on = models.DateField(null=True, blank=True)
    rhi_outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["child", "started_at", "id"]
        indexes: ClassVar = [models.Index(fields=["child", "started_at"])]


# ------------------------------------------------------------------ exploitation


class ExploitationScreening(models.Model):
    """A screening for child sexual or criminal exploitation, with its risk level."""

    class Risk(models.TextChoices):
        NONE = "none", "No risk identified"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="exploitation_screens")
    screened_on = models.DateField()
    sexual_exploitation = models.BooleanField(default=False)
    criminal_exploitation = models.BooleanField(default=False)
    other_exploitation = models.CharField(max_length=200, blank=True)  # e.g. trafficking
    risk = models.CharField(max_length=10, choices=Risk.choices)
    indicators = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    screened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["child", "screened_on", "id"]


class MaceMeeting(models.Model):
    """A multi-agency child exploitation (MACE) meeting."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    chair = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agencies_present = models.ManyToManyField(Agency, related_name="+", blank=True)
    children = models.ManyToManyField(Child, related_name="mace_meetings", blank=True)
    decisions = models.TextField(blank=True)
    disruption_actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")


class ExploitationLink(models.Model):
    """A link the partnership knows of: a child to another child, a place or an associate."""

    class Kind(models.TextChoices):
        CHILD = "child", "Another child"
        PLACE = "place", "A place"
        ASSOCIATE = "associate", "An adult associate"
        VEHICLE = "vehicle", "A vehicle"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="exploitation_links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    other_child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200)  # the place, associate or vehicle
    first_noted_on = models.DateField()
    source = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)


# ------------------------------------------------------------------ LADO


class LadoOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"
    UNFOUNDED = "unfounded", "Unfounded"


class LadoAllegation(models.Model):
    """An allegation against a person who works with children. Only the LADO role sees these."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    referred_by = models.CharField(max_length=200)
    referring_sector = models.CharField(max_length=40)  # education, health, police, faith...
    employer = models.CharField(max_length=200)
    person_role = models.CharField(max_length=120)  # the job of the person the allegation is about
    person_name = models.CharField(max_length=200)
    category = models.CharField(max_length=20)  # physical, sexual, emotional, neglect, suitability
    summary = models.TextField()
    children = models.ManyToManyField(Child, related_name="+", blank=True)
    initial_consideration_on = models.DateField(null=True, blank=True)
    initial_decision = models.CharField(max_length=30, blank=True)  # advice / evaluation / strategy
    outcome = models.CharField(max_length=20, choices=LadoOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    employer_actions = models.TextField(blank=True)  # suspension, dismissal, DBS referral...
    dbs_referral = models.BooleanField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    lado = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-received_on", "-id"]


class LadoMeeting(models.Model):
    allegation = models.ForeignKey(
        LadoAllegation, on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=30)  # strategy / evaluation / review
    attendees = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")


# ------------------------------------------------------------------ private fostering


class PrivateFostering(models.Model):
    """A private fostering arrangement notified to the local authority."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="private_fostering")
    notified_on = models.DateField()
    proposed_start_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    carer_name = models.CharField(max_length=200)
    carer_relationship = models.CharField(max_length=120, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)


class PrivateFosteringVisit(models.Model):
    arrangement = models.ForeignKey(
        PrivateFostering, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField()
    child_seen = models.BooleanField()
    child_seen_alone = models.BooleanField()
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
