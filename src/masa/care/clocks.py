"""The clocks of a looked-after child: reviews, health assessments and the education plan.

Rules as data, like ``masa.journey.clocks``; the arithmetic is ``masa.core.calendar
.compute_clock``. Sources: shared/domain/timescales.md section 3 ("(?)" marks a rule that file
has not re-verified against the primary text). Every clock belongs to the child's current period
of care: a child who comes back into care starts the clocks again (timescales.md, counting rule 7).

- CLA reviews (the independent reviewing officer's): the first within 20 working days of the
  child becoming looked after, the second within 3 months of the first, then every 6 months.
- Initial health assessment: before the first review, so within 20 working days.
- Review health assessments: every 6 months while the child is under 5 and every 12 months from
  5, counted from the previous assessment (the child's age on the day of that assessment).
- Personal education plan: with the care plan, within 10 working days (?); then reviewed each
  school term, counted here as 3 months (?). From the child's third birthday (early years PEPs
  are practice rather than regulation (?)) to their eighteenth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from masa.core.calendar import (
    Basis,
    Clock,
    ClockRule,
    ClockState,
    Unit,
    WorkingDayCalendar,
    add_months,
    compute_clock,
)

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
HEALTH_GUIDANCE = "Promoting the health and well-being of looked-after children (2015)"
EDUCATION_GUIDANCE = "Promoting the education of looked-after children (2018) (?)"
WD = Unit.WORKING_DAYS

CARE_RULES: dict[str, ClockRule] = {
    rule.code: rule
    for rule in [
        ClockRule(
            "cla_review_first",
            "First review of the looked-after child",
            "the start of care",
            20,
            WD,
            Basis.STATUTORY,
            f"{CPPCR}, regulation 33",
        ),
        ClockRule(
            "cla_review_second",
            "Second review of the looked-after child",
            "the first review",
            3,
            Unit.MONTHS,
            Basis.STATUTORY,
            f"{CPPCR}, regulation 33",
        ),
        ClockRule(
            "cla_review_next",
            "Review of the looked-after child",
            "the previous review",
            6,
            Unit.MONTHS,
            Basis.STATUTORY,
            f"{CPPCR}, regulation 33",
        ),
        ClockRule(
            "iha",
            "Initial health assessment",
            "the start of care",
            20,
            WD,
            Basis.GUIDANCE,
            f"{CPPCR}, regulation 7; {HEALTH_GUIDANCE}: before the first review",
        ),
        ClockRule(
            "rha_under_5",
            "Review health assessment (child under 5)",
            "the previous health assessment",
            6,
            Unit.MONTHS,
            Basis.GUIDANCE,
            HEALTH_GUIDANCE,
        ),
        ClockRule(
            "rha",
            "Review health assessment",
            "the previous health assessment",
            12,
            Unit.MONTHS,
            Basis.GUIDANCE,
            HEALTH_GUIDANCE,
        ),
        ClockRule(
            "pep",
            "Personal education plan",
            "the start of care (or the third birthday)",
            10,
            WD,
            Basis.GUIDANCE,
            f"{CPPCR}, schedule 1 (with the care plan) (?); {EDUCATION_GUIDANCE}",
        ),
        ClockRule(
            "pep_review",
            "Personal education plan review",
            "the previous personal education plan or review",
            3,
            Unit.MONTHS,
            Basis.GUIDANCE,
            f"{EDUCATION_GUIDANCE}: each school term, counted as 3 months (?)",
        ),
    ]
}

PEP_FROM_AGE = 3
CARE_ENDS_AGE = 18
RHA_UNDER = 5


def birthday(born: dt.date, years: int) -> dt.date:
    """The date a child born on ``born`` turns ``years`` (29 February: 28 February)."""
    return add_months(born, 12 * years)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class CareFacts:
    """What the clocks of one child's current period of care are computed from."""

    period_start: dt.date
    date_of_birth: dt.date | None = None
    first_review: dt.date | None = None
    second_review: dt.date | None = None
    last_review: dt.date | None = None
    last_health_assessment: dt.date | None = None  # initial or review, in this period
    last_pep: dt.date | None = None  # plan or review, in this period


# The columns the set-based query gives for each open episode (see
# ``selectors_looked_after.open_episodes_with_care_facts``), in ``CareFacts`` order.
CARE_FACT_FIELDS = (
    "period_start",
    "child__date_of_birth",
    "first_review",
    "second_review",
    "last_review",
    "last_health_assessment",
    "last_pep",
)


def facts_from_row(row: dict[str, Any]) -> CareFacts:
    return CareFacts(*(row[name] for name in CARE_FACT_FIELDS))


@dataclass(frozen=True)
class CareClock:
    code: str
    what: str
    clock: Clock
    state: ClockState


ComputeClock = Callable[[ClockRule, dt.date], Clock]


def care_clocks(
    facts: CareFacts,
    *,
    today: dt.date,
    calendar: WorkingDayCalendar | None = None,
    compute: ComputeClock | None = None,
) -> list[CareClock]:
    """The open clocks of a period of care that has not ended, soonest first.

    ``compute`` lets a caller with many children share one memo of computed clocks.
    """

    def clock(code: str, start: dt.date) -> CareClock:
        rule = CARE_RULES[code]
        made = compute(rule, start) if compute else compute_clock(rule, start, calendar)
        return CareClock(code, rule.name, made, made.state(today))

    found = []
    if facts.first_review is None:
        found.append(clock("cla_review_first", facts.period_start))
    elif facts.second_review is None:
        found.append(clock("cla_review_second", facts.first_review))
    else:
        found.append(clock("cla_review_next", facts.last_review or facts.second_review))

    if facts.last_health_assessment is None:
        found.append(clock("iha", facts.period_start))
    else:
        young = (
            facts.date_of_birth is not None
            and age_on(facts.date_of_birth, facts.last_health_assessment) < RHA_UNDER
        )
        found.append(clock("rha_under_5" if young else "rha", facts.last_health_assessment))

    pep_start = facts.period_start
    pep_due_for_age = True
    if facts.date_of_birth is not None:
        pep_start = max(pep_start, birthday(facts.date_of_birth, PEP_FROM_AGE))
        pep_due_for_age = pep_start <= today < birthday(facts.date_of_birth, CARE_ENDS_AGE)
    if pep_due_for_age:
        if facts.last_pep is None:
            found.append(clock("pep", pep_start))
        else:
            found.append(clock("pep_review", facts.last_pep))
    found.sort(key=lambda c: c.clock.due)
    return found


@dataclass(frozen=True)
class ReviewTimeliness:
    """One review held, against the clock it answered."""

    held_on: dt.date
    clock: Clock

    @property
    def state(self) -> ClockState:
        return self.clock.state(self.held_on, done_on=self.held_on)


def review_timeliness(
    period_start: dt.date,
    held: list[dt.date],
    calendar: WorkingDayCalendar | None = None,
) -> list[ReviewTimeliness]:
    """Whether each review of a period of care (dates in order) was held in time."""
    result = []
    previous: dt.date | None = None
    for index, held_on in enumerate(sorted(held)):
        code = ("cla_review_first", "cla_review_second")[index] if index < 2 else "cla_review_next"
        start = period_start if previous is None else previous
        result.append(ReviewTimeliness(held_on, compute_clock(CARE_RULES[code], start, calendar)))
        previous = held_on
    return result
