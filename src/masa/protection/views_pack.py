"""Meeting pack pages: the papers for a conference, agencies' reports, shares, and a print view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from masa.core.access import requires
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.people.services import child_record_view

from . import selectors
from .forms_pack import AgencyReportForm, PackShareForm
from .models import AgencyReport, Conference
from .services_pack import agency_report_submit, pack_assemble, pack_share_record
from .views_conference import posted_data


def _pack_context(user: User, conference: Conference) -> dict[str, Any]:
    """Everything the pack shows, for the pack page and its printable version."""
    subjects = selectors.visible_subjects(user, conference)
    for subject in subjects:
        child_record_view(user=user, child=subject.child)
        subject.conference = conference
    pack = selectors.pack_of(conference)
    return {
        "conference": conference,
        "pack": pack,
        "sections": selectors.pack_sections(user, conference, subjects),
        "reports": selectors.agency_reports(pack),
        "pack_status": selectors.pack_status(conference, pack),
        "agencies": conference.agencies.order_by("name"),
        "today": timezone.localdate(),
    }


@requires(Permission.VIEW_CHILD_RECORDS)
def pack_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    context = _pack_context(user, conference)
    own_report = (
        any(r.agency_id == user.agency_id for r in context["reports"]) if user.agency_id else False
    )
    return page(
        request,
        "protection/pack_detail.html",
        f"Meeting pack: {conference.get_kind_display().lower()}",
        can_share=user.has_masa_permission(Permission.CHAIR_CONFERENCES),
        can_report=user.has_masa_permission(Permission.ADD_CHRONOLOGY_ENTRIES)
        and user.agency_id is not None,
        own_report=own_report,
        **context,
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def pack_print(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    return page(
        request,
        "protection/pack_print.html",
        f"Meeting pack: {conference.get_kind_display().lower()}",
        **_pack_context(user, conference),
    )


@requires(Permission.CHAIR_CONFERENCES)
@require_POST
def pack_assemble_view(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    try:
        pack_assemble(actor=user, conference=conference)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting pack assembled. Agencies can now add their reports")
    return redirect("protection:pack-detail", conference_id=conference.pk)


@requires(Permission.ADD_CHRONOLOGY_ENTRIES)
def pack_report(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    pack = selectors.pack_of(conference)
    existing = (
        AgencyReport.objects.filter(pack=pack, agency=user.agency).first()
        if pack and user.agency
        else None
    )
    form = AgencyReportForm(
        posted_data(request),
        initial={
            "report": existing.report if existing else "",
            # 0: the user started from no report (someone adding one meanwhile is a conflict).
            "version": existing.version if existing else 0,
        },
    )
    if save_form(
        request,
        form,
        lambda data: agency_report_submit(
            actor=user, conference=conference, report=data["report"], version=data["version"]
        ),
        success="Your agency's report has been added to the pack",
    ):
        return redirect("protection:pack-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/pack_report.html",
        f"{user.agency.name if user.agency else 'Your agency'}'s report to the conference",
        form=form,
        conference=conference,
        existing=existing,
    )


def _chosen_agency(agencies: QuerySet[Agency], form: PackShareForm) -> Agency | None:
    agency_id = form.agency_id()
    return agencies.filter(pk=agency_id).first() if agency_id else None


@requires(Permission.CHAIR_CONFERENCES)
def pack_share(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    agencies = selectors.partnership_agencies(selectors.conference_partnership_id(conference))
    form = PackShareForm(posted_data(request), agencies=[(str(a.pk), a.name) for a in agencies])
    if save_form(
        request,
        form,
        lambda data: pack_share_record(
            actor=user,
            conference=conference,
            recipient=data["recipient"],
            is_family=data["recipient_kind"] == "family",
            agency=_chosen_agency(agencies, form),
            shared_on=data["shared_on"],
        ),
        success="Share recorded",
    ):
        return redirect("protection:pack-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/pack_share.html",
        "Record who the papers were shared with",
        form=form,
        conference=conference,
        rule=selectors.pack_status(conference, None).rule_text,
    )
