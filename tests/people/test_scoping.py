"""Records are scoped by agency; outside scope is a 404 unless access is granted or glass broken."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from masa.core.models import AccessGrant, AuditAction, AuditEvent, BreakGlass, Notification

from ..conftest import World


def normalised(body: bytes) -> str:
    """The page without its per-request security tokens (CSP nonce and CSRF token)."""
    text = body.decode()
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)


@pytest.mark.django_db
def test_out_of_scope_child_gives_exactly_the_not_found_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    hidden = police.get(f"/children/{world.la_only_child.pk}/")
    missing = police.get("/children/987654/")
    assert hidden.status_code == missing.status_code == 404
    assert normalised(hidden.content) == normalised(missing.content)
    assert "Jay" not in hidden.content.decode()


@pytest.mark.django_db
def test_search_only_finds_children_in_scope(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    school = client_for("designated_safeguarding_lead")
    assert ">Kira Holt</a>" in school.get("/children/", {"q": "holt"}).content.decode()
    assert ">Jay Moss</a>" not in school.get("/children/", {"q": "moss"}).content.decode()
    page = client_for("social_worker").get("/children/", {"q": "moss"}).content.decode()
    assert "Jay Moss" in page and "Kira Holt" not in page


@pytest.mark.django_db
def test_a_time_boxed_grant_opens_the_record_until_it_expires(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    url = f"/children/{world.la_only_child.pk}/"
    assert police.get(url).status_code == 404
    manager = client_for("team_manager")
    refused = manager.post(
        f"/children/{world.la_only_child.pk}/give-access/",
        {"grantee": world.users["police_officer"].pk, "reason": "joint", "days": "45"},
    )
    body = refused.content.decode()
    assert "Access can be granted for between 1 and 30 days" in body
    assert "Give the reason" not in body or "at least 10 characters" in body
    manager.post(
        f"/children/{world.la_only_child.pk}/give-access/",
        {
            "grantee": world.users["police_officer"].pk,
            "reason": "Joint visit planned with the public protection unit",
            "days": "2",
        },
    )
    assert police.get(url).status_code == 200
    assert Notification.objects.filter(recipient=world.users["police_officer"]).exists()
    AccessGrant.objects.update(
        expires_at=timezone.now() - dt.timedelta(minutes=1),
        starts_at=timezone.now() - dt.timedelta(days=2),
    )
    assert police.get(url).status_code == 404


@pytest.mark.django_db
def test_break_glass_opens_the_record_alerts_owners_and_waits_for_review(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    police = client_for("police_officer")
    short = police.post(
        "/children/emergency-access/", {"child_id": world.la_only_child.masa_id, "reason": "urgent"}
    )
    assert "at least 20 characters" in short.content.decode()
    assert not BreakGlass.objects.exists()
    unknown = police.post(
        "/children/emergency-access/",
        {"child_id": "C999999", "reason": "Child reported missing overnight, found by patrol"},
    )
    assert "No child has that masa ID" in unknown.content.decode()
    response = police.post(
        "/children/emergency-access/",
        {
            "child_id": world.la_only_child.masa_id,
            "reason": "Child reported missing overnight, found by patrol",
        },
    )
    assert response["Location"] == f"/children/{world.la_only_child.pk}/"
    assert police.get(response["Location"]).status_code == 200
    alerted = set(Notification.objects.values_list("recipient__username", flat=True))
    assert alerted == {"team_manager"}  # the child has no allocated worker
    assert AuditEvent.objects.filter(
        action=AuditAction.BREAK_GLASS, child_id=world.la_only_child.pk
    ).exists()

    manager = client_for("team_manager")
    assert (
        "Child reported missing overnight"
        in manager.get("/emergency-access-reviews/").content.decode()
    )
    use = BreakGlass.objects.get()
    missing_choice = manager.post("/emergency-access-reviews/", {"use_id": use.pk})
    assert "Select whether the access was appropriate" in missing_choice.content.decode()
    manager.post(
        "/emergency-access-reviews/",
        {"use_id": use.pk, f"use{use.pk}-outcome": "appropriate", f"use{use.pk}-note": "Justified"},
    )
    use.refresh_from_db()
    assert use.reviewed_by == world.users["team_manager"] and use.review_outcome == "appropriate"


@pytest.mark.django_db
def test_who_has_viewed_report_for_the_data_protection_officer(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("police_officer").get(f"/children/{world.child.pk}/")
    client_for("designated_safeguarding_lead").get(f"/children/{world.child.pk}/")
    report = client_for("data_protection_officer").get(f"/children/{world.child.pk}/who-viewed/")
    body = report.content.decode()
    assert report.status_code == 200
    assert "police_officer" in body and "designated_safeguarding_lead" in body
    assert (
        client_for("social_worker").get(f"/children/{world.child.pk}/who-viewed/").status_code
        == 403
    )
