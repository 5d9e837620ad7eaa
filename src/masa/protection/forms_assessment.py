"""Forms for assessments, strategy discussions and section 47 enquiries.

Which analysis an assessment records depends on the partnership's practice model
(``ASSESSMENT_SECTIONS``): Signs of Safety partnerships record the mapping and scaling; other
models record one analysis. The forms check what a form can; the services check the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm
from masa.frontdoor.models import ReasonForClosure
from masa.journey.models import PracticeModel

from .factors import ASSESSMENT_FACTORS
from .models import AssessmentOutcome, S47Outcome
from .services_assessment import S47NextStep, StrategyNextStep

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_field(label: str, required_message: str, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


def closure_reason_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Reason for closing the case",
        choices=[("", "Choose a reason"), *ReasonForClosure.choices],
        required=False,
        help_text="Only if the case is closing. These are the DfE reasons for closure.",
    )


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---------------------------------------------------------------- assessment


@dataclass(frozen=True)
class Section:
    """One part of an assessment's analysis, as the practice model names it."""

    name: str
    label: str
    hint: str = ""


SIGNS_OF_SAFETY_SECTIONS = (
    Section(
        "worries",
        "What are we worried about?",
        "Past harm, danger statements and complicating factors",
    ),
    Section("working_well", "What's working well?", "Existing strengths and safety"),
    Section("needs_to_happen", "What needs to happen?", "Safety goals and next steps"),
)
ANALYSIS_SECTIONS = (
    Section("analysis", "Analysis", "What the information gathered means for the child"),
)
# The practice models with their own assessment sections; any other model records an analysis.
ASSESSMENT_SECTIONS: dict[str, tuple[Section, ...]] = {
    PracticeModel.SIGNS_OF_SAFETY: SIGNS_OF_SAFETY_SECTIONS,
}
# Practice models that scale safety from 0 to 10.
SCALING_MODELS = frozenset({PracticeModel.SIGNS_OF_SAFETY})


def sections_for(practice_model: str) -> tuple[Section, ...]:
    return ASSESSMENT_SECTIONS.get(practice_model, ANALYSIS_SECTIONS)


class AssessmentStartForm(GovukForm):
    started_on = GovukDateField(
        label="Date the assessment started", help_text="For example, 27 3 2026"
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="Why the assessment is needed and what it will look at",
    )


class AssessmentRecordForm(VersionedForm):
    started_on = GovukDateField(
        label="Date the assessment started",
        help_text="Correct this if it was recorded wrongly. For example, 27 3 2026",
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, practice_model: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections_for(practice_model)
        for section in self.sections:
            self.fields[section.name] = forms.CharField(
                label=section.label, help_text=section.hint, widget=forms.Textarea, required=False
            )
        self.has_scaling = practice_model in SCALING_MODELS
        if self.has_scaling:
            self.fields["scaling"] = forms.IntegerField(
                label="Scaling",
                required=False,
                help_text="On a scale of 0 to 10, where 10 means everyone knows the child is "
                "safe enough to close the case and 0 means the child will be harmed again",
                widget=forms.NumberInput,
                error_messages={
                    "invalid": "Scaling must be a number from 0 to 10",
                    "min_value": "Scaling must be a number from 0 to 10",
                    "max_value": "Scaling must be a number from 0 to 10",
                },
                min_value=0,
                max_value=10,
            )

    def texts(self) -> dict[str, str]:
        names = ["summary", *(s.name for s in self.sections)]
        return {name: self.cleaned_data[name] for name in names}


class AssessmentCompleteForm(VersionedForm):
    completed_on = GovukDateField(
        label="Date the assessment was completed", help_text="For example, 27 3 2026"
    )


FACTOR_CHOICES = [(code, f"{code}: {label}") for code, label in ASSESSMENT_FACTORS.items()]


class AssessmentAuthoriseForm(VersionedForm):
    authorised_on = GovukDateField(
        label="Date you authorised the assessment", help_text="For example, 27 3 2026"
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at assessment",
        choices=FACTOR_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. These are the DfE children in need census codes.",
        error_messages={
            "required": "Select at least one factor identified at assessment",
            "invalid_choice": "Select factors from the list",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AssessmentOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the assessment"},
    )
    lead_agency = forms.ChoiceField(
        label="Agency leading the early help",
        required=False,
        help_text="Only if the child is stepping down to early help",
    )
    reason = forms.CharField(
        label="Reasons for your decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reasons for your decision"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == AssessmentOutcome.EARLY_HELP and not data.get("lead_agency"):
            self.add_error("lead_agency", "Select the agency that will lead the early help")
        return data


class AuthorisationCorrectForm(VersionedForm):
    authorised_on = GovukDateField(
        label="Date the assessment was authorised", help_text="For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Why is the date being corrected?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the date is being corrected"},
    )


# ---------------------------------------------------------------- strategy discussion


class StrategyDetailsForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the strategy discussion", help_text="For example, 27 3 2026"
    )
    is_meeting = forms.TypedChoiceField(
        label="Was it a meeting or a discussion?",
        choices=[("meeting", "A strategy meeting"), ("discussion", "A strategy discussion")],
        coerce=lambda value: value == "meeting",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was a meeting or a discussion"},
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies that took part",
        widget=forms.CheckboxSelectMultiple,
        help_text="Children's social care and at least one other agency, usually police and health",
        error_messages={
            "required": "Select children's social care and at least one other agency that took "
            "part (usually police and health)"
        },
    )
    summary = forms.CharField(
        label="Summary of the discussion",
        widget=forms.Textarea,
        error_messages={"required": "Enter a summary of the strategy discussion"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agencies  # type: ignore[attr-defined]


class StrategyForm(StrategyDetailsForm):
    start_s47 = yes_no_field(
        "Was it decided to start a section 47 enquiry?",
        "Select whether a section 47 enquiry will start",
    )
    s47_started_on = GovukDateField(
        label="Date the section 47 enquiry started",
        required=False,
        help_text="Only if an enquiry is starting. Leave blank if it started on the day of the "
        "discussion.",
    )
    next_step = forms.ChoiceField(
        label="If no enquiry is starting, what happens next?",
        choices=StrategyNextStep.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    closure_reason = closure_reason_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_s47") is False and not data.get("next_step"):
            self.add_error("next_step", "Select what happens next for the child")
        if (
            data.get("start_s47") is False
            and data.get("next_step") == StrategyNextStep.CLOSE
            and not data.get("closure_reason")
        ):
            self.add_error("closure_reason", "Select the reason for closing the case")
        return data


class StrategyEditForm(StrategyDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---------------------------------------------------------------- section 47 enquiry


NO_CONFERENCE_OR_PLAN = {S47Outcome.NOT_SUBSTANTIATED, S47Outcome.SUBSTANTIATED_NO_ICPC}


class S47OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=S47Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the enquiry"},
    )
    completed_on = GovukDateField(
        label="Date the enquiry was completed", help_text="For example, 27 3 2026"
    )
    summary = forms.CharField(
        label="Summary of the findings", widget=forms.Textarea, required=False
    )
    next_step = forms.ChoiceField(
        label="If there is no conference and no child in need plan, what happens next?",
        choices=S47NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    closure_reason = closure_reason_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_conference = data.get("outcome") in NO_CONFERENCE_OR_PLAN
        if no_conference and not data.get("next_step"):
            self.add_error("next_step", "Select what happens next for the child")
        if (
            no_conference
            and data.get("next_step") == S47NextStep.CLOSE
            and not data.get("closure_reason")
        ):
            self.add_error("closure_reason", "Select the reason for closing the case")
        return data
