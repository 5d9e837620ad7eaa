"""Forms for meeting packs: an agency's report and a record of sharing the papers."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm

from .forms_conference import text, version_field


class AgencyReportForm(GovukForm):
    report = text(
        "Your agency's report",
        required=True,
        message="Enter your agency's report for the conference",
        help_text="What your agency knows about the child and family, the risks you see and "
        "what your agency is doing",
    )
    version = version_field()


class PackShareForm(GovukForm):
    recipient_kind = forms.ChoiceField(
        label="Who were the papers shared with?",
        choices=[("agency", "Someone attending from an agency"), ("family", "The family")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the papers were shared with"},
    )
    recipient = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For the family, the parent or carer who received them",
        error_messages={"required": "Enter the name of the person the papers were shared with"},
    )
    agency = forms.ChoiceField(label="Agency", required=False)
    shared_on = GovukDateField(
        label="Date the papers were shared", help_text="For example, 20 11 2026"
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Select an agency"), *agencies]  # type: ignore[attr-defined]

    def agency_id(self) -> int | None:
        value = self.cleaned_data.get("agency") or ""
        return int(value) if value.isdigit() else None
