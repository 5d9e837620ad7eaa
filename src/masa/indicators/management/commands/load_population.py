"""Load the ONS mid-year 0-17 population estimates for the partnership's local authority.

    manage.py load_population [PATH] --la 359 --partnership SLUG

PATH is a CSV in the DfE's published layout (``time_period``, ``old_la_code``, ``la_name``,
``population_estimate``; national and regional rows are skipped). Without it, the copy shipped
with masa is read (``masa/indicators/data/``, mid-2012 to mid-2024). Loading again replaces
the years the file gives, as the DfE does when ONS revises its estimates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.core.services import ServiceError
from masa.indicators.services import BUNDLED_POPULATION, population_load, read_population_csv

from ._partnership import partnership_named


class Command(BaseCommand):
    help = "Load ONS mid-year estimates of children aged 0 to 17 for a local authority."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(BUNDLED_POPULATION),
            help="A CSV in the DfE's layout (default: the copy shipped with masa).",
        )
        parser.add_argument(
            "--la", required=True, help="The local authority's 3-digit DfE code, e.g. 359."
        )
        parser.add_argument("--partnership", help="The partnership's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        partnership = partnership_named(options["partnership"])
        try:
            rows = read_population_csv(path)
            stored = population_load(partnership, rows, options["la"])
        except ServiceError as error:
            raise CommandError(str(error)) from error
        if not stored:
            raise CommandError(f"The file gives no estimates for local authority {options['la']}")
        years = f"mid-{stored[0].year} to mid-{stored[-1].year}"
        self.stdout.write(
            f"Loaded {len(stored)} population estimates ({years}) for {partnership.name} "
            f"as local authority {options['la']}."
        )
