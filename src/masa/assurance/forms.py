"""Forms for priorities, measures and actions: every message says what is wrong and where."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm

from .models import ActionSource, ActionStatus, MeasureDirection

EXAMPLE = "For example, 23 11 2026"


def _choice(label: str, message: str, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        error_messages={"required": message, "invalid_choice": f"{message} from the list"},
    )


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]], empty: str) -> None:
    form.fields[name].choices = [("", empty), *choices]  # type: ignore[attr-defined]


def _number(label: str, *, required: bool = False, example: str = "12.5") -> forms.DecimalField:
    what = label.split(" (")[0].lower()
    too_big = f"The {what} must be less than 10,000,000,000"
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"Enter the {what} as a number, for example {example}",
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": f"The {what} can have at most 2 decimal places",
        },
    )


class AssignmentFields(GovukForm):
    """Owning agency, owner and due date, with the partnership's choices."""

    owning_agency = _choice("Owning agency", "Select the owning agency")
    owner = _choice("Owner", "Select the owner")
    due_on = GovukDateField(label="Due date", help_text=EXAMPLE)

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        owners: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "owning_agency", agencies, "Choose an agency")
        _set_choices(self, "owner", owners, "Choose a person")
        self.fields["owner"].help_text = "Someone in the owning agency who updates their actions"


class RecommendationActionForm(AssignmentFields):
    title = forms.CharField(
        label="The action",
        max_length=200,
        help_text="What will be done. Use the review's anonymised name, never a child's name",
        error_messages={
            "required": "Enter what the action is",
            "max_length": "The action must be 200 characters or fewer",
        },
    )
    detail = forms.CharField(
        label="Detail (optional)", widget=forms.Textarea, required=False, max_length=10000
    )
    priority = _choice("Partnership priority it serves", "Select the priority the action serves")
    field_order = ["title", "detail", "priority", "owning_agency", "owner", "due_on"]

    def __init__(self, *args: Any, priorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "priority", priorities, "Choose a priority")


class ActionCreateForm(RecommendationActionForm):
    source = forms.ChoiceField(
        label="Where did the action come from?",
        widget=forms.RadioSelect,
        choices=[c for c in ActionSource.choices if c[0] != ActionSource.CASE_REVIEW],
        error_messages={
            "required": "Select where the action came from",
            "invalid_choice": "Select where the action came from",
        },
    )
    source_reference = forms.CharField(
        label="Reference",
        max_length=200,
        required=False,
        help_text="For example, “Ofsted inspection 2017, recommendation 4” or “Section 11 audit "
        "2024, standard 4”",
        error_messages={"max_length": "The reference must be 200 characters or fewer"},
    )
    field_order = [
        "source",
        "source_reference",
        "title",
        "detail",
        "priority",
        "owning_agency",
        "owner",
        "due_on",
    ]


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the action's status",
            "invalid_choice": "Select one of the statuses listed",
        },
    )
    note = forms.CharField(
        label="Progress note",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="What has happened since the last update. Required to reopen or withdraw the "
        "action: give the reason",
    )
    evidence = forms.CharField(
        label="Evidence of impact",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="What is different for children and families, and how you know. Needed before "
        "the action can be closed",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, statuses: list[str], current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            ActionStatus.ON_TRACK: "On track",
            ActionStatus.CLOSED: "Closed with evidence of impact",
            ActionStatus.WITHDRAWN: "Withdrawn (no longer needed: give the reason)",
        }
        choices = []
        for status in statuses:
            label = labels.get(ActionStatus(status), ActionStatus(status).label)
            if status == current:
                label = f"{ActionStatus(status).label} (no change)"
            elif current == ActionStatus.COMPLETE and status == ActionStatus.ON_TRACK:
                label = "Reopen: the work is not finished (give the reason)"
            choices.append((status, label))
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class ActionEditForm(AssignmentFields):
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Give the reason for the change"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", required=False)
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "All sources"), *ActionSource.choices]
    )
    priority = forms.ChoiceField(label="Priority", required=False)
    agency = forms.ChoiceField(label="Owning agency", required=False)

    def __init__(
        self,
        *args: Any,
        statuses: list[tuple[str, str]],
        priorities: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "status", statuses, "All statuses")
        _set_choices(self, "priority", priorities, "All priorities")
        _set_choices(self, "agency", agencies, "All agencies")


class PriorityForm(GovukForm):
    number = forms.IntegerField(
        label="Priority number",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the priority number",
            "invalid": "Enter the priority number as a whole number, for example 2",
            "min_value": "The priority number must be 1 or more",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the priority's title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What the partnership wants to achieve (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )
    starts_on = GovukDateField(label="Start date", help_text=EXAMPLE)
    ends_on = GovukDateField(label="End date (optional)", help_text=EXAMPLE, required=False)
    lead_agency = _choice("Lead agency (optional)", "Select the lead agency", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "lead_agency", agencies, "No lead agency")


RECORDED = "recorded"
INDICATOR = "indicator"


class MeasureForm(GovukForm):
    kind = forms.ChoiceField(
        label="Where does the figure come from?",
        widget=forms.RadioSelect,
        choices=[
            (INDICATOR, "masa works it out from its records (an indicator)"),
            (RECORDED, "The partnership records readings (for example from a survey or an audit)"),
        ],
        error_messages={
            "required": "Select where the figure comes from",
            "invalid_choice": "Select where the figure comes from",
        },
    )
    indicator_code = _choice("Indicator", "Select the indicator", required=False)
    name = forms.CharField(
        label="Name of the measure",
        max_length=200,
        required=False,
        help_text="Leave blank for an indicator to use the indicator's name",
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )
    unit = forms.CharField(
        label="Unit (optional)",
        max_length=40,
        required=False,
        help_text="For example, %, per 10,000 children, children",
        error_messages={"max_length": "The unit must be 40 characters or fewer"},
    )
    direction = forms.ChoiceField(
        label="Which direction is better?",
        widget=forms.RadioSelect,
        required=False,
        help_text="For an indicator, leave this to use the indicator's own direction of good",
        choices=MeasureDirection.choices,
        error_messages={
            "required": "Select which direction is better",
            "invalid_choice": "Select which direction is better",
        },
    )
    baseline = _number("Baseline (optional)")
    baseline_label = forms.CharField(
        label="Period of the baseline (optional)",
        max_length=60,
        required=False,
        help_text="For example, 2023-24",
        error_messages={"max_length": "The period must be 60 characters or fewer"},
    )
    target = _number("Target (optional)")
    target_by = GovukDateField(label="Target date (optional)", help_text=EXAMPLE, required=False)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "indicator_code", indicators, "Choose an indicator")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == INDICATOR and not data.get("indicator_code"):
            self.add_error("indicator_code", "Select the indicator")
        if data.get("kind") == RECORDED:
            data["indicator_code"] = ""
            if not (data.get("name") or "").strip():
                self.add_error("name", "Enter the name of the measure")
        return data


class ReadingForm(GovukForm):
    period_label = forms.CharField(
        label="Period",
        max_length=60,
        help_text="For example, Q1 2026-27 or 2025-26",
        error_messages={
            "required": "Enter the period the reading is for",
            "max_length": "The period must be 60 characters or fewer",
        },
    )
    measured_on = GovukDateField(label="Date of the reading", help_text=EXAMPLE)
    value = _number("Value", required=True)
    note = forms.CharField(
        label="Note (optional)", widget=forms.Textarea, required=False, max_length=10000
    )
