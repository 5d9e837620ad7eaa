"""Child-level frames: the casework records the measures count, as polars DataFrames.

``load_frames`` reads each table with one query (``.values_list``), for one partnership and a
window of dates wide enough for every period asked about (re-referrals look back 12 months,
repeat plans look back to the child's first plan). The measures in ``masa.indicators.measures``
are pure functions of these frames, so tests build frames by hand with ``frames_from``.

Choices, recorded here and in docs/indicators.md:

- **One child, one id.** Records of a duplicate child later merged into another count as the
  kept child's (``child_id`` is the kept record's id), as masa's repeat-plan flags do.
- **Unborn children** are in the frames. The DfE's CIN census totals include unborn children
  (pre-birth referrals and plans) while its 0-17 population does not; masa counts them in the
  numerators as the DfE does. Their ``date_of_birth`` is empty, so no age rule excludes them.
- **Dates**: a contact's day is the day it was received, in Europe/London.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from masa.core.calendar import WorkingDayCalendar, add_months, working_day_calendar

DATE = pl.Date()
INT = pl.Int64()
STR = pl.String()
BOOL = pl.Boolean()

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "children": {"child_id": INT, "date_of_birth": DATE, "expected_date_of_birth": DATE},
    "contacts": {
        "contact_id": INT,
        "child_id": INT,
        "received_on": DATE,
        "decided": BOOL,
        "became_referral": BOOL,
    },
    "referrals": {
        "referral_id": INT,
        "child_id": INT,
        "case_id": INT,
        "referral_date": DATE,
        # CINclosureDate: the referral's closure date, or the case's if only that is recorded.
        "closed_on": DATE,
        "no_further_action": BOOL,
        "source": STR,
        "closure_reason": STR,
    },
    "assessments": {
        "assessment_id": INT,
        "child_id": INT,
        "case_id": INT,
        "started_on": DATE,
        "authorised_on": DATE,
        "referral_date": DATE,  # of the referral that opened the case (Working Together clock)
    },
    "s47": {
        "s47_id": INT,
        "child_id": INT,
        "case_id": INT,
        "started_on": DATE,
        # False when the enquiry's outcome was something other than a conference
        # (the census's ICPCnotRequired).
        "conference_expected": BOOL,
    },
    "icpcs": {"conference_id": INT, "child_id": INT, "case_id": INT, "held_on": DATE},
    "cp_plans": {
        "plan_id": INT,
        "child_id": INT,
        "case_id": INT,
        "started_on": DATE,
        "ended_on": DATE,
        "initial_category": STR,
        "latest_category": STR,
    },
    "cin_plans": {
        "plan_id": INT,
        "child_id": INT,
        "case_id": INT,
        "started_on": DATE,
        "ended_on": DATE,
    },
    "early_help": {
        "episode_id": INT,
        "child_id": INT,
        "started_on": DATE,
        "ended_on": DATE,
        "stepped_down": BOOL,
    },
}
TABLES = tuple(SCHEMAS)


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[table])


@dataclass(frozen=True)
class Frames:
    """One partnership's child-level records. Tables not loaded are empty, with their columns."""

    children: pl.DataFrame = field(default_factory=lambda: empty("children"))
    contacts: pl.DataFrame = field(default_factory=lambda: empty("contacts"))
    referrals: pl.DataFrame = field(default_factory=lambda: empty("referrals"))
    assessments: pl.DataFrame = field(default_factory=lambda: empty("assessments"))
    s47: pl.DataFrame = field(default_factory=lambda: empty("s47"))
    icpcs: pl.DataFrame = field(default_factory=lambda: empty("icpcs"))
    cp_plans: pl.DataFrame = field(default_factory=lambda: empty("cp_plans"))
    cin_plans: pl.DataFrame = field(default_factory=lambda: empty("cin_plans"))
    early_help: pl.DataFrame = field(default_factory=lambda: empty("early_help"))
    # England and Wales bank holidays (and any an administrator added) for working-day counts.
    holidays: tuple[dt.date, ...] = ()

    def table(self, name: str) -> pl.DataFrame:
        frame = getattr(self, name)
        assert isinstance(frame, pl.DataFrame)
        return frame


def holidays_between(
    first_year: int, last_year: int, calendar: WorkingDayCalendar | None = None
) -> tuple[dt.date, ...]:
    """Every bank holiday in masa's working-day calendar (``masa.core.calendar``) in the years."""
    cal = calendar or working_day_calendar()
    return tuple(
        day
        for year in range(first_year, last_year + 1)
        for day, _ in cal.bank_holidays_in_year(year)
    )


def frames_from(
    *, holidays: tuple[dt.date, ...] | None = None, **tables: list[dict[str, Any]]
) -> Frames:
    """Frames from rows written by hand (tests, worked examples). Missing columns are empty
    (False for flags); ids default to the row's position."""
    built: dict[str, Any] = {}
    for name, rows in tables.items():
        schema = SCHEMAS[name]
        id_column = next(iter(schema))
        filled = []
        for position, row in enumerate(rows, start=1):
            unknown = set(row) - set(schema)
            if unknown:
                raise ValueError(f"{name} has no column {sorted(unknown)}")
            full: dict[str, Any] = {
                column: (False if kind == BOOL else None) for column, kind in schema.items()
            }
            full[id_column] = position
            full.update(row)
            filled.append(full)
        built[name] = pl.DataFrame(filled, schema=schema, orient="row") if filled else empty(name)
    if holidays is None:
        holidays = holidays_between(2010, 2035, WorkingDayCalendar())
    return Frames(**built, holidays=holidays)


# ---------------------------------------------------------------- loading from the database


@dataclass(frozen=True)
class Window:
    """The dates the loaded frames must cover: every period asked about lies within them."""

    start: dt.date
    end: dt.date


def _frame(table: str, rows: QuerySet[Any, Any] | list[Any]) -> pl.DataFrame:
    schema = SCHEMAS[table]
    data = list(rows)
    if not data:
        return empty(table)
    return pl.DataFrame(data, schema=schema, orient="row")


def _kept_child() -> Coalesce:
    """The child a record counts for: the kept record if its child was merged into another."""
    return Coalesce(F("child__merged_into_id"), F("child_id"))


def load_frames(partnership_id: int, window: Window, tables: set[str] | frozenset[str]) -> Frames:
    """Read the tables named, for one partnership, covering ``window`` (one query each)."""
    from masa.earlyhelp.models import EarlyHelpEpisode
    from masa.frontdoor.models import Contact, Referral
    from masa.people.models import Child
    from masa.protection.models import (
        Assessment,
        ChildProtectionPlan,
        CINPlan,
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
        S47Enquiry,
        S47Outcome,
    )

    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"Unknown frames: {sorted(unknown)}")
    start, end = window.start, window.end
    loaded: dict[str, Any] = {}
    in_partnership = Q(case__partnership_id=partnership_id)

    if "children" in tables:
        loaded["children"] = _frame(
            "children",
            Child.objects.filter(partnership_id=partnership_id, merged_into__isnull=True)
            .order_by()
            .values_list("id", "date_of_birth", "expected_date_of_birth"),
        )
    if "contacts" in tables:
        tz = timezone.get_default_timezone()
        day_start = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
        day_after = timezone.make_aware(
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz
        )
        # Dates and "became a referral" are worked out in polars, not per row in SQL: on SQLite
        # a time-zone date cast and a correlated EXISTS are Python calls per row (1.8 s for the
        # borough's 34,000 contacts in a year; benchmarks/RESULTS.md).
        contacts = Contact.objects.filter(
            in_partnership, received_at__gte=day_start, received_at__lt=day_after
        )
        referred_ids = set(
            Referral.objects.filter(contact__in=contacts.values("pk"))
            .order_by()
            .values_list("contact_id", flat=True)
        )
        rows = list(
            contacts.order_by()
            .annotate(kid=_kept_child())
            .values_list("id", "kid", "received_at", "decision")
        )
        raw = pl.DataFrame(
            rows,
            schema={
                "contact_id": INT,
                "child_id": INT,
                "received_at": pl.Datetime("us", "UTC"),
                "decision": STR,
            },
            orient="row",
        ).with_columns(
            received_on=pl.col("received_at").dt.convert_time_zone(str(tz)).dt.date(),
            became_referral=pl.col("contact_id").is_in(list(referred_ids)),
        )
        loaded["contacts"] = raw.select(
            "contact_id",
            "child_id",
            "received_on",
            decided=pl.col("decision").fill_null("") != "",
            became_referral=pl.col("became_referral").fill_null(False),
        )
    if "referrals" in tables:
        # Re-referrals look back 12 months; episodes open at the end may have started long ago.
        look_back = add_months(start, -13)
        closed = Coalesce(F("closure_date"), F("case__closed_on"))
        loaded["referrals"] = _frame(
            "referrals",
            Referral.objects.filter(in_partnership, referral_date__lte=end)
            .annotate(kid=_kept_child(), closed=closed)
            .filter(Q(referral_date__gte=look_back) | Q(closed__isnull=True) | Q(closed__gte=start))
            .order_by()
            .values_list(
                "id",
                "kid",
                "case_id",
                "referral_date",
                "closed",
                "no_further_action",
                "source",
                "closure_reason",
            ),
        )
    if "assessments" in tables:
        loaded["assessments"] = _frame(
            "assessments",
            Assessment.objects.filter(in_partnership, authorised_on__range=(start, end))
            .order_by()
            .annotate(kid=_kept_child())
            .values_list(
                "id",
                "kid",
                "case_id",
                "started_on",
                "authorised_on",
                "case__referral__referral_date",
            ),
        )
    icpc_cases = (
        ConferenceChild.objects.filter(
            in_partnership,
            conference__kind=ConferenceKind.INITIAL,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__range=(start, end),
        )
        .order_by()
        .values("case_id")
    )
    if "s47" in tables:
        raw = pl.DataFrame(
            list(
                S47Enquiry.objects.filter(in_partnership)
                .filter(Q(started_on__range=(start, end)) | Q(case_id__in=icpc_cases))
                .order_by()
                .annotate(kid=_kept_child())
                .values_list("id", "kid", "case_id", "started_on", "outcome")
            ),
            schema={
                "s47_id": INT,
                "child_id": INT,
                "case_id": INT,
                "started_on": DATE,
                "outcome": STR,
            },
            orient="row",
        )
        loaded["s47"] = raw.select(
            "s47_id",
            "child_id",
            "case_id",
            "started_on",
            conference_expected=pl.col("outcome").fill_null("").is_in(["", S47Outcome.ICPC.value]),
        )
    if "icpcs" in tables:
        # Held initial conferences in the window, and earlier ones in the same cases (an
        # enquiry's conference is the first one on or after it started).
        loaded["icpcs"] = _frame(
            "icpcs",
            ConferenceChild.objects.filter(
                in_partnership,
                conference__kind=ConferenceKind.INITIAL,
                conference__status=ConferenceStatus.HELD,
                conference__held_on__lte=end,
            )
            .filter(Q(conference__held_on__gte=start) | Q(case_id__in=icpc_cases))
            .order_by()
            .annotate(kid=_kept_child())
            .values_list("conference_id", "kid", "case_id", "conference__held_on"),
        )
    if "cp_plans" in tables:
        # The whole history up to the end: a plan is a repeat however long ago the first was.
        loaded["cp_plans"] = _frame(
            "cp_plans",
            ChildProtectionPlan.objects.filter(in_partnership, started_on__lte=end)
            .order_by()
            .annotate(kid=_kept_child())
            .values_list(
                "id",
                "kid",
                "case_id",
                "started_on",
                "ended_on",
                "initial_category",
                "latest_category",
            ),
        )
    if "cin_plans" in tables:
        loaded["cin_plans"] = _frame(
            "cin_plans",
            CINPlan.objects.filter(in_partnership, started_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
            .order_by()
            .annotate(kid=_kept_child())
            .values_list("id", "kid", "case_id", "started_on", "ended_on"),
        )
    if "early_help" in tables:
        loaded["early_help"] = _frame(
            "early_help",
            EarlyHelpEpisode.objects.filter(in_partnership, started_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
            .order_by()
            .annotate(kid=_kept_child())
            .values_list("id", "kid", "started_on", "ended_on", "stepped_down"),
        )
    holidays = holidays_between(start.year - 1, end.year + 1)
    return Frames(**loaded, holidays=holidays)


def frame_names() -> list[str]:
    return [f.name for f in fields(Frames) if f.name != "holidays"]
