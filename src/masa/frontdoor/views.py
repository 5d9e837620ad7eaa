"""Front door pages: the list, logging a contact, agency checks, the decision and referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from masa.core.access import requires
from masa.core.calendar import ClockState
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.presenters import parse_masa_id
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.journey.models import Stage
from masa.journey.visibility import sees_case_management
from masa.people.models import Child
from masa.people.selectors import child_for_user, children_visible_to
from masa.people.services import child_record_view
from masa.protection.factors import ASSESSMENT_FACTORS

from . import selectors, services
from .forms import (
    FACTOR_GROUPS,
    AgencyCheckForm,
    ContactFilterForm,
    ContactForm,
    DecisionForm,
    ReferralNfaForm,
)
from .models import Contact, ThresholdDecision


def _agency_choices(user: User) -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(partnership_id=user.partnership_id).order_by("name")
    return [(str(a.pk), a.name) for a in agencies]


def _agency(user: User, value: str) -> Agency | None:
    if not value.isdigit():
        return None
    return Agency.objects.filter(pk=int(value), partnership_id=user.partnership_id).first()


# ---------------------------------------------------------------- the list


@requires(Permission.VIEW_CHILD_RECORDS)
def contact_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ContactFilterForm(request.GET or None)
    status, rag = "awaiting", ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or "awaiting"
        rag = form.cleaned_data["rag"]
    today = timezone.localdate()
    rows = selectors.front_door_list(user, today=today, status=status, rag=rag)
    return page(
        request,
        "frontdoor/contact_list.html",
        "Front door",
        form=form,
        rows=rows,
        show=status,
        overdue_count=sum(1 for row in rows if row.state is ClockState.OVERDUE),
        can_log=user.has_masa_permission(Permission.RECORD_CONTACTS),
    )


# ---------------------------------------------------------------- logging a contact


@requires(Permission.RECORD_CONTACTS)
def contact_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    child: Child | None = None
    from_page = request.GET.get("child", "")
    if from_page:
        child_id = parse_masa_id(from_page)
        if child_id is None:
            child_id = 0
        child = child_for_user(user, child_id)
    agencies = _agency_choices(user)
    # Only children's social care and the MASH log contacts on behalf of another agency.
    choose_agency = selectors.sees_all_contacts(user)

    def log(data: dict[str, Any]) -> Contact:
        found = children_visible_to(user).filter(pk=data["child_id"]).first()
        if found is None:
            raise ServiceError("No child you can see has that masa ID", "child_id")
        received_at = timezone.make_aware(
            dt.datetime.combine(data["received_on"], data["received_time"])
        )
        try:
            return services.contact_log(
                actor=user,
                child=found,
                received_at=received_at,
                source=data["source"],
                source_agency=(
                    _agency(user, data["source_agency"]) if choose_agency else user.agency
                ),
                referrer_name=data["referrer_name"],
                reason=data["reason"],
                presenting_factors=data["presenting_factors"],
                consent_basis=data["consent_basis"],
                rag=data["rag"],
            )
        except ServiceError as error:
            if error.field == "factors":  # factors are ticked in groups: show it on the first
                error.field = FACTOR_GROUPS[0][0]
            raise

    if request.method == "POST":
        form = ContactForm(request.POST, agencies=agencies, choose_agency=choose_agency)
    else:
        now = timezone.localtime()
        form = ContactForm(
            initial={
                "child_id": child.masa_id if child else "",
                "received_on": now.date(),
                "received_time": now.strftime("%H:%M"),
                "source": services.default_source(user.agency),
                "source_agency": str(user.agency_id or ""),
            },
            agencies=agencies,
            choose_agency=choose_agency,
        )
    saved = save_form(
        request,
        form,
        log,
        success=lambda contact: f"Contact about {contact.child.full_name} logged",
    )
    if saved:
        return redirect("frontdoor:contact-detail", contact_id=saved.result.pk)
    return page(
        request,
        "frontdoor/contact_new.html",
        "Log a contact",
        form=form,
        child=child,
        choose_agency=choose_agency,
        own_agency=user.agency,
        factor_fields=[name for name, _, _ in FACTOR_GROUPS],
    )


# ---------------------------------------------------------------- the contact


def _contact_context(user: User, contact_id: int) -> tuple[Contact, dict[str, Any]]:
    contact = selectors.contact_for_user(user, contact_id)
    child_record_view(user=user, child=contact.child)
    clock = selectors.contact_clock(contact)
    checks = list(selectors.agency_checks(contact))
    return contact, {
        "contact": contact,
        "clock": clock,
        "clock_state": clock.state(timezone.localdate(), done_on=contact.decided_on),
        "checks": [(check, selectors.check_text_visible(user, check)) for check in checks],
        "factor_labels": [
            f"{ASSESSMENT_FACTORS.get(code, code)} ({code})" for code in contact.presenting_factors
        ],
        "level_names": dict(selectors.continuum_levels(contact.case.partnership_id)),
    }


@requires(Permission.VIEW_CHILD_RECORDS)
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = user_of(request)
    contact, context = _contact_context(user, contact_id)
    checked = {check.agency_id for check, _ in context["checks"]}
    return page(
        request,
        "frontdoor/contact_detail.html",
        f"Contact about {contact.child.full_name}",
        can_check=(
            user.has_masa_permission(Permission.ADD_AGENCY_CHECKS)
            and not contact.decision
            and user.agency_id not in checked
        ),
        can_decide=user.has_masa_permission(Permission.DECIDE_THRESHOLD) and not contact.decision,
        referral=contact.referrals.first(),
        can_open_case=sees_case_management(user),
        **context,
    )


@requires(Permission.ADD_AGENCY_CHECKS)
def agency_check_add(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = user_of(request)
    contact = selectors.contact_for_user(user, contact_id)
    form = AgencyCheckForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        child_record_view(user=user, child=contact.child)
    if save_form(
        request,
        form,
        lambda data: services.agency_check_add(
            actor=user,
            contact=contact,
            information_held=data["information_held"] == "yes",
            information=data["information"],
        ),
        success=f"{user.agency}'s check added",
    ):
        return redirect("frontdoor:contact-detail", contact_id=contact.pk)
    return page(
        request,
        "frontdoor/agency_check.html",
        f"Add {user.agency}'s information check",
        form=form,
        contact=contact,
    )


@requires(Permission.DECIDE_THRESHOLD)
def contact_decide(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = user_of(request)
    contact, context = _contact_context(user, contact_id)
    partnership_id = contact.case.partnership_id
    decisions = selectors.decision_options(contact)
    levels = selectors.continuum_levels(partnership_id)
    agencies = _agency_choices(user)
    form_args = {"decisions": decisions, "levels": levels, "agencies": agencies}
    if request.method == "POST":
        form = DecisionForm(request.POST, **form_args)
    else:
        form = DecisionForm(
            initial={
                "decided_on": timezone.localdate(),
                "version": contact.version,
                "lead_agency": str(contact.child.owning_team.agency_id),
                "decision": decisions[0][0] if len(decisions) == 1 else None,
            },
            **form_args,
        )
    if save_form(
        request,
        form,
        lambda data: services.threshold_decide(
            actor=user,
            contact=contact,
            decision=data["decision"],
            continuum_level=data["continuum_level"],
            reason=data["decision_reason"],
            decided_on=data["decided_on"],
            primary_need=data["primary_need"],
            lead_agency=_agency(user, data["lead_agency"]),
            version=data["version"],
        ),
        success=lambda _: (
            f"Decision recorded: {ThresholdDecision(form.cleaned_data['decision']).label}"
        ),
    ):
        return redirect("frontdoor:contact-detail", contact_id=contact.pk)
    previous = None
    if any(d in ("referral", "strategy") for d, _ in decisions):
        previous = selectors.previous_referral(
            contact.child_id, selectors.contact_received_on(contact)
        )
    return page(
        request,
        "frontdoor/contact_decide.html",
        f"Threshold decision: contact about {contact.child.full_name}",
        form=form,
        previous_referral=previous,
        screening=len(decisions) > 1,
        offers_early_help=any(d == ThresholdDecision.EARLY_HELP for d, _ in decisions),
        open_case=contact.case if contact.case.stage != Stage.CONTACT else None,
        **context,
    )


# ---------------------------------------------------------------- referrals


@requires(Permission.VIEW_CHILD_RECORDS)
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = user_of(request)
    referral = selectors.referral_for_user(user, referral_id)
    child_record_view(user=user, child=referral.child)
    previous = selectors.previous_referral(
        referral.child_id, referral.referral_date, exclude_pk=referral.pk
    )
    return page(
        request,
        "frontdoor/referral_detail.html",
        f"Referral of {referral.child.full_name}",
        referral=referral,
        previous_referral=previous,
        can_close=(
            user.has_masa_permission(Permission.AUTHORISE_CASEWORK)
            and referral.case.stage == Stage.REFERRAL
            and not referral.no_further_action
        ),
        can_open_case=sees_case_management(user),
    )


@requires(Permission.AUTHORISE_CASEWORK)
def referral_nfa(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = user_of(request)
    referral = selectors.referral_for_user(user, referral_id)
    if request.method == "POST":
        form = ReferralNfaForm(request.POST)
    else:
        child_record_view(user=user, child=referral.child)
        form = ReferralNfaForm(
            initial={"closed_on": timezone.localdate(), "version": referral.version}
        )
    if save_form(
        request,
        form,
        lambda data: services.referral_no_further_action(
            actor=user,
            referral=referral,
            closed_on=data["closed_on"],
            closure_reason=data["closure_reason"],
            reason=data["reason"],
            version=data["version"],
        ),
        success="Referral closed with no further action",
    ):
        return redirect("frontdoor:referral-detail", referral_id=referral.pk)
    return page(
        request,
        "frontdoor/referral_nfa.html",
        f"Close the referral of {referral.child.full_name} with no further action",
        form=form,
        referral=referral,
    )
