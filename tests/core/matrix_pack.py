"""Placeholders for this part's rows of docs/permission-matrix.csv, made from real records.

Child P is a review of its own (the pipeline's Child K has already gone to the Panel, so its pack
is closed): its group is the business manager (lead), the health safeguarding practitioner and
the team manager, and its pack is drafted, one section per agency working with the child.
"""

from __future__ import annotations

from masa.reviews.models import ReviewGroupMember
from masa.reviews.services_pack import pack_draft

from ..conftest import World
from ..reviews_factories import make_review


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    """``found`` holds the placeholders built before this part (e.g. "{review}")."""
    review = make_review(world, anonymised_name="Child P")
    drafted = pack_draft(actor=world.users["business_manager"], review=review, version=None)
    member = ReviewGroupMember.objects.get(review=review, user=world.users["team_manager"])
    return {
        "{pack_review}": str(review.pk),
        "{contribution}": str(drafted.drafted[0].pk),
        "{member}": str(member.pk),
    }
