"""Reads for conferences, child protection plans and meeting packs, scoped to the asking user.

Every record is reached through its child's scope (``children_visible_to``): a conference is
found when the user can see at least one child it considered, and only those children are shown.
Out of scope is the same 404 as missing. Clocks are computed here from the recorded dates, never
stored (``masa.journey.deadlines.clock_for``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from masa.core.calendar import (
    Clock,
    ClockRule,
    ClockState,
    Unit,
    add_months,
    how_long,
    working_day_calendar,
)
from masa.core.models import Agency, AgencyKind, User
from masa.core.permissions import ROLES, Permission
from masa.core.presenters import govuk_date
from masa.journey.clocks import rules_for_partnership
from masa.journey.deadlines import clock_for, cp_visit_clock, cp_visit_rule
from masa.journey.models import Case, EventType, PracticeModel, Stage
from masa.journey.services import practice_settings
from masa.journey.visibility import agency_may_read
from masa.people.models import Child, Relationship, RelationshipKind
from masa.people.selectors import children_visible_to

from .models import (
    AgencyReport,
    Assessment,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMeeting,
    MeetingPack,
    PackShare,
    S47Enquiry,
    S47Outcome,
    Visit,
)

# ---------------------------------------------------------------- scoped look-ups


def conference_for_user(user: User, conference_id: int) -> Conference:
    """The conference if the user can see at least one child it considered; otherwise 404."""
    conference = (
        Conference.objects.filter(pk=conference_id, subjects__child__in=children_visible_to(user))
        .select_related("chair", "recorded_by")
        .distinct()
        .first()
    )
    if conference is None:
        raise Http404("No conference found")
    return conference


def sees_every_child(user: User, conference: Conference) -> bool:
    """Whether the user can see every child the conference considered (a sibling group may
    include a restricted child in another team)."""
    return not (
        ConferenceChild.objects.filter(conference=conference)
        .exclude(child__in=children_visible_to(user))
        .exists()
    )


def conference_for_change(user: User, conference_id: int) -> Conference:
    """The conference for a change that reaches every child it considered (held, rescheduled,
    corrected, cancelled, a child added): only if the user can see every one of them. Otherwise
    the same 404 as a missing conference, so a hidden child is neither named nor changed."""
    conference = conference_for_user(user, conference_id)
    if not sees_every_child(user, conference):
        raise Http404("No conference found")
    return conference


def visible_subjects(user: User, conference: Conference) -> list[ConferenceChild]:
    """The children considered at the conference that this user may see, in name order."""
    return list(
        ConferenceChild.objects.filter(conference=conference, child__in=children_visible_to(user))
        .select_related("child", "case", "case__team", "case__worker")
        .order_by("child__last_name", "child__first_name", "pk")
    )


def subject_for_user(user: User, conference: Conference, child_id: int) -> ConferenceChild:
    found = [s for s in visible_subjects(user, conference) if s.child_id == child_id]
    if not found:
        raise Http404("No child found at this conference")
    return found[0]


def plan_for_user(user: User, plan_id: int) -> ChildProtectionPlan:
    plan = (
        ChildProtectionPlan.objects.filter(pk=plan_id, child__in=children_visible_to(user))
        .select_related("child", "case", "conference", "recorded_by")
        .first()
    )
    if plan is None:
        raise Http404("No child protection plan found")
    return plan


def conferences_of(child: Child) -> QuerySet[Conference]:
    """The child's conferences, latest first (by the day held, or scheduled if not yet held)."""
    return (
        Conference.objects.filter(subjects__child=child)
        .distinct()
        .order_by(Coalesce("held_on", "scheduled_on").desc(), "-pk")
    )


def plans_of(child: Child) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(child=child).order_by("-started_on", "-pk")


def partnership_agencies(partnership_id: int) -> QuerySet[Agency]:
    """Agencies that can attend a meeting (the partnership's own business unit does not)."""
    return (
        Agency.objects.filter(partnership_id=partnership_id)
        .exclude(kind=AgencyKind.PARTNERSHIP_UNIT)
        .order_by("name")
    )


def conference_chairs(partnership_id: int) -> QuerySet[User]:
    """Active users whose role chairs conferences (independent reviewing officers)."""
    roles = [
        code for code, role in ROLES.items() if Permission.CHAIR_CONFERENCES in role.permissions
    ]
    return User.objects.filter(
        agency__partnership_id=partnership_id, is_active=True, role__in=roles
    ).order_by("last_name", "first_name", "pk")


def conference_partnership_id(conference: Conference) -> int:
    """A conference's partnership: that of the cases it considered."""
    case_partnership = (
        ConferenceChild.objects.filter(conference=conference)
        .values_list("case__partnership_id", flat=True)
        .first()
    )
    return case_partnership or conference.recorded_by.partnership_id


def uses_signs_of_safety(partnership_id: int) -> bool:
    return practice_settings(partnership_id).practice_model == PracticeModel.SIGNS_OF_SAFETY


# ---------------------------------------------------------------- what leads to a conference


def icpc_enquiry(case: Case) -> S47Enquiry | None:
    """The section 47 enquiry whose outcome is an initial conference (the latest, if several)."""
    return (
        S47Enquiry.objects.filter(case=case, outcome=S47Outcome.ICPC)
        .select_related("strategy_discussion")
        .order_by("-started_on", "-pk")
        .first()
    )


def conference_kind_for(case: Case) -> ConferenceKind:
    """A case at the initial conference stage after an s47 has an initial conference; a child
    who arrived from another authority on a plan (and had no enquiry here) a transfer-in one."""
    if case.transferred_in_from and icpc_enquiry(case) is None:
        return ConferenceKind.TRANSFER_IN
    return ConferenceKind.INITIAL


def awaiting_decision(case: Case) -> ConferenceChild | None:
    """An initial or transfer-in conference for this case, scheduled or held, whose decision is
    not yet recorded (a cancelled one waits for nothing)."""
    return (
        ConferenceChild.objects.filter(
            case=case,
            plan_needed__isnull=True,
            conference__kind__in=[ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN],
            conference__status__in=[ConferenceStatus.SCHEDULED, ConferenceStatus.HELD],
        )
        .select_related("conference")
        .first()
    )


def scheduled_conference(case: Case) -> Conference | None:
    """The initial or transfer-in conference scheduled for this case and not yet held."""
    pending = awaiting_decision(case)
    if pending is not None and pending.conference.is_scheduled:
        return pending.conference
    return None


def sibling_suggestions(user: User, child: Child, exclude: set[int] | None = None) -> list[Child]:
    """Brothers and sisters (recorded relationships) the user can see whose case awaits an
    initial conference: the children a sibling-group conference would consider together."""
    pairs = Relationship.objects.filter(
        Q(child=child) | Q(other_child=child),
        kind=RelationshipKind.SIBLING,
        other_child__isnull=False,
        ended_on__isnull=True,
    ).values_list("child_id", "other_child_id")
    ids = {pk for pair in pairs for pk in pair if pk} - {child.pk} - (exclude or set())
    if not ids:
        return []
    at_icpc = Case.objects.filter(child_id__in=ids, stage=Stage.ICPC).values("child_id")
    return list(
        children_visible_to(user).filter(pk__in=ids).filter(pk__in=at_icpc).order_by("first_name")
    )


def open_case_at_icpc(child: Child) -> Case | None:
    return Case.objects.filter(child=child, stage=Stage.ICPC).first()


def open_case(child: Child) -> Case | None:
    return Case.objects.filter(child=child).exclude(stage=Stage.CLOSED).first()


# ---------------------------------------------------------------- repeat plans


@dataclass(frozen=True)
class RepeatPlanFlags:
    """The DfE repeat-plan measures for a plan starting on ``starts_on`` (indicators.md §3).

    ``ever``: the child had a child protection plan here before, however long ago (DfE headline,
    table D3). ``within_two_years``: a previous plan ended within two years of this one starting
    (or had not ended). Two years are 24 calendar months with masa's month rule, so a plan ending
    on 1 March 2022 is within two years of one starting on 1 March 2024 and not of one starting
    on 2 March 2024. Only plans recorded in masa (this partnership's authority) count: a plan in
    another authority before a transfer in does not.
    """

    starts_on: dt.date
    previous: list[ChildProtectionPlan] = field(default_factory=list)

    @property
    def ever(self) -> bool:
        return bool(self.previous)

    @property
    def within_two_years(self) -> bool:
        return any(
            plan.ended_on is None or add_months(plan.ended_on, 24) >= self.starts_on
            for plan in self.previous
        )

    @property
    def last_ended_on(self) -> dt.date | None:
        ended = [p.ended_on for p in self.previous if p.ended_on is not None]
        return max(ended) if ended else None


def previous_plans(child: Child, before: dt.date) -> list[ChildProtectionPlan]:
    """The child's child protection plans that started before ``before``, latest first.

    Plans recorded against a duplicate record later merged into this child count too.
    """
    return list(
        ChildProtectionPlan.objects.filter(
            Q(child=child) | Q(child__merged_into=child), started_on__lt=before
        ).order_by("-started_on", "-pk")
    )


def repeat_plan_flags(child: Child, starts_on: dt.date) -> RepeatPlanFlags:
    return RepeatPlanFlags(starts_on=starts_on, previous=previous_plans(child, starts_on))


# ---------------------------------------------------------------- clocks on record pages


@dataclass(frozen=True)
class ClockLine:
    """A clock as a record page shows it: the rule explained, and met, missed, due or overdue."""

    what: str
    clock: Clock
    state: ClockState
    done_on: dt.date | None = None
    # The date a meeting that would stop the clock is scheduled for (until it is held).
    scheduled_on: dt.date | None = None

    @property
    def explanation(self) -> str:
        return self.clock.explanation()

    @property
    def will_be_late(self) -> bool:
        """Whether holding the meeting on the scheduled date would miss the clock."""
        if self.scheduled_on is None:
            return False
        return self.clock.state(self.scheduled_on, self.scheduled_on) is ClockState.MISSED

    @property
    def scheduled_note(self) -> str:
        """For example "Scheduled for 4 December 2026 (due 2 December 2026: will be late)"."""
        if self.scheduled_on is None or self.done_on is not None:
            return ""
        verdict = "will be late" if self.will_be_late else "in time"
        return (
            f"Scheduled for {govuk_date(self.scheduled_on)} "
            f"(due {govuk_date(self.clock.due)}: {verdict})"
        )

    def with_schedule(self, scheduled_on: dt.date | None) -> ClockLine:
        """This line, noting the meeting scheduled to stop it (nothing once it is done)."""
        if self.done_on is not None or scheduled_on is None:
            return self
        return dataclasses.replace(self, scheduled_on=scheduled_on)


def _line(what: str, clock: Clock, today: dt.date, done_on: dt.date | None) -> ClockLine:
    return ClockLine(what, clock, clock.state(today, done_on), done_on)


def icpc_clocks(
    case: Case,
    held_on: dt.date | None,
    today: dt.date,
    scheduled_on: dt.date | None = None,
) -> list[ClockLine]:
    """Working Together (from the strategy discussion) and DfE (from the s47 start) clocks:
    met or missed once the conference is held; due or overdue before, with the scheduled date
    and whether it will be late."""
    enquiry = icpc_enquiry(case)
    if enquiry is None:
        return []
    pid = case.partnership_id
    strategy_on = enquiry.strategy_discussion.held_on
    lines = [
        _line(
            "Initial conference (Working Together)",
            clock_for(pid, "icpc", strategy_on),
            today,
            held_on,
        ),
        _line(
            "Initial conference (DfE counting)",
            clock_for(pid, "icpc_dfe", enquiry.started_on),
            today,
            held_on,
        ),
    ]
    return [line.with_schedule(scheduled_on) for line in lines]


def with_scheduled_conference(case: Case, lines: list[ClockLine]) -> list[ClockLine]:
    """Initial conference clocks not yet met, noting the conference scheduled for the case."""
    scheduled = scheduled_conference(case)
    on = scheduled.scheduled_on if scheduled is not None else None
    return [line.with_schedule(on) for line in lines]


def conference_clocks(conference: Conference, case: Case, today: dt.date) -> list[ClockLine]:
    """The initial conference clocks as this conference answers them: stopped if it was held,
    its scheduled date noted if it is scheduled, still running if it was cancelled."""
    if conference.kind != ConferenceKind.INITIAL:
        return []
    return icpc_clocks(
        case,
        conference.held_on,
        today,
        conference.scheduled_on if conference.is_scheduled else None,
    )


def icpc_date(plan: ChildProtectionPlan) -> dt.date:
    """The conference that made the plan (initial or transfer-in): day 0 of the plan's clocks."""
    return plan.conference.meeting_on


def review_subjects(plan: ChildProtectionPlan) -> list[ConferenceChild]:
    """Review conferences of this plan: reviews for the case held after the plan's conference
    (scheduled and cancelled reviews do not count)."""
    reviews = ConferenceChild.objects.filter(
        case=plan.case,
        child=plan.child,
        conference__kind=ConferenceKind.REVIEW,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__gte=icpc_date(plan),
    )
    if plan.ended_on is not None:
        reviews = reviews.filter(conference__held_on__lte=plan.ended_on)
    return list(reviews.select_related("conference").order_by("conference__held_on", "pk"))


def scheduled_review(plan: ChildProtectionPlan) -> Conference | None:
    """The review conference scheduled for this plan and not yet held, if any."""
    if plan.ended_on is not None:
        return None
    return (
        Conference.objects.filter(
            kind=ConferenceKind.REVIEW,
            status=ConferenceStatus.SCHEDULED,
            subjects__case=plan.case,
            subjects__child=plan.child,
        )
        .order_by("scheduled_on", "pk")
        .first()
    )


@dataclass(frozen=True)
class Meetings:
    held: list[tuple[object, ClockLine]]  # (meeting, the clock it answered)
    next_due: ClockLine | None


def core_group_clocks(plan: ChildProtectionPlan, today: dt.date) -> Meetings:
    """First core group within 10 working days of the conference, then the local interval."""
    pid = plan.case.partnership_id
    held: list[tuple[object, ClockLine]] = []
    previous: dt.date | None = None
    meetings: list[CoreGroupMeeting] = list(
        plan.core_groups.prefetch_related("agencies").order_by("held_on", "pk")
    )
    for meeting in meetings:
        if previous is None:
            clock = clock_for(pid, "core_group_first", icpc_date(plan))
            what = "First core group"
        else:
            clock = clock_for(pid, "core_group_next", previous)
            what = "Core group"
        held.append((meeting, _line(what, clock, today, meeting.held_on)))
        previous = meeting.held_on
    next_due = None
    if plan.ended_on is None:
        if previous is None:
            next_due = _line(
                "First core group", clock_for(pid, "core_group_first", icpc_date(plan)), today, None
            )
        else:
            next_due = _line(
                "Next core group", clock_for(pid, "core_group_next", previous), today, None
            )
    return Meetings(held, next_due)


def review_clocks(plan: ChildProtectionPlan, today: dt.date) -> Meetings:
    """First review within 3 months of the conference that made the plan, then every 6 months."""
    pid = plan.case.partnership_id
    held: list[tuple[object, ClockLine]] = []
    previous: dt.date | None = None
    for subject in review_subjects(plan):
        held_on = subject.conference.meeting_on
        if previous is None:
            clock = clock_for(pid, "review_conference_first", icpc_date(plan))
            what = "First review conference"
        else:
            clock = clock_for(pid, "review_conference_next", previous)
            what = "Review conference"
        held.append((subject, _line(what, clock, today, held_on)))
        previous = held_on
    next_due = None
    if plan.ended_on is None:
        if previous is None:
            clock = clock_for(pid, "review_conference_first", icpc_date(plan))
            next_due = _line("First review conference", clock, today, None)
        else:
            clock = clock_for(pid, "review_conference_next", previous)
            next_due = _line("Next review conference", clock, today, None)
        scheduled = scheduled_review(plan)
        if scheduled is not None:
            next_due = next_due.with_schedule(scheduled.scheduled_on)
    return Meetings(held, next_due)


def visit_rule(plan: ChildProtectionPlan) -> ClockRule:
    """The visit frequency that applies to the plan: its own, or the partnership's rule."""
    return cp_visit_rule(
        rules_for_partnership(plan.case.partnership_id), plan.visit_frequency_working_days
    )


def visit_frequency_text(plan: ChildProtectionPlan) -> str:
    """For example "At least every 5 working days (set in the plan)"."""
    rule = visit_rule(plan)
    whose = (
        "the partnership's rule" if plan.visit_frequency_working_days is None else "set in the plan"
    )
    return f"At least every {how_long(rule.duration, rule.unit)} ({whose})"


@dataclass(frozen=True)
class VisitSummary:
    visits: int
    seen: int
    seen_alone: int
    last_seen: dt.date | None
    next_due: ClockLine | None
    recent: list[Visit]


def visit_summary(plan: ChildProtectionPlan, today: dt.date) -> VisitSummary:
    """Visits to the child while the plan ran, and when the child must next be seen."""
    visits = Visit.objects.filter(case=plan.case, visited_on__gte=plan.started_on)
    if plan.ended_on is not None:
        visits = visits.filter(visited_on__lte=plan.ended_on)
    rows = list(visits.select_related("visited_by").order_by("-visited_on", "-pk"))
    seen = [v for v in rows if v.child_seen]
    last_seen = seen[0].visited_on if seen else None
    next_due = None
    if plan.ended_on is None:
        clock = cp_visit_clock(
            plan.case.partnership_id,
            plan.started_on,
            last_seen,
            plan.visit_frequency_working_days,
        )
        next_due = _line("Child next seen", clock, today, None)
    return VisitSummary(
        visits=len(rows),
        seen=len(seen),
        seen_alone=sum(1 for v in rows if v.seen_alone),
        last_seen=last_seen,
        next_due=next_due,
        recent=rows[:5],
    )


@dataclass(frozen=True)
class ConferenceRow:
    """One child on a conference page: the clocks, the plan, and the repeat-plan measures."""

    subject: ConferenceChild
    clocks: list[ClockLine]
    plan: ChildProtectionPlan | None
    repeat: RepeatPlanFlags | None


def conference_rows(
    conference: Conference, subjects: list[ConferenceChild], today: dt.date
) -> list[ConferenceRow]:
    rows = []
    for subject in subjects:
        subject.conference = conference
        if conference.kind == ConferenceKind.REVIEW:
            plan = plan_for_pack(subject)  # the plan under review
        else:
            plan = ChildProtectionPlan.objects.filter(
                conference=conference, child=subject.child
            ).first()
        repeat = None
        if plan is not None:
            repeat = repeat_plan_flags(subject.child, plan.started_on)
        elif (
            subject.plan_needed is None
            and conference.kind != ConferenceKind.REVIEW
            and not conference.is_cancelled
        ):
            # Decision pending: what a plan starting at this conference would count as.
            repeat = repeat_plan_flags(subject.child, conference.meeting_on)
        clocks = conference_clocks(conference, subject.case, today)
        rows.append(ConferenceRow(subject, clocks, plan, repeat))
    return rows


# ---------------------------------------------------------------- meeting packs


def pack_of(conference: Conference) -> MeetingPack | None:
    return MeetingPack.objects.filter(conference=conference).first()


def latest_assessment(child: Child, on_or_before: dt.date) -> Assessment | None:
    return (
        Assessment.objects.filter(child=child, started_on__lte=on_or_before)
        .order_by("-started_on", "-pk")
        .first()
    )


def plan_for_pack(subject: ConferenceChild) -> ChildProtectionPlan | None:
    """The plan the papers are about: the one under review, or the one this conference made."""
    conference = subject.conference
    made_here = ChildProtectionPlan.objects.filter(conference=conference, child=subject.child)
    found = made_here.first()
    if found is not None:
        return found
    on = conference.meeting_on
    return (
        ChildProtectionPlan.objects.filter(case=subject.case, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("-started_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ShareLine:
    share: PackShare
    working_days_before: int  # working days from the share to the conference (negative: after)
    late: bool


@dataclass(frozen=True)
class PackStatus:
    """Who had the papers when, against the local rule (``conference_papers``)."""

    rule_text: str
    shares: list[ShareLine]
    agencies_without_share: list[Agency]
    family_shared: bool
    conference_on: dt.date  # the date notice is counted back from
    counted_from: str  # "scheduled for" or "held on"

    @property
    def late_shares(self) -> list[ShareLine]:
        return [line for line in self.shares if line.late]


def papers_notice(partnership_id: int) -> tuple[int, Unit]:
    rule = rules_for_partnership(partnership_id)["conference_papers"]
    return rule.duration, rule.unit


def _notice_given(shared_on: dt.date, held_on: dt.date, unit: Unit) -> int:
    if unit is Unit.WORKING_DAYS:
        return working_day_calendar().working_days_between(shared_on, held_on)
    if unit is Unit.MONTHS:
        months = (held_on.year - shared_on.year) * 12 + held_on.month - shared_on.month
        return months if add_months(shared_on, months) <= held_on else months - 1
    return (held_on - shared_on).days


def pack_status(conference: Conference, pack: MeetingPack | None) -> PackStatus:
    """Each share with the notice it gave; attending agencies and the family with no share.

    A share is late when it gave less notice than the partnership's rule: with the default of
    3 working days, papers for a Thursday conference shared on the Monday are in time and on the
    Tuesday are late. Working days are counted by the calendar (bank holidays skipped). Notice
    is counted back from the scheduled date until the conference is recorded as held, then from
    the day it was held.
    """
    duration, unit = papers_notice(conference_partnership_id(conference))
    conference_on = conference.meeting_on
    rule_text = (
        f"Papers must be shared at least {duration} {unit} before the conference "
        "(local rule: the partnership's conference procedures)"
    )
    shares = list(pack.shares.select_related("agency").order_by("shared_on", "pk")) if pack else []
    lines = []
    for share in shares:
        notice = _notice_given(share.shared_on, conference_on, unit)
        lines.append(ShareLine(share, notice, notice < duration))
    shared_agency_ids = {s.agency_id for s in shares if s.agency_id}
    missing = [a for a in conference.agencies.order_by("name") if a.pk not in shared_agency_ids]
    return PackStatus(
        rule_text=rule_text,
        shares=lines,
        agencies_without_share=missing,
        family_shared=any(s.is_family for s in shares),
        conference_on=conference_on,
        counted_from="held on" if conference.is_held else "scheduled for",
    )


def agency_reports(pack: MeetingPack | None) -> list[AgencyReport]:
    if pack is None:
        return []
    return list(pack.reports.select_related("agency", "author").order_by("agency__name"))


@dataclass(frozen=True)
class PackSection:
    """One child's part of the papers: the current plan and the latest assessment summary, each
    only where the reader's agency may read that kind of record (``may_read_*`` false: withheld,
    by the same table that decides who reads each chronology line)."""

    subject: ConferenceChild
    plan: ChildProtectionPlan | None
    assessment: Assessment | None
    may_read_plan: bool = True
    may_read_assessment: bool = True


def pack_sections(
    user: User, conference: Conference, subjects: list[ConferenceChild]
) -> list[PackSection]:
    may_read_plan = agency_may_read(user, EventType.CP_PLAN)
    may_read_assessment = agency_may_read(user, EventType.ASSESSMENT)
    return [
        PackSection(
            subject=subject,
            plan=plan_for_pack(subject) if may_read_plan else None,
            assessment=(
                latest_assessment(subject.child, conference.meeting_on)
                if may_read_assessment
                else None
            ),
            may_read_plan=may_read_plan,
            may_read_assessment=may_read_assessment,
        )
        for subject in subjects
    ]
