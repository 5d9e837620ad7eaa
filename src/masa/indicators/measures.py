"""The measures as pure functions: ``(frames, period, population) -> (numerator, denominator)``.

Each function reads only the frames it is given (``masa.indicators.frames``), filters them to
the period itself (frames may cover a wider window), and returns unrounded counts. For a rate
the denominator is the 0-17 population passed in (None when no estimate is held); for a count
it is None. ``value_of`` turns the pair into the figure shown. The DfE definition of each
measure is in its docstring and, in words for users, in ``masa.indicators.catalogue``.

Working days are England and Wales working days from ``masa.core.calendar`` (the frames carry
its bank holidays): the start date is day 0, so a deadline of N working days is met on working
day N. Calendar months follow ``masa.core.calendar.add_months`` (the month's last day when the
day does not exist), which polars' ``offset_by("Nmo")`` matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import polars as pl

from .catalogue import MEASURES, Measure
from .frames import Frames
from .periods import Period

Counts = tuple[int, int | None]
MeasureFunction = Callable[[Frames, Period, int | None], Counts]

ONE_DAY = pl.duration(days=1)
POLICE = "6"
SCHOOLS = "2A"
HEALTH = ("3A", "3B", "3C", "3D", "3E", "3F")
# masa's category codes and the DfE's letters (CIN census InitialCategoryOfAbuse).
CATEGORY_LETTERS = {"NEG": "N", "PHY": "P", "EMO": "E", "SAB": "S", "MUL": "M"}
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
RE_REFERRAL_MONTHS = 12
REPEAT_PLAN_MONTHS = 24
# LAIT CPPlans2yrs: "more than 729 calendar days including days of cessation".
TWO_YEAR_PLAN_DAYS = 729
SHORT_PLAN_MONTHS = 3


@dataclass(frozen=True)
class Computation:
    measure: Measure
    compute: MeasureFunction
    tables: frozenset[str]


REGISTRY: dict[str, Computation] = {}


def register(code: str, *tables: str) -> Callable[[MeasureFunction], MeasureFunction]:
    """Tie a function to its catalogue entry and the frames it reads."""

    def decorator(function: MeasureFunction) -> MeasureFunction:
        if code in REGISTRY:
            raise ValueError(f"Measure {code} is registered twice")
        REGISTRY[code] = Computation(MEASURES[code], function, frozenset(tables))
        return function

    return decorator


def value_of(measure: Measure, numerator: int, denominator: int | None) -> float | None:
    """The unrounded figure: a rate per 10,000, a percentage, or the count itself."""
    if measure.is_count:
        return float(numerator)
    if not denominator:
        return None
    scale = 10_000 if measure.is_rate else 100
    return numerator * scale / denominator


# ---------------------------------------------------------------- helpers (expressions)


def in_period(column: str, period: Period) -> pl.Expr:
    return pl.col(column).is_between(period.start, period.end, closed="both")


def open_on(start: str, end: str, day: dt.date) -> pl.Expr:
    """Started on or before ``day`` and not ended on or before it (ending on the day closes it)."""
    return (pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) > day))


def working_days(start: pl.Expr, end: pl.Expr, holidays: tuple[dt.date, ...]) -> pl.Expr:
    """Working days after ``start`` up to and including ``end`` (``start`` is day 0), as
    ``WorkingDayCalendar.working_days_between`` counts them; negative if ``end`` is earlier."""
    days = list(holidays)
    forward = pl.business_day_count(start + ONE_DAY, end + ONE_DAY, holidays=days)
    backward = -pl.business_day_count(end + ONE_DAY, start + ONE_DAY, holidays=days)
    return pl.when(end >= start).then(forward).otherwise(backward)


def under_18_on(frames: Frames, ids: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The rows of ``ids`` (with ``child_id``) for children not yet 18 on ``day``. Unborn
    children and children whose date of birth is unknown stay in."""
    births = frames.children.select("child_id", "date_of_birth")
    joined = ids.join(births, on="child_id", how="left")
    adult = pl.col("date_of_birth").is_not_null() & (
        pl.col("date_of_birth").dt.offset_by("18y") <= day
    )
    return joined.filter(~adult).drop("date_of_birth")


# The drill-down (``masa.indicators.drilldown``) lists the children behind a numerator: while
# ``counted_rows()`` is active, ``_count`` and ``_share`` also note the rows the numerator
# counted, so the list comes from the measure's own filtering, never a copy of it.
_COUNTED: ContextVar[list[pl.DataFrame] | None] = ContextVar("counted_rows", default=None)


@contextmanager
def counted_rows() -> Iterator[list[pl.DataFrame]]:
    """Collect the numerator's rows of every measure computed inside the ``with`` block."""
    noted: list[pl.DataFrame] = []
    token = _COUNTED.set(noted)
    try:
        yield noted
    finally:
        _COUNTED.reset(token)


def _count(frame: pl.DataFrame) -> int:
    noted = _COUNTED.get()
    if noted is not None:
        noted.append(frame)
    return frame.height


def _share(frame: pl.DataFrame, flag: pl.Expr) -> Counts:
    """(rows where ``flag`` holds, all rows)."""
    noted = _COUNTED.get()
    if noted is not None:
        noted.append(frame.filter(flag.fill_null(False)))
    return int(frame.select(flag.fill_null(False).sum()).item()), frame.height


# ---------------------------------------------------------------- front door


@register("contacts", "contacts")
def contacts(frames: Frames, period: Period, population: int | None) -> Counts:
    """Contacts received by the front door in the period (local measure, Wirral's report)."""
    return _count(frames.contacts.filter(in_period("received_on", period))), None


@register("contact_conversion", "contacts")
def contact_conversion(frames: Frames, period: Period, population: int | None) -> Counts:
    """Contacts received in the period with a threshold decision that became a referral, out of
    all contacts received in the period with a decision (local measure)."""
    decided = frames.contacts.filter(in_period("received_on", period) & pl.col("decided"))
    return _share(decided, pl.col("became_referral"))


def _referrals_in(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.referrals.filter(in_period("referral_date", period))


@register("referrals", "referrals")
def referrals(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: referrals (not children) with a referral date in the year, including
    those ending in no further action. A referral on an open case is never recorded, so every
    ``Referral`` row is one."""
    return _count(_referrals_in(frames, period)), None


@register("referral_rate", "referrals")
def referral_rate(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE: referrals in the year per 10,000 children aged 0 to 17 (ONS mid-year estimate)."""
    return _count(_referrals_in(frames, period)), population


@register("re_referrals", "referrals")
def re_referrals(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: referrals in the year where the same child had a previous referral within
    12 months before this one's date, out of all referrals in the year. The previous referral
    may be in an earlier year; repeat re-referrals all count. 12 calendar months, the
    anniversary included (``masa.frontdoor.selectors.previous_referral``); a referral earlier
    the same day counts as previous if it was recorded first."""
    ordered = frames.referrals.sort(["child_id", "referral_date", "referral_id"]).with_columns(
        previous=pl.col("referral_date").shift(1).over("child_id")
    )
    current = ordered.filter(in_period("referral_date", period))
    within = pl.col("previous").is_not_null() & (
        pl.col("referral_date") <= pl.col("previous").dt.offset_by(f"{RE_REFERRAL_MONTHS}mo")
    )
    return _share(current, within)


@register("referrals_nfa", "referrals")
def referrals_nfa(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census (ReferralNFA): referrals in the year closed with no further action."""
    return _share(_referrals_in(frames, period), pl.col("no_further_action"))


@register("referrals_from_police", "referrals")
def referrals_from_police(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: referrals in the year whose ReferralSource is 6 (police)."""
    return _share(_referrals_in(frames, period), pl.col("source") == POLICE)


@register("referrals_from_schools", "referrals")
def referrals_from_schools(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: referrals in the year whose ReferralSource is 2A (schools)."""
    return _share(_referrals_in(frames, period), pl.col("source") == SCHOOLS)


@register("referrals_from_health", "referrals")
def referrals_from_health(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: referrals in the year whose ReferralSource is 3A to 3F (health)."""
    return _share(_referrals_in(frames, period), pl.col("source").is_in(HEALTH))


# ---------------------------------------------------------------- assessment and CIN


def _completed(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.assessments.filter(
        pl.col("authorised_on").is_not_null() & in_period("authorised_on", period)
    )


@register("assessments_completed", "assessments")
def assessments_completed(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table C2: assessments completed (AssessmentAuthorisationDate) in the year."""
    return _count(_completed(frames, period)), None


@register("assessments_45_days", "assessments")
def assessments_45_days(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table C2: assessments completed in the year whose duration, in working
    days from AssessmentActualStartDate (day 0) to AssessmentAuthorisationDate, is 45 or fewer.
    Assessments still open are not in the denominator."""
    done = _completed(frames, period)
    days = working_days(pl.col("started_on"), pl.col("authorised_on"), frames.holidays)
    return _share(done, days <= ASSESSMENT_WORKING_DAYS)


@register("assessments_45_days_from_referral", "assessments")
def assessments_45_days_from_referral(
    frames: Frames, period: Period, population: int | None
) -> Counts:
    """Working Together 2023: assessments completed within 45 working days of the referral
    (local measure; the DfE's counts from the assessment's start). Assessments whose case has
    no referral are left out."""
    done = _completed(frames, period).filter(pl.col("referral_date").is_not_null())
    days = working_days(pl.col("referral_date"), pl.col("authorised_on"), frames.holidays)
    return _share(done, days <= ASSESSMENT_WORKING_DAYS)


def children_in_need_on(frames: Frames, day: dt.date) -> pl.DataFrame:
    """Children (``child_id``, once each) with an episode of need open on ``day``: a referral
    not closed on or before it, or a child in need or child protection plan open on it (the
    plans sit inside an episode; counting them too keeps a case transferred in without a
    referral). Young people 18 or over on the day are not children in need."""
    ids = pl.concat(
        [
            frames.referrals.filter(open_on("referral_date", "closed_on", day)).select("child_id"),
            frames.cin_plans.filter(open_on("started_on", "ended_on", day)).select("child_id"),
            frames.cp_plans.filter(open_on("started_on", "ended_on", day)).select("child_id"),
        ]
    ).unique()
    return under_18_on(frames, ids, day)


@register("cin_rate", "referrals", "cin_plans", "cp_plans", "children")
def cin_rate(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table B1: children in need at 31 March (children with an open episode of
    need on the last day, counted once) per 10,000 children aged 0 to 17."""
    return _count(children_in_need_on(frames, period.end)), population


# ---------------------------------------------------------------- s47 and child protection


def _enquiries_in(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.s47.filter(in_period("started_on", period))


@register("s47_enquiries", "s47")
def s47_enquiries(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: section 47 enquiries with S47ActualStartDate in the year."""
    return _count(_enquiries_in(frames, period)), None


@register("s47_rate", "s47")
def s47_rate(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: section 47 enquiries starting in the year per 10,000 children."""
    return _count(_enquiries_in(frames, period)), population


@register("icpc_rate", "icpcs")
def icpc_rate(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: initial child protection conferences in the year (each child at each
    conference; transfer-in conferences are reported separately) per 10,000 children."""
    return _count(frames.icpcs.filter(in_period("held_on", period))), population


def enquiry_conferences(frames: Frames) -> pl.DataFrame:
    """Each section 47 enquiry whose outcome was (or may yet be) a conference, with its
    DateOfInitialCPC as masa's CIN census return gives it: the first held initial conference
    for the child in the same case on or after the enquiry started."""
    enquiries = frames.s47.filter(pl.col("conference_expected"))
    paired = enquiries.join(
        frames.icpcs.select("case_id", "child_id", "held_on"), on=["case_id", "child_id"]
    ).filter(pl.col("held_on") >= pl.col("started_on"))
    return paired.group_by("s47_id").agg(
        pl.col("started_on").first(), pl.col("held_on").min().alias("conference_on")
    )


@register("icpc_15_days", "s47", "icpcs")
def icpc_15_days(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: initial conferences held in the year within 15 working days of the
    S47ActualStartDate (day 0), out of initial conferences in the year that followed a section
    47 enquiry. Each enquiry counts separately; a conference dated before the enquiry started
    is not paired with it, so it stays out of the denominator (it is still in ``icpc_rate``)."""
    paired = enquiry_conferences(frames).filter(in_period("conference_on", period))
    days = working_days(pl.col("started_on"), pl.col("conference_on"), frames.holidays)
    return _share(paired, days <= ICPC_WORKING_DAYS)


def _plans_starting(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.cp_plans.filter(in_period("started_on", period))


@register("cp_plans_starting", "cp_plans")
def cp_plans_starting(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table D2: children who became the subject of a plan in the year (each
    occasion: a child starting two plans in the year counts twice)."""
    return _count(_plans_starting(frames, period)), None


def children_on_plans(frames: Frames, day: dt.date) -> pl.DataFrame:
    """Children on a child protection plan on ``day`` (once each, with the initial category of
    their latest plan open that day), not counting young people 18 or over on the day."""
    open_plans = (
        frames.cp_plans.filter(open_on("started_on", "ended_on", day))
        .sort(["child_id", "started_on", "plan_id"])
        .group_by("child_id")
        .agg(pl.col("initial_category").last())
    )
    return under_18_on(frames, open_plans, day)


@register("cp_rate", "cp_plans", "children")
def cp_rate(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census: children subject to a child protection plan at 31 March (the last day)
    per 10,000 children aged 0 to 17."""
    return _count(children_on_plans(frames, period.end)), population


def _category_measure(code: str) -> MeasureFunction:
    wanted = {v: k for k, v in CATEGORY_LETTERS.items()}[code[-1].upper()]

    def by_category(frames: Frames, period: Period, population: int | None) -> Counts:
        on_plans = children_on_plans(frames, period.end)
        return _share(on_plans, pl.col("initial_category") == wanted)

    by_category.__doc__ = (
        f"DfE CIN census: children on a plan at 31 March whose initial category of abuse is "
        f"{CATEGORY_LETTERS[wanted]} ({wanted} in masa), out of all children on a plan then."
    )
    return by_category


for _letter in CATEGORY_LETTERS.values():
    _code = f"cp_category_{_letter.lower()}"
    register(_code, "cp_plans", "children")(_category_measure(_code))


def repeat_flags(frames: Frames, period: Period) -> pl.DataFrame:
    """Each plan starting in the period with ``ever`` (the child had a plan starting before this
    one, however long ago) and ``within_two_years`` (such a plan ended within 24 calendar months
    before this one started, or had not ended), as ``masa.protection.selectors.RepeatPlanFlags``."""
    starting = _plans_starting(frames, period).select("plan_id", "child_id", "started_on")
    earlier = frames.cp_plans.select(
        "child_id", pl.col("started_on").alias("p_start"), pl.col("ended_on").alias("p_end")
    )
    pairs = starting.join(earlier, on="child_id").filter(pl.col("p_start") < pl.col("started_on"))
    recent = pl.col("p_end").is_null() | (
        pl.col("p_end").dt.offset_by(f"{REPEAT_PLAN_MONTHS}mo") >= pl.col("started_on")
    )
    flags = pairs.group_by("plan_id").agg(
        pl.lit(True).alias("ever"), recent.any().alias("within_two_years")
    )
    return starting.join(flags, on="plan_id", how="left").with_columns(
        pl.col("ever").fill_null(False), pl.col("within_two_years").fill_null(False)
    )


@register("cp_second_ever", "cp_plans")
def cp_second_ever(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table D3 (LAIT PrevRegCPR): of the children who became the subject of a
    plan in the year (each occasion), those who had been the subject of a plan in this
    authority before, however long ago."""
    return _share(repeat_flags(frames, period), pl.col("ever"))


@register("cp_second_two_years", "cp_plans")
def cp_second_two_years(frames: Frames, period: Period, population: int | None) -> Counts:
    """Local variant of D3: plans starting in the year whose child's previous plan ended within
    two years (24 calendar months, the last day included) before this one started."""
    return _share(repeat_flags(frames, period), pl.col("within_two_years"))


def _plans_ending(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.cp_plans.filter(pl.col("ended_on").is_not_null() & in_period("ended_on", period))


@register("cp_ended_2_years", "cp_plans")
def cp_ended_2_years(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table D7 (LAIT CPPlans2yrs): plans ending in the year that had lasted two
    years or more, i.e. more than 729 calendar days counting the first and the last day."""
    lasted = (pl.col("ended_on") - pl.col("started_on")).dt.total_days() + 1
    return _share(_plans_ending(frames, period), lasted > TWO_YEAR_PLAN_DAYS)


@register("cp_ended_3_months", "cp_plans")
def cp_ended_3_months(frames: Frames, period: Period, population: int | None) -> Counts:
    """DfE CIN census table D7: plans ending in the year that lasted three months or less (the
    end on or before the day three calendar months after the start)."""
    short = pl.col("ended_on") <= pl.col("started_on").dt.offset_by(f"{SHORT_PLAN_MONTHS}mo")
    return _share(_plans_ending(frames, period), short)


# ---------------------------------------------------------------- early help


def _early_help_starting(frames: Frames, period: Period) -> pl.DataFrame:
    return frames.early_help.filter(in_period("started_on", period))


@register("early_help_started", "early_help")
def early_help_started(frames: Frames, period: Period, population: int | None) -> Counts:
    """Early help episodes starting in the period (local measure, Wigan's 2023-24 report)."""
    return _count(_early_help_starting(frames, period)), None


@register("early_help_open", "early_help")
def early_help_open(frames: Frames, period: Period, population: int | None) -> Counts:
    """Early help episodes open on the last day of the period (local measure)."""
    return _count(frames.early_help.filter(open_on("started_on", "ended_on", period.end))), None


@register("early_help_stepped_down", "early_help")
def early_help_stepped_down(frames: Frames, period: Period, population: int | None) -> Counts:
    """Early help episodes starting in the period that were a step down from children's social
    care, out of all episodes starting (local measure, Wigan's step-up and step-down)."""
    return _share(_early_help_starting(frames, period), pl.col("stepped_down"))


def compute(code: str, frames: Frames, period: Period, population: int | None) -> Counts:
    return REGISTRY[code].compute(frames, period, population)
