"""Who sees what: record pages follow the same sharing table as the chronology."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.journey.models import Stage
from tests.casework_factories import make_case, make_referral, make_strategy_and_s47
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_strategy_discussions_are_shared_with_police_and_health_but_not_schools(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.S47, opened_on=dt.date(2026, 11, 2), actor=sw)
    make_referral(case, referral_date=dt.date(2026, 11, 2), actor=sw)
    enquiry = make_strategy_and_s47(case, held_on=dt.date(2026, 11, 3), actor=sw)
    strategy_url = f"/protection/strategy-discussions/{enquiry.strategy_discussion_id}/"
    s47_url = f"/protection/section-47-enquiries/{enquiry.pk}/"

    for role in ("social_worker", "police_officer", "health_safeguarding_practitioner"):
        assert client_for(role).get(strategy_url).status_code == 200, role
        assert client_for(role).get(s47_url).status_code == 200, role
    school = client_for("designated_safeguarding_lead")
    assert school.get(strategy_url).status_code == 404
    assert school.get(s47_url).status_code == 404
