"""MASH practitioners screen contacts about children their own agency does not know yet."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.frontdoor.models import Contact
from masa.journey.models import Stage
from masa.people.selectors import children_visible_to
from tests.casework_factories import make_case, make_contact
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_mash_practitioner_sees_a_child_only_while_a_contact_awaits_decision(
    world: World,
) -> None:
    mash = world.users["mash_practitioner"]  # police MASH: police are not involved with Jay
    police_officer = world.users["police_officer"]
    assert world.la_only_child not in children_visible_to(mash)

    case = make_case(
        world.la_only_child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 20),
        actor=world.users["social_worker"],
    )  # fmt: skip
    contact = make_contact(
        case, received_on=dt.date(2026, 11, 20), actor=world.users["social_worker"]
    )
    assert world.la_only_child in children_visible_to(mash)
    assert world.la_only_child not in children_visible_to(police_officer)  # not a MASH role

    Contact.objects.filter(pk=contact.pk).update(decision="nfa")
    assert world.la_only_child not in children_visible_to(mash)
