"""Missing-episode pattern analysis: pure functions over a polars frame of episodes.

Ofsted (Wigan 2017) found that what children said in return home interviews was "not
systematically collected or analysed to inform patterns and trends", and the LSCB's missing data
was not robust. These functions answer the questions a missing coordinator or a MACE meeting asks,
for one child or for every child the user may see: how often, how long, at what time of day and
day of the week, from where and found where, with whom, and whether exploitation is a concern.

Everything here is pure (no database): ``episodes_frame`` turns plain rows into a frame and the
other functions compute on whole frames (group-bys and joins, no per-row loops in Python), so tests
build frames by hand with known answers. Choices, each stated on the pages that use them:

- **Times are England's wall-clock times** (Europe/London): the hour and weekday an episode began
  are what the person reporting saw on the clock. Durations are elapsed time, so a night when the
  clocks change is 23 or 25 hours long, as it was.
- **Repeat missing**: a child with 3 or more *missing* episodes (kind "M") starting within 90
  days of each other: the third starts fewer than 90 days (by date) after the first. Away-from-
  placement episodes (kind "A") are counted and shown, but, as in the DfE's figures, apart from
  missing ones.
- **Places and associates are matched as written**, ignoring case, punctuation spacing and extra
  spaces ("Dean, 24" and "dean ,24" are one person); the most common spelling is shown. Nothing
  cleverer is attempted: two different people with one name are one row, and one person written
  two ways is two rows. Workers are asked to record associates consistently.
- **Return home interviews** are offered within 72 *hours* of the return (``RHI_HOURS``), not
  working days (shared/domain/timescales.md; DfE statutory guidance, January 2014). They are
  expected after missing episodes, not away-from-placement ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

LONDON = ZoneInfo("Europe/London")
TIME_ZONE = "Europe/London"

MISSING = "M"
AWAY = "A"
REPEAT_EPISODES = 3
REPEAT_WINDOW_DAYS = 90
RHI_HOURS = 72
TOP_PLACES = 5
# Exploitation screening risk levels that link a child to exploitation concerns.
CONCERNING_RISKS = ("medium", "high")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Duration bands for returned episodes: (label, from hours inclusive, to hours exclusive).
DURATION_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("Under 6 hours", 0, 6),
    ("6 to 24 hours", 6, 24),
    ("1 to 2 days", 24, 48),
    ("2 to 7 days", 48, 168),
    ("7 days or more", 168, None),
)
NOT_RETURNED = "Not yet returned"

_TZ = pl.Datetime("us", TIME_ZONE)
EPISODE_SCHEMA: dict[str, pl.DataType] = {
    "episode_id": pl.Int64(),
    "child_id": pl.Int64(),
    "kind": pl.String(),
    "started_at": _TZ,
    "ended_at": _TZ,
    "last_seen": pl.String(),
    "found": pl.String(),
    "associates": pl.List(pl.String()),
    "exploitation_concern": pl.Boolean(),
    "rhi_offered_at": _TZ,
    "rhi_accepted": pl.Boolean(),
    "rhi_held_on": pl.Date(),
}
SCREENING_SCHEMA: dict[str, pl.DataType] = {
    "child_id": pl.Int64(),
    "screened_on": pl.Date(),
    "risk": pl.String(),
}


# ---------------------------------------------------------------- building frames


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime in UTC (polars needs one zone per column); naive values are taken as
    England's wall-clock time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(dt.UTC)


def episodes_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A frame of episodes from rows with the keys of ``MissingEpisode`` as ``.values()`` gives
    them (``id``, ``child_id``, ``kind``, ``started_at``, ``ended_at``, ``last_seen_location``,
    ``found_location``, ``associates``, ``exploitation_concern``, ``rhi_offered_at``,
    ``rhi_accepted``, ``rhi_held_on``); keys left out are empty."""
    columns: dict[str, list[Any]] = {name: [] for name in EPISODE_SCHEMA}
    for row in rows:
        columns["episode_id"].append(row.get("id"))
        columns["child_id"].append(row["child_id"])
        columns["kind"].append(row.get("kind", MISSING))
        columns["started_at"].append(_utc(row["started_at"]))
        columns["ended_at"].append(_utc(row.get("ended_at")))
        columns["last_seen"].append(row.get("last_seen_location") or "")
        columns["found"].append(row.get("found_location") or "")
        columns["associates"].append([str(a) for a in row.get("associates") or []])
        columns["exploitation_concern"].append(bool(row.get("exploitation_concern")))
        columns["rhi_offered_at"].append(_utc(row.get("rhi_offered_at")))
        columns["rhi_accepted"].append(row.get("rhi_accepted"))
        columns["rhi_held_on"].append(row.get("rhi_held_on"))
    utc = pl.Datetime("us", "UTC")
    loading = {k: (utc if v == _TZ else v) for k, v in EPISODE_SCHEMA.items()}
    frame = pl.DataFrame(columns, schema=loading)
    return frame.with_columns(
        pl.col(name).dt.convert_time_zone(TIME_ZONE)
        for name in ("started_at", "ended_at", "rhi_offered_at")
    )


def screenings_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Exploitation screenings: ``child_id``, ``screened_on``, ``risk``."""
    data = [(r["child_id"], r["screened_on"], r["risk"]) for r in rows]
    return pl.DataFrame(data, schema=SCREENING_SCHEMA, orient="row")


def normalise_text(text: str) -> str:
    """The key a place or associate is matched on: lower case, single spaces, and a comma
    always followed by one space ("Dean ,24" and "dean, 24" are one key). Same as ``_key``."""
    key = re.sub(r"\s*,\s*", ", ", text.casefold())
    return re.sub(r"\s+", " ", key).strip()


def _key(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.to_lowercase()
        .str.replace_all(r"\s*,\s*", ", ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def with_derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds the local start date, weekday (1 = Monday) and hour, and the elapsed hours of
    returned episodes."""
    return frame.with_columns(
        start_date=pl.col("started_at").dt.date(),
        weekday=pl.col("started_at").dt.weekday(),
        hour=pl.col("started_at").dt.hour(),
        hours=(pl.col("ended_at") - pl.col("started_at")).dt.total_minutes() / 60.0,
    )


# ---------------------------------------------------------------- per child


def repeat_children(frame: pl.DataFrame) -> pl.DataFrame:
    """Per child with missing episodes: ``missing`` (count) and ``repeat`` (3 or more missing
    episodes starting within 90 days), with ``repeat_from`` (the first such run's start date)."""
    missing = (
        with_derived(frame)
        .filter(pl.col("kind") == MISSING)
        .sort(["child_id", "started_at", "episode_id"])
        .with_columns(
            third=pl.col("start_date").shift(-(REPEAT_EPISODES - 1)).over("child_id"),
        )
        .with_columns(
            in_run=(
                (pl.col("third") - pl.col("start_date")).dt.total_days() < REPEAT_WINDOW_DAYS
            ).fill_null(False)
        )
    )
    return missing.group_by("child_id", maintain_order=True).agg(
        missing=pl.len(),
        repeat=pl.col("in_run").any(),
        repeat_from=pl.col("start_date").filter(pl.col("in_run")).min(),
    )


def latest_risk(screenings: pl.DataFrame) -> pl.DataFrame:
    """Each child's latest exploitation screening: ``child_id``, ``risk``, ``screened_on``."""
    return (
        screenings.sort(["child_id", "screened_on"])
        .group_by("child_id", maintain_order=True)
        .agg(pl.col("risk").last(), pl.col("screened_on").last())
    )


def child_summary(frame: pl.DataFrame, screenings: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per child: episodes, missing, away, not yet returned, hours (total, longest,
    median of returned episodes), exploitation-flagged episodes, repeat, latest screening risk.
    Children with the most episodes first."""
    derived = with_derived(frame)
    summary = derived.group_by("child_id").agg(
        episodes=pl.len(),
        away=(pl.col("kind") == AWAY).sum(),
        open=pl.col("ended_at").is_null().sum(),
        total_hours=pl.col("hours").sum(),
        longest_hours=pl.col("hours").max(),
        median_hours=pl.col("hours").median(),
        flagged=pl.col("exploitation_concern").sum(),
        first_started=pl.col("started_at").min(),
        last_started=pl.col("started_at").max(),
    )
    summary = summary.join(repeat_children(frame), on="child_id", how="left").with_columns(
        pl.col("missing").fill_null(0), pl.col("repeat").fill_null(False)
    )
    if screenings is None:
        screenings = screenings_frame([])
    summary = summary.join(latest_risk(screenings), on="child_id", how="left")
    return summary.sort(["episodes", "child_id"], descending=[True, False])


# ---------------------------------------------------------------- when


@dataclass(frozen=True)
class HeatMapRow:
    hour: int
    counts: tuple[int, ...]  # Monday to Sunday
    total: int

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00 to {self.hour:02d}:59"


@dataclass(frozen=True)
class HeatMap:
    """Episodes by the hour and weekday they began: 24 rows (hours) by 7 columns (days)."""

    rows: tuple[HeatMapRow, ...]
    day_totals: tuple[int, ...]
    total: int

    def count(self, weekday: str, hour: int) -> int:
        return self.rows[hour].counts[WEEKDAYS.index(weekday)]

    @property
    def busiest(self) -> list[tuple[str, int, int]]:
        """The cells with the most episodes (weekday, hour, count), when any."""
        top = max((c for r in self.rows for c in r.counts), default=0)
        if top == 0:
            return []
        return [
            (WEEKDAYS[day], row.hour, top)
            for row in self.rows
            for day, c in enumerate(row.counts)
            if c == top
        ]


def hour_weekday(frame: pl.DataFrame) -> HeatMap:
    counts = (
        with_derived(frame)
        .group_by(["hour", "weekday"])
        .agg(n=pl.len())
        .select(pl.col("hour").cast(pl.Int64), pl.col("weekday").cast(pl.Int64), "n")
    )
    grid = [[0] * 7 for _ in range(24)]
    for hour, weekday, n in counts.iter_rows():
        grid[hour][weekday - 1] = n
    rows = tuple(HeatMapRow(h, tuple(grid[h]), sum(grid[h])) for h in range(24))
    day_totals = tuple(sum(grid[h][d] for h in range(24)) for d in range(7))
    return HeatMap(rows, day_totals, sum(day_totals))


def duration_bands(frame: pl.DataFrame) -> list[tuple[str, int]]:
    """How many episodes lasted how long (elapsed), with those not yet returned last."""
    hours = with_derived(frame).get_column("hours")
    bands = []
    for label, low, high in DURATION_BANDS:
        in_band = hours >= low if high is None else (hours >= low) & (hours < high)
        bands.append((label, int(in_band.fill_null(False).sum())))
    bands.append((NOT_RETURNED, int(hours.is_null().sum())))
    return bands


# ---------------------------------------------------------------- where and with whom


@dataclass(frozen=True)
class PlaceCount:
    place: str  # the most common spelling
    episodes: int
    children: int


def top_places(frame: pl.DataFrame, column: str, limit: int = TOP_PLACES) -> list[PlaceCount]:
    """The places named most often in ``column`` ("last_seen" or "found")."""
    named = frame.filter(pl.col(column).str.strip_chars() != "").with_columns(key=_key(column))
    if named.is_empty():
        return []
    spelling = (
        named.group_by(["key", column])
        .agg(n=pl.len())
        .sort(["key", "n", column], descending=[False, True, False])
        .group_by("key", maintain_order=True)
        .agg(pl.col(column).first().alias("place"))
    )
    counted = (
        named.group_by("key")
        .agg(episodes=pl.len(), children=pl.col("child_id").n_unique())
        .join(spelling, on="key")
        .sort(["episodes", "children", "place"], descending=[True, True, False])
        .head(limit)
    )
    return [
        PlaceCount(p, e, c) for p, e, c in counted.select("place", "episodes", "children").rows()
    ]


@dataclass(frozen=True)
class SharedAssociate:
    name: str  # the most common spelling
    children: tuple[int, ...]  # child ids, in order
    episodes: int


def _associates_long(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.select("episode_id", "child_id", pl.col("associates").alias("associate"))
        .explode("associate", empty_as_null=False, keep_nulls=False)
        .filter(pl.col("associate").is_not_null() & (pl.col("associate").str.strip_chars() != ""))
        .with_columns(key=_key("associate"))
    )


def shared_associates(frame: pl.DataFrame) -> list[SharedAssociate]:
    """Associates named in the episodes of two or more children: each links those children."""
    long = _associates_long(frame)
    if long.is_empty():
        return []
    spelling = (
        long.group_by(["key", "associate"])
        .agg(n=pl.len())
        .sort(["key", "n", "associate"], descending=[False, True, False])
        .group_by("key", maintain_order=True)
        .agg(pl.col("associate").first().alias("name"))
    )
    shared = (
        long.group_by("key")
        .agg(
            children=pl.col("child_id").unique().sort(),
            episodes=pl.col("episode_id").n_unique(),
        )
        .filter(pl.col("children").list.len() >= 2)
        .join(spelling, on="key")
        .with_columns(n_children=pl.col("children").list.len())
        .sort(["n_children", "episodes", "name"], descending=[True, True, False])
    )
    return [
        SharedAssociate(name, tuple(children), episodes)
        for name, children, episodes in shared.select("name", "children", "episodes").rows()
    ]


def associates_of(frame: pl.DataFrame, child_id: int) -> list[tuple[str, int]]:
    """The associates named in one child's episodes, with how many episodes name each."""
    long = _associates_long(frame.filter(pl.col("child_id") == child_id))
    if long.is_empty():
        return []
    counted = (
        long.group_by("key")
        .agg(pl.col("associate").mode().sort().first().alias("name"), episodes=pl.len())
        .sort(["episodes", "name"], descending=[True, False])
    )
    return [(name, n) for name, n in counted.select("name", "episodes").rows()]


# ---------------------------------------------------------------- exploitation


@dataclass(frozen=True)
class ExploitationLink:
    child_id: int
    flagged_episodes: int  # episodes recorded with an exploitation concern
    risk: str  # latest screening's risk ("" when none)
    screened_on: dt.date | None


def exploitation_links(
    frame: pl.DataFrame, screenings: pl.DataFrame | None = None
) -> list[ExploitationLink]:
    """Children whose episodes were flagged with an exploitation concern, or whose latest
    exploitation screening found medium or high risk, among the children in ``frame``."""
    flagged = frame.group_by("child_id").agg(flagged=pl.col("exploitation_concern").sum())
    if screenings is None:
        screenings = screenings_frame([])
    linked = (
        flagged.join(latest_risk(screenings), on="child_id", how="left")
        .filter((pl.col("flagged") > 0) | pl.col("risk").is_in(list(CONCERNING_RISKS)))
        .sort(["flagged", "child_id"], descending=[True, False])
    )
    return [
        ExploitationLink(child, int(n), risk or "", screened)
        for child, n, risk, screened in linked.select(
            "child_id", "flagged", "risk", "screened_on"
        ).rows()
    ]


# ---------------------------------------------------------------- return home interviews


def rhi_due(ended_at: dt.datetime) -> dt.datetime:
    """When the return home interview must be offered by: 72 elapsed hours after the return
    (an aware datetime: across a change of the clocks the wall-clock time shown moves by an
    hour)."""
    if ended_at.tzinfo is None:
        ended_at = ended_at.replace(tzinfo=LONDON)
    return (ended_at.astimezone(dt.UTC) + dt.timedelta(hours=RHI_HOURS)).astimezone(LONDON)


@dataclass(frozen=True)
class RhiFigures:
    """Return home interviews after the missing episodes (kind "M") that have ended."""

    returned: int
    offered_in_time: int
    offered_late: int
    not_offered: int
    accepted: int
    declined: int
    held: int

    @property
    def offered(self) -> int:
        return self.offered_in_time + self.offered_late

    def percent(self, part: int) -> str:
        return f"{round(100 * part / self.returned)}%" if self.returned else "none returned"


def rhi_figures(frame: pl.DataFrame) -> RhiFigures:
    due = pl.col("ended_at") + pl.duration(hours=RHI_HOURS)
    returned = frame.filter((pl.col("kind") == MISSING) & pl.col("ended_at").is_not_null())
    row = returned.select(
        returned=pl.len(),
        in_time=(pl.col("rhi_offered_at") <= due).fill_null(False).sum(),
        late=(pl.col("rhi_offered_at") > due).fill_null(False).sum(),
        not_offered=pl.col("rhi_offered_at").is_null().sum(),
        accepted=(pl.col("rhi_accepted") == True).fill_null(False).sum(),  # noqa: E712
        declined=(pl.col("rhi_accepted") == False).fill_null(False).sum(),  # noqa: E712
        held=pl.col("rhi_held_on").is_not_null().sum(),
    ).row(0)
    return RhiFigures(*(int(v) for v in row))


# ---------------------------------------------------------------- everything at once


@dataclass(frozen=True)
class Patterns:
    episodes: int
    children: int
    missing: int
    away: int
    repeat_children: int
    by_child: pl.DataFrame
    heat_map: HeatMap
    durations: list[tuple[str, int]]
    last_seen: list[PlaceCount]
    found: list[PlaceCount]
    shared: list[SharedAssociate]
    exploitation: list[ExploitationLink]
    rhi: RhiFigures

    def child(self, child_id: int) -> dict[str, Any] | None:
        rows = self.by_child.filter(pl.col("child_id") == child_id).to_dicts()
        return rows[0] if rows else None


def analyse(frame: pl.DataFrame, screenings: pl.DataFrame | None = None) -> Patterns:
    by_child = child_summary(frame, screenings)
    return Patterns(
        episodes=frame.height,
        children=by_child.height,
        missing=int((frame.get_column("kind") == MISSING).sum()),
        away=int((frame.get_column("kind") == AWAY).sum()),
        repeat_children=int(by_child.get_column("repeat").sum()) if by_child.height else 0,
        by_child=by_child,
        heat_map=hour_weekday(frame),
        durations=duration_bands(frame),
        last_seen=top_places(frame, "last_seen"),
        found=top_places(frame, "found"),
        shared=shared_associates(frame),
        exploitation=exploitation_links(frame, screenings),
        rhi=rhi_figures(frame),
    )
