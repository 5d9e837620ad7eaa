"""Queue the action reminders task. Run it once a day (cron, or a systemd timer) alongside
``manage.py db_worker``, which runs what is queued (ADR 0015)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masa.assurance.services import REMINDER_WORKING_DAYS
from masa.assurance.tasks import send_action_reminders


class Command(BaseCommand):
    help = "Queue reminders for actions due within N working days (default 10) or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=REMINDER_WORKING_DAYS,
            help="Remind owners this many working days before an action is due (default 10).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            self.stderr.write("--days must be 0 or more")
            return
        result = send_action_reminders.enqueue(days=days)
        self.stdout.write(f"Queued action reminders ({days} working days): task {result.id}")
