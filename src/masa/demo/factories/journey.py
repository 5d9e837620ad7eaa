"""Children's journeys: contacts, referrals, assessments, enquiries, conferences, plans, early help.

Builds, for every family the people domain made, the casework the services would have written
over the years: a ``Case`` per episode with one ``CaseTransition`` per stage move, the records
of each step (front door, early help, protection) and the chronology line of each record.

Shape (per year at borough size; Wigan 2023-24 and 2017/18 core data, Wirral's front door):
about 30,000 contacts, ~12% of them referrals (~3,500, ~22% re-referrals within 12 months),
~1,200 section 47 enquiries and ~300 new child protection plans (mostly neglect, then emotional
abuse; mostly lasting 6-12 months, some over two years, ~20% second or subsequent plans);
assessments mostly within 45 working days. Each family's current state follows the people
domain: a family whose local authority involvement is open has an open case in its owning team
with its allocated worker; a closed involvement's case closed on its end date.

How it is written. Every family is planned in plain Python first: a *script* of dated steps per
episode, drawn from a random generator of its own so a later-born sibling can replay the same
episode from the day it joins. The scripts then run through ``_Book``, which checks each stage
move against ``masa.journey.transitions`` and appends rows. Rows are inserted with
``executemany`` (``COPY`` on PostgreSQL) and ids assigned here, not with ``bulk_create``: at
borough size this is ~2 million rows, which ``bulk_create`` inserts ~5 times more slowly
(measured: 200,000 chronology lines in 18 s against 3.8 s), and ``bulk_create`` would stamp
every ``auto_now_add`` field (a transition's ``moved_at``, a case's ``created_at``) with today
instead of when it happened.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import itertools
import json
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone

from masa.core.calendar import compute_clock, working_day_calendar
from masa.core.models import AgencyKind, Partnership, User
from masa.demo.accounts import LA
from masa.earlyhelp.models import EarlyHelpEndReason, EarlyHelpEpisode, EarlyHelpReview
from masa.frontdoor.models import (
    AgencyCheck,
    ConsentBasis,
    Contact,
    PrimaryNeed,
    Rag,
    ReasonForClosure,
    Referral,
    ReferralSource,
    ThresholdDecision,
)
from masa.journey.clocks import DEFAULT_RULES
from masa.journey.models import (
    Allocation,
    Case,
    CaseTransition,
    ChronologyEntry,
    ClockSetting,
    EventType,
    OversightNote,
    PracticeModel,
    PracticeSettings,
    Significance,
    Stage,
)
from masa.journey.services import DEFAULT_AUDIENCE, DEFAULT_CONTINUUM, audience_text
from masa.journey.transitions import is_allowed
from masa.people.models import AgencyInvolvement, Child
from masa.protection.models import (
    AgencyReport,
    Assessment,
    AssessmentOutcome,
    CategoryOfAbuse,
    ChildProtectionPlan,
    CINPlan,
    CINPlanReview,
    Conference,
    ConferenceChild,
    ConferenceKind,
    CoreGroupMeeting,
    MeetingPack,
    PackShare,
    PlanEndReason,
    S47Enquiry,
    S47Outcome,
    StrategyDiscussion,
    Visit,
)

from .base import DemoContext
from .core import (
    ASSESSMENT_NORTH,
    ASSESSMENT_SOUTH,
    CHILD_PROTECTION,
    CHILDREN_IN_CARE,
    EARLY_HELP,
    FRONT_DOOR,
    ICB,
    LEAVING_CARE,
    POLICE,
    PROBATION,
    REVIEWING_UNIT,
    VOLUNTARY,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
BATCH_SIZE = 5000
S = Stage
D = ThresholdDecision

# --- Shapes -----------------------------------------------------------------------------------

CONTACTS_PER_CHILD_YEAR = 30_000 / 35_000  # ~30,000 contacts a year on the borough's children
# Threshold decisions on contacts that do not start a new episode (the rest: referrals, early
# help, and contacts passed to the worker of an open case).
NFA_SHARE, ADVICE_SHARE = 0.55, 0.45
EXTRA_EARLY_HELP_RATE = 0.06  # of those contacts, when the family has room for an episode
# A referral episode is preceded by another within 12 months for ~1 in 4 families (re-referral).
RE_REFERRAL_RATE = 0.32
PREVIOUS_PLAN_RATE = 0.5  # families on a plan who had an earlier one (second or subsequent)
PREVIOUS_EARLY_HELP_RATE = 0.12
# Contacts received in the last few working days still await a threshold decision.
PENDING_WORKING_DAYS = 3
PENDING_SHARE = (0.9, 0.5, 0.15, 0.05)  # by working days since received (0: today)
RECORDED_LATE_RATE = 0.03  # chronology lines recorded more than a week after the event
RECORDED_NEXT_DAYS_RATE = 0.12  # lines recorded one to five days later

REFERRAL_SOURCES = (  # (CIN census code, weight): police and schools lead, as nationally
    (ReferralSource.POLICE, 29), (ReferralSource.SCHOOLS, 20), (ReferralSource.GP, 3),
    (ReferralSource.HEALTH_VISITOR, 3), (ReferralSource.SCHOOL_NURSE, 1),
    (ReferralSource.OTHER_PRIMARY_HEALTH, 2), (ReferralSource.A_AND_E, 4),
    (ReferralSource.OTHER_HEALTH, 3), (ReferralSource.HOUSING, 2),
    (ReferralSource.LA_SOCIAL_CARE, 4), (ReferralSource.LA_OTHER_INTERNAL, 2),
    (ReferralSource.LA_EXTERNAL, 2), (ReferralSource.LA_EARLY_HELP, 3),
    (ReferralSource.FAMILY, 5), (ReferralSource.ACQUAINTANCE, 1), (ReferralSource.SELF, 1),
    (ReferralSource.INDIVIDUAL_OTHER, 1), (ReferralSource.OTHER_LEGAL, 3),
    (ReferralSource.OTHER, 6), (ReferralSource.ANONYMOUS, 2), (ReferralSource.UNKNOWN, 1),
)  # fmt: skip
PRIMARY_NEEDS = (
    (PrimaryNeed.N1, 57), (PrimaryNeed.N2, 9), (PrimaryNeed.N3, 3), (PrimaryNeed.N4, 9),
    (PrimaryNeed.N5, 13), (PrimaryNeed.N6, 2), (PrimaryNeed.N7, 1), (PrimaryNeed.N8, 4),
    (PrimaryNeed.N9, 1), (PrimaryNeed.N0, 1),
)  # fmt: skip
CATEGORIES = (
    (CategoryOfAbuse.NEGLECT, 50), (CategoryOfAbuse.EMOTIONAL, 37),
    (CategoryOfAbuse.PHYSICAL, 7), (CategoryOfAbuse.SEXUAL, 4), (CategoryOfAbuse.MULTIPLE, 2),
)  # fmt: skip
# How long plans last, in days: mostly 6-12 months, some over two years.
PLAN_DAYS = ((20, 90, 8), (91, 182, 17), (183, 365, 45), (366, 730, 25), (731, 1000, 5))
PLAN_ENDS = (
    (PlanEndReason.NO_LONGER_AT_RISK, 78), (PlanEndReason.LOOKED_AFTER, 12),
    (PlanEndReason.MOVED_AWAY, 10),
)  # fmt: skip
CONSENT = (
    (ConsentBasis.CONSENT_GIVEN, 6), (ConsentBasis.NOT_NEEDED, 3),
    (ConsentBasis.NOT_SOUGHT_RISK, 1),
)  # fmt: skip
ASSESSMENT_OUTCOMES = (
    (AssessmentOutcome.NO_FURTHER_ACTION, 48), (AssessmentOutcome.EARLY_HELP, 20),
    (AssessmentOutcome.CIN_PLAN, 32),
)  # fmt: skip
OPEN_ASSESSMENT_OUTCOMES = ((AssessmentOutcome.CIN_PLAN, 80), (AssessmentOutcome.EARLY_HELP, 20))
S47_OUTCOMES = (
    (S47Outcome.NOT_SUBSTANTIATED, 35), (S47Outcome.CIN, 45),
    (S47Outcome.SUBSTANTIATED_NO_ICPC, 20),
)  # fmt: skip
# Presenting concerns (DfE factor codes) and the words a contact uses for them.
CONCERNS = (
    ("3B", 22, "domestic abuse between the adults at home"),
    ("3A", 6, "the child hurt during domestic abuse at home"),
    ("16A", 14, "neglect and poor home conditions"),
    ("4B", 10, "a parent's mental ill health"),
    ("2B", 7, "parental drug misuse"),
    ("1B", 6, "parental alcohol misuse"),
    ("17A", 6, "emotional harm"),
    ("18C", 5, "an unexplained injury"),
    ("10A", 4, "missing episodes"),
    ("24A", 3, "criminal exploitation linked to county lines"),
    ("11A", 2, "risk of sexual exploitation"),
    ("4A", 4, "the child's mental health and self-harm"),
    ("14A", 3, "the child's behaviour at home and school"),
    ("19C", 2, "a disclosure of sexual abuse"),
    ("7A", 2, "caring responsibilities for a parent"),
    ("6A", 2, "the child's disability and the family's need for support"),
    ("5B", 2, "a parent's learning disability"),
)
REFERRER_NAMES: dict[str, str] = {
    ReferralSource.POLICE: "PC {n} (Northshire Police)",
    ReferralSource.SCHOOLS: "Designated safeguarding lead",
    ReferralSource.GP: "GP",
    ReferralSource.HEALTH_VISITOR: "Health visitor",
    ReferralSource.SCHOOL_NURSE: "School nurse",
    ReferralSource.A_AND_E: "Emergency department nurse",
    ReferralSource.FAMILY: "Grandparent",
    ReferralSource.ANONYMOUS: "",
}
CHECK_FINDINGS = {
    AgencyKind.POLICE: (
        "Two domestic abuse incidents at the address in the last year; no charges.",
        "Father known for violence against a previous partner.",
        "Child reported missing twice; found by officers each time.",
    ),
    AgencyKind.HEALTH: (
        "Missed health reviews and immunisations; GP notes low mood in mother.",
        "Attended the emergency department with a minor injury last spring.",
        "Health visitor has concerns about home conditions.",
    ),
    AgencyKind.SCHOOL: (
        "Attendance 84% this year; often late and hungry.",
        "Disclosed arguments at home to a teaching assistant.",
        "Engaging well; school has no current concerns.",
    ),
}
WORRIES = (
    "Adults at home have hurt each other in front of the children.",
    "The children are often left without food and the home is unsafe.",
    "Mum's mental health means she cannot always keep the children safe.",
    "Drug use at home means the children are not supervised.",
)
WORKING_WELL = (
    "The children are attending school and have a trusted teacher.",
    "Grandmother visits daily and the children feel safe with her.",
    "Mum has engaged with her GP and the health visitor.",
)
NEEDS_TO_HAPPEN = (
    "A safety plan agreed with the family network and reviewed at core group.",
    "The home is made safe and the children's needs are met every day.",
    "Dad attends a domestic abuse perpetrator programme.",
)

# --- Lookups built once -----------------------------------------------------------------------

AUDIENCE = {event: audience_text(kinds) for event, kinds in DEFAULT_AUDIENCE.items()}


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


_CUMULATIVE: dict[tuple[tuple[Any, int], ...], tuple[list[Any], list[float], float]] = {}


def _weighted(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    """A value drawn with the table's weights (one random number, like ``rng.choices``)."""
    found = _CUMULATIVE.get(table)
    if found is None:
        cumulative = list(itertools.accumulate(float(w) for _, w in table))
        found = _CUMULATIVE[table] = ([v for v, _ in table], cumulative, cumulative[-1])
    values, cumulative, total = found
    return values[bisect.bisect(cumulative, rng.random() * total, 0, len(values) - 1)]


@functools.cache
def _name(choices: Any, value: str) -> str:
    """A choice's label as plain text (labels are lazy translations: slow to use in bulk)."""
    return str(choices(value).label)


class _Days:
    """Working days from ``masa.core.calendar``, indexed so that stepping through them is cheap."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        calendar = working_day_calendar()
        self.first = first
        self.days: list[dt.date] = []
        self.next_index: list[
            int
        ] = []  # per calendar day: index of that day or the next working day
        day = first
        while day <= last:
            self.next_index.append(len(self.days))
            if calendar.is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)
        self.last = self.days[-1]

    def index(self, day: dt.date) -> int:
        offset = (day - self.first).days
        if offset < 0:
            return 0
        if offset >= len(self.next_index):
            return len(self.days) - 1
        return min(self.next_index[offset], len(self.days) - 1)

    def on_or_after(self, day: dt.date) -> dt.date:
        return self.days[self.index(day)]

    def add(self, day: dt.date, working_days: int) -> dt.date:
        """``working_days`` after ``day`` (day 0), from the working day on or after it."""
        return self.days[min(self.index(day) + working_days, len(self.days) - 1)]

    def back(self, day: dt.date, working_days: int) -> dt.date:
        return self.days[max(self.index(day) - working_days, 0)]


# --- Writing rows -----------------------------------------------------------------------------


class _Table:
    """Rows for one model, ids assigned here: the demo is the only writer in its transaction."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.rows: list[tuple[Any, ...]] = []
        self.next_id = 1
        self.auto_id = model._meta.pk is not None and model._meta.pk.attname == "id"

    def start(self) -> None:
        if self.auto_id:
            top = self.model._default_manager.aggregate(top=models.Max("id"))["top"]
            self.next_id = (top or 0) + 1

    def add(self, *values: Any) -> int:
        row_id = self.next_id
        self.next_id += 1
        self.rows.append((row_id, *values))
        return row_id


class _Writer:
    def __init__(self) -> None:
        self.tables: dict[type[models.Model], _Table] = {}
        self.through: dict[Any, _Table] = {}

    def table(self, model: type[models.Model], *fields: str) -> _Table:
        table = _Table(model, ("id", *fields))
        table.start()
        self.tables[model] = table
        return table

    def m2m(self, descriptor: Any) -> _Table:
        through = descriptor.through
        source = descriptor.field.m2m_field_name()
        target = descriptor.field.m2m_reverse_field_name()
        table = _Table(through, ("id", f"{source}_id", f"{target}_id"))
        table.start()
        self.through[descriptor] = table
        return table

    def flush(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        written: list[type[models.Model]] = []
        for table in [*self.tables.values(), *self.through.values()]:
            _insert(table)
            counts[table.model._meta.label] = len(table.rows)
            written.append(table.model)
        if connection.vendor == "postgresql":
            # Explicit ids leave the sequences behind: move them past the rows written.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), written):
                    cursor.execute(sql)
        return counts


def _insert(table: _Table) -> None:
    if not table.rows:
        return
    meta = table.model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in table.fields]
    # Fields this module does not set (other domains add fields as they grow) get their default.
    extra = [f for f in meta.concrete_fields if f.attname not in table.fields]
    defaults = tuple(_default(f) for f in extra)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*fields, *extra])
    converters = _converters(fields)
    rows = _converted(table.rows, converters)
    if defaults:
        rows = [row + defaults for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * (len(fields) + len(extra)))
        table_name = connection.ops.quote_name(meta.db_table)
        sql = f"INSERT INTO {table_name} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _default(f: Any) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        value: Any = timezone.now()
        if not isinstance(f, models.DateTimeField):
            value = timezone.localdate()
    else:
        value = f.get_default()
    if isinstance(f, models.JSONField):
        return json.dumps(value)
    if connection.vendor == "postgresql":
        return value
    return f.get_db_prep_save(value, connection)


def _converters(fields: Sequence[Any]) -> list[tuple[int, Callable[[Any], Any]]]:
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    out: list[tuple[int, Callable[[Any], Any]]] = []
    for i, f in enumerate(fields):
        if isinstance(f, models.JSONField):
            out.append((i, json.dumps))
        elif postgres:
            continue  # psycopg's COPY takes Python dates, aware datetimes and booleans
        elif isinstance(f, models.DateTimeField):
            # What adapt_datetimefield_value gives for an aware UTC datetime, ~10 times faster.
            out.append((i, _utc_text))
        elif isinstance(f, models.DateField):
            out.append((i, _memo(ops.adapt_datefield_value)))
    return out


def _utc_text(value: dt.datetime) -> str:
    assert value.tzinfo is dt.UTC
    return str(value.replace(tzinfo=None))


def _memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def converted(value: Any) -> Any:
        if value not in cache:
            cache[value] = convert(value)
        return cache[value]

    return converted


def _converted(
    rows: list[tuple[Any, ...]], converters: list[tuple[int, Callable[[Any], Any]]]
) -> list[tuple[Any, ...]]:
    if not converters:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        out.append(tuple(values))
    return out


# --- The family plan --------------------------------------------------------------------------


@dataclass
class _Kid:
    id: int
    available: dt.date  # from birth, or ~6 months before an unborn child's expected birth
    school_agency_id: int | None
    young: bool  # under four at the reference date: seen alone rarely


@dataclass
class _Family:
    kids: list[_Kid]
    team: str
    team_id: int
    worker_id: int | None
    start: dt.date
    end: dt.date | None


@dataclass
class _Script:
    """One episode of a family, replayable from another date for a sibling who joins later."""

    kind: str  # "nfa", "pending", "early_help", "referral_nfa", "assessment", "s47", "cp", "care"
    start: dt.date
    close: dt.date | None  # None: still open today
    seed: float
    team_id: int
    worker_id: int | None
    decision: str = ""  # for kind "nfa": nfa or advice
    force: dict[str, Any] = field(default_factory=dict)  # showcase settings (small size)


@dataclass(slots=True)
class _CaseRow:
    id: int
    child_id: int
    team_id: int
    worker_id: int | None
    opened_on: dt.date
    stage: str = ""
    closed_on: dt.date | None = None
    closure_reason: str = ""
    transitions: int = 0
    referral: list[Any] | None = None  # the referral's row values, while it can change


class _Staff:
    def __init__(self, ctx: DemoContext) -> None:
        users = list(ctx.users.values())
        self.by_team: dict[int, list[User]] = defaultdict(list)
        self.managers: dict[int, User] = {}
        for user in users:
            if user.team_id is None:
                continue
            if user.role == "team_manager":
                self.managers.setdefault(user.team_id, user)
            elif user.role in ("social_worker", "mash_practitioner"):
                self.by_team[user.team_id].append(user)
        self.front_door = ctx.team(LA, FRONT_DOOR).pk
        self.reviewing = ctx.team(LA, REVIEWING_UNIT).pk
        self.iros = [u for u in users if u.role == "independent_reviewing_officer"]
        self.checkers = {
            AgencyKind.POLICE: ctx.users.get("mash.police"),
            AgencyKind.HEALTH: ctx.users.get("health.practitioner"),
            AgencyKind.SCHOOL: ctx.users.get("dsl.school"),
        }
        self.fallback = ctx.users.get("team.manager") or users[0]

    def manager(self, team_id: int) -> User:
        return self.managers.get(team_id) or self.fallback

    def worker(self, rng: random.Random, team_id: int) -> User:
        staff = self.by_team.get(team_id)
        return rng.choice(staff) if staff else self.manager(team_id)


class _Book:
    """Appends the rows one step of casework writes, as the services would have written them."""

    def __init__(self, ctx: DemoContext, writer: _Writer) -> None:
        self.ctx = ctx
        self.today = ctx.today
        self.w = writer
        la = ctx.agency(LA)
        self.la_id = la.pk
        self.police_id = ctx.agency(POLICE).pk
        self.icb_id = ctx.agency(ICB).pk
        self.probation_id = ctx.agency(PROBATION).pk
        self.voluntary_id = ctx.agency(VOLUNTARY).pk
        self.partnership_id = ctx.get_partnership().pk
        self.high_school_id = ctx.agencies["Northbury High School"].pk
        self.staff = _Staff(ctx)
        self.cases: list[_CaseRow] = []
        self.contacts: list[list[Any]] = []
        self.referrals: list[list[Any]] = []
        self.assessments: list[list[Any]] = []
        self.s47s: list[list[Any]] = []
        self.plans: list[list[Any]] = []
        self.cin_plans: list[list[Any]] = []
        self.episodes: list[list[Any]] = []
        self.conferences: dict[tuple[str, dt.date, float], int] = {}
        self._midnights: dict[dt.date, dt.datetime] = {}
        t = writer.table
        self.t_case = _Table(Case, ())  # ids only: case rows are written at the end
        self.t_case.start()
        self.t_transition = t(
            CaseTransition,
            "case_id",
            "from_stage",
            "to_stage",
            "effective_on",
            "moved_by_id",
            "moved_at",
            "reason",
        )
        self.t_allocation = t(
            Allocation,
            "case_id",
            "team_id",
            "worker_id",
            "from_date",
            "allocated_by_id",
            "allocated_at",
            "reason",
        )
        self.t_oversight = t(OversightNote, "case_id", "written_by_id", "written_at", "note")
        self.t_line = t(
            ChronologyEntry,
            "child_id",
            "case_id",
            "occurred_on",
            "recorded_at",
            "event_type",
            "significance",
            "summary",
            "source_agency_id",
            "recorded_by_id",
            "audience",
            "record_type",
            "record_id",
        )
        self.t_contact = _Table(Contact, ())
        self.t_contact.start()
        self.t_check = t(
            AgencyCheck,
            "contact_id",
            "agency_id",
            "information_held",
            "information",
            "recorded_by_id",
            "recorded_at",
        )
        self.t_referral = _Table(Referral, ())
        self.t_referral.start()
        self.t_episode = _Table(EarlyHelpEpisode, ())
        self.t_episode.start()
        self.t_eh_review = t(EarlyHelpReview, "episode_id", "held_on", "progress", "recorded_by_id")
        self.t_assessment = _Table(Assessment, ())
        self.t_assessment.start()
        self.t_strategy = t(
            StrategyDiscussion,
            "case_id",
            "child_id",
            "held_on",
            "is_meeting",
            "summary",
            "start_s47",
            "recorded_by_id",
            "version",
        )
        self.t_strategy_agencies = writer.m2m(StrategyDiscussion.agencies)
        self.t_s47 = _Table(S47Enquiry, ())
        self.t_s47.start()
        self.t_conference = t(
            Conference,
            "kind",
            "held_on",
            "chair_id",
            "family_attended",
            "summary",
            "recorded_by_id",
            "version",
            "worries",
            "working_well",
            "needs_to_happen",
            "scaling",
        )
        self.t_conference_agencies = writer.m2m(Conference.agencies)
        self.t_subject = t(
            ConferenceChild, "conference_id", "case_id", "child_id", "plan_needed", "category"
        )
        self.t_plan = _Table(ChildProtectionPlan, ())
        self.t_plan.start()
        self.t_core_group = t(CoreGroupMeeting, "plan_id", "held_on", "notes", "recorded_by_id")
        self.t_core_group_agencies = writer.m2m(CoreGroupMeeting.agencies)
        self.t_cin = _Table(CINPlan, ())
        self.t_cin.start()
        self.t_cin_review = t(CINPlanReview, "plan_id", "held_on", "summary", "recorded_by_id")
        self.t_visit = t(
            Visit,
            "case_id",
            "child_id",
            "visited_on",
            "child_seen",
            "seen_alone",
            "notes",
            "visited_by_id",
        )
        self.rng = random.Random(0)  # the domain's generator, set by build()
        self.last_referral: dict[int, dt.date] = {}
        self.user_by_id: dict[int, User] = {u.pk: u for u in ctx.users.values()}

    # Times ------------------------------------------------------------------------------------

    def moment(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """An aware (UTC) datetime on ``day`` in working hours, London time; never after today."""
        day = min(day, self.today)
        midnight = self._midnights.get(day)
        if midnight is None:
            local = dt.datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
            offset = local.utcoffset()
            assert offset is not None
            midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - offset
            self._midnights[day] = midnight
        if day == self.today:
            minutes = 420 + int(self.rng.random() * 60)  # early on the reference day
        else:
            minutes = (hour * 60 if hour is not None else 510) + int(self.rng.random() * 540)
        return midnight + dt.timedelta(minutes=minutes)

    def recorded(self, day: dt.date) -> dt.datetime:
        """When masa learnt of something that happened on ``day``: mostly that day."""
        roll = self.rng.random()
        if roll < RECORDED_LATE_RATE:
            day += dt.timedelta(days=self.rng.randint(8, 40))
        elif roll < RECORDED_LATE_RATE + RECORDED_NEXT_DAYS_RATE:
            day += dt.timedelta(days=self.rng.randint(1, 5))
        return self.moment(day)

    # Lines and moves --------------------------------------------------------------------------

    def line(
        self,
        case: _CaseRow,
        day: dt.date,
        event: EventType,
        summary: str,
        actor: User | int | None,
        *,
        agency_id: int | None = None,
        significance: str = Significance.MEDIUM,
        record: tuple[str, int] | None = None,
    ) -> None:
        actor_id = actor.pk if isinstance(actor, User) else actor
        self.t_line.add(
            case.child_id,
            case.id,
            day,
            self.recorded(day),
            event.value,
            significance,
            summary,
            agency_id or self.la_id,
            actor_id,
            AUDIENCE[event],
            record[0] if record else "",
            record[1] if record else None,
        )

    def move(self, case: _CaseRow, to: Stage, day: dt.date, actor: User, reason: str) -> None:
        if case.stage:
            assert is_allowed(Stage(case.stage), to), f"{case.stage} -> {to} is not allowed"
            assert day >= case.opened_on, "a move cannot predate its case"
        self.t_transition.add(
            case.id, case.stage, to.value, day, actor.pk, self.moment(day), reason
        )
        case.stage = to.value
        case.transitions += 1
        if to == S.CLOSED:
            case.closed_on = day
            case.closure_reason = reason[:200]

    def open_case(
        self,
        child_id: int,
        day: dt.date,
        team_id: int,
        worker_id: int | None,
        actor: User,
        reason: str,
    ) -> _CaseRow:
        case = _CaseRow(self.t_case.add(), child_id, team_id, worker_id, day)
        self.cases.append(case)
        self.move(case, S.CONTACT, day, actor, reason)
        return case

    # Front door -------------------------------------------------------------------------------

    def contact(
        self,
        case: _CaseRow,
        kid: _Kid,
        received: dt.date,
        *,
        checks: bool,
        concern: tuple[str, int, str] | None = None,
        source: str | None = None,
    ) -> tuple[int, list[Any], str]:
        rng = self.rng
        source = source or _weighted(rng, REFERRAL_SOURCES)
        agency_id = self.source_agency(source, kid)
        concern = concern or _weighted_concern(rng)
        factors = [concern[0]]
        if rng.random() < 0.35:
            factors.append(_weighted_concern(rng)[0])
        factors = sorted(set(factors))
        referrer = REFERRER_NAMES.get(str(source), "")
        referrer = referrer.format(n=rng.randint(1000, 9999))
        recorder = self.staff.worker(rng, self.staff.front_door)
        received_at = self.moment(received, hour=rng.choice((0, 7, 8, 9, 10, 13)))
        reason = f"Concerns about {concern[2]}."
        row: list[Any] = [
            None,
            kid.id,
            case.id,
            received_at,
            source,
            agency_id,
            referrer,
            reason,
            factors,
            _weighted(rng, CONSENT),
            rng.choice((Rag.RED, Rag.AMBER, Rag.AMBER, Rag.GREEN, Rag.GREEN, "")),
            recorder.pk,
            "",
            "",
            "",
            None,
            None,
            1,
        ]
        contact_id = self.t_contact.add()
        row[0] = contact_id
        self.contacts.append(row)
        who = (
            "the " + _agency_name(self.ctx, agency_id)
            if agency_id
            else _name(ReferralSource, source)
        )
        self.line(
            case,
            received,
            EventType.CONTACT,
            f"Contact from {who}: {reason}",
            recorder,
            agency_id=agency_id,
            record=(_label(Contact), contact_id),
        )
        if checks:
            self.checks(case, kid, contact_id, received)
        return contact_id, row, concern[2]

    def source_agency(self, source: str, kid: _Kid) -> int | None:
        if source == ReferralSource.POLICE:
            return self.police_id
        if source == ReferralSource.SCHOOLS:
            return kid.school_agency_id
        if source in (
            ReferralSource.GP,
            ReferralSource.HEALTH_VISITOR,
            ReferralSource.SCHOOL_NURSE,
            ReferralSource.OTHER_PRIMARY_HEALTH,
        ):
            return self.icb_id
        if source in (ReferralSource.A_AND_E, ReferralSource.OTHER_HEALTH):
            return self.ctx.agencies["Northbury Hospitals NHS Foundation Trust"].pk
        if source.startswith("5"):
            return self.la_id
        if source == ReferralSource.OTHER_LEGAL:
            return self.probation_id
        if source == ReferralSource.OTHER:
            return self.voluntary_id
        return None

    def checks(self, case: _CaseRow, kid: _Kid, contact_id: int, day: dt.date) -> None:
        """MASH information checks by police, health and (for its pupils) the high school."""
        kinds = [AgencyKind.POLICE, AgencyKind.HEALTH]
        if kid.school_agency_id == self.high_school_id:
            kinds.append(AgencyKind.SCHOOL)
        for kind in kinds:
            user = self.staff.checkers.get(kind)
            if user is None or user.agency_id is None:
                continue
            held = self.rng.random() < 0.6
            found = self.rng.choice(CHECK_FINDINGS[kind]) if held else ""
            check_id = self.t_check.add(
                contact_id, user.agency_id, held, found, user.pk, self.moment(day)
            )
            text = "information held" if held else "no information held"
            self.line(
                case,
                day,
                EventType.AGENCY_CHECK,
                f"{_agency_name(self.ctx, user.agency_id)} information check: {text}",
                user,
                agency_id=user.agency_id,
                significance=Significance.LOW,
                record=(_label(AgencyCheck), check_id),
            )

    def decide(
        self, case: _CaseRow, contact: list[Any], decision: str, day: dt.date, reason: str
    ) -> User:
        manager = self.staff.manager(self.staff.front_door)
        levels: dict[str, str] = {
            D.NO_FURTHER_ACTION: "1",
            D.INFORMATION_ADVICE: "1",
            D.EARLY_HELP: "2",
        }
        level = levels.get(decision, "3" if decision == D.OPEN_CASE else "4")
        contact[12:17] = [decision, level, reason, day, manager.pk]
        contact[17] = 2
        label = _name(ThresholdDecision, decision)
        level_name = DEFAULT_CONTINUUM[int(level) - 1]["name"]
        self.line(
            case,
            day,
            EventType.THRESHOLD_DECISION,
            f"Threshold decision on the contact: {label} (level {level_name}). {reason}",
            manager,
        )
        return manager

    def refer(
        self,
        case: _CaseRow,
        contact: list[Any],
        contact_id: int,
        day: dt.date,
        to: Stage,
        actor: User,
        why: str,
    ) -> None:
        received = _local_date(contact[3])
        self.move(case, to, day, actor, why)
        need = _weighted(self.rng, PRIMARY_NEEDS)
        referral_id = self.t_referral.add()
        row = [
            referral_id,
            case.child_id,
            case.id,
            contact_id,
            received,
            contact[4],
            need,
            False,
            None,
            "",
            actor.pk,
            1,
        ]
        self.referrals.append(row)
        case.referral = row
        again = ""
        previous = self.last_referral.get(case.child_id)
        if previous is not None and (received - previous).days <= 365:
            again = f" Re-referral: previous referral {_govuk(previous)}."
        self.last_referral[case.child_id] = received
        self.line(
            case,
            received,
            EventType.REFERRAL,
            f"Referral to children's social care from {_name(ReferralSource, contact[4])}; "
            f"primary need {_name(PrimaryNeed, need)}.{again}",
            actor,
            record=(_label(Referral), referral_id),
        )

    def allocate(self, case: _CaseRow, day: dt.date, team_id: int, worker_id: int | None) -> None:
        manager = self.staff.manager(team_id)
        case.team_id, case.worker_id = team_id, worker_id
        case.transitions += 1  # allocation bumps the case's version too
        reason = "Allocated for assessment"
        self.t_allocation.add(
            case.id, team_id, worker_id, day, manager.pk, self.moment(day), reason
        )
        name = _user_name(self.ctx, worker_id) if worker_id else "unallocated"
        team = _team_name(self.ctx, team_id)
        self.line(
            case,
            day,
            EventType.ALLOCATION,
            f"Case allocated to {name} ({team}). {reason}",
            manager,
            significance=Significance.LOW,
        )

    def oversight(self, case: _CaseRow, day: dt.date, note: str) -> None:
        manager = self.staff.manager(case.team_id)
        self.t_oversight.add(case.id, manager.pk, self.moment(day), note)
        self.line(
            case,
            day,
            EventType.OVERSIGHT,
            f"Management oversight: {note}",
            manager,
            significance=Significance.LOW,
        )

    def close(
        self, case: _CaseRow, day: dt.date, reason: str, code: str, line: bool = True
    ) -> None:
        manager = self.staff.manager(case.team_id)
        self.move(case, S.CLOSED, day, manager, reason)
        if line:
            self.line(case, day, EventType.CLOSURE, f"Case closed: {reason}", manager)
        if case.referral is not None and code:
            case.referral[8], case.referral[9] = day, code

    def actor(self, case: _CaseRow) -> User:
        if case.worker_id is not None:
            user = self.user_by_id.get(case.worker_id)
            if user is not None:
                return user
        return self.staff.worker(self.rng, case.team_id)


_CONCERN_TABLE = tuple((concern, weight) for concern, weight in ((c, c[1]) for c in CONCERNS))


def _weighted_concern(rng: random.Random) -> tuple[str, int, str]:
    concern: tuple[str, int, str] = _weighted(rng, _CONCERN_TABLE)
    return concern


_NAMES: dict[str, dict[int, str]] = {}


def _agency_name(ctx: DemoContext, agency_id: int) -> str:
    names = _NAMES.setdefault("agency", {})
    if not names:
        names.update({a.pk: a.name for a in ctx.agencies.values()})
    return names.get(agency_id, "")


def _team_name(ctx: DemoContext, team_id: int) -> str:
    return next((t.name for t in ctx.teams.values() if t.pk == team_id), "")


def _user_name(ctx: DemoContext, user_id: int) -> str:
    names = _NAMES.setdefault("user", {})
    if not names:
        names.update({u.pk: f"{u.first_name} {u.last_name}" for u in ctx.users.values()})
    return names.get(user_id, "")


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _govuk(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- Running a script for one child -----------------------------------------------------------


class _Closed(Exception):
    """The episode reached its closing date: everything still open has been ended."""


class _Runner(_Book):
    def __init__(self, ctx: DemoContext, writer: _Writer, days: _Days) -> None:
        super().__init__(ctx, writer)
        self.days = days
        self.rules = DEFAULT_RULES
        self._due: dict[tuple[str, dt.date], dt.date] = {}

    def due(self, code: str, start: dt.date) -> dt.date:
        """A deadline from the casework clock rules (``compute_clock``), memoised."""
        key = (code, start)
        if key not in self._due:
            self._due[key] = compute_clock(self.rules[code], start, working_day_calendar()).due
        return self._due[key]

    def run(self, script: _Script, kid: _Kid) -> tuple[_CaseRow, dt.date | None] | None:
        """Play ``script`` for one child from the day they can take part. Returns the case and
        the day it closed (None if open), or None if the child joins too late."""
        days = self.days
        start = days.on_or_after(max(script.start, kid.available))
        until = script.close
        if start > self.today or (until is not None and start >= until):
            return None
        f = random.Random(script.seed)  # shared draws: siblings get the same dates
        team_id = self.staff.front_door
        recorder = self.staff.worker(self.rng, team_id)
        case = self.open_case(
            kid.id, start, team_id, None, recorder, "Contact received by the front door"
        )
        state = _State(script, kid, case, f, until)
        try:
            if script.kind == "nfa":
                self._nfa(state, start)
            elif script.kind == "pending":
                self.contact(case, kid, start, checks=f.random() < 0.5)
            elif script.kind == "early_help":
                self._early_help_front_door(state, start)
            else:
                self._referral(state, start)
        except _Closed:
            pass
        if until is not None and until <= self.today and case.stage != S.CLOSED:
            raise AssertionError(f"case {case.id} of an episode that ended {until} is still open")
        return case, case.closed_on

    def _check(self, st: _State, day: dt.date) -> None:
        """Stop at today (the case stays open) or at the closing date (the case closes)."""
        if st.until is not None and day >= st.until:
            if st.case.stage == S.CONTACT and st.contact is not None:
                # A child who joined the episode in its last days: the contact is screened by
                # the closing date, so the case does not stay open with it undecided.
                reason = "Universal services are meeting the child's needs."
                manager = self.decide(st.case, st.contact, D.NO_FURTHER_ACTION, st.until, reason)
                why = (
                    f"Threshold decision: {_name(ThresholdDecision, D.NO_FURTHER_ACTION)}. {reason}"
                )
                self.move(st.case, S.CLOSED, st.until, manager, why)
            elif st.case.stage not in (S.CLOSED, S.CONTACT):
                self._close_for(st, st.until, "No further action.")
            raise _Closed
        if day > self.today:
            raise _Closed

    # Front door outcomes ------------------------------------------------------------------------

    def _nfa(self, st: _State, day: dt.date) -> None:
        f = st.f
        _, contact, concern = self.contact(st.case, st.kid, day, checks=f.random() < 0.12)
        decided = self.days.add(day, f.choice((0, 0, 0, 1, 1, 2)))
        if st.until is not None:
            decided = min(decided, st.until)  # closed by the day the next case opens
        decision = st.script.decision or D.NO_FURTHER_ACTION
        reason = (
            f"Concerns about {concern} do not need a service; the referrer was advised."
            if decision == D.INFORMATION_ADVICE
            else "Universal services are meeting the child's needs."
        )
        manager = self.decide(st.case, contact, decision, decided, reason)
        why = f"Threshold decision: {_name(ThresholdDecision, decision)}. {reason}"
        self.move(st.case, S.CLOSED, decided, manager, why)

    def _early_help_front_door(self, st: _State, day: dt.date) -> None:
        f = st.f
        _, contact, concern = self.contact(st.case, st.kid, day, checks=f.random() < 0.4)
        st.contact = contact
        decided = self.days.add(day, f.choice((0, 1, 1)))
        self._check(st, decided)
        reason = f"Needs around {concern} can be met with a team around the family."
        manager = self.decide(st.case, contact, D.EARLY_HELP, decided, reason)
        st.case.team_id = self.ctx.team(LA, EARLY_HELP).pk
        self._episode(st, decided, manager, f"Threshold decision: Early help. {reason}", False)

    def _episode(self, st: _State, day: dt.date, actor: User, why: str, stepped_down: bool) -> None:
        """An early help episode that runs until the case closes (or is still open)."""
        f, case = st.f, st.case
        if case.stage != S.EARLY_HELP:
            self.move(case, S.EARLY_HELP, day, actor, why)
        roll = f.random()
        eh_team = self.ctx.team(LA, EARLY_HELP).pk
        if roll < 0.55 or st.kid.school_agency_id is None:
            lead_agency, lead = self.la_id, self.staff.worker(f, eh_team)
        elif roll < 0.85:
            lead_agency, lead = st.kid.school_agency_id, None
            dsl = self.staff.checkers.get(AgencyKind.SCHOOL)
            if dsl is not None and dsl.agency_id == lead_agency:
                lead = dsl
        else:
            lead_agency, lead = self.icb_id, self.staff.checkers.get(AgencyKind.HEALTH)
        if case.worker_id is None and lead is not None and lead.team_id == eh_team:
            case.worker_id = lead.pk
        recorder = lead or actor
        episode_id = self.t_episode.add()
        row: list[Any] = [
            episode_id,
            case.id,
            case.child_id,
            day,
            stepped_down,
            lead.pk if lead else None,
            lead_agency,
            None,
            None,
            "",
            None,
            "",
            recorder.pk,
            1,
        ]
        self.episodes.append(row)
        how = "stepped down from children's social care" if stepped_down else "started"
        named = f"; lead professional {lead.first_name} {lead.last_name}" if lead else ""
        self.line(
            case,
            day,
            EventType.EARLY_HELP,
            f"Early help {how}. Lead agency {_agency_name(self.ctx, lead_agency)}{named}.",
            recorder,
            record=(_label(EarlyHelpEpisode), episode_id),
        )
        # The early help assessment: mostly within the local 30 working days.
        assessed = self.days.add(day, f.randint(8, 28) if f.random() < 0.8 else f.randint(31, 50))
        if st.force.get("eh_unassessed"):
            assessed = self.days.add(self.today, 5)
        if not self._eh_step(st, row, assessed):
            return
        row[7] = assessed
        row[13] += 1
        self.line(
            case,
            assessed,
            EventType.EARLY_HELP,
            "Early help assessment completed.",
            recorder,
            significance=Significance.LOW,
        )
        agreed = self.days.add(assessed, f.randint(0, 8))
        if not self._eh_step(st, row, agreed):
            return
        row[8] = agreed
        row[9] = "Family support worker visits weekly; school tracks attendance; parenting course."
        row[13] += 1
        self.line(
            case, agreed, EventType.EARLY_HELP, "Early help plan agreed with the family.", recorder
        )
        review = agreed
        while True:
            review = self.days.on_or_after(
                _add_months(review, 3)
                + dt.timedelta(days=f.randint(-12, 6 if f.random() < 0.85 else 40))
            )
            if not self._eh_step(st, row, review):
                return
            review_id = self.t_eh_review.add(
                row[0], review, "Good progress; plan continues.", recorder.pk
            )
            self.line(
                case,
                review,
                EventType.EARLY_HELP,
                "Early help plan reviewed: good progress.",
                recorder,
                significance=Significance.LOW,
                record=(_label(EarlyHelpReview), review_id),
            )

    def _eh_step(self, st: _State, row: list[Any], day: dt.date) -> bool:
        """Whether the episode goes on to ``day``; if it closes first, end it and the case."""
        if st.until is not None and day >= st.until:
            end = st.until
            reason = st.f.choice(
                (
                    EarlyHelpEndReason.OUTCOMES_MET,
                    EarlyHelpEndReason.OUTCOMES_MET,
                    EarlyHelpEndReason.DECLINED,
                    EarlyHelpEndReason.UNIVERSAL,
                    EarlyHelpEndReason.MOVED_AWAY,
                )
            )
            row[10], row[11] = end, reason
            row[13] += 1
            label = _name(EarlyHelpEndReason, reason)
            actor = self.user_by_id.get(row[5]) if row[5] else None
            actor = actor or self.staff.manager(st.case.team_id)
            if st.case.stage == S.EARLY_HELP:
                self.move(st.case, S.CLOSED, end, actor, f"Early help ended: {label}.")
                code = ReasonForClosure.RC9 if st.case.referral is not None else ""
                if code and st.case.referral is not None:
                    st.case.referral[8], st.case.referral[9] = end, code
            self.line(st.case, end, EventType.EARLY_HELP, f"Early help ended: {label}.", actor)
            return False
        return day <= self.today

    # Children's social care ---------------------------------------------------------------------

    def _referral(self, st: _State, day: dt.date) -> None:
        f, case, kind = st.f, st.case, st.script.kind
        strategy_now = kind in ("cp", "s47", "care") and f.random() < 0.3
        if st.force.get("full_history"):
            strategy_now = False
        checks = st.force.get("full_history") or f.random() < 0.75
        contact_id, contact, concern = self.contact(
            case, st.kid, day, checks=bool(checks), concern=_weighted_concern(f)
        )
        st.factors, st.contact = contact[8], contact
        decided = self.days.add(day, f.choice((0, 0, 1, 1, 1, 2, 3)))
        self._check(st, decided)
        decision = D.STRATEGY_NOW if strategy_now else D.REFERRAL
        reason = f"Concerns about {concern} meet the threshold for children's social care."
        manager = self.decide(case, contact, decision, decided, reason)
        why = f"Threshold decision: {_name(ThresholdDecision, decision)}. {reason}"
        self.refer(
            case,
            contact,
            contact_id,
            decided,
            S.STRATEGY if strategy_now else S.REFERRAL,
            manager,
            why,
        )
        self.allocate(case, decided, st.script.team_id, st.script.worker_id)
        referral_date = day
        if kind == "referral_nfa":
            closed = self.days.add(decided, f.randint(0, 3))
            self._check(st, closed)
            label = _name(ReasonForClosure, ReasonForClosure.RC7)
            assert case.referral is not None
            case.referral[7] = True
            manager = self.staff.manager(case.team_id)
            self.move(
                case,
                S.CLOSED,
                closed,
                manager,
                f"Referral closed with no further action ({label}). "
                "No role for children's social care.",
            )
            self.line(
                case,
                closed,
                EventType.CLOSURE,
                f"Referral closed with no further action: {label}.",
                manager,
            )
            case.referral[8], case.referral[9] = closed, ReasonForClosure.RC7
            return
        if strategy_now:
            self._strategy(st, decided, None, referral_date)
        else:
            self._assessment(st, decided, referral_date)

    def _assessment(self, st: _State, decided: dt.date, referral_date: dt.date) -> None:
        f, case, kind = st.f, st.case, st.script.kind
        worker = self.actor(case)
        started = self.days.add(decided, f.choice((0, 1, 1, 2, 3, 5)))
        self._check(st, started)
        self.move(case, S.ASSESSMENT, started, worker, "Child and family assessment started")
        assessment_id = self.t_assessment.add()
        row: list[Any] = [
            assessment_id,
            case.id,
            case.child_id,
            started,
            None,
            None,
            None,
            [],
            "",
            "",
            worker.pk,
            1,
            "",
            "",
            "",
            None,
        ]
        self.assessments.append(row)
        self.line(
            case,
            started,
            EventType.ASSESSMENT,
            "Child and family assessment started.",
            worker,
            record=(_label(Assessment), assessment_id),
        )
        # Mostly authorised within 45 working days of the referral; about one in seven late.
        due = self.due("assessment", referral_date)
        if kind in ("s47", "cp", "care"):
            took = f.randint(4, 20)  # concerns escalate: the assessment concludes early
        elif f.random() < 0.86:
            took = f.randint(10, 42)
        else:
            took = f.randint(46, 75)
        completed = max(started, self.days.add(referral_date, took))
        authorised = self.days.add(completed, f.choice((0, 0, 1, 2, 3)))
        if authorised > due and took <= 42:
            authorised = due
        if st.force.get("assessment_overdue"):
            completed = authorised = self.days.add(self.today, 10)
        if st.until is not None and authorised >= st.until:
            self._authorise(st, row, st.until, AssessmentOutcome.NO_FURTHER_ACTION)
            self.close(case, st.until, "No further action after assessment.", ReasonForClosure.RC8)
            raise _Closed
        if completed <= self.today:
            row[4] = completed
            row[11] += 1
        if authorised > self.today:
            raise _Closed
        outcome = self._assessment_outcome(st)
        self._authorise(st, row, authorised, outcome)
        manager = self.staff.manager(case.team_id)
        if outcome == AssessmentOutcome.NO_FURTHER_ACTION:
            self.close(
                case, authorised, "No further action after assessment.", ReasonForClosure.RC8
            )
            raise _Closed
        if outcome == AssessmentOutcome.EARLY_HELP:
            self._episode(
                st, authorised, manager, "Assessment outcome: step down to early help", True
            )
            raise _Closed
        if outcome == AssessmentOutcome.CIN_PLAN:
            self._cin(st, authorised, manager, "Assessment outcome: child in need plan")
            raise _Closed
        self._strategy(st, self.days.add(authorised, f.choice((0, 0, 1))), manager, referral_date)

    def _assessment_outcome(self, st: _State) -> str:
        kind, f = st.script.kind, st.f
        if kind in ("s47", "cp", "care"):
            return AssessmentOutcome.STRATEGY
        if st.force.get("cin"):
            return AssessmentOutcome.CIN_PLAN
        if st.until is None:  # the case is still open today
            return _weighted(f, OPEN_ASSESSMENT_OUTCOMES)
        return _weighted(f, ASSESSMENT_OUTCOMES)

    def _authorise(self, st: _State, row: list[Any], day: dt.date, outcome: str) -> None:
        f = st.f
        manager = self.staff.manager(st.case.team_id)
        factors = sorted({*st.factors[:1], _weighted_concern(f)[0]})
        row[4] = row[4] or day
        row[5], row[6], row[7], row[8] = day, manager.pk, factors, outcome
        row[9] = "Assessment of the child's needs, the parents' capacity and the wider family."
        row[11] += 1
        row[12:16] = [
            f.choice(WORRIES),
            f.choice(WORKING_WELL),
            f.choice(NEEDS_TO_HAPPEN),
            f.randint(2, 8),
        ]
        label = _name(AssessmentOutcome, outcome)
        self.line(
            st.case,
            day,
            EventType.ASSESSMENT,
            f"Assessment authorised. Outcome: {label}.",
            manager,
            record=(_label(Assessment), row[0]),
        )

    def _strategy(
        self, st: _State, held: dt.date, actor: User | None, referral_date: dt.date
    ) -> None:
        f, case, kind = st.f, st.case, st.script.kind
        self._check(st, held)
        worker = self.actor(case)
        if case.stage != S.STRATEGY:
            self.move(
                case,
                S.STRATEGY,
                held,
                actor or worker,
                "Reasonable cause to suspect significant harm: strategy discussion",
            )
        start_s47 = kind in ("cp", "care") or f.random() < 0.85
        summary = "Police, health and children's social care shared information and agreed actions."
        strategy_id = self.t_strategy.add(
            case.id, case.child_id, held, f.random() < 0.3, summary, start_s47, worker.pk, 1
        )
        agencies = [self.la_id, self.police_id, self.icb_id]
        if st.kid.school_agency_id:
            agencies.append(st.kid.school_agency_id)
        for agency_id in agencies:
            self.t_strategy_agencies.add(strategy_id, agency_id)
        decided = "Section 47 enquiry to start." if start_s47 else "No section 47 enquiry needed."
        self.line(
            case,
            held,
            EventType.STRATEGY,
            f"Strategy discussion held. {decided}",
            worker,
            record=(_label(StrategyDiscussion), strategy_id),
        )
        if not start_s47:
            self._cin(
                st, held, worker, "Strategy discussion: child in need plan instead of an enquiry"
            )
            raise _Closed
        self._s47(st, held, strategy_id, referral_date)

    def _s47(
        self, st: _State, strategy_on: dt.date, strategy_id: int, referral_date: dt.date
    ) -> None:
        f, case, kind = st.f, st.case, st.script.kind
        worker = self.actor(case)
        started = strategy_on if f.random() < 0.85 else self.days.add(strategy_on, 1)
        self._check(st, started)
        self.move(case, S.S47, started, worker, "Section 47 enquiry started")
        s47_id = self.t_s47.add()
        row: list[Any] = [
            s47_id,
            case.id,
            case.child_id,
            strategy_id,
            started,
            None,
            "",
            "",
            worker.pk,
            1,
        ]
        self.s47s.append(row)
        self.line(
            case,
            started,
            EventType.S47,
            "Section 47 enquiry started.",
            worker,
            record=(_label(S47Enquiry), s47_id),
        )
        if kind in ("cp", "care") and (kind == "cp" or f.random() < 0.25):
            outcome = S47Outcome.ICPC
            completed = self.days.add(started, f.randint(4, 10))
            if st.force.get("icpc_on"):
                completed = max(started, min(completed, st.force["icpc_on"]))
        else:
            completed = self.days.add(started, f.randint(5, 15))
            outcome = _weighted(f, S47_OUTCOMES)
            if st.until is None and outcome == S47Outcome.NOT_SUBSTANTIATED:
                outcome = S47Outcome.CIN
        if st.until is not None and completed >= st.until:
            self._complete_s47(st, row, st.until, S47Outcome.NOT_SUBSTANTIATED)
            self._close_for(st, st.until)
        if completed > self.today:
            raise _Closed
        self._complete_s47(st, row, completed, outcome)
        manager = self.staff.manager(case.team_id)
        if outcome == S47Outcome.NOT_SUBSTANTIATED:
            self._close_for(st, completed, "Section 47 enquiry: concerns not substantiated.")
        if outcome != S47Outcome.ICPC:
            self._cin(st, completed, manager, f"Section 47 outcome: {_name(S47Outcome, outcome)}")
            raise _Closed
        self.move(
            case,
            S.ICPC,
            completed,
            manager,
            "Section 47 outcome: initial child protection conference",
        )
        self._icpc(st, strategy_on, started, completed)

    def _complete_s47(self, st: _State, row: list[Any], day: dt.date, outcome: str) -> None:
        row[5], row[6] = day, outcome
        row[7] = "Enquiry completed with the police and health; the child was seen and spoken to."
        row[9] += 1
        label = _name(S47Outcome, outcome)
        self.line(
            st.case,
            day,
            EventType.S47,
            f"Section 47 enquiry completed. Outcome: {label}",
            self.actor(st.case),
            record=(_label(S47Enquiry), row[0]),
        )

    def _close_for(self, st: _State, day: dt.date, reason: str = "") -> None:
        """Close the case: a child who became looked after, or no further action."""
        if st.script.kind == "care":
            self.close(
                st.case,
                day,
                "Child became looked after; the Children in Care Team holds the care plan.",
                "",
            )
        else:
            self.close(st.case, day, reason or "No further action.", ReasonForClosure.RC8)
        raise _Closed

    def _icpc(self, st: _State, strategy_on: dt.date, s47_on: dt.date, completed: dt.date) -> None:
        f, case = st.f, st.case
        # Within 15 working days of the strategy discussion, mostly; about one in ten late.
        due = self.due("icpc", strategy_on)
        held = (
            self.days.add(s47_on, f.randint(6, 14))
            if f.random() < 0.9
            else self.days.add(due, f.randint(1, 10))
        )
        if st.force.get("icpc_on"):
            held = st.force["icpc_on"]
        held = max(held, completed)  # the conference follows the enquiry's outcome
        if st.until is not None and held >= st.until:
            self._close_for(st, st.until, "No conference needed: the family moved away.")
        if held > self.today:
            raise _Closed
        chair = f.choice(self.staff.iros) if self.staff.iros else self.actor(case)
        needed = st.force.get("full_history") or st.script.kind == "care" or f.random() < 0.86
        category = _weighted(f, CATEGORIES)
        conference_id = self.conference(st, ConferenceKind.INITIAL, held, chair)
        self.t_subject.add(
            conference_id, case.id, case.child_id, needed, category if needed else ""
        )
        result = (
            f"Child protection plan needed (category: {_name(CategoryOfAbuse, category)})."
            if needed
            else "No child protection plan needed."
        )
        self.line(
            case,
            held,
            EventType.CONFERENCE,
            f"Initial child protection conference. {result}",
            chair,
            record=(_label(Conference), conference_id),
        )
        if not needed:
            self._cin(st, held, chair, "Conference decision: child in need plan")
            raise _Closed
        self._plan(st, held, conference_id, chair, category)

    def conference(self, st: _State, kind: str, held: dt.date, chair: User) -> int:
        """One conference per family and date: siblings are considered together."""
        key = (kind, held, st.script.seed)
        found = self.conferences.get(key)
        if found is not None:
            return found
        f = st.f
        conference_id = self.t_conference.add(
            kind,
            held,
            chair.pk,
            f.random() < 0.8,
            "Conference chaired with the family and the agencies working with the children.",
            chair.pk,
            1,
            f.choice(WORRIES),
            f.choice(WORKING_WELL),
            f.choice(NEEDS_TO_HAPPEN),
            f.randint(2, 7),
        )
        agencies = [self.la_id, self.police_id, self.icb_id]
        if st.kid.school_agency_id:
            agencies.append(st.kid.school_agency_id)
        for agency_id in agencies:
            self.t_conference_agencies.add(conference_id, agency_id)
        self.conferences[key] = conference_id
        return conference_id

    def _plan(
        self, st: _State, icpc: dt.date, conference_id: int, chair: User, category: str
    ) -> None:
        f, case = st.f, st.case
        self.move(case, S.CP_PLAN, icpc, chair, "Conference decision: child protection plan needed")
        plan_id = self.t_plan.add()
        row: list[Any] = [
            plan_id,
            case.id,
            case.child_id,
            conference_id,
            icpc,
            category,
            category,
            "Reduce the worries named at conference with the family's safety network.",
            "If the agreed safety plan breaks down, a strategy discussion is held the same day.",
            10,
            None,
            "",
            chair.pk,
            1,
        ]
        self.plans.append(row)
        label = _name(CategoryOfAbuse, category)
        self.line(
            case,
            icpc,
            EventType.CP_PLAN,
            f"Child protection plan started. Category of abuse: {label}.",
            chair,
            record=(_label(ChildProtectionPlan), plan_id),
        )
        # When the plan would end on its own: at a review conference, mostly after 6-12 months.
        low, high, _ = f.choices(PLAN_DAYS, [w for _, _, w in PLAN_DAYS])[0]
        natural_end = icpc + dt.timedelta(days=f.randint(low, high))
        if st.until is None and not st.force.get("plan_ends"):
            natural_end = dt.date.max  # an open case's plan goes on
        worker = self.actor(case)
        # Everything on the plan, in date order: core groups, review conferences, visits.
        events: list[tuple[dt.date, str]] = []
        core = self.days.add(icpc, f.randint(5, 10) if f.random() < 0.9 else f.randint(11, 16))
        review = self.days.on_or_after(_add_months(icpc, 3) - dt.timedelta(days=f.randint(0, 12)))
        if f.random() < 0.08:
            review = self.days.add(review, f.randint(3, 15))
        visit = self.days.add(icpc, f.randint(3, 9))
        horizon = min(self.today, st.until or self.today)
        stop_visits = st.force.get("visits_stop")
        end_at: dt.date | None = None
        while True:
            nxt = min(core, review, visit)
            if nxt > horizon:
                break
            if nxt == review:
                events.append((review, "review"))
                if review >= natural_end:
                    end_at = review
                    break
                review = self.days.on_or_after(
                    _add_months(review, 6) - dt.timedelta(days=f.randint(0, 14))
                )
            elif nxt == core:
                events.append((core, "core"))
                core = self.days.add(
                    core, f.randint(18, 30) if f.random() < 0.85 else f.randint(31, 45)
                )
            else:
                if stop_visits is None or visit < stop_visits:
                    events.append((visit, "visit"))
                visit = self.days.add(
                    visit, f.randint(6, 10) if f.random() < 0.85 else f.randint(11, 18)
                )
        for day, what in events:
            if what == "core":
                meeting_id = self.t_core_group.add(
                    plan_id, day, "Plan reviewed with the family; actions updated.", worker.pk
                )
                agencies = [self.la_id, self.icb_id] + (
                    [st.kid.school_agency_id] if st.kid.school_agency_id else []
                )
                for agency_id in agencies:
                    self.t_core_group_agencies.add(meeting_id, agency_id)
                names = ", ".join(_agency_name(self.ctx, a) for a in agencies)
                self.line(
                    case,
                    day,
                    EventType.CORE_GROUP,
                    f"Core group meeting. Agencies attending: {names}.",
                    worker,
                    record=(_label(CoreGroupMeeting), meeting_id),
                )
            elif what == "visit":
                seen = self.rng.random() < 0.93
                alone = seen and not st.kid.young and self.rng.random() < 0.6
                visit_id = self.t_visit.add(
                    case.id,
                    case.child_id,
                    day,
                    seen,
                    alone,
                    "Home visit; plan progress discussed.",
                    worker.pk,
                )
                words = (
                    ("child seen alone" if alone else "child seen") if seen else "child not seen"
                )
                self.line(
                    case,
                    day,
                    EventType.VISIT,
                    f"Visit by {worker.first_name} {worker.last_name}: {words}",
                    worker,
                    significance=Significance.LOW,
                    record=(_label(Visit), visit_id),
                )
            else:
                ending = end_at == day
                reviewer = f.choice(self.staff.iros) if self.staff.iros else chair
                conference_id = self.conference(st, ConferenceKind.REVIEW, day, reviewer)
                self.t_subject.add(
                    conference_id, case.id, case.child_id, not ending, row[6] if not ending else ""
                )
                outcome = "The plan ends." if ending else "The plan continues."
                self.line(
                    case,
                    day,
                    EventType.CONFERENCE,
                    f"Review child protection conference. {outcome}",
                    reviewer,
                    record=(_label(Conference), conference_id),
                )
        if end_at is None:
            if st.until is None or st.until > self.today:
                raise _Closed  # the plan is still open today
            end_at = st.until
        reason = _weighted(f, PLAN_ENDS) if st.script.kind != "care" else PlanEndReason.LOOKED_AFTER
        row[10], row[11] = end_at, reason
        row[13] += 1
        label = _name(PlanEndReason, reason)
        manager = self.staff.manager(case.team_id)
        self.line(
            case,
            end_at,
            EventType.CP_PLAN,
            f"Child protection plan ended: {label}.",
            manager,
            record=(_label(ChildProtectionPlan), plan_id),
        )
        if st.script.kind == "care" or reason == PlanEndReason.LOOKED_AFTER:
            self.close(
                case,
                end_at,
                "Child became looked after; the Children in Care Team holds the care plan.",
                "",
            )
            raise _Closed
        if reason == PlanEndReason.MOVED_AWAY or (st.until is not None and end_at >= st.until):
            self.close(
                case,
                end_at,
                f"Child protection plan ended: {label}.",
                ReasonForClosure.RC7
                if reason != PlanEndReason.MOVED_AWAY
                else ReasonForClosure.RC5,
            )
            raise _Closed
        if f.random() < 0.75:
            self._cin(
                st,
                end_at,
                manager,
                "Child protection plan ended: stepped down to a child in need plan",
            )
        else:
            self.close(case, end_at, f"Child protection plan ended: {label}.", ReasonForClosure.RC7)
        raise _Closed

    def _cin(self, st: _State, day: dt.date, actor: User, why: str) -> None:
        """A child in need plan that runs until the case closes."""
        f, case = st.f, st.case
        if st.until is not None and day >= st.until:
            self.close(case, st.until, "Needs met; no plan needed.", ReasonForClosure.RC7)
            return
        self.move(case, S.CIN_PLAN, day, actor, why)
        worker = self.actor(case)
        cin_id = self.t_cin.add()
        row: list[Any] = [
            cin_id,
            case.id,
            case.child_id,
            day,
            "Support for the parents and regular visits; school and health monitor.",
            None,
            "",
            worker.pk,
            1,
        ]
        self.cin_plans.append(row)
        self.line(
            case,
            day,
            EventType.CIN_PLAN,
            f"Child in need plan started. {why}",
            worker,
            record=(_label(CINPlan), cin_id),
        )
        review = day
        last = st.force.get("cin_reviews_stop")
        while True:
            review = self.days.on_or_after(
                _add_months(review, 3)
                + dt.timedelta(days=f.randint(-14, 5) if f.random() < 0.85 else f.randint(6, 40))
            )
            if st.until is not None and review >= st.until:
                end = st.until
                row[5], row[6] = end, "Needs met: the plan's outcomes were achieved"
                row[8] += 1
                self.line(
                    case,
                    end,
                    EventType.CIN_PLAN,
                    f"Child in need plan ended: {row[6]}",
                    worker,
                    record=(_label(CINPlan), cin_id),
                )
                self.close(case, end, "Child in need plan ended: needs met.", ReasonForClosure.RC7)
                return
            if review > self.today or (last is not None and review >= last):
                return
            review_id = self.t_cin_review.add(
                cin_id, review, "Plan reviewed with the family.", worker.pk
            )
            self.line(
                case,
                review,
                EventType.CIN_PLAN,
                "Child in need plan reviewed.",
                worker,
                significance=Significance.LOW,
                record=(_label(CINPlanReview), review_id),
            )


@dataclass
class _State:
    script: _Script
    kid: _Kid
    case: _CaseRow
    f: random.Random
    until: dt.date | None

    @property
    def force(self) -> dict[str, Any]:
        return self.script.force

    factors: list[str] = field(default_factory=list)
    contact: list[Any] | None = None  # the episode's first contact, while it awaits a decision


def _add_months(day: dt.date, months: int) -> dt.date:
    from masa.core.calendar import add_months

    return add_months(day, months)


# --- Planning families ------------------------------------------------------------------------

REFERRAL_KINDS = ("referral_nfa", "assessment", "s47", "cp", "care")
OPEN_KIND = {  # kind of the open episode of a family whose involvement is open, by owning team
    FRONT_DOOR: "pending",
    ASSESSMENT_NORTH: "assessment",
    ASSESSMENT_SOUTH: "assessment",
    CHILD_PROTECTION: "cp",
    EARLY_HELP: "early_help",
}
CLOSED_KINDS = {  # (kind, weight) of a family's last episode once it has closed, by team
    ASSESSMENT_NORTH: (("assessment", 82), ("referral_nfa", 6), ("s47", 12)),
    ASSESSMENT_SOUTH: (("assessment", 82), ("referral_nfa", 6), ("s47", 12)),
    CHILD_PROTECTION: (("cp", 21), ("s47", 79)),
    EARLY_HELP: (("early_help", 1),),
    FRONT_DOOR: (("nfa", 1),),
}


class _Planner:
    def __init__(self, ctx: DemoContext, rng: random.Random, days: _Days) -> None:
        self.ctx = ctx
        self.rng = rng
        self.days = days
        self.today = ctx.today
        years = ctx.profile.history_years
        self.history_start = ctx.today.replace(year=ctx.today.year - years)

    def families(self) -> list[_Family]:
        """The people domain's families, read back: siblings share a surname, summary, team,
        worker and the end of the local authority's involvement."""
        partnership = self.ctx.get_partnership()
        la_spans: dict[int, tuple[dt.date, dt.date | None]] = {}
        for child_id, started, ended in AgencyInvolvement.objects.filter(
            child__partnership=partnership, agency__kind=AgencyKind.LOCAL_AUTHORITY
        ).values_list("child_id", "started_on", "ended_on"):
            la_spans[child_id] = (started, ended)
        schools = dict(
            AgencyInvolvement.objects.filter(
                child__partnership=partnership,
                agency__kind=AgencyKind.SCHOOL,
                ended_on__isnull=True,
            ).values_list("child_id", "agency_id")
        )
        teams = {team.pk: name for (_, name), team in self.ctx.teams.items()}
        grouped: dict[tuple[Any, ...], _Family] = {}
        young_after = self.today.replace(year=self.today.year - 4)
        rows = (
            Child.objects.filter(partnership=partnership)
            .order_by("pk")
            .values_list(
                "pk",
                "last_name",
                "summary",
                "owning_team_id",
                "allocated_worker_id",
                "date_of_birth",
                "expected_date_of_birth",
            )
        )
        for pk, last_name, summary, team_id, worker_id, born, due in rows:
            span = la_spans.get(pk)
            if span is None:
                continue
            # An unborn child: the people domain may store the expected date as the birth.
            expected = due if born is None else (born if born > self.today else None)
            if expected is not None:
                available = expected - dt.timedelta(days=180)
            else:
                available = born or self.today
            kid = _Kid(
                pk,
                max(available, self.history_start),
                schools.get(pk),
                (born or self.today) > young_after,
            )
            key = (last_name, summary, team_id, worker_id, span[1])
            family = grouped.get(key)
            if family is None:
                grouped[key] = _Family(
                    [kid], teams.get(team_id, ""), team_id, worker_id, span[0], span[1]
                )
            else:
                family.kids.append(kid)
                family.start = min(family.start, span[0])
        return list(grouped.values())

    def scripts(self, family: _Family) -> list[_Script]:
        """The family's episodes before any extra contacts: earlier ones first, then the last."""
        rng, days, today = self.rng, self.days, self.today
        first = min(kid.available for kid in family.kids)
        window = max(self.history_start, first)
        if window > today:
            return []
        start = max(family.start, window)
        team = family.team
        if team in (CHILDREN_IN_CARE, LEAVING_CARE):
            kind = "care"
            close = family.end or today
            close = min(close, start + dt.timedelta(days=rng.randint(60, 400)))
            if close >= today:
                close = days.back(today, 1)
        elif family.end is None:
            kind = OPEN_KIND.get(team, "assessment")
            close = None
            start = max(start, self._open_start(kind))
        else:
            kind = _weighted(rng, CLOSED_KINDS.get(team, (("assessment", 1),)))
            close = family.end
        if close is not None and (close - start).days < 15:
            kind = "nfa"
        main = self.script(kind, start, close, family)
        scripts = [main]
        # Earlier episodes, latest first, each ending before the next one starts.
        before = main.start
        if kind in REFERRAL_KINDS and rng.random() < RE_REFERRAL_RATE:
            end = before - dt.timedelta(days=rng.randint(10, 200))
            begin = end - dt.timedelta(days=rng.randint(25, 120))
            if begin >= window and (main.start - begin).days < 365:
                scripts.insert(
                    0,
                    self.script(
                        rng.choice(("assessment", "assessment", "referral_nfa")), begin, end, family
                    ),
                )
                before = begin
        if kind in ("cp", "care") and rng.random() < PREVIOUS_PLAN_RATE:
            end = before - dt.timedelta(days=rng.randint(60, 900))
            begin = end - dt.timedelta(days=rng.randint(200, 500))
            if begin >= window:
                scripts.insert(0, self.script("cp", begin, end, family))
                before = begin
        if rng.random() < PREVIOUS_EARLY_HELP_RATE:
            end = before - dt.timedelta(days=rng.randint(20, 400))
            begin = end - dt.timedelta(days=rng.randint(60, 250))
            if begin >= window:
                scripts.insert(0, self.script("early_help", begin, end, family, main_team=False))
        return scripts

    def _open_start(self, kind: str) -> dt.date:
        """How long ago the open episode started: recent for contacts, longer for plans."""
        rng, days, today = self.rng, self.days, self.today
        if kind == "pending":
            return days.back(today, rng.randint(0, PENDING_WORKING_DAYS))
        if kind == "assessment":
            roll = rng.random()
            if roll < 0.3:
                return days.back(today, rng.randint(0, 12))
            if roll < 0.6:
                return days.back(today, rng.randint(13, 50))
            return today - dt.timedelta(days=rng.randint(80, 400))
        if kind == "cp":
            if rng.random() < 0.1:
                return days.back(today, rng.randint(5, 25))
            return today - dt.timedelta(days=rng.randint(45, 700))
        return today - dt.timedelta(days=rng.randint(20, 300))  # early help

    def script(
        self,
        kind: str,
        start: dt.date,
        close: dt.date | None,
        family: _Family,
        main_team: bool = True,
    ) -> _Script:
        rng = self.rng
        if main_team and family.team not in (
            FRONT_DOOR,
            EARLY_HELP,
            CHILDREN_IN_CARE,
            LEAVING_CARE,
        ):
            team_id, worker_id = family.team_id, family.worker_id
        else:
            team = ASSESSMENT_NORTH if rng.random() < 0.5 else ASSESSMENT_SOUTH
            if kind == "early_help":
                team = EARLY_HELP
            elif kind in ("cp", "care"):
                team = CHILD_PROTECTION
            team_id = self.ctx.team(LA, team).pk
            holders = self.ctx.caseholders.get((LA, team), [])
            worker_id = rng.choice(holders).pk if holders else None
            if main_team and family.team == EARLY_HELP:
                worker_id = family.worker_id
        decision = D.INFORMATION_ADVICE if rng.random() < ADVICE_SHARE else D.NO_FURTHER_ACTION
        return _Script(kind, start, close, rng.random(), team_id, worker_id, decision)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, product, count = pow(2.718281828459045, -mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


# --- Build and reset --------------------------------------------------------------------------


def build(ctx: DemoContext, rng: random.Random) -> None:
    partnership = ctx.get_partnership()
    PracticeSettings.objects.create(
        partnership=partnership,
        practice_model=PracticeModel.SIGNS_OF_SAFETY,
        continuum_levels=DEFAULT_CONTINUUM,
    )
    writer = _Writer()
    book = plan_book(ctx, rng, writer)
    with _large_cache():
        counts = _write(book, writer)
    if connection.vendor == "postgresql":
        # Freshly loaded tables have no planner statistics until autovacuum comes round: without
        # them PostgreSQL chose nested loops that made the work list take minutes. ANALYZE may
        # run inside the loading transaction and sees its rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    ctx.summary += _summary(counts, book)


def plan_book(ctx: DemoContext, rng: random.Random, writer: _Writer | None = None) -> _Runner:
    """Every family's casework, held in memory (``book.cases``, ``book.contacts``...) and checked,
    ready for ``_write``: nothing is written to the database here."""
    writer = writer or _Writer()
    today = ctx.today
    planner_days = _Days(
        today.replace(year=today.year - ctx.profile.history_years - 1),
        today + dt.timedelta(days=900),
    )
    planner = _Planner(ctx, rng, planner_days)
    families = planner.families()
    plans = [(family, planner.scripts(family)) for family in families]
    _showcase(ctx, planner, plans)

    book = _Runner(ctx, writer, planner_days)
    book.rng = rng
    # Contacts beyond the episodes' own: family events at a rate that brings the total to
    # about CONTACTS_PER_CHILD_YEAR, each for every child of the family born by then.
    weights = [rng.gammavariate(0.7, 1 / 0.7) for _ in plans]
    exposure = sum(
        w * sum(max(0, (today - k.available).days) for k in family.kids) / 365.25
        for w, (family, _) in zip(weights, plans, strict=True)
    )
    episode_contacts = sum(len(family.kids) for family, scripts in plans for _ in scripts)
    children = sum(len(family.kids) for family, _ in plans)
    target = CONTACTS_PER_CHILD_YEAR * ctx.profile.history_years * children
    rate = max(0.0, target - episode_contacts) / exposure if exposure else 0.0

    for (family, scripts), weight in zip(plans, weights, strict=True):
        intervals: dict[int, list[tuple[dt.date, dt.date, _CaseRow]]] = defaultdict(list)
        busy: list[tuple[dt.date, dt.date]] = []
        for script in scripts:
            _play(book, script, family, intervals, busy)
        first = min(kid.available for kid in family.kids)
        years = max(0, (today - first).days) / 365.25
        count = _poisson(rng, rate * weight * years * len(family.kids) / max(1, len(family.kids)))
        for day in sorted(
            planner_days.on_or_after(
                first + dt.timedelta(days=rng.randint(0, max(0, (today - first).days)))
            )
            for _ in range(count)
        ):
            if day > today:
                continue
            _extra_contact(book, planner, family, day, intervals, busy)

    open_cases: dict[int, int] = {}
    for case in book.cases:
        if case.stage == S.CLOSED:
            continue
        if case.closed_on is not None:
            raise AssertionError("an open case has a closing date")
        # The database allows one open case per child (Case's one_open_case_per_child).
        other = open_cases.setdefault(case.child_id, case.id)
        if other != case.id:
            raise AssertionError(
                f"child {case.child_id} would have two open cases ({other} and {case.id})"
            )
    return book


def _play(
    book: _Runner,
    script: _Script,
    family: _Family,
    intervals: dict[int, list[tuple[dt.date, dt.date, _CaseRow]]],
    busy: list[tuple[dt.date, dt.date]],
) -> None:
    for kid in family.kids:
        result = book.run(script, kid)
        if result is None:
            continue
        case, closed = result
        if script.kind not in ("nfa", "pending"):
            intervals[kid.id].append((case.opened_on, closed or book.today, case))
        elif script.kind == "pending":
            intervals[kid.id].append((case.opened_on, book.today, case))
    busy.append((script.start, script.close or book.today))


def _extra_contact(
    book: _Runner,
    planner: _Planner,
    family: _Family,
    day: dt.date,
    intervals: dict[int, list[tuple[dt.date, dt.date, _CaseRow]]],
    busy: list[tuple[dt.date, dt.date]],
) -> None:
    rng, today = book.rng, book.today
    free = not any(a <= day + dt.timedelta(days=150) and day <= b for a, b in busy)
    if free and day < today - dt.timedelta(days=200) and rng.random() < EXTRA_EARLY_HELP_RATE:
        end = day + dt.timedelta(days=rng.randint(60, 150))
        _play(
            book,
            planner.script("early_help", day, end, family, main_team=False),
            family,
            intervals,
            busy,
        )
        return
    # Contacts of the last few working days may still await their threshold decision.
    age = book.days.index(today) - book.days.index(day)
    pending = age < len(PENDING_SHARE) and rng.random() < PENDING_SHARE[age]
    for kid in family.kids:
        if kid.available > day:
            continue
        open_case = next((c for a, b, c in intervals[kid.id] if a <= day <= b), None)
        if open_case is not None:
            if open_case.stage == S.CONTACT or open_case.opened_on > day:
                continue  # a contact is already being screened
            _, contact, _ = book.contact(open_case, kid, day, checks=False)
            decided = book.days.add(day, rng.choice((0, 1)))
            if decided <= today:
                book.decide(
                    open_case,
                    contact,
                    D.OPEN_CASE,
                    decided,
                    "Passed to the allocated worker of the open case.",
                )
            continue
        # The child's case still open today that opened after this contact (the family's
        # current episode, played first). Had this contact stayed undecided, masa would have
        # logged that episode's first contact against its case (``contact_log`` uses the open
        # case) rather than open a second. The episode is already written from its own contact,
        # so this one is screened instead and its case closed by the day the episode's opened.
        later = next(
            (c.opened_on for a, _, c in intervals[kid.id] if a > day and c.stage != S.CLOSED),
            None,
        )
        kind = "pending" if pending and later is None else "nfa"
        script = planner.script(kind, day, later, family)
        result = book.run(script, kid)
        if result is not None and kind == "pending":
            intervals[kid.id].append((day, today, result[0]))


def _showcase(
    ctx: DemoContext, planner: _Planner, plans: list[tuple[_Family, list[_Script]]]
) -> None:
    """Make sure the demo shows each part of the journey, whatever the seed or size:
    a social worker's caseload with a child protection plan (full history, sibling group
    conference, a visit overdue), an overdue assessment and an overdue child in need review;
    early help under way; and contacts awaiting a decision past their clock."""
    worker = ctx.users.get("social.worker")
    days, today = planner.days, planner.today
    open_families = [(f, s) for f, s in plans if s and s[-1].close is None]
    if worker is not None:
        own = [(f, s) for f, s in open_families if f.worker_id == worker.pk]
        own.sort(
            key=lambda fs: (
                -len([k for k in fs[0].kids if k.available <= today - dt.timedelta(days=200)]),
                fs[0].kids[0].id,
            )
        )
        if not own:
            own = [(f, s) for f, s in open_families if f.team == ASSESSMENT_NORTH][:3]
        for n, (family, scripts) in enumerate(own[:3]):
            main = scripts[-1]
            if n == 0:  # a child protection plan with its full history, and a visit overdue
                icpc = days.back(today, 110)
                main.kind, main.start = "cp", days.back(icpc, 32)
                main.force = {
                    "full_history": True,
                    "icpc_on": icpc,
                    "visits_stop": days.back(today, 14),
                }
                for kid in family.kids:
                    kid.available = min(kid.available, main.start)
            elif n == 1:  # an assessment past its 45 working days
                main.kind, main.start = "assessment", days.back(today, 56)
                main.force = {"assessment_overdue": True}
            else:  # a child in need plan whose review is overdue
                main.kind, main.start = "assessment", today - dt.timedelta(days=250)
                main.force = {"cin": True, "cin_reviews_stop": today - dt.timedelta(days=100)}
            scripts[:] = [s for s in scripts[:-1] if (s.close or today) < main.start] + [main]
    if not any(s[-1].kind == "early_help" for _, s in open_families):
        for family, scripts in open_families:
            if (
                family.worker_id != (worker.pk if worker else None)
                and scripts[-1].kind == "assessment"
            ):
                scripts[-1].kind = "early_help"
                break
    pending = [s[-1] for _, s in open_families if s[-1].kind == "pending"]
    if not any(s.start < days.back(today, 1) for s in pending):
        for _, scripts in plans:
            if (
                scripts
                and scripts[-1].close is not None
                and scripts[-1].close < today - dt.timedelta(days=30)
            ):
                scripts.append(planner.script("pending", days.back(today, 3), None, _DUMMY_FAMILY))
                break


_DUMMY_FAMILY = _Family([], FRONT_DOOR, 0, None, dt.date.min, None)


def _write(book: _Runner, writer: _Writer) -> dict[str, int]:
    """Add the rows held as mutable lists (they change as a case goes on), then insert all."""
    case_table = writer.table(
        Case,
        "partnership_id",
        "child_id",
        "stage",
        "opened_on",
        "closed_on",
        "closure_reason",
        "team_id",
        "worker_id",
        "transferred_in_from",
        "version",
        "created_at",
    )
    pid = book.partnership_id
    case_table.rows = [
        (
            c.id,
            pid,
            c.child_id,
            c.stage,
            c.opened_on,
            c.closed_on,
            c.closure_reason,
            c.team_id,
            c.worker_id,
            "",
            max(1, c.transitions),
            book.moment(c.opened_on),
        )
        for c in book.cases
    ]
    _rows(
        writer,
        Contact,
        book.contacts,
        "child_id",
        "case_id",
        "received_at",
        "source",
        "source_agency_id",
        "referrer_name",
        "reason",
        "presenting_factors",
        "consent_basis",
        "rag",
        "recorded_by_id",
        "decision",
        "continuum_level",
        "decision_reason",
        "decided_on",
        "decided_by_id",
        "version",
    )
    _rows(
        writer,
        Referral,
        book.referrals,
        "child_id",
        "case_id",
        "contact_id",
        "referral_date",
        "source",
        "primary_need",
        "no_further_action",
        "closure_date",
        "closure_reason",
        "recorded_by_id",
        "version",
    )
    _rows(
        writer,
        EarlyHelpEpisode,
        book.episodes,
        "case_id",
        "child_id",
        "started_on",
        "stepped_down",
        "lead_professional_id",
        "lead_agency_id",
        "assessment_completed_on",
        "plan_agreed_on",
        "plan",
        "ended_on",
        "end_reason",
        "recorded_by_id",
        "version",
    )
    _rows(
        writer,
        Assessment,
        book.assessments,
        "case_id",
        "child_id",
        "started_on",
        "completed_on",
        "authorised_on",
        "authorised_by_id",
        "factors",
        "outcome",
        "summary",
        "recorded_by_id",
        "version",
        "worries",
        "working_well",
        "needs_to_happen",
        "scaling",
    )
    _rows(
        writer,
        S47Enquiry,
        book.s47s,
        "case_id",
        "child_id",
        "strategy_discussion_id",
        "started_on",
        "completed_on",
        "outcome",
        "summary",
        "recorded_by_id",
        "version",
    )
    _rows(
        writer,
        ChildProtectionPlan,
        book.plans,
        "case_id",
        "child_id",
        "conference_id",
        "started_on",
        "initial_category",
        "latest_category",
        "plan",
        "contingency_plan",
        "visit_frequency_working_days",
        "ended_on",
        "end_reason",
        "recorded_by_id",
        "version",
    )
    _rows(
        writer,
        CINPlan,
        book.cin_plans,
        "case_id",
        "child_id",
        "started_on",
        "plan",
        "ended_on",
        "end_reason",
        "recorded_by_id",
        "version",
    )
    # Parents before children, so PostgreSQL's deferred checks and SQLite's alike are happy.
    order = [
        Case,
        Contact,
        Referral,
        EarlyHelpEpisode,
        Assessment,
        StrategyDiscussion,
        S47Enquiry,
        Conference,
        ChildProtectionPlan,
        CINPlan,
    ]
    writer.tables = {m: writer.tables[m] for m in order} | {
        m: t for m, t in writer.tables.items() if m not in order
    }
    return writer.flush()


@contextlib.contextmanager
def _large_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MB) thrashes on a million-row insert: use ~400 MB."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -400000")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _rows(writer: _Writer, model: type[models.Model], rows: list[list[Any]], *fields: str) -> None:
    table = writer.table(model, *fields)
    table.rows = [tuple(row) for row in rows]


def _summary(counts: dict[str, int], book: _Runner) -> list[tuple[str, str]]:
    def n(model: type[models.Model]) -> int:
        return counts.get(model._meta.label, 0)

    years = book.ctx.profile.history_years
    stages = Counter(c.stage for c in book.cases)
    open_cases = sum(v for k, v in stages.items() if k != S.CLOSED)
    referrals = n(Referral)
    re_referrals = _re_referrals(book.referrals)
    plans = n(ChildProtectionPlan)
    repeat = _repeat_plans(book.plans)
    per_year = f"a year over {years} years"
    return [
        (
            "Cases",
            f"{n(Case):,} ({open_cases:,} open: "
            + ", ".join(
                f"{stages[s]:,} {Stage(s).label.lower()}"
                for s in Stage.values
                if s != S.CLOSED and stages[s]
            )
            + ")",
        ),
        (
            "Contacts",
            f"{n(Contact):,} (~{n(Contact) // years:,} {per_year}); "
            f"{n(AgencyCheck):,} agency checks",
        ),
        (
            "Referrals",
            f"{referrals:,} (~{referrals // years:,} a year; "
            f"{re_referrals / max(1, referrals):.0%} re-referrals within 12 months)",
        ),
        ("Assessments", f"{n(Assessment):,}; early help episodes {n(EarlyHelpEpisode):,}"),
        ("Section 47 enquiries", f"{n(S47Enquiry):,} (~{n(S47Enquiry) // years:,} a year)"),
        (
            "Child protection plans",
            f"{plans:,} (~{plans // years:,} a year; "
            f"{repeat / max(1, plans):.0%} second or subsequent); "
            f"{n(Conference):,} conferences",
        ),
        (
            "Child in need plans",
            f"{n(CINPlan):,}; {n(Visit):,} visits, {n(CoreGroupMeeting):,} core groups",
        ),
        ("Chronology", f"{n(ChronologyEntry):,} entries; {n(CaseTransition):,} stage moves"),
    ]


def _re_referrals(referrals: list[list[Any]]) -> int:
    by_child: dict[int, list[dt.date]] = defaultdict(list)
    for row in referrals:
        by_child[row[1]].append(row[4])
    count = 0
    for dates in by_child.values():
        dates.sort()
        count += sum(1 for a, b in itertools.pairwise(dates) if (b - a).days <= 365)
    return count


def _repeat_plans(plans: list[list[Any]]) -> int:
    seen: set[int] = set()
    count = 0
    for row in sorted(plans, key=lambda r: r[4]):
        if row[2] in seen:
            count += 1
        seen.add(row[2])
    return count


def reset(partnership: Partnership) -> None:
    """Remove every casework row of the partnership's children, leaves first (set-based)."""
    children = Child.objects.filter(partnership=partnership)
    cases = Case.objects.filter(partnership=partnership)
    contacts = Contact.objects.filter(child__in=children)
    conferences = Conference.objects.filter(subjects__case__in=cases)
    plans = ChildProtectionPlan.objects.filter(case__in=cases)
    strategies = StrategyDiscussion.objects.filter(case__in=cases)
    meetings = CoreGroupMeeting.objects.filter(plan__in=plans)
    packs = MeetingPack.objects.filter(conference__in=conferences)
    steps: list[QuerySet[Any]] = [
        ChronologyEntry.objects.filter(child__in=children),
        CaseTransition.objects.filter(case__in=cases),
        Allocation.objects.filter(case__in=cases),
        OversightNote.objects.filter(case__in=cases),
        AgencyCheck.objects.filter(contact__in=contacts),
        Visit.objects.filter(case__in=cases),
        CINPlanReview.objects.filter(plan__case__in=cases),
        EarlyHelpReview.objects.filter(episode__case__in=cases),
        PackShare.objects.filter(pack__in=packs),
        AgencyReport.objects.filter(pack__in=packs),
        packs,
        CoreGroupMeeting.agencies.through.objects.filter(coregroupmeeting__in=meetings),
        meetings,
        plans,
        StrategyDiscussion.agencies.through.objects.filter(strategydiscussion__in=strategies),
        Conference.agencies.through.objects.filter(conference__in=conferences),
        ConferenceChild.objects.filter(case__in=cases),
        S47Enquiry.objects.filter(case__in=cases),
        strategies,
        Assessment.objects.filter(case__in=cases),
        CINPlan.objects.filter(case__in=cases),
        EarlyHelpEpisode.objects.filter(case__in=cases),
        Referral.objects.filter(case__in=cases),
        contacts,
    ]
    # Foreign keys are checked at commit (deferred on SQLite and PostgreSQL alike), so a
    # conference can go before the subjects it is found through.
    _delete(conferences)
    for queryset in steps:
        _delete(queryset)
    _delete(cases)
    _delete(ClockSetting.objects.filter(partnership=partnership))
    _delete(PracticeSettings.objects.filter(partnership=partnership))


def _delete(queryset: QuerySet[Any]) -> None:
    """DELETE ... WHERE id IN (the queryset): one statement, without loading the rows."""
    model = queryset.model
    ids, params = queryset.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        # Names from the model's metadata; values are parameters.
        sql = f"DELETE FROM {table} WHERE {pk} IN (SELECT * FROM ({ids}) AS ids)"  # noqa: S608
        cursor.execute(sql, params)
