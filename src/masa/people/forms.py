from __future__ import annotations

from django import forms

from masa.core.forms import GovukDateField, GovukForm, MasaIdField

from .models import Sex


class ChildDetailsForm(GovukForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="Or expected date of birth for an unborn child. For example, 27 3 2019",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="A short summary of the child's circumstances that every agency can see",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


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
    q = forms.CharField(label="Search by name or masa ID", required=False, max_length=100)
