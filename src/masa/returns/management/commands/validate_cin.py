"""manage.py validate_cin FILE [--year 2024/25] --out report.csv

Checks a CIN census XML file against its year's DfE schema and the DfE's validation rules,
without importing it, and writes the row-level findings (CSV, or XLSX when --out ends .xlsx).
The year defaults to the one in the file's header. Exit status 1 when the file cannot be read.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.returns.cin.report import write_report
from masa.returns.cin.xml_read import (
    DEFAULT_MAX_BYTES,
    CensusReadError,
    counts_by_rule,
    size_text,
    validate_file,
)
from masa.returns.cin.xsd import label, parse_census_year


class Command(BaseCommand):
    help = "Check a CIN census XML file and write the findings report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the CIN census XML file")
        parser.add_argument("--year", help="census year, e.g. 2024/25 (default: the file's)")
        parser.add_argument("--out", required=True, help="report file: .csv or .xlsx")
        parser.add_argument(
            "--max-mb",
            type=float,
            default=DEFAULT_MAX_BYTES / 1_048_576,
            help="largest file accepted, in MB (default 50)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = None
        if options.get("year"):
            try:
                year = parse_census_year(options["year"])
            except ValueError as error:
                raise CommandError(str(error)) from None
        path = Path(options["path"])
        max_bytes = int(options["max_mb"] * 1_048_576)
        started = time.perf_counter()
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise CommandError(
                    f"{path.name} is {size_text(size)}, over the {size_text(max_bytes)} limit "
                    "for one file (see --max-mb)"
                )
            data = path.read_bytes()
            result = validate_file(data, source=path.name, year=year, max_bytes=max_bytes)
        except OSError as error:
            raise CommandError(f"{path} cannot be opened ({error.strerror})") from None
        except CensusReadError as error:
            raise CommandError(str(error)) from None
        report = write_report(result.findings, options["out"])
        seconds = time.perf_counter() - started
        census = result.census
        for note in census.notes:
            self.stderr.write(f"Note: {note}")
        schema = sum(f.is_schema_error for f in result.findings)
        self.stdout.write(
            f"CIN census {label(census.year)}: {len(census.children):,} children; "
            f"{schema:,} schema errors; {result.rules_ran} rules ran; "
            f"{len(result.findings):,} findings in {seconds:.2f} s; report: {report}"
        )
        for code, count, message in counts_by_rule(result.findings)[:10]:
            self.stdout.write(f"  {code}: {count:,}  {message}")
