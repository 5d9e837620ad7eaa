"""Case pages, work lists, the timescales page and the partnership's practice settings.

Views parse input and call one service; reads go through ``selectors`` (scoped to the user).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.care.clocks import CARE_RULES
from masa.core.access import requires, signed_in
from masa.core.permissions import Permission
from masa.core.presenters import format_masa_id
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.people.selectors import child_for_user
from masa.people.services import child_record_view

from . import selectors, services
from .clocks import DEFAULT_RULES, how_long
from .forms import (
    AllocateForm,
    ClockCalculatorForm,
    CloseCaseForm,
    ContinuumForm,
    OversightNoteForm,
    PracticeModelForm,
    TimescaleForm,
    TransferInForm,
    WorkListForm,
)
from .models import Case
from .selectors import case_for_user

# ---------------------------------------------------------------- the case page and its actions


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    child_record_view(user=user, child=case.child)
    return page(
        request,
        "journey/case_detail.html",
        f"Case for {case.child.full_name}",
        case=case,
        view=selectors.case_page(case),
        next_steps=selectors.case_next_steps(case, user),
        can_authorise=user.has_masa_permission(Permission.AUTHORISE_CASEWORK),
    )


@requires(Permission.AUTHORISE_CASEWORK)
@require_http_methods(["GET", "POST"])
def case_allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    form = AllocateForm(
        request.POST or None,
        teams=selectors.casework_teams(case.partnership_id),
        workers=selectors.caseworkers(case.partnership_id),
        initial={
            "team": case.team_id,
            "worker": case.worker_id,
            "from_date": timezone.localdate(),
            "version": case.version,
        },
    )

    def allocate(data: dict[str, Any]) -> str:
        """Allocate the case; returns the name of who now holds it."""
        team = form.teams[data["team"]]
        worker = form.workers[data["worker"]] if data["worker"] is not None else None
        services.case_allocate(
            actor=user,
            case=case,
            team=team,
            worker=worker,
            from_date=data["from_date"],
            reason=data["reason"],
            version=data["version"],
        )
        return worker.display_name if worker else team.name

    if save_form(request, form, allocate, success=lambda holder: f"Case allocated to {holder}"):
        return redirect("journey:case-detail", case_id=case.pk)
    return page(
        request,
        "journey/case_allocate.html",
        f"Allocate or hand over the case for {case.child.full_name}",
        case=case,
        form=form,
    )


@requires(Permission.AUTHORISE_CASEWORK)
@require_http_methods(["GET", "POST"])
def case_oversight(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    form = OversightNoteForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.oversight_note_add(actor=user, case=case, note=data["note"]),
        success="Management oversight note added",
    ):
        return redirect("journey:case-detail", case_id=case.pk)
    return page(
        request,
        "journey/case_oversight.html",
        f"Management oversight for {case.child.full_name}",
        case=case,
        form=form,
    )


@requires(Permission.AUTHORISE_CASEWORK)
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    form = CloseCaseForm(
        request.POST or None,
        initial={"closed_on": timezone.localdate(), "version": case.version},
    )
    if save_form(
        request,
        form,
        lambda data: services.case_close_by_manager(
            actor=user,
            case=case,
            closed_on=data["closed_on"],
            reason=data["reason"],
            version=data["version"],
        ),
        success="Case closed",
    ):
        return redirect("journey:case-detail", case_id=case.pk)
    return page(
        request,
        "journey/case_close.html",
        f"Close the case for {case.child.full_name}",
        case=case,
        form=form,
    )


NOT_FOUND_CHILD = "There is no child with this masa ID in your records. Check the ID and try again"


@requires(Permission.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def case_transfer_in(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    child_query = request.GET.get("child", "")
    initial = {"child": format_masa_id(int(child_query))} if child_query.isdigit() else {}
    form = TransferInForm(request.POST or None, initial=initial)

    def transfer_in(data: dict[str, Any]) -> Case:
        try:
            child = child_for_user(user, data["child"])
        except Http404:
            raise ServiceError(NOT_FOUND_CHILD, "child") from None
        return services.case_transfer_in(
            actor=user,
            child=child,
            from_authority=data["from_authority"],
            stage=data["stage"],
            opened_on=data["opened_on"],
            reason=data["reason"],
        )

    saved = save_form(
        request,
        form,
        transfer_in,
        success=lambda case: f"Case opened for {case.child.full_name}, transferred in",
    )
    if saved:
        return redirect("journey:case-detail", case_id=saved.result.pk)
    return page(request, "journey/case_transfer_in.html", "Record a transfer-in", form=form)


# ---------------------------------------------------------------- work lists

# The clocks a work list can show (the DfE counting rules are for the indicators, and papers are
# counted back from a conference date).
WORK_KINDS = (frozenset(DEFAULT_RULES) | frozenset(CARE_RULES)) - {
    "assessment_dfe",
    "icpc_dfe",
    "conference_papers",
}


def _sort_links(query: QueryDict, sort: str, descending: bool) -> dict[str, dict[str, str]]:
    """Each sortable column's link (keeping the filters) and its aria-sort state."""
    links: dict[str, dict[str, str]] = {}
    for key in selectors.SORT_KEYS:
        params = query.copy()
        current = key == sort
        params["sort"] = key
        params["order"] = "asc" if not current or descending else "desc"
        aria = ("descending" if descending else "ascending") if current else "none"
        links[key] = {"href": f"?{params.urlencode()}", "aria_sort": aria}
    return links


@requires(Permission.VIEW_WORK_LISTS)
@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    manager = user.has_masa_permission(Permission.AUTHORISE_CASEWORK)
    teams = selectors.casework_teams(user.partnership_id) if manager else None
    kinds = {
        code: rule.name
        for code, rule in {**DEFAULT_RULES, **CARE_RULES}.items()
        if code in WORK_KINDS
    }
    default_team = str(user.team_id) if manager and user.team_id else "all"
    form = WorkListForm(
        request.GET or None,
        teams=teams,
        workers=selectors.caseworkers(user.partnership_id) if manager else None,
        kinds=kinds,
        initial={"team": default_team, "state": "all"},
    )
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    team = data.get("team") or default_team
    filters = selectors.WorkListFilters(
        team_id=int(team) if team != "all" else None,
        worker_id=data.get("worker"),
        code=data.get("kind") or "",
        state=data.get("state") or "all",
        sort=data.get("sort") or "due",
        descending=data.get("order") == "desc",
    )
    result = selectors.work_list(user, filters)
    team_name = next((t.name for t in teams or [] if t.pk == filters.team_id), None)
    return page(
        request,
        "journey/work_list.html",
        "Work list",
        form=form,
        result=result,
        filters=filters,
        manager=manager,
        scope_label=(
            "your own cases" if not manager else team_name or "all teams in the partnership"
        ),
        sort_links=_sort_links(request.GET, filters.sort, filters.descending),
        limit=selectors.WORK_LIST_LIMIT,
        today=timezone.localdate(),
    )


# ---------------------------------------------------------------- timescales


@signed_in
@require_GET
def clocks(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    in_force = selectors.rules_in_force(user.partnership_id)
    bound = any(key in request.GET for key in ("rule", "start_day", "start_month", "start_year"))
    form = ClockCalculatorForm(request.GET if bound else None, rules=[r.rule for r in in_force])
    example = None
    if bound and form.is_valid():
        example = selectors.worked_example(
            user.partnership_id, form.cleaned_data["rule"], form.cleaned_data["start"]
        )
    return page(
        request,
        "journey/clocks.html",
        "Timescales and how deadlines are worked out",
        rules=in_force,
        form=form,
        example=example,
        can_configure=user.has_masa_permission(Permission.CONFIGURE_PRACTICE),
    )


# ---------------------------------------------------------------- practice settings


@requires(Permission.CONFIGURE_PRACTICE)
@require_GET
def practice_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    settings = services.practice_settings(user.partnership_id)
    return page(
        request,
        "journey/practice_settings.html",
        "Practice settings",
        rules=selectors.rules_in_force(user.partnership_id),
        settings=settings,
    )


@requires(Permission.CONFIGURE_PRACTICE)
@require_http_methods(["GET", "POST"])
def practice_timescale(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    in_force = {r.rule.code: r for r in selectors.rules_in_force(user.partnership_id)}
    if code not in in_force:
        raise Http404("No such timescale")
    current = in_force[code]
    form = TimescaleForm(
        request.POST or None,
        initial={"duration": current.rule.duration, "unit": current.rule.unit.value},
    )

    def set_timescale(data: dict[str, Any]) -> str:
        """Change the timescale; returns how long it is now, in words."""
        services.clock_setting_set(
            actor=user, code=code, duration=data["duration"], unit=data["unit"]
        )
        return how_long(data["duration"], data["unit"])

    if save_form(
        request,
        form,
        set_timescale,
        success=lambda new: (
            f"'{current.rule.name}' is now {new}. Deadlines use the new timescale from now on"
        ),
    ):
        return redirect("journey:practice-settings")
    return page(
        request,
        "journey/practice_timescale.html",
        f"Change the timescale: {current.rule.name}",
        current=current,
        form=form,
    )


@requires(Permission.CONFIGURE_PRACTICE)
@require_http_methods(["GET", "POST"])
def practice_model(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    settings = services.practice_settings(user.partnership_id)
    form = PracticeModelForm(
        request.POST or None, initial={"practice_model": settings.practice_model}
    )
    if save_form(
        request,
        form,
        lambda data: services.practice_model_set(actor=user, practice_model=data["practice_model"]),
        success="Practice model saved",
    ):
        return redirect("journey:practice-settings")
    return page(request, "journey/practice_model.html", "Practice model", form=form)


@requires(Permission.CONFIGURE_PRACTICE)
@require_http_methods(["GET", "POST"])
def practice_continuum(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    settings = services.practice_settings(user.partnership_id)
    form = ContinuumForm(request.POST or None, levels=settings.continuum_levels)
    if save_form(
        request,
        form,
        lambda data: services.continuum_levels_set(actor=user, names=form.names()),
        success="Continuum of need saved",
    ):
        return redirect("journey:practice-settings")
    return page(request, "journey/practice_continuum.html", "Continuum of need", form=form)
