"""Forms for learning themes, findings, recommendations, briefings and the thematic analysis.
Each message says what is wrong and where (GOV.UK error message style)."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukForm

from .briefing import SECTIONS


def _multiple(label: str, hint: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        help_text=hint,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": f"Choose from the list: {label.lower()}"},
    )


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="Name of the theme",
        max_length=80,
        error_messages={
            "required": "Enter the name of the theme",
            "max_length": "The name of the theme must be 80 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What the theme covers (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Shown when people choose themes and in 7-minute briefings",
    )


class ThemeChoicesForm(GovukForm):
    """A form with the partnership's themes to tick (choices given by the view)."""

    themes = _multiple("Learning themes (optional)", "Tick every theme this learning is about")

    def __init__(self, *args: Any, themes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = themes  # type: ignore[attr-defined]


class FindingForm(ThemeChoicesForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short statement of the finding, for example ‘Agencies did not share "
        "concerns about neglect’",
        error_messages={
            "required": "Enter a short title for the finding",
            "max_length": "The title of the finding must be 200 characters or fewer",
        },
    )
    detail = forms.CharField(
        label="What the review found",
        widget=forms.Textarea,
        max_length=20000,
        help_text="Use the child's anonymised name. Names are taken out of anything shared "
        "beyond the review group.",
        error_messages={"required": "Enter what the review found"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["title", "detail", "themes", "version"]


class RecommendationForm(ThemeChoicesForm):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "Enter the recommendation"},
    )
    finding = forms.ChoiceField(
        label="Finding it answers (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose a finding from the list"},
    )
    agencies = _multiple(
        "Agencies it is for (optional)", "Leave empty if it is for the whole partnership"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["text", "finding", "agencies", "themes", "version"]

    def __init__(
        self,
        *args: Any,
        findings: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [("", "Not linked to a finding"), *findings]  # type: ignore[attr-defined]
        self.fields["agencies"].choices = agencies  # type: ignore[attr-defined]


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        widget=forms.Textarea,
        max_length=5000,
        help_text="It stays on the review, marked withdrawn, with this reason",
        error_messages={"required": "Enter why it is being withdrawn"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BriefingForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the title of the briefing",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.code] = forms.CharField(
                label=f"{section.number}. {section.heading}",
                widget=forms.Textarea,
                required=False,
                max_length=5000,
                help_text=f"{section.hint}. A blank line starts a new paragraph; start lines "
                "with ‘- ’ for a list.",
                error_messages={
                    "max_length": f"Section {section.number} must be 5,000 characters or fewer"
                },
            )


class AnalysisFilterForm(GovukForm):
    from_year = forms.ChoiceField(label="From", required=False)
    to_year = forms.ChoiceField(label="To", required=False)

    def __init__(self, *args: Any, years: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_year", "to_year"):
            field = self.fields[name]
            field.choices = [("", "Any year"), *years]  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = "Choose a year from the list"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from_year"), data.get("to_year")
        if first and last and int(first) > int(last):
            self.add_error("to_year", "The last year must be the same as or after the first year")
        return data
