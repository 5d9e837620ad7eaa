"""A child's address history: one current address, no overlapping periods."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AuditAction, AuditEvent
from masa.people.models import Address

from ..conftest import World
from .factories import AddressFactory

pytestmark = pytest.mark.django_db


def address(**overrides: str) -> dict[str, str]:
    data = {
        "line_1": "12 Moor Lane",
        "line_2": "",
        "town": "Northbury",
        "postcode": "nb3 4ht",
        "from_date_day": "1",
        "from_date_month": "9",
        "from_date_year": "2025",
        "to_date_day": "",
        "to_date_month": "",
        "to_date_year": "",
    }
    data.update(overrides)
    return data


def url(world: World) -> str:
    return f"/children/{world.child.pk}/addresses/new/"


def test_a_new_address_becomes_current_and_closes_the_last_one_the_day_before(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    old = AddressFactory(child=world.child, line_1="3 Canal Side", from_date=dt.date(2020, 3, 1))
    client = client_for("social_worker")
    response = client.post(url(world), address())
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.to_date == dt.date(2025, 8, 31)
    new = Address.objects.get(child=world.child, to_date__isnull=True)
    assert (new.line_1, new.postcode) == ("12 Moor Lane", "NB3 4HT")
    page = client.get(response["Location"]).content.decode()
    assert "12 Moor Lane, Northbury, NB3 4HT, since 1 September 2025" in page
    assert "31 August 2025" in page and "Address added" in page
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="address")
    assert event.child_id == world.child.pk
    assert event.reason == "previous address closed on 31 August 2025"


def test_a_past_address_can_be_added_to_the_history(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    current = AddressFactory(child=world.child, from_date=dt.date(2022, 1, 1))
    client_for("social_worker").post(
        url(world),
        address(from_date_year="2019", to_date_day="31", to_date_month="12", to_date_year="2021"),
    )
    current.refresh_from_db()
    assert current.to_date is None  # still the current address
    assert Address.objects.filter(child=world.child).count() == 2


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"line_1": ""}, "line_1", "Enter the first line of the address"),
        ({"town": ""}, "town", "Enter the town or city"),
        ({"postcode": ""}, "postcode", "Enter a postcode"),
        ({"postcode": "NB1"}, "postcode", "Enter a real postcode, like NB1 2AB"),
        ({"from_date_day": ""}, "from_date_day", "Date they moved in must include a day"),
        ({"from_date_year": "2030"}, "from_date_day", "Date they moved in must be today or in"),
        (
            {"to_date_day": "1", "to_date_month": "1", "to_date_year": "2025"},
            "to_date_day",
            "Date they moved out must be the same as or after the date they moved in",
        ),
        (
            {"to_date_day": "1", "to_date_month": "13", "to_date_year": "2025"},
            "to_date_day",
            "Date they moved out must be a real date",
        ),
    ],
)
def test_bad_input_names_the_field(
    world: World, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    body = client_for("social_worker").post(url(world), address(**overrides)).content.decode()
    assert f'href="#{anchor}">{message}' in body
    assert not Address.objects.exists()


def test_overlapping_periods_are_refused_naming_the_date(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    AddressFactory(
        child=world.child, line_1="3 Canal Side", from_date=dt.date(2018, 1, 1),
        to_date=dt.date(2020, 6, 30),
    )  # fmt: skip
    AddressFactory(child=world.child, line_1="9 Mill Road", from_date=dt.date(2024, 5, 1))
    client = client_for("social_worker")
    # Moving in before the current address began would overlap it.
    same_day = client.post(url(world), address(from_date_year="2024", from_date_month="5"))
    assert (
        'href="#from_date_day">Date they moved in must be after 1 May 2024, when they moved to '
        "9 Mill Road" in same_day.content.decode()
    )
    # A past address inside an earlier one.
    inside = client.post(
        url(world),
        address(
            from_date_year="2019", from_date_month="1",
            to_date_day="1", to_date_month="1", to_date_year="2021",
        ),
    )  # fmt: skip
    assert (
        'href="#from_date_day">Date they moved in must be after 30 June 2020, when they left '
        "3 Canal Side" in inside.content.decode()
    )
    # A past address running into a later one.
    into = client.post(
        url(world),
        address(
            from_date_year="2021", from_date_month="1",
            to_date_day="1", to_date_month="6", to_date_year="2024",
        ),
    )  # fmt: skip
    assert (
        'href="#to_date_day">Date they moved out must be before 1 May 2024, when they moved to '
        "9 Mill Road" in into.content.decode()
    )
    assert Address.objects.filter(child=world.child).count() == 2


def test_only_people_who_can_change_the_record_can_add_an_address(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("police_officer").post(url(world), address()).status_code == 403
    hidden = f"/children/{world.la_only_child.pk}/addresses/new/"
    assert client_for("social_worker").get(hidden).status_code == 200
    assert not Address.objects.exists()
