"""Placeholders for the children looked after rows of docs/permission-matrix.csv.

Cara Kerr (known to children's social care, police, health and her school) has been looked after
since 1 October 2026: her case is at "Looked after", with one episode of care. Police, health and
schools work with her, yet her care record is children's social care's (404 to them).
"""

from __future__ import annotations

import datetime as dt

from masa.care.models import Episode
from masa.core.models import AgencyKind
from masa.journey.models import Stage

from ..casework_factories import make_case
from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory

PLACED = dt.date(2026, 10, 1)


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    worker = world.users["social_worker"]
    cara = ChildFactory(
        partnership=world.partnership,
        first_name="Cara",
        last_name="Kerr",
        owning_team=world.la_team,
        allocated_worker=worker,
    )
    for kind in (AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.SCHOOL):
        InvolvementFactory(child=cara, agency=world.agencies[kind])
    case = make_case(cara, stage=Stage.LOOKED_AFTER, opened_on=PLACED, actor=worker)
    episode = Episode.objects.create(
        child=cara,
        case=case,
        started_on=PLACED,
        reason_new_episode="S",
        legal_status="C1",
        category_of_need="N1",
        placement_type="U4",
        placement_provider="PR1",
        recorded_by=worker,
    )
    return {"{care_child}": str(cara.pk), "{episode903}": str(episode.pk)}
