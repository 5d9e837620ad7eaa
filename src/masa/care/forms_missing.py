"""Forms for missing children and care leavers.

Times are typed as a date (day, month, year) and a time ("10pm", "22:00"), read as England's
wall-clock time; each form turns the pair into one aware datetime (``started_at``...), so the
services compare instants. Associates are typed one per line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from masa.core.forms import GovukDateField, GovukForm
from masa.core.models import Agency, User
from masa.core.presenters import govuk_date
from masa.frontdoor.forms import parse_time

from .models import Carer, MissingKind
from .services_leavers import (
    ACCOMMODATION,
    ACTIVITY,
    IN_TOUCH,
    NOT_SUITABLE,
    PLAN,
    REVIEW,
    SUITABLE,
    oc3_codes,
)

EXAMPLE_DATE = "For example, 27 3 2026"
EXAMPLE_TIME = "For example, 10:30pm or 22:30"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _time_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10,
        required=required,
        help_text=EXAMPLE_TIME,
        error_messages={"required": f"Enter {label.lower()}"},
    )


def _yes_no(label: str, *, required: bool = True, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        widget=forms.RadioSelect,
        choices=YES_NO,
        required=required,
        error_messages={"required": f"Select {what}", "invalid_choice": f"Select {what}"},
    )


class _Times(GovukForm):
    """A form with date-and-time pairs: ``combine`` adds the aware datetime to cleaned data."""

    def combine(
        self, data: dict[str, Any], date_name: str, time_name: str, into: str, label: str
    ) -> None:
        day, text = data.get(date_name), (self.data.get(time_name) or "").strip()
        if date_name in self.errors or time_name in self.errors:
            return
        if day is None:
            if text:
                self.add_error(date_name, f"Enter the date as well as the time {label}")
            data[into] = None
            return
        if not text:
            self.add_error(time_name, f"Enter the time {label}")
            return
        parsed = parse_time(text)
        if parsed is None:
            self.add_error(time_name, f"Enter a real time {label}, like 10:30pm or 22:30")
            return
        data[into] = timezone.make_aware(dt.datetime.combine(day, parsed))


def associates_from(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- missing episodes


class MissingReportForm(_Times):
    kind = forms.ChoiceField(
        label="What happened?",
        widget=forms.RadioSelect,
        choices=MissingKind.choices,
        error_messages={"required": "Select whether the child is missing or away from placement"},
    )
    started_on = GovukDateField(label="Date the child went missing", help_text=EXAMPLE_DATE)
    started_time = _time_field("Time the child went missing")
    last_seen_location = forms.CharField(
        label="Where were they last seen?",
        max_length=200,
        help_text="A place others would recognise, like 'Northbury bus station'",
        error_messages={"required": "Enter where the child was last seen"},
    )
    reported_by_agency = forms.ChoiceField(label="Agency that reported it", required=False)
    police_reference = forms.CharField(
        label="Police reference (optional)", max_length=40, required=False
    )
    associates = forms.CharField(
        label="People they were with or may be with (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="One per line, written the same way each time, like 'Dean, 24'",
    )
    exploitation_concern = _yes_no(
        "Is there a concern about exploitation?",
        what="whether there is a concern about exploitation",
    )
    ended_on = GovukDateField(
        label="Date they returned (if they are back already)",
        required=False,
        help_text=EXAMPLE_DATE,
    )
    ended_time = _time_field("Time they returned", required=False)
    found_location = forms.CharField(
        label="Where were they found or where did they return to? (optional)",
        max_length=200,
        required=False,
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], see_exploitation: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not recorded"), *((str(a.pk), a.name) for a in agencies)]
        self.fields["reported_by_agency"].choices = choices  # type: ignore[attr-defined]
        if not see_exploitation:
            del self.fields["associates"]
            del self.fields["exploitation_concern"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.combine(data, "started_on", "started_time", "started_at", "the child went missing")
        self.combine(data, "ended_on", "ended_time", "ended_at", "they returned")
        data["associates"] = associates_from(data.get("associates") or "")
        data["exploitation_concern"] = data.get("exploitation_concern") == "yes"
        return data


class VersionedForm(_Times):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MissingReturnForm(VersionedForm):
    ended_on = GovukDateField(label="Date the child returned", help_text=EXAMPLE_DATE)
    ended_time = _time_field("Time the child returned")
    found_location = forms.CharField(
        label="Where were they found or where did they return to?",
        max_length=200,
        error_messages={"required": "Enter where the child was found or returned to"},
    )
    associates = forms.CharField(
        label="People they were with (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="One per line, written the same way each time, like 'Dean, 24'",
    )
    exploitation_concern = _yes_no(
        "Is there a concern about exploitation?",
        what="whether there is a concern about exploitation",
    )

    def __init__(self, *args: Any, see_exploitation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not see_exploitation:
            del self.fields["associates"]
            del self.fields["exploitation_concern"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.combine(data, "ended_on", "ended_time", "ended_at", "the child returned")
        if "associates" in self.fields:
            data["associates"] = associates_from(data.get("associates") or "")
        if "exploitation_concern" in self.fields:
            data["exploitation_concern"] = data.get("exploitation_concern") == "yes"
        return data


class ReturnInterviewForm(VersionedForm):
    offered_on = GovukDateField(label="Date the interview was offered", help_text=EXAMPLE_DATE)
    offered_time = _time_field("Time the interview was offered")
    accepted = forms.ChoiceField(
        label="Did the child accept the interview?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No, they declined"), ("", "Not answered yet")],
        required=False,
    )
    held_on = GovukDateField(
        label="Date the interview was held (optional)", required=False, help_text=EXAMPLE_DATE
    )
    outcome = forms.CharField(
        label="What was learnt, and what happens next",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="Why they went missing, where they went and who with, risks and the support "
        "agreed. If they declined, say why and how else their views were heard.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.combine(data, "offered_on", "offered_time", "offered_at", "the interview was offered")
        data["accepted"] = {"yes": True, "no": False}.get(data.get("accepted") or "")
        return data


class PatternsFilterForm(GovukForm):
    """The period of the pattern analysis (a GET form)."""

    start = GovukDateField(label="From", help_text="For example, 1 4 2026")
    end = GovukDateField(label="To", help_text="For example, 31 3 2027")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must be on or after its start")
        return data


# ---------------------------------------------------------------- care leavers


class PathwayPlanForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you recording?",
        widget=forms.RadioSelect,
        choices=[(PLAN, "A new pathway plan"), (REVIEW, "A review of the pathway plan")],
        error_messages={"required": "Select whether this is a new plan or a review"},
    )
    on = GovukDateField(label="Date agreed or reviewed", help_text=EXAMPLE_DATE)
    personal_adviser = forms.ChoiceField(label="Personal adviser", required=False)
    summary = forms.CharField(
        label="Summary of the plan",
        widget=forms.Textarea,
        max_length=10000,
        help_text="What the young person wants, their needs and what will happen, by whom",
        error_messages={"required": "Enter a summary of the plan"},
    )

    def __init__(self, *args: Any, advisers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not yet allocated"), *((str(u.pk), u.display_name) for u in advisers)]
        self.fields["personal_adviser"].choices = choices  # type: ignore[attr-defined]


class LeaverContactForm(GovukForm):
    age = forms.ChoiceField(
        label="Which birthday is this contact around?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the birthday"},
    )
    contacted_on = GovukDateField(
        label="Date of the contact (optional)",
        required=False,
        help_text="The DfE asks for the young person's situation around the birthday: from about "
        "3 months before it to 1 month after",
    )
    in_touch = forms.ChoiceField(
        label="Is the local authority in touch?",
        widget=forms.RadioSelect,
        choices=[(c.code, f"{c.code}: {c.label}") for c in IN_TOUCH],
        error_messages={"required": "Select whether the local authority is in touch"},
    )
    activity = forms.ChoiceField(label="Main activity", required=False)
    accommodation = forms.ChoiceField(
        label="Accommodation",
        required=False,
        choices=[("", "Not known"), *((c.code, f"{c.code}: {c.label}") for c in ACCOMMODATION)],
    )
    suitable = forms.ChoiceField(
        label="Is the accommodation suitable?",
        widget=forms.RadioSelect,
        required=False,
        choices=[(SUITABLE, "Yes, suitable"), (NOT_SUITABLE, "No, not suitable")],
    )

    def __init__(
        self, *args: Any, birthdays: list[tuple[int, dt.date]], year: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["age"].choices = [  # type: ignore[attr-defined]
            (str(age), f"{age}th birthday, {govuk_date(day)}") for age, day in birthdays
        ]
        self.fields["activity"].choices = [  # type: ignore[attr-defined]
            ("", "Not known"),
            *((c.code, f"{c.code}: {c.label}") for c in oc3_codes(ACTIVITY, year)),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, suitable = data.get("accommodation") or "", data.get("suitable") or ""
        if kind and not suitable:
            self.add_error("suitable", "Select whether the accommodation is suitable")
        if suitable and not kind:
            self.add_error("accommodation", "Select the accommodation, or leave both empty")
        data["accommodation"] = f"{kind}{suitable}" if kind and suitable else ""
        if data.get("age"):
            data["age"] = int(data["age"])
        return data


class StayingPutForm(GovukForm):
    carer = forms.ChoiceField(
        label="Former foster carers",
        error_messages={"required": "Select the former foster carers"},
    )
    started_on = GovukDateField(label="Date staying put began", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, carers: list[Carer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = [  # type: ignore[attr-defined]
            ("", "Choose the carers"),
            *((str(c.pk), c.name) for c in carers),
        ]


class StayingPutEndForm(GovukForm):
    ended_on = GovukDateField(label="Date staying put ended", help_text=EXAMPLE_DATE)
