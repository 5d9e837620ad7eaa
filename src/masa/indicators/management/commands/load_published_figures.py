"""Load the DfE's published figures and statistical neighbours, for the benchmarks.

    manage.py load_published_figures [PATH...] [--compare-with 359 [--partnership SLUG]]

Each PATH is a file or a folder (read recursively) in the DfE's published layouts: Explore
Education Statistics CSVs, LAIT files (wide CSV, long CSV or parquet) and the statistical
neighbour groupings (``masa.indicators.load_published``). Without a PATH the folder in the
setting ``MASA_PUBLISHED_DATA_DIR`` is read (by default ``../shared/data/dfe-published``).
A file named that is in no known layout stops the load with an error; in a folder it is
skipped and listed. Loading again changes nothing unless a file changed.

``--compare-with`` names the real local authority (3-digit DfE code) whose published figures and
statistical neighbours the partnership is compared with: its own code for a real partnership,
any authority for the fictional demo borough.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.core.services import ServiceError
from masa.indicators.load_published import load_published, published_data_dir
from masa.indicators.models import PublishedArea
from masa.indicators.services import local_authority_link

from ._partnership import partnership_named


class Command(BaseCommand):
    help = "Load the DfE's published figures (EES, LAIT) and statistical neighbours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Files or folders (default: the setting).")
        parser.add_argument(
            "--compare-with",
            metavar="LA_CODE",
            help="The local authority the partnership is compared with, e.g. 359 (Wigan).",
        )
        parser.add_argument("--partnership", help="The partnership's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]]
        if not paths:
            default = published_data_dir()
            if default is None:
                raise CommandError(
                    "Give the path of the DfE's published files, or set MASA_PUBLISHED_DATA_DIR"
                )
            paths = [default]
        try:
            report = load_published(paths)
        except ServiceError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        code = options["compare_with"]
        if code:
            partnership = partnership_named(options["partnership"])
            area = PublishedArea.objects.filter(code=code.strip()).first()
            if area is None:
                raise CommandError(
                    f"No local authority {code} in the published figures: give its 3-digit DfE "
                    f"code, such as 359 for Wigan"
                )
            try:
                link = local_authority_link(partnership, area.code, area.name)
            except ServiceError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{partnership.name} is compared with {link}")
