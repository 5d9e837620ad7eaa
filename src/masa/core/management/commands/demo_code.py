"""Print the current two-factor code for the demo accounts (they share one documented secret)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from masa.demo.accounts import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo accounts' authenticator secret."

    def handle(self, *args: Any, **options: Any) -> None:
        clock = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX))
        remaining = 30 - int(clock.time) % 30
        self.stdout.write(f"{clock.token():06d}  (valid for about {remaining} more seconds)")
