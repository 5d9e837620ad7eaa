"""Reads of children, always scoped to the asking user.

A user sees a child when their agency is involved with the child (an open involvement or the
owning team's agency), or through an unexpired access grant or break-glass. A MASH practitioner
also sees a child while a contact about the child awaits its threshold decision. A restricted child
is seen only by its allocated worker, the members of its owning team and holders of a grant or
break-glass. A merged record is seen by nobody (its URL leads to the record kept). Anything else
is answered exactly as if the child did not exist (Http404), so scope never leaks existence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from masa.core.models import AgencyKind, AuditAction, AuditEvent, Team, User
from masa.core.permissions import Permission
from masa.core.selectors import break_glass_record_ids, exceptional_record_ids

from . import search
from .identifiers import OUTWARD_CODE
from .models import Address, AgencyInvolvement, Child, FamilyMember, PersonSearchKey, Relationship

RECORD_TYPE = "child"


def children_visible_to(user: User) -> QuerySet[Child]:
    """Every child the user may see now, as one set-based query (no per-row checks)."""
    if not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS) or user.agency_id is None:
        return Child.objects.none()
    today = timezone.localdate()
    involved = AgencyInvolvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today),
        agency_id=user.agency_id,
        started_on__lte=today,
    ).values("child_id")
    own_agency_teams = Team.objects.filter(agency_id=user.agency_id).values("pk")
    by_agency = Q(owning_team_id__in=own_agency_teams) | Q(pk__in=involved)
    if user.has_masa_permission(Permission.ADD_AGENCY_CHECKS):
        # A MASH practitioner screens contacts about children their own agency may not know
        # yet: while a contact awaits its threshold decision, the child is in their scope.
        from masa.frontdoor.models import Contact  # the front door builds on people

        by_agency |= Q(pk__in=Contact.objects.filter(decision="").values("child_id"))
    # Restricted records: only the people closest to the child, named below.
    closest = Q(allocated_worker_id=user.pk)
    if user.team_id is not None:
        closest |= Q(owning_team_id=user.team_id)
    exceptional = Q(pk__in=exceptional_record_ids(user, RECORD_TYPE)) | Q(
        pk__in=break_glass_record_ids(user, RECORD_TYPE)
    )
    return Child.objects.filter(
        (Q(is_restricted=False) & by_agency) | closest | exceptional,
        partnership_id=user.partnership_id,
        merged_into__isnull=True,
    ).select_related("owning_team", "owning_team__agency", "allocated_worker")


def child_for_user(user: User, child_id: int) -> Child:
    """The child if the user may see it; otherwise the same 404 as a child that does not exist."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No child found")
    return child


def kept_child_id(user: User, child_id: int) -> int | None:
    """For a merged record: the record it was merged into, if the user may see that one."""
    kept = (
        Child.objects.filter(pk=child_id, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    if kept is None or not children_visible_to(user).filter(pk=kept).exists():
        return None
    return kept


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


def front_door_team(partnership_id: int) -> Team | None:
    """The partnership's first local authority team, taken to be its front door (MASH).

    Assumption: the local authority's front door is the first LA team set up (as in the demo
    borough, where it is "Front Door (MASH)"); a setting can replace this when partnerships
    configure their front door.
    """
    return (
        Team.objects.filter(
            agency__partnership_id=partnership_id, agency__kind=AgencyKind.LOCAL_AUTHORITY
        )
        .order_by("pk")
        .first()
    )


# ---------------------------------------------------------------- search


def _name_matches(query: search.NameQuery) -> tuple[Q, dict[str, Any]]:
    """The HAVING condition and the annotations of a name search over PersonSearchKey rows.

    Each typed word gets three conditional counts (phonetic key, sounds in any order,
    trigrams); every word must match.
    """
    key, counted = "key__in", "pk"
    annotations: dict[str, Any] = {}
    matched = Q()
    score: Any = Value(0)
    for i, token in enumerate(query.tokens):
        grams = f"word{i}_grams"
        annotations[grams] = Count(counted, filter=Q(**{key: sorted(token.grams)}))
        word_matches = Q(**{f"{grams}__gte": token.min_grams})
        score += F(grams)
        if token.phonetic:
            sound, sounds = f"word{i}_sound", f"word{i}_sounds"
            annotations[sound] = Count(counted, filter=Q(**{key: [token.phonetic]}))
            annotations[sounds] = Count(counted, filter=Q(**{key: [token.sounds]}))
            word_matches |= Q(**{f"{sound}__gte": 1}) | Q(**{f"{sounds}__gte": 1})
            score += F(sound) * 3 + F(sounds)
        matched &= word_matches
    annotations["score"] = score
    return matched, annotations


def _postcode_children(parsed: search.ParsedQuery) -> QuerySet[Address, Any] | None:
    if parsed.postcode:
        return Address.objects.filter(postcode=parsed.postcode).values("child_id")
    if parsed.outward_code and OUTWARD_CODE.fullmatch(parsed.outward_code):
        return Address.objects.filter(postcode__startswith=f"{parsed.outward_code} ").values(
            "child_id"
        )
    return None


def search_children(user: User, query: str) -> QuerySet[Child]:
    """Children the user can see matching what they typed, best match first.

    The text may hold a name (typos allowed), dates of birth, an NHS number, a UPN, a postcode
    (current or past address) or a masa ID, in any mix; every part given must match.
    """
    children = children_visible_to(user)
    if not query.strip():
        return children
    parsed = search.parse_query(query)
    if parsed.is_empty:
        return children.none()
    if parsed.masa_id is not None:
        children = children.filter(pk=parsed.masa_id)
    if parsed.nhs_number:
        children = children.filter(nhs_number=parsed.nhs_number)
    if parsed.upn:
        children = children.filter(upn=parsed.upn)
    if parsed.dates:
        children = children.filter(
            Q(date_of_birth__in=parsed.dates) | Q(expected_date_of_birth__in=parsed.dates)
        )
    at_postcode = _postcode_children(parsed)
    if at_postcode is not None:
        children = children.filter(pk__in=at_postcode)
    names = search.name_query(*parsed.names)
    if names is None:
        return children
    return (
        children.filter(pk__in=_children_matching(names))
        .annotate(score=_score(names))
        .order_by("-score", "last_name", "first_name", "pk")
    )


def _children_matching(
    names: search.NameQuery, among: QuerySet[Child, Any] | None = None
) -> QuerySet[PersonSearchKey, Any]:
    """Ids of children whose keys match every typed word (grouped over the key index only),
    optionally only among the given children."""
    matched, annotations = _name_matches(names)
    keys = PersonSearchKey.objects.filter(key__in=sorted(names.keys))
    if among is not None:
        keys = keys.filter(child_id__in=among)
    return keys.values("child_id").annotate(**annotations).filter(matched).values("child_id")


def _score(names: search.NameQuery) -> Subquery:
    """How well each found child matches, for ordering: read from that child's own keys."""
    _, annotations = _name_matches(names)
    return Subquery(
        PersonSearchKey.objects.filter(child_id=OuterRef("pk"), key__in=sorted(names.keys))
        .values("child_id")
        .annotate(**annotations)
        .values("score")  # type: ignore[misc]  # an annotation django-stubs cannot see
    )


@dataclass(frozen=True)
class Duplicates:
    """Records that may be the same child: those the user can see, and how many they cannot."""

    visible: list[Child]
    hidden_count: int

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


def likely_duplicates(
    user: User,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    expected_date_of_birth: dt.date | None = None,
    nhs_number: str = "",
    upn: str = "",
    exclude_id: int | None = None,
) -> Duplicates:
    """Records across the partnership with the same NHS number, the same UPN, or a similar
    name and the same (expected) date of birth. One query; merged records are left out."""
    # Each way of matching is its own indexed look-up; their union drives the query.
    in_partnership = Child.objects.filter(partnership_id=user.partnership_id).order_by()
    ways: list[QuerySet[Any, Any]] = []
    if nhs_number:
        ways.append(in_partnership.filter(nhs_number=nhs_number).values("pk"))
    if upn:
        ways.append(in_partnership.filter(upn=upn).values("pk"))
    names = search.name_query(first_name, last_name)
    born: Q | None = None
    if date_of_birth:
        born = Q(date_of_birth=date_of_birth)
    elif expected_date_of_birth:
        born = Q(expected_date_of_birth=expected_date_of_birth)
    if names is not None and born is not None:
        # The few children born that day, then their names' keys.
        ways.append(_children_matching(names, among=in_partnership.filter(born).values("pk")))
    if not ways:
        return Duplicates(visible=[], hidden_count=0)
    candidates = Child.objects.filter(
        pk__in=ways[0].union(*ways[1:]) if len(ways) > 1 else ways[0],
        merged_into__isnull=True,
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    if not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS):
        return Duplicates(visible=[], hidden_count=candidates.count())
    visible = children_visible_to(user).filter(pk=OuterRef("pk"))
    rows = list(
        candidates.annotate(visible=Exists(visible))
        .select_related("owning_team")
        .order_by("last_name", "first_name", "pk")[:50]
    )
    return Duplicates(
        visible=[child for child in rows if child.visible],
        hidden_count=sum(1 for child in rows if not child.visible),
    )


# ---------------------------------------------------------------- family and addresses


def relationships_of(child: Child) -> QuerySet[Relationship]:
    """Everyone related to the child: family members, and other children either way round."""
    return (
        Relationship.objects.filter(Q(child=child) | Q(other_child=child))
        .select_related("family_member", "other_child", "child")
        .order_by(Coalesce("ended_on", Value(dt.date.max)).desc(), "kind", "pk")
    )


def relationship_of(child: Child, relationship_id: int) -> Relationship:
    """One relationship of a child (whom the caller has checked the user can see), or 404."""
    found = relationships_of(child).filter(pk=relationship_id).first()
    if found is None:
        raise Http404("No relationship found")
    return found


def known_family_members(user: User, child: Child) -> QuerySet[FamilyMember]:
    """Family members already recorded for children related to this one (to link, not retype).

    Only family members of children the user can see are offered.
    """
    related = Relationship.objects.filter(
        Q(child=child) | Q(other_child=child), other_child__isnull=False
    )
    related_ids = {child.pk} | {
        pk for pair in related.values_list("child_id", "other_child_id") for pk in pair if pk
    }
    visible_related = children_visible_to(user).filter(pk__in=related_ids).values("pk")
    return (
        FamilyMember.objects.filter(relationships__child__in=visible_related)
        .exclude(relationships__child=child)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def addresses_of(child: Child) -> QuerySet[Address]:
    return Address.objects.filter(child=child).order_by("-from_date", "-pk")


def current_address(child: Child) -> Address | None:
    return Address.objects.filter(child=child, to_date__isnull=True).first()


# ---------------------------------------------------------------- audit


RECORD_VIEW_ACTIONS = (AuditAction.VIEW, AuditAction.BREAK_GLASS, AuditAction.EXPORT)


def merged_record_ids(child: Child) -> list[int]:
    """Ids of the records merged into this one (merges are kept flat: see child_merge)."""
    return list(Child.objects.filter(merged_into=child).values_list("pk", flat=True))


def child_record_views(child: Child) -> QuerySet[AuditEvent]:
    """Who has viewed a child's record, including the records merged into it, newest first."""
    return AuditEvent.objects.filter(
        child_id__in=[child.pk, *merged_record_ids(child)], action__in=RECORD_VIEW_ACTIONS
    ).select_related("actor", "actor__agency")
