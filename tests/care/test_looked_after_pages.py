"""The care pages in the browser's terms: who may open them, what they show, forms and errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masa.care.models import Carer, CareReview, Episode
from masa.core.models import AuditAction, AuditEvent
from masa.journey.models import Case, Stage
from tests.casework_factories import make_case
from tests.conftest import World
from tests.journey.factories import today

from .factories import make_carer, make_centroid, make_episode, place

__all__ = ["today"]

pytestmark = pytest.mark.django_db

OPENED = dt.date(2026, 9, 1)


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def placing(**changes: Any) -> dict[str, str]:
    data = {
        **date_parts("started_on", dt.date(2026, 11, 2)),
        "legal_status": "C1",
        "category_of_need": "N1",
        "placement_type": "U4",
        "carer": "",
        "placement_provider": "PR1",
        "placement_postcode": "NB9 9ZZ",
        "urn": "",
        "home_postcode": "NB1 2AB",
        "reason": "Interim care order granted",
    }
    data.update(changes)
    return data


@pytest.fixture
def case(world: World, today: dt.date) -> Case:
    return make_case(
        world.child, stage=Stage.ASSESSMENT, opened_on=OPENED, actor=world.users["social_worker"]
    )


def test_a_social_worker_places_a_child_and_the_care_page_shows_it(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    make_centroid("NB1 2AB", "52.000000", "-1.000000")
    make_centroid("NB9 9ZZ", "52.500000", "-1.000000")
    client = client_for("social_worker")
    url = f"/care/children/{world.child.pk}/place/"
    assert client.get(url).status_code == 200

    response = client.post(url, placing())

    assert response.status_code == 302
    assert response["Location"] == f"/care/children/{world.child.pk}/"
    case.refresh_from_db()
    assert case.stage == Stage.LOOKED_AFTER
    page = client.get(response["Location"]).content.decode()
    assert "Looked after</dt>" in page.replace("\n", "").replace("  ", "")
    assert "Yes, since 2 November 2026" in page
    assert "C1: Interim care order" in page
    assert "U4: Foster placement with other foster carer: long-term fostering" in page
    assert "34.5 miles (more than 20 miles)" in page
    # Placed Monday 2 November 2026: the first review is due 20 working days later.
    assert "First review of the looked-after child" in page
    assert "Due 30 November 2026" in page
    assert "S: Started to be looked after" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, child_id=world.child.pk, actor=world.users["social_worker"]
    ).exists()


def test_the_care_page_says_when_the_distance_is_unknown(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    place(
        world.child,
        world.users["social_worker"],
        started_on=dt.date(2026, 11, 2),
        home_postcode="NB1 2AB",
        placement_postcode="NB9 9ZZ",
    )
    page = client_for("team_manager").get(f"/care/children/{world.child.pk}/").content.decode()
    assert "Unknown: masa holds no location for NB1 2AB or NB9 9ZZ" in page
    assert "Not known: the partnership&#39;s local authority code is not set" in page


def test_a_refused_placement_shows_the_error_on_the_form(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    url = f"/care/children/{world.child.pk}/place/"
    future = client.post(url, placing(**date_parts("started_on", dt.date(2026, 11, 24))))
    page = future.content.decode()
    assert future.status_code == 200
    assert "There is a problem" in page
    assert "The date the child became looked after must be today or in the past" in page
    assert "<title>Error:" in page
    missing = client.post(url, placing(legal_status="", reason="")).content.decode()
    assert "Select the legal status" in missing
    assert "Enter why the child is becoming looked after" in missing
    assert not Episode.objects.exists()


def test_a_police_officer_cannot_place_a_child_or_open_the_care_page(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    url = f"/care/children/{world.child.pk}/place/"
    assert police.get(url).status_code == 403
    assert police.post(url, placing()).status_code == 403
    assert not Episode.objects.exists()
    # The police work with Kira, but the care record is children's social care's.
    assert police.get(f"/care/children/{world.child.pk}/").status_code == 404


def test_an_iro_records_a_review_and_a_social_worker_cannot(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    place(world.child, world.users["social_worker"], started_on=dt.date(2026, 11, 2))
    url = f"/care/children/{world.child.pk}/reviews/new/"
    assert client_for("social_worker").get(url).status_code == 403

    iro = client_for("independent_reviewing_officer")
    form = iro.get(url).content.decode()
    assert "Due 30 November 2026" in form  # the review clock is shown while recording
    response = iro.post(
        url, {**date_parts("held_on", dt.date(2026, 11, 20)), "participation": "PN1", "notes": ""}
    )
    assert response.status_code == 302
    review = CareReview.objects.get()
    assert (review.held_on, review.chaired_by) == (
        dt.date(2026, 11, 20),
        world.users["independent_reviewing_officer"],
    )
    page = iro.get(f"/care/children/{world.child.pk}/").content.decode()
    assert "PN1: Child attended and spoke for themselves" in page
    assert "In time" in page


def test_a_move_and_the_end_of_care_are_recorded_from_the_care_page(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = place(world.child, world.users["social_worker"], started_on=dt.date(2026, 10, 1))
    home = make_carer(
        world.partnership, name="Oak House", kind="childrens_home", provider_code="PR4"
    )
    client = client_for("social_worker")
    response = client.post(
        f"/care/episodes/{episode.pk}/placement/",
        {
            "version": str(episode.version),
            **date_parts("changed_on", dt.date(2026, 11, 2)),
            "placement_type": "K2",
            "carer": str(home.pk),
            "placement_provider": "",
            "placement_postcode": "",
            "urn": "",
            "reason_place_change": "CARPL",
            "legal_status": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    current = Episode.objects.get(ended_on__isnull=True)
    assert (current.reason_new_episode, current.carer) == ("P", home)

    response = client.post(
        f"/care/episodes/{current.pk}/cease/",
        {
            "version": str(current.version),
            **date_parts("ceased_on", dt.date(2026, 11, 20)),
            "reason_ceased": "E4A",
            "next_step": "close",
            "note": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    page = client.get(f"/care/children/{world.child.pk}/").content.decode()
    assert "Care last ceased 20 November 2026" in page
    assert "E4A: Returned home" in page


def test_the_correction_form_offers_what_the_episode_can_change(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = place(world.child, world.users["social_worker"], started_on=dt.date(2026, 10, 1))
    page = client_for("team_manager").get(f"/care/episodes/{episode.pk}/correct/").content.decode()
    assert 'name="started_on_day"' in page and 'value="1"' in page
    assert 'name="reason_new_episode"' not in page  # the first episode of care is always S
    assert 'name="ended_on_day"' not in page  # care has not ceased


def test_the_work_list_shows_an_overdue_review(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.LOOKED_AFTER, opened_on=OPENED, actor=worker)
    make_episode(world.child, started_on=dt.date(2026, 10, 1), case=case)

    page = client_for("team_manager").get("/casework/work-list/?team=all").content.decode()

    # 20 working days from Thursday 1 October 2026: Thursday 29 October, overdue on 23 November.
    row = page[page.index("First review of the looked-after child") - 600 :]
    assert "29 October 2026" in row and "Overdue" in row


def test_carers_are_listed_and_added(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("team_manager")
    response = client.post(
        "/care/carers/new/",
        {
            "name": "Oak House",
            "kind": "childrens_home",
            "provider_code": "PR4",
            "urn": "",
            "postcode": "NB1 2AB",
        },
    )
    assert response.status_code == 302
    assert Carer.objects.get().name == "Oak House"
    assert "Oak House" in client.get("/care/carers/").content.decode()
    assert client_for("police_officer").get("/care/carers/").status_code == 403


def test_the_adoption_outcomes_and_social_worker_forms_open_and_save(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    place(world.child, world.users["social_worker"], started_on=dt.date(2026, 10, 1))
    client = client_for("social_worker")
    base = f"/care/children/{world.child.pk}"
    match = client.get(f"{base}/adoption/new/?what=match").content.decode()
    assert "Record the adoption match" in match and 'name="adopters_sex"' in match
    outcomes = client.get(f"{base}/outcomes/new/").content.decode()
    assert outcomes.index('name="sdq_score"') < outcomes.index('name="sdq_reason"')
    response = client.post(
        f"{base}/social-worker/",
        {
            "worker": str(world.users["team_manager"].pk),
            **date_parts("changed_on", dt.date(2026, 11, 2)),
            "reason_changed": "ORGRST",
        },
    )
    assert response.status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "ORGRST: Organisational restructure" in page
