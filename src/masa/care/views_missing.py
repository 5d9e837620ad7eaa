"""Pages for missing children and care leavers.

Missing episodes: any agency that may see the child reads the child's missing page and the
pattern analysis (``VIEW_CHILD_RECORDS``, scoped by ``children_visible_to``); associates and
exploitation concerns only with ``VIEW_EXPLOITATION``; reporting, returns and interviews, and the
list of open episodes and interviews due, need ``RECORD_MISSING``.

Care leavers are children's social care's record (``selectors_looked_after.child_for_care``: other
agencies get the same 404 as a missing child); recording needs ``RECORD_CARE``; the team's list is
a work list (``VIEW_WORK_LISTS``).

Each view parses the form and calls one service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.core import audit
from masa.core.access import requires
from masa.core.calendar import add_months
from masa.core.models import Agency, AuditAction, User
from masa.core.permissions import Permission
from masa.core.services import ServiceError, StaleVersion
from masa.core.views import page, save_form, user_of
from masa.journey.selectors import caseworkers
from masa.people.models import Child
from masa.people.services import child_record_view

from . import codes as dfe
from . import selectors_leavers as leavers
from . import selectors_missing as selectors
from . import services_leavers
from . import services_missing as services
from .clocks import birthday
from .forms_missing import (
    LeaverContactForm,
    MissingReportForm,
    MissingReturnForm,
    PathwayPlanForm,
    PatternsFilterForm,
    ReturnInterviewForm,
    StayingPutEndForm,
    StayingPutForm,
)
from .models import Carer, MissingEpisode
from .patterns import WEEKDAYS
from .selectors_looked_after import child_for_care

T = TypeVar("T")

# Service fields (instants) -> the form's date box, where a refusal is shown.
FORM_FIELDS = {"started_at": "started_on", "ended_at": "ended_on", "offered_at": "offered_on"}


def _today() -> dt.date:
    return timezone.localdate()


def _on_form_fields(call: Callable[[], T]) -> T:
    """Call a service; a refusal about an instant is shown on the form's date box."""
    try:
        return call()
    except StaleVersion:
        raise
    except ServiceError as error:
        if error.field in FORM_FIELDS:
            raise ServiceError(error.message, FORM_FIELDS[error.field]) from error
        raise


def _audit_view(request: HttpRequest, child: Child) -> None:
    if request.method == "GET":
        child_record_view(user=user_of(request), child=child)


def _see_exploitation(request: HttpRequest) -> bool:
    return selectors.can_see_exploitation(user_of(request))


def _to_missing_page(child: Child) -> HttpResponse:
    return redirect("care:missing-child", child_id=child.pk)


def _time_text(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


# ---------------------------------------------------------------- missing: reading


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def missing_child(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_missing(user, child_id)
    _audit_view(request, child)
    return page(
        request,
        "care/missing/child.html",
        f"Missing episodes: {child.full_name}",
        child=child,
        missing=selectors.child_missing(user, child),
        can_record=user.has_masa_permission(Permission.RECORD_MISSING),
        see_exploitation=_see_exploitation(request),
        weekdays=WEEKDAYS,
    )


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def missing_patterns(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = _today()
    start, end = add_months(today, -12) + dt.timedelta(days=1), today
    form = PatternsFilterForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    found = selectors.patterns_across(user, start=start, end=end)
    see_exploitation = _see_exploitation(request)
    # The page names every child in scope who went missing: each child's access report lists it.
    what = "with associates" if see_exploitation else "without associates"
    with transaction.atomic():
        for child in found.children.values():
            audit.record(
                actor=user,
                action=AuditAction.VIEW,
                object_type="missing_patterns",
                object_label=f"Missing episode patterns across children, {what}: {child}",
                child_id=child.pk,
                reason=f"{start.isoformat()} to {end.isoformat()}",
            )
    return page(
        request,
        "care/missing/patterns.html",
        "Missing episode patterns",
        form=form,
        found=found,
        see_exploitation=see_exploitation,
        weekdays=WEEKDAYS,
    )


@requires(Permission.RECORD_MISSING)
@require_GET
def missing_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    team_only = request.GET.get("show") != "all"
    return page(
        request,
        "care/missing/list.html",
        "Missing children and return home interviews",
        found=selectors.missing_list(user, team_only=team_only),
        rhi_days=selectors.RHI_LIST_DAYS,
        has_team=user.team_id is not None,
    )


# ---------------------------------------------------------------- missing: recording


def _agencies(child: Child) -> list[Agency]:
    return list(Agency.objects.filter(partnership_id=child.partnership_id).order_by("name"))


def _agency(child: Child, value: str) -> Agency | None:
    if not value or not value.isdigit():
        return None
    return Agency.objects.filter(partnership_id=child.partnership_id, pk=int(value)).first()


@requires(Permission.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def missing_report(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_missing(user, child_id)
    _audit_view(request, child)
    see = _see_exploitation(request)
    form = MissingReportForm(
        request.POST or None,
        agencies=_agencies(child),
        see_exploitation=see,
        initial={"reported_by_agency": str(user.agency_id or "")},
    )
    if save_form(
        request,
        form,
        lambda data: _on_form_fields(
            lambda: services.missing_reported(
                actor=user,
                child=child,
                kind=data["kind"],
                started_at=data["started_at"],
                last_seen_location=data["last_seen_location"],
                reported_by_agency=_agency(child, data["reported_by_agency"]),
                police_reference=data["police_reference"],
                associates=data.get("associates") if see else [],
                exploitation_concern=data.get("exploitation_concern", False),
                ended_at=data.get("ended_at"),
                found_location=data["found_location"],
            )
        ),
        success=f"Episode recorded for {child.full_name}",
    ):
        return _to_missing_page(child)
    return page(
        request,
        "care/missing/report.html",
        "Report a missing or away episode",
        form=form,
        child=child,
    )


@requires(Permission.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def missing_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    see = _see_exploitation(request)
    form = MissingReturnForm(
        request.POST or None,
        see_exploitation=see,
        initial={
            "version": episode.version,
            "associates": "\n".join(episode.associates),
            "exploitation_concern": "yes" if episode.exploitation_concern else "no",
        },
    )
    if save_form(
        request,
        form,
        lambda data: _on_form_fields(
            lambda: services.missing_returned(
                actor=user,
                episode=episode,
                version=data["version"],
                ended_at=data["ended_at"],
                found_location=data["found_location"],
                # Without access to associates the user cannot change them: keep what is held.
                associates=data["associates"] if see else list(episode.associates),
                exploitation_concern=(
                    data["exploitation_concern"] if see else episode.exploitation_concern
                ),
            )
        ),
        success="Return recorded. Offer a return home interview within 72 hours",
        record=episode,
    ):
        return _to_missing_page(child)
    return page(
        request,
        "care/missing/return.html",
        "Record the child's return",
        form=form,
        child=child,
        episode=episode,
    )


def _rhi_initial(episode: MissingEpisode) -> dict[str, Any]:
    accepted = {True: "yes", False: "no"}.get(episode.rhi_accepted, "")  # type: ignore[arg-type]
    offered = episode.rhi_offered_at
    return {
        "version": episode.version,
        "offered_on": timezone.localtime(offered).date() if offered else None,
        "offered_time": _time_text(offered),
        "accepted": accepted,
        "held_on": episode.rhi_held_on,
        "outcome": episode.rhi_outcome,
    }


@requires(Permission.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def missing_rhi(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    form = ReturnInterviewForm(request.POST or None, initial=_rhi_initial(episode))
    if save_form(
        request,
        form,
        lambda data: _on_form_fields(
            lambda: services.return_interview_recorded(
                actor=user,
                episode=episode,
                version=data["version"],
                offered_at=data["offered_at"],
                accepted=data["accepted"],
                held_on=data["held_on"],
                outcome=data["outcome"],
            )
        ),
        success="Return home interview recorded",
        record=episode,
    ):
        return _to_missing_page(child)
    return page(
        request,
        "care/missing/rhi.html",
        "Return home interview",
        form=form,
        child=child,
        episode=episode,
        clock=selectors.rhi_clock(episode),
    )


# ---------------------------------------------------------------- care leavers: reading


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def leaver(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_care(user, child_id)
    _audit_view(request, child)
    return page(
        request,
        "care/leavers/leaver.html",
        f"Leaving care: {child.full_name}",
        child=child,
        found=leavers.leaver_page(child, _today()),
        can_record=user.has_masa_permission(Permission.RECORD_CARE),
        accommodation_text=services_leavers.accommodation_text,
        in_touch_label=lambda code: services_leavers.oc3_label(services_leavers.IN_TOUCH, code),
        activity_label=lambda code: services_leavers.oc3_label(services_leavers.ACTIVITY, code),
    )


@requires(Permission.VIEW_WORK_LISTS)
@require_GET
def leaver_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    team_only = request.GET.get("show") != "all"
    return page(
        request,
        "care/leavers/list.html",
        "Care leavers and pathway plans",
        found=leavers.leaver_list(user, _today(), team_only=team_only),
        has_team=user.team_id is not None,
    )


# ---------------------------------------------------------------- care leavers: recording


def _to_leaver_page(child: Child) -> HttpResponse:
    return redirect("care:leaver", child_id=child.pk)


def _adviser(child: Child, value: str) -> User | None:
    if not value or not value.isdigit():
        return None
    return next((u for u in caseworkers(child.partnership_id) if u.pk == int(value)), None)


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def pathway_plan_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_care(user, child_id)
    _audit_view(request, child)
    form = PathwayPlanForm(request.POST or None, advisers=caseworkers(child.partnership_id))
    if save_form(
        request,
        form,
        lambda data: services_leavers.pathway_plan_recorded(
            actor=user,
            child=child,
            kind=data["kind"],
            on=data["on"],
            personal_adviser=_adviser(child, data["personal_adviser"]),
            summary=data["summary"],
        ),
        success="Pathway plan recorded",
    ):
        return _to_leaver_page(child)
    return page(
        request,
        "care/leavers/pathway_plan.html",
        "Record a pathway plan or review",
        form=form,
        child=child,
        found=leavers.leaver_page(child, _today()),
    )


def _birthdays_so_far(child: Child) -> list[tuple[int, dt.date]]:
    if child.date_of_birth is None:
        return []
    today = _today()
    return [
        (age, birthday(child.date_of_birth, age))
        for age in leavers.OC3_AGES
        if birthday(child.date_of_birth, age) <= today
    ]


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def leaver_contact_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_care(user, child_id)
    _audit_view(request, child)
    birthdays = _birthdays_so_far(child)
    form = LeaverContactForm(
        request.POST or None,
        birthdays=birthdays,
        year=dfe.collection_year(_today()),
        initial={"age": str(birthdays[-1][0])} if birthdays else None,
    )
    if save_form(
        request,
        form,
        lambda data: services_leavers.leaver_contact_recorded(
            actor=user,
            child=child,
            age=data["age"],
            in_touch=data["in_touch"],
            activity=data["activity"],
            accommodation=data["accommodation"],
            contacted_on=data["contacted_on"],
        ),
        success="Contact recorded",
    ):
        return _to_leaver_page(child)
    return page(
        request,
        "care/leavers/contact.html",
        "Record contact around a birthday",
        form=form,
        child=child,
        birthdays=birthdays,
    )


def _staying_put_carers(child: Child) -> list[Carer]:
    return list(
        Carer.objects.filter(
            partnership_id=child.partnership_id, kind__in=services_leavers.FOSTER_CARERS
        ).order_by("name", "pk")
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def staying_put_record(request: HttpRequest, child_id: int) -> HttpResponse:
    """Starts a staying put arrangement, or, while one is open, records that it ended."""
    user = user_of(request)
    child = child_for_care(user, child_id)
    _audit_view(request, child)
    current = leavers.leaver_page(child, _today()).current_staying_put
    form: forms.Form
    if current is not None:
        form = StayingPutEndForm(request.POST or None)
        saved = save_form(
            request,
            form,
            lambda data: services_leavers.staying_put_ended(
                actor=user, arrangement=current, ended_on=data["ended_on"]
            ),
            success="The end of staying put is recorded",
        )
        title = "Record that staying put ended"
    else:
        carers = _staying_put_carers(child)
        form = StayingPutForm(request.POST or None, carers=carers)
        saved = save_form(
            request,
            form,
            lambda data: services_leavers.staying_put_started(
                actor=user,
                child=child,
                carer=next((c for c in carers if str(c.pk) == data["carer"]), None),
                started_on=data["started_on"],
            ),
            success="Staying put recorded",
        )
        title = "Record staying put"
    if saved:
        return _to_leaver_page(child)
    return page(
        request,
        "care/leavers/staying_put.html",
        title,
        form=form,
        child=child,
        current=current,
    )
