"""Dashboard panels from other apps, registered in their ``AppConfig.ready``.

Core must not import the domain apps, so each app that shows something on the home page registers
a template and a function giving its context (or ``None`` when there is nothing for this user).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import User

PanelContext = Callable[[User, dt.date], dict[str, Any] | None]


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: PanelContext


PANELS: list[DashboardPanel] = []


def register(panel: DashboardPanel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def panels_for(user: User, today: dt.date) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for panel in PANELS:
        context = panel.context(user, today)
        if context is not None:
            shown.append((panel.template, context))
    return shown
