"""Reads for care leavers: the leaving-care status derived from age and care history, pathway
plan clocks, contact around birthdays 17 to 21 (903 OC3), staying put, and the team's list.

**Status is derived, never stored** (Children (Leaving Care) Act 2000; Care Planning, Placement and
Case Review (England) Regulations 2010, regulation 40; shared/domain/glossary.md):

- *Eligible*: aged 16 or 17, still looked after, and looked after for at least 13 weeks (91 days,
  in one period or several) since the 14th birthday, some of it on or after the 16th birthday.
- *Relevant*: aged 16 or 17, no longer looked after, and eligible before leaving care.
- *Former relevant*: aged 18 to 25 (the 25th birthday ends it), and eligible or relevant before
  turning 18. The personal adviser's support runs to 21, or to 25 if the young person asks.

Counting choices (each said on the leaver page): a day is "looked after" from an episode's start
(DECOM) up to the day before it ended (DEC), as the 903 counts a period; a child who leaves care
on their 16th birthday was not looked after at 16. Short breaks (legal status V3, V4) do not count
(regulation 40(2)). Days after the 18th birthday are not care. Not derived: the "qualifying" care
leaver (looked after under 13 weeks, special guardianship after 16...), and a relevant child
returning home to parents for 6 months (which ends the status): the OC3 code RHOM records it.

**Pathway plan clocks.** The regulations ask for the needs assessment within 3 months of the 16th
birthday or of becoming eligible, and the plan "as soon as practicable" after. Ofsted (Wigan, 2017)
found planning "does not start for most children until they are 16" and recommended it "starts
early enough": so masa's due date for the first plan is the **16th birthday** for a child looked
after before 16 (a local rule, ``PLAN_BY_AGE``), and 3 months after becoming eligible for a child
who came into care after 16 (the statutory latest). Both dates are shown. Reviews: every 6 months
from the last plan or review. Clocks stop at 21 unless a plan was made after the 21st birthday
(the young person asked for support to 25).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q, QuerySet

from masa.core.calendar import Basis, ClockRule, ClockState, Unit, add_months, compute_clock
from masa.core.models import User
from masa.core.presenters import govuk_date
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from . import codes as dfe
from .clocks import age_on, birthday
from .models import CareLeaverContact, Episode, PathwayPlan, StayingPut

QUALIFYING_DAYS = 91  # 13 weeks
SHORT_BREAKS = frozenset({"V3", "V4"})
FROM_AGE = 14
ELIGIBLE_AGE = 16
ADULT_AGE = 18
SUPPORT_AGE = 21
LEAVING_CARE_ENDS_AGE = 25
PLAN_BY_AGE = 16  # local rule: the first pathway plan by the 16th birthday
PLANNING_FROM_AGE = 15  # a child looked after from 15 appears on the list, due by 16
OC3_AGES = (17, 18, 19, 20, 21)
CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"

PATHWAY_RULES = {
    rule.code: rule
    for rule in [
        ClockRule(
            "pathway_plan_statutory",
            "Needs assessment and pathway plan (statutory latest)",
            "the 16th birthday, or becoming eligible if later",
            3,
            Unit.MONTHS,
            Basis.STATUTORY,
            f"{CPPCR}, regulations 40 to 43",
        ),
        ClockRule(
            "pathway_plan_review",
            "Pathway plan review",
            "the last pathway plan or review",
            6,
            Unit.MONTHS,
            Basis.STATUTORY,
            f"{CPPCR}, regulation 44; Care Leavers (England) Regulations 2010 (?)",
        ),
    ]
}


class LeaverStatus(StrEnum):
    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "eligible": "Eligible child",
            "relevant": "Relevant child",
            "former_relevant": "Former relevant child",
            "none": "Not a care leaver",
        }[self.value]

    @property
    def is_care_leaver(self) -> bool:
        return self is not LeaverStatus.NONE


@dataclass(frozen=True)
class CareSpan:
    """One episode of care, as the status needs it: looked after from ``started_on`` up to the
    day before ``ended_on`` (None: still looked after)."""

    started_on: dt.date
    ended_on: dt.date | None
    legal_status: str = ""


@dataclass(frozen=True)
class Standing:
    """A young person's leaving-care status on a day, with the facts it came from."""

    status: LeaverStatus
    reason: str
    on: dt.date
    looked_after_now: bool = False
    days_since_14: int = 0
    qualified_on: dt.date | None = None  # when 13 weeks since 14, some at 16+, were reached
    looked_after_before_16: bool = False


def _counted(spans: Iterable[CareSpan]) -> list[CareSpan]:
    return sorted(
        (s for s in spans if s.legal_status not in SHORT_BREAKS), key=lambda s: s.started_on
    )


def _end(span: CareSpan) -> dt.date:
    return span.ended_on or dt.date.max


def looked_after_on(spans: Iterable[CareSpan], day: dt.date) -> bool:
    return any(s.started_on <= day < _end(s) for s in _counted(spans))


def days_looked_after(spans: Iterable[CareSpan], first: dt.date, last: dt.date) -> int:
    """Days looked after from ``first`` to ``last``, both included."""
    total = 0
    for span in _counted(spans):
        start = max(span.started_on, first)
        stop = min(_end(span), last + dt.timedelta(days=1))
        total += max(0, (stop - start).days)
    return total


def qualified_on(date_of_birth: dt.date, spans: Iterable[CareSpan]) -> dt.date | None:
    """The day a child first met the eligibility test: 13 weeks looked after since the 14th
    birthday, some of it on or after the 16th; None if they never did before turning 18."""
    from14 = birthday(date_of_birth, FROM_AGE)
    at16 = birthday(date_of_birth, ELIGIBLE_AGE)
    at18 = birthday(date_of_birth, ADULT_AGE)
    counted = _counted(spans)
    thirteen_weeks: dt.date | None = None
    so_far = 0
    for span in counted:
        start, stop = max(span.started_on, from14), min(_end(span), at18)
        if stop <= start:
            continue
        if so_far + (stop - start).days >= QUALIFYING_DAYS:
            thirteen_weeks = start + dt.timedelta(days=QUALIFYING_DAYS - so_far - 1)
            break
        so_far += (stop - start).days
    first_at_16 = min(
        (max(s.started_on, at16) for s in counted if max(s.started_on, at16) < min(_end(s), at18)),
        default=None,
    )
    if thirteen_weeks is None or first_at_16 is None:
        return None
    return max(thirteen_weeks, first_at_16)


def leaver_standing(
    date_of_birth: dt.date | None, spans: Iterable[CareSpan], on: dt.date
) -> Standing:
    """The leaving-care status on ``on``, with the reason in words."""
    spans = list(spans)
    if date_of_birth is None:
        return Standing(LeaverStatus.NONE, "The date of birth is not recorded.", on)
    age = age_on(date_of_birth, on)
    from14 = birthday(date_of_birth, FROM_AGE)
    at16 = birthday(date_of_birth, ELIGIBLE_AGE)
    last_child_day = min(on, birthday(date_of_birth, ADULT_AGE) - dt.timedelta(days=1))
    days = days_looked_after(spans, from14, last_child_day)
    qualified = qualified_on(date_of_birth, spans)
    now = looked_after_on(spans, on)

    def standing(status: LeaverStatus, reason: str) -> Standing:
        return Standing(
            status,
            reason,
            on,
            looked_after_now=now,
            days_since_14=days,
            qualified_on=qualified if qualified is not None and qualified <= on else None,
            # Looked after between 14 and 16 (for a child under 16 still in care, counting on).
            looked_after_before_16=days_looked_after(spans, from14, at16 - dt.timedelta(days=1))
            > 0,
        )

    if age < ELIGIBLE_AGE:
        reason = f"Under {ELIGIBLE_AGE}."
        if now and age >= FROM_AGE:
            reason += (
                f" Looked after for {days} days since the 14th birthday: eligible at 16 once "
                f"{QUALIFYING_DAYS} days (13 weeks) are reached while still looked after."
            )
        return standing(LeaverStatus.NONE, reason)
    if age >= LEAVING_CARE_ENDS_AGE:
        return standing(
            LeaverStatus.NONE, f"{LEAVING_CARE_ENDS_AGE} or over: leaving care support has ended."
        )
    if qualified is None or qualified > on:
        if days < QUALIFYING_DAYS:
            reason = (
                f"Looked after for {days} days since the 14th birthday, fewer than the "
                f"{QUALIFYING_DAYS} days (13 weeks) that make a child eligible."
            )
        else:
            reason = "Not looked after on or after the 16th birthday."
        return standing(LeaverStatus.NONE, reason)
    met = (
        "Looked after for 13 weeks since the 14th birthday, some of it at 16 or over (the test "
        f"was met on {govuk_date(qualified)})."
    )
    if age >= ADULT_AGE:
        support = (
            "Entitled to a personal adviser's support to 21, or to 25 if they ask."
            if age < SUPPORT_AGE
            else "Over 21: entitled to a personal adviser's support to 25 if they ask."
        )
        return standing(LeaverStatus.FORMER_RELEVANT, f"{met} {support}")
    if now:
        return standing(LeaverStatus.ELIGIBLE, f"{met} Still looked after.")
    return standing(LeaverStatus.RELEVANT, f"{met} Has left care and is under 18.")


# ---------------------------------------------------------------- pathway plan clocks


@dataclass(frozen=True)
class PlanDates:
    """The pathway plans recorded for a child: when the first was agreed, the latest date a plan
    was agreed or reviewed."""

    first: dt.date | None = None
    latest: dt.date | None = None

    @classmethod
    def of(cls, rows: Iterable[tuple[dt.date, dt.date | None]]) -> PlanDates:
        dates = [(agreed, reviewed) for agreed, reviewed in rows]
        if not dates:
            return cls()
        firsts = [agreed for agreed, reviewed in dates if reviewed is None] or [
            agreed for agreed, _ in dates
        ]
        return cls(min(firsts), max(reviewed or agreed for agreed, reviewed in dates))


@dataclass(frozen=True)
class LeaverClock:
    code: str
    what: str
    due: dt.date
    state: ClockState
    explanation: str
    done_on: dt.date | None = None


def _state(due: dt.date, today: dt.date, done_on: dt.date | None) -> ClockState:
    if done_on is not None:
        return ClockState.MET if done_on <= due else ClockState.MISSED
    return ClockState.DUE if today <= due else ClockState.OVERDUE


def first_plan_clocks(
    date_of_birth: dt.date, standing: Standing, plans: PlanDates, today: dt.date
) -> list[LeaverClock]:
    """The first pathway plan: the partnership's date (16th birthday) for a child looked after
    before 16, and the statutory latest (3 months after 16, or after becoming eligible)."""
    at16 = birthday(date_of_birth, PLAN_BY_AGE)
    clocks = []
    if standing.looked_after_before_16:
        clocks.append(
            LeaverClock(
                "pathway_plan_by_16",
                "First pathway plan",
                at16,
                _state(at16, today, plans.first),
                f"First pathway plan: by the 16th birthday on {govuk_date(at16)}. Rule: local "
                "rule, so that planning starts before the young person is 16 (Ofsted's "
                "recommendation to Wigan, 2017: pathway planning should start early enough). "
                "The regulations' latest date is shown below.",
                plans.first,
            )
        )
    eligible_from = max(at16, standing.qualified_on or at16)
    statutory = compute_clock(PATHWAY_RULES["pathway_plan_statutory"], eligible_from)
    clocks.append(
        LeaverClock(
            statutory.rule.code,
            statutory.rule.name,
            statutory.due,
            _state(statutory.due, today, plans.first),
            statutory.explanation(),
            plans.first,
        )
    )
    return clocks


def review_clock(plans: PlanDates, today: dt.date) -> LeaverClock | None:
    if plans.latest is None:
        return None
    clock = compute_clock(PATHWAY_RULES["pathway_plan_review"], plans.latest)
    return LeaverClock(
        clock.rule.code, clock.rule.name, clock.due, clock.state(today), clock.explanation()
    )


def in_planning(date_of_birth: dt.date | None, standing: Standing, plans: PlanDates) -> bool:
    """Whether pathway plan clocks run: care leavers under 21 (or over 21 with a plan made after
    the 21st birthday), and children looked after from 15 on their way to 16."""
    if date_of_birth is None:
        return False
    age = age_on(date_of_birth, standing.on)
    if standing.status.is_care_leaver:
        if age < SUPPORT_AGE:
            return True
        return plans.latest is not None and plans.latest >= birthday(date_of_birth, SUPPORT_AGE)
    return standing.looked_after_now and PLANNING_FROM_AGE <= age < ELIGIBLE_AGE


def pathway_clocks(
    date_of_birth: dt.date | None, standing: Standing, plans: PlanDates, today: dt.date
) -> list[LeaverClock]:
    """The open clock: the first plan until one is agreed, then the next review."""
    if date_of_birth is None or not in_planning(date_of_birth, standing, plans):
        return []
    if plans.first is None:
        return first_plan_clocks(date_of_birth, standing, plans, today)
    clock = review_clock(plans, today)
    return [clock] if clock else []


# ---------------------------------------------------------------- the leaver page


def spans_for(child_ids: Iterable[int] | QuerySet) -> dict[int, list[CareSpan]]:
    """Each child's episodes of care (``child_ids``: ids, or a query of them)."""
    found: dict[int, list[CareSpan]] = defaultdict(list)
    ids = child_ids if isinstance(child_ids, QuerySet) else list(child_ids)
    rows = Episode.objects.filter(child_id__in=ids).values_list(
        "child_id", "started_on", "ended_on", "legal_status"
    )
    for child_id, started, ended, status in rows:
        found[child_id].append(CareSpan(started, ended, status))
    return found


def plans_for(child_ids: Iterable[int] | QuerySet) -> dict[int, PlanDates]:
    rows: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    ids = child_ids if isinstance(child_ids, QuerySet) else list(child_ids)
    for child_id, agreed, reviewed in PathwayPlan.objects.filter(child_id__in=ids).values_list(
        "child_id", "agreed_on", "reviewed_on"
    ):
        rows[child_id].append((agreed, reviewed))
    return {child_id: PlanDates.of(dates) for child_id, dates in rows.items()}


@dataclass(frozen=True)
class BirthdayContact:
    """The OC3 contact around one birthday (17 to 21)."""

    age: int
    birthday: dt.date
    year_ending: int
    contact: CareLeaverContact | None

    @property
    def year_label(self) -> str:
        return f"{self.year_ending - 1}/{str(self.year_ending)[2:]}"


@dataclass
class LeaverPage:
    child: Child
    standing: Standing
    plans: list[PathwayPlan]
    clocks: list[LeaverClock]
    first_plan_clocks: list[LeaverClock]
    birthdays: list[BirthdayContact] = field(default_factory=list)
    staying_put: list[StayingPut] = field(default_factory=list)

    @property
    def personal_adviser(self) -> User | None:
        for plan in sorted(
            self.plans, key=lambda p: (p.reviewed_on or p.agreed_on, p.pk), reverse=True
        ):
            if plan.personal_adviser is not None:
                return plan.personal_adviser
        return None

    @property
    def current_staying_put(self) -> StayingPut | None:
        return next((s for s in self.staying_put if s.ended_on is None), None)


def oc3_birthdays(
    date_of_birth: dt.date, contacts: Iterable[CareLeaverContact]
) -> list[BirthdayContact]:
    by_year = {c.year_ending: c for c in contacts}
    found = []
    for age in OC3_AGES:
        day = birthday(date_of_birth, age)
        year = dfe.collection_year(day)
        found.append(BirthdayContact(age, day, year, by_year.get(year)))
    return found


def standing_of(child: Child, on: dt.date) -> Standing:
    return leaver_standing(child.date_of_birth, spans_for([child.pk]).get(child.pk, []), on)


def leaver_page(child: Child, today: dt.date) -> LeaverPage:
    standing = standing_of(child, today)
    plans = list(
        PathwayPlan.objects.filter(child=child)
        .select_related("personal_adviser", "recorded_by")
        .order_by("-agreed_on", "-reviewed_on", "-pk")
    )
    dates = PlanDates.of((p.agreed_on, p.reviewed_on) for p in plans)
    clocks = pathway_clocks(child.date_of_birth, standing, dates, today)
    first = (
        first_plan_clocks(child.date_of_birth, standing, dates, today)
        if child.date_of_birth is not None
        and dates.first is not None
        and (standing.status.is_care_leaver or standing.looked_after_before_16)
        else []
    )
    page = LeaverPage(child, standing, plans, clocks, first)
    if child.date_of_birth is not None and standing.qualified_on is not None:
        page.birthdays = oc3_birthdays(
            child.date_of_birth, CareLeaverContact.objects.filter(child=child)
        )
    page.staying_put = list(
        StayingPut.objects.filter(child=child).select_related("carer").order_by("-started_on")
    )
    return page


# ---------------------------------------------------------------- the team's list


@dataclass(frozen=True)
class LeaverRow:
    child: Child
    standing: Standing
    age: int
    clock: LeaverClock | None

    @property
    def sort_key(self) -> tuple[int, dt.date, str]:
        state_order = 0 if self.clock and self.clock.state == ClockState.OVERDUE else 1
        due = self.clock.due if self.clock else dt.date.max
        return (state_order, due, self.child.full_name)


@dataclass(frozen=True)
class LeaverList:
    rows: list[LeaverRow]
    team_only: bool

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.clock and r.clock.state == ClockState.OVERDUE)


def _candidates(user: User, today: dt.date, team_only: bool) -> QuerySet[Child]:
    """Children the user may see aged 15 to 25 with any care history (one query)."""
    visible = children_visible_to(user)
    if team_only and user.team_id is not None:
        visible = visible.filter(owning_team_id=user.team_id)
    youngest = add_months(today, -12 * PLANNING_FROM_AGE)
    oldest = add_months(today, -12 * LEAVING_CARE_ENDS_AGE)
    return visible.filter(
        Q(date_of_birth__lte=youngest) & Q(date_of_birth__gt=oldest),
        pk__in=Episode.objects.values("child_id"),
    )


def leaver_list(user: User, today: dt.date, *, team_only: bool) -> LeaverList:
    """The care leavers (and children looked after from 15) the user's team works with, with
    their pathway plan clock, overdue first. Three queries, whatever the number of children."""
    team_only = team_only and user.team_id is not None
    candidates = _candidates(user, today, team_only)
    children = list(candidates)
    spans = spans_for(candidates.values("pk"))
    plans = plans_for(candidates.values("pk"))
    rows = []
    for child in children:
        assert child.date_of_birth is not None
        standing = leaver_standing(child.date_of_birth, spans.get(child.pk, []), today)
        dates = plans.get(child.pk, PlanDates())
        if not in_planning(child.date_of_birth, standing, dates):
            continue
        clocks = pathway_clocks(child.date_of_birth, standing, dates, today)
        rows.append(
            LeaverRow(
                child, standing, age_on(child.date_of_birth, today), clocks[0] if clocks else None
            )
        )
    rows.sort(key=lambda r: r.sort_key)
    return LeaverList(rows, team_only)
