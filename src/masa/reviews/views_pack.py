"""Review group and rapid review pack pages.

The group page opens for the review's members and the business unit; the pack and its sections
only for members (they show the children's names). Everyone else gets the 404 of a review that
does not exist (``selectors_pack``, applying ``confidentiality``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from masa.core.access import requires
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError
from masa.core.views import page, save_form, user_of

from . import selectors_pack as selectors
from .confidentiality import reads_reviews, review_for_user, sees_names
from .forms_pack import (
    ContributionForm,
    MemberAddForm,
    MemberRemoveForm,
    PackDraftForm,
    ReviewChildAddForm,
)
from .models import AgencyContribution, CaseReview, ContributionStatus, ReviewChild
from .services_pack import (
    DraftResult,
    contribution_confirm,
    pack_draft,
    pack_view_record,
    review_child_add,
    review_member_add,
    review_member_remove,
)


@reads_reviews
@require_http_methods(["GET", "POST"])
def review_group(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = selectors.review_for_group_page(user, review_id)
    manages = selectors.manages_reviews(user)
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = MemberAddForm(
        request.POST if request.method == "POST" else None,
        users=list(selectors.users_who_may_be_added(review)),
    )
    saved = save_form(
        request,
        form,
        lambda data: review_member_add(
            actor=user, review=review, user_id=form.user_id(), role=data["role"]
        ),
        success=lambda member: f"{member.user.display_name} added to the review group",
    )
    if saved:
        return redirect("reviews:review-group", review_id=review.pk)
    return page(
        request,
        "reviews/pack/group.html",
        f"Review group: {review.anonymised_name}",
        review=review,
        members=selectors.current_members(review),
        former=selectors.former_members(review),
        children=selectors.linked_children(review),
        sees_names=sees_names(user, review),
        manages=manages,
        form=form if manages else None,
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_group_remove(request: HttpRequest, review_id: int, member_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    member = selectors.member_of_review(review, member_id)
    form = MemberRemoveForm(request.POST if request.method == "POST" else None)
    if save_form(
        request,
        form,
        lambda data: review_member_remove(
            actor=user, review=review, member=member, reason=data["reason"]
        ),
        success=f"{member.user.display_name} removed from the review group",
    ):
        return redirect("reviews:review-group", review_id=review.pk)
    return page(
        request,
        "reviews/pack/group_remove.html",
        f"Remove {member.user.display_name} from the review group",
        review=review,
        member=member,
        form=form,
    )


def _linked_message(link: ReviewChild) -> str:
    return f"{link.child.masa_id} linked to the review as {link.anonymised_name}"


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def review_child_add_view(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    form = ReviewChildAddForm(
        request.POST if request.method == "POST" else None,
        initial={"anonymised_name": selectors.next_sibling_name(review)},
    )
    if save_form(
        request,
        form,
        lambda data: review_child_add(
            actor=user,
            review=review,
            child_id=data["child"],
            anonymised_name=data["anonymised_name"],
        ),
        success=_linked_message,
    ):
        return redirect("reviews:review-group", review_id=review.pk)
    return page(
        request,
        "reviews/pack/child_add.html",
        f"Link another child to {review.anonymised_name}",
        review=review,
        form=form,
    )


def _task_items(review: CaseReview, sections: list[AgencyContribution]) -> list[dict[str, Any]]:
    """The pack's sections as GOV.UK task list items: drafted ones tagged, confirmed in text."""
    items = []
    for section in sections:
        count = len(section.drafted_lines)
        status = selectors.status_text(section)
        shown: dict[str, Any] = (
            {"text": status}
            if section.status == ContributionStatus.CONFIRMED
            else {"tag": {"text": status, "classes": "govuk-tag--blue"}}
        )
        items.append(
            {
                "title": {"text": section.agency.name},
                "href": reverse("reviews:pack-contribution", args=[review.pk, section.pk]),
                "hint": {
                    "text": f"{count} {'line' if count == 1 else 'lines'} from the chronology"
                    if count
                    else "No lines in the chronology: working with the children by the "
                    "incident date"
                },
                "status": shown,
            }
        )
    return items


@reads_reviews
def pack_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = selectors.review_for_member(user, review_id)
    pack_view_record(actor=user, review=review)
    sections = selectors.contributions(review)
    return page(
        request,
        "reviews/pack/pack.html",
        f"Rapid review pack: {review.anonymised_name}",
        review=review,
        children=selectors.linked_children(review),
        sections=sections,
        task_items=_task_items(review, sections),
        outstanding=selectors.outstanding(sections),
        may_draft=selectors.manages_reviews(user) and not selectors.pack_is_closed(review),
        closed=selectors.pack_is_closed(review),
    )


def _drafted_message(review: CaseReview, result: DraftResult) -> str:
    drafted = len(result.drafted)
    text = (
        f"Drafted {drafted} {'section' if drafted == 1 else 'sections'} from the chronology as "
        f"known on {govuk_date(review.incident_date)}"
    )
    if result.kept:
        kept = len(result.kept)
        text += f"; {kept} confirmed {'section was' if kept == 1 else 'sections were'} kept"
    return text


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_POST
def pack_draft_view(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    form = PackDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The pack could not be drafted: reload the page and try again")
        return redirect("reviews:pack", review_id=review.pk)
    try:
        result = pack_draft(
            actor=user,
            review=review,
            version=form.cleaned_data["version"],
            agency_id=form.cleaned_data["agency"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _drafted_message(review, result))
    return redirect("reviews:pack", review_id=review.pk)


@reads_reviews
@require_http_methods(["GET", "POST"])
def pack_contribution(request: HttpRequest, review_id: int, contribution_id: int) -> HttpResponse:
    user = user_of(request)
    review = selectors.review_for_member(user, review_id)
    contribution = selectors.contribution_of_review(review, contribution_id)
    may_confirm = selectors.may_confirm(user, review, contribution)
    closed = selectors.pack_is_closed(review)
    if request.method == "POST" and not may_confirm:
        raise PermissionDenied
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "involvement_summary": contribution.involvement_summary,
            "additional_information": contribution.additional_information,
            "immediate_actions": contribution.immediate_actions,
            "learning_identified": contribution.learning_identified,
            "version": contribution.version,
        },
    )
    if save_form(
        request,
        form,
        lambda data: contribution_confirm(
            actor=user,
            contribution=contribution,
            involvement_summary=data["involvement_summary"],
            additional_information=data["additional_information"],
            immediate_actions=data["immediate_actions"],
            learning_identified=data["learning_identified"],
            version=data["version"],
        ),
        success=f"{contribution.agency.name}'s section is confirmed",
        record=contribution,
    ):
        return redirect("reviews:pack", review_id=review.pk)
    if request.method == "GET":
        pack_view_record(actor=user, review=review)
    return page(
        request,
        "reviews/pack/contribution.html",
        f"{contribution.agency.name}: rapid review pack for {review.anonymised_name}",
        review=review,
        contribution=contribution,
        lines=selectors.pack_lines(contribution, selectors.child_names(review)),
        status_text=selectors.status_text(contribution),
        closed=closed,
        own_agency=user.agency_id == contribution.agency_id,
        may_redraft=selectors.manages_reviews(user)
        and not closed
        and contribution.status != ContributionStatus.CONFIRMED,
        # After the pack has closed, the form shows only to say why saving was refused.
        form=form if may_confirm and (not closed or form.is_bound) else None,
    )
