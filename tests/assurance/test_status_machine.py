"""An action's status moves only as the table allows, each refusal says why, closing needs the
evidence of impact, reopening and withdrawing need the reason, and only the owner or the business
unit may update it. Every change is an ActionUpdate and an audit record."""

from __future__ import annotations

import pytest

from masa.assurance.models import ActionStatus as S
from masa.assurance.models import ActionUpdate
from masa.assurance.services import action_update
from masa.core.models import AuditEvent
from masa.core.services import ServiceError, StaleVersion

from ..conftest import World
from .helpers import MANAGER, make_action, owner

pytestmark = pytest.mark.django_db

ALLOWED = {
    (S.NOT_STARTED, S.ON_TRACK),
    (S.NOT_STARTED, S.AT_RISK),
    (S.NOT_STARTED, S.COMPLETE),
    (S.NOT_STARTED, S.WITHDRAWN),
    (S.ON_TRACK, S.AT_RISK),
    (S.ON_TRACK, S.COMPLETE),
    (S.ON_TRACK, S.WITHDRAWN),
    (S.AT_RISK, S.ON_TRACK),
    (S.AT_RISK, S.COMPLETE),
    (S.AT_RISK, S.WITHDRAWN),
    (S.COMPLETE, S.CLOSED),
    (S.COMPLETE, S.ON_TRACK),
    # The same status with a progress note.
    (S.NOT_STARTED, S.NOT_STARTED),
    (S.ON_TRACK, S.ON_TRACK),
    (S.AT_RISK, S.AT_RISK),
    (S.COMPLETE, S.COMPLETE),
}

CLOSE_FIRST = "Mark the action complete before closing it"
REFUSED = {
    (S.NOT_STARTED, S.CLOSED): CLOSE_FIRST,
    (S.ON_TRACK, S.CLOSED): CLOSE_FIRST,
    (S.AT_RISK, S.CLOSED): CLOSE_FIRST,
    (S.ON_TRACK, S.NOT_STARTED): "An action that is on track cannot go back to not started",
    (S.AT_RISK, S.NOT_STARTED): "An action that is at risk cannot go back to not started",
    (S.COMPLETE, S.NOT_STARTED): "An action that is complete cannot go back to not started",
    (S.COMPLETE, S.AT_RISK): "To reopen a complete action, mark it on track and give the reason",
    (S.COMPLETE, S.WITHDRAWN): (
        "A complete action cannot be withdrawn: close it with its evidence of impact"
    ),
    **{(S.CLOSED, to): "This action is closed: its status cannot change" for to in S.values},
    **{(S.WITHDRAWN, to): "This action was withdrawn: its status cannot change" for to in S.values},
}


def test_the_two_tables_cover_every_pair_of_statuses() -> None:
    pairs = {(a, b) for a in S.values for b in S.values}
    assert ALLOWED | set(REFUSED) == pairs
    assert not ALLOWED & set(REFUSED)


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_allowed_moves(world: World, from_status: str, to_status: str) -> None:
    action = make_action(world, status=from_status)
    seen_version = action.version
    done = action_update(
        actor=owner(world),
        action=action,
        to_status=to_status,
        note="Reason: the audit found more to do",
        evidence="Re-audit in March: 9 of 10 GP referrals described the child's lived experience",
        version=action.version,
    )
    assert done.status == to_status
    update = ActionUpdate.objects.get(action=action)
    assert (update.from_status, update.to_status, update.by) == (
        from_status,
        to_status,
        owner(world),
    )
    assert update.note == "Reason: the audit found more to do"
    assert done.version == seen_version + 1
    event = AuditEvent.objects.get(object_type="action", object_id=str(action.pk))
    assert event.before == {"status": from_status}
    assert event.after is not None and event.after["status"] == to_status


@pytest.mark.parametrize(("from_status", "to_status"), sorted(REFUSED))
def test_refused_moves_say_why(world: World, from_status: str, to_status: str) -> None:
    action = make_action(world, status=from_status)
    with pytest.raises(ServiceError) as refused:
        action_update(
            actor=owner(world),
            action=action,
            to_status=to_status,
            note="A reason",
            evidence="Some evidence",
            version=action.version,
        )
    assert refused.value.message == REFUSED[(from_status, to_status)]
    action.refresh_from_db()
    assert action.status == from_status
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_closing_needs_the_evidence_of_impact(world: World) -> None:
    action = make_action(world, status=S.COMPLETE)
    with pytest.raises(ServiceError) as refused:
        action_update(
            actor=owner(world),
            action=action,
            to_status=S.CLOSED,
            note="Done",
            evidence="  ",
            version=action.version,
        )
    assert refused.value.message == "Add the evidence of impact before closing the action"
    assert refused.value.field == "evidence"
    closed = action_update(
        actor=owner(world),
        action=action,
        to_status=S.CLOSED,
        note="",
        evidence="Referrals from GPs now describe the child's daily life (re-audit, March)",
        version=action.version,
    )
    assert closed.status == S.CLOSED
    assert closed.evidence_of_impact.startswith("Referrals from GPs")
    assert closed.closed_on is not None
    assert ActionUpdate.objects.get(action=action).evidence.startswith("Referrals from GPs")


def test_evidence_recorded_earlier_is_enough_to_close(world: World) -> None:
    action = make_action(
        world, status=S.COMPLETE, evidence_of_impact="Case audit shows improved plans"
    )
    closed = action_update(
        actor=world.users[MANAGER],
        action=action,
        to_status=S.CLOSED,
        note="",
        evidence="Case audit shows improved plans",
        version=action.version,
    )
    assert closed.status == S.CLOSED


def test_the_close_refusal_shows_on_the_update_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world, status=S.COMPLETE)
    response = client_for("health_safeguarding_practitioner").post(
        f"/actions/{action.pk}/update/",
        {"status": S.CLOSED, "note": "", "evidence": "", "version": action.version},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#evidence">Add the evidence of impact before closing the action' in body
    assert "<title>Error:" in body
    action.refresh_from_db()
    assert action.status == S.COMPLETE


@pytest.mark.parametrize(
    ("from_status", "to_status", "message"),
    [
        (S.ON_TRACK, S.WITHDRAWN, "Give the reason for withdrawing the action"),
        (S.NOT_STARTED, S.WITHDRAWN, "Give the reason for withdrawing the action"),
        (S.COMPLETE, S.ON_TRACK, "Give the reason for reopening the action"),
        (S.AT_RISK, S.AT_RISK, "Enter a progress note, or choose a new status"),
    ],
)
def test_withdrawing_and_reopening_need_the_reason(
    world: World, from_status: str, to_status: str, message: str
) -> None:
    action = make_action(world, status=from_status)
    with pytest.raises(ServiceError) as refused:
        action_update(
            actor=owner(world),
            action=action,
            to_status=to_status,
            note=" ",
            evidence="",
            version=action.version,
        )
    assert refused.value.message == message
    assert refused.value.field == "note"


def test_a_withdrawn_action_keeps_its_reason_and_is_not_deleted(world: World) -> None:
    action = make_action(world, status=S.ON_TRACK)
    action_update(
        actor=world.users[MANAGER],
        action=action,
        to_status=S.WITHDRAWN,
        note="Superseded by the new neglect strategy",
        evidence="",
        version=action.version,
    )
    action.refresh_from_db()
    assert action.status == S.WITHDRAWN
    assert action.withdrawn_reason == "Superseded by the new neglect strategy"


def test_reopening_clears_the_completion_date(world: World) -> None:
    action = make_action(world, status=S.ON_TRACK)
    action = action_update(
        actor=owner(world),
        action=action,
        to_status=S.COMPLETE,
        note="Training delivered",
        evidence="",
        version=action.version,
    )
    assert action.completed_on is not None
    action = action_update(
        actor=owner(world),
        action=action,
        to_status=S.ON_TRACK,
        note="Two practices missed the training",
        evidence="",
        version=action.version,
    )
    assert action.completed_on is None
    assert list(action.updates.values_list("from_status", "to_status")) == [
        (S.ON_TRACK, S.COMPLETE),
        (S.COMPLETE, S.ON_TRACK),
    ]


def test_someone_else_with_their_own_actions_is_refused(world: World) -> None:
    action = make_action(world, status=S.ON_TRACK)
    with pytest.raises(ServiceError) as refused:
        action_update(
            actor=world.users["police_officer"],
            action=action,
            to_status=S.AT_RISK,
            note="Trying to change someone else's action",
            evidence="",
            version=action.version,
        )
    assert refused.value.message == (
        f"Only the owner of this action ({owner(world).display_name}) or the partnership "
        "business unit can update it"
    )


def test_the_update_page_refuses_someone_who_is_not_the_owner(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world, status=S.ON_TRACK)
    response = client_for("police_officer").get(f"/actions/{action.pk}/update/")
    assert response.status_code == 403
    assert "Only the owner of this action" in response.content.decode()
    response = client_for("police_officer").post(
        f"/actions/{action.pk}/update/",
        {"status": S.AT_RISK, "note": "x", "evidence": "", "version": action.version},
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == S.ON_TRACK
    # A read-only role cannot reach the page at all; the owner and the business unit can.
    assert (
        client_for("independent_scrutineer").get(f"/actions/{action.pk}/update/").status_code == 403
    )
    assert (
        client_for("health_safeguarding_practitioner")
        .get(f"/actions/{action.pk}/update/")
        .status_code
        == 200
    )
    assert client_for("business_manager").get(f"/actions/{action.pk}/update/").status_code == 200


def test_the_owner_updates_through_the_page_and_sees_the_history(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world, status=S.NOT_STARTED)
    client = client_for("health_safeguarding_practitioner")
    response = client.post(
        f"/actions/{action.pk}/update/",
        {
            "status": S.AT_RISK,
            "note": "GP training dates clash with flu clinics",
            "evidence": "",
            "version": action.version,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Not started to At risk" in page
    assert "GP training dates clash with flu clinics" in page


def test_a_stale_version_is_refused(world: World) -> None:
    action = make_action(world, status=S.ON_TRACK)
    action_update(
        actor=owner(world),
        action=action,
        to_status=S.AT_RISK,
        note="First",
        evidence="",
        version=action.version,
    )
    with pytest.raises(StaleVersion):
        action_update(
            actor=world.users[MANAGER],
            action=action,
            to_status=S.COMPLETE,
            note="Second, from an old page",
            evidence="",
            version=1,
        )
