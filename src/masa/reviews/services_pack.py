"""Writes for the review group and the rapid review pack.

The review group is who sees the children's names (``confidentiality``): the business unit adds
and removes members (rows are kept, with who, when and why) and links siblings to the review.
The pack is drafted from the children's chronology as it stood on the incident day, one section
per agency, which that agency's member then confirms and adds to. Each write is audited against
every child of the review, so a child's access report shows who was given sight of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import format_masa_id, govuk_date
from masa.core.services import ServiceError
from masa.journey.services import check_version

from . import selectors_pack as selectors
from .confidentiality import is_member
from .models import (
    AgencyContribution,
    CaseReview,
    ContributionStatus,
    ReviewChild,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewStatus,
)

REVIEW_GROUP_MEMBER = "review_group_member"
REVIEW_CHILD = "review_child"
RAPID_REVIEW_PACK = "rapid_review_pack"
S16H = "Information shared with the review group under Children Act 2004 s16H"


def _audit_each_child(
    *,
    actor: User,
    action: AuditAction,
    review: CaseReview,
    object_type: str,
    object_id: object,
    what: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """One audit record per child of the review (labelled by the review's anonymised name)."""
    child_ids: list[int | None] = list(
        ReviewChild.objects.filter(review=review).values_list("child_id", flat=True)
    )
    for child_id in child_ids or [None]:
        audit.record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=f"{what} ({review.anonymised_name})",
            child_id=child_id,
            before=before,
            after=after,
            reason=reason,
        )


def _refuse_unless_manager(actor: User) -> None:
    if not actor.has_masa_permission(Permission.MANAGE_CASE_REVIEWS):
        raise ServiceError("Only the partnership's business unit can change a review group")


def _refuse_if_withdrawn(review: CaseReview) -> None:
    if review.status == ReviewStatus.WITHDRAWN:
        when = f" on {govuk_date(review.withdrawn_on)}" if review.withdrawn_on else ""
        raise ServiceError(f"{review.anonymised_name} was withdrawn{when}: it can no longer change")


def _refuse_if_pack_closed(review: CaseReview) -> None:
    _refuse_if_withdrawn(review)
    if review.rapid_review_sent_on is not None:
        raise ServiceError(
            f"The rapid review was sent to the Panel on {govuk_date(review.rapid_review_sent_on)}:"
            " its pack is the record of what the review saw and can no longer change"
        )


# ---------------------------------------------------------------- the review group


def _plural(role_name: str) -> str:
    return f"{role_name}s"


def _refuse_unless_may_join(user: User) -> None:
    if not user.is_active:
        raise ServiceError(f"{user.display_name}'s account is not active", "user")
    if user.has_masa_permission(Permission.VIEW_CASE_REVIEWS):
        return
    role = _plural(user.role_definition.name)
    if user.has_masa_permission(Permission.OVERSEE_CASE_REVIEWS):
        raise ServiceError(
            f"{role} see reviews by their anonymised name only and cannot join a review group",
            "user",
        )
    raise ServiceError(f"{role} cannot see case reviews and cannot join a review group", "user")


def review_member_add(
    *, actor: User, review: CaseReview, user_id: int | None, role: str
) -> ReviewGroupMember:
    """Add a person to the review group: from now on they see the children's names and the pack.

    Only people whose role may see case reviews (VIEW_CASE_REVIEWS) can join; everyone else
    reads the review by its anonymised name."""
    _refuse_unless_manager(actor)
    _refuse_if_withdrawn(review)
    user = (
        User.objects.filter(pk=user_id, agency__partnership_id=review.partnership_id)
        .select_related("agency")
        .first()
        if user_id
        else None
    )
    if user is None:
        raise ServiceError("Select the person to add to the review group", "user")
    if role not in ReviewGroupRole.values:
        raise ServiceError("Select their role in the review group", "role")
    _refuse_unless_may_join(user)
    already = f"{user.display_name} is already in the review group"
    if selectors.current_membership(user, review) is not None:
        raise ServiceError(already, "user")
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = ReviewGroupMember.objects.create(
                    review=review, user=user, role=role, added_by=actor
                )
        except IntegrityError:
            raise ServiceError(already, "user") from None  # a colleague added them first
        _audit_each_child(
            actor=actor,
            action=AuditAction.CREATE,
            review=review,
            object_type=REVIEW_GROUP_MEMBER,
            object_id=member.pk,
            what=f"{user.display_name} joined the review group as "
            f"{ReviewGroupRole(role).label.lower()}",
            after={"user": user.pk, "role": role},
            reason=S16H,
        )
    return member


def review_member_remove(
    *, actor: User, review: CaseReview, member: ReviewGroupMember, reason: str
) -> ReviewGroupMember:
    """Take a person out of the review group, with a reason. They lose sight of the children's
    names and the pack at once; the row stays, so the group's history can be read."""
    _refuse_unless_manager(actor)
    name = member.user.display_name
    why = reason.strip()
    if not why:
        raise ServiceError(f"Enter why {name} is leaving the review group", "reason")
    with transaction.atomic():
        current = ReviewGroupMember.objects.select_for_update().get(pk=member.pk, review=review)
        if current.removed_at is not None:
            left_on = govuk_date(current.removed_at)
            raise ServiceError(f"{name} left the review group on {left_on}")
        now = timezone.now()
        ReviewGroupMember.objects.filter(pk=current.pk).update(removed_at=now, removed_reason=why)
        _audit_each_child(
            actor=actor,
            action=AuditAction.UPDATE,
            review=review,
            object_type=REVIEW_GROUP_MEMBER,
            object_id=current.pk,
            what=f"{name} left the review group",
            before={"removed_at": None},
            after={"removed_at": now.isoformat()},
            reason=why,
        )
    current.refresh_from_db()
    return current


def _contains_name(text: str, child_first: str, child_last: str) -> bool:
    for name in (child_first, child_last):
        name = name.strip()
        if len(name) > 1 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            return True
    return False


def review_child_add(
    *, actor: User, review: CaseReview, child_id: int | None, anonymised_name: str
) -> ReviewChild:
    """Link another child (a sibling) to the review, with the name the review's papers give them.

    Any child of the partnership can be linked by masa ID: the business unit acts for the
    partners under Children Act 2004 s16H, not through an agency's involvement with the child."""
    _refuse_unless_manager(actor)
    _refuse_if_withdrawn(review)
    if child_id is None:
        raise ServiceError("Enter the child's masa ID", "child")
    masa_id = format_masa_id(child_id)
    child = selectors.partnership_child(review.partnership_id, child_id)
    if child is None:
        raise ServiceError(f"No child in this partnership has the masa ID {masa_id}", "child")
    if child.merged_into_id is not None:
        raise ServiceError(
            f"{masa_id} was merged into {format_masa_id(child.merged_into_id)}: enter that masa ID",
            "child",
        )
    name = " ".join(anonymised_name.split())
    if not name:
        raise ServiceError(
            "Enter the name the child will have in the review, for example Sibling 1",
            "anonymised_name",
        )
    if _contains_name(name, child.first_name, child.last_name):
        raise ServiceError(
            "The anonymised name must not contain the child's name", "anonymised_name"
        )
    linked = ReviewChild.objects.filter(review=review)
    already = f"{masa_id} is already linked to this review"
    if linked.filter(child=child).exists():
        raise ServiceError(already, "child")
    if linked.filter(anonymised_name__iexact=name).exists():
        raise ServiceError(
            f"Another child in this review is already called {name}", "anonymised_name"
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                link = ReviewChild.objects.create(
                    review=review, child=child, is_subject=False, anonymised_name=name
                )
        except IntegrityError:
            raise ServiceError(already, "child") from None
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=REVIEW_CHILD,
            object_id=link.pk,
            object_label=f"Linked to case review {review.anonymised_name} as {name}",
            child_id=child.pk,
            after={"review": review.pk, "anonymised_name": name, "is_subject": False},
            reason=S16H,
        )
    return link


# ---------------------------------------------------------------- the rapid review pack


@dataclass(frozen=True)
class DraftResult:
    drafted: list[AgencyContribution]  # sections (re)drafted from the chronology
    kept: list[AgencyContribution]  # sections already confirmed, left as their agency wrote them


def pack_draft(
    *, actor: User, review: CaseReview, version: int | None, agency_id: int | None = None
) -> DraftResult:
    """Draft the pack: one section per agency that holds chronology lines about the review's
    children, or was working with them, as known at the end of the incident day.

    Drafting again refreshes the sections not yet confirmed (after a sibling is linked, say);
    confirmed sections are kept as their agency confirmed them. ``agency_id`` re-drafts one
    section, which is refused if that agency has confirmed it. ``version`` is the review's
    version the user saw (two people drafting at once: the second is refused)."""
    _refuse_unless_manager(actor)
    if not is_member(actor, review):
        raise ServiceError(
            "Only members of the review group can draft the pack, as it shows the children's "
            "names: add yourself to the review group first"
        )
    _refuse_if_pack_closed(review)
    sections = selectors.draft_lines_by_agency(review)
    with transaction.atomic():
        check_version(CaseReview, review.pk, version)
        existing = {
            c.agency_id: c
            for c in AgencyContribution.objects.select_for_update()
            .filter(review=review)
            .select_related("agency")
        }
        if agency_id is not None:
            current = existing.get(agency_id)
            if current is None:
                raise ServiceError("That agency has no section in this pack")
            if current.status == ContributionStatus.CONFIRMED:
                raise ServiceError(
                    f"{current.agency.name} confirmed its section on "
                    f"{govuk_date(current.confirmed_at)}: a confirmed section "
                    "cannot be re-drafted"
                )
            sections = {agency_id: sections.get(agency_id, [])}
        else:
            # A drafted section whose agency no longer appears (the incident date was corrected
            # to an earlier day, say) is emptied rather than deleted.
            for other in existing:
                sections.setdefault(other, [])
        if not sections:
            raise ServiceError(
                "No agency held anything in the chronology of the review's children by the end "
                f"of {govuk_date(review.incident_date)}, and none was recorded as working with "
                "them: there is nothing to draft"
            )
        kept = [
            existing[a]
            for a in sections
            if a in existing and existing[a].status == ContributionStatus.CONFIRMED
        ]
        if kept and len(kept) == len(sections):
            raise ServiceError(
                "Every agency has confirmed its section: a confirmed section cannot be re-drafted"
            )
        drafted = []
        now = timezone.now()
        for section_agency, lines in sections.items():
            current = existing.get(section_agency)
            if current is None:
                drafted.append(
                    AgencyContribution.objects.create(
                        review=review,
                        agency_id=section_agency,
                        as_known_on=review.incident_date,
                        drafted_lines=lines,
                    )
                )
            elif current.status != ContributionStatus.CONFIRMED:
                current.drafted_lines = lines
                current.as_known_on = review.incident_date
                current.drafted_at = now
                current.version += 1
                current.save(
                    update_fields=["drafted_lines", "as_known_on", "drafted_at", "version"]
                )
                drafted.append(current)
        _audit_each_child(
            actor=actor,
            action=AuditAction.CREATE if not existing else AuditAction.UPDATE,
            review=review,
            object_type=RAPID_REVIEW_PACK,
            object_id=review.pk,
            what="Rapid review pack drafted from the chronology as known on "
            f"{govuk_date(review.incident_date)}",
            after={
                "drafted": sorted(c.agency_id for c in drafted),
                "kept": sorted(c.agency_id for c in kept),
                "lines": sum(len(c.drafted_lines) for c in drafted),
            },
            reason=S16H,
        )
    return DraftResult(drafted=drafted, kept=kept)


CONTRIBUTION_FIELDS = (
    "status",
    "involvement_summary",
    "additional_information",
    "immediate_actions",
    "learning_identified",
    "confirmed_by",
    "confirmed_at",
)


def _short(value: object) -> object:
    return value[:500] if isinstance(value, str) else value


def contribution_confirm(
    *,
    actor: User,
    contribution: AgencyContribution,
    involvement_summary: str,
    additional_information: str = "",
    immediate_actions: str = "",
    learning_identified: str = "",
    version: int | None,
) -> AgencyContribution:
    """The agency confirms its section and adds what the chronology does not hold. Saving again
    later changes what it wrote (the section stays confirmed, by the latest person)."""
    review = contribution.review
    _refuse_if_pack_closed(review)
    agency = contribution.agency.name
    if not selectors.may_confirm(actor, review, contribution):
        raise ServiceError(
            f"Only a member of the review group from {agency}, or the review's lead, can "
            f"confirm {agency}'s section"
        )
    summary = involvement_summary.strip()
    if not summary:
        raise ServiceError(
            f"Enter a summary of {agency}'s involvement with the child and family",
            "involvement_summary",
        )
    with transaction.atomic():
        check_version(AgencyContribution, contribution.pk, version)
        before = audit.snapshot(contribution, CONTRIBUTION_FIELDS)
        AgencyContribution.objects.filter(pk=contribution.pk).update(
            status=ContributionStatus.CONFIRMED,
            involvement_summary=summary,
            additional_information=additional_information.strip(),
            immediate_actions=immediate_actions.strip(),
            learning_identified=learning_identified.strip(),
            confirmed_by=actor,
            confirmed_at=timezone.now(),
        )
        contribution.refresh_from_db()
        after = audit.snapshot(contribution, CONTRIBUTION_FIELDS)
        changed = audit.changed_fields(before, after)
        _audit_each_child(
            actor=actor,
            action=AuditAction.UPDATE,
            review=review,
            object_type=RAPID_REVIEW_PACK,
            object_id=review.pk,
            what=f"{agency}'s section of the rapid review pack confirmed",
            before={name: _short(before[name]) for name in changed},
            after={name: _short(after[name]) for name in changed},
        )
    return contribution


def pack_view_record(*, actor: User, review: CaseReview) -> None:
    """The pack shows the children's names and chronology: each viewing is audited per child."""
    _audit_each_child(
        actor=actor,
        action=AuditAction.VIEW,
        review=review,
        object_type=RAPID_REVIEW_PACK,
        object_id=review.pk,
        what="Rapid review pack viewed",
        reason=S16H,
    )
