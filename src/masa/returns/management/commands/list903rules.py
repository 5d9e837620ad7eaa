"""manage.py list903rules [--year 2024/25]: the 903 rule codes masa implements, with messages."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masa.returns.ssda903 import all_rules, label, parse_year, rules_for


class Command(BaseCommand):
    help = "List the SSDA903 validation rules masa implements (code, tables, message)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", help="only the rules for this collection year, e.g. 2024/25")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("year"):
            try:
                year = parse_year(options["year"]).year
            except ValueError as error:
                raise CommandError(str(error)) from None
            rules = rules_for(year)
            heading = f"SSDA903 rules for {label(year)}"
        else:
            rules = all_rules()
            heading = "SSDA903 rules"
        dfe = sum(r.origin == "DfE" for r in rules)
        self.stdout.write(
            f"{heading}: {dfe} DfE rules and {len(rules) - dfe} of masa's own checks."
        )
        for r in rules:
            years = f"{label(min(r.years))} on" if r.years else "-"
            self.stdout.write(f"{r.code}\t{', '.join(r.tables)}\t{years}\t{r.message}")
