"""Private fostering pages: who may open them, the notification with its late flag, visits and
their clocks on the child's page and the list, refusals shown on the form."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.care.models import PrivateFostering, PrivateFosteringVisit
from masa.core.models import AuditEvent
from tests.conftest import World
from tests.journey.factories import today

__all__ = ["today"]

pytestmark = pytest.mark.django_db


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def notification(**changes: str) -> dict[str, str]:
    data = {
        **date_parts("notified_on", dt.date(2026, 11, 12)),  # Thursday
        **date_parts("proposed_start_on", dt.date(2026, 11, 16)),
        "carer_name": "Morgan Reid",
        "carer_relationship": "Family friend",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "role", ["police_officer", "designated_safeguarding_lead", "lado", "business_manager"]
)
def test_roles_without_record_care_are_refused(world: World, client_for, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role)
    assert client.get("/care/private-fostering/").status_code == 403
    assert client.get(f"/care/children/{world.child.pk}/private-fostering/").status_code == 403
    notify = f"/care/children/{world.child.pk}/private-fostering/notify/"
    assert client.post(notify, notification()).status_code == 403
    assert not PrivateFostering.objects.exists()


def test_a_late_notification_then_visits_and_the_end(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    child_page = f"/care/children/{world.child.pk}/private-fostering/"
    response = client.post(f"{child_page}notify/", notification())
    assert response.status_code == 302
    assert response["Location"] == child_page
    arrangement = PrivateFostering.objects.get()

    page = client.get(child_page).content.decode()
    assert "Late notification: notified 4 days before the proposed start" in page
    assert "by 5 October 2026" in page
    # Notified Thursday 12 November: 7 working days later is Monday 23 November (today).
    assert "Due 23 November 2026" in page
    assert AuditEvent.objects.filter(action="view", child_id=world.child.pk).exists()

    base = f"/care/private-fostering/{arrangement.pk}"
    start = {**date_parts("started_on", dt.date(2026, 11, 16)), "version": "1"}
    assert client.post(f"{base}/start/", start).status_code == 302
    visit = {
        **date_parts("visited_on", dt.date(2026, 11, 20)),
        "child_seen": "yes",
        "child_seen_alone": "yes",
        "notes": "Settled, sharing a room with the carer's daughter",
    }
    assert client.post(f"{base}/visits/new/", visit).status_code == 302
    page = client.get(child_page).content.decode()
    assert "Due 23 November 2026, done 20 November 2026" in page
    assert "In time" in page
    assert "Due 1 January 2027" in page  # 20 November + 6 weeks

    listing = client.get("/care/private-fostering/").content.decode()
    assert "Kira Holt" in listing
    assert "Late notification" in listing
    assert "due 1 January 2027" in listing

    arrangement.refresh_from_db()
    end = {
        **date_parts("ended_on", today),
        "end_reason": "Returned to her mother",
        "version": str(arrangement.version),
    }
    assert client.post(f"{base}/end/", end).status_code == 302
    page = client.get(child_page).content.decode()
    assert "23 November 2026: Returned to her mother" in page
    assert "Record a notification" in page
    assert (
        "No private fostering arrangements."
        in client.get("/care/private-fostering/").content.decode()
    )


def test_refusals_show_on_the_form(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.post(f"/care/children/{world.child.pk}/private-fostering/notify/", notification())
    arrangement = PrivateFostering.objects.get()
    page = client.post(
        f"/care/private-fostering/{arrangement.pk}/visits/new/",
        {
            **date_parts("visited_on", dt.date(2026, 11, 11)),
            "child_seen": "yes",
            "child_seen_alone": "no",
            "notes": "",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "The date of the visit must be on or after the notification (12 November 2026)" in page
    assert not PrivateFosteringVisit.objects.exists()
    page = client.post(
        f"/care/children/{world.child.pk}/private-fostering/notify/", notification()
    ).content.decode()
    assert "already has a private fostering arrangement that has not ended" in page
