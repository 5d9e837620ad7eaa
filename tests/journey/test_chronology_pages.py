"""The chronology page's filters and adding a significant event, with every kind of bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from masa.core.models import AgencyKind, AuditAction, AuditEvent
from masa.journey.models import ChronologyEntry, EventType, Significance
from tests.casework_factories import make_chronology_entry
from tests.conftest import World

pytestmark = pytest.mark.django_db


def page_url(world: World) -> str:
    return f"/casework/children/{world.child.pk}/chronology/"


def add_url(world: World) -> str:
    return f"/casework/children/{world.child.pk}/chronology/add/"


@pytest.fixture
def mixed(world: World) -> None:
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 4, 1),
        source_agency=world.agencies[AgencyKind.POLICE],
        event_type=EventType.STRATEGY,
        significance=Significance.HIGH,
        audience="|health|police|",
        summary="Strategy discussion held",
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 4, 5),
        source_agency=world.agencies[AgencyKind.SCHOOL],
        event_type=EventType.SIGNIFICANT_EVENT,
        significance=Significance.LOW,
        summary="Absent from school for a week",
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 4, 3),
        source_agency=world.agencies[AgencyKind.LOCAL_AUTHORITY],
        event_type=EventType.VISIT,
        significance=Significance.MEDIUM,
        summary="Home visit, child seen alone",
    )


def listed(client: Client, world: World, params: dict[str, object] | None = None) -> str:
    return client.get(page_url(world), params or {}).content.decode()


@pytest.mark.usefixtures("mixed")
def test_entries_are_listed_oldest_first_with_their_details(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    text = listed(client_for("social_worker"), world)

    assert "3 entries, oldest first" in text
    strategy = text.index("Strategy discussion held")
    visit = text.index("Home visit, child seen alone")
    school = text.index("Absent from school for a week")
    assert strategy < visit < school
    assert "1 April 2026" in text
    assert "Test Police" in text
    assert "govuk-tag--red" in text  # high significance


@pytest.mark.usefixtures("mixed")
def test_filter_by_agency(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    school = world.agencies[AgencyKind.SCHOOL]

    text = listed(client_for("social_worker"), world, {"agency": school.pk})

    assert "1 entry, oldest first" in text
    assert "Absent from school for a week" in text
    assert "Strategy discussion held" not in text
    assert f"From {school.name}" in text


@pytest.mark.usefixtures("mixed")
def test_filter_by_event_types(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    text = listed(
        client_for("social_worker"),
        world,
        {"event_type": [EventType.STRATEGY, EventType.VISIT]},
    )

    assert "2 entries, oldest first" in text
    assert "Absent from school" not in text
    assert "Event types: Strategy discussion, Visit" in text


@pytest.mark.usefixtures("mixed")
def test_filter_by_significance(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    text = listed(client_for("social_worker"), world, {"significance": [Significance.HIGH]})

    assert "1 entry, oldest first" in text
    assert "Strategy discussion held" in text


@pytest.mark.usefixtures("mixed")
def test_filters_never_widen_what_an_agency_sees(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    la = world.agencies[AgencyKind.LOCAL_AUTHORITY]

    text = listed(client_for("police_officer"), world, {"agency": la.pk})

    assert "No entries match these filters." in text
    assert "Home visit" not in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"agency": "999999"}, "Select an agency from the list"),
        ({"agency": "police"}, "Select an agency from the list"),
        ({"event_type": "burglary"}, "Select event types from the list"),
        ({"significance": "urgent"}, "Select significance levels from the list"),
    ],
)
def test_tampered_filters_are_refused_with_a_message(
    world: World, client_for, params: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    text = listed(client_for("social_worker"), world, params)

    assert "There is a problem" in text
    assert message in text
    assert "Correct the filters to see the chronology." in text


def test_export_links_carry_the_filters_and_show_only_to_those_allowed(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    params = {"significance": Significance.HIGH}

    social_worker = listed(client_for("social_worker"), world, params)
    police = listed(client_for("police_officer"), world, params)

    assert f"/casework/children/{world.child.pk}/chronology.csv?significance=high" in social_worker
    assert f"/casework/children/{world.child.pk}/chronology.pdf?significance=high" in social_worker
    assert "chronology.csv" not in police
    assert "Add a significant event" in police  # every practitioner may add


# Adding a significant event ------------------------------------------------------------------


def valid_event(**overrides: str) -> dict[str, str]:
    day = timezone.localdate() - dt.timedelta(days=2)
    data = {
        "occurred_on_day": str(day.day),
        "occurred_on_month": str(day.month),
        "occurred_on_year": str(day.year),
        "summary": "Mother disclosed domestic abuse to the health visitor",
        "significance": Significance.HIGH,
        "share_with_all": "yes",
    }
    data.update(overrides)
    return data


def test_a_health_practitioner_adds_a_shared_significant_event(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("health_safeguarding_practitioner")

    response = client.post(add_url(world), valid_event())

    assert response.status_code == 302
    assert response["Location"] == page_url(world)
    entry = ChronologyEntry.objects.get(child=world.child)
    assert entry.source_agency == world.agencies[AgencyKind.HEALTH]
    assert entry.occurred_on == timezone.localdate() - dt.timedelta(days=2)
    assert entry.event_type == EventType.SIGNIFICANT_EVENT
    assert "|school|" in entry.audience
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="chronology_entry", child_id=world.child.pk
    ).exists()
    followed = client.get(response["Location"]).content.decode()
    assert "Significant event added to the chronology" in followed
    assert "Mother disclosed domestic abuse" in followed
    school_view = listed(client_for("designated_safeguarding_lead"), world)
    assert "Mother disclosed domestic abuse" in school_view


def test_an_unshared_event_is_not_seen_by_other_agencies(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("designated_safeguarding_lead").post(
        add_url(world), valid_event(summary="Pupil disclosed worry at home", share_with_all="no")
    )

    assert "Pupil disclosed worry" in listed(client_for("designated_safeguarding_lead"), world)
    assert "Pupil disclosed worry" in listed(client_for("social_worker"), world)
    assert "Pupil disclosed worry" not in listed(client_for("police_officer"), world)


@pytest.mark.parametrize(
    ("overrides", "message", "anchor"),
    [
        (
            {"occurred_on_day": "", "occurred_on_month": "", "occurred_on_year": ""},
            "Enter the date it happened",
            "occurred_on_day",
        ),
        ({"occurred_on_month": ""}, "The date it happened must include a month", "occurred_on_day"),
        (
            {"occurred_on_day": "30", "occurred_on_month": "2"},
            "The date it happened must be a real date",
            "occurred_on_day",
        ),
        ({"occurred_on_year": "26"}, "The date it happened must be a real date", "occurred_on_day"),
        (
            {"occurred_on_year": "2099"},
            "The date it happened must be today or in the past",
            "occurred_on_day",
        ),
        ({"summary": ""}, "Enter what happened", "summary"),
        ({"summary": "   "}, "Enter what happened", "summary"),
        ({"summary": "x" * 5001}, "What happened must be 5,000 characters or fewer", "summary"),
        ({"significance": ""}, "Select how significant the event is", "significance"),
        ({"significance": "critical"}, "Select how significant the event is", "significance"),
        (
            {"share_with_all": ""},
            "Select whether to share this event with all agencies working with the child",
            "share_with_all",
        ),
        (
            {"share_with_all": "maybe"},
            "Select whether to share this event with all agencies working with the child",
            "share_with_all",
        ),
    ],
)
def test_bad_input_for_a_significant_event_says_what_is_wrong_and_where(
    world: World, client_for, overrides: dict[str, str], message: str, anchor: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("police_officer").post(add_url(world), valid_event(**overrides))

    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert message in text
    assert f'href="#{anchor}"' in text
    assert "<title>Error:" in text
    assert not ChronologyEntry.objects.exists()


def test_roles_without_the_permission_cannot_add_and_out_of_scope_is_404(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    assert client_for("business_manager").post(add_url(world), valid_event()).status_code == 403
    out_of_scope = f"/casework/children/{world.la_only_child.pk}/chronology/add/"
    assert client_for("police_officer").post(out_of_scope, valid_event()).status_code == 404
    assert not ChronologyEntry.objects.exists()


def test_the_add_form_shows_the_child_and_the_agency_it_will_come_from(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    text = client_for("police_officer").get(add_url(world)).content.decode()

    assert "Add a significant event" in text
    assert world.child.masa_id in text
    assert "recorded as coming from Test Police" in text


def test_event_types_are_checkboxes_that_keep_what_was_chosen(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    text = listed(client_for("social_worker"), world, {"event_type": ["strategy", "visit"]})

    boxes = [line for line in text.splitlines() if 'name="event_type"' in line]
    assert len(boxes) == len(EventType)
    assert all('type="checkbox"' in box for box in boxes)
    checked = [re.search(r'value="(\w+)"', box) for box in boxes if "checked" in box]
    assert [match.group(1) for match in checked if match] == ["strategy", "visit"]
