"""The demo accounts: one per role, all with the same documented password and TOTP secret.

These exist only in demo databases built by ``manage.py demo_data``; production has none.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

DEMO_PASSWORD = "northbury-demo-password"  # noqa: S105 - documented demo credential
# 20-byte TOTP key ("masa-demo-secret-key"); authenticator apps take the base32 form below.
DEMO_TOTP_KEY_HEX = b"masa-demo-secret-key".hex()
DEMO_TOTP_SECRET_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    first_name: str
    last_name: str
    agency: str  # the agency's name in the demo borough
    team: str | None


LA = "Northbury Council Children's Services"
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("social.worker", "social_worker", "Sam", "Okafor", LA, "Assessment Team North"),
    DemoAccount("team.manager", "team_manager", "Priya", "Shah", LA, "Assessment Team North"),
    DemoAccount("mash.police", "mash_practitioner", "Dan", "Hughes", "Northshire Police", "MASH"),
    DemoAccount(
        "dsl.school", "designated_safeguarding_lead", "Grace", "Lowe", "Northbury High School", None
    ),
    DemoAccount(
        "health.practitioner",
        "health_safeguarding_practitioner",
        "Aisha",
        "Khan",
        "Northbury Integrated Care Board",
        "Safeguarding Children Team",
    ),
    DemoAccount(
        "police.officer",
        "police_officer",
        "Tom",
        "Birch",
        "Northshire Police",
        "Public Protection Unit",
    ),
    DemoAccount(
        "iro",
        "independent_reviewing_officer",
        "Helen",
        "Marsh",
        LA,
        "Safeguarding and Reviewing Unit",
    ),
    DemoAccount("lado", "lado", "Martin", "Reid", LA, "Safeguarding and Reviewing Unit"),
    DemoAccount(
        "business.manager",
        "business_manager",
        "Joanne",
        "Price",
        "Northbury Safeguarding Children Partnership Business Unit",
        None,
    ),
    DemoAccount(
        "data.analyst",
        "data_analyst",
        "Oliver",
        "Grant",
        "Northbury Safeguarding Children Partnership Business Unit",
        None,
    ),
    DemoAccount(
        "scrutineer",
        "independent_scrutineer",
        "Ruth",
        "Ellis",
        "Northbury Safeguarding Children Partnership Business Unit",
        None,
    ),
    DemoAccount("dpo", "data_protection_officer", "Chris", "Patel", LA, None),
    DemoAccount("sysadmin", "system_administrator", "Lee", "Morgan", LA, None),
]
