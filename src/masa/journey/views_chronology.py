"""The child's chronology: the page, adding a significant event, print, CSV and PDF.

Every page goes through the child's scope first (out of scope is the same 404 as missing), reads
through ``chronology.chronology_for`` and is audited: the page as a view of the child, the print
and the exports as exports.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from masa.core.access import requires
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.people.models import Child
from masa.people.selectors import child_for_user
from masa.people.services import child_record_view

from . import chronology as chron
from .forms_chronology import YES, ChronologyFilterForm, SignificantEventForm
from .models import Significance
from .services import chronology_exported, significant_event_add


def _filter_form(request: HttpRequest, child: Child) -> ChronologyFilterForm:
    agencies = list(
        Agency.objects.filter(partnership_id=child.partnership_id)
        .order_by("name")
        .values_list("pk", "name")
    )
    return ChronologyFilterForm(request.GET or None, agencies=agencies)


def _document(
    request: HttpRequest, child: Child, form: ChronologyFilterForm
) -> tuple[list[chron.ChronologyLine], list[str]]:
    """The lines and the filters in words, for a valid filter form."""
    filters = form.filters()
    lines = chron.chronology_for(
        user_of(request),
        child,
        as_known_on=filters.as_known_on,
        agency_id=filters.agency_id,
        event_types=filters.event_types,
        significances=filters.significances,
    )
    return lines, filters.describe(form.agency_names)


def _view_context(user: User, child: Child) -> dict[str, Any]:
    agency = user.agency
    return {
        "child": child,
        "sees_all": chron.sees_every_entry(user),
        "agency_name": agency.name if agency else "",
        "agency_kind_label": agency.get_kind_display() if agency else "",
    }


def _back_to_page(child: Child, request: HttpRequest) -> HttpResponse:
    """Exports with filters that do not make sense: the page shows what is wrong with them."""
    query = request.GET.urlencode()
    target = reverse("journey:chronology", args=[child.pk])
    return redirect(f"{target}?{query}" if query else target)


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def chronology(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_user(user, child_id)
    child_record_view(user=user, child=child)
    form = _filter_form(request, child)
    valid = not form.is_bound or form.is_valid()
    lines, described = _document(request, child, form) if valid else ([], [])
    return page(
        request,
        "journey/chronology.html",
        f"Chronology for {child.full_name}",
        form=form,
        filters_valid=valid,
        lines=lines,
        filters_described=described,
        query=request.GET.urlencode() if valid else "",
        can_add=user.has_masa_permission(Permission.ADD_CHRONOLOGY_ENTRIES),
        can_export=user.has_masa_permission(Permission.EXPORT_CHRONOLOGY),
        **_view_context(user, child),
    )


@requires(Permission.ADD_CHRONOLOGY_ENTRIES)
@require_http_methods(["GET", "POST"])
def chronology_add(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_user(user, child_id)
    form = SignificantEventForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: significant_event_add(
            actor=user,
            child=child,
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            significance=Significance(data["significance"]),
            share_with_all=data["share_with_all"] == YES,
        ),
        success="Significant event added to the chronology",
    ):
        return redirect("journey:chronology", child_id=child.pk)
    return page(
        request,
        "journey/chronology_add.html",
        f"Add a significant event to {child.full_name}'s chronology",
        form=form,
        child=child,
    )


class _Export(NamedTuple):
    """A chronology to print or export: the child, the lines and the filters in words."""

    child: Child
    lines: list[chron.ChronologyLine]
    described: list[str]


def _export_or_back(request: HttpRequest, child_id: int) -> _Export | HttpResponse:
    """The chronology as the filters ask, or back to the page if they do not make sense."""
    child = child_for_user(user_of(request), child_id)
    form = _filter_form(request, child)
    if form.is_bound and not form.is_valid():
        return _back_to_page(child, request)
    return _Export(child, *_document(request, child, form))


def _audit_export(request: HttpRequest, export: _Export, how: str) -> None:
    chronology_exported(
        user=user_of(request),
        child=export.child,
        how=how,
        filters=export.described,
        line_count=len(export.lines),
    )


def _printable_context(request: HttpRequest, export: _Export) -> dict[str, Any]:
    user = user_of(request)
    return {
        "lines": export.lines,
        "filters_described": export.described,
        "generated": chron.generated_line(user),
        "document_title": f"Chronology for {export.child.full_name}",
        **_view_context(user, export.child),
    }


def _download(response: HttpResponse, child: Child, extension: str) -> HttpResponse:
    response["Content-Disposition"] = (
        f'attachment; filename="{chron.export_filename(child, extension)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.EXPORT_CHRONOLOGY)
@require_GET
def chronology_print(request: HttpRequest, child_id: int) -> HttpResponse:
    export = _export_or_back(request, child_id)
    if isinstance(export, HttpResponse):
        return export
    _audit_export(request, export, "print")
    return page(
        request,
        "journey/chronology_print.html",
        f"Chronology for {export.child.full_name}: print version",
        query=request.GET.urlencode(),
        **_printable_context(request, export),
    )


@requires(Permission.EXPORT_CHRONOLOGY)
@require_GET
def chronology_csv(request: HttpRequest, child_id: int) -> HttpResponse:
    export = _export_or_back(request, child_id)
    if isinstance(export, HttpResponse):
        return export
    _audit_export(request, export, "CSV")
    response = _download(HttpResponse(content_type="text/csv; charset=utf-8"), export.child, "csv")
    chron.write_csv(export.lines, response)
    return response


@requires(Permission.EXPORT_CHRONOLOGY)
@require_GET
def chronology_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    export = _export_or_back(request, child_id)
    if isinstance(export, HttpResponse):
        return export
    html = render_to_string(
        "journey/chronology_pdf.html", _printable_context(request, export), request=request
    )
    pdf = chron.render_pdf(html)
    _audit_export(request, export, "PDF")  # only once the PDF is made
    return _download(HttpResponse(pdf, content_type="application/pdf"), export.child, "pdf")
