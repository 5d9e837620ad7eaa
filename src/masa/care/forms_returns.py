"""Forms of the SSDA903 return pages: the year, the upload, and the findings' filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from masa.core.forms import GovukForm
from masa.core.models import Team
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import label
from masa.returns.ssda903.registry import TABLE_ORDER
from masa.returns.ssda903.spec import available_years


def year_choices() -> list[tuple[str, str]]:
    return [(str(y), label(y)) for y in reversed(available_years())]


def default_year(today: dt.date) -> int:
    """The latest return due: the collection year before today's, or the last masa holds."""
    known = available_years()
    return max(min(CollectionYear.of(today).year - 1, known[-1]), known[0])


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        error_messages={"invalid_choice": "Select a collection year masa holds"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the DfE CSV files, or one XML file)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Collection year of the return",
        coerce=int,
        error_messages={"required": "Select the return's collection year"},
    )
    team = forms.ModelChoiceField(
        label="Team to own children new to masa",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        help_text="Children the return names who are not yet in masa are created with this team.",
        error_messages={
            "required": "Choose the team to own children new to masa",
            "invalid_choice": "Choose one of the teams listed",
        },
    )
    uploads = MultipleFileField(
        label="The return's files",
        help_text="The DfE CSV files (header, episodes, reviews and the others), or one XML "
        "file. Up to 12 files, 50 MB each.",
        error_messages={"required": "Choose the return's CSV files or its XML file"},
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in teams]
        ).order_by("name", "pk")


class FindingsFilterForm(GovukForm):
    table = forms.ChoiceField(label="Table", required=False)
    rule = forms.ChoiceField(label="Rule", required=False)
    child = forms.CharField(label="Child (903 CHILD)", required=False, max_length=40)

    def __init__(self, *args: Any, tables: list[str], rules: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = [t for t in TABLE_ORDER if t in tables]
        self.fields["table"].choices = [("", "All tables"), *((t, t) for t in ordered)]  # type: ignore[attr-defined]
        self.fields["rule"].choices = [("", "All rules"), *((r, r) for r in rules)]  # type: ignore[attr-defined]
