from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django_otp.oath import TOTP

from masa.demo.accounts import DEMO_TOTP_KEY_HEX, DEMO_TOTP_SECRET_BASE32


def test_demo_code_prints_the_code_an_authenticator_app_shows() -> None:
    out = StringIO()
    before = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX)).token()
    call_command("demo_code", stdout=out)
    after = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX)).token()
    printed = int(out.getvalue().split()[0])
    assert printed in {before, after}  # the 30-second step may turn over mid-test
    assert DEMO_TOTP_SECRET_BASE32 == "NVQXGYJNMRSW23ZNONSWG4TFOQWWWZLZ"  # as in README
