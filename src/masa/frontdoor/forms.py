"""Front door forms: every message says what is wrong and where (GOV.UK error message style)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from masa.core.forms import GovukDateField, GovukForm, MasaIdField
from masa.protection.factors import ASSESSMENT_FACTORS

from .models import ConsentBasis, PrimaryNeed, Rag, ReasonForClosure, ReferralSource

# The DfE factors, grouped as a practitioner looks for them. Every code appears once.
FACTOR_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "factors_abuse",
        "Abuse and neglect",
        ["16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "22A", "23A"],
    ),
    (
        "factors_outside_home",
        "Exploitation, going missing and harm outside the home",
        ["10A", "11A", "24A", "12A", "13A"],
    ),
    ("factors_domestic", "Domestic violence", ["3A", "3B", "3C"]),
    ("factors_substances", "Alcohol and drug misuse", ["1A", "1B", "1C", "2A", "2B", "2C"]),
    (
        "factors_health",
        "Mental health, learning disability, physical disability or illness",
        ["4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C"],
    ),
    (
        "factors_child",
        "The child's behaviour and circumstances",
        ["15A", "14A", "7A", "9A", "8B", "8C", "8D", "8E", "8F"],
    ),
    ("factors_other", "Other", ["20", "21"]),
]
FACTOR_FIELDS = [name for name, _, _ in FACTOR_GROUPS]

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> dt.time | None:
    """A time as people type it: 14:30, 9:05, 2:30pm, 2pm, 14.30. None if it is not one."""
    match = _TIME.match(text.strip().lower().replace(" ", ""))
    if match is None:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone is ambiguous: ask for minutes
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class ContactForm(GovukForm):
    child_id = MasaIdField(
        label="Child's masa ID", error_messages={"required": "Enter the child's masa ID"}
    )
    received_on = GovukDateField(label="Date received", help_text="For example, 23 11 2026")
    received_time = forms.CharField(
        label="Time received",
        max_length=10,
        help_text="For example, 9:30am or 14:30",
        error_messages={"required": "Enter the time the contact was received"},
    )
    source = forms.ChoiceField(
        label="Who made the contact (DfE referral source)",
        choices=[("", "Choose a source"), *ReferralSource.choices],
        error_messages={
            "required": "Select who made the contact",
            "invalid_choice": "Select who made the contact from the list",
        },
    )
    source_agency = forms.ChoiceField(
        label="Agency that made the contact",
        required=False,
        help_text="Leave blank for a member of the public",
        error_messages={"invalid_choice": "Select the agency from the list"},
    )
    referrer_name = forms.CharField(
        label="Name of the person who made the contact (optional)", required=False, max_length=200
    )
    reason = forms.CharField(
        label="Reason for the contact",
        widget=forms.Textarea,
        max_length=10000,
        help_text="What the person told you, in their words where you can",
        error_messages={"required": "Enter the reason for the contact"},
    )
    consent_basis = forms.ChoiceField(
        label="Basis for sharing information",
        widget=forms.RadioSelect,
        choices=ConsentBasis.choices,
        error_messages={
            "required": "Select the basis for sharing information",
            "invalid_choice": "Select the basis for sharing information",
        },
    )
    rag = forms.ChoiceField(
        label="Screening RAG rating (optional)",
        widget=forms.RadioSelect,
        choices=Rag.choices,
        required=False,
        error_messages={"invalid_choice": "Select red, amber or green, or leave the rating blank"},
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        choose_agency: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if choose_agency:
            self.fields["source_agency"].choices = [("", "Not an agency"), *agencies]  # type: ignore[attr-defined]
        else:  # the contact comes from the user's own agency
            del self.fields["source_agency"]
        # One group of checkboxes per kind of concern, placed after the reason.
        for name, legend, codes in FACTOR_GROUPS:
            self.fields[name] = forms.MultipleChoiceField(
                label=legend,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(code, f"{ASSESSMENT_FACTORS[code]} ({code})") for code in codes],
                error_messages={"invalid_choice": "Select presenting concerns from the list"},
            )

    def clean_received_time(self) -> dt.time:
        text = self.cleaned_data["received_time"]
        parsed = parse_time(text)
        if parsed is None:
            raise ValidationError("Time received must be a real time, like 9:30am or 14:30")
        return parsed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        factors = [code for name in FACTOR_FIELDS for code in data.get(name) or []]
        data["presenting_factors"] = factors
        if not factors and not any(self.errors.get(name) for name in FACTOR_FIELDS):
            self.add_error(FACTOR_FIELDS[0], "Select at least one presenting concern")
        return data


class AgencyCheckForm(GovukForm):
    information_held = forms.ChoiceField(
        label="Does your agency hold information about this child or family?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={
            "required": "Select yes if your agency holds information",
            "invalid_choice": "Select yes if your agency holds information",
        },
    )
    information = forms.CharField(
        label="What your agency holds",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="Only children's social care and your own agency can read this",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("information_held") == "yes" and not (data.get("information") or "").strip():
            self.add_error("information", "Enter the information your agency holds")
        return data


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision", "invalid_choice": "Select the decision"},
    )
    continuum_level = forms.ChoiceField(
        label="Level of need on the continuum",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the level of need on the continuum",
            "invalid_choice": "Select the level of need on the continuum",
        },
    )
    decision_reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter the reason for the decision"},
    )
    decided_on = GovukDateField(label="Date of the decision", help_text="For example, 23 11 2026")
    primary_need = forms.ChoiceField(
        label="Primary need (for a referral or a strategy discussion)",
        required=False,
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        error_messages={"invalid_choice": "Select the child's primary need from the list"},
    )
    lead_agency = forms.ChoiceField(
        label="Agency to lead early help (for early help)",
        required=False,
        error_messages={"invalid_choice": "Select the agency from the list"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        decisions: list[tuple[str, str]],
        levels: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = decisions  # type: ignore[attr-defined]
        self.fields["continuum_level"].choices = levels  # type: ignore[attr-defined]
        self.fields["lead_agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision in ("referral", "strategy") and not data.get("primary_need"):
            self.add_error("primary_need", "Select the child's primary need for the referral")
        if decision == "early_help" and not data.get("lead_agency"):
            self.add_error("lead_agency", "Select the agency that will lead the early help")
        return data


class ContactFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("awaiting", "Awaiting a decision"),
            ("decided", "Decided"),
            ("all", "All contacts"),
        ],
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Any rating"), *Rag.choices, ("none", "Not rated")],
    )


class ReferralNfaForm(GovukForm):
    closed_on = GovukDateField(label="Closure date", help_text="For example, 23 11 2026")
    closure_reason = forms.ChoiceField(
        label="Reason for closure (DfE code)",
        choices=[("", "Choose a reason"), *ReasonForClosure.choices],
        error_messages={
            "required": "Select the reason for closure",
            "invalid_choice": "Select the reason for closure from the list",
        },
    )
    reason = forms.CharField(
        label="Why no further action is needed",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter why no further action is needed"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
