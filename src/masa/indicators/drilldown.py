"""The children behind a figure: the records a measure's numerator counted, child by child.

``members`` runs the measure itself with ``masa.indicators.measures.counted_rows`` active, so the
rows come from the measure's own filtering (no second copy of any definition). Only people who
may see children's records reach the list, and it holds only the children in their scope
(``masa.people.selectors.children_visible_to``); the others are counted, not named. Every child
shown is written to the audit log as viewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.db import transaction

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.people.models import Child

from .catalogue import Measure
from .frames import Frames, Window, frame_names, load_frames
from .measures import REGISTRY, counted_rows
from .periods import Period

CHILDREN_BEHIND = "indicator children list"


class NotDrillable(Exception):
    """The measure counts no rows that lead to children (or is not available yet)."""


def members(code: str, frames: Frames, period: Period) -> pl.DataFrame:
    """The rows the numerator of ``code`` counted for ``period``, each with its ``child_id``."""
    computation = REGISTRY.get(code)
    if computation is None:
        raise NotDrillable(code)
    with counted_rows() as noted:
        computation.compute(frames, period, None)
    if len(noted) != 1:
        raise NotDrillable(code)
    rows = noted[0]
    if "child_id" in rows.columns:
        return rows
    # Rows keyed by a record id (an enquiry, say): their child comes from that record's table.
    for name in frame_names():
        table = frames.table(name)
        id_column = table.columns[0]
        if id_column in rows.columns and "child_id" in table.columns:
            children = table.select(id_column, "child_id").unique(id_column)
            return rows.join(children, on=id_column, how="left")
    raise NotDrillable(code)


@dataclass(frozen=True)
class Counted:
    """One child behind a figure: how many of the counted records are theirs, and their dates."""

    child_id: int
    records: int
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class Behind:
    measure: Measure
    period: Period
    date_heading: str  # "Referral date", or "" when the counted rows carry no date
    counted: dict[int, Counted]

    @property
    def child_ids(self) -> list[int]:
        return list(self.counted)


def _heading(column: str) -> str:
    return column.replace("_", " ").capitalize()


def children_behind(partnership_id: int, measure: Measure, period: Period) -> Behind:
    """Every child counted in the numerator of ``measure`` for ``period``, from the live records."""
    if not measure.available or measure.code not in REGISTRY:
        raise NotDrillable(measure.code)
    frames = load_frames(
        partnership_id, Window(period.start, period.end), REGISTRY[measure.code].tables
    )
    rows = members(measure.code, frames, period).filter(pl.col("child_id").is_not_null())
    dates = [name for name, kind in rows.schema.items() if kind == pl.Date()]
    date_column = dates[0] if dates else None
    grouped = rows.group_by("child_id").agg(
        pl.len().alias("records"),
        (pl.col(date_column).drop_nulls().unique().sort() if date_column else pl.lit(None)).alias(
            "dates"
        ),
    )
    counted = {}
    for child_id, records, days in grouped.iter_rows():
        shown = tuple(days) if date_column and days else ()
        counted[child_id] = Counted(child_id, records, shown)
    return Behind(measure, period, _heading(date_column) if date_column else "", counted)


def children_list_viewed(
    *, user: User, children: Iterable[Child], measure: Measure, period: Period
) -> None:
    """One audit line per child shown, so each child's access report lists the view."""
    label = f"{measure.name}, {period.label}"
    with transaction.atomic():
        for child in children:
            audit.record(
                actor=user,
                action=AuditAction.VIEW,
                object_type=CHILDREN_BEHIND,
                object_id=child.pk,
                object_label=f"{label}: {child.full_name}",
                child_id=child.pk,
            )
