"""Forms for children in need plans and visits."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm

from .forms_assessment import VersionedForm, closure_reason_field, yes_no_field
from .services_cin import CINNextStep


class CINPlanStartForm(GovukForm):
    started_on = GovukDateField(label="Date the plan started", help_text="For example, 27 3 2026")
    plan = forms.CharField(
        label="The plan",
        widget=forms.Textarea,
        required=False,
        help_text="What will happen, who will do it and by when",
    )
    reason = forms.CharField(
        label="Why does the child need a child in need plan?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the child needs a child in need plan"},
    )


class CINPlanEditForm(VersionedForm):
    started_on = GovukDateField(
        label="Date the plan started",
        help_text="Correct this if it was recorded wrongly. For example, 27 3 2026",
    )
    plan = forms.CharField(label="The plan", widget=forms.Textarea, required=False)


class CINReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", help_text="For example, 27 3 2026")
    summary = forms.CharField(
        label="What did the review find and decide?", widget=forms.Textarea, required=False
    )


class CINPlanEndForm(VersionedForm):
    ended_on = GovukDateField(label="Date the plan ended", help_text="For example, 27 3 2026")
    end_reason = forms.CharField(
        label="Why is the plan ending?",
        max_length=200,
        error_messages={
            "required": "Enter why the plan is ending",
            "max_length": "Why the plan is ending must be 200 characters or fewer",
        },
    )
    next_step = forms.ChoiceField(
        label="What happens to the case next?",
        choices=CINNextStep.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens to the case next"},
    )
    closure_reason = closure_reason_field()
    lead_agency = forms.ChoiceField(
        label="Agency leading the early help",
        required=False,
        help_text="Only if the child is stepping down to early help",
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("next_step") == CINNextStep.CLOSE and not data.get("closure_reason"):
            self.add_error("closure_reason", "Select the reason for closing the case")
        if data.get("next_step") == CINNextStep.EARLY_HELP and not data.get("lead_agency"):
            self.add_error("lead_agency", "Select the agency that will lead the early help")
        return data


class VisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of the visit", help_text="For example, 27 3 2026")
    child_seen = yes_no_field("Was the child seen?", "Select whether the child was seen")
    seen_alone = yes_no_field(
        "Was the child seen alone?", "Select whether the child was seen alone"
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("seen_alone") is True and data.get("child_seen") is False:
            self.add_error(
                "seen_alone",
                "The child cannot have been seen alone if they were not seen: change 'Was the "
                "child seen?' or 'Was the child seen alone?'",
            )
        return data
