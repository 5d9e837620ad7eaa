"""The children behind a figure: the measure's own rows, only for people who may see children,
only the children in their scope, every view audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masa.core.models import AuditEvent
from masa.indicators.drilldown import CHILDREN_BEHIND, members
from masa.indicators.frames import frames_from
from masa.indicators.measures import REGISTRY, compute
from masa.indicators.periods import financial_year
from masa.journey.models import Stage
from masa.people.models import Child

from ..casework_factories import fix_today, make_case, make_referral
from ..conftest import World

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = financial_year(2024)


def every_kind_of_record():  # type: ignore[no-untyped-def]
    """Small frames touching every measure: children 1 to 6 in 2024-25."""
    return frames_from(
        children=[
            {"child_id": 1, "date_of_birth": D(2015, 1, 1)},
            {"child_id": 2, "date_of_birth": D(2006, 6, 1)},  # 18 on 1 June 2024
            {"child_id": 3, "date_of_birth": D(2020, 2, 2)},
            {"child_id": 4},
            {"child_id": 5, "date_of_birth": D(2012, 3, 3)},
            {"child_id": 6, "date_of_birth": D(2019, 9, 9)},
        ],
        contacts=[
            {"child_id": 1, "received_on": D(2024, 4, 2), "decided": True, "became_referral": True},
            {"child_id": 2, "received_on": D(2024, 5, 2), "decided": True},
            {"child_id": 3, "received_on": D(2024, 6, 2)},
        ],
        referrals=[
            {
                "child_id": 1,
                "case_id": 1,
                "referral_date": D(2023, 11, 23),
                "closed_on": D(2024, 1, 5),
            },
            {"child_id": 1, "case_id": 2, "referral_date": D(2024, 11, 23), "source": "6"},
            {
                "child_id": 2,
                "case_id": 3,
                "referral_date": D(2024, 5, 3),
                "source": "2A",
                "no_further_action": True,
                "closed_on": D(2024, 5, 3),
            },
            {"child_id": 3, "case_id": 4, "referral_date": D(2024, 7, 1), "source": "3B"},
            {"child_id": 5, "case_id": 5, "referral_date": D(2025, 2, 1)},
        ],
        assessments=[
            {
                "child_id": 1,
                "case_id": 2,
                "started_on": D(2024, 11, 25),
                "authorised_on": D(2025, 1, 10),
                "referral_date": D(2024, 11, 23),
            },
            {
                "child_id": 3,
                "case_id": 4,
                "started_on": D(2024, 7, 1),
                "authorised_on": D(2024, 10, 1),
                "referral_date": D(2024, 7, 1),
            },
        ],
        s47=[
            {"child_id": 3, "case_id": 4, "started_on": D(2024, 8, 1), "conference_expected": True},
            {"child_id": 5, "case_id": 5, "started_on": D(2025, 2, 3), "conference_expected": True},
        ],
        icpcs=[
            {"child_id": 3, "case_id": 4, "held_on": D(2024, 8, 20)},
            {"child_id": 5, "case_id": 5, "held_on": D(2025, 3, 28)},
        ],
        cp_plans=[
            {"child_id": 3, "case_id": 4, "started_on": D(2024, 8, 20), "initial_category": "NEG"},
            {
                "child_id": 5,
                "case_id": 5,
                "started_on": D(2020, 1, 6),
                "ended_on": D(2020, 9, 1),
                "initial_category": "PHY",
            },
            {"child_id": 5, "case_id": 5, "started_on": D(2025, 3, 28), "initial_category": "EMO"},
            {
                "child_id": 6,
                "case_id": 6,
                "started_on": D(2022, 5, 1),
                "ended_on": D(2024, 6, 1),
                "initial_category": "NEG",
            },
        ],
        cin_plans=[{"child_id": 4, "case_id": 7, "started_on": D(2024, 9, 9)}],
        early_help=[
            {"child_id": 6, "started_on": D(2024, 7, 7), "stepped_down": True},
            {"child_id": 2, "started_on": D(2023, 1, 1)},
        ],
    )


def test_the_list_is_the_numerator_of_every_measure() -> None:
    """members() returns exactly the rows each numerator counted, each with its child."""
    frames = every_kind_of_record()
    for code in REGISTRY:
        numerator, _ = compute(code, frames, YEAR, 50_000)
        rows = members(code, frames, YEAR)
        assert rows.height == numerator, code
        assert rows["child_id"].null_count() == 0, code
    # Worked examples: Jay-like child 1 re-referred exactly 12 months on; enquiry of child 3
    # conferenced on working day 13 (rows keyed by the enquiry, the child found from it).
    assert members("re_referrals", frames, YEAR)["child_id"].to_list() == [1]
    assert members("icpc_15_days", frames, YEAR)["child_id"].to_list() == [3]
    assert sorted(members("cp_rate", frames, YEAR)["child_id"].to_list()) == [3, 5]
    assert sorted(members("cin_rate", frames, YEAR)["child_id"].to_list()) == [1, 3, 4, 5]


def referred_children(world: World) -> None:
    """Kira (known to the police) and Jay (the local authority only), referred in 2024-25."""
    sw = world.users["social_worker"]
    for child in (world.child, world.la_only_child):
        case = make_case(child, stage=Stage.REFERRAL, opened_on=D(2024, 10, 1), actor=sw)
        make_referral(case, referral_date=D(2024, 10, 1), actor=sw)


def test_a_team_manager_sees_the_children_in_their_scope_and_each_view_is_audited(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 7, 1))
    referred_children(world)
    response = client_for("team_manager").get("/indicators/referrals/children/?period=fy-2024")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kira Holt" in text and "Jay Moss" in text and "2 children are counted" in text
    assert "1 October 2024" in text and "Referral date" in text
    viewed = AuditEvent.objects.filter(object_type=CHILDREN_BEHIND, action="view")
    assert sorted(viewed.values_list("child_id", flat=True)) == sorted(
        [world.child.pk, world.la_only_child.pk]
    )
    assert viewed.filter(actor=world.users["team_manager"]).count() == 2


def test_others_in_the_figure_are_counted_not_named(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 7, 1))
    referred_children(world)
    text = (
        client_for("police_officer")
        .get("/indicators/referrals/children/?period=fy-2024")
        .content.decode()
    )
    assert "Kira Holt" in text and "Jay Moss" not in text
    assert "1 of them is outside the records you can see" in text
    jay = AuditEvent.objects.filter(object_type=CHILDREN_BEHIND, child_id=world.la_only_child.pk)
    assert not jay.exists()


def test_people_without_access_to_children_are_refused(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 7, 1))
    referred_children(world)
    path = "/indicators/referrals/children/?period=fy-2024"
    for role in ("business_manager", "data_analyst", "independent_scrutineer"):
        assert client_for(role).get(path).status_code == 403
    assert Client().get(path).status_code == 302
    manager = client_for("team_manager")
    assert manager.get("/indicators/no_such_measure/children/").status_code == 404
    assert manager.get("/indicators/cla_rate/children/").status_code == 404  # not available yet
    assert not AuditEvent.objects.filter(object_type=CHILDREN_BEHIND).exists()
    assert Child.objects.count() == 2
