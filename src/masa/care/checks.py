"""The SSDA903 rule units run on a child's care records as a worker saves them.

``findings_for_child`` turns the child's records into the 903 tables (the same adapter the export
uses, ``returns903.tables_for_year`` for one child) and runs the year's rules on them, so the
return is right as it is recorded. Services call it after writing, inside their transaction, and
refuse the save when a finding concerns the record being saved (the message is the DfE's, with
the field).

The collection year is the one containing ``today``. For a year after the last one masa holds a
specification for, the last year's rules and code lists run over the actual year's dates (as
``masa.care.codes`` does for the code lists), so the checks keep working until the DfE publishes
the new year.

Rules skipped on save, because they cannot be judged from one child's records as they are being
recorded (the full return's validation, ``validate903`` or the import, still runs them):

- rules comparing with last year's return (``Rule.previous``: 202, 203, 204, 207, 208, 502,
  503A-F, 559-562, 576, 624, 626, 1010, NoE) and rules needing the local authority's code;
- rules that report on an episode what is still to be recorded elsewhere, in a later step of the
  worker's day: ``SKIPPED_ON_SAVE`` below (a previous permanence row, an adoption decision or
  match, a UPN, postcodes, the mother item, care leaver contact, an open missing episode).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from masa.people.models import Child
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903.registry import Context, Finding, rules_for
from masa.returns.ssda903.spec import available_years, spec_for

from .models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareLeaverContact,
    CareProfile,
    CareReview,
    Episode,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from .returns903 import tables_for_year

# Rule code -> why it waits for the full return.
SKIPPED_ON_SAVE: dict[str, str] = {
    "630": "previous permanence is recorded after the child is placed",
    "551": "the adoption decision may be recorded after the placement",
    "553": "the adoption decision may be recorded after the placement order",
    "555": "the adoption decision may be recorded after the freeing order",
    "557": "the reversal of the adoption decision is recorded separately",
    "601": "the adoption match (AD1) is recorded after the adoption",
    "442": "the UPN comes from the child's school, often after care starts",
    "210": "the UPN comes from the child's school, often after care starts",
    "607": "the mother item is recorded on the child's care profile",
    "393": "the mother item is recorded on the child's care profile",
    "577": "the missing episode is closed on its own page",
    "392B": "postcodes are often unknown when an emergency placement is recorded (the DfE notes "
    "false positives)",
    "1007": "care leaver contact is recorded for the year separately",
}

# The order a child's records have on their pages (the row a finding names).
ORDER: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "Episodes": (Episode, ("started_on", "pk")),
    "Reviews": (CareReview, ("held_on", "pk")),
    "Missing": (MissingEpisode, ("started_at", "pk")),
    "PlacedAdoption": (AdoptionDecision, ("decided_on", "pk")),
    "AD1": (AdoptionMatch, ("matched_on", "pk")),
    "PrevPerm": (PreviousPermanence, ("pk",)),
    "SWEpisodes": (SocialWorkerEpisode, ("started_on", "pk")),
    "OC2": (AnnualOutcomes, ("year_ending", "pk")),
    "OC3": (CareLeaverContact, ("year_ending", "pk")),
    "UASC": (CareProfile, ("pk",)),
}


@dataclass(frozen=True)
class CareFinding:
    table: str  # the 903 table: "Episodes", "Reviews", "Missing"...
    row: int  # 1-based row of this child's records in that table, in date order (0: none yet)
    fields: tuple[str, ...]  # 903 field names, e.g. ("DECOM", "RNE")
    code: str  # DfE rule code
    message: str  # DfE message


def rules_year(year: int) -> int | None:
    """The year whose rules run for ``year``: itself, or the last masa holds for a later one."""
    known = available_years()
    if year < known[0]:
        return None
    return min(year, known[-1])


def findings_for_child(child: Child, *, today: dt.date) -> list[CareFinding]:
    """Every 903 finding on the child's records for the collection year containing ``today``."""
    year = CollectionYear.of(today)
    ruled = rules_year(year.year)
    if ruled is None:
        return []
    tables = tables_for_year(
        child.partnership_id, year.year, child_ids=[child.pk], spec=spec_for(ruled)
    )
    if not tables.rows["Header"]:
        return []  # not in this year's return
    ctx = Context(tables.to_return(CollectionYear(ruled)))
    # The nearest year's rules, over the actual year's dates.
    ctx.year, ctx.start, ctx.end = year, year.start, year.reference_date
    raw: list[Finding] = []
    # A finding points at a row of a table the rule reports on: with none, there is none.
    filled = {name for name, rows in tables.rows.items() if rows}
    for rule in rules_for(ruled):
        if rule.previous or rule.la or rule.code in SKIPPED_ON_SAVE or not ctx.has(*rule.needs):
            continue
        if filled.isdisjoint(rule.tables):
            continue
        raw.extend(rule.run(ctx))
    positions: dict[str, dict[int, int]] = {}
    findings = []
    for finding in sorted(raw):
        record = tables.records[finding.table][finding.row - 1] if finding.row is not None else None
        row = 1 if finding.table == "Header" else 0
        if record is not None and finding.table in ORDER:
            if finding.table not in positions:
                model, order = ORDER[finding.table]
                ids = model._default_manager.filter(
                    **({"pk": record} if finding.table == "UASC" else {"child_id": child.pk})
                ).order_by(*order)
                positions[finding.table] = {
                    pk: n for n, pk in enumerate(ids.values_list("pk", flat=True), start=1)
                }
            row = positions[finding.table].get(record, 0)
        findings.append(
            CareFinding(
                table=finding.table,
                row=row,
                fields=finding.fields,
                code=finding.code,
                message=finding.message,
            )
        )
    return findings
