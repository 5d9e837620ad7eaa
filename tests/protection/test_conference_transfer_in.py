"""A child who moves here on another authority's plan: the case opens at the conference stage
and a transfer-in conference decides whether the child needs a plan here."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.journey.models import Case, ChronologyEntry, Stage
from masa.protection.models import ChildProtectionPlan, Conference, ConferenceKind

from ..casework_factories import date_fields, make_case
from ..conftest import World

pytestmark = pytest.mark.django_db

ARRIVED = dt.date(2025, 9, 1)
HELD = dt.date(2025, 9, 12)


def transfer(client, world: World, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"from_authority": "Westshire County Council", **date_fields("opened_on", ARRIVED)}
    data.update(overrides)
    return client.post(f"/protection/children/{world.child.pk}/transfer-in/", data)


def test_transfer_in_opens_a_case_and_its_conference_makes_a_plan(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = client_for("social_worker")
    assert transfer(sw, world).status_code == 302
    case = Case.objects.get(child=world.child)
    assert (case.stage, case.opened_on) == (Stage.ICPC, ARRIVED)
    assert case.transferred_in_from == "Westshire County Council"
    arrival = ChronologyEntry.objects.get(child=world.child)
    assert arrival.summary.startswith("Transferred in from Westshire County Council")

    listing = sw.get(f"/protection/children/{world.child.pk}/conferences/").content.decode()
    assert "Record the transfer-in conference" in listing
    early = sw.post(
        f"/protection/cases/{case.pk}/conferences/new/",
        {**date_fields("held_on", dt.date(2025, 8, 29)), "family_attended": "yes"},
    ).content.decode()
    assert (
        "Date of the conference must be the same as or after the date Kira Holt&#39;s case "
        "opened (1 September 2025)"
    ) in early
    sw.post(
        f"/protection/cases/{case.pk}/conferences/new/",
        {**date_fields("held_on", HELD), "family_attended": "yes"},
    )
    conference = Conference.objects.get()
    assert conference.kind == ConferenceKind.TRANSFER_IN
    page = sw.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Transfer-in conference" in page

    client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        {
            "plan_needed": "yes",
            "category": "PHY",
            "contingency_plan": "Strategy discussion at once if new injuries are seen",
            "visit_frequency_working_days": "5",
        },
    )
    plan = ChildProtectionPlan.objects.get()
    assert (plan.started_on, plan.visit_frequency_working_days) == (HELD, 5)
    case.refresh_from_db()
    assert case.stage == Stage.CP_PLAN


def test_transfer_in_bad_input_and_a_child_with_an_open_case(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = client_for("social_worker")
    blank = transfer(sw, world, from_authority="", opened_on_day="").content.decode()
    assert "Enter the local authority the child moved from" in blank
    assert "Date the case transferred in must include a day" in blank
    future = transfer(sw, world, **date_fields("opened_on", dt.date(2099, 1, 1))).content.decode()
    assert "The date the case transferred in must be today or in the past" in future
    make_case(
        world.child, stage=Stage.ASSESSMENT, opened_on=ARRIVED, actor=world.users["social_worker"]
    )
    open_already = transfer(sw, world).content.decode()
    assert "Kira Holt already has an open case" in open_already
    assert Case.objects.count() == 1
    assert (
        client_for("police_officer")
        .get(f"/protection/children/{world.child.pk}/transfer-in/")
        .status_code
        == 403
    )
