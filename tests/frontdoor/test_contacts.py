"""Logging a contact: any agency, about a child it can see; the case it opens or joins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AuditEvent
from masa.frontdoor.models import Contact
from masa.journey.models import CaseTransition, ChronologyEntry, EventType, Stage
from tests.casework_factories import make_case
from tests.conftest import World

from .factories import contact_form, date_fields

pytestmark = pytest.mark.django_db
NEW = "/front-door/contacts/new/"


def test_a_school_logs_a_contact_which_opens_a_case_at_the_contact_stage(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    school = world.agencies["school"]
    response = client.post(
        NEW,
        contact_form(
            world.child,
            source_agency=str(school.pk),
            factors_abuse=["18A", "17A"],
            factors_domestic=["3B"],
        ),
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/front-door/contacts/{contact.pk}/"
    assert contact.case.stage == Stage.CONTACT
    assert sorted(contact.presenting_factors) == ["17A", "18A", "3B"]
    assert (contact.source, contact.source_agency, contact.rag) == ("2A", school, "amber")
    opened = CaseTransition.objects.get(case=contact.case)
    assert (opened.from_stage, opened.to_stage) == ("", Stage.CONTACT)
    line = ChronologyEntry.objects.get(event_type=EventType.CONTACT)
    assert line.summary.startswith("Contact from Test School or education setting: Kira arrived")
    assert (line.record_type, line.record_id) == ("frontdoor.contact", contact.pk)
    assert AuditEvent.objects.filter(object_type="contact", object_id=str(contact.pk)).exists()

    page = client.get(response["Location"]).content.decode()
    assert "Contact about Kira Holt logged" in page
    assert "Abuse or neglect - &#39;PHYSICAL ABUSE&#39;" in page
    assert "Consent not sought: seeking it would place the child at risk" in page


def test_the_form_defaults_the_source_from_the_agency_and_the_child_from_the_child_page(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for("police_officer").get(f"{NEW}?child={world.child.pk}").content.decode()
    assert f'value="{world.child.masa_id}"' in page
    assert '<option value="6" selected>Police</option>' in page


def test_a_child_the_agency_cannot_see_is_not_found(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    assert client.get(f"{NEW}?child={world.la_only_child.pk}").status_code == 404
    response = client.post(NEW, contact_form(world.la_only_child))
    assert "No child you can see has that masa ID" in response.content.decode()
    assert not Contact.objects.exists()


def test_an_empty_form_says_what_is_missing_and_saves_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(NEW, {"received_time": ""})
    body = response.content.decode()
    for message in (
        'href="#child_id">Enter the child&#39;s masa ID',
        'href="#received_on_day">Enter date received',
        'href="#received_time">Enter the time the contact was received',
        'href="#source">Select who made the contact',
        'href="#reason">Enter the reason for the contact',
        'href="#factors_abuse">Select at least one presenting concern',
        'href="#consent_basis">Select the basis for sharing information',
    ):
        assert message in body
    assert "<title>Error: Log a contact" in body
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"child_id": "X12"}, "Enter a masa ID like C000123"),
        ({"received_time": "25:10"}, "Time received must be a real time, like 9:30am or 14:30"),
        ({"received_on_day": "31", "received_on_month": "2"}, "Date received must be a real date"),
        ({"received_on_year": ""}, "Date received must include a year"),
        (
            {
                **date_fields("received_on", timezone.localdate() + dt.timedelta(days=1)),
                "received_time": "09:00",
            },
            "The date and time the contact was received must be now or in the past",
        ),
        (
            {"factors_other": ["21"]},
            "&#39;No factors identified&#39; cannot be selected with other presenting concerns",
        ),
        ({"factors_abuse": ["99Z"]}, "Select presenting concerns from the list"),
        ({"rag": "purple"}, "Select red, amber or green, or leave the rating blank"),
        ({"source": "99"}, "Select who made the contact from the list"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(
    world: World, client_for, overrides: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(NEW, contact_form(world.child, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_about_a_child_with_an_open_case_joins_that_case(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 10, 1), actor=sw)
    client_for("police_officer").post(NEW, contact_form(world.child, source="6"))

    contact = Contact.objects.get()
    assert contact.case == case
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT
    decide = client_for("team_manager").get(f"/front-door/contacts/{contact.pk}/decision/")
    body = decide.content.decode()
    assert "Passed to the allocated worker of an open case" in body
    assert "Referral to children&#39;s social care" not in body


def test_only_practitioners_who_log_contacts_reach_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("data_analyst").get(NEW).status_code == 403
    assert client_for("health_safeguarding_practitioner").get(NEW).status_code == 200
