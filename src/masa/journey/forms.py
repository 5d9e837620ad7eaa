"""Forms for case actions, work list filters, the clock calculator and practice settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from masa.core.calendar import ClockRule, Unit
from masa.core.forms import GovukDateField, GovukForm, MasaIdField
from masa.core.models import Team, User

from .clocks import how_long
from .models import PracticeModel, Stage
from .selectors import SORT_KEYS
from .services import TRANSFER_IN_STAGES


class AllocateForm(GovukForm):
    team = forms.TypedChoiceField(
        label="Team",
        coerce=int,
        error_messages={
            "required": "Select the team that will hold the case",
            "invalid_choice": "Select a team from the list",
        },
    )
    worker = forms.TypedChoiceField(
        label="Allocated worker",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="They must be a member of the team. Leave as 'Not allocated' to hold the case "
        "in the team",
        error_messages={"invalid_choice": "Select a worker from the list"},
    )
    from_date = GovukDateField(
        label="Date the allocation starts", help_text="For example, 23 11 2026"
    )
    reason = forms.CharField(
        label="Reason for the allocation or hand-over",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: list[Team], workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        self.workers = {worker.pk: worker for worker in workers}
        self.fields["team"].choices = [("", "Select a team")] + [  # type: ignore[attr-defined]
            (team.pk, team.name) for team in teams
        ]
        self.fields["worker"].choices = [("", "Not allocated")] + [  # type: ignore[attr-defined]
            (w.pk, f"{w.display_name} ({w.team.name if w.team else 'no team'})") for w in workers
        ]


class OversightNoteForm(GovukForm):
    note = forms.CharField(
        label="Management oversight note",
        widget=forms.Textarea,
        max_length=10000,
        help_text="Your analysis of the case and your direction: what should happen, by whom "
        "and by when",
        error_messages={"required": "Enter the management oversight note"},
    )


class CloseCaseForm(GovukForm):
    closed_on = GovukDateField(label="Date the case closed", help_text="For example, 23 11 2026")
    reason = forms.CharField(
        label="Reason for closing the case",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter the reason for closing the case"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


TRANSFER_IN_CHOICES = {
    Stage.REFERRAL: "As a referral: this authority assesses the child afresh",
    Stage.ICPC: "With a child protection plan: a transfer-in conference is needed",
}


class TransferInForm(GovukForm):
    child = MasaIdField(
        label="Child's masa ID",
        error_messages={"required": "Enter the child's masa ID"},
    )
    from_authority = forms.CharField(
        label="Local authority the child moved from",
        max_length=200,
        error_messages={"required": "Enter the local authority the child moved from"},
    )
    stage = forms.ChoiceField(
        label="How does the work continue here?",
        widget=forms.RadioSelect,
        choices=[(stage.value, TRANSFER_IN_CHOICES[stage]) for stage in TRANSFER_IN_STAGES],
        error_messages={
            "required": "Select how the work continues here",
            "invalid_choice": "Select how the work continues here",
        },
    )
    opened_on = GovukDateField(
        label="Date the case opened here", help_text="For example, 2 11 2026"
    )
    reason = forms.CharField(
        label="What the other authority told you",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the other authority told you"},
    )

    def clean_stage(self) -> Stage:
        return Stage(self.cleaned_data["stage"])


STATE_CHOICES = [
    ("all", "All open deadlines"),
    ("overdue", "Overdue"),
    ("soon", "Due in the next 5 working days"),
]


class WorkListForm(GovukForm):
    """The work list filters (GET). Practitioners see no team or worker choice."""

    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    worker = forms.TypedChoiceField(
        label="Worker",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Select a worker from the list"},
    )
    kind = forms.ChoiceField(
        label="Kind of deadline",
        required=False,
        error_messages={"invalid_choice": "Select a kind of deadline from the list"},
    )
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=STATE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select overdue, due soon or all"},
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SORT_KEYS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Sort by due date, child, worker or kind"},
    )
    order = forms.ChoiceField(
        required=False,
        choices=[("asc", "asc"), ("desc", "desc")],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Sort in ascending or descending order"},
    )

    def __init__(
        self,
        *args: Any,
        teams: list[Team] | None,
        workers: list[User] | None,
        kinds: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [("all", "All teams")] + [  # type: ignore[attr-defined]
                (str(team.pk), team.name) for team in teams
            ]
        if workers is None:
            del self.fields["worker"]
        else:
            self.fields["worker"].choices = [("", "All workers")] + [  # type: ignore[attr-defined]
                (w.pk, f"{w.display_name} ({w.team.name if w.team else 'no team'})")
                for w in workers
            ]
        kind_choices = [("", "All kinds"), *kinds.items()]
        self.fields["kind"].choices = kind_choices  # type: ignore[attr-defined]


CALCULATOR_YEARS = (1990, 2100)


class ClockCalculatorForm(GovukForm):
    start = GovukDateField(
        label="Day 0: the date of the event that starts the clock",
        help_text="For example, 28 3 2024",
    )
    rule = forms.ChoiceField(
        label="Timescale",
        error_messages={
            "required": "Select a timescale",
            "invalid_choice": "Select a timescale from the list",
        },
    )

    def __init__(self, *args: Any, rules: list[ClockRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Select a timescale")] + [  # type: ignore[attr-defined]
            (rule.code, f"{rule.name} ({how_long(rule.duration, rule.unit)})") for rule in rules
        ]

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        if not CALCULATOR_YEARS[0] <= start.year <= CALCULATOR_YEARS[1]:
            raise forms.ValidationError(
                f"Day 0 must be in a year between {CALCULATOR_YEARS[0]} and {CALCULATOR_YEARS[1]}"
            )
        return start


class TimescaleForm(GovukForm):
    duration = forms.IntegerField(
        label="How long",
        min_value=1,
        max_value=365,
        widget=forms.NumberInput,
        help_text="A whole number between 1 and 365",
        error_messages={
            "required": "Enter how long the timescale is",
            "invalid": "How long must be a whole number, like 10",
            "min_value": "The timescale must be between 1 and 365",
            "max_value": "The timescale must be between 1 and 365",
        },
    )
    unit = forms.ChoiceField(
        label="Counted in",
        widget=forms.RadioSelect,
        choices=[(u.value, u.value.capitalize()) for u in Unit],
        error_messages={
            "required": "Select working days, calendar days or months",
            "invalid_choice": "Select working days, calendar days or months",
        },
    )


class PracticeModelForm(GovukForm):
    practice_model = forms.ChoiceField(
        label="Practice model",
        widget=forms.RadioSelect,
        choices=PracticeModel.choices,
        error_messages={
            "required": "Select the practice model",
            "invalid_choice": "Select the practice model",
        },
    )


class ContinuumForm(GovukForm):
    """One name per level, lowest first, and one empty box to add a level at the top."""

    def __init__(self, *args: Any, levels: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, len(levels) + 2):
            self.fields[f"level_{number}"] = forms.CharField(
                label=f"Level {number}" if number <= len(levels) else "Add a new top level",
                required=False,
                max_length=200,
                initial=levels[number - 1]["name"] if number <= len(levels) else "",
                error_messages={
                    "max_length": f"The name of level {number} must be 200 characters or fewer"
                },
            )

    def names(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]
