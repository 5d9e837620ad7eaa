"""``manage.py demo_data``: load the fictional Northbury borough for demos and benchmarks."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from masa.core.permissions import role_definition
from masa.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET_BASE32
from masa.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    PROFILES,
    DemoDataError,
    demo_data_loaded,
    generate,
)


class Command(BaseCommand):
    help = (
        "Load deterministic synthetic demo data for the fictional borough of Northbury. "
        "Does nothing if it is already loaded, unless --reset is given."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            choices=list(PROFILES),
            default=DEFAULT_SIZE,
            help=f"small (seconds) or borough (ten years of referrals); default {DEFAULT_SIZE}",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="remove the demo data first (refused once the audit log names demo users)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Checked here as well as in generate() so `make demo` can run this every time.
        if not options["reset"] and demo_data_loaded():
            self.stdout.write("The Northbury demo data is already loaded; nothing changed.")
            self.stdout.write("(Run with --reset to rebuild it.)\n")
            self.write_accounts()
            return
        try:
            summary = generate(options["size"], options["seed"], reset=options["reset"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the Northbury demo data (size {summary.size}, seed {summary.seed}) "
                f"in {summary.seconds:.1f} s"
            )
        )
        width = max(len(label) for label, _ in summary.lines) + 2
        for label, value in summary.lines:
            self.stdout.write(f"  {label + ':':<{width}}{value}")
        self.stdout.write("")
        self.write_accounts()

    def write_accounts(self) -> None:
        rows = [
            (account.username, role_definition(account.role).name, account.agency)
            for account in DEMO_ACCOUNTS
        ]
        headings = ("Username", "Role", "Agency")
        widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
        self.stdout.write("Demo accounts (one per role)")
        for row in [headings, *rows]:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
        self.stdout.write("")
        self.stdout.write("Every account, demo and generated, signs in with:")
        self.stdout.write(f"  Password:              {DEMO_PASSWORD}")
        self.stdout.write(f"  TOTP secret (base32):  {DEMO_TOTP_SECRET_BASE32}")
