"""Forms for children looked after. Code lists are the DfE's for the current collection year
(``masa.care.codes``); the services check each code against the year of the date entered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from masa.core.forms import GovukDateField, GovukForm
from masa.core.models import User

from . import codes as dfe
from .models import Carer, CarerKind, HealthEventKind
from .services_looked_after import CORRECTABLE_RNE, NextStep

EXAMPLE_DATE = "For example, 27 3 2026"
YES_NO_UNKNOWN = [("", "Not known"), ("yes", "Yes"), ("no", "No")]


def code_field(
    field: str, year: int, label: str, *, required: bool = True, help_text: str = "", what: str
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Choose one"), *dfe.choices(field, year)],
        required=required,
        help_text=help_text,
        error_messages={"required": f"Select {what}"},
    )


def carer_choices(carers: list[Carer]) -> list[tuple[str, str]]:
    return [("", "Not on the register"), *((str(c.pk), _carer_text(c)) for c in carers)]


def _carer_text(carer: Carer) -> str:
    where = f", {carer.postcode}" if carer.postcode else ""
    return f"{carer.name} ({carer.get_kind_display()}{where})"


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class _PlacementFields:
    """The placement part of an episode, shared by placing, moving and correcting (a mixin for
    GOV.UK forms)."""

    fields: dict[str, forms.Field]

    def add_placement_fields(self, year: int, carers: list[Carer]) -> None:
        self.fields["placement_type"] = code_field(
            "PLACE", year, "Placement type", what="the placement type"
        )
        self.fields["carer"] = forms.ChoiceField(
            label="Carer or provider",
            choices=carer_choices(carers),
            required=False,
            help_text="From the register of carers. Their provider, postcode and Ofsted URN are "
            "used where you leave those empty.",
        )
        self.fields["placement_provider"] = code_field(
            "PLACE_PROVIDER",
            year,
            "Placement provider",
            required=False,
            what="the placement provider",
        )
        self.fields["placement_postcode"] = forms.CharField(
            label="Placement postcode",
            required=False,
            max_length=8,
            help_text="Used for the distance from home. It is never shown to other agencies.",
        )
        self.fields["urn"] = forms.CharField(
            label="Ofsted URN",
            required=False,
            max_length=8,
            help_text="For example SC123456; XXXXXXX when the placement has none",
        )


class PlaceChildForm(GovukForm, _PlacementFields):
    started_on = GovukDateField(label="Date the child became looked after", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, carers: list[Carer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_status"] = code_field(
            "LS", year, "Legal status", what="the legal status"
        )
        self.fields["category_of_need"] = code_field(
            "CIN", year, "Category of need", what="the category of need"
        )
        self.add_placement_fields(year, carers)
        self.fields["home_postcode"] = forms.CharField(
            label="Home postcode",
            required=False,
            max_length=8,
            help_text="Where the child lived before coming into care",
        )
        self.fields["reason"] = forms.CharField(
            label="Why is the child becoming looked after?",
            widget=forms.Textarea,
            error_messages={"required": "Enter why the child is becoming looked after"},
        )


class ChangePlacementForm(VersionedForm, _PlacementFields):
    changed_on = GovukDateField(label="Date of the move", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, carers: list[Carer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_placement_fields(year, carers)
        self.fields["reason_place_change"] = code_field(
            "REASON_PLACE_CHANGE",
            year,
            "Why did the placement change?",
            required=False,
            help_text="Leave empty for a move into or out of a temporary placement",
            what="why the placement changed",
        )
        self.fields["legal_status"] = code_field(
            "LS",
            year,
            "Legal status from this date",
            required=False,
            help_text="Only if the legal status changes on the same day",
            what="the legal status",
        )
        self.fields["note"] = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


class ChangeLegalStatusForm(VersionedForm):
    changed_on = GovukDateField(label="Date the legal status changed", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_status"] = code_field(
            "LS", year, "New legal status", what="the new legal status"
        )
        self.fields["note"] = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


class CeaseCareForm(VersionedForm):
    ceased_on = GovukDateField(label="Date care ceased", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [c for c in dfe.choices("REC", year) if c[0] != dfe.CONTINUES]
        self.fields["reason_ceased"] = forms.ChoiceField(
            label="Why did care cease?",
            choices=[("", "Choose one"), *choices],
            error_messages={"required": "Select why care ceased"},
        )
        self.fields["next_step"] = forms.ChoiceField(
            label="What happens to the case next?",
            choices=NextStep.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select what happens to the case next"},
        )
        self.fields["note"] = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


class EpisodeCorrectForm(VersionedForm, _PlacementFields):
    started_on = GovukDateField(label="Date the episode began", help_text=EXAMPLE_DATE)

    def __init__(
        self,
        *args: Any,
        year: int,
        carers: list[Carer],
        starts_period: bool,
        ends_period: bool,
        followed: bool,
        end_year: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not starts_period:
            self.fields["reason_new_episode"] = forms.ChoiceField(
                label="Reason for the new episode",
                choices=[
                    (code, f"{code}: {dfe.label('RNE', code, year)}") for code in CORRECTABLE_RNE
                ],
                widget=forms.RadioSelect,
                error_messages={"required": "Select the reason for the new episode"},
            )
        self.fields["legal_status"] = code_field(
            "LS", year, "Legal status", what="the legal status"
        )
        self.fields["category_of_need"] = code_field(
            "CIN", year, "Category of need", what="the category of need"
        )
        self.add_placement_fields(year, carers)
        self.fields["home_postcode"] = forms.CharField(
            label="Home postcode", required=False, max_length=8
        )
        if followed:
            self.fields["reason_place_change"] = code_field(
                "REASON_PLACE_CHANGE",
                year,
                "Why did the placement change at the end of this episode?",
                required=False,
                what="why the placement changed",
            )
        if ends_period:
            self.fields["ended_on"] = GovukDateField(
                label="Date care ceased", help_text=EXAMPLE_DATE
            )
            # The reasons of the year care ceased in (E43/E44 gave way to E45-E48 in 2018/19).
            self.fields["reason_ceased"] = code_field(
                "REC", end_year or year, "Why did care cease?", what="why care ceased"
            )
        self.fields["reason"] = forms.CharField(
            label="What was wrong, and why is it being corrected?",
            widget=forms.Textarea,
            error_messages={"required": "Enter why the episode is being corrected"},
        )


class ReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"] = forms.ChoiceField(
            label="How did the child take part?",
            choices=dfe.choices("REVIEW_CODE", year),
            widget=forms.RadioSelect,
            error_messages={"required": "Select how the child took part"},
        )
        self.fields["notes"] = forms.CharField(
            label="What did the review find and decide?", widget=forms.Textarea, required=False
        )


class HealthEventForm(GovukForm):
    kind = forms.ChoiceField(
        label="What was done?",
        choices=HealthEventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was done"},
    )
    done_on = GovukDateField(label="Date it was done", help_text=EXAMPLE_DATE)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


def _answer(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class OutcomesForm(GovukForm):
    year_ending = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        error_messages={"required": "Select the year"},
        help_text="The outcomes at 31 March of the collection year",
    )
    sdq_score = forms.IntegerField(
        label="Strengths and difficulties questionnaire (SDQ) score",
        required=False,
        min_value=0,
        max_value=40,
        help_text="0 to 40",
        error_messages={
            "invalid": "The SDQ score must be a whole number",
            "min_value": "The SDQ score must be between 0 and 40",
            "max_value": "The SDQ score must be between 0 and 40",
        },
    )
    convicted = _answer("Convicted or subject to a youth caution during the year?")
    health_check = _answer("Development assessments up to date (children under 5)?")
    immunisations = _answer("Immunisations up to date?")
    teeth_check = _answer("Teeth checked by a dentist in the year?")
    health_assessment = _answer("Annual health assessment up to date?")
    substance_misuse = _answer("Identified as having a substance misuse problem?")
    intervention_received = _answer("Received an intervention for substance misuse?")
    intervention_offered = _answer("Offered an intervention for substance misuse?")

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = dfe.collection_year(today)
        years = range(current, current - 5, -1)
        self.fields["year_ending"].choices = [  # type: ignore[attr-defined]
            (str(y), f"{y - 1}/{str(y)[2:]} (31 March {y})") for y in years
        ]
        self.fields["sdq_reason"] = code_field(
            "SDQ_REASON",
            current,
            "Reason there is no SDQ score",
            required=False,
            what="the reason there is no SDQ score",
        )
        names = list(self.fields)
        names.remove("sdq_reason")
        names.insert(names.index("sdq_score") + 1, "sdq_reason")
        self.order_fields(names)


class AdoptionDecisionForm(GovukForm):
    decided_on = GovukDateField(
        label="Date of the decision that the child should be placed for adoption",
        help_text=EXAMPLE_DATE,
    )
    ceased_on = GovukDateField(
        label="Date the adoption plan stopped",
        required=False,
        help_text="Only if the child will no longer be placed for adoption",
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_ceased"] = code_field(
            "REASON_PLACED_CEASED",
            year,
            "Why did the adoption plan stop?",
            required=False,
            what="why the adoption plan stopped",
        )


class AdoptionMatchForm(GovukForm):
    best_interests_on = GovukDateField(
        label="Date of the decision that adoption is in the child's best interests",
        help_text=EXAMPLE_DATE,
    )
    matched_on = GovukDateField(label="Date the child was matched", help_text=EXAMPLE_DATE)
    foster_carer_adoption = forms.TypedChoiceField(
        label="Are the adopters the child's foster carers?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the adopters are the child's foster carers"},
    )
    number_of_adopters = forms.TypedChoiceField(
        label="Number of adopters",
        choices=[("1", "1"), ("2", "2")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the number of adopters"},
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adopters_sex"] = code_field(
            "SEX_ADOPTR", year, "Sex of the adopters", what="the sex of the adopters"
        )
        self.fields["adopters_legal_status"] = code_field(
            "LS_ADOPTR", year, "Legal status of the adopters", what="the adopters' legal status"
        )


class PermanenceForm(GovukForm):
    made_on = GovukDateField(
        label="Date of the order",
        required=False,
        help_text="If you know the full date. For example, 27 3 2019",
    )
    made_on_text = forms.CharField(
        label="Date of the order, if only partly known",
        required=False,
        max_length=10,
        help_text="dd/mm/yyyy with zz for what is not known, like zz/10/2015",
    )
    la = forms.CharField(
        label="Local authority that made the arrangement",
        required=False,
        max_length=3,
        help_text="Its 3-digit DfE code, or NUK (not known) or NIR (outside England)",
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = code_field(
            "PREV_PERM",
            year,
            "Permanence before this period of care",
            what="the permanence before this period of care",
        )
        self.order_fields(["kind", "made_on", "made_on_text", "la"])


class UascForm(VersionedForm):
    uasc = forms.TypedChoiceField(
        label="Is the child an unaccompanied asylum-seeking child?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child is an unaccompanied asylum seeker"},
    )
    ceased_on = GovukDateField(
        label="Date UASC status ceased",
        required=False,
        help_text="For example when they turned 18 or were granted leave to remain",
    )


class SocialWorkerForm(GovukForm):
    worker = forms.ChoiceField(
        label="New social worker", error_messages={"required": "Select the new social worker"}
    )
    changed_on = GovukDateField(label="Date of the change", help_text=EXAMPLE_DATE)

    def __init__(self, *args: Any, year: int, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a social worker"),
            *((str(w.pk), w.display_name) for w in workers),
        ]
        self.fields["reason_changed"] = code_field(
            "SW_REASON",
            year,
            "Why did the social worker change?",
            required=False,
            help_text="Not needed for the child's first social worker",
            what="why the social worker changed",
        )


class CarerForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name"}
    )
    kind = forms.ChoiceField(
        label="Kind of carer or provider",
        choices=CarerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of carer or provider"},
    )
    urn = forms.CharField(label="Ofsted URN", required=False, max_length=8)
    postcode = forms.CharField(label="Postcode", required=False, max_length=8)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider_code"] = code_field(
            "PLACE_PROVIDER", year, "Placement provider", what="the placement provider"
        )
        self.order_fields(["name", "kind", "provider_code", "urn", "postcode"])
