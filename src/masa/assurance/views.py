"""Pages for the partnership's priorities, outcome measures and actions: the golden thread, the
actions tracker (with its CSV), each action and its history, the owner's task list, and the forms
that create, update and reassign actions."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from masa.core import audit
from masa.core.access import requires
from masa.core.models import Agency, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import safe_cell
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.reviews.confidentiality import names_to_redact, redact, reviews_visible_to
from masa.reviews.models import Recommendation

from . import figures, selectors, services
from .forms import (
    ActionCreateForm,
    ActionEditForm,
    ActionFilterForm,
    ActionUpdateForm,
    MeasureForm,
    PriorityForm,
    ReadingForm,
    RecommendationActionForm,
)
from .models import Action, ActionStatus, OutcomeMeasure, Priority

# ---------------------------------------------------------------- helpers


def _agencies(user: User) -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(partnership_id=user.partnership_id).order_by("name")
    return [(str(a.pk), a.name) for a in agencies]


def _owners(user: User) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p.display_name}: {p.role_definition.name}, {p.agency}")
        for p in selectors.owner_choices(user.partnership_id)
    ]


def _priority_choices(user: User) -> list[tuple[str, str]]:
    return [(str(p.pk), f"Priority {p.number}: {p.title}") for p in selectors.priorities_for(user)]


def _assignment_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    return {"agencies": _agencies(user), "owners": _owners(user)}


def _assignment(user: User, data: dict[str, Any]) -> services.Assignment:
    agency = Agency.objects.filter(
        pk=int(data["owning_agency"]), partnership_id=user.partnership_id
    ).first()
    owner = selectors.owner_choices(user.partnership_id).filter(pk=int(data["owner"])).first()
    if agency is None:
        raise ServiceError("Select the owning agency", "owning_agency")
    if owner is None:
        raise ServiceError("Select the owner", "owner")
    return services.Assignment(owning_agency=agency, owner=owner, due_on=data["due_on"])


def _priority(user: User, value: str) -> Priority:
    priority = selectors.priorities_for(user).filter(pk=int(value)).first() if value else None
    if priority is None:
        raise ServiceError("Select the priority the action serves", "priority")
    return priority


def _lead_agency(user: User, value: str) -> Agency | None:
    if not value:
        return None
    return Agency.objects.filter(pk=int(value), partnership_id=user.partnership_id).first()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------- the tracker


def _filters(request: HttpRequest, user: User) -> tuple[ActionFilterForm, selectors.ActionFilters]:
    form = ActionFilterForm(
        request.GET or None,
        statuses=[(s.code, s.label) for s in selectors.DISPLAY_STATUSES.values()],
        priorities=_priority_choices(user),
        agencies=_agencies(user),
    )
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    return form, selectors.ActionFilters(
        status=data.get("status", ""),
        source=data.get("source", ""),
        priority_id=_int(data.get("priority")),
        agency_id=_int(data.get("agency")),
    )


@requires(Permission.VIEW_ACTIONS)
def action_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    form, filters = _filters(request, user)
    everything = selectors.actions_for(user)
    shown = selectors.filter_actions(everything, filters, today)
    return page(
        request,
        "assurance/action_list.html",
        "Actions tracker",
        form=form,
        rows=selectors.rows(shown[:500], today),
        shown_count=shown.count(),
        counts=selectors.status_counts(everything, today),
        query=request.GET.urlencode(),
        can_manage=user.has_masa_permission(Permission.MANAGE_ACTIONS),
        can_own=user.has_masa_permission(Permission.UPDATE_OWN_ACTIONS),
    )


CSV_HEADER = [
    "Action ID",
    "Action",
    "Source",
    "Source reference",
    "Priority",
    "Owning agency",
    "Owner",
    "Due date",
    "Status",
    "Overdue",
    "Evidence of impact",
    "Completed on",
    "Closed on",
]


@requires(Permission.VIEW_ACTIONS)
def action_list_csv(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    _, filters = _filters(request, user)
    actions = selectors.filter_actions(selectors.actions_for(user), filters, today)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="actions",
        reason=f"actions tracker export {request.GET.urlencode()}".strip(),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="masa-actions-{today.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for action in actions:
        priority = action.priority
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    action.pk,
                    action.title,
                    action.get_source_display(),
                    action.source_reference,
                    f"Priority {priority.number}: {priority.title}" if priority else "",
                    action.owning_agency.name,
                    action.owner.display_name,
                    action.due_on.isoformat(),
                    action.get_status_display(),
                    "Yes" if selectors.is_overdue(action, today) else "No",
                    action.evidence_of_impact,
                    action.completed_on.isoformat() if action.completed_on else "",
                    action.closed_on.isoformat() if action.closed_on else "",
                )
            ]
        )
    return response


@requires(Permission.UPDATE_OWN_ACTIONS)
def my_actions(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    return page(
        request,
        "assurance/my_actions.html",
        "My actions",
        rows=selectors.rows(selectors.my_actions(user), today),
        alerts=selectors.action_alerts(user)[:20],
        summary=selectors.owner_summary(user, today),
    )


# ---------------------------------------------------------------- one action


def _recommendation_text(recommendation: Recommendation | None) -> str:
    """A recommendation's text as anyone in the partnership may read it (no child's name)."""
    if recommendation is None:
        return ""
    return redact(recommendation.text, names_to_redact(recommendation.review))


@requires(Permission.VIEW_ACTIONS)
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    user = user_of(request)
    action = selectors.action_for_user(user, action_id)
    today = timezone.localdate()
    return page(
        request,
        "assurance/action_detail.html",
        action.title,
        action=action,
        shown_status=selectors.display_status(action, today),
        history=selectors.history(action),
        recommendation_text=_recommendation_text(action.recommendation),
        can_update=services.may_update(user, action) and bool(selectors.next_statuses(action)),
        can_edit=services.is_manager(user, action.partnership_id)
        and action.status not in {ActionStatus.CLOSED, ActionStatus.WITHDRAWN},
    )


def _refused(request: HttpRequest, action: Action) -> HttpResponse:
    return page(
        request,
        "assurance/refused.html",
        "You cannot update this action",
        status=403,
        action=action,
        message=services.update_refusal(action),
    )


@requires(Permission.UPDATE_OWN_ACTIONS)
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    user = user_of(request)
    action = selectors.action_for_user(user, action_id)
    if not services.may_update(user, action):
        return _refused(request, action)
    statuses = selectors.next_statuses(action) or [action.status]
    if request.method == "POST":
        form = ActionUpdateForm(request.POST, statuses=statuses, current=action.status)
    else:
        form = ActionUpdateForm(
            initial={
                "status": action.status,
                "evidence": action.evidence_of_impact,
                "version": action.version,
            },
            statuses=statuses,
            current=action.status,
        )
    saved = save_form(
        request,
        form,
        lambda data: services.action_update(
            actor=user,
            action=action,
            to_status=data["status"],
            note=data["note"],
            evidence=data["evidence"],
            version=data["version"],
        ),
        success=lambda done: f"Action updated: {done.get_status_display().lower()}",
        record=action,
    )
    if saved:
        return redirect("assurance:action-detail", action_id=action.pk)
    return page(
        request,
        "assurance/action_form.html",
        "Update the action",
        form=form,
        action=action,
        shown_status=selectors.display_status(action, timezone.localdate()),
        intro="Closing the action needs its evidence of impact. Reopening or withdrawing it "
        "needs the reason in the progress note.",
    )


@requires(Permission.MANAGE_ACTIONS)
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    user = user_of(request)
    action = selectors.action_for_user(user, action_id)
    choices = _assignment_choices(user)
    if request.method == "POST":
        form = ActionEditForm(request.POST, **choices)
    else:
        form = ActionEditForm(
            initial={
                "owning_agency": str(action.owning_agency_id),
                "owner": str(action.owner_id),
                "due_on": action.due_on,
                "version": action.version,
            },
            **choices,
        )
    saved = save_form(
        request,
        form,
        lambda data: services.action_reassign(
            actor=user,
            action=action,
            assignment=_assignment(user, data),
            reason=data["reason"],
            version=data["version"],
        ),
        success="Owner and due date saved",
        record=action,
    )
    if saved:
        return redirect("assurance:action-detail", action_id=action.pk)
    return page(
        request,
        "assurance/action_form.html",
        "Change the owner or due date",
        form=form,
        action=action,
        shown_status=selectors.display_status(action, timezone.localdate()),
        intro="The new owner is told. A new due date gets its own reminder.",
    )


# ---------------------------------------------------------------- creating actions


@requires(Permission.MANAGE_ACTIONS)
def action_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    choices = {**_assignment_choices(user), "priorities": _priority_choices(user)}
    initial: dict[str, Any] = {}
    if request.GET.get("priority", "").isdigit():
        initial["priority"] = request.GET["priority"]
    form = ActionCreateForm(
        request.POST if request.method == "POST" else None, initial=initial, **choices
    )
    saved = save_form(
        request,
        form,
        lambda data: services.action_create(
            actor=user,
            title=data["title"],
            detail=data["detail"],
            source=data["source"],
            source_reference=data["source_reference"],
            priority=_priority(user, data["priority"]),
            assignment=_assignment(user, data),
        ),
        success=lambda action: f"Action created and assigned to {action.owner.display_name}",
    )
    if saved:
        return redirect("assurance:action-detail", action_id=saved.result.pk)
    return page(
        request,
        "assurance/action_create.html",
        "Create an action",
        form=form,
        has_priorities=bool(choices["priorities"]),
    )


@requires(Permission.MANAGE_ACTIONS)
def actions_from_recommendation(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    user = user_of(request)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review"),
        pk=recommendation_id,
        review__in=reviews_visible_to(user),
    )
    review = recommendation.review
    choices = {**_assignment_choices(user), "priorities": _priority_choices(user)}
    form = RecommendationActionForm(request.POST if request.method == "POST" else None, **choices)
    saved = save_form(
        request,
        form,
        lambda data: services.action_create_from_recommendation(
            actor=user,
            recommendation=recommendation,
            title=data["title"],
            detail=data["detail"],
            priority=_priority(user, data["priority"]),
            assignment=_assignment(user, data),
        ),
        success=lambda action: (
            f"Action added: “{action.title}”. Add another action for this "
            "recommendation, or go to the actions tracker"
        ),
    )
    if saved:
        return redirect(
            "assurance:actions-from-recommendation", recommendation_id=recommendation.pk
        )
    today = timezone.localdate()
    return page(
        request,
        "assurance/from_recommendation.html",
        f"Actions for {review.anonymised_name}, recommendation {recommendation.number}",
        form=form,
        review=review,
        recommendation=recommendation,
        recommendation_text=_recommendation_text(recommendation),
        rows=selectors.rows(selectors.recommendation_actions(recommendation.pk), today),
        has_priorities=bool(choices["priorities"]),
    )


# ---------------------------------------------------------------- priorities and measures


@requires(Permission.VIEW_ACTIONS)
def priority_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    priorities = list(selectors.priorities_for(user).prefetch_related("measures"))
    actions = selectors.actions_for(user)
    summary = [
        (priority, selectors.status_counts(actions.filter(priority=priority), today))
        for priority in priorities
    ]
    return page(
        request,
        "assurance/priority_list.html",
        "Priorities and outcome measures",
        summary=summary,
        can_manage=user.has_masa_permission(Permission.MANAGE_ACTIONS),
    )


@requires(Permission.VIEW_ACTIONS)
def golden_thread(request: HttpRequest, priority_id: int) -> HttpResponse:
    user = user_of(request)
    priority = selectors.priority_for_user(user, priority_id)
    thread = selectors.golden_thread(
        priority,
        timezone.localdate(),
        suppress=not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS),
    )
    return page(
        request,
        "assurance/golden_thread.html",
        f"Priority {priority.number}: {priority.title}",
        thread=thread,
        number=selectors.number,
        can_manage=services.is_manager(user, priority.partnership_id),
    )


def _priority_form(request: HttpRequest, user: User, priority: Priority | None) -> PriorityForm:
    agencies = _agencies(user)
    if request.method == "POST":
        return PriorityForm(request.POST, agencies=agencies)
    if priority is None:
        last = selectors.priorities_for(user).order_by("-number").first()
        initial: dict[str, Any] = {
            "number": last.number + 1 if last else 1,
            "starts_on": timezone.localdate(),
        }
    else:
        initial = {
            "number": priority.number,
            "title": priority.title,
            "description": priority.description,
            "starts_on": priority.starts_on,
            "ends_on": priority.ends_on,
            "lead_agency": str(priority.lead_agency_id or ""),
            "version": priority.version,
        }
    return PriorityForm(initial=initial, agencies=agencies)


@requires(Permission.MANAGE_ACTIONS)
def priority_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = _priority_form(request, user, None)
    saved = save_form(
        request,
        form,
        lambda data: services.priority_create(
            actor=user,
            number=data["number"],
            title=data["title"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            lead_agency=_lead_agency(user, data["lead_agency"]),
        ),
        success=lambda p: f"Priority {p.number} added: now add its outcome measures",
    )
    if saved:
        return redirect("assurance:golden-thread", priority_id=saved.result.pk)
    return page(
        request,
        "assurance/form.html",
        "Add a priority",
        form=form,
        back=("Priorities", "assurance:priority-list", []),
    )


@requires(Permission.MANAGE_ACTIONS)
def priority_edit(request: HttpRequest, priority_id: int) -> HttpResponse:
    user = user_of(request)
    priority = selectors.priority_for_user(user, priority_id)
    form = _priority_form(request, user, priority)
    saved = save_form(
        request,
        form,
        lambda data: services.priority_edit(
            actor=user,
            priority=priority,
            number=data["number"],
            title=data["title"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            lead_agency=_lead_agency(user, data["lead_agency"]),
            version=data["version"] or 0,
        ),
        success="Priority saved",
        record=priority,
    )
    if saved:
        return redirect("assurance:golden-thread", priority_id=priority.pk)
    return page(
        request,
        "assurance/form.html",
        f"Change priority {priority.number}",
        form=form,
        back=(f"Priority {priority.number}", "assurance:golden-thread", [priority.pk]),
    )


@requires(Permission.MANAGE_ACTIONS)
def measure_add(request: HttpRequest, priority_id: int) -> HttpResponse:
    user = user_of(request)
    priority = selectors.priority_for_user(user, priority_id)
    indicators = figures.indicator_choices()
    form = MeasureForm(request.POST if request.method == "POST" else None, indicators=indicators)
    saved = save_form(
        request,
        form,
        lambda data: services.measure_add(
            actor=user,
            priority=priority,
            name=data["name"],
            indicator_code=data["indicator_code"],
            unit=data["unit"],
            direction=data["direction"],
            baseline=data["baseline"],
            baseline_label=data["baseline_label"],
            target=data["target"],
            target_by=data["target_by"],
        ),
        success=lambda m: f"Outcome measure added: {m.name}",
    )
    if saved:
        return redirect("assurance:golden-thread", priority_id=priority.pk)
    return page(
        request,
        "assurance/form.html",
        "Add an outcome measure",
        form=form,
        caption=f"Priority {priority.number}: {priority.title}",
        intro="How the partnership will know the priority is making a difference: a baseline, a "
        "target and which direction is better.",
        back=(f"Priority {priority.number}", "assurance:golden-thread", [priority.pk]),
    )


@requires(Permission.MANAGE_ACTIONS)
def measure_reading_add(request: HttpRequest, measure_id: int) -> HttpResponse:
    user = user_of(request)
    measure: OutcomeMeasure = selectors.measure_for_user(user, measure_id)
    priority = measure.priority
    form = ReadingForm(
        request.POST if request.method == "POST" else None,
        initial={"measured_on": timezone.localdate()},
    )
    saved = save_form(
        request,
        form,
        lambda data: services.measure_reading_add(
            actor=user,
            measure=measure,
            period_label=data["period_label"],
            measured_on=data["measured_on"],
            value=data["value"],
            note=data["note"],
        ),
        success=lambda r: f"Reading for {r.period_label} added",
    )
    if saved:
        return redirect("assurance:golden-thread", priority_id=priority.pk)
    intro = ""
    if measure.indicator_code:
        intro = "This measure is worked out live from masa's records: it takes no readings."
    return page(
        request,
        "assurance/form.html",
        f"Add a reading: {measure.name}",
        form=form,
        caption=f"Priority {priority.number}: {priority.title}",
        intro=intro,
        back=(f"Priority {priority.number}", "assurance:golden-thread", [priority.pk]),
    )
