"""Conference pages: a child's conferences and plans; scheduling a conference ahead (sibling
groups and transfer-in included), recording it as held or cancelling it, or recording one already
held; correcting it; and the chair's decision for each child once it is held."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from masa.core.access import requires
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.presenters import format_masa_id
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.journey.models import Case, Stage
from masa.journey.selectors import case_for_user
from masa.people.models import Child
from masa.people.selectors import child_for_user, children_visible_to
from masa.people.services import child_record_view

from . import selectors
from .forms_conference import (
    AddChildForm,
    CancelForm,
    ChosenPeople,
    ConferenceEditForm,
    ConferenceForm,
    ConferenceScheduleForm,
    DecisionForm,
    MeetingForm,
    RescheduleForm,
    SiblingGroup,
    TransferInForm,
    as_bool,
)
from .models import Conference, ConferenceKind
from .services_conference import (
    SignsOfSafety,
    conference_add_child,
    conference_cancel,
    conference_decide,
    conference_record,
    conference_record_held,
    conference_reschedule,
    conference_schedule,
    conference_update,
    transfer_in_open,
)


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The posted data, even when empty (so a blank submission is validated, not ignored)."""
    return request.POST if request.method == "POST" else None


def people_choices(partnership_id: int) -> dict[str, list[tuple[str, str]]]:
    return {
        "agencies": [(str(a.pk), a.name) for a in selectors.partnership_agencies(partnership_id)],
        "chairs": [
            (str(u.pk), u.display_name) for u in selectors.conference_chairs(partnership_id)
        ],
    }


def meeting_form_kwargs(partnership_id: int) -> dict[str, object]:
    return {
        **people_choices(partnership_id),
        "signs_of_safety": selectors.uses_signs_of_safety(partnership_id),
    }


def chosen_agencies(form: ChosenPeople, partnership_id: int) -> list[Agency]:
    return list(selectors.partnership_agencies(partnership_id).filter(pk__in=form.agency_ids()))


def chosen_chair(form: ChosenPeople, partnership_id: int) -> User | None:
    chair_id = form.chair_id()
    if chair_id is None:
        return None
    return selectors.conference_chairs(partnership_id).filter(pk=chair_id).first()


class People(TypedDict):
    """The agencies and chair of a conference, as keyword arguments for its services."""

    agencies: list[Agency]
    chair: User | None


class Meeting(People):
    """A conference held, as keyword arguments for the services that record one."""

    held_on: dt.date
    family_attended: bool
    summary: str
    mapping: SignsOfSafety | None


def chosen_people(form: ChosenPeople, partnership_id: int) -> People:
    """The agencies and chair picked on a scheduling form."""
    return {
        "agencies": chosen_agencies(form, partnership_id),
        "chair": chosen_chair(form, partnership_id),
    }


def meeting_held(
    form: MeetingForm, partnership_id: int, *, default_chair: User | None = None
) -> Meeting:
    """What a meeting form recorded about a conference held; ``default_chair`` stands in for
    a chair not picked."""
    return {
        "held_on": form.cleaned_data["held_on"],
        "agencies": chosen_agencies(form, partnership_id),
        "family_attended": form.family_attended(),
        "summary": form.cleaned_data["summary"],
        "chair": chosen_chair(form, partnership_id) or default_chair,
        "mapping": form.mapping(),
    }


def _case_of_visible_child(user: User, child_id: int, field: str) -> Case:
    """The open case of a child the user can see, for adding to a sibling-group conference."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise ServiceError(
            f"No child with masa ID {format_masa_id(child_id)} was found among the children "
            "you can see",
            field,
        )
    case = selectors.open_case(child)
    if case is None:
        raise ServiceError(f"{child.full_name} has no open case to consider at a conference", field)
    return case


# ---------------------------------------------------------------- the child's conferences


@requires(Permission.VIEW_CHILD_RECORDS)
def child_conferences(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_user(user, child_id)
    child_record_view(user=user, child=child)
    case = selectors.open_case(child)
    pending = selectors.awaiting_decision(case) if case else None
    can_record = user.has_masa_permission(Permission.RECORD_CASEWORK)
    today = timezone.localdate()
    return page(
        request,
        "protection/conference_list.html",
        f"Conferences and plans for {child.full_name}",
        child=child,
        case=case,
        pending=pending,
        conferences=selectors.conferences_of(child),
        plans=selectors.plans_of(child),
        can_record_conference=bool(
            can_record and case and case.stage == Stage.ICPC and pending is None
        ),
        conference_kind=selectors.conference_kind_for(case) if case else None,
        can_transfer_in=can_record and case is None,
        repeat=selectors.repeat_plan_flags(child, today),
        today=today,
    )


@requires(Permission.RECORD_CASEWORK)
def transfer_in(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = child_for_user(user, child_id)
    form = TransferInForm(posted_data(request))
    if save_form(
        request,
        form,
        lambda data: transfer_in_open(
            actor=user,
            child=child,
            from_authority=data["from_authority"],
            opened_on=data["opened_on"],
        ),
        success=f"Case opened for {child.full_name}. Schedule the transfer-in conference, or "
        "record it if it has been held",
    ):
        return redirect("protection:child-conferences", child_id=child.pk)
    return page(
        request,
        "protection/conference_transfer_in.html",
        f"{child.full_name} has moved here on a child protection plan",
        form=form,
        child=child,
        open_case=selectors.open_case(child),
    )


# ---------------------------------------------------------------- recording a conference


def _sibling_choices(user: User, case: Case) -> list[tuple[str, str]]:
    siblings = selectors.sibling_suggestions(user, case.child)
    return [(str(c.pk), f"{c.full_name} ({c.masa_id})") for c in siblings]


def _other_cases(user: User, form: SiblingGroup) -> list[Case]:
    """The open cases of the other children the form names (refused if one is out of reach)."""
    return [
        _case_of_visible_child(user, child_id, "other_children") for child_id in form.child_ids()
    ]


def _first_conference_page(
    request: HttpRequest,
    template: str,
    verb: str,
    form: ConferenceForm | ConferenceScheduleForm,
    case: Case,
) -> HttpResponse:
    """The page for recording or scheduling a case's first conference (initial or transfer-in)."""
    kind = selectors.conference_kind_for(case)
    return page(
        request,
        template,
        f"{verb} the {ConferenceKind(kind).label.lower()} for {case.child.full_name}",
        form=form,
        case=case,
        kind=kind,
        enquiry=selectors.icpc_enquiry(case),
        clocks=selectors.icpc_clocks(case, None, timezone.localdate()),
        cancel_url=_child_conferences_url(case.child),
    )


@requires(Permission.RECORD_CASEWORK)
def conference_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    pid = case.partnership_id
    form = ConferenceForm(
        posted_data(request), siblings=_sibling_choices(user, case), **meeting_form_kwargs(pid)
    )
    saved = save_form(
        request,
        form,
        lambda data: conference_record(
            actor=user,
            case=case,
            other_cases=_other_cases(user, form),
            **meeting_held(form, pid),
        ),
        success=lambda conference: f"{conference.get_kind_display()} recorded",
    )
    if saved:
        return redirect("protection:conference-detail", conference_id=saved.result.pk)
    return _first_conference_page(request, "protection/conference_form.html", "Record", form, case)


@requires(Permission.RECORD_CASEWORK)
def conference_schedule_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = case_for_user(user, case_id)
    pid = case.partnership_id
    form = ConferenceScheduleForm(
        posted_data(request), siblings=_sibling_choices(user, case), **people_choices(pid)
    )
    saved = save_form(
        request,
        form,
        lambda data: conference_schedule(
            actor=user,
            case=case,
            scheduled_on=data["scheduled_on"],
            other_cases=_other_cases(user, form),
            **chosen_people(form, pid),
        ),
        success=lambda conference: (
            f"{conference.get_kind_display()} scheduled. Assemble the meeting pack and "
            "share the papers before the conference"
        ),
    )
    if saved:
        return redirect("protection:conference-detail", conference_id=saved.result.pk)
    return _first_conference_page(
        request, "protection/conference_schedule.html", "Schedule", form, case
    )


def _child_conferences_url(child: Child) -> str:
    return reverse("protection:child-conferences", args=[child.pk])


@requires(Permission.VIEW_CHILD_RECORDS)
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    subjects = selectors.visible_subjects(user, conference)
    for subject in subjects:
        child_record_view(user=user, child=subject.child)
    today = timezone.localdate()
    rows = selectors.conference_rows(conference, subjects, today)
    pid = selectors.conference_partnership_id(conference)
    pack = selectors.pack_of(conference)
    # Changes to the whole conference need every child it considered to be in the user's scope.
    can_record = user.has_masa_permission(
        Permission.RECORD_CASEWORK
    ) and selectors.sees_every_child(user, conference)
    can_chair = user.has_masa_permission(Permission.CHAIR_CONFERENCES)
    review_plan = (
        rows[0].plan
        if conference.kind == ConferenceKind.REVIEW and conference.is_scheduled and rows
        else None
    )
    return page(
        request,
        "protection/conference_detail.html",
        conference.get_kind_display(),
        conference=conference,
        rows=rows,
        agencies=conference.agencies.order_by("name"),
        show_mapping=selectors.uses_signs_of_safety(pid) and conference.is_held,
        pack=pack,
        pack_status=selectors.pack_status(conference, pack),
        can_edit=can_record and not conference.is_cancelled,
        can_record_held=can_record
        and conference.is_scheduled
        and conference.kind != ConferenceKind.REVIEW,
        review_plan=review_plan if can_chair else None,
        can_decide=can_chair and conference.is_held,
        today=today,
    )


@requires(Permission.RECORD_CASEWORK)
def conference_edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_change(user, conference_id)
    if not conference.is_held:
        return _reschedule(request, user, conference)
    pid = selectors.conference_partnership_id(conference)
    initial = {
        "held_on": conference.held_on,
        "family_attended": "yes" if conference.family_attended else "no",
        "summary": conference.summary,
        "worries": conference.worries,
        "working_well": conference.working_well,
        "needs_to_happen": conference.needs_to_happen,
        "scaling": conference.scaling,
        **_people_initial(conference),
    }
    form = ConferenceEditForm(
        posted_data(request),
        initial=initial,
        **meeting_form_kwargs(pid),  # type: ignore[arg-type]
    )
    if save_form(
        request,
        form,
        lambda data: conference_update(
            actor=user, conference=conference, version=data["version"], **meeting_held(form, pid)
        ),
        success="Conference changed",
    ):
        return redirect("protection:conference-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/conference_edit.html",
        f"Change the {conference.get_kind_display().lower()}",
        form=form,
        conference=conference,
    )


def _people_initial(conference: Conference) -> dict[str, object]:
    return {
        "agencies": [str(pk) for pk in conference.agencies.values_list("pk", flat=True)],
        "chair": str(conference.chair_id or ""),
        "version": conference.version,
    }


def _reschedule(request: HttpRequest, user: User, conference: Conference) -> HttpResponse:
    """Change a scheduled conference's date, invitations or chair (a cancelled one: refused)."""
    pid = selectors.conference_partnership_id(conference)
    form = RescheduleForm(
        posted_data(request),
        initial={"scheduled_on": conference.scheduled_on, **_people_initial(conference)},
        **people_choices(pid),
    )
    if save_form(
        request,
        form,
        lambda data: conference_reschedule(
            actor=user,
            conference=conference,
            version=data["version"],
            scheduled_on=data["scheduled_on"],
            **chosen_people(form, pid),
        ),
        success="Conference arrangements changed",
    ):
        return redirect("protection:conference-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/conference_reschedule.html",
        f"Change the arrangements for the {conference.get_kind_display().lower()}",
        form=form,
        conference=conference,
    )


@requires(Permission.RECORD_CASEWORK)
def conference_held(request: HttpRequest, conference_id: int) -> HttpResponse:
    """Record that a scheduled initial or transfer-in conference took place."""
    user = user_of(request)
    conference = selectors.conference_for_change(user, conference_id)
    pid = selectors.conference_partnership_id(conference)
    today = timezone.localdate()
    scheduled_on = conference.scheduled_on
    form = ConferenceEditForm(
        posted_data(request),
        initial={
            # Usually held on the day scheduled; not offered while that day is still to come.
            "held_on": scheduled_on if scheduled_on and scheduled_on <= today else None,
            **_people_initial(conference),
        },
        **meeting_form_kwargs(pid),  # type: ignore[arg-type]
    )
    if save_form(
        request,
        form,
        lambda data: conference_record_held(
            actor=user, conference=conference, version=data["version"], **meeting_held(form, pid)
        ),
        success=f"{conference.get_kind_display()} recorded as held. The chair can now record "
        "the decision for each child",
    ):
        return redirect("protection:conference-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/conference_held.html",
        f"Record the {conference.get_kind_display().lower()} as held",
        form=form,
        conference=conference,
    )


@requires(Permission.RECORD_CASEWORK)
def conference_cancel_view(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_change(user, conference_id)
    form = CancelForm(posted_data(request), initial={"version": conference.version})
    if save_form(
        request,
        form,
        lambda data: conference_cancel(
            actor=user, conference=conference, version=data["version"], reason=data["reason"]
        ),
        success=f"{conference.get_kind_display()} cancelled",
    ):
        return redirect("protection:conference-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/conference_cancel.html",
        f"Cancel the {conference.get_kind_display().lower()}",
        form=form,
        conference=conference,
    )


@requires(Permission.RECORD_CASEWORK)
def conference_add_child_view(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_change(user, conference_id)
    subjects = selectors.visible_subjects(user, conference)
    considered = {s.child_id for s in subjects}
    suggestions: list[Child] = []
    for subject in subjects:
        suggestions += selectors.sibling_suggestions(user, subject.child, exclude=considered)
    form = AddChildForm(posted_data(request), initial={"version": conference.version})
    if save_form(
        request,
        form,
        lambda data: conference_add_child(
            actor=user,
            conference=conference,
            case=_case_of_visible_child(user, data["child_id"], "child_id"),
            version=data["version"],
        ),
        success=lambda added: f"{added.child.full_name} added to this conference",
    ):
        return redirect("protection:conference-detail", conference_id=conference.pk)
    return page(
        request,
        "protection/conference_add_child.html",
        "Add a brother or sister to this conference",
        form=form,
        conference=conference,
        suggestions={c.pk: c for c in suggestions}.values(),
    )


@requires(Permission.CHAIR_CONFERENCES)
def conference_decision(request: HttpRequest, conference_id: int, child_id: int) -> HttpResponse:
    user = user_of(request)
    conference = selectors.conference_for_user(user, conference_id)
    subject = selectors.subject_for_user(user, conference, child_id)
    subject.conference = conference
    child_record_view(user=user, child=subject.child)
    form = DecisionForm(posted_data(request))
    saved = save_form(
        request,
        form,
        lambda data: conference_decide(
            actor=user,
            subject=subject,
            plan_needed=as_bool(data["plan_needed"]),
            category=data["category"],
            plan=data["plan"],
            contingency_plan=data["contingency_plan"],
            visit_frequency_working_days=data["visit_frequency_working_days"],
            next_step=data["next_step"],
            cin_plan=data["cin_plan"],
            closure_reason=data["closure_reason"],
        ),
        success=lambda plan: (
            f"Child protection plan started for {subject.child}"
            if plan is not None
            else f"Decision recorded for {subject.child}"
        ),
    )
    if saved:
        if saved.result is not None:  # the conference decided on a plan
            return redirect("protection:plan-detail", plan_id=saved.result.pk)
        return redirect("protection:conference-detail", conference_id=conference.pk)
    today = timezone.localdate()
    return page(
        request,
        "protection/conference_decision.html",
        f"Conference decision for {subject.child.full_name}",
        form=form,
        conference=conference,
        subject=subject,
        clocks=selectors.conference_clocks(conference, subject.case, today),
        repeat=selectors.repeat_plan_flags(subject.child, conference.meeting_on),
        decided=subject.plan_needed is not None or conference.kind == ConferenceKind.REVIEW,
    )
