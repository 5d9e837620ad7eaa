"""Early help pages: open episodes, starting one, the episode and its changes, step-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from masa.core.access import requires
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.presenters import parse_masa_id
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.frontdoor.models import ReferralSource
from masa.journey.clocks import rules_for_partnership
from masa.journey.visibility import sees_case_management
from masa.people.models import Child
from masa.people.selectors import child_for_user, children_visible_to
from masa.people.services import child_record_view

from . import selectors, services
from .forms import (
    AssessmentForm,
    EndForm,
    EpisodeStartForm,
    LeadForm,
    PlanForm,
    ReviewForm,
    StepUpForm,
)
from .models import EarlyHelpEpisode


def _lead_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    agencies = Agency.objects.filter(partnership_id=user.partnership_id).order_by("name")
    professionals = selectors.lead_professionals(user.partnership_id)
    return {
        "agencies": [(str(a.pk), a.name) for a in agencies],
        "professionals": [
            (str(p.pk), f"{p.display_name}: {p.role_definition.name}, {p.agency}")
            for p in professionals
        ],
    }


def _lead(user: User, agency_id: str, professional_id: str) -> tuple[Agency | None, User | None]:
    agency = (
        Agency.objects.filter(pk=int(agency_id), partnership_id=user.partnership_id).first()
        if agency_id.isdigit()
        else None
    )
    professional = (
        selectors.lead_professionals(user.partnership_id).filter(pk=int(professional_id)).first()
        if professional_id.isdigit()
        else None
    )
    return agency, professional


@requires(Permission.VIEW_CHILD_RECORDS)
def episode_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    rules = rules_for_partnership(user.partnership_id)
    rows = []
    for episode in selectors.open_episodes(user)[:500]:
        clocks = selectors.episode_clocks(
            episode,
            today=today,
            last_review=episode.last_review,  # type: ignore[attr-defined]
            rules=rules,
        )
        rows.append((episode, clocks[-1]))
    return page(
        request,
        "earlyhelp/episode_list.html",
        "Early help",
        rows=rows,
        can_start=user.has_masa_permission(Permission.RECORD_EARLY_HELP),
    )


@requires(Permission.RECORD_EARLY_HELP)
def episode_start(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    child: Child | None = None
    if request.GET.get("child"):
        child = child_for_user(user, parse_masa_id(request.GET["child"]) or 0)
    choices = _lead_choices(user)

    def begin(data: dict[str, Any]) -> EarlyHelpEpisode:
        found = children_visible_to(user).filter(pk=data["child_id"]).first()
        agency, professional = _lead(user, data["lead_agency"], data["lead_professional"])
        if found is None:
            raise ServiceError("No child you can see has that masa ID", "child_id")
        if agency is None:
            raise ServiceError("Select the lead agency", "lead_agency")
        return services.early_help_begin_for_child(
            actor=user,
            child=found,
            started_on=data["started_on"],
            lead_agency=agency,
            lead_professional=professional,
            reason=data["reason"],
        )

    if request.method == "POST":
        form = EpisodeStartForm(request.POST, **choices)
    else:
        form = EpisodeStartForm(
            initial={
                "child_id": child.masa_id if child else "",
                "started_on": timezone.localdate(),
                "lead_agency": str(user.agency_id or ""),
                "lead_professional": str(user.pk),
            },
            **choices,
        )
    saved = save_form(
        request,
        form,
        begin,
        success=lambda episode: f"Early help started for {episode.child.full_name}",
    )
    if saved:
        return redirect("earlyhelp:episode-detail", episode_id=saved.result.pk)
    return page(request, "earlyhelp/episode_start.html", "Start early help", form=form, child=child)


@requires(Permission.VIEW_CHILD_RECORDS)
def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child_record_view(user=user, child=episode.child)
    reviews = list(episode.reviews.select_related("recorded_by"))
    last_review = max((r.held_on for r in reviews), default=None)
    manages = services.may_manage(user, episode) and not episode.ended_on
    can_record = user.has_masa_permission(Permission.RECORD_EARLY_HELP) and manages
    return page(
        request,
        "earlyhelp/episode_detail.html",
        f"Early help for {episode.child.full_name}",
        episode=episode,
        reviews=reviews,
        clocks=selectors.episode_clocks(
            episode, today=timezone.localdate(), last_review=last_review
        ),
        can_record=can_record,
        can_step_up=user.has_masa_permission(Permission.RECORD_CASEWORK) and manages,
        referral=selectors.step_up_referral(episode),
        can_open_case=sees_case_management(user),
    )


def _episode_form(
    request: HttpRequest,
    episode_id: int,
    *,
    form_class: type[BaseForm],
    title: str,
    initial: Callable[[EarlyHelpEpisode], dict[str, Any]],
    save: Callable[[User, EarlyHelpEpisode, dict[str, Any]], object],
    done: str,
    form_kwargs: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    """One form that changes an episode: parse, call the service, show its refusal or go back."""
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
    else:
        child_record_view(user=user, child=episode.child)
        form = form_class(initial=initial(episode), **kwargs)
    if save_form(request, form, lambda data: save(user, episode, data), success=done):
        return redirect("earlyhelp:episode-detail", episode_id=episode.pk)
    return page(
        request,
        "earlyhelp/episode_form.html",
        title,
        form=form,
        episode=episode,
        intro=intro,
    )


def _today_and_version(episode: EarlyHelpEpisode, date_field: str) -> dict[str, Any]:
    return {date_field: timezone.localdate(), "version": episode.version}


@requires(Permission.RECORD_EARLY_HELP)
def episode_assessment(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _episode_form(
        request,
        episode_id,
        form_class=AssessmentForm,
        title="Early help assessment completed",
        initial=lambda e: {
            "completed_on": e.assessment_completed_on or timezone.localdate(),
            "version": e.version,
        },
        save=lambda user, e, data: services.early_help_assessment_record(
            actor=user, episode=e, completed_on=data["completed_on"], version=data["version"]
        ),
        done="Early help assessment recorded",
    )


@requires(Permission.RECORD_EARLY_HELP)
def episode_plan(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _episode_form(
        request,
        episode_id,
        form_class=PlanForm,
        title="Early help plan",
        initial=lambda e: {
            "agreed_on": e.plan_agreed_on or timezone.localdate(),
            "plan": e.plan,
            "version": e.version,
        },
        save=lambda user, e, data: services.early_help_plan_record(
            actor=user,
            episode=e,
            agreed_on=data["agreed_on"],
            plan=data["plan"],
            version=data["version"],
        ),
        done="Early help plan saved",
    )


@requires(Permission.RECORD_EARLY_HELP)
def episode_review(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _episode_form(
        request,
        episode_id,
        form_class=ReviewForm,
        title="Add an early help review",
        initial=lambda e: {"held_on": timezone.localdate()},
        save=lambda user, e, data: services.early_help_review_add(
            actor=user, episode=e, held_on=data["held_on"], progress=data["progress"]
        ),
        done="Early help review added",
    )


@requires(Permission.RECORD_EARLY_HELP)
def episode_lead(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)

    def save(actor: User, episode: EarlyHelpEpisode, data: dict[str, Any]) -> object:
        agency, professional = _lead(actor, data["lead_agency"], data["lead_professional"])
        if agency is None:
            raise ServiceError("Select the lead agency", "lead_agency")
        return services.early_help_lead_set(
            actor=actor,
            episode=episode,
            lead_agency=agency,
            lead_professional=professional,
            version=data["version"],
        )

    return _episode_form(
        request,
        episode_id,
        form_class=LeadForm,
        title="Change who leads early help",
        initial=lambda e: {
            "lead_agency": str(e.lead_agency_id),
            "lead_professional": str(e.lead_professional_id or ""),
            "version": e.version,
        },
        save=save,
        done="Lead for early help changed",
        form_kwargs=_lead_choices(user),
    )


@requires(Permission.RECORD_EARLY_HELP)
def episode_end(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _episode_form(
        request,
        episode_id,
        form_class=EndForm,
        title="End early help",
        initial=lambda e: _today_and_version(e, "ended_on"),
        save=lambda user, e, data: services.early_help_end(
            actor=user,
            episode=e,
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            note=data["note"],
            version=data["version"],
        ),
        done="Early help ended",
        intro="If the work was only early help, the case closes too.",
    )


@requires(Permission.RECORD_CASEWORK)
def episode_step_up(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _episode_form(
        request,
        episode_id,
        form_class=StepUpForm,
        title="Step up to children's social care",
        initial=lambda e: {
            **_today_and_version(e, "stepped_up_on"),
            "source": ReferralSource.LA_EARLY_HELP,
        },
        save=lambda user, e, data: services.early_help_step_up(
            actor=user,
            episode=e,
            stepped_up_on=data["stepped_up_on"],
            source=data["source"],
            primary_need=data["primary_need"],
            reason=data["reason"],
            version=data["version"],
        ),
        done="Stepped up: a referral to children's social care has been made",
        intro=(
            "A referral to children's social care is made with the date of the step up as its "
            "referral date, the case moves to referral and early help ends as stepped up."
        ),
    )
