"""Background tasks for actions (ADR 0005: django-tasks on the database queue; ADR 0015)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .services import REMINDER_WORKING_DAYS, action_reminders_send


@task()
def send_action_reminders(days: int = REMINDER_WORKING_DAYS) -> int:
    """Remind each owner once per due date: an alert in masa and an email. Returns how many."""
    return action_reminders_send(today=timezone.localdate(), days=days)
