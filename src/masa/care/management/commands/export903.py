"""manage.py export903 --year 2024/25 --partnership SLUG --out DIR [--xml]

Writes a partnership's SSDA903 return for the year from its live records: the DfE's CSV files
(header.csv, episodes.csv...) into DIR, or with --xml one file ssda903-2024-25.xml. The export is
recorded in the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.care.export903 import AUDIT_TYPE, check_year, csv_files, xml_bytes
from masa.care.returns903 import tables_for_year
from masa.core import audit
from masa.core.models import AuditAction, Partnership
from masa.core.services import ServiceError
from masa.returns.ssda903 import label, parse_year


class Command(BaseCommand):
    help = "Export a partnership's SSDA903 return for a year as the DfE's CSV files or XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="collection year, e.g. 2024/25")
        parser.add_argument("--partnership", required=True, help="the partnership's slug")
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--xml", action="store_true", help="one XML file instead of CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = parse_year(options["year"])
            check_year(year.year)
        except (ValueError, ServiceError) as error:
            raise CommandError(str(error)) from None
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}")
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        tables = tables_for_year(partnership.pk, year.year)
        if options["xml"]:
            files = {f"ssda903-{label(year.year).replace('/', '-')}.xml": xml_bytes(tables)}
        else:
            files = csv_files(tables)
        for name, content in files.items():
            (folder / name).write_bytes(content)
        form = "XML" if options["xml"] else "CSV"
        audit.record(
            actor=None,
            actor_label="manage.py export903",
            action=AuditAction.EXPORT,
            object_type=AUDIT_TYPE,
            object_label=f"SSDA903 {label(year.year)} return ({form})",
            after={"year": label(year.year), "children": len(tables.children), **tables.counts()},
        )
        rows = ", ".join(f"{t} {n}" for t, n in tables.counts().items())
        self.stdout.write(
            f"SSDA903 {label(year.year)}: {len(tables.children)} children ({rows}); "
            f"wrote {len(files)} file(s) to {folder}"
        )
