"""Open casework deadlines, computed from the dates recorded: the work lists and child pages.

One query per kind of clock, whatever the number of cases (set-based; the count is asserted in
tests), then the calendar computes each due date. Nothing here is stored: correct a date and the
deadline follows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from masa.core.calendar import (
    Clock,
    ClockRule,
    ClockState,
    Unit,
    WorkingDayCalendar,
    compute_clock,
)
from masa.core.calendar import working_day_calendar as current_calendar

from .clocks import rules_for_partnership
from .models import Case, CaseTransition, Stage


@dataclass(frozen=True)
class Deadline:
    code: str
    what: str
    clock: Clock
    state: ClockState
    case_id: int
    child_id: int
    child_name: str
    team_id: int
    team_name: str
    worker_id: int | None
    worker_name: str

    @property
    def due(self) -> dt.date:
        return self.clock.due

    @property
    def case_url(self) -> str:
        return reverse("journey:case-detail", args=[self.case_id])


OPEN_STAGES = tuple(stage for stage in Stage if stage != Stage.CLOSED)


@dataclass(frozen=True)
class Scope:
    partnership_id: int
    team_id: int | None = None
    worker_id: int | None = None
    child_id: int | None = None

    def cases(self, prefix: str = "case__") -> Q:
        # The open stages listed (not "not closed"), so the (partnership, stage) index is used.
        q = Q(**{f"{prefix}partnership_id": self.partnership_id, f"{prefix}stage__in": OPEN_STAGES})
        if self.team_id is not None:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        if self.worker_id is not None:
            q &= Q(**{f"{prefix}worker_id": self.worker_id})
        if self.child_id is not None:
            q &= Q(**{f"{prefix}child_id": self.child_id})
        return q


PLAN_SETS_ITS_OWN = "visit frequency set in the child protection plan"


def cp_visit_rule(rules: dict[str, ClockRule], plan_frequency: int | None) -> ClockRule:
    """The rule for a child protection plan's visits: the plan's own frequency (in working days)
    when it sets one, otherwise the partnership's local ``cp_visit`` rule (null = not set).

    The ONE place this choice is made: the plan page and the work lists both come here.
    """
    rule = rules["cp_visit"]
    if plan_frequency is None:
        return rule
    return dataclasses.replace(
        rule,
        duration=plan_frequency,
        unit=Unit.WORKING_DAYS,
        source=f"{PLAN_SETS_ITS_OWN}; {rule.source}",
    )


def cp_visit_start(plan_started_on: dt.date, last_seen: dt.date | None) -> dt.date:
    """The visit clock runs from the plan's start, or the last time the child was seen since."""
    return last_seen if last_seen is not None and last_seen > plan_started_on else plan_started_on


def cp_visit_clock(
    partnership_id: int,
    plan_started_on: dt.date,
    last_seen: dt.date | None,
    plan_frequency: int | None,
    calendar: WorkingDayCalendar | None = None,
) -> Clock:
    """When the child on a plan must next be seen (for a record page showing one plan)."""
    rule = cp_visit_rule(rules_for_partnership(partnership_id), plan_frequency)
    return compute_clock(
        rule, cp_visit_start(plan_started_on, last_seen), calendar or current_calendar()
    )


CASE_FIELDS = (
    "case_id",
    "case__child_id",
    "case__child__first_name",
    "case__child__last_name",
    "case__team_id",
    "case__team__name",
    "case__worker_id",
    "case__worker__first_name",
    "case__worker__last_name",
)


class _Computer:
    """Computes clocks with a memo: many open items share a start date and a rule."""

    def __init__(self, rules: dict[str, ClockRule], calendar: WorkingDayCalendar, today: dt.date):
        self.rules = rules
        self.calendar = calendar
        self.today = today
        self._memo: dict[tuple[str, dt.date, int, str, str], Clock] = {}

    def clock(self, code: str, start: dt.date, duration: int | None = None) -> Clock:
        # A plan that sets its own visit frequency overrides the partnership's rule.
        rule = cp_visit_rule(self.rules, duration) if code == "cp_visit" else self.rules[code]
        key = (code, start, rule.duration, rule.unit, rule.source)
        if key not in self._memo:
            self._memo[key] = compute_clock(rule, start, self.calendar)
        return self._memo[key]

    def clock_by_rule(self, rule: ClockRule, start: dt.date) -> Clock:
        """A clock of a rule the partnership does not set (the care clocks), memoised alike."""
        key = (rule.code, start, rule.duration, rule.unit, rule.source)
        if key not in self._memo:
            self._memo[key] = compute_clock(rule, start, self.calendar)
        return self._memo[key]

    def deadline(
        self,
        code: str,
        what: str,
        start: dt.date,
        row: dict[str, Any],
        duration: int | None = None,
        clock: Clock | None = None,
    ) -> Deadline:
        clock = clock or self.clock(code, start, duration)
        worker_first = row["case__worker__first_name"] or ""
        worker_last = row["case__worker__last_name"] or ""
        return Deadline(
            code=code,
            what=what,
            clock=clock,
            state=clock.state(self.today),
            case_id=row["case_id"],
            child_id=row["case__child_id"],
            child_name=f"{row['case__child__first_name']} {row['case__child__last_name']}",
            team_id=row["case__team_id"],
            team_name=str(row["case__team__name"]),
            worker_id=row["case__worker_id"],
            worker_name=f"{worker_first} {worker_last}".strip() or "Unallocated",
        )


def _latest(related: QuerySet[Any], field: str) -> Subquery:
    """The latest value of a date among related rows, as a correlated subquery."""
    return Subquery(related.order_by(f"-{field}").values(field)[:1])


def _rows(queryset: QuerySet[Any], *extra: str) -> Iterator[dict[str, Any]]:
    return iter(queryset.values(*CASE_FIELDS, *extra))


def open_deadlines(
    scope: Scope,
    *,
    today: dt.date,
    calendar: WorkingDayCalendar | None = None,
) -> list[Deadline]:
    """Every open deadline in scope, soonest first. A constant number of queries."""
    from masa.earlyhelp.models import EarlyHelpEpisode, EarlyHelpReview
    from masa.frontdoor.models import Contact
    from masa.protection.models import (
        Assessment,
        ChildProtectionPlan,
        CINPlan,
        CINPlanReview,
        Conference,
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
        CoreGroupMeeting,
        S47Enquiry,
        StrategyDiscussion,
        Visit,
    )

    c = _Computer(
        rules_for_partnership(scope.partnership_id), calendar or current_calendar(), today
    )
    found: list[Deadline] = []
    add = found.append
    in_scope = scope.cases()

    for row in _rows(Contact.objects.filter(in_scope, decision=""), "received_at"):
        received = row["received_at"]
        assert isinstance(received, dt.datetime)
        add(
            c.deadline(
                "contact_decision",
                "Threshold decision on contact",
                timezone.localdate(received),
                row,
            )
        )

    unauthorised = Assessment.objects.filter(in_scope, authorised_on__isnull=True)
    for row in _rows(unauthorised, "case__referral__referral_date"):
        start = row["case__referral__referral_date"]
        if isinstance(start, dt.date):
            add(c.deadline("assessment", "Assessment authorised", start, row))

    # Only a conference that has been held stops the clock: one scheduled (even for a date
    # already past) or cancelled does not.
    initial_held = Conference.objects.filter(
        subjects__case_id=OuterRef("case_id"),
        kind__in=[ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN],
        status=ConferenceStatus.HELD,
        held_on__gte=OuterRef("started_on"),
    )
    for row in _rows(
        S47Enquiry.objects.filter(in_scope, strategy_discussion__start_s47=True)
        .filter(Q(outcome="") | Q(outcome="icpc"))
        .exclude(Exists(initial_held)),
        "strategy_discussion__held_on",
    ):
        add(
            c.deadline(
                "icpc",
                "Initial child protection conference",
                row["strategy_discussion__held_on"],
                row,
            )
        )

    # Correlated "latest date" subqueries rather than Max() over joins: three joined one-to-many
    # relations would multiply each plan's rows (visits x core groups x conferences).
    plans = ChildProtectionPlan.objects.filter(in_scope, ended_on__isnull=True).annotate(
        last_core_group=_latest(CoreGroupMeeting.objects.filter(plan_id=OuterRef("pk")), "held_on"),
        last_review=_latest(
            ConferenceChild.objects.filter(
                case_id=OuterRef("case_id"),
                conference__kind=ConferenceKind.REVIEW,
                conference__status=ConferenceStatus.HELD,
            ),
            "conference__held_on",
        ),
        last_seen=_latest(
            Visit.objects.filter(case_id=OuterRef("case_id"), child_seen=True), "visited_on"
        ),
    )
    for row in _rows(
        plans,
        "started_on",
        "conference__held_on",
        "last_core_group",
        "last_review",
        "last_seen",
        "visit_frequency_working_days",
    ):
        icpc_on = row["conference__held_on"]
        assert isinstance(icpc_on, dt.date)
        if row["last_core_group"] is None:
            add(c.deadline("core_group_first", "First core group", icpc_on, row))
        else:
            add(c.deadline("core_group_next", "Core group", row["last_core_group"], row))
        last_review = row["last_review"]
        if isinstance(last_review, dt.date) and last_review >= icpc_on:
            add(c.deadline("review_conference_next", "Review conference", last_review, row))
        else:
            add(c.deadline("review_conference_first", "First review conference", icpc_on, row))
        last_seen = row["last_seen"]
        plan_start = row["started_on"]
        assert isinstance(plan_start, dt.date)
        seen_from = cp_visit_start(
            plan_start, last_seen if isinstance(last_seen, dt.date) else None
        )
        # The plan's own frequency (null: not set) beats the partnership's rule.
        own = row["visit_frequency_working_days"]
        add(c.deadline("cp_visit", "Child protection visit", seen_from, row, duration=own))

    # A decision that a strategy discussion is needed (the case moved to that stage) with no
    # discussion held since: the clock runs from the latest such decision.
    later_decision = CaseTransition.objects.filter(
        case_id=OuterRef("case_id"), to_stage=Stage.STRATEGY, pk__gt=OuterRef("pk")
    )
    held_since = StrategyDiscussion.objects.filter(
        case_id=OuterRef("case_id"), held_on__gte=OuterRef("effective_on")
    )
    for row in _rows(
        CaseTransition.objects.filter(in_scope, to_stage=Stage.STRATEGY, case__stage=Stage.STRATEGY)
        .exclude(Exists(later_decision))
        .exclude(Exists(held_since)),
        "effective_on",
    ):
        add(c.deadline("strategy", "Strategy discussion", row["effective_on"], row))

    for row in _rows(
        CINPlan.objects.filter(in_scope, ended_on__isnull=True).annotate(
            last_review=_latest(CINPlanReview.objects.filter(plan_id=OuterRef("pk")), "held_on")
        ),
        "started_on",
        "last_review",
    ):
        start = row["last_review"] or row["started_on"]
        add(c.deadline("cin_review", "Child in need plan review", start, row))

    for row in _rows(
        EarlyHelpEpisode.objects.filter(in_scope, ended_on__isnull=True).annotate(
            last_review=_latest(
                EarlyHelpReview.objects.filter(episode_id=OuterRef("pk")), "held_on"
            )
        ),
        "started_on",
        "assessment_completed_on",
        "plan_agreed_on",
        "last_review",
    ):
        if row["assessment_completed_on"] is None:
            add(
                c.deadline("early_help_assessment", "Early help assessment", row["started_on"], row)
            )
        elif row["plan_agreed_on"] is not None:
            start = row["last_review"] or row["plan_agreed_on"]
            add(c.deadline("early_help_review", "Early help review", start, row))

    # Children looked after (masa.care.clocks): the reviews, health assessments and education
    # plan of each current period of care, from one query over the open episodes.
    from masa.care.clocks import CARE_FACT_FIELDS, care_clocks, facts_from_row
    from masa.care.selectors_looked_after import open_episodes_with_care_facts

    for row in _rows(open_episodes_with_care_facts(in_scope), *CARE_FACT_FIELDS):
        for line in care_clocks(facts_from_row(row), today=today, compute=c.clock_by_rule):
            add(c.deadline(line.code, line.what, line.clock.start, row, clock=line.clock))

    found.sort(key=lambda d: (d.due, d.child_name))
    return found


def clock_for(
    partnership_id: int, code: str, start: dt.date, calendar: WorkingDayCalendar | None = None
) -> Clock:
    """One clock under the partnership's rules (for record pages that show a single clock)."""
    return compute_clock(
        rules_for_partnership(partnership_id)[code], start, calendar or current_calendar()
    )


DeadlineFilter = Callable[[Deadline], bool]


def open_cases(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(scope.cases(prefix="")).select_related("child", "team", "worker")
