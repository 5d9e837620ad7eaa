"""Builders for care records in tests, shared by the care test modules (keep names stable).

``make_*`` write rows directly so a test can set up any past situation; ``place`` goes through
the service, as a worker placing a child would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from masa.care.models import (
    Carer,
    CareReview,
    CarerKind,
    Episode,
    HealthAndEducationEvent,
    PostcodeCentroid,
)
from masa.care.services_looked_after import Placement, child_placed
from masa.core.models import Partnership, User
from masa.journey.models import Case
from masa.people.models import Child


def make_centroid(
    postcode: str, latitude: str, longitude: str, local_authority_code: str = ""
) -> PostcodeCentroid:
    return PostcodeCentroid.objects.create(
        postcode=postcode,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        local_authority_code=local_authority_code,
        source="test",
    )


def make_carer(
    partnership: Partnership,
    *,
    name: str = "Pat and Sam Rivers",
    kind: str = CarerKind.FOSTER_CARER,
    provider_code: str = "PR1",
    postcode: str = "",
    urn: str = "",
) -> Carer:
    return Carer.objects.create(
        partnership=partnership,
        name=name,
        kind=kind,
        provider_code=provider_code,
        postcode=postcode,
        urn=urn,
    )


def make_episode(
    child: Child,
    *,
    started_on: dt.date,
    rne: str = "S",
    legal_status: str = "C2",
    placement_type: str = "U4",
    ended_on: dt.date | None = None,
    reason_ceased: str = "",
    case: Case | None = None,
    **fields: Any,
) -> Episode:
    values: dict[str, Any] = {
        "child": child,
        "case": case,
        "started_on": started_on,
        "reason_new_episode": rne,
        "legal_status": legal_status,
        "category_of_need": "N1",
        "placement_type": placement_type,
        "placement_provider": "PR1",
        "ended_on": ended_on,
        "reason_ceased": reason_ceased,
    }
    values.update(fields)
    return Episode.objects.create(**values)


def make_review(
    child: Child, *, held_on: dt.date, participation: str = "PN1", chaired_by: User | None = None
) -> CareReview:
    return CareReview.objects.create(
        child=child, held_on=held_on, participation=participation, chaired_by=chaired_by
    )


def make_health_event(child: Child, *, kind: str, done_on: dt.date) -> HealthAndEducationEvent:
    return HealthAndEducationEvent.objects.create(child=child, kind=kind, done_on=done_on)


def place(
    child: Child,
    actor: User,
    *,
    started_on: dt.date,
    legal_status: str = "C1",
    category_of_need: str = "N1",
    placement_type: str = "U4",
    placement_provider: str = "PR1",
    carer: Carer | None = None,
    placement_postcode: str = "NB9 9ZZ",
    home_postcode: str = "NB1 2AB",
    urn: str = "",
    reason: str = "Interim care order granted",
) -> Episode:
    """Place the child through the service (the case opens or moves to "Looked after"), with
    postcodes as the DfE expects them."""
    return child_placed(
        actor=actor,
        child=child,
        started_on=started_on,
        legal_status=legal_status,
        category_of_need=category_of_need,
        placement=Placement(placement_type, placement_provider, carer, placement_postcode, urn),
        home_postcode=home_postcode,
        reason=reason,
    )
