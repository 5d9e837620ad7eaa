"""Placeholders for this part's rows of docs/permission-matrix.csv, made from real records.

One priority with a recorded outcome measure, one action owned by the health safeguarding
practitioner (so only they and the business manager may open its update page), and a case review
recommendation to make actions from (the review part's, when it has built one).
"""

from __future__ import annotations

import datetime as dt

from masa.assurance.models import (
    Action,
    ActionSource,
    MeasureDirection,
    OutcomeMeasure,
    Priority,
)
from masa.core.models import AgencyKind
from masa.reviews.models import Recommendation

from ..conftest import World
from ..reviews_factories import make_review


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    """``found`` holds the placeholders built before this part (e.g. "{review}")."""
    manager = world.users["business_manager"]
    priority = Priority.objects.create(
        partnership=world.partnership,
        number=1,
        title="Early help and prevention",
        starts_on=dt.date(2026, 4, 1),
    )
    measure = OutcomeMeasure.objects.create(
        priority=priority,
        name="Practitioners confident to escalate a concern",
        unit="%",
        direction=MeasureDirection.HIGHER_IS_BETTER,
    )
    action = Action.objects.create(
        partnership=world.partnership,
        title="Refresh neglect training for GPs",
        source=ActionSource.AUDIT,
        source_reference="Neglect audit 2026, finding 2",
        priority=priority,
        owning_agency=world.agencies[AgencyKind.HEALTH],
        owner=world.users["health_safeguarding_practitioner"],
        due_on=dt.date(2027, 3, 31),
        created_by=manager,
    )
    recommendation_id = found.get("{recommendation}")
    if recommendation_id is None:
        review = make_review(world, anonymised_name="Child Q")
        recommendation_id = str(
            Recommendation.objects.create(
                review=review,
                number=1,
                text="Share school absence with the GP.",
                recorded_by=manager,
            ).pk
        )
    return {
        "{action}": str(action.pk),
        "{priority}": str(priority.pk),
        "{measure}": str(measure.pk),
        "{action_recommendation}": recommendation_id,
    }
