"""Placeholders for this part's rows of docs/permission-matrix.csv, made from real records.

Child K (Kira Holt's case) is a local child safeguarding practice review under way: notified,
rapid review sent, decided, commissioned, and paused for a criminal trial. Its review group is
the business manager, the health safeguarding practitioner and the team manager.
"""

from __future__ import annotations

import datetime as dt

from masa.reviews.models import (
    PanelResponse,
    PauseReason,
    ReviewCommission,
    ReviewDecision,
    ReviewPause,
    ReviewStatus,
)

from ..conftest import World
from ..reviews_factories import make_review


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    """``found`` holds the placeholders built before this part (e.g. "{review}")."""
    bm = world.users["business_manager"]
    review = make_review(
        world,
        status=ReviewStatus.COMMISSIONED,
        acknowledged_on=dt.date(2026, 3, 4),
        notifiable=True,
        notifiable_reason="Serious harm; neglect suspected.",
        notified_on=dt.date(2026, 3, 6),
        partners_told_on=dt.date(2026, 3, 6),
        rapid_review_meeting_on=dt.date(2026, 3, 17),
        rapid_review_sent_on=dt.date(2026, 3, 20),
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
        decision_reason="Two or more agencies did not work together effectively.",
        panel_response=PanelResponse.AGREES,
        panel_response_on=dt.date(2026, 4, 10),
        commissioning_notice_sent_on=dt.date(2026, 3, 24),
    )
    ReviewCommission.objects.create(
        review=review,
        reviewer_name="Independent Reviewer",
        commissioned_on=dt.date(2026, 5, 1),
        terms_of_reference="How agencies shared information about the baby.",
        methodology="Systems approach with a practitioner learning event.",
        family_involvement="The mother will be invited to contribute.",
        recorded_by=bm,
    )
    pause = ReviewPause.objects.create(
        review=review,
        reason=PauseReason.CRIMINAL_TRIAL,
        detail="Waiting for the criminal trial.",
        started_on=dt.date(2026, 6, 1),
        recorded_by=bm,
    )
    return {"{review}": str(review.pk), "{review_pause}": str(pause.pk)}
