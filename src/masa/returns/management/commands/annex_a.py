"""manage.py annex_a --partnership SLUG --to DATE --out FILE [--period ofsted|6|12]

Writes Ofsted's Annex A lists for an inspection on DATE (YYYY-MM-DD) as one XLSX workbook from
the partnership's records, and audits it. By default each list covers the period Ofsted asks
for (6 months for lists 1 to 7, 12 months for lists 8 to 11).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.core.models import Partnership
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError
from masa.returns.annex_a import PERIOD_CHOICES, annex_a_exported


class Command(BaseCommand):
    help = "Write Ofsted's Annex A lists for an inspection date as an XLSX workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's slug")
        parser.add_argument("--to", required=True, help="the inspection date, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="the XLSX file to write")
        parser.add_argument("--period", choices=list(PERIOD_CHOICES), default="ofsted")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = dt.date.fromisoformat(options["to"])
        except ValueError:
            raise CommandError(
                f"--to {options['to']!r} is not a date: write it as 2026-11-23"
            ) from None
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}")
        try:
            export = annex_a_exported(
                partnership=partnership,
                inspection=inspection,
                period=options["period"],
                actor=None,
                actor_label="manage.py annex_a",
            )
        except ServiceError as error:
            raise CommandError(str(error)) from None
        path = Path(options["out"])
        path.write_bytes(export.content)
        counts = ", ".join(f"{sheet} {rows:,}" for sheet, rows in export.rows.items())
        self.stdout.write(
            f"Annex A for an inspection on {govuk_date(inspection)}: {counts}. Written to {path}."
        )
