"""Reads of children, always scoped to the asking user.

A user sees a child when their agency is involved with the child (an open involvement or the
owning team's agency), or through an unexpired access grant or break-glass. Anything else is
answered exactly as if the child did not exist (Http404), so scope never leaks existence.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masa.core.models import User
from masa.core.permissions import Permission
from masa.core.presenters import parse_masa_id
from masa.core.selectors import break_glass_record_ids, exceptional_record_ids

from .models import Child

RECORD_TYPE = "child"


def children_visible_to(user: User) -> QuerySet[Child]:
    if not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS) or user.agency is None:
        return Child.objects.none()
    today = timezone.localdate()
    by_agency = Q(owning_team__agency_id=user.agency_id) | Q(
        Q(involvements__ended_on__isnull=True) | Q(involvements__ended_on__gte=today),
        involvements__agency_id=user.agency_id,
        involvements__started_on__lte=today,
    )
    exceptional = Q(pk__in=exceptional_record_ids(user, RECORD_TYPE)) | Q(
        pk__in=break_glass_record_ids(user, RECORD_TYPE)
    )
    visible_ids = Child.objects.filter(
        Q(partnership_id=user.agency.partnership_id) & (by_agency | exceptional)
    ).values("pk")
    return Child.objects.filter(pk__in=visible_ids).select_related(
        "owning_team", "owning_team__agency", "allocated_worker"
    )


def child_for_user(user: User, child_id: int) -> Child:
    """The child if the user may see it; otherwise the same 404 as a child that does not exist."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No child found")
    return child


def child_in_partnership(user: User, child_id: int) -> Child | None:
    """For break-glass and DPO reports only: the child regardless of agency involvement."""
    return (
        Child.objects.filter(pk=child_id, partnership_id=user.partnership_id)
        .select_related("owning_team", "allocated_worker")
        .first()
    )


def child_owners(child: Child) -> list[User]:
    """Who is alerted about emergency access: the allocated worker and the team's managers."""
    owners = list(User.objects.filter(team=child.owning_team, role="team_manager", is_active=True))
    if child.allocated_worker is not None:
        owners.append(child.allocated_worker)
    return owners


def search_children(user: User, query: str) -> QuerySet[Child]:
    children = children_visible_to(user)
    query = query.strip()
    if not query:
        return children
    child_id = parse_masa_id(query) if query[:1].upper() == "C" else None
    if child_id is not None:
        return children.filter(pk=child_id)
    terms = query.split()
    for term in terms:
        children = children.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return children
