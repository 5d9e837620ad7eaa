"""Forms for conferences: scheduling, recording as held, cancelling, decisions. They parse what
was typed; the rules live in services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from masa.core.forms import GovukDateField, GovukForm, MasaIdField
from masa.core.presenters import parse_masa_id
from masa.frontdoor.models import ReasonForClosure

from .models import CategoryOfAbuse
from .services_conference import NextStep, SignsOfSafety

Choices = list[tuple[str, str]]
YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(label: str, required_message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


def as_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def agencies_field(label: str = "Agencies that attended") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, widget=forms.CheckboxSelectMultiple, required=False
    )


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


def category_field(required: bool = True, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=kwargs.pop("label", "Category of abuse"),
        choices=CategoryOfAbuse.choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": "Select the category of abuse"},
        **kwargs,
    )


def closure_reason_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Reason for closing the case",
        choices=[("", "Select a reason"), *ReasonForClosure.choices],
        required=False,
        help_text="Only if the case closes",
    )


def text(
    label: str, *, required: bool = False, message: str = "", **kwargs: Any
) -> forms.CharField:
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label,
        widget=forms.Textarea,
        required=required,
        max_length=20000,
        error_messages=errors,
        **kwargs,
    )


def chair_field(chairs: Choices) -> forms.ChoiceField:
    return forms.ChoiceField(label="Chair", choices=[("", "Not recorded"), *chairs], required=False)


class ChosenPeople:
    """The agencies and chair picked on a meeting form (checked against the partnership's in
    the view, and by the service)."""

    cleaned_data: dict[str, Any]

    def agency_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("agencies", [])]

    def chair_id(self) -> int | None:
        value = self.cleaned_data.get("chair") or ""
        return int(value) if value.isdigit() else None


class ScheduleForm(ChosenPeople, GovukForm):
    """Arranging a conference ahead: the date, the agencies invited and the chair."""

    date_label = "Date of the conference"

    def __init__(self, *args: Any, agencies: Choices, chairs: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {
            "scheduled_on": GovukDateField(
                label=self.date_label,
                help_text="Today or a later date. For example, 4 12 2026",
            ),
            "agencies": agencies_field("Agencies invited"),
            "chair": chair_field(chairs),
        }
        fields["agencies"].choices = agencies  # type: ignore[attr-defined]
        # Schedule fields come first, then whatever the subclass declared.
        self.fields = {**fields, **self.fields}


class RescheduleForm(ScheduleForm):
    version = version_field()


class CancelForm(GovukForm):
    reason = text(
        "Why was the conference cancelled?",
        required=True,
        message="Enter why the conference was cancelled",
        help_text="For example, the family asked for it to be moved, or a report was not ready",
    )
    version = version_field()


class MeetingForm(ChosenPeople, GovukForm):
    """What every conference records: date, who attended, the family, a summary, the mapping."""

    date_label = "Date of the conference"

    def __init__(
        self,
        *args: Any,
        agencies: Choices,
        chairs: Choices,
        signs_of_safety: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {
            "held_on": GovukDateField(label=self.date_label, help_text="For example, 27 3 2026"),
            "agencies": agencies_field(),
            "family_attended": yes_no(
                "Did the family attend?", "Select whether the family attended"
            ),
            "chair": chair_field(chairs),
            "summary": text("Summary of the discussion"),
        }
        fields["agencies"].choices = agencies  # type: ignore[attr-defined]
        if signs_of_safety:
            fields.update(
                {
                    "worries": text("What are we worried about?"),
                    "working_well": text("What is working well?"),
                    "needs_to_happen": text("What needs to happen?"),
                    "scaling": forms.IntegerField(
                        label="Scaling (0 to 10)",
                        help_text="0 means the child will certainly be harmed again; 10 means "
                        "the child is safe enough to close the case",
                        min_value=0,
                        max_value=10,
                        required=False,
                        widget=forms.NumberInput,
                        error_messages={
                            "invalid": "Scaling must be a number from 0 to 10",
                            "min_value": "Scaling must be a number from 0 to 10",
                            "max_value": "Scaling must be a number from 0 to 10",
                        },
                    ),
                }
            )
        # Meeting fields come first, then whatever the subclass declared.
        self.fields = {**fields, **self.fields}

    @property
    def uses_mapping(self) -> bool:
        return "worries" in self.fields

    def mapping(self) -> SignsOfSafety | None:
        if not self.uses_mapping:
            return None
        data = self.cleaned_data
        return SignsOfSafety(
            worries=data.get("worries", ""),
            working_well=data.get("working_well", ""),
            needs_to_happen=data.get("needs_to_happen", ""),
            scaling=data.get("scaling"),
        )

    def family_attended(self) -> bool:
        return bool(as_bool(self.cleaned_data["family_attended"]))


def parse_masa_ids(raw: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", raw.strip()) if p]
    ids = []
    for part in parts:
        child_id = parse_masa_id(part)
        if child_id is None:
            raise ValidationError(
                f"'{part}' is not a masa ID. Enter masa IDs like C000123, separated by commas"
            )
        ids.append(child_id)
    return ids


def siblings_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Brothers and sisters to consider at this conference",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Recorded siblings whose case is waiting for an initial conference",
    )


def other_children_field() -> forms.CharField:
    return forms.CharField(
        label="Other children considered at this conference (optional)",
        required=False,
        max_length=500,
        help_text="Their masa IDs, separated by commas. For example, C000123, C000124",
    )


class SiblingGroup:
    """The children considered together with the first: ticked siblings and typed masa IDs."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def offer_siblings(self, siblings: Choices) -> None:
        if siblings:
            self.fields["siblings"].choices = siblings  # type: ignore[attr-defined]
        else:
            del self.fields["siblings"]

    def clean_other_children(self) -> list[int]:
        return parse_masa_ids(self.cleaned_data.get("other_children", ""))

    def child_ids(self) -> list[int]:
        chosen = [int(pk) for pk in self.cleaned_data.get("siblings", [])]
        return [*chosen, *self.cleaned_data.get("other_children", [])]


class ConferenceForm(SiblingGroup, MeetingForm):
    """A conference recorded after it was held."""

    siblings = siblings_field()
    other_children = other_children_field()

    def __init__(self, *args: Any, siblings: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_siblings(siblings)


class ConferenceScheduleForm(SiblingGroup, ScheduleForm):
    """An initial or transfer-in conference arranged ahead."""

    siblings = siblings_field()
    other_children = other_children_field()

    def __init__(self, *args: Any, siblings: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_siblings(siblings)


class ConferenceEditForm(MeetingForm):
    version = version_field()


class AddChildForm(GovukForm):
    child_id = MasaIdField(
        label="Child's masa ID", error_messages={"required": "Enter the child's masa ID"}
    )
    version = version_field()


class DecisionForm(GovukForm):
    plan_needed = yes_no(
        "Does the child need a child protection plan?",
        "Select whether the child needs a child protection plan",
    )
    category = category_field(required=False, help_text="If a plan is needed")
    plan = text("The child protection plan", help_text="What each agency and the family will do")
    contingency_plan = text(
        "Contingency plan",
        help_text="What will happen if the plan is not followed or does not keep the child safe. "
        "Required for every plan",
    )
    visit_frequency_working_days = forms.IntegerField(
        label="Visit the child at least every (working days)",
        required=False,
        help_text="If a plan is needed. Leave blank to follow the partnership's visiting rule",
        widget=forms.NumberInput,
        error_messages={"invalid": "Visit frequency must be a whole number of working days"},
    )
    next_step = forms.ChoiceField(
        label="If no plan is needed, what happens next?",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    cin_plan = text(
        "Child in need plan", help_text="If support continues under a child in need plan"
    )
    closure_reason = closure_reason_field()


class TransferInForm(GovukForm):
    from_authority = forms.CharField(
        label="Local authority the child moved from",
        max_length=200,
        error_messages={"required": "Enter the local authority the child moved from"},
    )
    opened_on = GovukDateField(
        label="Date the case transferred in",
        help_text="The date this authority took over the child's case. For example, 2 11 2026",
    )
