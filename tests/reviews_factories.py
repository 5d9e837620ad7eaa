"""Case review records for tests, made directly (no services), so any test can start from any
stage. The review's group: the business manager (lead), the health safeguarding practitioner
(health's representative) and the team manager (children's social care); nobody else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masa.core.models import AgencyKind
from masa.people.models import Child
from masa.reviews.models import (
    CaseReview,
    HarmOutcome,
    ReviewChild,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewStatus,
)

from .conftest import World

REVIEW_GROUP = {
    "business_manager": ReviewGroupRole.LEAD,
    "health_safeguarding_practitioner": ReviewGroupRole.AGENCY_REPRESENTATIVE,
    "team_manager": ReviewGroupRole.AGENCY_REPRESENTATIVE,
}


def make_review(
    world: World,
    *,
    child: Child | None = None,
    anonymised_name: str = "Child K",
    incident_date: dt.date = dt.date(2026, 3, 2),
    status: str = ReviewStatus.REFERRED,
    members: dict[str, str] | None = None,
    **fields: Any,
) -> CaseReview:
    bm = world.users["business_manager"]
    review = CaseReview.objects.create(
        partnership=world.partnership,
        anonymised_name=anonymised_name,
        status=status,
        referred_by=world.users["health_safeguarding_practitioner"],
        referring_agency=world.agencies[AgencyKind.HEALTH],
        referred_on=fields.pop("referred_on", incident_date + dt.timedelta(days=1)),
        incident_date=incident_date,
        aware_on=fields.pop("aware_on", incident_date + dt.timedelta(days=1)),
        harm_outcome=fields.pop("harm_outcome", HarmOutcome.SERIOUS_HARM),
        referral_reason=fields.pop("referral_reason", "Serious injury to a baby, aged 4 months."),
        lead=bm,
        **fields,
    )
    ReviewChild.objects.create(
        review=review,
        child=child or world.child,
        is_subject=True,
        anonymised_name=anonymised_name,
    )
    for role, group_role in (REVIEW_GROUP if members is None else members).items():
        ReviewGroupMember.objects.create(
            review=review, user=world.users[role], role=group_role, added_by=bm
        )
    return review
