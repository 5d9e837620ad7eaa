"""manage.py export_cin --year 2024/25 --partnership SLUG --out FILE [--la 359]

Writes the partnership's CIN census XML for the year from its live records, checked against the
year's DfE schema (nothing is written if it does not meet it), and audits the export. The LA
code comes from the partnership's local authority link, else the MASA_LA_CODE setting, unless
--la gives it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.core.models import Partnership
from masa.core.services import ServiceError
from masa.returns.cin.export import cin_census_exported
from masa.returns.cin.xsd import label, parse_census_year


class Command(BaseCommand):
    help = "Export the CIN census XML for a collection year from masa's records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="census year, e.g. 2024/25")
        parser.add_argument("--partnership", required=True, help="the partnership's slug")
        parser.add_argument("--out", required=True, help="the XML file to write")
        parser.add_argument("--la", help="the local authority's 3-digit DfE code, e.g. 359")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = parse_census_year(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}")
        try:
            export = cin_census_exported(
                partnership=partnership,
                year=year,
                actor=None,
                actor_label="manage.py export_cin",
                la_code=options.get("la"),
            )
        except ServiceError as error:
            raise CommandError(str(error)) from None
        path = Path(options["out"])
        path.write_bytes(export.content)
        self.stdout.write(
            f"CIN census {label(year)}: {export.children:,} children, {export.episodes:,} "
            f"episodes; LA {export.la_code} (from {export.la_code_source}). Valid against the "
            f"year's schema. Written to {path}."
        )
        for note in export.notes:
            self.stderr.write(f"Note: {note}")
