"""Forms for the review group and the rapid review pack."""

from __future__ import annotations

from typing import Any

from django import forms

from masa.core.forms import GovukForm, MasaIdField
from masa.core.models import User

from .models import ReviewGroupRole

TEXT_LIMIT = 20000


def _text(label: str, *, required: bool = False, message: str = "", hint: str = "") -> Any:
    return forms.CharField(
        label=label,
        widget=forms.Textarea,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=hint,
        error_messages={"required": message} if message else {},
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


def user_choice_label(user: User) -> str:
    agency = user.agency.name if user.agency else "no agency"
    return f"{user.display_name}: {user.role_definition.name}, {agency}"


class MemberAddForm(GovukForm):
    user = forms.ChoiceField(
        label="Person",
        error_messages={
            "required": "Select the person to add to the review group",
            "invalid_choice": "Select the person to add to the review group",
        },
    )
    role = forms.ChoiceField(
        label="Their role in the review group",
        choices=ReviewGroupRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role in the review group"},
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Select a person"), *((str(u.pk), user_choice_label(u)) for u in users)]
        self.fields["user"].choices = choices  # type: ignore[attr-defined]

    def user_id(self) -> int | None:
        value = self.cleaned_data.get("user") or ""
        return int(value) if value.isdigit() else None


class MemberRemoveForm(GovukForm):
    reason = _text(
        "Why are they leaving the review group?",
        required=True,
        message="Enter why they are leaving the review group",
        hint="For example, changed job or a conflict of interest. They will no longer see the "
        "children's names or the rapid review pack.",
    )


class ReviewChildAddForm(GovukForm):
    child = MasaIdField(
        label="Child's masa ID",
        error_messages={"required": "Enter the child's masa ID"},
    )
    anonymised_name = forms.CharField(
        label="Name in the review",
        max_length=60,
        help_text="What everyone outside the review group will see, for example Sibling 1. "
        "It must not contain the child's name.",
        error_messages={"required": "Enter the name the child will have in the review"},
    )


class PackDraftForm(GovukForm):
    version = _version()
    agency = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ContributionForm(GovukForm):
    involvement_summary = _text(
        "Summary of your agency's involvement",
        required=True,
        message="Enter a summary of your agency's involvement with the child and family",
        hint="What your agency did with the child and family up to the incident, in your own "
        "words. Check the lines drafted from the chronology above.",
    )
    additional_information = _text(
        "Information the chronology does not hold",
        hint="Anything your agency knew that was not recorded in the chronology by the incident "
        "date",
    )
    immediate_actions = _text(
        "Immediate actions taken",
        hint="What your agency has done since the incident to keep children safe",
    )
    learning_identified = _text("Learning identified")
    version = _version()
