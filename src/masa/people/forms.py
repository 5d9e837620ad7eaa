"""Forms for children's pages. Forms check what was typed (shape, check digits); services
check the rules that need the record or today's date, and name the field when they refuse."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from masa.core.forms import GovukDateField, GovukForm, MasaIdField

from .identifiers import (
    nhs_number_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_problem,
    upn_problem,
)
from .models import Disability, Ethnicity, RelationshipKind, Sex

NHS_NUMBER_HINT = "10 digits, for example 943 476 5919"


def clean_nhs_number(raw: str) -> str:
    value = normalise_nhs_number(raw)
    problem = value and nhs_number_problem(value)
    if problem:
        raise ValidationError(problem)
    return value


class ChildDetailsForm(GovukForm):
    """Everything about a child that can be typed in; the edit page adds the version."""

    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter the child's first name",
            "max_length": "First name must be 100 characters or fewer",
        },
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={
            "required": "Enter the child's last name",
            "max_length": "Last name must be 100 characters or fewer",
        },
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 2019. Leave blank for an unborn baby",
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        help_text="Only for an unborn baby. For example, 14 5 2027",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the child's sex",
            "invalid_choice": "Select the child's sex",
        },
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=20,
        help_text=NHS_NUMBER_HINT,
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        required=False,
        max_length=20,
        help_text="13 characters, for example B801200005001",
        error_messages={"max_length": "UPN must be 13 characters, like B801200005001"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        choices=[("", "Not recorded"), *Ethnicity.choices],
        error_messages={"invalid_choice": "Select the child's ethnicity from the list"},
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        required=False,
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply, or “No disability”",
        error_messages={"invalid_choice": "Select disabilities from the list"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="A short summary of the child's circumstances that every agency can see",
        error_messages={"max_length": "Summary must be 10,000 characters or fewer"},
    )

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_upn(self) -> str:
        value = normalise_upn(self.cleaned_data.get("upn", ""))
        problem = value and upn_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean_disabilities(self) -> list[str]:
        chosen = list(self.cleaned_data.get("disabilities") or [])
        if Disability.NONE in chosen and len(chosen) > 1:
            raise ValidationError(
                "Select “No disability” on its own, or select each disability the child has"
            )
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_of_birth") and data.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                "Enter a date of birth or an expected date of birth, not both",
            )
        return data


class ChildEditForm(ChildDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "nhs_number",
    "upn",
)


def identity_fingerprint(data: dict[str, Any]) -> str:
    """What the duplicate check looked at: a confirmation counts only for these details."""
    text = "|".join(str(data.get(name) or "").strip().lower() for name in IDENTITY_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ChildCreateForm(ChildDetailsForm):
    confirm_new = forms.MultipleChoiceField(
        label="Is this a new child?",
        choices=[("yes", "This is a new child: none of these records is the same child")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    checked = forms.CharField(widget=forms.HiddenInput, required=False)

    def confirmed_new(self) -> bool:
        """Confirmed for exactly the details the duplicate warning was shown for."""
        data = self.cleaned_data
        return "yes" in (data.get("confirm_new") or []) and data.get(
            "checked"
        ) == identity_fingerprint(data)

    def details(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"confirm_new", "checked"}}


class AddressForm(GovukForm):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={
            "required": "Enter the first line of the address",
            "max_length": "Address line 1 must be 200 characters or fewer",
        },
    )
    line_2 = forms.CharField(
        label="Address line 2 (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Address line 2 must be 200 characters or fewer"},
    )
    town = forms.CharField(
        label="Town or city",
        max_length=100,
        error_messages={
            "required": "Enter the town or city",
            "max_length": "Town or city must be 100 characters or fewer",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter a postcode",
            "max_length": "Enter a real postcode, like NB1 2AB",
        },
    )
    from_date = GovukDateField(label="Date they moved in", help_text="For example, 27 3 2024")
    to_date = GovukDateField(
        label="Date they moved out",
        required=False,
        help_text="Leave blank if they live there now. The previous address is then closed "
        "the day before they moved in",
    )

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data.get("postcode", ""))
        problem = postcode_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and end < start:
            self.add_error(
                "to_date",
                "Date they moved out must be the same as or after the date they moved in",
            )
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]
PERSON_CHOICES = [
    ("new", "Someone not yet recorded (an adult, or a child without a masa record)"),
    ("known", "A family member already recorded for a brother, sister or related child"),
    ("child", "A child with a masa record"),
]


class RelationshipForm(GovukForm):
    kind = forms.ChoiceField(
        label="How are they related to the child?",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they are related to the child",
            "invalid_choice": "Select how they are related to the child",
        },
    )
    other_kind = forms.CharField(
        label="If other, how are they related?",
        required=False,
        max_length=100,
        help_text="For example, grandmother or mother's partner",
        error_messages={"max_length": "Relationship must be 100 characters or fewer"},
    )
    lives_with_child = forms.ChoiceField(
        label="Do they live with the child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether they live with the child",
            "invalid_choice": "Select whether they live with the child",
        },
    )
    started_on = GovukDateField(
        label="Date the relationship started",
        required=False,
        help_text="Optional. For example, 27 3 2024, when a carer started caring for the child",
    )
    person = forms.ChoiceField(
        label="Who is it?",
        choices=PERSON_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the relationship is with",
            "invalid_choice": "Select who the relationship is with",
        },
    )
    member_first_name = forms.CharField(
        label="First name", required=False, max_length=100,
        error_messages={"max_length": "First name must be 100 characters or fewer"},
    )  # fmt: skip
    member_last_name = forms.CharField(
        label="Last name", required=False, max_length=100,
        error_messages={"max_length": "Last name must be 100 characters or fewer"},
    )  # fmt: skip
    member_date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="Optional. For example, 27 3 1990"
    )
    member_nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=20,
        help_text=NHS_NUMBER_HINT,
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    family_member_id = forms.ChoiceField(
        label="Family member",
        required=False,
        error_messages={"invalid_choice": "Select a family member from the list"},
    )
    other_child_id = MasaIdField(label="The other child's masa ID", required=False)

    def __init__(self, *args: Any, known_members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_member_id"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a family member"),
            *known_members,
        ]
        if not known_members:
            self.fields["person"].choices = [  # type: ignore[attr-defined]
                choice for choice in PERSON_CHOICES if choice[0] != "known"
            ]

    def clean_member_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("member_nhs_number", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "other" and not (data.get("other_kind") or "").strip():
            self.add_error("other_kind", "Enter how they are related to the child")
        person = data.get("person")
        if person == "new":
            if not data.get("member_first_name", "").strip():
                self.add_error("member_first_name", "Enter the family member's first name")
            if not data.get("member_last_name", "").strip():
                self.add_error("member_last_name", "Enter the family member's last name")
        elif person == "known" and not data.get("family_member_id"):
            self.add_error("family_member_id", "Select the family member")
        elif (
            person == "child"
            and not data.get("other_child_id")
            and "other_child_id" not in self.errors
        ):
            self.add_error("other_child_id", "Enter the other child's masa ID")
        return data


class RelationshipEndForm(GovukForm):
    ended_on = GovukDateField(
        label="Date the relationship ended", help_text="For example, 27 3 2026"
    )


class MergeChooseForm(GovukForm):
    other_id = MasaIdField(
        label="masa ID of the other record",
        error_messages={"required": "Enter the masa ID of the other record"},
    )
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        choices=[("this", "This record"), ("other", "The other record")],
        widget=forms.RadioSelect,
        help_text="The other record is merged into it and its ID then opens the record kept",
        error_messages={
            "required": "Select which record to keep",
            "invalid_choice": "Select which record to keep",
        },
    )


class RestrictForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter the reason",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


class AccessGrantForm(GovukForm):
    grantee = forms.ChoiceField(
        label="Colleague", error_messages={"required": "Select the colleague who needs access"}
    )
    reason = forms.CharField(
        label="Why do they need access?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why they need access"},
    )
    days = forms.IntegerField(
        label="For how many days?",
        min_value=1,
        max_value=30,
        widget=forms.NumberInput,
        help_text="Between 1 and 30 days",
        error_messages={
            "required": "Enter for how many days",
            "invalid": "Number of days must be a whole number",
            "min_value": "Access can be granted for between 1 and 30 days",
            "max_value": "Access can be granted for between 1 and 30 days",
        },
    )

    def __init__(self, *args: object, colleagues: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [("", "Choose a colleague"), *colleagues]  # type: ignore[attr-defined]


class BreakGlassForm(GovukForm):
    child_id = MasaIdField(
        label="Child's masa ID", error_messages={"required": "Enter the child's masa ID"}
    )
    reason = forms.CharField(
        label="What is the emergency?",
        widget=forms.Textarea,
        help_text="This is shown to the child's worker and their manager, and reviewed",
        error_messages={"required": "Explain the emergency"},
    )


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Search by name, date of birth, NHS number, UPN, postcode or masa ID",
        help_text="For example, Sam Taylor 27/3/2019, 943 476 5919 or NB1 2AB. Spelling "
        "mistakes in names are allowed",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search must be 100 characters or fewer"},
    )
