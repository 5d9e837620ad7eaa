"""Priorities and actions for the assurance tests, made directly (no services) so a test can start
from any status. The health safeguarding practitioner owns the actions; the business manager
manages them."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

from django.utils import timezone

from masa.assurance.models import Action, ActionSource, ActionStatus, Priority
from masa.core.models import AgencyKind, User

from ..conftest import World

OWNER = "health_safeguarding_practitioner"
MANAGER = "business_manager"


def make_priority(
    world: World, number: int = 1, title: str = "Early help and prevention"
) -> Priority:
    return Priority.objects.create(
        partnership=world.partnership,
        number=number,
        title=title,
        starts_on=dt.date(2026, 4, 1),
    )


def owner(world: World) -> User:
    user = world.users[OWNER]
    if not user.email:
        user.email = "health.practitioner@example.org"
        user.save(update_fields=["email"])
    return user


def make_action(
    world: World,
    *,
    due_on: dt.date | None = None,
    status: str = ActionStatus.NOT_STARTED,
    priority: Priority | None = None,
    title: str = "Refresh neglect training for GPs",
    **fields: Any,
) -> Action:
    return Action.objects.create(
        partnership=world.partnership,
        title=title,
        source=fields.pop("source", ActionSource.AUDIT),
        source_reference=fields.pop("source_reference", "Neglect audit 2026, finding 2"),
        priority=priority
        or Priority.objects.filter(partnership=world.partnership).first()
        or make_priority(world),
        owning_agency=fields.pop("owning_agency", world.agencies[AgencyKind.HEALTH]),
        owner=fields.pop("owner", None) or owner(world),
        due_on=due_on or timezone.localdate() + dt.timedelta(days=60),
        status=status,
        created_by=world.users[MANAGER],
        **fields,
    )


def action_titles(html: str, link_class: str = "govuk-link") -> list[str]:
    """The titles of the actions linked from a page's table or task list, in page order."""
    pattern = rf'<a class="{link_class}"\s+href="/actions/\d+/"[^>]*>([^<]+)</a>'
    return [unescape(title) for title in re.findall(pattern, html)]


def status_counts(html: str) -> dict[str, int]:
    """The tracker's "Actions by status" table."""
    pattern = r'\?status=\w+">([^<]+)</a>\s*</th>\s*<td[^>]*>(\d+)</td>'
    return {label: int(count) for label, count in re.findall(pattern, html)}
