"""Who sees which lines of a child's chronology: the visibility rules of ADR 0009."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import Agency, AgencyKind, AuditAction, AuditEvent, User
from masa.journey.chronology import chronology_for
from masa.journey.models import EventType, Significance
from masa.journey.services import chronology_record, significant_event_add
from tests.conftest import World
from tests.factories import InvolvementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_event(world: World) -> None:
    """One line of each event type from children's social care, with the default audience."""
    today = timezone.localdate()
    for event_type in EventType:
        chronology_record(
            actor=world.users["social_worker"],
            child=world.child,
            occurred_on=today - dt.timedelta(days=3),
            event_type=event_type,
            summary=f"{event_type.label} line",
        )


def seen_types(world: World, role: str) -> set[str]:
    return {line.entry.event_type for line in chronology_for(world.users[role], world.child)}


@pytest.mark.usefixtures("every_event")
def test_children_s_social_care_sees_every_entry(world: World) -> None:
    assert seen_types(world, "social_worker") == set(EventType.values)
    assert seen_types(world, "team_manager") == set(EventType.values)


@pytest.mark.usefixtures("every_event")
def test_police_see_strategy_enquiries_and_conferences_not_screening_or_visits(
    world: World,
) -> None:
    seen = seen_types(world, "police_officer")
    assert {EventType.STRATEGY, EventType.S47, EventType.CONFERENCE, EventType.CP_PLAN} <= seen
    hidden = {EventType.CONTACT, EventType.VISIT, EventType.OVERSIGHT, EventType.AGENCY_CHECK}
    assert hidden.isdisjoint(seen)
    assert EventType.ALLOCATION not in seen
    assert EventType.THRESHOLD_DECISION not in seen


@pytest.mark.usefixtures("every_event")
def test_a_school_sees_conferences_and_plans_but_not_strategy_or_enquiries(
    world: World,
) -> None:
    seen = seen_types(world, "designated_safeguarding_lead")
    assert {
        EventType.CONFERENCE,
        EventType.CP_PLAN,
        EventType.CORE_GROUP,
        EventType.CIN_PLAN,
    } <= seen
    assert {EventType.STRATEGY, EventType.S47, EventType.VISIT}.isdisjoint(seen)


@pytest.mark.usefixtures("every_event")
def test_health_sees_strategy_enquiries_and_plans_but_not_contacts_or_visits(
    world: World,
) -> None:
    seen = seen_types(world, "health_safeguarding_practitioner")
    assert {EventType.STRATEGY, EventType.S47, EventType.CONFERENCE, EventType.CP_PLAN} <= seen
    assert {EventType.CONTACT, EventType.VISIT, EventType.OVERSIGHT}.isdisjoint(seen)


def add_event(world: World, role: str, *, shared: bool, summary: str) -> None:
    significant_event_add(
        actor=world.users[role],
        child=world.child,
        occurred_on=timezone.localdate(),
        summary=summary,
        significance=Significance.HIGH,
        share_with_all=shared,
    )


def summaries(world: World, role: str) -> set[str]:
    return summaries_for(world.users[role], world)


def summaries_for(user: User, world: World) -> set[str]:
    return {line.summary for line in chronology_for(user, world.child)}


def test_an_agency_always_sees_the_events_it_added_even_unshared(world: World) -> None:
    add_event(world, "police_officer", shared=False, summary="Arrest of mother's partner")

    assert "Arrest of mother's partner" in summaries(world, "police_officer")
    # Colleagues in the same force see it too: visibility follows the agency, not the person.
    assert "Arrest of mother's partner" in summaries(world, "mash_practitioner")
    assert "Arrest of mother's partner" in summaries(world, "social_worker")
    assert "Arrest of mother's partner" not in summaries(world, "designated_safeguarding_lead")
    assert "Arrest of mother's partner" not in summaries(world, "health_safeguarding_practitioner")


def test_an_event_shared_with_all_agencies_is_seen_by_the_school(world: World) -> None:
    add_event(world, "health_safeguarding_practitioner", shared=True, summary="A&E attendance")

    assert "A&E attendance" in summaries(world, "designated_safeguarding_lead")
    assert "A&E attendance" in summaries(world, "police_officer")


def test_a_social_care_event_not_shared_stays_with_social_care(world: World) -> None:
    add_event(world, "social_worker", shared=False, summary="Sibling's placement moved")

    assert "Sibling's placement moved" in summaries(world, "team_manager")
    assert "Sibling's placement moved" not in summaries(world, "police_officer")


def test_another_force_does_not_see_a_police_entry_that_was_not_shared(world: World) -> None:
    add_event(world, "police_officer", shared=False, summary="Intelligence report")
    other_force = Agency.objects.create(
        partnership=world.partnership, name="Neighbouring Police", kind=AgencyKind.POLICE
    )
    InvolvementFactory(child=world.child, agency=other_force)
    outsider = UserFactory(role="police_officer", agency=other_force)

    assert "Intelligence report" not in summaries_for(outsider, world)


def test_the_page_of_a_child_outside_scope_is_the_same_404_as_a_missing_child(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")

    out_of_scope = police.get(f"/casework/children/{world.la_only_child.pk}/chronology/")
    missing = police.get("/casework/children/999999/chronology/")

    assert out_of_scope.status_code == missing.status_code == 404


@pytest.mark.usefixtures("every_event")
def test_the_police_page_shows_its_view_and_says_so(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("police_officer").get(f"/casework/children/{world.child.pk}/chronology/")

    text = response.content.decode()
    assert "Strategy discussion line" in text
    assert "Contact line" not in text
    assert "Visit line" not in text
    assert "You are seeing Test Police’s view of this chronology" in text


@pytest.mark.usefixtures("every_event")
def test_the_social_care_page_shows_every_entry_without_the_agency_note(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    text = (
        client_for("social_worker")
        .get(f"/casework/children/{world.child.pk}/chronology/")
        .content.decode()
    )

    assert f"{len(EventType)} entries, oldest first" in text
    assert "Management oversight line" in text
    assert "view of this chronology" not in text


def test_viewing_the_chronology_is_audited_as_a_view_of_the_child(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("designated_safeguarding_lead").get(
        f"/casework/children/{world.child.pk}/chronology/"
    )

    event = AuditEvent.objects.get(action=AuditAction.VIEW, child_id=world.child.pk)
    assert event.actor == world.users["designated_safeguarding_lead"]


def test_an_audience_with_an_unknown_agency_kind_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="polce"):
        chronology_record(
            actor=world.users["social_worker"],
            child=world.child,
            occurred_on=timezone.localdate(),
            event_type=EventType.STRATEGY,
            summary="Typo in the audience",
            audience=["polce"],
        )
