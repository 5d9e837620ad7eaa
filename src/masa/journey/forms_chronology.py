"""Forms of the chronology pages: the filters (also used by the exports) and a significant event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from masa.core.forms import GovukDateField, GovukForm

from .chronology import ChronologyFilters
from .models import EventType, Significance

YES, NO = "yes", "no"


class ChronologyFilterForm(GovukForm):
    agency = forms.TypedChoiceField(
        label="Source agency",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    event_type = forms.MultipleChoiceField(
        label="Event type",
        required=False,
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select event types from the list"},
    )
    significance = forms.MultipleChoiceField(
        label="Significance",
        required=False,
        choices=Significance.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select significance levels from the list"},
    )
    as_known_on = GovukDateField(
        label="As known on",
        required=False,
        help_text=(
            "Show only what masa had been told by the end of this day, as a rapid review "
            "needs. For example, 27 3 2026"
        ),
    )

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_names = dict(agencies)
        self.fields["agency"].choices = [("", "All agencies"), *agencies]  # type: ignore[attr-defined]

    def clean_as_known_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("as_known_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("As known on must be today or in the past")
        return day

    def filters(self) -> ChronologyFilters:
        """The filters chosen; call only after ``is_valid()`` (an unbound form: no filters)."""
        if not self.is_bound:
            return ChronologyFilters()
        data = self.cleaned_data
        return ChronologyFilters(
            as_known_on=data.get("as_known_on"),
            agency_id=data.get("agency"),
            event_types=tuple(data.get("event_type") or ()),
            significances=tuple(data.get("significance") or ()),
        )


class SignificantEventForm(GovukForm):
    occurred_on = GovukDateField(
        label="The date it happened",
        help_text="For example, 27 3 2026",
    )
    summary = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        max_length=5000,
        help_text="Say what happened and who was involved. Every agency that can see this "
        "entry will read these words.",
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 5,000 characters or fewer",
        },
    )
    significance = forms.ChoiceField(
        label="How significant is it?",
        choices=Significance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how significant the event is",
            "invalid_choice": "Select how significant the event is",
        },
    )
    share_with_all = forms.ChoiceField(
        label="Share with all agencies working with the child?",
        choices=[(YES, "Yes"), (NO, "No, only children's social care and my agency")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to share this event with all agencies working with "
            "the child",
            "invalid_choice": "Select whether to share this event with all agencies working "
            "with the child",
        },
    )
