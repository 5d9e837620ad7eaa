"""The partnership, its agencies and teams, and the people who sign in."""

from __future__ import annotations

import random
import unicodedata

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from masa.core.models import (
    AccessGrant,
    AdditionalBankHoliday,
    Agency,
    AgencyKind,
    BreakGlass,
    FormDraft,
    Notification,
    Partnership,
    Team,
    User,
)
from masa.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY_HEX,
    LA,
    DemoAccount,
)

from .base import DemoContext

PARTNERSHIP_NAME = "Northbury Safeguarding Children Partnership"
PARTNERSHIP_SHORT_NAME = "NSCP"
PARTNERSHIP_SLUG = "northbury"

ICB = "Northbury Integrated Care Board"
HOSPITAL = "Northbury Hospitals NHS Foundation Trust"
POLICE = "Northshire Police"
PROBATION = "Northshire Probation Service"
VOLUNTARY = "Northbury Family Action"
BUSINESS_UNIT = "Northbury Safeguarding Children Partnership Business Unit"
PRIMARY_SCHOOLS = ("St Aidan's Primary School", "Moorside Primary School")
SECONDARY_SCHOOLS = ("Northbury High School", "Riverside Academy")

FRONT_DOOR = "Front Door (MASH)"
ASSESSMENT_NORTH = "Assessment Team North"
ASSESSMENT_SOUTH = "Assessment Team South"
CHILD_PROTECTION = "Child Protection and Court Team"
CHILDREN_IN_CARE = "Children in Care Team"
LEAVING_CARE = "Leaving Care Team"
EARLY_HELP = "Early Help Hub"
REVIEWING_UNIT = "Safeguarding and Reviewing Unit"

# (name, kind, teams), in the order they are created.
AGENCIES: list[tuple[str, AgencyKind, list[str]]] = [
    (
        LA,
        AgencyKind.LOCAL_AUTHORITY,
        [
            FRONT_DOOR,
            ASSESSMENT_NORTH,
            ASSESSMENT_SOUTH,
            CHILD_PROTECTION,
            CHILDREN_IN_CARE,
            LEAVING_CARE,
            EARLY_HELP,
            REVIEWING_UNIT,
        ],
    ),
    (ICB, AgencyKind.HEALTH, ["Safeguarding Children Team"]),
    (HOSPITAL, AgencyKind.HEALTH, ["Hospital Safeguarding Team"]),
    (POLICE, AgencyKind.POLICE, ["MASH", "Public Protection Unit"]),
    ("Northbury High School", AgencyKind.SCHOOL, []),
    ("St Aidan's Primary School", AgencyKind.SCHOOL, []),
    ("Riverside Academy", AgencyKind.SCHOOL, []),
    ("Moorside Primary School", AgencyKind.SCHOOL, []),
    (PROBATION, AgencyKind.PROBATION, []),
    (VOLUNTARY, AgencyKind.VOLUNTARY, []),
    (BUSINESS_UNIT, AgencyKind.PARTNERSHIP_UNIT, []),
]

# The role of generated practitioners in each local authority team (social worker otherwise).
STAFF_ROLE_BY_TEAM = {
    FRONT_DOOR: "mash_practitioner",
    REVIEWING_UNIT: "independent_reviewing_officer",
}
# Roles whose holders are allocated children.
CASEHOLDING_ROLES = ("social_worker", "mash_practitioner")

TOTP_DEVICE_NAME = "Demo authenticator"
EMAIL_DOMAIN = "northbury.example"

# Staff names: adults working in a diverse northern English borough.
STAFF_FIRST_NAMES = [
    "Sarah", "Emma", "Claire", "Rachel", "Laura", "Nicola", "Gemma", "Hannah", "Rebecca",
    "Kate", "Louise", "Natalie", "Lisa", "Amy", "Jennifer", "Zoe", "Kirsty", "Samina",
    "Nasreen", "Farah", "Rukhsana", "Shabana", "Parveen", "Nadia", "Joanna", "Agnieszka",
    "Chipo", "Ngozi", "Funmi", "Yvonne", "Beverley", "Michelle", "Siobhan", "Harpreet",
    "Andrew", "Mark", "Paul", "David", "Richard", "Stephen", "Gareth", "Craig", "Matthew",
    "Daniel", "Imran", "Tariq", "Asif", "Kamran", "Sanjay", "Rajesh", "Tomasz", "Piotr",
    "Kwame", "Olu", "Desmond", "Wayne", "Neil", "Simon", "Jonathan", "Adrian", "Liam", "Faisal",
]  # fmt: skip
STAFF_LAST_NAMES = [
    "Ashworth", "Bennett", "Bradley", "Carter", "Chapman", "Dawson", "Dixon", "Fisher",
    "Gibson", "Holden", "Howarth", "Jennings", "Lambert", "Marshall", "Nolan", "Pearson",
    "Riley", "Stott", "Sykes", "Tattersall", "Webster", "Whitehead", "Ahmed", "Akram",
    "Bashir", "Hanif", "Iqbal", "Javed", "Nazir", "Sadiq", "Bains", "Dhillon", "Mistry",
    "Parmar", "Kowalczyk", "Nowak", "Adebayo", "Mensah", "Ndlovu", "Osei", "Clarke", "Francis",
    "Gallagher", "Quinn", "Docherty", "Evans", "Lloyd", "Chan",
]  # fmt: skip


# Northbury is fictional: its ONS area code is one no real authority has (E08 is the metropolitan
# districts' prefix). Demo postcode centroids in the borough carry it.
NORTHBURY_ONS_CODE = "E08999001"


def build(ctx: DemoContext, rng: random.Random) -> None:
    partnership = Partnership.objects.create(
        name=PARTNERSHIP_NAME,
        short_name=PARTNERSHIP_SHORT_NAME,
        slug=PARTNERSHIP_SLUG,
        ons_code=NORTHBURY_ONS_CODE,
    )
    ctx.partnership = partnership
    agencies = Agency.objects.bulk_create(
        [Agency(partnership=partnership, name=name, kind=kind) for name, kind, _ in AGENCIES]
    )
    ctx.agencies = {agency.name: agency for agency in agencies}
    teams = Team.objects.bulk_create(
        [
            Team(agency=ctx.agencies[agency_name], name=team_name)
            for agency_name, _, team_names in AGENCIES
            for team_name in team_names
        ]
    )
    ctx.teams = {(team.agency.name, team.name): team for team in teams}

    # One password hash shared by every account: Argon2 takes 0.2-0.4 s a hash here, which
    # would make hashing most of the run time (the demo password is public anyway).
    password_hash = make_password(DEMO_PASSWORD)
    demo_users = [_demo_user(ctx, account, password_hash) for account in DEMO_ACCOUNTS]
    taken = {user.username for user in demo_users}
    staff = _generated_staff(ctx, rng, password_hash, taken)
    users = User.objects.bulk_create([*demo_users, *staff])
    ctx.users = {user.username: user for user in users}
    for user in staff:
        if user.role in CASEHOLDING_ROLES and user.team is not None:
            key = (user.team.agency.name, user.team.name)
            ctx.caseholders.setdefault(key, []).append(user)

    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
            for user in users
        ]
    )

    ctx.summary += [
        ("Partnership", f"{partnership.name} ({partnership.short_name})"),
        ("Agencies", str(len(agencies))),
        ("Teams", str(len(teams))),
        (
            "Users",
            f"{len(users)} ({len(demo_users)} demo accounts, {len(staff)} generated staff; "
            "all with the demo password and TOTP secret)",
        ),
    ]


def reset(partnership: Partnership) -> None:
    users = User.objects.filter(agency__partnership=partnership)
    TOTPDevice.objects.filter(user__in=users).delete()
    FormDraft.objects.filter(user__in=users).delete()
    Notification.objects.filter(recipient__in=users).delete()
    AccessGrant.objects.filter(Q(user__in=users) | Q(approved_by__in=users)).delete()
    BreakGlass.objects.filter(Q(user__in=users) | Q(reviewed_by__in=users)).delete()
    AdditionalBankHoliday.objects.filter(added_by__in=users).delete()
    users.delete()
    Team.objects.filter(agency__partnership=partnership).delete()
    Agency.objects.filter(partnership=partnership).delete()
    partnership.delete()


def _demo_user(ctx: DemoContext, account: DemoAccount, password_hash: str) -> User:
    return User(
        username=account.username,
        first_name=account.first_name,
        last_name=account.last_name,
        email=f"{account.username}@{EMAIL_DOMAIN}",
        role=account.role,
        agency=ctx.agency(account.agency),
        team=ctx.team(account.agency, account.team) if account.team else None,
        password=password_hash,
    )


def _generated_staff(
    ctx: DemoContext, rng: random.Random, password_hash: str, taken: set[str]
) -> list[User]:
    managed = {(a.agency, a.team) for a in DEMO_ACCOUNTS if a.role == "team_manager"}
    la_teams = next(team_names for name, _, team_names in AGENCIES if name == LA)
    low, high = ctx.profile.practitioners_per_la_team
    staff: list[User] = []
    for team_name in la_teams:
        roles = [] if (LA, team_name) in managed else ["team_manager"]
        roles += [STAFF_ROLE_BY_TEAM.get(team_name, "social_worker")] * rng.randint(low, high)
        for role in roles:
            first = rng.choice(STAFF_FIRST_NAMES)
            last = rng.choice(STAFF_LAST_NAMES)
            username = _unique_username(f"{_ascii(first)}.{_ascii(last)}", taken)
            staff.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{EMAIL_DOMAIN}",
                    role=role,
                    agency=ctx.agency(LA),
                    team=ctx.team(LA, team_name),
                    password=password_hash,
                )
            )
    return staff


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _unique_username(base: str, taken: set[str]) -> str:
    username, n = base, 1
    while username in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username)
    return username
