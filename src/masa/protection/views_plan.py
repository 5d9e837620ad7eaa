"""Child protection plan pages: the plan with its clocks, and its changes, meetings and end."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from masa.core.access import requires
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.journey.models import EventType
from masa.journey.visibility import agency_may_read
from masa.people.services import child_record_view

from . import selectors
from .forms_plan import (
    CategoryForm,
    CoreGroupForm,
    PlanEditForm,
    PlanEndForm,
    ReviewForm,
    ReviewScheduleForm,
)
from .models import PlanEndReason
from .services_plan import (
    core_group_record,
    plan_category_change,
    plan_end,
    plan_update,
    review_conference_record,
    review_conference_schedule,
)
from .views_conference import (
    chosen_people,
    meeting_form_kwargs,
    meeting_held,
    people_choices,
    posted_data,
)


@requires(Permission.VIEW_CHILD_RECORDS)
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    child_record_view(user=user, child=plan.child)
    today = timezone.localdate()
    is_open = plan.ended_on is None
    return page(
        request,
        "protection/plan_detail.html",
        f"Child protection plan for {plan.child.full_name}",
        plan=plan,
        repeat=selectors.repeat_plan_flags(plan.child, plan.started_on),
        core_groups=selectors.core_group_clocks(plan, today),
        reviews=selectors.review_clocks(plan, today),
        scheduled_review=selectors.scheduled_review(plan),
        visits=selectors.visit_summary(plan, today),
        visit_frequency=selectors.visit_frequency_text(plan),
        can_edit=is_open and user.has_masa_permission(Permission.RECORD_CASEWORK),
        can_chair=is_open and user.has_masa_permission(Permission.CHAIR_CONFERENCES),
        can_end=is_open and user.has_masa_permission(Permission.AUTHORISE_CASEWORK),
        can_see_visits=agency_may_read(user, EventType.VISIT),
        today=today,
    )


@requires(Permission.RECORD_CASEWORK)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    form = PlanEditForm(
        posted_data(request),
        initial={
            "plan": plan.plan,
            "contingency_plan": plan.contingency_plan,
            "visit_frequency_working_days": plan.visit_frequency_working_days,
            "version": plan.version,
        },
    )
    if save_form(
        request,
        form,
        lambda data: plan_update(
            actor=user,
            plan=plan,
            version=data["version"],
            plan_text=data["plan"],
            contingency_plan=data["contingency_plan"],
            visit_frequency_working_days=data["visit_frequency_working_days"],
        ),
        success="Plan changed",
    ):
        return redirect("protection:plan-detail", plan_id=plan.pk)
    return page(request, "protection/plan_edit.html", "Change the plan", form=form, plan=plan)


@requires(Permission.CHAIR_CONFERENCES)
def plan_category(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    form = CategoryForm(
        posted_data(request),
        initial={"latest_category": plan.latest_category, "version": plan.version},
    )
    if save_form(
        request,
        form,
        lambda data: plan_category_change(
            actor=user,
            plan=plan,
            version=data["version"],
            category=data["latest_category"],
            reason=data["reason"],
        ),
        success="Category of abuse changed",
    ):
        return redirect("protection:plan-detail", plan_id=plan.pk)
    return page(
        request,
        "protection/plan_category.html",
        "Change the category of abuse",
        form=form,
        plan=plan,
    )


@requires(Permission.RECORD_CASEWORK)
def core_group_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    pid = plan.case.partnership_id
    agencies = selectors.partnership_agencies(pid)
    form = CoreGroupForm(posted_data(request), agencies=[(str(a.pk), a.name) for a in agencies])
    if save_form(
        request,
        form,
        lambda data: core_group_record(
            actor=user,
            plan=plan,
            held_on=data["held_on"],
            agencies=list(agencies.filter(pk__in=[int(pk) for pk in data["agencies"]])),
            notes=data["notes"],
        ),
        success="Core group recorded",
    ):
        return redirect("protection:plan-detail", plan_id=plan.pk)
    today = timezone.localdate()
    return page(
        request,
        "protection/plan_core_group.html",
        "Record a core group meeting",
        form=form,
        plan=plan,
        due=selectors.core_group_clocks(plan, today).next_due,
    )


@requires(Permission.RECORD_CASEWORK)
def review_schedule(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    pid = plan.case.partnership_id
    form = ReviewScheduleForm(posted_data(request), **people_choices(pid))
    saved = save_form(
        request,
        form,
        lambda data: review_conference_schedule(
            actor=user, plan=plan, scheduled_on=data["scheduled_on"], **chosen_people(form, pid)
        ),
        success="Review conference scheduled. Assemble the meeting pack and share the papers "
        "before the conference",
    )
    if saved:
        return redirect("protection:conference-detail", conference_id=saved.result.pk)
    today = timezone.localdate()
    return page(
        request,
        "protection/plan_review_schedule.html",
        f"Schedule a review conference for {plan.child.full_name}",
        form=form,
        plan=plan,
        due=selectors.review_clocks(plan, today).next_due,
    )


@requires(Permission.CHAIR_CONFERENCES)
def review_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    pid = plan.case.partnership_id
    scheduled = selectors.scheduled_review(plan)
    today = timezone.localdate()
    initial: dict[str, object] = {
        "latest_category": plan.latest_category,
        "end_reason": PlanEndReason.NO_LONGER_AT_RISK,
        "version": plan.version,
    }
    if scheduled is not None:
        initial["agencies"] = [str(pk) for pk in scheduled.agencies.values_list("pk", flat=True)]
        initial["chair"] = str(scheduled.chair_id or "")
        if scheduled.scheduled_on and scheduled.scheduled_on <= today:
            initial["held_on"] = scheduled.scheduled_on
    form = ReviewForm(
        posted_data(request),
        initial=initial,
        **meeting_form_kwargs(pid),  # type: ignore[arg-type]
    )
    saved = save_form(
        request,
        form,
        lambda data: review_conference_record(
            actor=user,
            plan=plan,
            version=data["version"],
            **meeting_held(form, pid, default_chair=user),
            decision=data["decision"],
            latest_category=data["latest_category"],
            end_reason=data["end_reason"],
            next_step=data["next_step"],
            cin_plan=data["cin_plan"],
            closure_reason=data["closure_reason"],
            scheduled=scheduled,
        ),
        success="Review conference recorded",
    )
    if saved:
        return redirect("protection:conference-detail", conference_id=saved.result.pk)
    return page(
        request,
        "protection/plan_review.html",
        f"Record a review conference for {plan.child.full_name}",
        form=form,
        plan=plan,
        scheduled=scheduled,
        due=selectors.review_clocks(plan, today).next_due,
    )


@requires(Permission.AUTHORISE_CASEWORK)
def plan_end_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_user(user, plan_id)
    form = PlanEndForm(posted_data(request), initial={"version": plan.version})
    if save_form(
        request,
        form,
        lambda data: plan_end(
            actor=user,
            plan=plan,
            version=data["version"],
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            next_step=data["next_step"],
            cin_plan=data["cin_plan"],
            closure_reason=data["closure_reason"],
        ),
        success="Child protection plan ended",
    ):
        return redirect("protection:plan-detail", plan_id=plan.pk)
    return page(
        request,
        "protection/plan_end.html",
        f"End the child protection plan for {plan.child.full_name}",
        form=form,
        plan=plan,
    )
