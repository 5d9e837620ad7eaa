"""Visits: recording one, the rules on dates and on seeing the child alone, the list per case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.journey.models import Case, ChronologyEntry, Stage
from masa.protection.models import Visit

from ..casework_factories import date_fields, make_case
from ..conftest import World

OPENED = dt.date(2026, 9, 1)
VISITED = dt.date(2026, 11, 18)


@pytest.fixture
def case(world: World) -> Case:
    return make_case(
        world.child, stage=Stage.CIN_PLAN, opened_on=OPENED, actor=world.users["social_worker"]
    )


def visit(**overrides: str) -> dict[str, str]:
    data = {
        **date_fields("visited_on", VISITED),
        "child_seen": "yes",
        "seen_alone": "yes",
        "notes": "Kira showed me her room",
    }
    data.update(overrides)
    return data


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("&#39;", "'")


@pytest.mark.django_db
def test_a_visit_is_recorded_listed_and_added_to_the_chronology(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    response = client.post(f"/protection/cases/{case.pk}/visits/new/", visit())
    assert response["Location"] == f"/protection/cases/{case.pk}/visits/"
    saved = Visit.objects.get(case=case)
    assert (saved.visited_on, saved.child_seen, saved.seen_alone) == (VISITED, True, True)
    listing = body_of(client.get(f"/protection/cases/{case.pk}/visits/"))
    assert "18 November 2026" in listing and "Kira showed me her room" in listing
    line = ChronologyEntry.objects.get(record_type="protection.visit", record_id=saved.pk)
    assert line.occurred_on == VISITED and line.summary.endswith("child seen alone")
    detail = body_of(client.get(f"/protection/visits/{saved.pk}/"))
    assert "Visit on 18 November 2026" in detail


@pytest.mark.django_db
def test_seen_alone_is_refused_when_the_child_was_not_seen(case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/visits/new/", visit(child_seen="no", seen_alone="yes")
    )
    assert (
        'href="#seen_alone">The child cannot have been seen alone if they were not seen: change '
        "'Was the child seen?' or 'Was the child seen alone?'" in body_of(response)
    )
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_visit_where_the_child_was_not_seen_is_recorded_as_such(case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("social_worker").post(
        f"/protection/cases/{case.pk}/visits/new/", visit(child_seen="no", seen_alone="no")
    )
    saved = Visit.objects.get()
    assert (saved.child_seen, saved.seen_alone) == (False, False)
    line = ChronologyEntry.objects.get(record_type="protection.visit", record_id=saved.pk)
    assert line.summary.endswith("child not seen")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"child_seen": ""}, "child_seen", "Select whether the child was seen"),
        ({"seen_alone": ""}, "seen_alone", "Select whether the child was seen alone"),
        ({"visited_on_day": ""}, "visited_on_day", "Date of the visit must include a day"),
        (
            {"visited_on_day": "", "visited_on_month": "", "visited_on_year": ""},
            "visited_on_day",
            "Enter date of the visit",
        ),
        (
            date_fields("visited_on", OPENED - dt.timedelta(days=1)),
            "visited_on_day",
            "The date of the visit must be on or after the date the case opened (1 September 2026)",
        ),
        (
            date_fields("visited_on", timezone.localdate() + dt.timedelta(days=1)),
            "visited_on_day",
            "The date of the visit must be today or in the past",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_at_the_field(
    case: Case, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/visits/new/", visit(**overrides)
    )
    assert f'href="#{anchor}">{message}' in body_of(response)
    assert "Kira showed me her room" in body_of(response)  # what was typed is kept
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_closed_case_takes_no_visits(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    closed = make_case(
        world.child, stage=Stage.CLOSED, opened_on=OPENED, actor=world.users["social_worker"]
    )
    client = client_for("social_worker")
    response = client.post(f"/protection/cases/{closed.pk}/visits/new/", visit())
    assert "This case is closed" in body_of(response)
    assert not Visit.objects.exists()
    assert "Record a visit" not in body_of(client.get(f"/protection/cases/{closed.pk}/visits/"))


@pytest.mark.django_db
def test_visits_are_seen_only_within_scope_and_recorded_only_by_caseworkers(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    # Visits are children's social care's own record: police see that the child is known, not them.
    assert police.get(f"/protection/cases/{case.pk}/visits/").status_code == 404
    assert (
        client_for("social_worker").get(f"/protection/cases/{case.pk}/visits/").status_code == 200
    )
    assert police.post(f"/protection/cases/{case.pk}/visits/new/", visit()).status_code == 403
    hidden = make_case(
        world.la_only_child,
        stage=Stage.CIN_PLAN,
        opened_on=OPENED,
        actor=world.users["social_worker"],
    )
    assert police.get(f"/protection/cases/{hidden.pk}/visits/").status_code == 404
    saved = Visit.objects.create(
        case=hidden,
        child=world.la_only_child,
        visited_on=VISITED,
        child_seen=True,
        seen_alone=False,
        visited_by=world.users["social_worker"],
    )
    assert police.get(f"/protection/visits/{saved.pk}/").status_code == 404
