"""Pages for children looked after: the child's care page and the forms that record care.

Each view reaches the child through ``selectors_looked_after.child_for_care`` (children's social
care, child in scope; anyone else gets the same 404 as a missing child), parses the form and calls
one service. Pages showing the child's record audit the view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.core.access import requires
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.journey.selectors import caseworkers
from masa.people.models import Child
from masa.people.services import child_record_view

from . import codes as dfe
from . import selectors_looked_after as selectors
from . import services_looked_after as services
from .forms_looked_after import (
    AdoptionDecisionForm,
    AdoptionMatchForm,
    CarerForm,
    CeaseCareForm,
    ChangeLegalStatusForm,
    ChangePlacementForm,
    EpisodeCorrectForm,
    HealthEventForm,
    OutcomesForm,
    PermanenceForm,
    PlaceChildForm,
    ReviewForm,
    SocialWorkerForm,
    UascForm,
)
from .models import CareProfile, Carer, Episode
from .services_looked_after import EpisodeCorrection, Placement


def _today() -> dt.date:
    return timezone.localdate()


def _year() -> int:
    return dfe.collection_year(_today())


def _audit_view(request: HttpRequest, child: Child) -> None:
    if request.method == "GET":
        child_record_view(user=user_of(request), child=child)


def _carers(child: Child) -> list[Carer]:
    return list(selectors.carers_for(child.partnership_id, current_only=True))


def _carer(child: Child, value: str) -> Carer | None:
    if not value or not value.isdigit():
        return None
    return selectors.carers_for(child.partnership_id).filter(pk=int(value)).first()


def _placement(child: Child, data: dict[str, Any]) -> Placement:
    return Placement(
        placement_type=data["placement_type"],
        placement_provider=data["placement_provider"],
        carer=_carer(child, data["carer"]),
        placement_postcode=data["placement_postcode"],
        urn=data["urn"],
    )


def _to_care_page(child: Child) -> HttpResponse:
    return redirect("care:child-care", child_id=child.pk)


def _can(request: HttpRequest, permission: Permission) -> bool:
    return user_of(request).has_masa_permission(permission)


# ---------------------------------------------------------------- the care page


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def child_care(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_care(user_of(request), child_id)
    _audit_view(request, child)
    care = selectors.care_page(child, today=_today())
    return page(
        request,
        "care/looked_after/child_care.html",
        f"Care: {child.full_name}",
        care=care,
        child=child,
        can_record=_can(request, Permission.RECORD_CARE),
        can_review=_can(request, Permission.CHAIR_CARE_REVIEWS),
        today=_today(),
        dfe=dfe,
    )


# ---------------------------------------------------------------- periods and episodes


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def place_child(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    form = PlaceChildForm(
        request.POST or None,
        year=_year(),
        carers=_carers(child),
        initial={"home_postcode": selectors.current_home_postcode(child)},
    )
    if save_form(
        request,
        form,
        lambda data: services.child_placed(
            actor=user,
            child=child,
            started_on=data["started_on"],
            legal_status=data["legal_status"],
            category_of_need=data["category_of_need"],
            placement=_placement(child, data),
            home_postcode=data["home_postcode"],
            reason=data["reason"],
        ),
        success=f"{child.full_name} is looked after from this date",
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/place_child.html",
        "Place the child in care",
        form=form,
        child=child,
    )


def _episode_initial(episode: Episode) -> dict[str, Any]:
    return {
        "version": episode.version,
        "placement_type": episode.placement_type,
        "placement_provider": episode.placement_provider,
        "carer": str(episode.carer_id or ""),
        "placement_postcode": episode.placement_postcode,
        "urn": episode.urn,
    }


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def change_placement(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    form = ChangePlacementForm(
        request.POST or None,
        year=_year(),
        carers=_carers(child),
        initial={"version": episode.version},
    )
    if save_form(
        request,
        form,
        lambda data: services.placement_changed(
            actor=user,
            episode=episode,
            version=data["version"],
            changed_on=data["changed_on"],
            placement=_placement(child, data),
            reason_place_change=data["reason_place_change"],
            legal_status=data["legal_status"],
            note=data["note"],
        ),
        success="Change of placement recorded",
        record=episode,
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/change_placement.html",
        "Record a change of placement",
        form=form,
        child=child,
        episode=episode,
        year=_year(),
        dfe=dfe,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def change_legal_status(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    form = ChangeLegalStatusForm(
        request.POST or None, year=_year(), initial={"version": episode.version}
    )
    if save_form(
        request,
        form,
        lambda data: services.legal_status_changed(
            actor=user,
            episode=episode,
            version=data["version"],
            changed_on=data["changed_on"],
            legal_status=data["legal_status"],
            note=data["note"],
        ),
        success="Change of legal status recorded",
        record=episode,
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/change_legal_status.html",
        "Record a change of legal status",
        form=form,
        child=child,
        episode=episode,
        year=_year(),
        dfe=dfe,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def cease_care(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    form = CeaseCareForm(request.POST or None, year=_year(), initial={"version": episode.version})
    if save_form(
        request,
        form,
        lambda data: services.care_ceased(
            actor=user,
            episode=episode,
            version=data["version"],
            ceased_on=data["ceased_on"],
            reason_ceased=data["reason_ceased"],
            next_step=data["next_step"],
            note=data["note"],
        ),
        success=f"{child.full_name} is no longer looked after",
        record=episode,
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/cease_care.html",
        "Record that care ceased",
        form=form,
        child=child,
        episode=episode,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def episode_correct(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = user_of(request)
    episode = selectors.episode_for_user(user, episode_id)
    child = episode.child
    _audit_view(request, child)
    year = dfe.collection_year(episode.started_on)
    starts_period = episode.reason_new_episode == dfe.STARTED_CARE
    ends_period = episode.ended_on is not None and episode.reason_ceased != dfe.CONTINUES
    followed = episode.reason_ceased == dfe.CONTINUES
    initial = {
        **_episode_initial(episode),
        "started_on": episode.started_on,
        "reason_new_episode": episode.reason_new_episode,
        "legal_status": episode.legal_status,
        "category_of_need": episode.category_of_need,
        "home_postcode": episode.home_postcode,
        "reason_place_change": episode.reason_place_change,
        "ended_on": episode.ended_on,
        "reason_ceased": episode.reason_ceased,
    }
    form = EpisodeCorrectForm(
        request.POST or None,
        year=year,
        carers=list(selectors.carers_for(child.partnership_id)),
        starts_period=starts_period,
        ends_period=ends_period,
        followed=followed,
        end_year=dfe.collection_year(episode.ended_on) if episode.ended_on else None,
        initial=initial,
    )

    def save(data: dict[str, Any]) -> Episode:
        fix = EpisodeCorrection(
            started_on=data["started_on"],
            reason_new_episode=data.get("reason_new_episode", dfe.STARTED_CARE),
            legal_status=data["legal_status"],
            category_of_need=data["category_of_need"],
            placement=_placement(child, data),
            home_postcode=data["home_postcode"],
            reason_place_change=data.get("reason_place_change", ""),
            ended_on=data.get("ended_on"),
            reason_ceased=data.get("reason_ceased", ""),
        )
        return services.episode_correct(
            actor=user, episode=episode, version=data["version"], fix=fix, reason=data["reason"]
        )

    if save_form(request, form, save, success="Episode corrected", record=episode):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/episode_correct.html",
        "Correct an episode of care",
        form=form,
        child=child,
        episode=episode,
        year=year,
    )


# ---------------------------------------------------------------- reviews, health, outcomes


@requires(Permission.CHAIR_CARE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    form = ReviewForm(request.POST or None, year=_year())
    if save_form(
        request,
        form,
        lambda data: services.care_review_record(
            actor=user,
            child=child,
            held_on=data["held_on"],
            participation=data["participation"],
            notes=data["notes"],
        ),
        success="Review recorded",
    ):
        return _to_care_page(child)
    care = selectors.care_page(child, today=_today())
    return page(
        request,
        "care/looked_after/review_record.html",
        "Record a looked-after child's review",
        form=form,
        child=child,
        clocks=[c for c in care.clocks if c.code.startswith("cla_review")],
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def health_event_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    form = HealthEventForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if save_form(
        request,
        form,
        lambda data: services.health_event_record(
            actor=user, child=child, kind=data["kind"], done_on=data["done_on"], notes=data["notes"]
        ),
        success="Recorded",
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/health_event_record.html",
        "Record a health assessment, check or education plan",
        form=form,
        child=child,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def outcomes_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    form = OutcomesForm(request.POST or None, today=_today())
    if save_form(
        request,
        form,
        lambda data: services.annual_outcomes_record(
            actor=user,
            child=child,
            year_ending=data["year_ending"],
            sdq_score=data["sdq_score"],
            sdq_reason=data["sdq_reason"],
            answers={name: data[name] for name in services.OC2_ANSWERS},
        ),
        success="Outcomes recorded",
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/outcomes_record.html",
        "Record the year's outcomes",
        form=form,
        child=child,
    )


# ---------------------------------------------------------------- adoption and permanence


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def adoption_record(request: HttpRequest, child_id: int) -> HttpResponse:
    """The decision to place for adoption (``?what=decision``, the default) or the match."""
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    match = request.GET.get("what") == "match"
    form: AdoptionDecisionForm | AdoptionMatchForm
    saved: object
    if match:
        form = AdoptionMatchForm(request.POST or None, year=_year())
        saved = save_form(
            request,
            form,
            lambda data: services.adoption_match_record(
                actor=user,
                child=child,
                best_interests_on=data["best_interests_on"],
                matched_on=data["matched_on"],
                foster_carer_adoption=data["foster_carer_adoption"],
                number_of_adopters=data["number_of_adopters"],
                adopters_sex=data["adopters_sex"],
                adopters_legal_status=data["adopters_legal_status"],
            ),
            success="Adoption match recorded",
        )
    else:
        form = AdoptionDecisionForm(request.POST or None, year=_year())
        saved = save_form(
            request,
            form,
            lambda data: services.adoption_decision_record(
                actor=user,
                child=child,
                decided_on=data["decided_on"],
                ceased_on=data["ceased_on"],
                reason_ceased=data["reason_ceased"],
            ),
            success="Adoption decision recorded",
        )
    if saved:
        return _to_care_page(child)
    title = "Record the adoption match" if match else "Record the decision to place for adoption"
    return page(
        request,
        "care/looked_after/adoption_record.html",
        title,
        form=form,
        child=child,
        match=match,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def permanence_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    form = PermanenceForm(request.POST or None, year=_year())
    if save_form(
        request,
        form,
        lambda data: services.previous_permanence_record(
            actor=user,
            child=child,
            kind=data["kind"],
            la=data["la"],
            made_on=data["made_on"],
            made_on_text=data["made_on_text"],
        ),
        success="Previous permanence recorded",
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/permanence_record.html",
        "Record permanence before care",
        form=form,
        child=child,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def uasc_set(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    profile = CareProfile.objects.filter(child=child).first()
    initial: dict[str, Any] = {"version": profile.version if profile else None}
    if profile is not None:
        initial.update(uasc="yes" if profile.uasc else "no", ceased_on=profile.uasc_ceased_on)
    form = UascForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.uasc_set(
            actor=user,
            child=child,
            uasc=data["uasc"],
            ceased_on=data["ceased_on"],
            version=data["version"],
        ),
        success="Saved",
        record=profile,
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/uasc.html",
        "Unaccompanied asylum-seeking child",
        form=form,
        child=child,
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def social_worker_change(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_care(user, child_id)
    _audit_view(request, child)
    workers = caseworkers(child.partnership_id)
    form = SocialWorkerForm(
        request.POST or None,
        year=_year(),
        workers=workers,
        initial={"worker": str(child.allocated_worker_id or "")},
    )
    by_id = {str(w.pk): w for w in workers}
    if save_form(
        request,
        form,
        lambda data: services.social_worker_change(
            actor=user,
            child=child,
            worker=by_id[data["worker"]],
            changed_on=data["changed_on"],
            reason_changed=data["reason_changed"],
        ),
        success="Change of social worker recorded",
    ):
        return _to_care_page(child)
    return page(
        request,
        "care/looked_after/social_worker.html",
        "Record a change of social worker",
        form=form,
        child=child,
    )


# ---------------------------------------------------------------- the register of carers


@requires(Permission.RECORD_CARE)
@require_GET
def carer_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return page(
        request,
        "care/looked_after/carer_list.html",
        "Carers and providers",
        carers=selectors.carers_for(user.partnership_id),
        year=_year(),
    )


@requires(Permission.RECORD_CARE)
@require_http_methods(["GET", "POST"])
def carer_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = CarerForm(request.POST or None, year=_year())
    if save_form(
        request,
        form,
        lambda data: services.carer_create(
            actor=user,
            name=data["name"],
            kind=data["kind"],
            provider_code=data["provider_code"],
            urn=data["urn"],
            postcode=data["postcode"],
        ),
        success=lambda carer: f"{carer.name} added to the register",
    ):
        return redirect("care:carer-list")
    return page(
        request, "care/looked_after/carer_create.html", "Add a carer or provider", form=form
    )
