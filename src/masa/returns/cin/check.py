"""Running the rule units: at data entry (the record being saved) and over a whole child."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .model import CINChild
from .registry import (
    ASSESSMENTS,
    CHILD_CHARACTERISTICS,
    CHILD_IDENTIFIERS,
    CHILD_PROTECTION_PLANS,
    CIN_DETAILS,
    CIN_PLAN_DATES,
    REVIEWS,
    SECTION_47,
    TABLES,
    Context,
    Rule,
    RuleFailure,
    all_rules,
)
from .years import CollectionYear

if TYPE_CHECKING:
    from masa.core.calendar import WorkingDayCalendar

# The record a practitioner is saving, by the names casework uses, and the DfE tables it is.
FOCUS_TABLES: dict[str, frozenset[str]] = {
    "ChildIdentifiers": frozenset({CHILD_IDENTIFIERS}),
    "ChildCharacteristics": frozenset({CHILD_CHARACTERISTICS}),
    "Referral": frozenset({CIN_DETAILS}),
    "CINdetails": frozenset({CIN_DETAILS}),
    "Assessment": frozenset({ASSESSMENTS}),
    "Section47": frozenset({SECTION_47}),
    "ChildProtectionPlan": frozenset({CHILD_PROTECTION_PLANS, REVIEWS}),
    "Review": frozenset({REVIEWS}),
    "CINPlan": frozenset({CIN_PLAN_DATES}),
}
FOCUS_TABLES.update({table: frozenset({table}) for table in TABLES if table not in FOCUS_TABLES})


def _year(year: CollectionYear | int | None, today: dt.date | None) -> CollectionYear:
    if year is None:
        return CollectionYear.current(today)
    return year if isinstance(year, CollectionYear) else CollectionYear(year)


def rules_for(year: CollectionYear | int, *, at_entry: bool = False) -> list[Rule]:
    """The rule units that apply to a census year (at entry: without the census-only ones)."""
    wanted = _year(year, None).year
    return [r for r in all_rules() if wanted in r.years and not (at_entry and r.census_only)]


def _ordered(failures: list[RuleFailure]) -> list[RuleFailure]:
    def key(f: RuleFailure) -> tuple[int, int, int, int, str]:
        loc = f.location
        position = (-1 if loc.episode is None else loc.episode, loc.row or 0, loc.item or 0)
        return (*position, TABLES.index(f.table), f.code)

    return sorted(failures, key=key)


def check_on_entry(
    child: CINChild,
    *,
    focus: str,
    year: CollectionYear | int | None = None,
    episode: int | None = None,
    today: dt.date | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[RuleFailure]:
    """The DfE rules the record being saved would fail, for a casework service to show.

    ``child`` is the child's whole CIN record as it would be after the save. ``focus`` names the
    record being saved ("Referral", "Assessment", "Section47", "ChildProtectionPlan", "CINPlan",
    "ChildIdentifiers", "ChildCharacteristics", "Review"); only rules that look at that record
    run, and rules that judge a whole census year (``census_only``) never do. ``year`` defaults
    to the census year of today's date in England. With ``episode`` (an index into
    ``child.CINdetails``), only failures in or involving that episode, or about the child as a
    whole, are returned, so older problems elsewhere do not block the save.
    """
    if focus not in FOCUS_TABLES:
        known = ", ".join(sorted(FOCUS_TABLES))
        raise ValueError(f"Unknown CIN record {focus!r}: use one of {known}")
    census_year = _year(year, today)
    tables = FOCUS_TABLES[focus]
    ctx = Context(census_year, calendar)
    failures = [
        failure
        for rule in rules_for(census_year, at_entry=True)
        if rule.reads & tables
        for failure in rule.run(child, ctx)
    ]
    if episode is not None:
        failures = [f for f in failures if f.location.episode is None or f.touches_episode(episode)]
    return _ordered(failures)


def validate_child(
    child: CINChild,
    year: CollectionYear | int,
    *,
    calendar: WorkingDayCalendar | None = None,
) -> list[RuleFailure]:
    """Every rule unit for the census year, census-only ones included (for the census validator)."""
    census_year = _year(year, None)
    ctx = Context(census_year, calendar)
    return _ordered([f for rule in rules_for(census_year) for f in rule.run(child, ctx)])
