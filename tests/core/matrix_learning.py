"""Placeholders for this part's rows of docs/permission-matrix.csv, made from real records.

Child L's review (its own, so these rows do not depend on the pipeline's records) has a learning
theme, a finding, a recommendation, a draft briefing and an approved one. Its review group is
make_review's: the business manager, the health safeguarding practitioner and the team manager.
"""

from __future__ import annotations

from masa.reviews.services_learning import (
    briefing_generate,
    briefing_update,
    finding_add,
    recommendation_add,
    theme_add,
)

from ..conftest import World
from ..reviews_factories import make_review


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    """``found`` holds the placeholders built before this part (e.g. "{review}")."""
    bm = world.users["business_manager"]
    review = make_review(world, anonymised_name="Child L")
    theme = theme_add(actor=bm, name="Information sharing")
    finding = finding_add(
        actor=bm, review=review, title="Agencies did not share", detail="D", themes=[theme]
    )
    recommendation = recommendation_add(
        actor=bm, review=review, text="Share within a day.", finding=finding
    )
    draft = briefing_generate(actor=bm, review=review)
    approved = briefing_generate(actor=bm, review=review)
    briefing_update(
        actor=bm,
        briefing=approved,
        title=approved.title,
        sections=approved.sections,
        version=approved.version,
        approve=True,
    )
    return {
        "{learning_review}": str(review.pk),
        "{learning_theme}": str(theme.pk),
        "{finding}": str(finding.pk),
        "{recommendation}": str(recommendation.pk),
        "{briefing_draft}": str(draft.pk),
        "{briefing_approved}": str(approved.pk),
    }
