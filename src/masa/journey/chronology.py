"""The child's single multi-agency chronology: who sees which lines, "as known on", exports.

Reads only. ``chronology_for`` is the one selector: set-based, one query for the entries whatever
their number (plus one for past versions in an "as known on" view). Visibility (ADR 0009):
children's social care (a local authority user) sees every line; any other agency sees the lines
whose stored ``audience`` names its kind and the lines it supplied itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q
from django.utils import timezone

from masa.core.calendar import (
    Basis,
    ClockRule,
    ClockState,
    Unit,
    WorkingDayCalendar,
    compute_clock,
)
from masa.core.models import AgencyKind, AuditAction, AuditEvent, User
from masa.core.presenters import govuk_date, govuk_datetime, safe_cell
from masa.people.models import Child

from .models import ChronologyEntry, EventType, Significance
from .services import CHRONOLOGY_ENTRY

# An entry added more than 7 days after the event is marked "recorded late". Calendar days, so
# bank holidays play no part; the clock still comes from the one calendar module.
RECORDING_RULE = ClockRule(
    "chronology_recording",
    "Event added to the child's chronology",
    "the event happened",
    7,
    Unit.CALENDAR_DAYS,
    Basis.LOCAL,
    "masa's recording standard for chronologies",
)
_CALENDAR_DAYS_ONLY = WorkingDayCalendar()  # no database read: calendar days skip no holidays


def sees_every_entry(user: User) -> bool:
    """Children's social care sees the whole chronology; other agencies see their part."""
    return user.in_childrens_social_care


def visible_to(user: User) -> Q:
    """The lines of any chronology the user's agency may read (before child scope)."""
    agency = user.agency
    if agency is None:
        return Q(pk__in=[])
    if agency.kind == AgencyKind.LOCAL_AUTHORITY:
        return Q()
    return Q(audience__contains=f"|{agency.kind}|") | Q(source_agency_id=agency.pk)


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in masa's time zone (Europe/London)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class ChronologyFilters:
    as_known_on: dt.date | None = None
    agency_id: int | None = None
    event_types: tuple[str, ...] = ()
    significances: tuple[str, ...] = ()

    def describe(self, agency_names: dict[int, str]) -> list[str]:
        """The filters in words, for the page, the print and the PDF."""
        described = []
        if self.as_known_on:
            described.append(f"As known on {govuk_date(self.as_known_on)}")
        if self.agency_id:
            described.append(f"From {agency_names.get(self.agency_id, 'one agency')}")
        if self.event_types:
            labels = [EventType(code).label for code in self.event_types]
            described.append("Event types: " + ", ".join(labels))
        if self.significances:
            labels = [Significance(code).label for code in self.significances]
            described.append("Significance: " + ", ".join(labels))
        return described


@dataclass(frozen=True)
class ChronologyLine:
    """One line as the reader sees it, with its date and wording as known on the view's date."""

    entry: ChronologyEntry
    occurred_on: dt.date
    summary: str
    corrected_since: bool = False  # the date or wording was corrected after the "as known on" day

    @property
    def recorded_on(self) -> dt.date:
        return timezone.localdate(self.entry.recorded_at)

    @property
    def recorded_late(self) -> bool:
        clock = compute_clock(RECORDING_RULE, self.occurred_on, _CALENDAR_DAYS_ONLY)
        state = clock.state(self.recorded_on, done_on=self.recorded_on)
        return state is ClockState.MISSED

    @property
    def event_type_label(self) -> str:
        return self.entry.get_event_type_display()

    @property
    def significance_label(self) -> str:
        return self.entry.get_significance_display()

    @property
    def source_agency_name(self) -> str:
        return self.entry.source_agency.name

    @property
    def recorded_by_name(self) -> str:
        by = self.entry.recorded_by
        return by.display_name if by is not None else "masa"


def chronology_for(
    user: User,
    child: Child,
    *,
    as_known_on: dt.date | None = None,
    agency_id: int | None = None,
    event_types: Iterable[str] | None = None,
    significances: Iterable[str] | None = None,
    every_agency: bool = False,
) -> list[ChronologyLine]:
    """The child's chronology as this user may read it, oldest first.

    ``every_agency`` reads every agency's lines whatever the user's agency: only for a case
    review's pack, where the review group shares information under Children Act 2004 s16H.

    ``child`` must come from ``child_for_user`` (the views' only way to a child), which has
    checked the child's scope. Repeating that check here as a subquery made SQLite build the
    whole visible set for one child (70 ms on the borough data, benchmarks/RESULTS.md). One query
    for the entries; with ``as_known_on``, one more for lines corrected since that day.
    """
    readable = Q() if every_agency else visible_to(user)
    entries = ChronologyEntry.objects.filter(readable, child_id=child.pk).select_related(
        "source_agency", "recorded_by"
    )
    if as_known_on is not None:
        entries = entries.filter(recorded_at__lt=end_of_day(as_known_on))
    if agency_id is not None:
        entries = entries.filter(source_agency_id=agency_id)
    if event_types:
        entries = entries.filter(event_type__in=list(event_types))
    if significances:
        entries = entries.filter(significance__in=list(significances))
    found = list(entries.order_by("occurred_on", "recorded_at", "id"))
    if as_known_on is None or not found:
        return [ChronologyLine(e, e.occurred_on, e.summary) for e in found]
    earlier = _values_before_corrections(child, after=end_of_day(as_known_on))
    lines = []
    for entry in found:
        before = earlier.get(str(entry.pk))
        if before is None:
            lines.append(ChronologyLine(entry, entry.occurred_on, entry.summary))
            continue
        occurred_on = dt.date.fromisoformat(before["occurred_on"])
        lines.append(ChronologyLine(entry, occurred_on, before["summary"], corrected_since=True))
    lines.sort(key=lambda line: (line.occurred_on, line.entry.recorded_at, line.entry.pk))
    return lines


def _values_before_corrections(child: Child, *, after: dt.datetime) -> dict[str, dict[str, Any]]:
    """Each line corrected since ``after``: its values just before its first such correction."""
    corrections = (
        AuditEvent.objects.filter(
            object_type=CHRONOLOGY_ENTRY,
            action=AuditAction.UPDATE,
            child_id=child.pk,
            at__gte=after,
        )
        .order_by("at", "id")
        .values_list("object_id", "before")
    )
    earliest: dict[str, dict[str, Any]] = {}
    for object_id, before in corrections:
        if isinstance(before, dict) and "occurred_on" in before:
            earliest.setdefault(object_id, before)
    return earliest


# Exports -------------------------------------------------------------------------------------

CSV_HEADER = [
    "Date it happened",
    "Event type",
    "What happened",
    "Source agency",
    "Significance",
    "Date masa learnt of it",
    "Recorded late",
    "Recorded by",
]


def csv_rows(lines: Iterable[ChronologyLine]) -> Iterator[list[str]]:
    yield CSV_HEADER
    for line in lines:
        yield [
            safe_cell(cell)
            for cell in (
                line.occurred_on.isoformat(),
                line.event_type_label,
                line.summary,
                line.source_agency_name,
                line.significance_label,
                line.recorded_on.isoformat(),
                "Yes" if line.recorded_late else "No",
                line.recorded_by_name,
            )
        ]


class _Writable(Protocol):
    def write(self, content: str, /) -> Any: ...


def write_csv(lines: Iterable[ChronologyLine], out: _Writable) -> None:
    """UTF-8 with a byte order mark, so Excel reads names with accents correctly."""
    out.write("\ufeff")
    csv.writer(out).writerows(csv_rows(lines))


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The print template needs nothing from outside: never let a PDF read a file or a URL.
    raise ValueError(f"The chronology PDF does not load external resources ({url[:40]})")


def render_pdf(html: str) -> bytes:
    """A tagged (PDF/UA) document from the accessible print template."""
    from weasyprint import HTML  # imported here: it loads pango, needed only for PDFs

    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf


def export_filename(child: Child, extension: str) -> str:
    return f"chronology-{child.masa_id}-{timezone.localdate().isoformat()}.{extension}"


def generated_line(user: User) -> str:
    agency = user.agency.name if user.agency else ""
    return f"Generated on {govuk_datetime(timezone.now())} by {user.display_name}" + (
        f", {agency}" if agency else ""
    )
