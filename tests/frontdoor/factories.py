"""Builders for front door tests: form data as a browser posts it, and cases with contacts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masa.core.models import AgencyKind, User
from masa.frontdoor.models import Contact
from masa.journey.models import Case, Stage
from masa.people.models import Child
from tests.casework_factories import make_case, make_contact
from tests.factories import UserFactory


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def contact_form(child: Child, **overrides: object) -> dict[str, object]:
    """A valid 'Log a contact' form for the child, received an hour ago."""
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    data: dict[str, object] = {
        "child_id": child.masa_id,
        **date_fields("received_on", earlier.date()),
        "received_time": earlier.strftime("%H:%M"),
        "source": "2A",
        "source_agency": "",
        "referrer_name": "Ms Price, class teacher",
        "reason": "Kira arrived with a bruise on her arm and said she was scared to go home",
        "factors_abuse": ["18A"],
        "consent_basis": "not_sought_risk",
        "rag": "amber",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def decision_form(contact: Contact, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "decision": "referral",
        "continuum_level": "3",
        "decision_reason": "Unexplained injury and a frightened child: threshold for assessment",
        **date_fields("decided_on", timezone.localdate()),
        "primary_need": "N1",
        "lead_agency": "",
        "version": str(contact.version),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def contact_awaiting(
    child: Child, actor: User, *, received_on: dt.date | None = None, **fields: object
) -> Contact:
    """A contact received (by default today) on a new case at the contact stage."""
    received_on = received_on or timezone.localdate()
    case = make_case(child, stage=Stage.CONTACT, opened_on=received_on, actor=actor)
    return make_contact(case, received_on=received_on, actor=actor, **fields)


def contact_on(case: Case, actor: User, *, received_on: dt.date, **fields: object) -> Contact:
    return make_contact(case, received_on=received_on, actor=actor, **fields)


def mash_practitioner(agency_kind: AgencyKind, world_partnership_agencies: dict) -> User:  # type: ignore[type-arg]
    """A MASH practitioner from another agency (the world has a police one)."""
    return UserFactory(
        username=f"mash_{agency_kind}",
        role="mash_practitioner",
        agency=world_partnership_agencies[agency_kind],
    )
