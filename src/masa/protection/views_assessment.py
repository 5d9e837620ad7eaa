"""Pages for assessments, strategy discussions and section 47 enquiries.

Each view reaches its record through the child's scope (out of scope is the same 404 as
missing), parses the form and calls one service. Record pages audit the view of the child.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from masa.core.access import requires
from masa.core.models import Agency
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.journey.models import Case
from masa.journey.selectors import case_for_user
from masa.journey.services import practice_settings
from masa.people.models import Child
from masa.people.services import child_record_view

from . import selectors_assessment as selectors
from . import services_assessment as services
from .factors import ASSESSMENT_FACTORS
from .forms_assessment import (
    SCALING_MODELS,
    AssessmentAuthoriseForm,
    AssessmentCompleteForm,
    AssessmentRecordForm,
    AssessmentStartForm,
    AuthorisationCorrectForm,
    S47OutcomeForm,
    StrategyEditForm,
    StrategyForm,
    sections_for,
)
from .models import Assessment, S47Enquiry, StrategyDiscussion
from .selectors import partnership_agencies

# ---------------------------------------------------------------- helpers shared with views_cin


def audit_view(request: HttpRequest, child: Child) -> None:
    """A page showing a child's record is a view of the child's record: audit it (GET only)."""
    if request.method == "GET":
        child_record_view(user=user_of(request), child=child)


def agency_choices(case: Case) -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in partnership_agencies(case.partnership_id)]


def chosen_agency(case: Case, value: str) -> Agency | None:
    if not value.isdigit():
        return None
    return partnership_agencies(case.partnership_id).filter(pk=int(value)).first()


def today() -> dt.date:
    return timezone.localdate()


def can(request: HttpRequest, permission: Permission) -> bool:
    return user_of(request).has_masa_permission(permission)


# ---------------------------------------------------------------- assessments


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    audit_view(request, case.child)
    form = AssessmentStartForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda data: services.assessment_start(
            actor=user, case=case, started_on=data["started_on"], summary=data["summary"]
        ),
        success="Assessment started",
    )
    if saved:
        return redirect("protection:assessment-detail", assessment_id=saved.result.pk)
    return page(
        request,
        "protection/assessment_start.html",
        "Start an assessment",
        form=form,
        case=case,
        referral_date=selectors.referral_date(case),
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_for_user(user_of(request), assessment_id)
    audit_view(request, assessment.child)
    model = practice_settings(assessment.case.partnership_id).practice_model
    return page(
        request,
        "protection/assessment_detail.html",
        "Assessment",
        assessment=assessment,
        case=assessment.case,
        clocks=selectors.assessment_clocks(assessment, today()),
        sections=sections_for(model),
        shows_scaling=model in SCALING_MODELS,
        factors=[(code, ASSESSMENT_FACTORS.get(code, code)) for code in assessment.factors],
        can_record=can(request, Permission.RECORD_CASEWORK),
        can_authorise=can(request, Permission.AUTHORISE_CASEWORK),
    )


def _record_initial(assessment: Assessment) -> dict[str, Any]:
    names = ["started_on", "summary", "analysis", "worries", "working_well", "needs_to_happen"]
    return {
        **{name: getattr(assessment, name) for name in names},
        "scaling": assessment.scaling,
        "version": assessment.version,
    }


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = user_of(request)
    assessment = selectors.assessment_for_user(user, assessment_id)
    audit_view(request, assessment.child)
    model = practice_settings(assessment.case.partnership_id).practice_model
    if request.method == "POST":
        form = AssessmentRecordForm(request.POST, practice_model=model)
    else:
        form = AssessmentRecordForm(initial=_record_initial(assessment), practice_model=model)
    if save_form(
        request,
        form,
        lambda data: services.assessment_update(
            actor=user,
            assessment=assessment,
            version=data["version"],
            started_on=data["started_on"],
            texts=form.texts(),
            scaling=data.get("scaling"),
        ),
        success="Assessment saved",
        record=assessment,
    ):
        return redirect("protection:assessment-detail", assessment_id=assessment.pk)
    return page(
        request,
        "protection/assessment_edit.html",
        "Record the assessment",
        form=form,
        assessment=assessment,
        case=assessment.case,
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def assessment_complete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = user_of(request)
    assessment = selectors.assessment_for_user(user, assessment_id)
    audit_view(request, assessment.child)
    initial = {"completed_on": assessment.completed_on, "version": assessment.version}
    form = AssessmentCompleteForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.assessment_complete(
            actor=user,
            assessment=assessment,
            version=data["version"],
            completed_on=data["completed_on"],
        ),
        success="Assessment completed: a manager can now authorise it",
        record=assessment,
    ):
        return redirect("protection:assessment-detail", assessment_id=assessment.pk)
    return page(
        request,
        "protection/assessment_complete.html",
        "Complete the assessment",
        form=form,
        assessment=assessment,
        case=assessment.case,
    )


@requires(Permission.AUTHORISE_CASEWORK)
@require_http_methods(["GET", "POST"])
def assessment_authorise(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = user_of(request)
    assessment = selectors.assessment_for_user(user, assessment_id)
    audit_view(request, assessment.child)
    case = assessment.case
    form = AssessmentAuthoriseForm(
        request.POST or None,
        initial={"version": assessment.version, "factors": assessment.factors},
        agencies=agency_choices(case),
    )
    if save_form(
        request,
        form,
        lambda data: services.assessment_authorise(
            actor=user,
            assessment=assessment,
            version=data["version"],
            authorised_on=data["authorised_on"],
            factors=data["factors"],
            outcome=data["outcome"],
            reason=data["reason"],
            lead_agency=chosen_agency(case, data["lead_agency"]),
        ),
        success="Assessment authorised",
        record=assessment,
    ):
        return redirect("protection:assessment-detail", assessment_id=assessment.pk)
    return page(
        request,
        "protection/assessment_authorise.html",
        "Authorise the assessment",
        form=form,
        assessment=assessment,
        case=case,
        clocks=selectors.assessment_clocks(assessment, today()),
    )


@requires(Permission.AUTHORISE_CASEWORK)
@require_http_methods(["GET", "POST"])
def assessment_authorisation_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = user_of(request)
    assessment = selectors.assessment_for_user(user, assessment_id)
    audit_view(request, assessment.child)
    initial = {"authorised_on": assessment.authorised_on, "version": assessment.version}
    form = AuthorisationCorrectForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.assessment_authorisation_correct(
            actor=user,
            assessment=assessment,
            version=data["version"],
            authorised_on=data["authorised_on"],
            reason=data["reason"],
        ),
        success="Date of authorisation corrected",
        record=assessment,
    ):
        return redirect("protection:assessment-detail", assessment_id=assessment.pk)
    return page(
        request,
        "protection/assessment_authorisation_edit.html",
        "Correct the date of authorisation",
        form=form,
        assessment=assessment,
        case=assessment.case,
    )


# ---------------------------------------------------------------- strategy discussions


def _agencies_from(case: Case, ids: list[str]) -> list[Agency]:
    wanted = [int(i) for i in ids if i.isdigit()]
    return list(partnership_agencies(case.partnership_id).filter(pk__in=wanted))


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def strategy_add(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    audit_view(request, case.child)
    form = StrategyForm(request.POST or None, agencies=agency_choices(case))
    saved = save_form(
        request,
        form,
        lambda data: services.strategy_record(
            actor=user,
            case=case,
            held_on=data["held_on"],
            is_meeting=data["is_meeting"],
            agencies=_agencies_from(case, data["agencies"]),
            summary=data["summary"],
            start_s47=data["start_s47"],
            s47_started_on=data["s47_started_on"],
            next_step=data["next_step"],
            closure_reason=data["closure_reason"],
        ),
        success="Strategy discussion recorded",
    )
    if saved:
        return redirect("protection:strategy-detail", strategy_id=saved.result.pk)
    return page(
        request,
        "protection/strategy_add.html",
        "Record a strategy discussion",
        form=form,
        case=case,
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def strategy_detail(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = selectors.strategy_for_user(user_of(request), strategy_id)
    audit_view(request, strategy.child)
    return page(
        request,
        "protection/strategy_detail.html",
        "Strategy meeting" if strategy.is_meeting else "Strategy discussion",
        strategy=strategy,
        case=strategy.case,
        agencies=strategy.agencies.order_by("name"),
        enquiry=S47Enquiry.objects.filter(strategy_discussion=strategy).first(),
        can_record=can(request, Permission.RECORD_CASEWORK),
    )


def _strategy_initial(strategy: StrategyDiscussion) -> dict[str, Any]:
    return {
        "held_on": strategy.held_on,
        "is_meeting": "meeting" if strategy.is_meeting else "discussion",
        "agencies": [str(pk) for pk in strategy.agencies.values_list("pk", flat=True)],
        "summary": strategy.summary,
        "version": strategy.version,
    }


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, strategy_id: int) -> HttpResponse:
    user = user_of(request)
    strategy = selectors.strategy_for_user(user, strategy_id)
    audit_view(request, strategy.child)
    case = strategy.case
    form = StrategyEditForm(
        request.POST or None, initial=_strategy_initial(strategy), agencies=agency_choices(case)
    )
    if save_form(
        request,
        form,
        lambda data: services.strategy_update(
            actor=user,
            strategy=strategy,
            version=data["version"],
            held_on=data["held_on"],
            is_meeting=data["is_meeting"],
            agencies=_agencies_from(case, data["agencies"]),
            summary=data["summary"],
        ),
        success="Strategy discussion saved",
        record=strategy,
    ):
        return redirect("protection:strategy-detail", strategy_id=strategy.pk)
    return page(
        request,
        "protection/strategy_edit.html",
        "Change the strategy discussion",
        form=form,
        strategy=strategy,
        case=case,
    )


# ---------------------------------------------------------------- section 47 enquiries


@requires(Permission.VIEW_CHILD_RECORDS)
def s47_detail(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = selectors.s47_for_user(user_of(request), enquiry_id)
    audit_view(request, enquiry.child)
    return page(
        request,
        "protection/s47_detail.html",
        "Section 47 enquiry",
        enquiry=enquiry,
        case=enquiry.case,
        strategy=enquiry.strategy_discussion,
        clocks=selectors.s47_clocks(enquiry, today()),
        conference=selectors.initial_conference_after(enquiry),
        can_record=can(request, Permission.RECORD_CASEWORK),
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def s47_outcome(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    user = user_of(request)
    enquiry = selectors.s47_for_user(user, enquiry_id)
    audit_view(request, enquiry.child)
    form = S47OutcomeForm(request.POST or None, initial={"version": enquiry.version})
    if save_form(
        request,
        form,
        lambda data: services.s47_outcome_record(
            actor=user,
            enquiry=enquiry,
            version=data["version"],
            outcome=data["outcome"],
            completed_on=data["completed_on"],
            summary=data["summary"],
            next_step=data["next_step"],
            closure_reason=data["closure_reason"],
        ),
        success="Outcome of the enquiry recorded",
        record=enquiry,
    ):
        return redirect("protection:s47-detail", enquiry_id=enquiry.pk)
    return page(
        request,
        "protection/s47_outcome.html",
        "Record the outcome of the enquiry",
        form=form,
        enquiry=enquiry,
        case=enquiry.case,
        clocks=selectors.s47_clocks(enquiry, today()),
    )
