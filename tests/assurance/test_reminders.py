"""Reminders: one per action due within 10 working days (England and Wales bank holidays not
counted) or overdue, once per due date; a new due date gets a new reminder. Each is an alert in
masa and an email to the owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from masa.assurance.models import ActionStatus as S
from masa.assurance.services import Assignment, action_reassign, action_reminders_send
from masa.assurance.tasks import send_action_reminders
from masa.core.models import Notification

from ..casework_factories import fix_today
from ..conftest import World
from .helpers import MANAGER, make_action, owner

pytestmark = pytest.mark.django_db

# Friday 15 May 2026. Ten working days on, skipping the weekends and the spring bank holiday on
# Monday 25 May, is Monday 1 June 2026 (it would be Friday 29 May without the bank holiday).
FRIDAY = dt.date(2026, 5, 15)
TENTH_WORKING_DAY = dt.date(2026, 6, 1)


def test_the_window_is_ten_working_days_without_the_spring_bank_holiday(world: World) -> None:
    last_in = make_action(world, title="Due on the tenth working day", due_on=TENTH_WORKING_DAY)
    make_action(world, title="Due the day after", due_on=dt.date(2026, 6, 2))
    sent = action_reminders_send(today=FRIDAY)
    assert sent == 1
    note = Notification.objects.get(recipient=owner(world))
    assert note.subject == "Action due 1 June 2026: Due on the tenth working day"
    assert note.link == f"/actions/{last_in.pk}/"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["health.practitioner@example.org"]
    assert email.subject == "Action due 1 June 2026: Due on the tenth working day"
    assert "is due on 1 June 2026" in email.body


def test_overdue_actions_are_reminded_and_finished_ones_are_not(world: World) -> None:
    make_action(world, title="Late", due_on=dt.date(2026, 5, 1), status=S.AT_RISK)
    make_action(world, title="Done", due_on=dt.date(2026, 5, 1), status=S.COMPLETE)
    make_action(world, title="Gone", due_on=dt.date(2026, 5, 1), status=S.WITHDRAWN)
    assert action_reminders_send(today=FRIDAY) == 1
    assert mail.outbox[0].subject == "Overdue action: Late"
    assert "was due on 1 May 2026 and is overdue" in mail.outbox[0].body


def test_one_reminder_per_due_date_and_again_when_the_date_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_today(monkeypatch, FRIDAY)
    action = make_action(world, due_on=dt.date(2026, 5, 20))
    assert action_reminders_send(today=FRIDAY) == 1
    assert action_reminders_send(today=FRIDAY) == 0
    assert action_reminders_send(today=dt.date(2026, 5, 18)) == 0
    action.refresh_from_db()
    assert action.reminded_for_due_on == dt.date(2026, 5, 20)
    assert len(mail.outbox) == 1
    action_reassign(
        actor=world.users[MANAGER],
        action=action,
        assignment=Assignment(action.owning_agency, action.owner, dt.date(2026, 5, 27)),
        reason="Training venue moved",
        version=action.version,
    )
    assert action_reminders_send(today=FRIDAY) == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Action due 27 May 2026")
    reminders = Notification.objects.filter(
        recipient=owner(world), subject__startswith="Action due"
    )
    assert reminders.count() == 2


def test_an_owner_without_an_email_address_still_gets_the_alert(world: World) -> None:
    make_action(world, due_on=dt.date(2026, 5, 19))
    user = owner(world)
    user.email = ""
    user.save(update_fields=["email"])
    assert action_reminders_send(today=FRIDAY) == 1
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=user).count() == 1


def test_the_task_and_the_command_send_reminders(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_today(monkeypatch, FRIDAY)
    make_action(world, title="First", due_on=dt.date(2026, 5, 19))
    result = send_action_reminders.enqueue()
    assert result.return_value == 1
    make_action(world, title="Second", due_on=dt.date(2026, 5, 21))
    call_command("queue_action_reminders", stdout=_Sink())
    assert [m.subject for m in mail.outbox] == [
        "Action due 19 May 2026: First",
        "Action due 21 May 2026: Second",
    ]


def test_reminders_show_on_the_home_page_and_in_my_actions(
    world: World, monkeypatch: pytest.MonkeyPatch, client_for
) -> None:  # type: ignore[no-untyped-def]
    fix_today(monkeypatch, FRIDAY)
    make_action(world, title="Refresh neglect training", due_on=dt.date(2026, 5, 19))
    action_reminders_send(today=FRIDAY)
    client = client_for("health_safeguarding_practitioner")
    assert "Action due 19 May 2026: Refresh neglect training" in client.get("/").content.decode()
    mine = client.get("/actions/mine/").content.decode()
    assert "Reminders and alerts" in mine
    assert "Action due 19 May 2026: Refresh neglect training" in mine


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
