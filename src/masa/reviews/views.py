"""Case review pipeline pages: the list (and its CSV), referring a case, the review with its
timeline and clocks, one form per step, and the partnership's review settings.

Every page asks ``confidentiality`` who may open the review and whether the user sees the
children's names: members of the review group do; everyone else sees the anonymised name only,
and free text is shown to them with the children's and family's names taken out.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.core import audit
from masa.core.access import requires
from masa.core.models import Agency, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from . import selectors, services
from .confidentiality import names_to_redact, reads_reviews, redact, review_for_user, sees_names
from .forms import (
    NOTIFICATION_FLAGS,
    AcknowledgeForm,
    CloseForm,
    CommissionForm,
    CommissioningNoticeForm,
    CostForm,
    DecideForm,
    NotifyForm,
    NotPublishedForm,
    PanelResponseForm,
    PartnersToldForm,
    PauseEndForm,
    PauseForm,
    PublishForm,
    RapidReviewForm,
    RedactionForm,
    ReferForm,
    ReportForm,
    SettingsForm,
    StageFilterForm,
    TriageForm,
    WithdrawForm,
    as_bool,
)
from .models import (
    CaseReview,
    IncidentNotification,
    RedactionTerm,
    ReviewChild,
    ReviewCommission,
    ReviewPause,
    ReviewStatus,
)
from .services import Step, step_refusal
from .transitions import NEXT_STEP

# Each step's form page, and the words of the button that leads to it.
STEP_PAGES: dict[Step, tuple[str, str]] = {
    Step.ACKNOWLEDGE: ("reviews:review-acknowledge", "Acknowledge the referral"),
    Step.TRIAGE: ("reviews:review-triage", "Record whether the case is notifiable"),
    Step.NOTIFY: ("reviews:review-notify", "Record the notification to the Panel"),
    Step.RAPID_REVIEW: ("reviews:review-rapid-review", "Record the rapid review"),
    Step.DECIDE: ("reviews:review-decide", "Record the decision"),
    Step.COMMISSION: ("reviews:review-commission", "Commission the review"),
    Step.REPORT: ("reviews:review-report", "Record the final report"),
    Step.PUBLISH: ("reviews:review-publish", "Record publication"),
    Step.CLOSE: ("reviews:review-close", "Close the case"),
    Step.PARTNERS_TOLD: ("reviews:review-partners-told", "Record when the partners were told"),
    Step.PANEL_RESPONSE: ("reviews:review-panel-response", "Record the Panel's response"),
    Step.COMMISSIONING_NOTICE: (
        "reviews:review-commissioning-notice",
        "Record the commissioning notice",
    ),
    Step.NOT_PUBLISHED: ("reviews:review-not-published", "Record a decision not to publish"),
    Step.PAUSE: ("reviews:review-pause", "Pause the review"),
    Step.COST: ("reviews:review-cost-add", "Add a cost"),
    Step.REDACTION: ("reviews:review-redaction", "Words to take out before publishing"),
    Step.WITHDRAW: ("reviews:review-withdraw", "Withdraw the review"),
}
# The steps that move the pipeline on; the first of these that may be taken is the main button.
PIPELINE_STEPS = frozenset(
    {
        Step.ACKNOWLEDGE,
        Step.TRIAGE,
        Step.NOTIFY,
        Step.RAPID_REVIEW,
        Step.DECIDE,
        Step.COMMISSION,
        Step.REPORT,
        Step.PUBLISH,
        Step.CLOSE,
    }
)


def _today() -> dt.date:
    return timezone.localdate()


def _shown_text(user: User, review: CaseReview) -> Callable[[str], str]:
    """How free text is shown to this user: as written to the review group, with the children's
    and family's names taken out for everyone else."""
    if sees_names(user, review):
        return lambda text: text
    pairs = names_to_redact(review)
    return lambda text: redact(text or "", pairs)


# ---------------------------------------------------------------- the list


@reads_reviews
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = StageFilterForm(request.GET or None)
    stage = form.cleaned_data["stage"] if form.is_bound and form.is_valid() else ""
    rows = selectors.review_rows(user, _today(), stage=stage)
    return page(
        request,
        "reviews/review_list.html",
        "Case reviews",
        rows=rows,
        form=form,
        stage=stage,
        overdue=sum(1 for row in rows if row.overdue),
        can_refer=user.has_masa_permission(Permission.REFER_CASE_REVIEW),
        can_manage=user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS),
        query=request.GET.urlencode(),
    )


@reads_reviews
@require_GET
def review_list_csv(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = StageFilterForm(request.GET or None)
    stage = form.cleaned_data["stage"] if form.is_bound and form.is_valid() else ""
    rows = selectors.review_rows(user, _today(), stage=stage)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="case_review_list",
        reason=f"case review list CSV ({len(rows)} reviews) {request.GET.urlencode()}".strip(),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="masa-case-reviews.csv"'
    writer = csv.writer(response)
    for line in selectors.csv_rows(rows):
        writer.writerow(line)
    return response


# ---------------------------------------------------------------- referring a case


@requires(Permission.REFER_CASE_REVIEW)
@require_http_methods(["GET", "POST"])
def review_refer(request: HttpRequest) -> HttpResponse:
    user = user_of(request)

    def refer(data: dict[str, Any]) -> CaseReview:
        child: Child | None = children_visible_to(user).filter(pk=data["child_id"]).first()
        if child is None:
            raise ServiceError("No child you can see has that masa ID", "child_id")
        return services.review_refer(
            actor=user,
            child=child,
            incident_date=data["incident_date"],
            aware_on=data["aware_on"],
            harm_outcome=data["harm_outcome"],
            abuse_or_neglect_suspected=as_bool(data["abuse_or_neglect_suspected"]),
            referral_reason=data["referral_reason"],
            referred_on=data["referred_on"],
        )

    form = ReferForm(request.POST or None, initial={"referred_on": _today()})
    saved = save_form(
        request,
        form,
        refer,
        success=lambda review: (
            f"Case referred for consideration. It is known as {review.anonymised_name}"
        ),
    )
    if saved:
        return redirect("reviews:review-detail", review_id=saved.result.pk)
    return page(
        request,
        "reviews/refer.html",
        "Refer a case for a review",
        form=form,
        can_see_children=user.has_masa_permission(Permission.VIEW_CHILD_RECORDS),
    )


# ---------------------------------------------------------------- one review


def _actions(review: CaseReview) -> list[tuple[str, str, str]]:
    """(url, text, button classes) for each step that may be recorded now."""
    found = []
    main_given = False
    for step, (url_name, text) in STEP_PAGES.items():
        if step_refusal(review, step) is not None:
            continue
        url = reverse(url_name, kwargs={"review_id": review.pk})
        if step in PIPELINE_STEPS and not main_given:
            classes, main_given = "", True
        elif step is Step.WITHDRAW:
            classes = "govuk-button--warning"
        else:
            classes = "govuk-button--secondary"
        found.append((url, text, classes))
    return found


@reads_reviews
@require_GET
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    today = _today()
    shows_names = sees_names(user, review)
    clocks = selectors.review_clocks(review, today)
    children = list(ReviewChild.objects.filter(review=review).select_related("child"))
    if shows_names:
        # The review group sees who the children are: each such view is audited.
        audit.record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=services.REVIEW,
            object_id=review.pk,
            object_label=f"Case review {review.anonymised_name}",
            child_id=next((c.child_id for c in children if c.is_subject), None),
        )
    can_manage = user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS)
    return page(
        request,
        "reviews/review_detail.html",
        f"Case review: {review.anonymised_name}",
        review=review,
        shows_names=shows_names,
        children=children if shows_names else [],
        can_open_children=user.has_masa_permission(Permission.VIEW_CHILD_RECORDS),
        clocks=clocks,
        steps=selectors.timeline(review, clocks),
        step_urls={step: url for step, (url, _) in STEP_PAGES.items()},
        transitions=list(review.transitions.select_related("by")),
        pauses=selectors.pause_rows(review, today),
        commission=ReviewCommission.objects.filter(review=review).first(),
        notification=IncidentNotification.objects.filter(review=review).first(),
        notification_flags=NOTIFICATION_FLAGS,
        costs=list(review.costs.select_related("funded_by")),
        costs_total=selectors.costs_total(review),
        can_manage=can_manage,
        actions=_actions(review) if can_manage else [],
        shown=_shown_text(user, review),
        money=selectors.money,
        next_step=NEXT_STEP.get(ReviewStatus(review.status), ""),
    )


# ---------------------------------------------------------------- the steps


SaveStep = Callable[[User, CaseReview, dict[str, Any]], object]


def _step_page(
    request: HttpRequest,
    review_id: int,
    *,
    step: Step,
    form_class: type[BaseForm],
    title: str,
    save: SaveStep,
    done: str,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    intro: str = "",
    template: str = "reviews/step_form.html",
    **context: Any,
) -> HttpResponse:
    """One form that records a step: parse, call the one service, show its refusal or go back
    to the review. The page says at once if the step cannot be recorded yet, and why."""
    user = user_of(request)
    review = review_for_user(user, review_id)
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
    else:
        form = form_class(initial={"version": review.version, **(initial or {})}, **kwargs)
    if save_form(
        request,
        form,
        lambda data: save(user, review, data),
        success=f"{review.anonymised_name}: {done}",
        record=review,
    ):
        return redirect("reviews:review-detail", review_id=review.pk)
    return page(
        request,
        template,
        title,
        form=form,
        review=review,
        blocker=step_refusal(review, step),
        intro=intro,
        **context,
    )


def _dated(name: str) -> dict[str, Any]:
    return {name: _today()}


def _service(
    service: Callable[..., object], *fields: str, yes_no: tuple[str, ...] = ()
) -> SaveStep:
    """Save a step by calling its service with the form's fields of the same names (the yes/no
    answers as booleans) and the version of the review the user saw."""

    def save(user: User, review: CaseReview, d: dict[str, Any]) -> object:
        values = {name: d[name] for name in fields} | {name: as_bool(d[name]) for name in yes_no}
        return service(actor=user, review=review, version=d["version"], **values)

    return save


def _step_view(
    step: Step,
    form_class: type[BaseForm],
    title: str,
    save: SaveStep,
    done: str,
    *,
    dated: str = "",
    intro: str = "",
) -> Callable[..., HttpResponse]:
    """The page of a step that needs nothing but its form: ``review_<step>``, with ``dated``
    (the step's date field) starting at today."""

    def view(request: HttpRequest, review_id: int) -> HttpResponse:
        return _step_page(
            request,
            review_id,
            step=step,
            form_class=form_class,
            title=title,
            save=save,
            done=done,
            initial=_dated(dated) if dated else None,
            intro=intro,
        )

    view.__name__ = view.__qualname__ = f"review_{step.value}"
    return requires(Permission.MANAGE_CASE_REVIEWS)(require_http_methods(["GET", "POST"])(view))


review_acknowledge = _step_view(
    Step.ACKNOWLEDGE,
    AcknowledgeForm,
    "Acknowledge the referral",
    _service(services.review_acknowledge, "acknowledged_on"),
    "referral acknowledged",
    dated="acknowledged_on",
    intro="You will lead the review and join its review group.",
)
review_triage = _step_view(
    Step.TRIAGE,
    TriageForm,
    "Is the case notifiable to the national Panel?",
    _service(
        services.review_triage_notifiable,
        "reason",
        yes_no=("notifiable", "child_looked_after"),
    ),
    "notifiable or not recorded",
)
review_partners_told = _step_view(
    Step.PARTNERS_TOLD,
    PartnersToldForm,
    "When were the safeguarding partners told?",
    _service(services.review_partners_told, "told_on"),
    "date the partners were told recorded",
    dated="told_on",
)
review_rapid_review = _step_view(
    Step.RAPID_REVIEW,
    RapidReviewForm,
    "Record the rapid review",
    _service(services.review_rapid_review_sent, "meeting_on", "sent_on"),
    "rapid review recorded as sent to the Panel",
    dated="sent_on",
)
review_decide = _step_view(
    Step.DECIDE,
    DecideForm,
    "Record the decision",
    _service(services.review_decide, "decision", "reason", "decided_on"),
    "decision recorded",
    dated="decided_on",
)
review_panel_response = _step_view(
    Step.PANEL_RESPONSE,
    PanelResponseForm,
    "Record the national Panel's response",
    _service(services.review_panel_response, "response", "responded_on", "note"),
    "the Panel's response recorded",
    dated="responded_on",
)
review_commission = _step_view(
    Step.COMMISSION,
    CommissionForm,
    "Commission the review",
    _service(
        services.review_commission,
        "reviewer_name",
        "reviewer_organisation",
        "commissioned_on",
        "terms_of_reference",
        "methodology",
        "family_involvement",
        "practitioner_involvement",
        "agreed_fee",
        "planned_completion_on",
        "commissioning_notice_sent_on",
    ),
    "review commissioned",
    dated="commissioned_on",
)
review_commissioning_notice = _step_view(
    Step.COMMISSIONING_NOTICE,
    CommissioningNoticeForm,
    "When were the Panel, Ofsted and DfE told of the review?",
    _service(services.review_commissioning_notice, "sent_on"),
    "commissioning notice recorded",
    dated="sent_on",
    intro="Once a local child safeguarding practice review is decided, the Panel, Ofsted and "
    "the DfE are told of it and of the reviewer's name.",
)
review_pause = _step_view(
    Step.PAUSE,
    PauseForm,
    "Pause the review",
    _service(services.review_pause_start, "reason", "detail", "started_on"),
    "review paused",
    dated="started_on",
    intro="While the review is paused (for example for a criminal trial or an inquest), the "
    "6 months to complete and publish it stop counting.",
)
review_publish = _step_view(
    Step.PUBLISH,
    PublishForm,
    "Record publication",
    _service(services.review_publish, "published_on", "publication_url"),
    "publication recorded",
    dated="published_on",
)
review_not_published = _step_view(
    Step.NOT_PUBLISHED,
    NotPublishedForm,
    "Record a decision not to publish",
    _service(services.review_not_published, "reason", "decided_on"),
    "decision not to publish recorded",
    dated="decided_on",
)
review_close = _step_view(
    Step.CLOSE,
    CloseForm,
    "Close the case: no further local review",
    _service(services.review_close, "closed_on", "reason"),
    "case closed",
    dated="closed_on",
)
review_withdraw = _step_view(
    Step.WITHDRAW,
    WithdrawForm,
    "Withdraw the review",
    _service(services.review_withdraw, "withdrawn_on", "reason"),
    "review withdrawn",
    dated="withdrawn_on",
    intro="Nothing is deleted: the review stays on record as withdrawn, with the reason.",
)


def _notify(user: User, review: CaseReview, d: dict[str, Any]) -> CaseReview:
    flags = set(d["circumstances"])
    details = services.NotificationDetails(
        notifying_local_authority=d["notifying_local_authority"],
        incident_location=d["incident_location"],
        incident_in_england=as_bool(d["incident_in_england"]),
        incident_summary=d["incident_summary"],
        abuse_category=d["abuse_category"],
        agencies_involved=d["agencies_involved"],
        notifier_name=d["notifier_name"],
        notifier_role=d["notifier_role"],
        **{name: name in flags for name, _ in NOTIFICATION_FLAGS},
    )
    return services.review_notify(
        actor=user,
        review=review,
        notified_on=d["notified_on"],
        details=details,
        version=d["version"],
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_notify(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    return _step_page(
        request,
        review_id,
        step=Step.NOTIFY,
        form_class=NotifyForm,
        title="Record the serious incident notification",
        intro="The fields of the national Panel's serious incident notification (sent through "
        "Ofsted's online form to the Panel, Ofsted and the DfE).",
        initial={
            **_dated("notified_on"),
            "incident_in_england": "yes",
            "notifier_name": user.display_name,
        },
        save=_notify,
        done="serious incident notification recorded",
    )


def _agency_choices(user: User) -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(partnership_id=user.partnership_id).order_by("name")
    return [(str(a.pk), a.name) for a in agencies]


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_cost_add(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)

    def add(actor: User, review: CaseReview, d: dict[str, Any]) -> object:
        funded_by = (
            Agency.objects.filter(
                pk=int(d["funded_by"]), partnership_id=actor.partnership_id
            ).first()
            if d["funded_by"]
            else None
        )
        return services.review_cost_add(
            actor=actor,
            review=review,
            description=d["description"],
            amount=Decimal(d["amount"]),
            incurred_on=d["incurred_on"],
            funded_by=funded_by,
            version=d["version"],
        )

    return _step_page(
        request,
        review_id,
        step=Step.COST,
        form_class=CostForm,
        title="Add a cost",
        form_kwargs={"agencies": _agency_choices(user)},
        initial=_dated("incurred_on"),
        save=add,
        done="cost added",
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_pause_end(request: HttpRequest, review_id: int, pause_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    pause = ReviewPause.objects.filter(pk=pause_id, review=review).first()
    if pause is None:
        raise Http404("No such pause")
    return _step_page(
        request,
        review_id,
        step=Step.PAUSE_END,
        form_class=PauseEndForm,
        title="End the pause",
        intro=f"Paused since {govuk_date(pause.started_on)}: {pause.get_reason_display()}.",
        initial=_dated("ended_on"),
        save=lambda actor, r, d: services.review_pause_end(
            actor=actor, review=r, pause=pause, ended_on=d["ended_on"], version=d["version"]
        ),
        done="pause ended",
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_report(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    return _step_page(
        request,
        review_id,
        step=Step.REPORT,
        form_class=ReportForm,
        title="Record the final report",
        initial={
            "completed_on": review.report_completed_on or _today(),
            "sent_to_panel_on": review.report_sent_to_panel_on,
            "planned_publication_on": review.planned_publication_on,
        },
        save=lambda actor, r, d: services.review_report_completed(
            actor=actor,
            review=r,
            completed_on=d["completed_on"],
            sent_to_panel_on=d["sent_to_panel_on"],
            planned_publication_on=d["planned_publication_on"],
            version=d["version"],
        ),
        done="final report recorded",
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_redaction(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    members_only = sees_names(user, review)
    return _step_page(
        request,
        review_id,
        step=Step.REDACTION,
        form_class=RedactionForm,
        title="Words to take out before publishing",
        intro="The children's and their family members' names are always taken out of anything "
        "published from the review. Add any other word or name to take out, such as a school "
        "or a street.",
        template="reviews/redaction.html",
        save=lambda actor, r, d: services.redaction_term_add(
            actor=actor,
            review=r,
            term=d["term"],
            replacement=d["replacement"],
            version=d["version"],
        ),
        done="word added to take out",
        terms=list(RedactionTerm.objects.filter(review=review).order_by("term"))
        if members_only
        else None,
    )


# ---------------------------------------------------------------- settings


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = SettingsForm(
        request.POST or None,
        initial={"rapid_review_starts": selectors.rapid_review_basis(user.partnership_id)},
    )
    if save_form(
        request,
        form,
        lambda d: services.review_settings_set(
            actor=user, rapid_review_starts=d["rapid_review_starts"]
        ),
        success="Case review settings saved. Rapid review deadlines use them from now on",
    ):
        return redirect("reviews:review-list")
    return page(
        request,
        "reviews/settings.html",
        "Case review settings",
        form=form,
        can_configure=user.has_masa_permission(Permission.CONFIGURE_PRACTICE),
        statuses=ReviewStatus,
    )
