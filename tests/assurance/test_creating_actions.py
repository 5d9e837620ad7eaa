"""Creating actions (from a case review recommendation, an audit, an inspection, Section 11 or a
priority) and changing who owns them or when they are due: business unit only, audited, the new
owner told, and never a child's name on a page the whole partnership reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.assurance.models import Action, ActionSource, ActionStatus, ActionUpdate
from masa.assurance.services import Assignment, action_create, action_reassign
from masa.core.models import AgencyKind, AuditEvent, Notification
from masa.core.services import ServiceError
from masa.reviews.models import Recommendation

from ..conftest import World
from ..frontdoor.factories import date_fields
from ..reviews_factories import make_review
from .helpers import MANAGER, OWNER, make_action, make_priority

pytestmark = pytest.mark.django_db


def _recommendation(world: World, text: str) -> Recommendation:
    review = make_review(world, anonymised_name="Child K")
    return Recommendation.objects.create(
        review=review, number=3, text=text, recorded_by=world.users[MANAGER]
    )


def _form(world: World, priority_id: int, due_on: dt.date, **fields: str) -> dict[str, str]:
    return {
        "title": "Audit GP referrals for the child's lived experience",
        "detail": "",
        "priority": str(priority_id),
        "owning_agency": str(world.agencies[AgencyKind.HEALTH].pk),
        "owner": str(world.users[OWNER].pk),
        **date_fields("due_on", due_on),
        **fields,
    }


def test_the_recommendation_page_never_shows_the_childs_name(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    recommendation = _recommendation(
        world, "Agencies working with Kira Holt should share school absence with the GP."
    )
    make_priority(world)
    response = client_for(MANAGER).get(f"/actions/from-recommendation/{recommendation.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kira" not in body and "Holt" not in body
    assert "Agencies working with Child K should share school absence with the GP." in body


def test_one_recommendation_becomes_several_actions(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    recommendation = _recommendation(world, "Improve information sharing with GPs.")
    priority = make_priority(world)
    client = client_for(MANAGER)
    url = f"/actions/from-recommendation/{recommendation.pk}/"
    due = timezone.localdate() + dt.timedelta(days=90)
    assert client.post(url, _form(world, priority.pk, due)).status_code == 302
    second = _form(world, priority.pk, due, title="Add GP practices to the MASH rota")
    assert client.post(url, second).status_code == 302
    actions = Action.objects.filter(recommendation=recommendation).order_by("id")
    assert [a.title for a in actions] == [
        "Audit GP referrals for the child's lived experience",
        "Add GP practices to the MASH rota",
    ]
    first = actions[0]
    assert first.source == ActionSource.CASE_REVIEW
    assert first.source_reference == "Child K, recommendation 3"
    assert first.priority == priority
    assert first.owner == world.users[OWNER]
    assert first.status == ActionStatus.NOT_STARTED
    assert ActionUpdate.objects.filter(action=first, note="Action created").exists()
    assert AuditEvent.objects.filter(object_type="action", object_id=str(first.pk)).exists()
    # The owner is told.
    assert Notification.objects.filter(
        recipient=world.users[OWNER], link=f"/actions/{first.pk}/"
    ).exists()
    page = client.get(url).content.decode()
    assert "Add GP practices to the MASH rota" in page


def test_an_action_naming_the_child_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    recommendation = _recommendation(world, "Improve information sharing with GPs.")
    priority = make_priority(world)
    due = timezone.localdate() + dt.timedelta(days=90)
    response = client_for(MANAGER).post(
        f"/actions/from-recommendation/{recommendation.pk}/",
        _form(world, priority.pk, due, title="Share Kira's school absence with her GP"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The action contains “Kira”, a name from the review: use “Child K” instead" in body
    assert not Action.objects.exists()


def test_a_withdrawn_recommendation_takes_no_actions(world: World) -> None:
    recommendation = _recommendation(world, "Improve information sharing with GPs.")
    recommendation.withdrawn_reason = "Duplicated recommendation 2"
    recommendation.save()
    from masa.assurance.services import action_create_from_recommendation

    with pytest.raises(ServiceError, match="This recommendation was withdrawn"):
        action_create_from_recommendation(
            actor=world.users[MANAGER],
            recommendation=recommendation,
            title="Anything",
            detail="",
            priority=make_priority(world),
            assignment=Assignment(
                world.agencies[AgencyKind.HEALTH],
                world.users[OWNER],
                timezone.localdate() + dt.timedelta(days=9),
            ),
        )


def test_an_action_from_an_inspection_with_its_reference(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(world, 2, "Holding partners to account")
    due = timezone.localdate() + dt.timedelta(days=120)
    form = _form(
        world,
        priority.pk,
        due,
        title="Publish a risk register showing challenge to partners",
        source=ActionSource.INSPECTION,
        source_reference="",
    )
    client = client_for(MANAGER)
    response = client.post("/actions/new/", form)
    assert "Enter the inspection, for example" in response.content.decode()
    form["source_reference"] = "Ofsted 2017 review of the LSCB, recommendation 3"
    response = client.post("/actions/new/", form)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.source == ActionSource.INSPECTION
    assert action.source_reference == "Ofsted 2017 review of the LSCB, recommendation 3"
    assert response["Location"] == f"/actions/{action.pk}/"


def test_a_due_date_in_the_past_is_refused_when_created(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        action_create(
            actor=world.users[MANAGER],
            title="Late before it starts",
            detail="",
            source=ActionSource.SECTION_11,
            source_reference="Section 11 audit 2026, standard 4",
            priority=make_priority(world),
            assignment=Assignment(
                world.agencies[AgencyKind.HEALTH],
                world.users[OWNER],
                timezone.localdate() - dt.timedelta(days=1),
            ),
        )
    assert refused.value.message == "The due date must be today or in the future"
    assert refused.value.field == "due_on"


def test_the_owner_must_work_for_the_owning_agency(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        action_create(
            actor=world.users[MANAGER],
            title="Mismatched owner",
            detail="",
            source=ActionSource.PRIORITY,
            source_reference="",
            priority=make_priority(world),
            assignment=Assignment(
                world.agencies[AgencyKind.POLICE],
                world.users[OWNER],
                timezone.localdate(),
            ),
        )
    assert refused.value.message == (
        f"The owner must work for the owning agency: {world.users[OWNER].display_name} works "
        "for Test Health (ICB or provider)"
    )


def test_only_the_business_unit_creates_actions(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(OWNER).get("/actions/new/").status_code == 403
    with pytest.raises(ServiceError, match="Only the partnership business unit"):
        action_create(
            actor=world.users[OWNER],
            title="Self-assigned",
            detail="",
            source=ActionSource.PRIORITY,
            source_reference="",
            priority=make_priority(world),
            assignment=Assignment(
                world.agencies[AgencyKind.HEALTH], world.users[OWNER], timezone.localdate()
            ),
        )


def test_reassigning_tells_the_new_owner_and_is_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world, status=ActionStatus.AT_RISK)
    police = world.users["police_officer"]
    new_due = timezone.localdate() + dt.timedelta(days=200)
    response = client_for(MANAGER).post(
        f"/actions/{action.pk}/edit/",
        {
            "owning_agency": str(world.agencies[AgencyKind.POLICE].pk),
            "owner": str(police.pk),
            **date_fields("due_on", new_due),
            "reason": "Police now lead the exploitation work",
            "version": str(action.version),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == police
    assert action.due_on == new_due
    assert action.status == ActionStatus.AT_RISK
    note = Notification.objects.get(recipient=police)
    assert note.subject == f"You now own an action: {action.title}"
    event = AuditEvent.objects.filter(object_type="action", object_id=str(action.pk)).first()
    assert event is not None
    assert event.reason == "Police now lead the exploitation work"
    assert event.after is not None and event.after["owner"] == police.pk
    update = ActionUpdate.objects.get(action=action)
    assert "Owner changed from" in update.note
    assert "Reason: Police now lead the exploitation work" in update.note


def test_only_managers_change_the_owner_or_due_date(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world)
    assert client_for(OWNER).get(f"/actions/{action.pk}/edit/").status_code == 403
    with pytest.raises(ServiceError, match="Only the partnership business unit"):
        action_reassign(
            actor=world.users[OWNER],
            action=action,
            assignment=Assignment(
                action.owning_agency, action.owner, action.due_on + dt.timedelta(days=30)
            ),
            reason="I would like longer",
            version=action.version,
        )


def test_reassigning_needs_a_reason_and_a_change(world: World) -> None:
    action = make_action(world)
    same = Assignment(action.owning_agency, action.owner, action.due_on)
    with pytest.raises(ServiceError, match="Give the reason for the change"):
        action_reassign(
            actor=world.users[MANAGER], action=action, assignment=same, reason="", version=1
        )
    with pytest.raises(ServiceError, match="Change the owner or the due date"):
        action_reassign(
            actor=world.users[MANAGER], action=action, assignment=same, reason="x", version=1
        )
