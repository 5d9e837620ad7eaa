"""Forms for child protection plans: changes, category, core groups, reviews and ending."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm

from .forms_conference import (
    MeetingForm,
    ScheduleForm,
    agencies_field,
    category_field,
    closure_reason_field,
    text,
    version_field,
)
from .models import PlanEndReason
from .services_conference import NextStep
from .services_plan import ReviewDecision

VISIT_FREQUENCY_ERRORS = {
    "required": "Enter how often the child must be visited, in working days",
    "invalid": "Visit frequency must be a whole number of working days",
}


def end_reason_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Why is the plan ending?",
        choices=[("", "Select a reason"), *PlanEndReason.choices],
        required=False,
    )


def next_step_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="What happens to the case when the plan ends?",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class PlanEditForm(GovukForm):
    plan = text("The child protection plan")
    contingency_plan = text(
        "Contingency plan",
        help_text="What will happen if the plan is not followed or does not keep the child safe",
    )
    visit_frequency_working_days = forms.IntegerField(
        label="Visit the child at least every (working days)",
        required=False,
        help_text="Leave blank to follow the partnership's visiting rule",
        widget=forms.NumberInput,
        error_messages=VISIT_FREQUENCY_ERRORS,
    )
    version = version_field()


class CategoryForm(GovukForm):
    latest_category = category_field(label="Latest category of abuse")
    reason = text(
        "Why is the category changing?",
        required=True,
        message="Enter why the category is changing",
    )
    version = version_field()


class CoreGroupForm(GovukForm):
    held_on = GovukDateField(label="Date of the core group", help_text="For example, 27 3 2026")
    agencies = agencies_field()
    notes = text("Notes")

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agencies  # type: ignore[attr-defined]


class ReviewForm(MeetingForm):
    date_label = "Date of the review conference"

    decision = forms.ChoiceField(
        label="Conference decision",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the plan continues or ends"},
    )
    latest_category = category_field(
        required=False,
        label="Category of abuse if the plan continues",
        help_text="Leave as it is unless the conference changed the category",
    )
    end_reason = end_reason_field()
    next_step = next_step_field()
    cin_plan = text(
        "Child in need plan", help_text="If support continues under a child in need plan"
    )
    closure_reason = closure_reason_field()
    version = version_field()


class ReviewScheduleForm(ScheduleForm):
    date_label = "Date of the review conference"


class PlanEndForm(GovukForm):
    ended_on = GovukDateField(label="Date the plan ended", help_text="For example, 27 3 2026")
    end_reason = end_reason_field()
    next_step = next_step_field()
    cin_plan = text(
        "Child in need plan", help_text="If support continues under a child in need plan"
    )
    closure_reason = closure_reason_field()
    version = version_field()
