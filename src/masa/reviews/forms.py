"""Case review pipeline forms: each message says what is wrong and where (GOV.UK style).

The forms only parse what was typed; the services decide whether the step may be recorded.
"""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm, MasaIdField

from .models import (
    HarmOutcome,
    PanelResponse,
    PauseReason,
    ReviewDecision,
    ReviewSettings,
    ReviewStatus,
)

EXAMPLE = "For example, 23 11 2026"
YES_NO = [("yes", "Yes"), ("no", "No")]


def as_bool(value: str) -> bool:
    return value == "yes"


def _yes_no(label: str, required_message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


def _text(label: str, required_message: str | None = None, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea,
        max_length=20000,
        required=required_message is not None,
        error_messages={"required": required_message or ""},
        **kwargs,
    )


def _line(label: str, required_message: str | None = None, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("max_length", 200)
    return forms.CharField(
        label=label,
        required=required_message is not None,
        error_messages={"required": required_message or ""},
        **kwargs,
    )


def _date(label: str, required: bool = True, **kwargs: Any) -> GovukDateField:
    kwargs.setdefault("help_text", EXAMPLE)
    return GovukDateField(label=label, required=required, **kwargs)


def _choice(
    label: str, choices: list[tuple[str, str]], message: str, **kwargs: Any
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=kwargs.pop("widget", forms.RadioSelect),
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferForm(GovukForm):
    child_id = MasaIdField(
        label="Child's masa ID", error_messages={"required": "Enter the child's masa ID"}
    )
    incident_date = _date("Date of the incident")
    aware_on = _date(
        "Date the local authority became aware of the incident",
        help_text=f"Day 0 of the notification clock. {EXAMPLE}",
    )
    harm_outcome = _choice(
        "What happened to the child?",
        HarmOutcome.choices,
        "Select whether the child died or was seriously harmed",
    )
    abuse_or_neglect_suspected = _yes_no(
        "Is abuse or neglect known or suspected?",
        "Select yes if abuse or neglect is known or suspected",
    )
    referral_reason = _text(
        "Why are you referring the case?",
        "Enter why you are referring the case",
        help_text="What happened, and why the case may need a rapid review or a learning review",
    )
    referred_on = _date("Date of the referral")


class AcknowledgeForm(VersionedForm):
    acknowledged_on = _date("Date the referral was acknowledged")


class TriageForm(VersionedForm):
    notifiable = _yes_no(
        "Does the case meet the criteria for a serious incident notification?",
        "Select yes if the case is notifiable to the national Panel",
        help_text="Abuse or neglect is known or suspected and the child died or was seriously "
        "harmed (Children Act 2004 section 16C)",
    )
    child_looked_after = _yes_no(
        "Was the child looked after by a local authority?",
        "Select yes if the child was looked after",
        help_text="The death of a looked-after child is always notified, whether or not abuse "
        "or neglect is suspected",
    )
    reason = _text("Reasons", "Enter why the case is or is not notifiable to the Panel")


NOTIFICATION_FLAGS = [
    ("child_looked_after", "The child was looked after"),
    ("on_protection_plan", "The child was on a child protection plan"),
    ("previously_on_protection_plan", "The child was previously on a child protection plan"),
    ("child_in_need", "The child was a child in need"),
    ("known_to_early_help", "The child or family was known to early help"),
    ("educated_otherwise_than_at_school", "The child was educated otherwise than at school"),
    ("other_children_in_household", "Other children live in the household"),
    ("police_investigation", "There is a police investigation"),
    ("media_interest", "There is or may be media interest"),
]
ABUSE_CATEGORIES = [
    ("", "Not known"),
    ("N", "Neglect"),
    ("P", "Physical abuse"),
    ("E", "Emotional abuse"),
    ("S", "Sexual abuse"),
    ("M", "Multiple categories"),
]


class NotifyForm(VersionedForm):
    notified_on = _date("Date the notification was sent")
    notifying_local_authority = _line(
        "Local authority making the notification",
        "Enter the local authority making the notification",
    )
    incident_location = _line("Where the incident happened", "Enter where the incident happened")
    incident_in_england = _yes_no(
        "Did the incident happen in England?",
        "Select yes if the incident happened in England",
    )
    incident_summary = _text("Summary of the incident", "Enter a summary of the incident")
    abuse_category = forms.ChoiceField(
        label="Category of abuse suspected",
        choices=ABUSE_CATEGORIES,
        required=False,
        error_messages={"invalid_choice": "Select the category of abuse from the list"},
    )
    circumstances = forms.MultipleChoiceField(
        label="Which of these apply?",
        choices=NOTIFICATION_FLAGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    agencies_involved = _text("Agencies involved with the child and family (optional)")
    notifier_name = _line("Name of the person notifying", "Enter the name of the person notifying")
    notifier_role = _line("Their role", "Enter the role of the person notifying")


class PartnersToldForm(VersionedForm):
    told_on = _date("Date the safeguarding partners were told")


class RapidReviewForm(VersionedForm):
    meeting_on = _date("Date of the rapid review meeting")
    sent_on = _date("Date the rapid review was sent to the Panel")


class DecideForm(VersionedForm):
    decision = _choice("Decision", ReviewDecision.choices, "Select the decision")
    decided_on = _date("Date of the decision")
    reason = _text("Reasons for the decision", "Enter the reasons for the decision")


class PanelResponseForm(VersionedForm):
    response = _choice("The Panel's response", PanelResponse.choices, "Select the Panel's response")
    responded_on = _date("Date of the Panel's response")
    note = _text(
        "What the Panel said (optional if it agrees)",
        help_text="For example, the questions in the Panel's letter",
    )


class CommissionForm(VersionedForm):
    reviewer_name = _line("Reviewer's name", "Enter the reviewer's name")
    reviewer_organisation = _line("Reviewer's organisation (optional)")
    commissioned_on = _date("Date the review was commissioned")
    terms_of_reference = _text("Terms of reference", "Enter the terms of reference")
    methodology = _text(
        "Methodology",
        "Enter the methodology",
        help_text="For example, a systems approach with practitioner learning events",
    )
    family_involvement = _text(
        "How the family will be involved",
        "Enter how the family will be involved (or why they will not be)",
    )
    practitioner_involvement = _text("How practitioners will be involved (optional)")
    agreed_fee = forms.DecimalField(
        label="Agreed fee in pounds (optional)",
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput,
        error_messages={
            "invalid": "Enter the agreed fee as a number, like 6500 or 6500.00",
            "min_value": "The agreed fee must be £0 or more",
            "max_digits": "The agreed fee must be less than £10,000,000",
            "max_decimal_places": "The agreed fee can have at most 2 decimal places",
        },
    )
    planned_completion_on = _date("Planned completion date (optional)", required=False)
    commissioning_notice_sent_on = _date(
        "Date the Panel, Ofsted and DfE were told of the review and reviewer (optional)",
        required=False,
        help_text=f"Local child safeguarding practice reviews only. {EXAMPLE}",
    )


class CommissioningNoticeForm(VersionedForm):
    sent_on = _date("Date the Panel, Ofsted and DfE were told of the review and reviewer")


class CostForm(VersionedForm):
    description = _line("What the cost was for", "Enter what the cost was for")
    amount = forms.DecimalField(
        label="Amount in pounds",
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput,
        error_messages={
            "required": "Enter the amount",
            "invalid": "Enter the amount as a number, like 450 or 450.50",
            "max_digits": "The amount must be less than £10,000,000",
            "max_decimal_places": "The amount can have at most 2 decimal places",
        },
    )
    incurred_on = _date("Date of the cost")
    funded_by = forms.ChoiceField(
        label="Paid by (optional)",
        required=False,
        error_messages={"invalid_choice": "Select the agency that paid from the list"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funded_by"].choices = [("", "Not recorded"), *agencies]  # type: ignore[attr-defined]


class PauseForm(VersionedForm):
    reason = _choice(
        "Why is the review paused?", PauseReason.choices, "Select why the review is paused"
    )
    detail = _text(
        "What the review is waiting for",
        "Enter what the review is waiting for",
        help_text="For example, the trial date or the inquest's listing",
    )
    started_on = _date("Date the pause started")


class PauseEndForm(VersionedForm):
    ended_on = _date("Date the pause ended")


class ReportForm(VersionedForm):
    completed_on = _date("Date the final report was completed")
    sent_to_panel_on = _date(
        "Date the report was sent to the Panel and DfE (optional)", required=False
    )
    planned_publication_on = _date(
        "Planned publication date (optional)",
        required=False,
        help_text="The report must reach the Panel and DfE at least 7 working days before "
        f"publication. {EXAMPLE}",
    )


class PublishForm(VersionedForm):
    published_on = _date("Date the review was published")
    publication_url = forms.CharField(
        label="Web address of the published review",
        max_length=200,
        error_messages={"required": "Enter the web address where the review is published"},
    )


class NotPublishedForm(VersionedForm):
    decided_on = _date("Date of the decision not to publish")
    reason = _text(
        "Why the review will not be published",
        "Enter why the review will not be published",
        help_text="Working Together expects the improvements to be published even if the full "
        "report is not",
    )


class CloseForm(VersionedForm):
    closed_on = _date("Date the case was closed")
    reason = _text("Notes (optional)")


class WithdrawForm(VersionedForm):
    withdrawn_on = _date("Date of the withdrawal")
    reason = _text("Why is the review being withdrawn?", "Enter why the review is being withdrawn")


class RedactionForm(VersionedForm):
    term = _line("Word or name to take out", "Enter the word or name to take out", max_length=120)
    replacement = _line(
        "Put this in its place (optional)",
        max_length=60,
        help_text="For example, [the school]. Leave empty for [redacted]",
    )


class SettingsForm(GovukForm):
    rapid_review_starts = _choice(
        "When do the rapid review's 15 working days start?",
        ReviewSettings.RapidReviewStart.choices,
        "Select when the rapid review's 15 working days start",
    )


class StageFilterForm(GovukForm):
    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "All stages"), *ReviewStatus.choices],
    )
