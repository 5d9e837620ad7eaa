"""The rule registry: each DfE CIN validation rule is a small function registered with its code.

A rule unit reads one ``CINChild`` and yields a ``Finding`` for every place it fails. The
registry wraps findings into ``RuleFailure`` objects carrying the DfE code, the DfE message for
the year, the table and elements it checks, and where in the child's record it failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .codes import CodeLists, available_years, code_lists
from .model import (
    Assessment,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
    YesNo,
)
from .years import CollectionYear

if TYPE_CHECKING:
    from masa.core.calendar import WorkingDayCalendar

# DfE table (module) names, as the CIN census validation rules name them.
CHILD_IDENTIFIERS = "ChildIdentifiers"
CHILD_CHARACTERISTICS = "ChildCharacteristics"
CIN_DETAILS = "CINdetails"
ASSESSMENTS = "Assessments"
CIN_PLAN_DATES = "CINPlanDates"
SECTION_47 = "Section47"
CHILD_PROTECTION_PLANS = "ChildProtectionPlans"
REVIEWS = "Reviews"
TABLES = (
    CHILD_IDENTIFIERS,
    CHILD_CHARACTERISTICS,
    CIN_DETAILS,
    ASSESSMENTS,
    CIN_PLAN_DATES,
    SECTION_47,
    CHILD_PROTECTION_PLANS,
    REVIEWS,
)

# What a person would call each table when told where a failure is.
TABLE_NOUNS = {
    CHILD_IDENTIFIERS: "child's identifiers",
    CHILD_CHARACTERISTICS: "child's characteristics",
    CIN_DETAILS: "CIN episode",
    ASSESSMENTS: "assessment",
    CIN_PLAN_DATES: "CIN plan",
    SECTION_47: "section 47 enquiry",
    CHILD_PROTECTION_PLANS: "child protection plan",
    REVIEWS: "child protection review",
}


@dataclass(frozen=True)
class Location:
    """Where a failure sits. Indexes are positions in the child's tuples, counting from 0."""

    table: str
    episode: int | None = None  # index into CINChild.CINdetails
    row: int | None = None  # index into the episode's group (Assessments, Section47...)
    item: int | None = None  # index into a nested list (a plan's Reviews)
    ref: str | None = None  # masa's key for the record, when the caller gave one

    def describe(self) -> str:
        """Plain English, counting from 1: "CIN episode 2, assessment 1"."""
        parts = []
        if self.episode is not None:
            parts.append(f"CIN episode {self.episode + 1}")
        if self.row is not None and self.table not in (CIN_DETAILS, REVIEWS):
            parts.append(f"{TABLE_NOUNS[self.table]} {self.row + 1}")
        if self.table == REVIEWS:
            if self.row is not None:
                parts.append(f"child protection plan {self.row + 1}")
            if self.item is not None:
                parts.append(f"review {self.item + 1}")
        return ", ".join(parts) or f"the {TABLE_NOUNS[self.table]}"


@dataclass(frozen=True)
class Finding:
    """What a rule unit yields: the failing place, and optionally the records it clashed with."""

    at: Location
    fields: tuple[str, ...] = ()  # overrides the rule's elements when only some failed
    related: tuple[Location, ...] = ()


@dataclass(frozen=True)
class RuleFailure:
    code: str
    message: str
    table: str
    fields: tuple[str, ...]
    location: Location
    child_id: str | None
    query: bool  # a DfE query ("Q" code): asks for a check or a reason, does not block a return
    related: tuple[Location, ...] = ()

    @property
    def field(self) -> str | None:
        return self.fields[0] if self.fields else None

    @property
    def text(self) -> str:
        """The line to show a practitioner: "CIN rule 8630: CIN Closure Date is before…"."""
        return f"CIN rule {self.code}: {self.message}"

    def touches_episode(self, episode: int) -> bool:
        return any(loc.episode == episode for loc in (self.location, *self.related))

    def __str__(self) -> str:
        return f"{self.text} ({self.location.describe()})"


class Context:
    """What a rule may know besides the child: the census year, its code lists, the calendar."""

    def __init__(self, year: CollectionYear, calendar: WorkingDayCalendar | None = None) -> None:
        self.year = year
        self.codes: CodeLists = code_lists(year.year)
        self._calendar = calendar

    @property
    def start(self) -> dt.date:
        return self.year.start

    @property
    def reference_date(self) -> dt.date:
        return self.year.reference_date

    @property
    def calendar(self) -> WorkingDayCalendar:
        # Only the census-only working-day queries need it; reading it touches the database
        # (administrator-added bank holidays), so it is fetched on first use.
        if self._calendar is None:
            from masa.core.calendar import working_day_calendar

            self._calendar = working_day_calendar()
        return self._calendar

    def yes(self, value: YesNo) -> bool | None:
        return self.codes.yes_no(value)


Check = Callable[[CINChild, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    table: str  # the DfE module the rule belongs to
    fields: tuple[str, ...]
    reads: frozenset[str]  # every table the rule looks at: decides which saves run it
    years: frozenset[int]
    check: Check
    census_only: bool = False  # judges the whole census year, so it is not run at data entry
    messages: Mapping[int, str] = field(default_factory=dict)

    @property
    def query(self) -> bool:
        return self.code.endswith("Q")

    def message_for(self, year: int) -> str:
        return self.messages.get(year, self.message)

    def run(self, child: CINChild, ctx: Context) -> list[RuleFailure]:
        message = self.message_for(ctx.year.year)
        return [
            RuleFailure(
                code=self.code,
                message=message,
                table=finding.at.table,
                fields=finding.fields or self.fields,
                location=finding.at,
                child_id=child.ChildIdentifiers.LAchildID,
                query=self.query,
                related=finding.related,
            )
            for finding in self.check(child, ctx)
        ]


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    message: str,
    table: str,
    fields: Iterable[str],
    reads: Iterable[str] = (),
    since: int | None = None,
    census_only: bool = False,
    messages: Mapping[int, str] | None = None,
) -> Callable[[Check], Check]:
    """Register a rule unit under its DfE code; ``since`` is the first census year it applies to."""

    def register(check: Check) -> Check:
        if code in _RULES:
            raise ValueError(f"CIN rule {code} is registered twice")
        years = frozenset(y for y in available_years() if since is None or y >= since)
        _RULES[code] = Rule(
            code=code,
            message=message,
            table=table,
            fields=tuple(fields),
            reads=frozenset({table, *reads}),
            years=years,
            check=check,
            census_only=census_only,
            messages=dict(messages or {}),
        )
        return check

    return register


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (importing the package registers every unit)

    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule:
    all_rules()
    return _RULES[code]


# ------------------------------------------------------------------ walking a child's record


def child_at(table: str) -> Location:
    return Location(table)


def episode_at(e: int, episode: CINEpisode) -> Location:
    return Location(CIN_DETAILS, episode=e, ref=episode.ref)


def row_at(table: str, e: int, i: int, record: object) -> Location:
    return Location(table, episode=e, row=i, ref=getattr(record, "ref", None))


def each_assessment(child: CINChild) -> Iterator[tuple[int, CINEpisode, int, Assessment]]:
    for e, episode in enumerate(child.CINdetails):
        for i, assessment in enumerate(episode.Assessments):
            yield e, episode, i, assessment


def each_section47(child: CINChild) -> Iterator[tuple[int, CINEpisode, int, Section47Enquiry]]:
    for e, episode in enumerate(child.CINdetails):
        for i, enquiry in enumerate(episode.Section47):
            yield e, episode, i, enquiry


def each_cpp(child: CINChild) -> Iterator[tuple[int, CINEpisode, int, ChildProtectionPlan]]:
    for e, episode in enumerate(child.CINdetails):
        for i, plan in enumerate(episode.ChildProtectionPlans):
            yield e, episode, i, plan


def each_cin_plan(child: CINChild) -> Iterator[tuple[int, CINEpisode, int, CINPlan]]:
    for e, episode in enumerate(child.CINdetails):
        for i, plan in enumerate(episode.CINPlanDates):
            yield e, episode, i, plan


def rows_dated_after_death(
    child: CINChild,
    rows: Iterable[tuple[int, CINEpisode, int, object]],
    table: str,
    date_field: str,
) -> Iterator[Finding]:
    """Findings for the rows whose ``date_field`` falls after the child's date of death (the
    shape of DfE rules 4008, 4009, 8915 and 8920)."""
    died = child.ChildIdentifiers.PersonDeathDate
    if died is None:
        return
    for e, _episode, i, row in rows:
        day = getattr(row, date_field)
        if day is not None and day > died:
            yield Finding(row_at(table, e, i, row))
