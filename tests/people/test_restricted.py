"""Restricted records: only the people closest to the child can open them; everyone else gets
the same not-found page as for a child who does not exist, and must use emergency access."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from masa.core.models import AccessGrant, AuditAction, AuditEvent
from masa.people.models import Child
from masa.people.selectors import children_visible_to, search_children

from ..conftest import World
from ..factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
REASON = "Placed for adoption: keep the new family and address private"


def normalised(body: bytes) -> str:
    text = body.decode()
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)


@pytest.fixture
def restricted(world: World, client_for) -> Child:  # type: ignore[no-untyped-def]
    response = client_for("team_manager").post(
        f"/children/{world.child.pk}/restrict/", {"reason": REASON}
    )
    assert response.status_code == 302
    return Child.objects.get(pk=world.child.pk)


def test_restricting_is_audited_and_shown(restricted: Child, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert restricted.is_restricted and restricted.restriction_reason == REASON
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, child_id=restricted.pk)
    assert (event.before, event.after, event.reason) == (
        {"is_restricted": False},
        {"is_restricted": True},
        REASON,
    )
    page = client_for("social_worker").get(f"/children/{restricted.pk}/").content.decode()
    assert "Restricted record" in page and REASON in page


def test_agencies_involved_get_exactly_the_not_found_page(
    restricted: Child, world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    # The police, health and the school all work with Kira, but the record is restricted.
    for role in (
        "police_officer",
        "health_safeguarding_practitioner",
        "designated_safeguarding_lead",
    ):
        client = client_for(role)
        hidden = client.get(f"/children/{restricted.pk}/")
        missing = client.get("/children/987654/")
        assert hidden.status_code == missing.status_code == 404
        assert normalised(hidden.content) == normalised(missing.content)
        assert list(search_children(world.users[role], "Kira Holt")) == []
    # So do local authority staff outside the owning team: the LADO and the IRO.
    for role in ("lado", "independent_reviewing_officer"):
        assert client_for(role).get(f"/children/{restricted.pk}/").status_code == 404


def test_the_allocated_worker_and_the_owning_team_still_see_it(
    restricted: Child, world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    assert client_for("social_worker").get(f"/children/{restricted.pk}/").status_code == 200
    assert client_for("team_manager").get(f"/children/{restricted.pk}/").status_code == 200
    colleague = UserFactory(role="social_worker", agency=world.la_team.agency, team=world.la_team)
    assert children_visible_to(colleague).filter(pk=restricted.pk).exists()
    other_team = TeamFactory(agency=world.la_team.agency)
    outsider = UserFactory(role="social_worker", agency=world.la_team.agency, team=other_team)
    assert not children_visible_to(outsider).filter(pk=restricted.pk).exists()
    # An allocated worker in another team keeps sight of their own child.
    Child.objects.filter(pk=restricted.pk).update(allocated_worker=outsider)
    assert children_visible_to(outsider).filter(pk=restricted.pk).exists()


def test_a_grant_or_emergency_access_opens_it(restricted: Child, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    url = f"/children/{restricted.pk}/"
    assert police.get(url).status_code == 404
    now = timezone.now()
    AccessGrant.objects.create(
        user=world.users["police_officer"], record_type="child", record_id=restricted.pk,
        reason="Joint visit", approved_by=world.users["team_manager"],
        starts_at=now, expires_at=now + dt.timedelta(days=1),
    )  # fmt: skip
    assert police.get(url).status_code == 200
    health = client_for("health_safeguarding_practitioner")
    assert health.get(url).status_code == 404
    health.post(
        "/children/emergency-access/",
        {"child_id": restricted.masa_id, "reason": "Child brought to A&E with injuries tonight"},
    )
    assert health.get(url).status_code == 200


def test_lifting_the_restriction(restricted: Child, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    form = manager.get(f"/children/{restricted.pk}/restrict/").content.decode()
    assert "Remove the restriction" in form and REASON in form
    manager.post(
        f"/children/{restricted.pk}/restrict/", {"reason": "Adoption order made; review done"}
    )
    child = Child.objects.get(pk=restricted.pk)
    assert not child.is_restricted and child.restriction_reason == ""
    assert client_for("police_officer").get(f"/children/{child.pk}/").status_code == 200


def test_bad_input_and_the_wrong_manager_are_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    url = f"/children/{world.child.pk}/restrict/"
    for reason, message in [
        ("", "Enter why the record should be restricted"),
        ("Adopted", "Reason must be at least 10 characters"),
        ("x" * 2001, "Reason must be 2,000 characters or fewer"),
    ]:
        body = manager.post(url, {"reason": reason}).content.decode()
        assert f'href="#reason">{message}' in body
    # A manager of another team would lock themselves out: refused.
    other_team = TeamFactory(agency=world.la_team.agency, name="Children in Care Team")
    other = UserFactory(role="team_manager", agency=world.la_team.agency, team=other_team)
    from ..conftest import signed_in_client

    body = signed_in_client(other).post(url, {"reason": REASON}).content.decode()
    assert "Only a manager in Assessment Team, the team that owns this record" in body
    assert not Child.objects.get(pk=world.child.pk).is_restricted
    assert client_for("social_worker").post(url, {"reason": REASON}).status_code == 403
