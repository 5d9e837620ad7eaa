"""Recording a new child: every field checked, likely duplicates shown before anything is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditAction, AuditEvent
from masa.people.models import AgencyInvolvement, Child, PersonSearchKey
from masa.people.selectors import search_children

from ..conftest import World
from ..factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/children/new/"


def details(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Ellie",
        "last_name": "Brook",
        "date_of_birth_day": "14",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2019",
        "sex": "F",
        "nhs_number": "",
        "upn": "",
        "ethnicity": "WBRI",
        "summary": "",
    }
    data.update(overrides)
    return data


def test_a_new_child_is_recorded_indexed_and_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    typed = details(nhs_number="943 476 5919", upn="b801200005001")
    response = police.post(URL, {**typed, "disabilities": ["AUT", "COMM"]})
    child = Child.objects.get(first_name="Ellie")
    assert response["Location"] == f"/children/{child.pk}/"
    assert (child.nhs_number, child.upn) == ("9434765919", "B801200005001")
    assert child.disabilities == ["COMM", "AUT"]  # in the census's order
    # A police officer's new child goes to the local authority's front door team, and the
    # police are recorded as involved, so the officer can open the record.
    assert child.owning_team == world.la_team
    involvement = AgencyInvolvement.objects.get(child=child)
    assert involvement.agency == world.agencies[AgencyKind.POLICE]
    assert involvement.started_on == timezone.localdate()
    assert PersonSearchKey.objects.filter(child=child).exists()
    assert search_children(world.users["police_officer"], "Elie Brooke").get() == child
    event = AuditEvent.objects.get(action=AuditAction.CREATE, child_id=child.pk)
    assert event.actor == world.users["police_officer"]
    assert event.after["nhs_number"] == "9434765919"
    page = police.get(response["Location"]).content.decode()
    assert "Ellie Brook recorded as " + child.masa_id in page


def test_a_local_authority_worker_s_new_child_goes_to_their_own_team(world: World) -> None:
    from ..conftest import signed_in_client

    own_team = TeamFactory(agency=world.agencies[AgencyKind.LOCAL_AUTHORITY], name="Early Help")
    worker = UserFactory(role="social_worker", agency=own_team.agency, team=own_team)
    signed_in_client(worker).post(URL, details())
    assert Child.objects.get(first_name="Ellie").owning_team == own_team


def test_an_unborn_baby_has_an_expected_date_of_birth(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    due = timezone.localdate() + dt.timedelta(weeks=12)
    client_for("health_safeguarding_practitioner").post(
        URL,
        details(
            first_name="Unborn",
            date_of_birth_day="", date_of_birth_month="", date_of_birth_year="",
            expected_date_of_birth_day=str(due.day),
            expected_date_of_birth_month=str(due.month),
            expected_date_of_birth_year=str(due.year),
            sex="U",
        ),
    )  # fmt: skip
    child = Child.objects.get(first_name="Unborn")
    assert child.date_of_birth is None and child.expected_date_of_birth == due
    assert child.is_unborn


NO_DATE = {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""}
DUE = {
    "expected_date_of_birth_day": "1",
    "expected_date_of_birth_month": "1",
    "expected_date_of_birth_year": "2027",
}
BAD_INPUT = [
    ({"first_name": ""}, "first_name", "Enter the child&#39;s first name"),
    ({"last_name": "  "}, "last_name", "Enter the child&#39;s last name"),
    ({"sex": ""}, "sex", "Select the child&#39;s sex"),
    (
        {"date_of_birth_day": "31", "date_of_birth_month": "2"},
        "date_of_birth_day",
        "Date of birth must be a real date",
    ),
    ({"date_of_birth_month": ""}, "date_of_birth_day", "Date of birth must include a month"),
    (
        NO_DATE,
        "date_of_birth_day",
        "Enter the child&#39;s date of birth, or the expected date of birth if the baby is "
        "not born yet",
    ),
    (
        {"date_of_birth_year": "2099"},
        "date_of_birth_day",
        "Date of birth must be today or in the past",
    ),
    (
        DUE,
        "expected_date_of_birth_day",
        "Enter a date of birth or an expected date of birth, not both",
    ),
    (
        {"nhs_number": "485 777 3456"},
        "nhs_number",
        "Enter a real NHS number: the last digit does not match the others",
    ),
    ({"nhs_number": "943 476 591"}, "nhs_number", "NHS number must be 10 digits"),
    (
        {"nhs_number": "943-476-591X"},
        "nhs_number",
        "NHS number must only include numbers and spaces",
    ),
    (
        {"upn": "A801200005001"},
        "upn",
        "Enter a real UPN: the first letter does not match the rest",
    ),
    ({"upn": "B8012"}, "upn", "UPN must be 13 characters, like B801200005001"),
    ({"ethnicity": "XXXX"}, "ethnicity", "Select the child&#39;s ethnicity from the list"),
    (
        {"disabilities": ["NONE", "VIS"]},
        "disabilities",
        "Select “No disability” on its own, or select each disability the child has",
    ),
    ({"disabilities": ["WINGS"]}, "disabilities", "Select disabilities from the list"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_names_the_field_and_nothing_is_saved(
    world: World, client_for, overrides: dict[str, object], field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    body = client_for("social_worker").post(URL, details(**overrides)).content.decode()  # type: ignore[arg-type]
    assert f'href="#{field}">{message}' in body
    assert "<title>Error: Record a new child" in body
    assert not Child.objects.filter(first_name="Ellie").exists()


def test_expected_dates_must_be_within_forty_weeks_and_not_past(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    today = timezone.localdate()
    too_far = "Expected date of birth must be no more than 40 weeks from today"
    past = "Expected date of birth must be today or in the future"
    for when, message in [
        (today + dt.timedelta(weeks=41), too_far),
        (today - dt.timedelta(days=1), past),
    ]:
        body = client.post(
            URL,
            details(
                date_of_birth_day="", date_of_birth_month="", date_of_birth_year="",
                expected_date_of_birth_day=str(when.day),
                expected_date_of_birth_month=str(when.month),
                expected_date_of_birth_year=str(when.year),
            ),
        ).content.decode()  # fmt: skip
        assert f'href="#expected_date_of_birth_day">{message}' in body
    assert not Child.objects.filter(first_name="Ellie").exists()


def test_likely_duplicates_are_shown_and_a_new_child_needs_confirming(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    # Kira Holt (born 1 June 2015) is known to the school; Jay Moss is not, and has the NHS
    # number typed below.
    Child.objects.filter(pk=world.la_only_child.pk).update(nhs_number="9434765919")
    typed = details(
        first_name="Kiera", last_name="Holt", date_of_birth_day="1", date_of_birth_month="6",
        date_of_birth_year="2015", nhs_number="9434765919",
    )  # fmt: skip
    warned = client.post(URL, typed).content.decode()
    assert "This child may already have a record" in warned
    assert ">Kira Holt</a>" in warned and world.child.masa_id in warned
    assert "Jay Moss" not in warned and world.la_only_child.masa_id not in warned
    assert "1 other record matches that you cannot see" in warned
    assert not Child.objects.filter(first_name="Kiera").exists()

    # Submitting again without ticking the box is refused with a message.
    checked = warned.split('name="checked" value="')[1].split('"')[0]
    again = client.post(URL, {**typed, "checked": checked}).content.decode()
    assert (
        'href="#confirm_new">Select that this is a new child, or open one of the records shown'
        in again
    )
    assert not Child.objects.filter(first_name="Kiera").exists()

    # Confirming for different details does not count: the check runs again.
    changed = client.post(
        URL, {**typed, "first_name": "Kirsty", "checked": checked, "confirm_new": "yes"}
    ).content.decode()
    assert "This child may already have a record" in changed
    assert not Child.objects.filter(first_name="Kirsty").exists()

    created = client.post(URL, {**typed, "checked": checked, "confirm_new": "yes"})
    assert created.status_code == 302
    child = Child.objects.get(first_name="Kiera")
    assert AuditEvent.objects.get(action=AuditAction.CREATE, child_id=child.pk).reason == (
        "confirmed as a new child after a duplicate warning"
    )


def test_no_warning_for_a_different_child(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    ChildFactory(
        partnership=world.partnership, first_name="Ellie", last_name="Brook",
        date_of_birth=dt.date(2017, 3, 3), owning_team=world.la_team,
    )  # fmt: skip
    response = client_for("social_worker").post(URL, details())  # same name, another birthday
    assert response.status_code == 302
    assert Child.objects.filter(first_name="Ellie").count() == 2


def test_merged_records_are_not_offered_as_duplicates(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    old = ChildFactory(
        partnership=world.partnership, first_name="Ellie", last_name="Brook",
        date_of_birth=dt.date(2019, 2, 14), owning_team=world.la_team,
        merged_into=world.child,
    )  # fmt: skip
    body = client_for("social_worker").post(URL, details()).content.decode()
    assert old.masa_id not in body
    assert Child.objects.filter(first_name="Ellie").count() == 2
