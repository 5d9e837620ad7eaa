"""Who may see which review, and who may see who the children are.

The one place these rules live (views, selectors and exports call these; nothing else decides):

* A review is *visible* to a user of its partnership who is a current member of its review group,
  or who holds ``OVERSEE_CASE_REVIEWS`` (business unit, scrutineer, analyst).
* The children's real names, the rapid review pack and the chronology it draws on are shown only to
  current review group members. Everyone else sees the anonymised name ("Child K").
* ``redact`` takes the children's and their family members' names, and the review's own
  redaction terms, out of text before it is published or put in a briefing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from masa.core.access import requires_any
from masa.core.models import User
from masa.core.permissions import Permission
from masa.people.models import Relationship

from .models import CaseReview, RedactionTerm, ReviewChild, ReviewGroupMember

# The access rule of every page that shows a review: review group members (VIEW_CASE_REVIEWS)
# and those who oversee every review (OVERSEE_CASE_REVIEWS). Which reviews, and whose names, is
# then for the functions below to say.
reads_reviews = requires_any(Permission.VIEW_CASE_REVIEWS, Permission.OVERSEE_CASE_REVIEWS)


def _current_membership(user: User) -> QuerySet[ReviewGroupMember]:
    return ReviewGroupMember.objects.filter(user_id=user.pk, removed_at__isnull=True)


def reviews_visible_to(user: User) -> QuerySet[CaseReview]:
    """Every review the user may open (by anonymised name at least), as one query."""
    base = CaseReview.objects.filter(partnership_id=user.partnership_id)
    if user.has_masa_permission(Permission.OVERSEE_CASE_REVIEWS):
        return base
    if not user.has_masa_permission(Permission.VIEW_CASE_REVIEWS):
        return base.none()
    member = _current_membership(user).filter(review_id=OuterRef("pk"))
    return base.filter(Exists(member))


def review_for_user(user: User, review_id: int) -> CaseReview:
    """The review if the user may open it; otherwise the same 404 as one that does not exist."""
    review = reviews_visible_to(user).filter(pk=review_id).first()
    if review is None:
        raise Http404("No case review found")
    return review


def is_member(user: User, review: CaseReview) -> bool:
    return (
        user.has_masa_permission(Permission.VIEW_CASE_REVIEWS)
        and _current_membership(user).filter(review_id=review.pk).exists()
    )


def sees_names(user: User, review: CaseReview) -> bool:
    """Whether the user may see who the children are (and the pack and its chronology)."""
    return is_member(user, review)


def member_review_ids(user: User) -> set[int]:
    """The reviews whose children the user may see by name (one query, for list pages)."""
    if not user.has_masa_permission(Permission.VIEW_CASE_REVIEWS):
        return set()
    return set(_current_membership(user).values_list("review_id", flat=True))


def names_to_redact(review: CaseReview) -> list[tuple[str, str]]:
    """(name, replacement) pairs: each child's and family member's names (with the children
    related to them who are not in the review), then the review's own redaction terms. Longest
    first, so "Jay Moss" goes before "Jay"."""
    pairs: list[tuple[str, str]] = []
    links = ReviewChild.objects.filter(review=review).select_related("child")
    child_ids = []
    for link in links:
        child = link.child
        child_ids.append(child.pk)
        full = f"{child.first_name} {child.last_name}"
        pairs += [
            (full, link.anonymised_name),
            (child.first_name, link.anonymised_name),
            (child.last_name, "[family name]"),
        ]
    relatives = Relationship.objects.filter(
        Q(child_id__in=child_ids), family_member__isnull=False
    ).select_related("family_member")
    for relation in relatives:
        person = relation.family_member
        assert person is not None
        label = f"[{relation.get_kind_display().lower()}]"
        pairs += [(f"{person.first_name} {person.last_name}", label), (person.first_name, label)]
        pairs.append((person.last_name, "[family name]"))
    # Brothers, sisters and other children with their own record who are not linked to the
    # review: their names come out too (a linked child is named by its anonymised name above).
    linked = set(child_ids)
    related_children = Relationship.objects.filter(
        Q(child_id__in=child_ids) | Q(other_child_id__in=child_ids), other_child__isnull=False
    ).select_related("child", "other_child")
    for relation in related_children:
        review_child_id = (
            relation.child_id if relation.child_id in linked else relation.other_child_id
        )
        assert review_child_id is not None
        other = relation.person_seen_from(review_child_id)
        if other is None or other.pk in linked:
            continue
        label = f"[{relation.kind_seen_from(review_child_id).lower()}]"
        pairs += [(f"{other.first_name} {other.last_name}", label), (other.first_name, label)]
        pairs.append((other.last_name, "[family name]"))
    for term in RedactionTerm.objects.filter(review=review):
        pairs.append((term.term, term.replacement))
    unique = {name.strip(): replacement for name, replacement in pairs if len(name.strip()) > 1}
    return sorted(unique.items(), key=lambda pair: -len(pair[0]))


def redact(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    """Replace each name as a whole word, ignoring case."""
    for name, replacement in pairs:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(replacement, text)
    return text
