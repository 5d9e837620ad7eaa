"""manage.py validate903 PATH... --year 2024/25 [--previous PATH...] [--la 359] --out report.csv

Validates SSDA903 files (CSV identified by their columns, or the DfE XML) without importing them
and writes the row-level report (CSV, or XLSX when --out ends .xlsx). Exit status 1 when a file
cannot be read (the readable files are still validated and reported).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.returns.ssda903 import (
    DEFAULT_MAX_BYTES,
    ReadError,
    label,
    parse_year,
    read_return,
    validate,
    write_report,
)


class Command(BaseCommand):
    help = "Validate an SSDA903 return (CSV files, a folder or XML) and write the findings report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="903 CSV/XML files, or folders holding them")
        parser.add_argument("--year", required=True, help="collection year, e.g. 2024/25")
        parser.add_argument(
            "--previous",
            nargs="+",
            default=[],
            help="last year's files, for the rules comparing years",
        )
        parser.add_argument("--la", help="the local authority's 3-digit code, e.g. 359")
        parser.add_argument("--out", required=True, help="report file: .csv or .xlsx")
        parser.add_argument(
            "--max-mb",
            type=float,
            default=DEFAULT_MAX_BYTES / 1_048_576,
            help="largest file accepted, in MB (default 50)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = parse_year(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        max_bytes = int(options["max_mb"] * 1_048_576)
        started = time.perf_counter()
        current = read_return(options["paths"], year, max_bytes=max_bytes)
        errors: list[ReadError] = list(current.errors)
        previous = None
        if isinstance(options["previous"], str):  # call_command(previous="folder")
            options["previous"] = [options["previous"]]
        if options["previous"]:
            last_year = type(year)(year.year - 1)
            try:
                last = read_return(options["previous"], last_year, max_bytes=max_bytes)
            except ValueError as problem:
                raise CommandError(f"--previous: {problem}") from None
            errors.extend(last.errors)
            previous = last.data
        for note in current.data.notes:
            self.stderr.write(f"Note: {note}")
        for unreadable in errors:
            self.stderr.write(f"Cannot read {unreadable}")
        if not current.data.tables:
            raise CommandError("No 903 table could be read, so nothing was validated.")
        result = validate(current.data, previous=previous, la_code=options.get("la"))
        path = write_report(result.findings, options["out"])
        seconds = time.perf_counter() - started

        data = current.data
        tables = ", ".join(
            f"{name} ({frame.height:,} rows, {data.sources[name]})"
            for name, frame in data.tables.items()
        )
        self.stdout.write(
            f"SSDA903 {label(year.year)}: {data.children():,} children. Tables: {tables}."
        )
        self.stdout.write(
            f"{len(result.ran)} rules ran, {len(result.skipped)} skipped (their tables, last "
            "year's "
            f"return or the LA code not given)."
        )
        by_code = Counter(f.code for f in result.findings)
        self.stdout.write(
            f"{len(result.findings):,} findings for {result.children:,} children "
            f"in {seconds:.2f} s; report: {path}"
        )
        for code, count in by_code.most_common(10):
            self.stdout.write(f"  {code}: {count:,}")
        if errors:
            raise SystemExit(1)
