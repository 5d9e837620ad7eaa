"""Write every measure in the catalogue to a CSV, for a DfE year or a calendar year.

    manage.py indicators --year 2024/25 [--calendar-year 2023] [--partnership SLUG] --out FILE

Each row: code, name, period, numerator, denominator, value, unit, the population mid-year used
for a rate, whether the figure is DfE-comparable, and a note for measures not available yet.
Small numbers are suppressed as on the pages for people without access to children's records
(the file may leave the system); ``--no-suppression`` writes every count, for checking a return
inside the local authority. ``--from-903`` (measures from SSDA903 files) arrives with the
children looked after records (issue 5).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.indicators.periods import Period, calendar_year, parse_financial_year
from masa.indicators.presenters import present
from masa.indicators.selectors import figures_for_periods

from ._partnership import partnership_named

COLUMNS = [
    "code",
    "name",
    "period",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "unit",
    "population_year",
    "dfe_comparable",
    "note",
]


class Command(BaseCommand):
    help = "Write every indicator (numerator, denominator, value) for a year to a CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            action="append",
            default=[],
            help="A DfE reporting year, 1 April to 31 March, e.g. 2024/25 (may be repeated).",
        )
        parser.add_argument(
            "--calendar-year",
            action="append",
            type=int,
            default=[],
            help="A calendar year, January to December, e.g. 2023 (may be repeated).",
        )
        parser.add_argument("--partnership", help="The partnership's slug.")
        parser.add_argument("--out", default="-", help="The CSV file to write (default: stdout).")
        parser.add_argument(
            "--no-suppression",
            action="store_true",
            help="Write small counts as they are (for use inside the local authority only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        periods: list[Period] = []
        for text in options["year"]:
            try:
                periods.append(parse_financial_year(text))
            except ValueError as error:
                raise CommandError(str(error)) from error
        periods += [calendar_year(year) for year in options["calendar_year"]]
        if not periods:
            raise CommandError("Give at least one --year (e.g. 2024/25) or --calendar-year")
        partnership = partnership_named(options["partnership"])
        computed = figures_for_periods(partnership.pk, periods)
        suppress = not options["no_suppression"]
        if options["out"] == "-":
            self._write(sys.stdout, periods, computed, suppress)
        else:
            path = Path(options["out"])
            with path.open("w", newline="", encoding="utf-8") as handle:
                self._write(handle, periods, computed, suppress)
            count = sum(len(rows) for rows in computed.values())
            self.stdout.write(f"Wrote {count} figures for {partnership.name} to {path}")

    def _write(
        self, handle: TextIO, periods: list[Period], computed: dict[Period, Any], suppress: bool
    ) -> None:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for period in periods:
            for row in present(computed[period], suppress=suppress):
                figure, measure = row.figure, row.measure
                if not measure.available:
                    writer.writerow(
                        [
                            measure.code,
                            measure.name,
                            period.label,
                            period.start,
                            period.end,
                            "",
                            "",
                            "",
                            measure.unit,
                            "",
                            "no",
                            f"Not available yet: {measure.unavailable_reason}",
                        ]
                    )
                    continue
                shown = row.shown
                writer.writerow(
                    [
                        measure.code,
                        measure.name,
                        period.label,
                        period.start.isoformat(),
                        period.end.isoformat(),
                        shown.numerator.replace(",", ""),
                        "" if figure.denominator is None else shown.denominator.replace(",", ""),
                        shown.value.replace(",", ""),
                        measure.unit,
                        figure.population_year or "",
                        "yes" if figure.dfe_comparable else "no",
                        "No population estimate is held for this period"
                        if measure.is_rate and figure.population_year is None
                        else "",
                    ]
                )
