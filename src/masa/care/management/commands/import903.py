"""manage.py import903 PATH... --year 2024/25 --partnership SLUG --team "Name" [--confirm]

Reads SSDA903 files (CSV identified by their columns, or the DfE XML; files or folders),
validates them with the year's rules and prints the preview: children to create, to update and
refused (with the reason), and the rows per table. Nothing is written unless --confirm is given;
then the import runs in one transaction with one audit record. --dry-run says so explicitly.
Exit status 1 when a file cannot be read.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.care.import903 import import_return, prepare
from masa.core.models import Partnership, Team
from masa.core.services import ServiceError
from masa.returns.ssda903 import DEFAULT_MAX_BYTES, parse_year

SHOWN = 20


class Command(BaseCommand):
    help = "Preview (and with --confirm, import) an SSDA903 return into a partnership's records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="903 CSV/XML files, or folders holding them")
        parser.add_argument("--year", required=True, help="collection year, e.g. 2024/25")
        parser.add_argument("--partnership", required=True, help="the partnership's slug")
        parser.add_argument("--team", required=True, help="team to own children new to masa")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="preview only (the default)")
        mode.add_argument("--confirm", action="store_true", help="write the import")
        parser.add_argument(
            "--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1_048_576, help="largest file, MB"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = parse_year(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}")
        teams = list(
            Team.objects.select_related("agency").filter(
                agency__partnership=partnership, name=options["team"]
            )
        )
        if len(teams) != 1:
            found = "no team" if not teams else f"{len(teams)} teams"
            raise CommandError(f"{partnership.name} has {found} named {options['team']!r}")
        max_bytes = int(options["max_mb"] * 1_048_576)
        prepared = prepare(options["paths"], year, partnership, max_bytes=max_bytes)
        for note in prepared.data.notes:
            self.stderr.write(f"Note: {note}")
        for unreadable in prepared.errors:
            self.stderr.write(f"Cannot read {unreadable}")
        if prepared.errors:
            raise SystemExit(1)
        summary = prepared.plan.summary()
        self._print(summary, len(prepared.findings))
        if not options["confirm"]:
            self.stdout.write("Preview only: nothing was written. Add --confirm to import.")
            return
        try:
            result = import_return(
                options["paths"],
                year,
                partnership=partnership,
                team=teams[0],
                actor=None,
                actor_label="manage.py import903",
                expected_digest=summary["digest"],
                max_bytes=max_bytes,
            )
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Imported: {len(result.summary['create'])} children created, "
            f"{len(result.summary['update'])} updated (audit record {result.event.pk})."
        )

    def _print(self, summary: dict[str, Any], findings: int) -> None:
        out = self.stdout.write
        out(
            f"SSDA903 {summary['label']}: {len(summary['create'])} children to create, "
            f"{len(summary['update'])} to update, {len(summary['unchanged'])} unchanged, "
            f"{len(summary['refused'])} refused; {findings} findings of the DfE's rules "
            "(validate903 writes them all)."
        )
        for table, counts in summary["tables"].items():
            out(f"  {table}: {counts['created']} new, {counts['updated']} changed")
        for child in summary["refused"][:SHOWN]:
            out(f"Refused {child['ref']}: {'; '.join(child['reasons'])}")
        for child in summary["update"][:SHOWN]:
            changes = ", ".join(child["fields"]) or "records"
            out(f"Update {child['ref']} ({child['masa_id']}, by {child['matched_by']}): {changes}")
        for child in summary["create"][:SHOWN]:
            out(f"Create {child['ref']} (UPN {child['upn'] or 'none'})")
        for key in ("refused", "update", "create"):
            if len(summary[key]) > SHOWN:
                out(f"... and {len(summary[key]) - SHOWN} more to {key}")
        for orphan in summary["orphans"]:
            out(f"Not read: {orphan}")
