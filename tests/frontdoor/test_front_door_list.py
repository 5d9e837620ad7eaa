"""The front door list: overdue first, filters, the 1-working-day clock, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masa.core.calendar import ClockState
from masa.frontdoor.models import Contact
from masa.frontdoor.selectors import contact_clock, front_door_list
from masa.journey.deadlines import clock_for
from tests.conftest import World
from tests.factories import ChildFactory, InvolvementFactory

from .factories import contact_awaiting

pytestmark = pytest.mark.django_db
EASTER_2024 = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


def test_a_contact_received_before_easter_is_due_the_tuesday_after(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"], received_on=EASTER_2024)

    clock = contact_clock(contact)
    assert clock.due == dt.date(2024, 4, 2)
    assert clock == clock_for(world.partnership.pk, "contact_decision", EASTER_2024)
    assert clock.state(dt.date(2024, 4, 2)) is ClockState.DUE
    assert clock.state(dt.date(2024, 4, 3)) is ClockState.OVERDUE

    page = client_for("team_manager").get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert "Overdue" in page
    assert "due 2 April 2024" in page
    assert "Good Friday (29 March 2024), Easter Monday (1 April 2024)" in page
    assert "local rule, the partnership&#39;s MASH protocol" in page


def test_overdue_contacts_come_first_tagged_red(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    today = timezone.localdate()
    fresh = contact_awaiting(world.child, sw, received_on=today, rag="green")
    late_child = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, first_name="Ola", last_name="Late"
    )
    late = contact_awaiting(late_child, sw, received_on=today - dt.timedelta(days=7), rag="red")

    rows = front_door_list(sw, today=today)
    assert [row.contact for row in rows] == [late, fresh]
    assert [row.state for row in rows] == [ClockState.OVERDUE, ClockState.DUE]

    page = client_for("team_manager").get("/front-door/").content.decode()
    assert page.index("Ola Late") < page.index("Kira Holt")
    overdue_tag = '<strong class="govuk-tag govuk-tag--red"> Overdue </strong>'
    assert " ".join(page.split()).count(overdue_tag) == 1
    assert "2 contacts, 1 overdue" in page

    red_only = client_for("team_manager").get("/front-door/?rag=red").content.decode()
    assert "Ola Late" in red_only and "Kira Holt" not in red_only


def test_decided_contacts_leave_the_queue_and_show_under_decided(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"])
    Contact.objects.filter(pk=contact.pk).update(
        decision="advice", decided_on=timezone.localdate(), continuum_level="1"
    )
    client = client_for("team_manager")
    assert "Kira Holt" not in client.get("/front-door/").content.decode()
    decided = client.get("/front-door/?status=decided").content.decode()
    assert "Kira Holt" in decided and "Information and advice" in decided and "Met" in decided


def test_the_list_takes_the_same_number_of_queries_for_5_and_50_contacts(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    police = world.agencies["police"]

    def add_contacts(count: int) -> None:
        for n in range(count):
            child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
            InvolvementFactory(child=child, agency=police)
            received = timezone.localdate() - dt.timedelta(days=n % 9)
            contact_awaiting(child, sw, received_on=received, source_agency=police)

    client = client_for("mash_practitioner")
    client.get("/front-door/")  # warm the calendar cache and the session

    add_contacts(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/front-door/").content.decode().count(", contact received ") == 5
    add_contacts(45)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get("/front-door/").content.decode().count(", contact received ") == 50
    assert len(fifty) == len(five)
