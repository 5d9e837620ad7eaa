"""Reads of cases, deadlines and practice settings, always through the child's scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from masa.core.calendar import Basis, Clock, ClockRule, ClockState, Unit, working_day_calendar
from masa.core.models import AgencyKind, Team, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from .clocks import EVERY_RULE, rules_for_partnership
from .deadlines import Deadline, Scope, clock_for, open_cases, open_deadlines
from .models import Allocation, Case, CaseTransition, EventType, OversightNote, Stage
from .visibility import agency_may_read, agency_may_read_clock, sees_case_management

OPEN_TO_SOCIAL_CARE = "Open to children's social care"


def case_for_user(user: User, case_id: int) -> Case:
    """The case if the user may see its child and is in children's social care; otherwise the
    same 404 as a missing case. Other agencies follow the child through its page and chronology."""
    if not sees_case_management(user):
        raise Http404("No case found")
    case = (
        Case.objects.filter(pk=case_id, child__in=children_visible_to(user))
        .select_related("child", "team", "worker")
        .first()
    )
    if case is None:
        raise Http404("No case found")
    return case


def url_or_none(name: str, *args: object, query: str = "") -> str | None:
    """The address of a page if it exists (other apps add their pages independently)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


# The pages of each kind of record, by the URL names their apps give them. The first name that
# exists is used; until then the record is listed without a link.
RECORD_PAGES: dict[str, tuple[str, ...]] = {
    "contact": ("frontdoor:contact-detail",),
    "referral": ("frontdoor:referral-detail",),
    "assessment": ("protection:assessment-detail",),
    "strategy": ("protection:strategy-detail",),
    "s47": ("protection:s47-detail",),
    "conference": ("protection:conference-detail",),
    "cp_plan": ("protection:plan-detail",),
    "cin_plan": ("protection:cin-plan-detail",),
    "visit": ("protection:visit-detail",),
    "early_help": ("earlyhelp:episode-detail",),
}


def record_url(kind: str, pk: int) -> str | None:
    for name in RECORD_PAGES[kind]:
        url = url_or_none(name, pk)
        if url is not None:
            return url
    return None


STAGE_TAG_COLOURS: dict[str, str] = {
    Stage.CONTACT: "grey",
    Stage.EARLY_HELP: "green",
    Stage.REFERRAL: "turquoise",
    Stage.ASSESSMENT: "",  # the default (blue) tag
    Stage.STRATEGY: "orange",
    Stage.S47: "orange",
    Stage.ICPC: "magenta",
    Stage.CP_PLAN: "pink",  # red is kept for "Overdue"
    Stage.CIN_PLAN: "purple",
    Stage.LOOKED_AFTER: "light-blue",
    Stage.CLOSED: "grey",
}


def stage_tag_class(stage: str) -> str:
    colour = STAGE_TAG_COLOURS.get(stage, "")
    return f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"


# The case page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRecord:
    kind: str
    on: dt.date
    label: str
    detail: str
    url: str | None


def case_records(case: Case) -> list[CaseRecord]:
    """Every record of the case, oldest first, each linked to its page where it has one."""
    from masa.earlyhelp.models import EarlyHelpEpisode
    from masa.frontdoor.models import Contact, Referral
    from masa.protection.models import (
        Assessment,
        ChildProtectionPlan,
        CINPlan,
        ConferenceChild,
        S47Enquiry,
        StrategyDiscussion,
        Visit,
    )

    records: list[CaseRecord] = []
    add = records.append
    for contact in Contact.objects.filter(case=case).only(
        "pk", "received_at", "decision", "source"
    ):
        decision = contact.get_decision_display() or "awaiting a decision"
        add(
            CaseRecord(
                "contact",
                timezone.localdate(contact.received_at),
                "Contact",
                f"{contact.get_source_display()}: {decision}",
                record_url("contact", contact.pk),
            )
        )
    for referral in Referral.objects.filter(case=case):
        add(
            CaseRecord(
                "referral",
                referral.referral_date,
                "Referral",
                referral.get_primary_need_display() or "Primary need not yet recorded",
                record_url("referral", referral.pk),
            )
        )
    for assessment in Assessment.objects.filter(case=case).only(
        "pk", "started_on", "authorised_on", "outcome"
    ):
        state = (
            f"Authorised {govuk_date(assessment.authorised_on)}"
            if assessment.authorised_on
            else "Not yet authorised"
        )
        add(
            CaseRecord(
                "assessment",
                assessment.started_on,
                "Assessment",
                state,
                record_url("assessment", assessment.pk),
            )
        )
    for discussion in StrategyDiscussion.objects.filter(case=case).only(
        "pk", "held_on", "is_meeting", "start_s47"
    ):
        add(
            CaseRecord(
                "strategy",
                discussion.held_on,
                "Strategy meeting" if discussion.is_meeting else "Strategy discussion",
                "Section 47 enquiry started" if discussion.start_s47 else "No section 47 enquiry",
                record_url("strategy", discussion.pk),
            )
        )
    for enquiry in S47Enquiry.objects.filter(case=case).only("pk", "started_on", "outcome"):
        add(
            CaseRecord(
                "s47",
                enquiry.started_on,
                "Section 47 enquiry",
                enquiry.get_outcome_display() or "Under way",
                record_url("s47", enquiry.pk),
            )
        )
    for subject in ConferenceChild.objects.filter(case=case).select_related("conference"):
        conference = subject.conference
        plan_needed = {True: "Plan needed", False: "No plan needed", None: "Decision not recorded"}
        add(
            CaseRecord(
                "conference",
                conference.meeting_on,  # held, or (until then) scheduled
                conference.get_kind_display(),
                plan_needed[subject.plan_needed]
                if conference.is_held
                else conference.get_status_display(),
                record_url("conference", conference.pk),
            )
        )
    for plan in ChildProtectionPlan.objects.filter(case=case).only(
        "pk", "started_on", "ended_on", "latest_category"
    ):
        add(
            CaseRecord(
                "cp_plan",
                plan.started_on,
                "Child protection plan",
                _ended(plan.ended_on, plan.get_latest_category_display()),
                record_url("cp_plan", plan.pk),
            )
        )
    for cin_plan in CINPlan.objects.filter(case=case).only("pk", "started_on", "ended_on"):
        add(
            CaseRecord(
                "cin_plan",
                cin_plan.started_on,
                "Child in need plan",
                _ended(cin_plan.ended_on, "Open"),
                record_url("cin_plan", cin_plan.pk),
            )
        )
    for visit in Visit.objects.filter(case=case).only(
        "pk", "visited_on", "child_seen", "seen_alone"
    ):
        seen = "Child seen alone" if visit.seen_alone else "Child seen"
        add(
            CaseRecord(
                "visit",
                visit.visited_on,
                "Visit",
                seen if visit.child_seen else "Child not seen",
                record_url("visit", visit.pk),
            )
        )
    for episode in EarlyHelpEpisode.objects.filter(case=case).only("pk", "started_on", "ended_on"):
        add(
            CaseRecord(
                "early_help",
                episode.started_on,
                "Early help",
                _ended(episode.ended_on, "Open"),
                record_url("early_help", episode.pk),
            )
        )
    records.sort(key=lambda r: r.on)
    return records


def _ended(ended_on: dt.date | None, open_text: str) -> str:
    return f"Ended {govuk_date(ended_on)}" if ended_on else open_text


def case_deadlines(case: Case, *, today: dt.date | None = None) -> list[Deadline]:
    """The open deadlines of one case (a closed case has none)."""
    scope = Scope(partnership_id=case.partnership_id, child_id=case.child_id)
    found = open_deadlines(scope, today=today or timezone.localdate())
    return [d for d in found if d.case_id == case.pk]


@dataclass(frozen=True)
class CasePage:
    case: Case
    transitions: list[CaseTransition]
    allocations: list[Allocation]
    oversight_notes: list[OversightNote]
    records: list[CaseRecord]
    deadlines: list[Deadline]
    stage_tag: str
    chronology_url: str | None


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str


# What a caseworker can record next at each stage (the moves themselves are checked by the
# stage table in transitions.py when the record is saved).
STAGE_NEXT_STEPS: dict[str, tuple[tuple[str, str], ...]] = {
    Stage.REFERRAL: (
        ("Start the assessment", "protection:assessment-start"),
        ("Record a strategy discussion", "protection:strategy-add"),
    ),
    Stage.ASSESSMENT: (("Record a strategy discussion", "protection:strategy-add"),),
    Stage.STRATEGY: (("Record the strategy discussion", "protection:strategy-add"),),
    Stage.ICPC: (
        ("Schedule the initial child protection conference", "protection:conference-schedule"),
        ("Record the initial child protection conference", "protection:conference-new"),
    ),
    Stage.CP_PLAN: (
        ("Record a visit", "protection:visit-add"),
        ("Record a strategy discussion", "protection:strategy-add"),
    ),
    Stage.CIN_PLAN: (
        ("Record a visit", "protection:visit-add"),
        ("Record a strategy discussion", "protection:strategy-add"),
    ),
}


def case_next_steps(case: Case, user: User) -> list[NextStep]:
    if not case.is_open or not user.has_masa_permission(Permission.RECORD_CASEWORK):
        return []
    steps = [
        NextStep(text, reverse(name, args=[case.pk]))
        for text, name in STAGE_NEXT_STEPS.get(case.stage, ())
    ]
    if case.stage != Stage.CONTACT:
        steps.append(NextStep("Visits", reverse("protection:visit-list", args=[case.pk])))
    return steps


def case_page(case: Case, *, today: dt.date | None = None) -> CasePage:
    return CasePage(
        case=case,
        # In the order the moves took effect (a move can be recorded after a later one).
        transitions=list(
            case.transitions.select_related("moved_by").order_by("effective_on", "moved_at", "id")
        ),
        allocations=list(case.allocations.select_related("team", "worker", "allocated_by")),
        oversight_notes=list(case.oversight_notes.select_related("written_by")),
        records=case_records(case),
        deadlines=case_deadlines(case, today=today),
        stage_tag=stage_tag_class(case.stage),
        chronology_url=url_or_none("journey:chronology", case.child_id),
    )


def casework_teams(partnership_id: int) -> list[Team]:
    """The teams that hold cases: children's social care teams of the partnership."""
    return list(
        Team.objects.filter(
            agency__partnership_id=partnership_id, agency__kind=AgencyKind.LOCAL_AUTHORITY
        )
        .select_related("agency")
        .order_by("name", "pk")
    )


CASE_HOLDING_ROLES = ("social_worker", "team_manager")


def caseworkers(partnership_id: int) -> list[User]:
    """People a case can be allocated to: social workers and team managers in a team."""
    return list(
        User.objects.filter(
            agency__partnership_id=partnership_id,
            role__in=CASE_HOLDING_ROLES,
            team__isnull=False,
            is_active=True,
        )
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )


# Work lists ----------------------------------------------------------------------------------

WORK_LIST_LIMIT = 500
SOON_WORKING_DAYS = 5
SORT_KEYS = ("due", "child", "worker", "kind")
STATES = ("all", "overdue", "soon")


@dataclass(frozen=True)
class WorkListFilters:
    team_id: int | None = None  # None: all teams
    worker_id: int | None = None
    code: str = ""  # "": every kind of deadline
    state: str = "all"  # all, overdue or soon (due in the next 5 working days)
    sort: str = "due"
    descending: bool = False


@dataclass(frozen=True)
class WorkItem:
    deadline: Deadline
    working_days_left: int  # negative when overdue
    when: str  # "3 working days left", "Due today", "2 working days overdue"

    @property
    def overdue(self) -> bool:
        return self.deadline.state is ClockState.OVERDUE


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: int | None
    name: str
    open_cases: int
    overdue: int


@dataclass
class WorkList:
    items: list[WorkItem]
    total: int
    caseload: list[WorkerLoad]
    soon_until: dt.date
    overdue_total: int


def work_list(user: User, filters: WorkListFilters, *, today: dt.date | None = None) -> WorkList:
    """What is due and overdue in the scope the filters choose, limited to children the user may
    see. A constant number of queries, whatever the number of cases."""
    today = today or timezone.localdate()
    # A practitioner sees their own work, whatever was asked; a manager chooses a team or all
    # teams. The caseload view covers that whole scope; the worker, kind and state filters
    # narrow the rows only.
    own_only = not user.has_masa_permission(Permission.AUTHORISE_CASEWORK)
    scope = Scope(
        partnership_id=user.partnership_id,
        team_id=None if own_only else filters.team_id,
        worker_id=user.pk if own_only else None,
    )
    deadlines = open_deadlines(scope, today=today)
    cases = list(
        open_cases(scope).values_list(
            "child_id", "worker_id", "worker__first_name", "worker__last_name"
        )
    )
    # Every deadline belongs to an open case in scope, so one subquery finds the children the
    # user may see among them (no long list of ids sent to the database).
    visible = set(
        children_visible_to(user)
        .filter(pk__in=open_cases(scope).values("child_id"))
        .values_list("pk", flat=True)
    )
    deadlines = [d for d in deadlines if d.child_id in visible]

    calendar = working_day_calendar()
    soon_until = calendar.add_working_days(today, SOON_WORKING_DAYS)
    left_by_due: dict[dt.date, int] = {}

    def item(d: Deadline) -> WorkItem:
        if d.due not in left_by_due:
            left_by_due[d.due] = calendar.working_days_between(today, d.due)
        left = left_by_due[d.due]
        return WorkItem(d, left, _when(today, d.due, left))

    overdue_by_worker: Counter[int | None] = Counter(
        d.worker_id for d in deadlines if d.state is ClockState.OVERDUE
    )
    cases_by_worker: Counter[int | None] = Counter()
    names: dict[int | None, str] = {}
    for child_id, worker_id, first, last in cases:
        if child_id in visible:
            cases_by_worker[worker_id] += 1
            names[worker_id] = f"{first or ''} {last or ''}".strip() or "Unallocated"
    for d in deadlines:
        names.setdefault(d.worker_id, d.worker_name)
    caseload = sorted(
        (
            WorkerLoad(w, names[w], cases_by_worker[w], overdue_by_worker[w])
            for w in set(cases_by_worker) | set(overdue_by_worker)
        ),
        key=lambda load: (load.worker_id is None, load.name.lower()),
    )

    rows = deadlines
    if not own_only and filters.worker_id is not None:
        rows = [d for d in rows if d.worker_id == filters.worker_id]
    if filters.code:
        rows = [d for d in rows if d.code == filters.code]
    if filters.state == "overdue":
        rows = [d for d in rows if d.state is ClockState.OVERDUE]
    elif filters.state == "soon":
        rows = [d for d in rows if today <= d.due <= soon_until]
    rows.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    return WorkList(
        items=[item(d) for d in rows[:WORK_LIST_LIMIT]],
        total=len(rows),
        caseload=caseload,
        soon_until=soon_until,
        overdue_total=sum(overdue_by_worker.values()),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word.replace('day', 'days')}"


def _when(today: dt.date, due: dt.date, left: int) -> str:
    if due == today:
        return "Due today"
    if due < today:
        return f"{_plural(-left, 'working day')} overdue" if left < 0 else "Overdue"
    return f"{_plural(left, 'working day')} left" if left > 0 else "Due before the next working day"


def _sort_key(sort: str) -> Any:
    if sort == "child":
        return lambda d: (d.child_name.lower(), d.due)
    if sort == "worker":
        return lambda d: (d.worker_name.lower(), d.due)
    if sort == "kind":
        return lambda d: (d.what.lower(), d.due)
    return lambda d: (d.due, d.child_name.lower())


# Timescales ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInForce:
    rule: ClockRule
    default: ClockRule

    @property
    def changed_locally(self) -> bool:
        return (self.rule.duration, self.rule.unit) != (self.default.duration, self.default.unit)

    @property
    def changeable(self) -> bool:
        return self.default.basis is Basis.LOCAL


def rules_in_force(partnership_id: int) -> list[RuleInForce]:
    rules = rules_for_partnership(partnership_id)
    return [RuleInForce(rules[code], default) for code, default in EVERY_RULE.items()]


@dataclass(frozen=True)
class CountedDay:
    day: dt.date
    number: int | None  # the working day's number; None when the day is not counted
    not_counted: str  # why not: "Saturday", "Bank holiday: Good Friday"


@dataclass(frozen=True)
class WorkedExample:
    clock: Clock
    days: list[CountedDay]  # day by day from day 0 to the due date (working-day rules only)
    milestones: list[tuple[int, dt.date]]  # N working days after day 0


MILESTONES = (1, 5, 10, 15, 20, 45)


def worked_example(partnership_id: int, code: str, start: dt.date) -> WorkedExample:
    """A rule applied to a day 0, with every day from day 0 to the due date accounted for."""
    calendar = working_day_calendar()
    clock = clock_for(partnership_id, code, start, calendar)
    days: list[CountedDay] = []
    if clock.rule.unit is Unit.WORKING_DAYS:
        day, counted = start, 0
        while day < clock.due:
            day += dt.timedelta(days=1)
            holiday = calendar.holiday_name(day)
            if day.weekday() >= 5:
                days.append(CountedDay(day, None, f"{day:%A}"))
            elif holiday is not None:
                days.append(CountedDay(day, None, f"Bank holiday: {holiday}"))
            else:
                counted += 1
                days.append(CountedDay(day, counted, ""))
    milestones = [(n, calendar.add_working_days(start, n)) for n in MILESTONES]
    return WorkedExample(clock, days, milestones)


# The child page panel ------------------------------------------------------------------------

PANEL_DEADLINES = 5


def child_journey_panel(user: User, child: Child) -> dict[str, Any]:
    """Context for journey/_child_panel.html: the open case, its next deadlines and links.

    The caller has already checked that the user may see the child.
    """
    case = (
        Case.objects.filter(child=child)
        .exclude(stage=Stage.CLOSED)
        .select_related("team", "worker")
        .first()
    )
    deadlines = case_deadlines(case) if case is not None else []
    social_care = sees_case_management(user)
    if not social_care:
        deadlines = [d for d in deadlines if agency_may_read_clock(user, d.code)]
    can_open_transfer = case is None and user.has_masa_permission(Permission.RECORD_CASEWORK)
    return {
        "journey_panel": {
            "case": case,
            "case_url": reverse("journey:case-detail", args=[case.pk])
            if case is not None and sees_case_management(user)
            else None,
            "early_help_url": url_or_none("earlyhelp:episode-start", query=f"child={child.pk}")
            if case is None and user.has_masa_permission(Permission.RECORD_EARLY_HELP)
            else None,
            "conferences_url": url_or_none("protection:child-conferences", child.pk)
            if agency_may_read(user, EventType.CONFERENCE)
            else None,
            # Care, missing episodes and exploitation have their own pages (masa.care).
            "care_url": url_or_none("care:child-care", child.pk)
            if user.in_childrens_social_care
            else None,
            "missing_url": url_or_none("care:missing-child", child.pk)
            if user.in_childrens_social_care or user.has_masa_permission(Permission.RECORD_MISSING)
            else None,
            "exploitation_url": url_or_none("care:exploitation-child", child.pk)
            if user.has_masa_permission(Permission.VIEW_EXPLOITATION)
            else None,
            "stage_tag": stage_tag_class(case.stage) if case else "",
            # Other agencies learn that social care is working with the child, not the stage
            # (which could tell of a strategy discussion or an enquiry not shared with them).
            "stage_label": (case.get_stage_display() if social_care else OPEN_TO_SOCIAL_CARE)
            if case
            else "",
            "deadlines": deadlines[:PANEL_DEADLINES],
            "more_deadlines": max(0, len(deadlines) - PANEL_DEADLINES),
            "chronology_url": url_or_none("journey:chronology", child.pk),
            "contact_url": (
                url_or_none("frontdoor:contact-new", query=f"child={child.pk}")
                if user.has_masa_permission(Permission.RECORD_CONTACTS)
                else None
            ),
            "transfer_in_url": (
                url_or_none("journey:case-transfer-in", query=f"child={child.pk}")
                if can_open_transfer
                else None
            ),
        }
    }
