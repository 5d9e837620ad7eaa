"""Sibling groups: one conference considers several children, each with their own decision."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind
from masa.journey.models import Case, ChronologyEntry, EventType, Stage
from masa.people.models import Relationship, RelationshipKind
from masa.protection.models import ChildProtectionPlan, Conference, ConferenceChild

from ..casework_factories import date_fields, make_case, make_icpc_case
from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory

pytestmark = pytest.mark.django_db

STRATEGY = dt.date(2024, 3, 11)
HELD = dt.date(2024, 3, 28)


@pytest.fixture
def brother(world: World):  # type: ignore[no-untyped-def]
    child = ChildFactory(
        partnership=world.partnership,
        first_name="Leo",
        last_name="Holt",
        owning_team=world.la_team,
    )
    InvolvementFactory(child=child, agency=world.agencies[AgencyKind.POLICE])
    return child


def conference_data(**overrides: object) -> dict:
    data: dict[str, object] = {
        **date_fields("held_on", HELD),
        "family_attended": "no",
        "summary": "",
        "other_children": "",
    }
    data.update(overrides)
    return data


def decision(category: str) -> dict[str, str]:
    return {
        "plan_needed": "yes",
        "category": category,
        "plan": "",
        "contingency_plan": "Legal planning meeting if the plan is not followed",
        "visit_frequency_working_days": "10",
    }


def test_one_conference_two_children_one_plan_each(world: World, brother, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    kira_case = make_icpc_case(world.child, strategy_on=STRATEGY, actor=sw)
    leo_case = make_icpc_case(brother, strategy_on=STRATEGY, actor=sw)
    response = client_for("social_worker").post(
        f"/protection/cases/{kira_case.pk}/conferences/new/",
        conference_data(other_children=brother.masa_id),
    )
    conference = Conference.objects.get()
    assert response["Location"] == f"/protection/conferences/{conference.pk}/"
    assert set(ConferenceChild.objects.values_list("child_id", flat=True)) == {
        world.child.pk,
        brother.pk,
    }
    assert ChronologyEntry.objects.filter(event_type=EventType.CONFERENCE).count() == 2

    chair = client_for("independent_reviewing_officer")
    page = chair.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Kira Holt" in page and "Leo Holt" in page
    assert page.count("Record the decision") == 2
    chair.post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        decision("NEG"),
    )
    chair.post(
        f"/protection/conferences/{conference.pk}/children/{brother.pk}/decision/",
        decision("EMO"),
    )
    plans = {p.child_id: p for p in ChildProtectionPlan.objects.all()}
    assert plans[world.child.pk].initial_category == "NEG"
    assert plans[brother.pk].initial_category == "EMO"
    assert {p.conference_id for p in plans.values()} == {conference.pk}
    for case in (kira_case, leo_case):
        case.refresh_from_db()
        assert case.stage == Stage.CP_PLAN


def test_recorded_siblings_waiting_for_a_conference_are_suggested(
    world: World, brother, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    kira_case = make_icpc_case(world.child, strategy_on=STRATEGY, actor=sw)
    make_icpc_case(brother, strategy_on=STRATEGY, actor=sw)
    Relationship.objects.create(
        child=world.child, other_child=brother, kind=RelationshipKind.SIBLING
    )
    client = client_for("social_worker")
    form = client.get(f"/protection/cases/{kira_case.pk}/conferences/new/").content.decode()
    assert f"Leo Holt ({brother.masa_id})" in form
    client.post(
        f"/protection/cases/{kira_case.pk}/conferences/new/",
        conference_data(siblings=[str(brother.pk)]),
    )
    assert ConferenceChild.objects.filter(child=brother).exists()


def test_a_child_not_waiting_for_a_conference_or_not_visible_is_refused(
    world: World, brother, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    kira_case = make_icpc_case(world.child, strategy_on=STRATEGY, actor=sw)
    make_case(brother, stage=Stage.ASSESSMENT, opened_on=STRATEGY, actor=sw)
    client = client_for("social_worker")
    url = f"/protection/cases/{kira_case.pk}/conferences/new/"
    wrong_stage = client.post(url, conference_data(other_children=brother.masa_id))
    assert (
        'href="#other_children">Leo Holt&#39;s case is at the stage &#39;Assessment&#39;'
        in wrong_stage.content.decode()
    )
    unknown = client.post(url, conference_data(other_children="C999999")).content.decode()
    assert "No child with masa ID C999999 was found among the children you can see" in unknown
    assert not Conference.objects.exists()


def test_a_brother_or_sister_can_be_added_after_the_conference_is_recorded(
    world: World, brother, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    kira_case = make_icpc_case(world.child, strategy_on=STRATEGY, actor=sw)
    client = client_for("social_worker")
    client.post(f"/protection/cases/{kira_case.pk}/conferences/new/", conference_data())
    conference = Conference.objects.get()
    url = f"/protection/conferences/{conference.pk}/children/add/"
    no_case = client.post(url, {"child_id": brother.masa_id, "version": "1"}).content.decode()
    assert "Leo Holt has no open case to consider at a conference" in no_case
    leo_case: Case = make_icpc_case(brother, strategy_on=STRATEGY, actor=sw)
    assert client.post(url, {"child_id": brother.masa_id, "version": "1"}).status_code == 302
    assert ConferenceChild.objects.filter(conference=conference, case=leo_case).exists()
    twice = client.post(url, {"child_id": brother.masa_id, "version": "2"}).content.decode()
    assert "Leo Holt is already considered at this conference" in twice
    empty = client.post(url, {"child_id": "", "version": "2"}).content.decode()
    assert "Enter the child&#39;s masa ID" in empty
