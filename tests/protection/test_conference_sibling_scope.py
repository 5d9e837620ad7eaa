"""Review findings on conferences: a sibling group with a hidden child, a second initial
conference during a plan, and the audit of a plan's start date moved by a correction."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, AuditEvent
from masa.journey.models import Case
from masa.people.models import Child
from masa.protection.models import ChildProtectionPlan, Conference, ConferenceChild

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    make_conference_for,
    make_cp_plan,
    make_icpc_case,
    make_scheduled_conference,
)
from ..conftest import World
from ..factories import ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db

KIRA_STRATEGY = dt.date(2024, 3, 11)
SIBLING_STRATEGY = dt.date(2024, 3, 20)
HELD = dt.date(2024, 3, 28)


@pytest.fixture
def secret_sibling(world: World) -> Child:
    """Kira's restricted sister, owned by another team: the social worker cannot see her."""
    other_team = TeamFactory(agency=world.la_team.agency, name="Fostering Team")
    return ChildFactory(
        partnership=world.partnership,
        first_name="Secret",
        last_name="Sibling",
        owning_team=other_team,
        is_restricted=True,
    )


@pytest.fixture
def cases(world: World, secret_sibling: Child) -> tuple[Case, Case]:
    sw = world.users["social_worker"]
    return (
        make_icpc_case(world.child, strategy_on=KIRA_STRATEGY, actor=sw),
        make_icpc_case(secret_sibling, strategy_on=SIBLING_STRATEGY, actor=sw),
    )


def held_data(world: World, held_on: dt.date) -> dict[str, object]:
    return {
        **date_fields("held_on", held_on),
        "agencies": [str(agency_of_kind(world.child, AgencyKind.POLICE).pk)],
        "family_attended": "yes",
        "chair": "",
        "summary": "",
        "version": "1",
    }


def test_a_correction_cannot_reach_or_name_a_sibling_the_worker_cannot_see(
    world: World, cases: tuple[Case, Case], client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for(list(cases), held_on=HELD, actor=world.users["social_worker"])
    sw = client_for("social_worker")

    detail = sw.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Kira Holt" in detail and "Secret Sibling" not in detail
    assert "Change the conference" not in detail
    assert "Add a brother or sister" not in detail

    url = f"/protection/conferences/{conference.pk}/change/"
    assert sw.get(url).status_code == 404
    # Before the sibling's strategy discussion (20 March), after Kira's (11 March).
    response = sw.post(url, held_data(world, dt.date(2024, 3, 15)))
    assert response.status_code == 404
    assert "Secret Sibling" not in response.content.decode()
    assert "20 March 2024" not in response.content.decode()
    assert Conference.objects.get().held_on == HELD

    add = sw.post(
        f"/protection/conferences/{conference.pk}/children/add/",
        {"child_id": world.la_only_child.masa_id, "version": "1"},
    )
    assert add.status_code == 404
    assert ConferenceChild.objects.count() == 2


def test_a_scheduled_sibling_group_cannot_be_held_or_cancelled_by_someone_seeing_one_child(
    world: World, cases: tuple[Case, Case], client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_scheduled_conference(
        list(cases), scheduled_on=dt.date(2026, 12, 3), actor=world.users["social_worker"]
    )
    sw = client_for("social_worker")
    detail = sw.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Record the conference as held" not in detail
    assert "Cancel the conference" not in detail

    assert sw.get(f"/protection/conferences/{conference.pk}/held/").status_code == 404
    held = sw.post(
        f"/protection/conferences/{conference.pk}/held/", held_data(world, dt.date(2024, 3, 15))
    )
    assert held.status_code == 404
    cancel = sw.post(
        f"/protection/conferences/{conference.pk}/cancel/",
        {"reason": "Family on holiday", "version": "1"},
    )
    assert cancel.status_code == 404
    reschedule = sw.post(
        f"/protection/conferences/{conference.pk}/change/",
        {**date_fields("scheduled_on", dt.date(2026, 12, 10)), "chair": "", "version": "1"},
    )
    assert reschedule.status_code == 404
    conference.refresh_from_db()
    assert (conference.status, conference.scheduled_on) == ("scheduled", dt.date(2026, 12, 3))


def test_a_worker_who_sees_every_child_still_corrects_the_conference(
    world: World, cases: tuple[Case, Case], secret_sibling: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    # Allocated to the worker, the restricted sister is in the worker's scope.
    Child.objects.filter(pk=secret_sibling.pk).update(allocated_worker=world.users["social_worker"])
    conference = make_conference_for(list(cases), held_on=HELD, actor=world.users["social_worker"])
    sw = client_for("social_worker")
    url = f"/protection/conferences/{conference.pk}/change/"
    refused = sw.post(url, held_data(world, dt.date(2024, 3, 15))).content.decode()
    assert "the strategy discussion that started the section 47 enquiry for Secret Sibling" in (
        refused
    )
    assert sw.post(url, held_data(world, dt.date(2024, 3, 27))).status_code == 302
    assert Conference.objects.get().held_on == dt.date(2024, 3, 27)


def decision_data() -> dict[str, str]:
    return {
        "plan_needed": "yes",
        "category": "NEG",
        "plan": "",
        "contingency_plan": "Legal planning meeting if the plan is not followed",
        "visit_frequency_working_days": "",
        "next_step": "",
        "cin_plan": "",
        "closure_reason": "",
    }


def test_a_second_initial_conference_during_a_plan_cannot_start_another_plan(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=KIRA_STRATEGY, actor=sw)
    first = make_cp_plan(case, icpc_on=dt.date(2024, 3, 14), actor=sw)
    conference = make_conference_for([case], held_on=HELD, actor=sw)
    response = client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        decision_data(),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kira Holt already has a child protection plan that started on 14 March 2024" in page
    assert "record a review conference from the plan instead" in page
    assert list(ChildProtectionPlan.objects.filter(ended_on__isnull=True)) == [first]
    assert ConferenceChild.objects.get(conference=conference).plan_needed is None


def test_a_plan_with_no_visit_frequency_follows_the_partnership_rule(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=KIRA_STRATEGY, actor=sw)
    conference = make_conference_for([case], held_on=HELD, actor=sw)
    client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        decision_data(),
    )
    assert ChildProtectionPlan.objects.get().visit_frequency_working_days is None


def test_correcting_the_date_audits_the_plans_start_date_against_the_plan(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=KIRA_STRATEGY, actor=sw)
    conference = make_conference_for([case], held_on=HELD, actor=sw)
    client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        decision_data(),
    )
    plan = ChildProtectionPlan.objects.get()
    response = client_for("social_worker").post(
        f"/protection/conferences/{conference.pk}/change/", held_data(world, dt.date(2024, 3, 27))
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.started_on == dt.date(2024, 3, 27)
    event = AuditEvent.objects.filter(object_type="cp_plan", object_id=str(plan.pk)).latest("pk")
    assert (event.action, event.child_id) == ("update", world.child.pk)
    assert event.before == {"started_on": "2024-03-28"}
    assert event.after == {"started_on": "2024-03-27"}
