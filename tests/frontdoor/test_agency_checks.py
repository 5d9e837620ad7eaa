"""Agency information checks: one per agency, before the decision, readable by social care and
the agency that wrote it; who sees which contacts."""

from __future__ import annotations

import pytest

from masa.core.models import AgencyKind
from masa.core.services import ServiceError
from masa.frontdoor.models import AgencyCheck, Contact, ThresholdDecision
from masa.frontdoor.services import agency_check_add
from masa.journey.models import ChronologyEntry, EventType
from tests.conftest import World, signed_in_client

from .factories import contact_awaiting, mash_practitioner

pytestmark = pytest.mark.django_db

POLICE_TEXT = "Two domestic incidents at the address in the last month; father arrested in June"


def _contact(world: World) -> Contact:
    return contact_awaiting(
        world.child,
        world.users["designated_safeguarding_lead"],
        source_agency=world.agencies[AgencyKind.SCHOOL],
    )


def test_police_mash_adds_a_check_and_its_text_is_read_only_by_social_care_and_police(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(world)
    url = f"/front-door/contacts/{contact.pk}/"
    police_mash = client_for("mash_practitioner")
    assert "Add your agency’s check" in police_mash.get(url).content.decode()

    response = police_mash.post(
        f"{url}agency-check/", {"information_held": "yes", "information": POLICE_TEXT}
    )
    assert response.status_code == 302

    check = AgencyCheck.objects.get()
    assert (check.agency, check.information_held) == (world.agencies[AgencyKind.POLICE], True)
    line = ChronologyEntry.objects.get(event_type=EventType.AGENCY_CHECK)
    assert line.source_agency == world.agencies[AgencyKind.POLICE]
    assert "Add your agency’s check" not in police_mash.get(url).content.decode()

    for role in ("social_worker", "team_manager", "mash_practitioner"):
        assert POLICE_TEXT in client_for(role).get(url).content.decode(), role

    health_mash = signed_in_client(mash_practitioner(AgencyKind.HEALTH, world.agencies))
    page = health_mash.get(url).content.decode()
    assert "Test Police" in page  # the check was done...
    assert POLICE_TEXT not in page  # ...but its content stays with social care and police
    assert "Only children’s social care and Test Police can read this check." in page


def test_a_practitioner_outside_social_care_and_the_mash_sees_only_their_agencys_contacts(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(world)
    url = f"/front-door/contacts/{contact.pk}/"
    assert client_for("designated_safeguarding_lead").get(url).status_code == 200
    assert client_for("police_officer").get(url).status_code == 404
    assert client_for("health_safeguarding_practitioner").get(url).status_code == 404
    listing = client_for("police_officer").get("/front-door/").content.decode()
    assert "Kira Holt" not in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, 'href="#information_held">Select yes if your agency holds information'),
        (
            {"information_held": "yes"},
            'href="#information">Enter the information your agency holds',
        ),
        ({"information_held": "maybe"}, "Select yes if your agency holds information"),
    ],
)
def test_bad_input_is_refused(world: World, client_for, data: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(world)
    response = client_for("mash_practitioner").post(
        f"/front-door/contacts/{contact.pk}/agency-check/", data
    )
    assert message in response.content.decode()
    assert not AgencyCheck.objects.exists()


def test_one_check_per_agency_and_none_after_the_decision(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(world)
    police = world.users["mash_practitioner"]
    agency_check_add(actor=police, contact=contact, information_held=False, information="")
    response = client_for("mash_practitioner").post(
        f"/front-door/contacts/{contact.pk}/agency-check/", {"information_held": "no"}
    )
    assert "Test Police has already added its check to this contact" in response.content.decode()

    health = mash_practitioner(AgencyKind.HEALTH, world.agencies)
    Contact.objects.filter(pk=contact.pk).update(decision=ThresholdDecision.NO_FURTHER_ACTION)
    contact.refresh_from_db()
    with pytest.raises(ServiceError, match="agency checks can no longer be added"):
        agency_check_add(actor=health, contact=contact, information_held=False, information="")
    assert AgencyCheck.objects.count() == 1


def test_a_check_without_information_held_keeps_no_text(world: World) -> None:
    contact = _contact(world)
    check = agency_check_add(
        actor=world.users["mash_practitioner"],
        contact=contact,
        information_held=False,
        information="typed by mistake",
    )
    assert (check.information_held, check.information) == (False, "")
