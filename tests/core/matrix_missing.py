"""Placeholders for the missing children and care leaver rows of docs/permission-matrix.csv.

Mia Ross (known to children's social care and the police, not looked after) went missing twice:
once last month (returned, {missing_episode}) and again yesterday (still missing,
{missing_open}). Lee Hart ({leaver_child}, children's social care only) is 19: looked after from 15
to 18, a former relevant young person.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masa.care.models import Episode, MissingEpisode
from masa.core.calendar import add_months
from masa.core.models import AgencyKind

from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    worker = world.users["social_worker"]
    now = timezone.now()
    today = timezone.localdate()
    mia = ChildFactory(
        partnership=world.partnership,
        first_name="Mia",
        last_name="Ross",
        owning_team=world.la_team,
        allocated_worker=worker,
        date_of_birth=add_months(today, -12 * 14),
    )
    InvolvementFactory(child=mia, agency=world.agencies[AgencyKind.POLICE])
    returned = MissingEpisode.objects.create(
        child=mia,
        kind="M",
        started_at=now - dt.timedelta(days=30),
        ended_at=now - dt.timedelta(days=29),
        last_seen_location="Northbury bus station",
        associates=["Dean, 24"],
        recorded_by=worker,
    )
    still_missing = MissingEpisode.objects.create(
        child=mia,
        kind="M",
        started_at=now - dt.timedelta(days=1),
        last_seen_location="Mill Road",
        recorded_by=worker,
    )
    lee = ChildFactory(
        partnership=world.partnership,
        first_name="Lee",
        last_name="Hart",
        owning_team=world.la_team,
        allocated_worker=worker,
        date_of_birth=add_months(today, -12 * 19),
    )
    assert lee.date_of_birth is not None
    Episode.objects.create(
        child=lee,
        started_on=add_months(lee.date_of_birth, 12 * 15),
        ended_on=add_months(lee.date_of_birth, 12 * 18),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement_type="U4",
        placement_provider="PR1",
        reason_ceased="E8",
        recorded_by=worker,
    )
    return {
        "{missing_child}": str(mia.pk),
        "{missing_episode}": str(returned.pk),
        "{missing_open}": str(still_missing.pk),
        "{leaver_child}": str(lee.pk),
    }
