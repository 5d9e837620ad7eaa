"""Children, their identifiers, families and addresses, and the agencies involved with them.

A child's record is never deleted: a duplicate is merged into the record kept (``merged_into``)
and disappears from lists, while its audit trail stays attached to its own id.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Agency, Partnership, Team, User
from masa.core.presenters import format_masa_id

from .identifiers import format_nhs_number


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    """DfE ethnicity codes, as in the CIN census and the SSDA903 return."""

    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WROM = "WROM", "White: Gypsy or Roma"
    WOTH = "WOTH", "White: any other White background"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused: the child or family chose not to say"
    NOBT = "NOBT", "Not yet obtained"


class Disability(models.TextChoices):
    """CIN census disability codes. A child may have several; "NONE" stands alone."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility: getting about"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness (for example seizures)"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability"


class Child(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # A born child has a date of birth; an unborn child an expected date of birth (never both).
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    summary = models.TextField(blank=True)
    # Digits only, checked with the NHS modulus 11 check digit (identifiers.py). Not unique:
    # two records with one NHS number are a duplicate to be merged, not an input error.
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    disabilities = models.JSONField(default=list, blank=True)  # Disability codes
    is_restricted = models.BooleanField(default=False)
    restriction_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
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
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=True)
                | models.Q(expected_date_of_birth__isnull=True),
                name="child_born_or_expected_not_both",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="child_not_merged_into_itself",
            ),
        ]
        # Look-ups are always within one partnership: leading with it gives the query planner
        # one obvious index for each, even on SQLite without statistics.
        indexes: ClassVar = [
            models.Index(fields=["partnership", "nhs_number"], name="child_nhs_number"),
            models.Index(fields=["partnership", "upn"], name="child_upn"),
            models.Index(fields=["partnership", "date_of_birth"], name="child_date_of_birth"),
            models.Index(
                fields=["partnership", "expected_date_of_birth"], name="child_expected_birth"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masa_id(self) -> str:
        return format_masa_id(self.pk)

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    @property
    def disability_labels(self) -> list[str]:
        labels = dict(Disability.choices)
        return [str(labels.get(code, code)) for code in self.disabilities or []]


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


class FamilyMember(models.Model):
    """An adult or child in a child's family or household who is not a case themselves."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="family_members"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    HOUSEHOLD = "household", "Household member"
    OTHER = "other", "Other"


class Relationship(models.Model):
    """How someone is related to a child: a family member, or another child with a record.

    Read it as "<person> is the child's <kind>". Between two children, one row serves both:
    seen from the other child, a parent is shown as "Child of" (see ``kind_seen_from``).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relationships",
    )
    other_child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relationships_as_other",
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    other_kind = models.CharField(max_length=100, blank=True)
    lives_with_child = models.BooleanField(default=False)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["ended_on", "kind", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(family_member__isnull=False, other_child__isnull=True)
                | models.Q(family_member__isnull=True, other_child__isnull=False),
                name="relationship_to_one_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="relationship_ends_after_start",
            ),
        ]

    @property
    def label(self) -> str:
        return self.other_kind if self.kind == RelationshipKind.OTHER else self.get_kind_display()

    def kind_seen_from(self, child_id: int) -> str:
        """The relationship's name as the given child's page shows it."""
        if child_id == self.child_id:
            return self.label
        reverse = {
            RelationshipKind.PARENT: "Child",
            RelationshipKind.CARER: "Cared for by them",
        }
        return reverse.get(RelationshipKind(self.kind), self.label)

    def person_seen_from(self, child_id: int) -> FamilyMember | Child | None:
        if self.family_member_id is not None:
            return self.family_member
        return self.other_child if child_id == self.child_id else self.child


class Address(models.Model):
    """Where a child lived, and when. The open one (no ``to_date``) is the current address."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, db_index=True)  # "NB1 2AB": identifiers.py
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering: ClassVar = ["-from_date", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(to_date__isnull=True)
                | models.Q(to_date__gte=models.F("from_date")),
                name="address_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        return ", ".join(
            part for part in (self.line_1, self.line_2, self.town, self.postcode) if part
        )


class PersonSearchKey(models.Model):
    """One search key of a child's names (search.py); written only by services and the demo."""

    # The (child, key) unique index serves look-ups by child; no separate FK index is needed.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="search_keys", db_index=False
    )
    key = models.CharField(max_length=16)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["child", "key"], name="search_key_unique")
        ]
        # Searches start from the key and need only the child id: a covering index.
        indexes: ClassVar = [models.Index(fields=["key", "child"], name="search_key_lookup")]
