"""Early help forms: every message says what is wrong and where (GOV.UK error message style)."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm, MasaIdField
from masa.frontdoor.models import PrimaryNeed, ReferralSource

from .models import EarlyHelpEndReason

EXAMPLE = "For example, 23 11 2026"


class LeadFields(GovukForm):
    lead_agency = forms.ChoiceField(
        label="Lead agency",
        error_messages={
            "required": "Select the lead agency",
            "invalid_choice": "Select the lead agency from the list",
        },
    )
    lead_professional = forms.ChoiceField(
        label="Lead professional (optional)",
        required=False,
        help_text="Someone from any agency in the partnership who records early help",
        error_messages={"invalid_choice": "Select the lead professional from the list"},
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        professionals: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]
        self.fields["lead_professional"].choices = [("", "Not yet chosen"), *professionals]  # type: ignore[attr-defined]


class EpisodeStartForm(LeadFields):
    child_id = MasaIdField(
        label="Child's masa ID", error_messages={"required": "Enter the child's masa ID"}
    )
    started_on = GovukDateField(label="Date early help started", help_text=EXAMPLE)
    reason = forms.CharField(
        label="Why early help is starting",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter why early help is starting"},
    )


class LeadForm(LeadFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentForm(GovukForm):
    completed_on = GovukDateField(label="Date the assessment was completed", help_text=EXAMPLE)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(GovukForm):
    agreed_on = GovukDateField(label="Date the plan was agreed", help_text=EXAMPLE)
    plan = forms.CharField(
        label="The plan",
        widget=forms.Textarea,
        max_length=20000,
        help_text="What will happen, who will do it and by when",
        error_messages={"required": "Enter the plan agreed with the family"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", help_text=EXAMPLE)
    progress = forms.CharField(
        label="Progress against the plan",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "Enter the progress made against the plan"},
    )


class EndForm(GovukForm):
    ended_on = GovukDateField(label="Date early help ended", help_text=EXAMPLE)
    end_reason = forms.ChoiceField(
        label="Why is early help ending?",
        widget=forms.RadioSelect,
        choices=[c for c in EarlyHelpEndReason.choices if c[0] != EarlyHelpEndReason.STEPPED_UP],
        error_messages={
            "required": "Select why early help is ending",
            "invalid_choice": "Select why early help is ending",
        },
    )
    note = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepUpForm(GovukForm):
    stepped_up_on = GovukDateField(label="Date of the step up", help_text=EXAMPLE)
    source = forms.ChoiceField(
        label="Referral source (DfE code)",
        choices=[("", "Choose a source"), *ReferralSource.choices],
        error_messages={
            "required": "Select where the referral came from",
            "invalid_choice": "Select where the referral came from",
        },
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        error_messages={
            "required": "Select the child's primary need for the referral",
            "invalid_choice": "Select the child's primary need for the referral",
        },
    )
    reason = forms.CharField(
        label="Why early help is stepping up",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter why early help is stepping up"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
