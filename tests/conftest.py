"""Shared fixtures: a small partnership with one user per role and children in and out of scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from masa.core.models import Agency, AgencyKind, Partnership, Team, User
from masa.core.permissions import ROLES
from masa.people.models import Child

from .factories import (
    AgencyFactory,
    ChildFactory,
    InvolvementFactory,
    PartnershipFactory,
    TeamFactory,
    UserFactory,
)

# Which agency kind each role's test user belongs to.
ROLE_AGENCY_KIND = {
    "social_worker": AgencyKind.LOCAL_AUTHORITY,
    "team_manager": AgencyKind.LOCAL_AUTHORITY,
    "mash_practitioner": AgencyKind.POLICE,
    "designated_safeguarding_lead": AgencyKind.SCHOOL,
    "health_safeguarding_practitioner": AgencyKind.HEALTH,
    "police_officer": AgencyKind.POLICE,
    "independent_reviewing_officer": AgencyKind.LOCAL_AUTHORITY,
    "lado": AgencyKind.LOCAL_AUTHORITY,
    "business_manager": AgencyKind.PARTNERSHIP_UNIT,
    "data_analyst": AgencyKind.PARTNERSHIP_UNIT,
    "independent_scrutineer": AgencyKind.PARTNERSHIP_UNIT,
    "data_protection_officer": AgencyKind.LOCAL_AUTHORITY,
    "system_administrator": AgencyKind.LOCAL_AUTHORITY,
}


@dataclass
class World:
    partnership: Partnership
    agencies: dict[str, Agency]
    la_team: Team
    users: dict[str, User]
    child: Child  # known to the local authority, police, health and the school
    la_only_child: Child  # known to the local authority only

    def totp_code(self, user: User) -> str:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        return f"{totp(device.bin_key):06d}"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    partnership = PartnershipFactory()
    agencies = {
        kind: AgencyFactory(partnership=partnership, kind=kind, name=f"Test {label}")
        for kind, label in AgencyKind.choices
    }
    la_team = TeamFactory(agency=agencies[AgencyKind.LOCAL_AUTHORITY], name="Assessment Team")
    users = {}
    for code in ROLES:
        agency = agencies[ROLE_AGENCY_KIND[code]]
        users[code] = UserFactory(
            username=code,
            role=code,
            agency=agency,
            team=la_team if code in {"social_worker", "team_manager"} else None,
        )
    child = ChildFactory(
        partnership=partnership,
        first_name="Kira",
        last_name="Holt",
        owning_team=la_team,
        allocated_worker=users["social_worker"],
    )
    for kind in (AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.SCHOOL):
        InvolvementFactory(child=child, agency=agencies[kind])
    la_only = ChildFactory(
        partnership=partnership, first_name="Jay", last_name="Moss", owning_team=la_team
    )
    return World(partnership, agencies, la_team, users, child, la_only)


def signed_in_client(user: User) -> Client:
    """A client signed in with password and second factor, as after a real sign-in."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(world: World):  # type: ignore[no-untyped-def]
    def make(role: str) -> Client:
        return signed_in_client(world.users[role])

    return make
