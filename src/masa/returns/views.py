"""Returns pages for the people who prepare them (SUBMIT_RETURNS): the CIN census export and
check, and Ofsted's Annex A lists.

Each page parses its form and calls one service: ``cin.export.cin_census_exported``,
``cin.xml_read.census_file_validated`` or ``annex_a.annex_a_exported`` (each audited). A
check's findings are kept for the user who made it (``cin.report``); anyone else asking for
them gets a 404, as does the owner once they have expired.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.core.access import requires
from masa.core.forms import GovukDateField, GovukForm
from masa.core.models import Partnership
from masa.core.permissions import Permission
from masa.core.services import ServiceError
from masa.core.views import add_service_error, page, user_of

from .annex_a import LISTS, PERIOD_CHOICES, annex_a_exported
from .cin.export import cin_census_exported, la_code_for
from .cin.report import (
    KEEP_HOURS,
    CensusFinding,
    StoredValidation,
    load_validation,
    to_csv,
    xlsx_bytes,
)
from .cin.xml_read import DEFAULT_MAX_BYTES, census_file_validated, counts_by_rule, size_text
from .cin.xsd import carried_forward, census_years, label, short_label
from .cin.years import CollectionYear

FINDINGS_SHOWN = 500
FROM_HEADER = ""


def _year_choices() -> list[tuple[int, str]]:
    choices = []
    for year in sorted(census_years(), reverse=True):
        text = label(year)
        source = carried_forward(year)
        if source:
            text += f" (using the {label(source)} schema until the DfE publishes one)"
        choices.append((year, text))
    return choices


def default_year(today: dt.date) -> int:
    """The last census year that has ended (the one being prepared for the DfE)."""
    last = CollectionYear.current(today).year - 1
    years = census_years()
    return last if last in years else years[-1]


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Census year",
        coerce=int,
        error_messages={
            "required": "Select the census year",
            "invalid_choice": "Select a census year from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()  # type: ignore[attr-defined]


class CheckForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Census year",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave this as the year in the file unless the file has no header",
        error_messages={"invalid_choice": "Select a census year from the list"},
    )
    census_file = forms.FileField(
        label="CIN census XML file",
        help_text=f"The file your system makes for the DfE, up to {size_text(DEFAULT_MAX_BYTES)}",
        error_messages={
            "required": "Choose the CIN census XML file to check",
            "empty": "The file you chose is empty: choose the census XML file",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (FROM_HEADER, "The year in the file's header"),
            *_year_choices(),
        ]

    def clean_census_file(self) -> Any:
        upload = self.cleaned_data["census_file"]
        if upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {size_text(upload.size)}: choose a file under "
                f"{size_text(DEFAULT_MAX_BYTES)}"
            )
        return upload


class AnnexAForm(GovukForm):
    inspection = GovukDateField(
        label="Inspection date", help_text="The lists run up to this date. For example, 23 11 2026"
    )
    period = forms.ChoiceField(
        label="Period the lists cover",
        widget=forms.RadioSelect,
        choices=list(PERIOD_CHOICES.items()),
        error_messages={"required": "Choose the period the lists cover"},
    )


def _partnership(request: HttpRequest) -> Partnership:
    user = user_of(request)
    return Partnership.objects.get(pk=user.partnership_id)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    partnership = _partnership(request)
    la_code, la_source = la_code_for(partnership)
    return page(
        request,
        "returns/index.html",
        "Returns",
        la_code=la_code,
        la_source=la_source,
        first_year=label(min(census_years())),
        last_year=label(max(census_years())),
    )


@requires(Permission.SUBMIT_RETURNS)
@require_http_methods(["GET", "POST"])
def cin_export(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    partnership = _partnership(request)
    form = YearForm(request.POST or None, initial={"year": default_year(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            export = cin_census_exported(
                partnership=partnership, year=form.cleaned_data["year"], actor=user
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return _download(export.content, export.content_type, export.filename)
    la_code, la_source = la_code_for(partnership)
    return page(
        request,
        "returns/cin_export.html",
        "Export the CIN census",
        form=form,
        la_code=la_code,
        la_source=la_source,
    )


@requires(Permission.SUBMIT_RETURNS)
@require_http_methods(["GET", "POST"])
def cin_validate(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["census_file"]
        try:
            stored = census_file_validated(
                user=user,
                data=upload.read(DEFAULT_MAX_BYTES + 1),
                file_name=upload.name or "census.xml",
                year=form.cleaned_data["year"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("returns:cin-findings", token=stored.token)
    return page(
        request,
        "returns/cin_validate.html",
        "Check a CIN census file",
        form=form,
        keep_hours=KEEP_HOURS,
    )


class FindingsFilterForm(GovukForm):
    rule = forms.ChoiceField(label="Rule", required=False)
    table = forms.ChoiceField(label="Table", required=False)

    def __init__(self, *args: Any, findings: list[CensusFinding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = counts_by_rule(findings)
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            ("", "All rules"),
            *((code, f"{code} ({count})") for code, count, _ in rules),
        ]
        tables = sorted({f.table for f in findings})
        self.fields["table"].choices = [("", "All tables"), *((t, t) for t in tables)]  # type: ignore[attr-defined]


def _filtered(stored: StoredValidation, form: FindingsFilterForm) -> list[CensusFinding]:
    if not form.is_valid():
        return stored.findings
    rule, table = form.cleaned_data["rule"], form.cleaned_data["table"]
    return [
        f
        for f in stored.findings
        if (not rule or f.rule == rule) and (not table or f.table == table)
    ]


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def cin_findings(request: HttpRequest, token: str) -> HttpResponse:
    user = user_of(request)
    stored = load_validation(token, user_id=user.pk)
    if stored is None:
        raise Http404("No such check, or it has expired")
    form = FindingsFilterForm(request.GET or None, findings=stored.findings)
    findings = _filtered(stored, form)
    download = request.GET.get("download")
    stem = f"cin-census-{short_label(stored.year)}-findings"
    if download == "csv":
        return _download(to_csv(findings).encode("utf-8"), "text/csv; charset=utf-8", f"{stem}.csv")
    if download == "xlsx":
        return _download(
            xlsx_bytes(findings),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    query = request.GET.copy()
    query.pop("download", None)
    return page(
        request,
        "returns/cin_findings.html",
        f"CIN census {label(stored.year)}: findings",
        form=form,
        stored=stored,
        findings=findings[:FINDINGS_SHOWN],
        matching=len(findings),
        shown=min(len(findings), FINDINGS_SHOWN),
        rules=counts_by_rule(stored.findings),
        errors=sum(not f.query for f in stored.findings),
        queries=sum(f.query for f in stored.findings),
        filter_query=query.urlencode(),
        year_label=label(stored.year),
    )


@requires(Permission.SUBMIT_RETURNS)
@require_http_methods(["GET", "POST"])
def annex_a(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = AnnexAForm(request.POST or None, initial={"period": "ofsted"})
    if request.method == "POST" and form.is_valid():
        try:
            export = annex_a_exported(
                partnership=_partnership(request),
                inspection=form.cleaned_data["inspection"],
                period=form.cleaned_data["period"],
                actor=user,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return _download(export.content, export.content_type, export.filename)
    return page(request, "returns/annex_a.html", "Ofsted Annex A lists", form=form, lists=LISTS)
