"""The home page's actions panel: the owner's overdue and due-soon actions, for the business unit
the partnership's overdue actions, and for everyone who reads actions the way to the tracker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masa.core.models import User
from masa.core.permissions import Permission

from . import selectors


def dashboard_panel(user: User, today: dt.date) -> dict[str, Any] | None:
    if not user.has_masa_permission(Permission.VIEW_ACTIONS):
        return None
    context: dict[str, Any] = {}
    manages = user.has_masa_permission(Permission.MANAGE_ACTIONS)
    if user.has_masa_permission(Permission.UPDATE_OWN_ACTIONS):
        summary = selectors.owner_summary(user, today)
        # Said only to someone with something due (and always to the business unit).
        if summary.overdue or summary.due_soon or manages:
            context["mine"] = summary
    if manages:
        context["partnership_overdue"] = selectors.partnership_overdue(user.partnership_id, today)
    return context
