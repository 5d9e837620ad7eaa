"""Writing the indicators' reference data: population estimates and the local authority link.

The demo borough (fictional) calls ``population_set`` for each year it invents; a real
partnership loads the DfE's published ONS estimates with ``manage.py load_population``, which
calls ``population_load``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from masa.core import audit
from masa.core.models import AuditAction, Partnership, User
from masa.core.services import ServiceError

from .models import LocalAuthorityLink, PopulationEstimate

BUNDLED_POPULATION = Path(__file__).resolve().parent / "data" / "ons_population_0_to_17_by_la.csv"
ONS_SOURCE = (
    "ONS mid-year estimate of children aged 0 to 17, published by the Department for "
    "Education (Open Government Licence v3.0)"
)
POPULATION = "population estimate"
# The columns of the DfE's published layout that masa reads.
REQUIRED_COLUMNS = ("time_period", "old_la_code", "la_name", "population_estimate")


def population_set(
    partnership: Partnership,
    year: int,
    value: int,
    *,
    source: str = "Set by hand",
    actor: User | None = None,
) -> PopulationEstimate:
    """Record (or correct) the 0-17 population estimate for mid-``year``."""
    if not 1990 <= year <= 2100:
        raise ServiceError(f"Enter the mid-year as a year such as 2024 (got {year})", "year")
    if value <= 0:
        raise ServiceError("The number of children aged 0 to 17 must be more than 0", "value")
    with transaction.atomic():
        before = PopulationEstimate.objects.filter(partnership=partnership, year=year).first()
        estimate, _ = PopulationEstimate.objects.update_or_create(
            partnership=partnership,
            year=year,
            defaults={"children_0_to_17": value, "source": source[:300]},
        )
        audit.record(
            actor=actor,
            actor_label="" if actor else "masa (data load)",
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            object_type=POPULATION,
            object_id=estimate.pk,
            object_label=f"{partnership.short_name or partnership.name}: mid-{year}",
            before={"children_0_to_17": before.children_0_to_17} if before else None,
            after={"children_0_to_17": value, "source": source[:300]},
        )
    return estimate


def local_authority_link(
    partnership: Partnership, la_code: str, la_name: str, *, actor: User | None = None
) -> LocalAuthorityLink:
    """Say which local authority's published figures are the partnership's own."""
    code = la_code.strip()
    if not (len(code) == 3 and code.isdigit()):
        raise ServiceError(
            f"Enter the local authority's 3-digit DfE code, such as 359 (got {la_code!r})",
            "la_code",
        )
    with transaction.atomic():
        link, _ = LocalAuthorityLink.objects.update_or_create(
            partnership=partnership, defaults={"la_code": code, "la_name": la_name.strip()}
        )
        audit.record(
            actor=actor,
            actor_label="" if actor else "masa (data load)",
            action=AuditAction.UPDATE,
            object_type="local authority link",
            object_id=link.pk,
            object_label=f"{partnership.name}: {link}",
            after={"la_code": code, "la_name": link.la_name},
        )
    return link


@dataclass(frozen=True)
class PopulationRow:
    year: int
    la_code: str
    la_name: str
    children_0_to_17: int | None  # None where the file says "x" (not available)


def read_population_csv(path: Path) -> list[PopulationRow]:
    """The local authority rows of a file in the DfE's published layout."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ServiceError(
                f"{path.name} is not in the DfE's population layout: it has no "
                f"{', '.join(missing)} column"
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            level = row.get("geographic_level", "Local authority")
            if level != "Local authority" or not row["old_la_code"]:
                continue
            value = row["population_estimate"].strip().replace(",", "")
            try:
                year = int(row["time_period"][:4])
            except ValueError:
                raise ServiceError(
                    f"{path.name} line {line}: the year {row['time_period']!r} is not a year"
                ) from None
            rows.append(
                PopulationRow(
                    year=year,
                    la_code=row["old_la_code"].strip(),
                    la_name=row["la_name"].strip(),
                    children_0_to_17=int(value) if value.isdigit() else None,
                )
            )
    return rows


def population_load(
    partnership: Partnership,
    rows: Iterable[PopulationRow],
    la_code: str,
    *,
    source: str = ONS_SOURCE,
    actor: User | None = None,
) -> list[PopulationEstimate]:
    """Store every year the rows give for the local authority, and link the partnership to it."""
    wanted = [row for row in rows if row.la_code == la_code.strip()]
    if not wanted:
        raise ServiceError(
            f"The file has no figures for local authority {la_code}: check the 3-digit DfE code "
            f"(for example 359 for Wigan)",
            "la_code",
        )
    with transaction.atomic():
        local_authority_link(partnership, la_code, wanted[-1].la_name, actor=actor)
        return [
            population_set(partnership, row.year, row.children_0_to_17, source=source, actor=actor)
            for row in sorted(wanted, key=lambda r: r.year)
            if row.children_0_to_17 is not None
        ]
