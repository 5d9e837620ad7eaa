"""Year-end snapshots: a DfE year's figures frozen as submitted, kept beside the live figures.

Live figures drift as late records arrive (a referral recorded in May for March); the DfE holds
what the authority submitted. ``snapshot_take`` freezes every available measure for a whole DfE
year once it has ended, recording who and when; a snapshot is never changed or taken twice, so
"as submitted" always means the same numbers. Pages show both, labelled, with the difference.

Who may freeze: roles with ``SUBMIT_RETURNS`` (the data analyst, who prepares and submits the
DfE returns the snapshot records). Anyone who sees the indicators sees the snapshots, suppressed
in the same way as the live figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, Partnership, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError

from . import selectors
from .catalogue import MEASURES
from .models import SnapshotFigure, YearEndSnapshot
from .periods import Period, financial_year
from .selectors import Figure
from .suppression import SUPPRESSED, Shown, is_small

SNAPSHOT = "year-end snapshot"
FREEZE_PERMISSION = Permission.SUBMIT_RETURNS


def snapshot_take(
    *,
    partnership: Partnership,
    start_year: int,
    actor: User,
    note: str = "",
    today: dt.date | None = None,
) -> YearEndSnapshot:
    """Freeze the live figures of the DfE year starting 1 April ``start_year``."""
    if not actor.has_masa_permission(FREEZE_PERMISSION):
        raise ServiceError("Your role cannot freeze the year-end figures")
    period = financial_year(start_year)
    today = today or timezone.localdate()
    if period.end >= today:
        raise ServiceError(
            f"{period.label} has not ended yet: its figures can be frozen from "
            f"{govuk_date(period.end + dt.timedelta(days=1))}",
            "year",
        )
    held = YearEndSnapshot.objects.filter(partnership=partnership, start_year=start_year).first()
    if held is not None:
        raise ServiceError(
            f"{period.label} was frozen on {govuk_date(timezone.localtime(held.taken_at))} by "
            f"{held.taken_by_label}: a snapshot is never changed",
            "year",
        )
    computed = [f for f in selectors.figures(partnership.pk, period) if f.available]
    try:
        with transaction.atomic():
            snapshot = YearEndSnapshot.objects.create(
                partnership=partnership,
                start_year=start_year,
                taken_by=actor,
                taken_by_label=f"{actor.display_name} ({actor.username})",
                taken_at=timezone.now(),
                note=note.strip()[:500],
            )
            SnapshotFigure.objects.bulk_create(
                [
                    SnapshotFigure(
                        snapshot=snapshot,
                        measure_code=f.measure.code,
                        numerator=f.numerator,
                        denominator=f.denominator,
                        value=f.value,
                        population_year=f.population_year,
                    )
                    for f in computed
                ]
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type=SNAPSHOT,
                object_id=snapshot.pk,
                object_label=f"{partnership.name}: {period.label} as submitted",
                after={"year": period.label, "figures": len(computed), "note": snapshot.note},
            )
    except IntegrityError:  # frozen at the same moment by someone else
        raise ServiceError(f"{period.label} has just been frozen by someone else", "year") from None
    return snapshot


def snapshots(partnership_id: int) -> list[YearEndSnapshot]:
    return list(
        YearEndSnapshot.objects.filter(partnership_id=partnership_id).order_by("-start_year")
    )


def frozen_figures(
    partnership_id: int, start_years: list[int]
) -> dict[int, tuple[YearEndSnapshot, dict[str, Figure]]]:
    """The frozen figures of each year asked for that has a snapshot, as ``Figure`` objects."""
    found = YearEndSnapshot.objects.filter(
        partnership_id=partnership_id, start_year__in=start_years
    ).prefetch_related("figures")
    result = {}
    for snapshot in found:
        period = financial_year(snapshot.start_year)
        result[snapshot.start_year] = (
            snapshot,
            {
                row.measure_code: Figure(
                    MEASURES[row.measure_code],
                    period,
                    row.numerator,
                    row.denominator,
                    row.value,
                    row.population_year,
                )
                for row in snapshot.figures.all()
                if row.measure_code in MEASURES
            },
        )
    return result


@dataclass(frozen=True)
class LiveAndFrozen:
    """A year's live figure beside the one frozen at year end."""

    snapshot: YearEndSnapshot
    frozen: Shown
    difference: str  # "+3", "-0.4", "No change", or "c"

    @property
    def label(self) -> str:
        return (
            f"As submitted (frozen on {govuk_date(timezone.localtime(self.snapshot.taken_at))} "
            f"by {self.snapshot.taken_by_label})"
        )


def difference(live: Figure, frozen: Figure, *, suppress: bool) -> str:
    """How far the live figure has moved since it was frozen. Hidden from people without access
    to children's records when it rests on a change of 1 to 5 records (a small count)."""
    moved = live.numerator - frozen.numerator
    moved_under = (live.denominator or 0) - (frozen.denominator or 0)
    if suppress and (
        is_small(abs(moved)) or (live.measure.is_percentage and is_small(abs(moved_under)))
    ):
        return SUPPRESSED
    if live.measure.is_count:
        return "No change" if moved == 0 else f"{moved:+,}"
    if live.value is None or frozen.value is None:
        return ":"
    change = round(live.value, 1) - round(frozen.value, 1)
    return "No change" if abs(change) < 0.05 else f"{change:+,.1f}"


def period_start_year(period: Period) -> int | None:
    """The start year of a whole DfE year, else None (only whole years are frozen)."""
    return period.start.year if period.is_dfe_year else None
