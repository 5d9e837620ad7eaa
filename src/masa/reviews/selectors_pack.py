"""Reads for the review group and the rapid review pack.

Who may open what is decided in ``confidentiality``; these functions apply it (a page a user may
not open answers 404, as for a review that does not exist) and gather what the pages show.

The pack's lines come from the children's multi-agency chronology as it stood at the end of the
incident day, read in full: the review group shares information under Children Act 2004 s16H,
whatever each agency could read of the chronology day to day (ADR 0012).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from masa.core.models import User
from masa.core.permissions import Permission
from masa.journey.chronology import ChronologyLine, chronology_for
from masa.people.models import AgencyInvolvement, Child

from .confidentiality import is_member, review_for_user
from .models import (
    AgencyContribution,
    CaseReview,
    ContributionStatus,
    ReviewChild,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewStatus,
)


def manages_reviews(user: User) -> bool:
    return user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS)


def _refuse_unless_reads_reviews(user: User) -> None:
    """A role that sees no case review at all (data protection, system administration) is
    refused outright (403), as on the review's own page."""
    if not (
        user.has_masa_permission(Permission.VIEW_CASE_REVIEWS)
        or user.has_masa_permission(Permission.OVERSEE_CASE_REVIEWS)
    ):
        raise PermissionDenied


def review_for_group_page(user: User, review_id: int) -> CaseReview:
    """The review if the user may open its group page: a current member, or someone who runs
    the pipeline. Everyone else who reads reviews gets the 404 of a review that does not exist."""
    _refuse_unless_reads_reviews(user)
    review = review_for_user(user, review_id)
    if not (is_member(user, review) or manages_reviews(user)):
        raise Http404("No case review found")
    return review


def review_for_member(user: User, review_id: int) -> CaseReview:
    """The review if the user is in its review group now (the pack shows the children's names)."""
    _refuse_unless_reads_reviews(user)
    review = review_for_user(user, review_id)
    if not is_member(user, review):
        raise Http404("No case review found")
    return review


def current_members(review: CaseReview) -> list[ReviewGroupMember]:
    members = (
        ReviewGroupMember.objects.filter(review=review, removed_at__isnull=True)
        .select_related("user", "user__agency", "added_by")
        .order_by("added_at", "id")
    )
    # The lead first, then in the order people joined.
    return sorted(members, key=lambda member: member.role != ReviewGroupRole.LEAD)


def former_members(review: CaseReview) -> list[ReviewGroupMember]:
    return list(
        ReviewGroupMember.objects.filter(review=review, removed_at__isnull=False)
        .select_related("user", "user__agency")
        .order_by("-removed_at", "-id")
    )


def current_membership(user: User, review: CaseReview) -> ReviewGroupMember | None:
    return ReviewGroupMember.objects.filter(
        review=review, user_id=user.pk, removed_at__isnull=True
    ).first()


def member_of_review(review: CaseReview, member_id: int) -> ReviewGroupMember:
    member = (
        ReviewGroupMember.objects.filter(review=review, pk=member_id)
        .select_related("user", "user__agency")
        .first()
    )
    if member is None:
        raise Http404("No such member of the review group")
    return member


def users_who_may_be_added(review: CaseReview) -> QuerySet[User]:
    """Active users of the review's partnership who are not in the group now. Every role is
    listed: the service says why a role that cannot join is refused."""
    current = ReviewGroupMember.objects.filter(review=review, removed_at__isnull=True)
    return (
        User.objects.filter(agency__partnership_id=review.partnership_id, is_active=True)
        .exclude(pk__in=current.values("user_id"))
        .select_related("agency")
        .order_by("last_name", "first_name", "id")
    )


def linked_children(review: CaseReview) -> list[ReviewChild]:
    """The subject first, then siblings in the order they were linked."""
    return list(
        ReviewChild.objects.filter(review=review)
        .select_related("child")
        .order_by("-is_subject", "id")
    )


def partnership_child(partnership_id: int, child_id: int) -> Child | None:
    return Child.objects.filter(pk=child_id, partnership_id=partnership_id).first()


def next_sibling_name(review: CaseReview) -> str:
    """A suggested anonymised name for the next linked child: "Sibling 1", "Sibling 2"..."""
    taken = set(ReviewChild.objects.filter(review=review).values_list("anonymised_name", flat=True))
    number = 1
    while f"Sibling {number}" in taken:
        number += 1
    return f"Sibling {number}"


# ---------------------------------------------------------------- the pack


def chronology_as_known_on_incident(review: CaseReview) -> list[tuple[ReviewChild, ChronologyLine]]:
    """Every chronology line of the review's children as known at the end of the incident day,
    with corrections made since undone; oldest first."""
    found: list[tuple[ReviewChild, ChronologyLine]] = []
    for link in linked_children(review):
        found += [
            (link, line)
            for line in chronology_for(
                review.lead or review.referred_by,
                link.child,
                as_known_on=review.incident_date,
                every_agency=True,  # the review group's s16H information sharing
            )
        ]
    found.sort(key=lambda pair: (pair[1].occurred_on, pair[1].entry.recorded_at, pair[1].entry.pk))
    return found


def agencies_involved_by(review: CaseReview) -> set[int]:
    """Agencies recorded as working with any of the review's children by the incident date."""
    child_ids = ReviewChild.objects.filter(review=review).values("child_id")
    return set(
        AgencyInvolvement.objects.filter(
            child_id__in=child_ids, started_on__lte=review.incident_date
        ).values_list("agency_id", flat=True)
    )


def drafted_line(link: ReviewChild, line: ChronologyLine) -> dict[str, Any]:
    """One line as the pack keeps it: a copy, so later corrections do not rewrite the pack."""
    entry = line.entry
    return {
        "entry_id": entry.pk,
        "child_id": link.child_id,
        "child_anonymised_name": link.anonymised_name,
        "occurred_on": line.occurred_on.isoformat(),
        "recorded_on": line.recorded_on.isoformat(),
        "event_type": entry.event_type,
        "event_type_label": line.event_type_label,
        "significance": entry.significance,
        "significance_label": line.significance_label,
        "summary": line.summary,
        "source_agency_id": entry.source_agency_id,
        "source_agency": line.source_agency_name,
        "corrected_since": line.corrected_since,
    }


def draft_lines_by_agency(review: CaseReview) -> dict[int, list[dict[str, Any]]]:
    """Each agency's lines for its section of the pack; an agency involved with a child but with
    no line in the chronology gets an empty section to fill in."""
    sections: dict[int, list[dict[str, Any]]] = {
        agency_id: [] for agency_id in agencies_involved_by(review)
    }
    for link, line in chronology_as_known_on_incident(review):
        sections.setdefault(line.entry.source_agency_id, []).append(drafted_line(link, line))
    return sections


@dataclass(frozen=True)
class PackLine:
    """A drafted line as a member reads it on the pack."""

    child_name: str  # the real name (members only see the pack)
    child_anonymised_name: str
    occurred_on: dt.date
    recorded_on: dt.date
    event_type_label: str
    significance_label: str
    summary: str
    source_agency: str
    corrected_since: bool


def pack_lines(contribution: AgencyContribution, names: dict[int, str]) -> list[PackLine]:
    """``names``: the real name of each linked child by id (see ``child_names``)."""
    return [
        PackLine(
            child_name=names.get(item["child_id"], item["child_anonymised_name"]),
            child_anonymised_name=item["child_anonymised_name"],
            occurred_on=dt.date.fromisoformat(item["occurred_on"]),
            recorded_on=dt.date.fromisoformat(item["recorded_on"]),
            event_type_label=item["event_type_label"],
            significance_label=item["significance_label"],
            summary=item["summary"],
            source_agency=item["source_agency"],
            corrected_since=bool(item.get("corrected_since")),
        )
        for item in contribution.drafted_lines
    ]


def child_names(review: CaseReview) -> dict[int, str]:
    return {link.child_id: link.child.full_name for link in linked_children(review)}


def contributions(review: CaseReview) -> list[AgencyContribution]:
    return list(
        AgencyContribution.objects.filter(review=review)
        .select_related("agency", "confirmed_by")
        .order_by("agency__name", "id")
    )


def contribution_of_review(review: CaseReview, contribution_id: int) -> AgencyContribution:
    found = (
        AgencyContribution.objects.filter(review=review, pk=contribution_id)
        .select_related("agency", "confirmed_by")
        .first()
    )
    if found is None:
        raise Http404("No such section of the rapid review pack")
    return found


def status_text(contribution: AgencyContribution) -> str:
    """The section's status in words: "Drafted from the chronology" or "Confirmed by Police"."""
    if contribution.status == ContributionStatus.CONFIRMED:
        return f"Confirmed by {contribution.agency.name}"
    return str(ContributionStatus.DRAFTED.label)


def outstanding(sections: list[AgencyContribution]) -> list[AgencyContribution]:
    """The agencies yet to confirm their section."""
    return [s for s in sections if s.status != ContributionStatus.CONFIRMED]


def may_confirm(user: User, review: CaseReview, contribution: AgencyContribution) -> bool:
    """A current member from the section's agency, or the review's lead, confirms a section."""
    membership = current_membership(user, review)
    if membership is None or not user.has_masa_permission(Permission.VIEW_CASE_REVIEWS):
        return False
    return (
        user.agency_id == contribution.agency_id
        or review.lead_id == user.pk
        or membership.role == ReviewGroupRole.LEAD
    )


def pack_is_closed(review: CaseReview) -> bool:
    """Once the rapid review has gone to the Panel (or the review was withdrawn) the pack is the
    record of what the review saw: nothing in it changes."""
    return review.rapid_review_sent_on is not None or review.status == ReviewStatus.WITHDRAWN
