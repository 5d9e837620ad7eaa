"""Reads for the actions tracker and the golden thread.

"Overdue" is derived here, from the due date and today, and never stored: an action is overdue
when its due date has passed (due yesterday: overdue; due today: not yet) and its work is still
open (not started, on track or at risk). Lists filter and count by this *display* status, so the
counts add up to the number of actions shown.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from masa.core.calendar import working_day_calendar
from masa.core.models import Notification, User
from masa.core.permissions import ROLES, Permission

from . import figures
from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    MeasureDirection,
    MeasureReading,
    OutcomeMeasure,
    Priority,
)
from .services import REMINDER_WORKING_DAYS
from .transitions import ALLOWED_MOVES, FINAL_STATUSES, OPEN_STATUSES

OVERDUE = "overdue"


@dataclass(frozen=True)
class DisplayStatus:
    """What a person sees: the word (never colour alone) and the GOV.UK tag colour."""

    code: str
    label: str
    tag_class: str


DISPLAY_STATUSES: dict[str, DisplayStatus] = {
    status.code: status
    for status in (
        DisplayStatus(OVERDUE, "Overdue", "govuk-tag--red"),
        DisplayStatus(ActionStatus.NOT_STARTED, "Not started", "govuk-tag--grey"),
        DisplayStatus(ActionStatus.ON_TRACK, "On track", "govuk-tag--green"),
        DisplayStatus(ActionStatus.AT_RISK, "At risk", "govuk-tag--orange"),
        DisplayStatus(ActionStatus.COMPLETE, "Complete", "govuk-tag--blue"),
        DisplayStatus(ActionStatus.CLOSED, "Closed with evidence", "govuk-tag--purple"),
        DisplayStatus(ActionStatus.WITHDRAWN, "Withdrawn", "govuk-tag--grey"),
    )
}


def is_overdue(action: Action, today: dt.date) -> bool:
    return action.status in OPEN_STATUSES and action.due_on < today


def display_status(action: Action, today: dt.date) -> DisplayStatus:
    if is_overdue(action, today):
        return DISPLAY_STATUSES[OVERDUE]
    return DISPLAY_STATUSES[action.status]


def number(value: decimal.Decimal | float | int | None) -> str:
    """A figure as people write it: 12.5, 33, 1,250 (no trailing zeros)."""
    if value is None:
        return ""
    exact = decimal.Decimal(str(value)).normalize()
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    return f"{exact:,f}"


def _overdue_q(today: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


# ---------------------------------------------------------------- actions


def actions_for(user: User) -> QuerySet[Action]:
    """Every action of the user's partnership (actions hold no child-level data)."""
    if not user.has_masa_permission(Permission.VIEW_ACTIONS):
        return Action.objects.none()
    return Action.objects.filter(partnership_id=user.partnership_id).select_related(
        "owner", "owning_agency", "priority", "recommendation__review"
    )


def action_for_user(user: User, action_id: int) -> Action:
    action = actions_for(user).filter(pk=action_id).first()
    if action is None:
        raise Http404("No action found")
    return action


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    source: str = ""
    priority_id: int | None = None
    agency_id: int | None = None


def filter_actions(
    actions: QuerySet[Action], filters: ActionFilters, today: dt.date
) -> QuerySet[Action]:
    if filters.status == OVERDUE:
        actions = actions.filter(_overdue_q(today))
    elif filters.status in OPEN_STATUSES:
        actions = actions.filter(status=filters.status, due_on__gte=today)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.source:
        actions = actions.filter(source=filters.source)
    if filters.priority_id:
        actions = actions.filter(priority_id=filters.priority_id)
    if filters.agency_id:
        actions = actions.filter(owning_agency_id=filters.agency_id)
    return actions


def status_counts(actions: QuerySet[Action], today: dt.date) -> list[tuple[DisplayStatus, int]]:
    """How many actions have each display status, in the tracker's order (zeros included)."""
    counted: Counter[str] = Counter()
    for status, due_on in actions.values_list("status", "due_on"):
        overdue = status in OPEN_STATUSES and due_on < today
        counted[OVERDUE if overdue else status] += 1
    return [(shown, counted[code]) for code, shown in DISPLAY_STATUSES.items()]


def history(action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("by").order_by("-at", "-id")


def next_statuses(action: Action) -> list[str]:
    """The statuses the update form offers: the current one (for a progress note) and the moves
    the status table allows."""
    if action.status in FINAL_STATUSES:
        return []
    return [action.status, *sorted(ALLOWED_MOVES[action.status], key=_status_order)]


def _status_order(status: str) -> int:
    return list(ActionStatus.values).index(status)


def my_actions(user: User) -> QuerySet[Action]:
    """The owner's task list: work still to do (and complete actions awaiting closure), due soonest
    first."""
    return (
        Action.objects.filter(owner=user)
        .exclude(status__in=FINAL_STATUSES)
        .select_related("owning_agency", "priority")
        .order_by("due_on", "id")
    )


def action_alerts(user: User) -> QuerySet[Notification]:
    """Unread alerts about actions (reminders, new ownership), for the owner's task list."""
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, link__startswith="/actions/"
    )


@dataclass(frozen=True)
class ActionSummary:
    overdue: int
    due_soon: int
    days: int


def owner_summary(user: User, today: dt.date, days: int = REMINDER_WORKING_DAYS) -> ActionSummary:
    """How many of the user's open actions are overdue, and how many fall due within ``days``
    working days (today included)."""
    horizon = working_day_calendar().add_working_days(today, days)
    mine = Action.objects.filter(owner=user, status__in=OPEN_STATUSES)
    return ActionSummary(
        overdue=mine.filter(due_on__lt=today).count(),
        due_soon=mine.filter(due_on__gte=today, due_on__lte=horizon).count(),
        days=days,
    )


def partnership_overdue(partnership_id: int, today: dt.date) -> int:
    return Action.objects.filter(_overdue_q(today), partnership_id=partnership_id).count()


def recommendation_actions(recommendation_id: int) -> QuerySet[Action]:
    return Action.objects.filter(recommendation_id=recommendation_id).select_related(
        "owner", "owning_agency", "priority"
    )


def owner_choices(partnership_id: int) -> QuerySet[User]:
    """People who may own an action: active users whose role updates the actions they own."""
    codes = [
        code for code, role in ROLES.items() if Permission.UPDATE_OWN_ACTIONS in role.permissions
    ]
    return (
        User.objects.filter(agency__partnership_id=partnership_id, is_active=True, role__in=codes)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


# ---------------------------------------------------------------- priorities and measures


def priorities_for(user: User) -> QuerySet[Priority]:
    if not user.has_masa_permission(Permission.VIEW_ACTIONS):
        return Priority.objects.none()
    return Priority.objects.filter(partnership_id=user.partnership_id).select_related("lead_agency")


def priority_for_user(user: User, priority_id: int) -> Priority:
    priority = priorities_for(user).filter(pk=priority_id).first()
    if priority is None:
        raise Http404("No priority found")
    return priority


def measure_for_user(user: User, measure_id: int) -> OutcomeMeasure:
    measure = (
        OutcomeMeasure.objects.filter(pk=measure_id, priority__partnership_id=user.partnership_id)
        .select_related("priority")
        .first()
    )
    if measure is None or not user.has_masa_permission(Permission.VIEW_ACTIONS):
        raise Http404("No outcome measure found")
    return measure


@dataclass(frozen=True)
class Reading:
    """A measure's value for a period, wherever it came from."""

    value: decimal.Decimal | None
    period_label: str
    note: str = ""
    suppressed: bool = False  # a small number hidden from a reader without child-level access


@dataclass(frozen=True)
class Progress:
    """How the latest value compares with the baseline and the target, in words."""

    against_baseline: str
    target_met: bool | None


def _better(
    direction: str, new: decimal.Decimal, old: decimal.Decimal, target: decimal.Decimal | None
) -> int:
    """1 if ``new`` is better than ``old`` in the measure's direction, -1 if worse, 0 if equal."""
    if direction == MeasureDirection.CLOSER_TO_TARGET and target is not None:
        gap_new, gap_old = abs(new - target), abs(old - target)
        return (gap_new < gap_old) - (gap_new > gap_old)
    if direction == MeasureDirection.LOWER_IS_BETTER:
        return (new < old) - (new > old)
    return (new > old) - (new < old)


def progress(measure: OutcomeMeasure, latest: Reading | None) -> Progress | None:
    if latest is None or latest.value is None:
        return None
    value = latest.value
    words = "No baseline to compare with"
    if measure.baseline is not None:
        better = _better(measure.direction, value, measure.baseline, measure.target)
        words = {
            1: "Better than the baseline",
            0: "The same as the baseline",
            -1: "Worse than the baseline",
        }[better]
    target_met: bool | None = None
    if measure.target is not None:
        if measure.direction == MeasureDirection.CLOSER_TO_TARGET:
            target_met = value == measure.target
        else:
            target_met = _better(measure.direction, value, measure.target, None) >= 0
    return Progress(words, target_met)


@dataclass(frozen=True)
class MeasureThread:
    measure: OutcomeMeasure
    latest: Reading | None
    last_year: Reading | None
    readings: list[MeasureReading]
    progress: Progress | None
    # The period the progress is judged on: a count's year to date is only part of a year, so a
    # count indicator is judged on the last whole year.
    progress_period: str
    live: bool


def measure_thread(
    measure: OutcomeMeasure, partnership_id: int, today: dt.date, *, suppress: bool = True
) -> MeasureThread:
    indicator = figures.indicator(measure.indicator_code) if measure.indicator_code else None
    if indicator is not None:
        this_year, last_year = figures.this_year_and_last(
            partnership_id, measure.indicator_code, today, suppress=suppress
        )
        latest = Reading(this_year.value, this_year.period_label, suppressed=this_year.suppressed)
        whole_year = Reading(
            last_year.value, last_year.period_label, suppressed=last_year.suppressed
        )
        judged = whole_year if indicator.is_count else latest
        return MeasureThread(
            measure=measure,
            latest=latest,
            last_year=whole_year,
            readings=[],
            progress=progress(measure, judged),
            progress_period=judged.period_label,
            live=True,
        )
    readings = list(measure.readings.order_by("measured_on", "id"))
    recorded = readings[-1] if readings else None
    latest_reading = (
        Reading(recorded.value, recorded.period_label, recorded.note) if recorded else None
    )
    return MeasureThread(
        measure=measure,
        latest=latest_reading,
        last_year=None,
        readings=readings,
        progress=progress(measure, latest_reading),
        progress_period=latest_reading.period_label if latest_reading else "",
        live=False,
    )


@dataclass(frozen=True)
class ActionRow:
    action: Action
    status: DisplayStatus


@dataclass
class GoldenThread:
    """Priority → outcome measures → the actions serving it → their evidence of impact."""

    priority: Priority
    measures: list[MeasureThread]
    actions: list[ActionRow]
    counts: list[tuple[DisplayStatus, int]] = field(default_factory=list)

    @property
    def impact(self) -> list[ActionRow]:
        return [row for row in self.actions if row.action.evidence_of_impact]


def golden_thread(priority: Priority, today: dt.date, *, suppress: bool = True) -> GoldenThread:
    """``suppress``: small numbers are hidden unless the reader may see children's records."""
    measures = [
        measure_thread(measure, priority.partnership_id, today, suppress=suppress)
        for measure in priority.measures.order_by("id")
    ]
    actions = Action.objects.filter(priority=priority).select_related("owner", "owning_agency")
    rows = [ActionRow(action, display_status(action, today)) for action in actions]
    return GoldenThread(priority, measures, rows, status_counts(actions, today))


def rows(actions: Iterable[Action], today: dt.date) -> list[ActionRow]:
    return [ActionRow(action, display_status(action, today)) for action in actions]
