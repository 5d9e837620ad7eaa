"""Pages for children in need plans and visits."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from masa.core.access import requires
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.journey.models import EventType
from masa.journey.selectors import case_for_user
from masa.journey.visibility import require_agency_may_read

from . import selectors_assessment as selectors
from . import services_cin as services
from .forms_cin import CINPlanEditForm, CINPlanEndForm, CINPlanStartForm, CINReviewForm, VisitForm
from .models import CINPlan, Visit
from .views_assessment import agency_choices, audit_view, can, chosen_agency, today

# ---------------------------------------------------------------- children in need plans


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_start(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    audit_view(request, case.child)
    form = CINPlanStartForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda data: services.cin_plan_start(
            actor=user,
            case=case,
            started_on=data["started_on"],
            plan=data["plan"],
            reason=data["reason"],
        ),
        success="Child in need plan started",
        record=case,
    )
    if saved:
        return redirect("protection:cin-plan-detail", plan_id=saved.result.pk)
    return page(
        request,
        "protection/cin_plan_start.html",
        "Start a child in need plan",
        form=form,
        case=case,
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def cin_plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.cin_plan_for_user(user_of(request), plan_id)
    audit_view(request, plan.child)
    return page(
        request,
        "protection/cin_plan_detail.html",
        "Child in need plan",
        plan=plan,
        case=plan.case,
        reviews=plan.reviews.select_related("recorded_by").order_by("held_on", "pk"),
        review_clock=selectors.cin_review_clock(plan, today()),
        can_record=can(request, Permission.RECORD_CASEWORK),
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.cin_plan_for_user(user, plan_id)
    audit_view(request, plan.child)
    initial = {"started_on": plan.started_on, "plan": plan.plan, "version": plan.version}
    form = CINPlanEditForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.cin_plan_update(
            actor=user,
            plan=plan,
            version=data["version"],
            started_on=data["started_on"],
            plan_text=data["plan"],
        ),
        success="Child in need plan saved",
        record=plan,
    ):
        return redirect("protection:cin-plan-detail", plan_id=plan.pk)
    return page(
        request,
        "protection/cin_plan_edit.html",
        "Change the child in need plan",
        form=form,
        plan=plan,
        case=plan.case,
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_review_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.cin_plan_for_user(user, plan_id)
    audit_view(request, plan.child)
    form = CINReviewForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.cin_plan_review_add(
            actor=user, plan=plan, held_on=data["held_on"], summary=data["summary"]
        ),
        success="Review recorded",
    ):
        return redirect("protection:cin-plan-detail", plan_id=plan.pk)
    return page(
        request,
        "protection/cin_plan_review.html",
        "Record a review of the child in need plan",
        form=form,
        plan=plan,
        case=plan.case,
        review_clock=selectors.cin_review_clock(plan, today()),
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_end(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan: CINPlan = selectors.cin_plan_for_user(user, plan_id)
    audit_view(request, plan.child)
    case = plan.case
    form = CINPlanEndForm(
        request.POST or None, initial={"version": plan.version}, agencies=agency_choices(case)
    )
    if save_form(
        request,
        form,
        lambda data: services.cin_plan_end(
            actor=user,
            plan=plan,
            version=data["version"],
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            next_step=data["next_step"],
            closure_reason=data["closure_reason"],
            lead_agency=chosen_agency(case, data["lead_agency"]),
        ),
        success="Child in need plan ended",
        record=plan,
    ):
        return redirect("protection:cin-plan-detail", plan_id=plan.pk)
    return page(
        request,
        "protection/cin_plan_end.html",
        "End the child in need plan",
        form=form,
        plan=plan,
        case=case,
    )


# ---------------------------------------------------------------- visits


@requires(Permission.VIEW_CHILD_RECORDS)
def visit_list(request: HttpRequest, case_id: int) -> HttpResponse:
    require_agency_may_read(user_of(request), EventType.VISIT)
    case = case_for_user(user_of(request), case_id)
    audit_view(request, case.child)
    visits = Visit.objects.filter(case=case).select_related("visited_by")
    return page(
        request,
        "protection/visit_list.html",
        f"Visits to {case.child.full_name}",
        case=case,
        visits=visits.order_by("-visited_on", "-pk"),
        can_record=can(request, Permission.RECORD_CASEWORK) and case.is_open,
    )


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def visit_add(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    audit_view(request, case.child)
    form = VisitForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.visit_add(
            actor=user,
            case=case,
            visited_on=data["visited_on"],
            child_seen=data["child_seen"],
            seen_alone=data["seen_alone"],
            notes=data["notes"],
        ),
        success="Visit recorded",
    ):
        return redirect("protection:visit-list", case_id=case.pk)
    return page(request, "protection/visit_add.html", "Record a visit", form=form, case=case)


@requires(Permission.VIEW_CHILD_RECORDS)
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_for_user(user_of(request), visit_id)
    audit_view(request, visit.child)
    return page(request, "protection/visit_detail.html", "Visit", visit=visit, case=visit.case)
