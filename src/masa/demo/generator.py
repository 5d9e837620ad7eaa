"""Builds the fictional Northbury borough: deterministic synthetic data for demos and benchmarks.

Each domain has a module in ``masa.demo.factories`` with ``build(ctx, rng)`` and
``reset(partnership)``. To add a domain (front door, child protection, care...), write its
module and append it to ``DOMAINS``: builds run in order, resets in reverse order. Every domain
gets its own ``random.Random`` seeded from the seed, the size and the domain's name, so adding
or changing one domain never changes what the others generate.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from masa.core.models import AuditEvent, Partnership, User

from .factories import assurance, care, core, journey, people, reviews
from .factories.base import DemoContext, SizeProfile

DEFAULT_SEED = 2026
DEFAULT_SIZE = "small"
PROFILES: dict[str, SizeProfile] = {
    # Two years of history, so that a good share of the demo's children are current cases.
    "small": SizeProfile("small", children=120, history_years=2, practitioners_per_la_team=(2, 2)),
    # ~3,500 children referred a year over ten years (the borough has ~65,000 under-18s).
    "borough": SizeProfile(
        "borough", children=35_000, history_years=10, practitioners_per_la_team=(7, 9)
    ),
}


@dataclass(frozen=True)
class Domain:
    name: str
    build: Callable[[DemoContext, random.Random], None]
    reset: Callable[[Partnership], None]


DOMAINS: tuple[Domain, ...] = (
    Domain("core", core.build, core.reset),
    Domain("people", people.build, people.reset),
    Domain("journey", journey.build, journey.reset),
    Domain("care", care.build, care.reset),
    Domain("reviews", reviews.build, reviews.reset),
    Domain("assurance", assurance.build, assurance.reset),
)


class DemoDataError(Exception):
    """The demo data cannot be built or reset as asked; the message says what to do."""


@dataclass(frozen=True)
class DemoSummary:
    size: str
    seed: int
    seconds: float
    lines: list[tuple[str, str]]


def demo_data_loaded() -> bool:
    return Partnership.objects.filter(slug=core.PARTNERSHIP_SLUG).exists()


def generate(
    size: str = DEFAULT_SIZE, seed: int = DEFAULT_SEED, reset: bool = False
) -> DemoSummary:
    """Build the demo borough in one transaction, first removing it if ``reset``."""
    try:
        profile = PROFILES[size]
    except KeyError:
        raise DemoDataError(f"Unknown size {size!r}: choose from {', '.join(PROFILES)}") from None
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            reset_demo_data()
        elif demo_data_loaded():
            raise DemoDataError("The Northbury demo data is already loaded")
        ctx = DemoContext(profile=profile, seed=seed)
        for domain in DOMAINS:
            domain.build(ctx, domain_random(seed, profile, domain.name))
    return DemoSummary(size, seed, time.perf_counter() - started, ctx.summary)


def domain_random(seed: int, profile: SizeProfile, domain: str) -> random.Random:
    # String seeds are hashed with SHA-512, so this is stable across runs and PYTHONHASHSEED.
    return random.Random(f"masa-demo:{seed}:{profile.name}:{domain}")


def reset_demo_data() -> None:
    """Remove the demo borough, refusing if the append-only audit log refers to its users."""
    partnership = Partnership.objects.filter(slug=core.PARTNERSHIP_SLUG).first()
    if partnership is None:
        return
    users = User.objects.filter(agency__partnership=partnership)
    audited = AuditEvent.objects.filter(actor__in=users).count()
    if audited:
        # Audit events are never deleted (a trigger refuses on PostgreSQL) and protect their
        # actors, so the users, and with them the borough, have to stay.
        events = f"{audited} event{'s' if audited != 1 else ''}"
        raise DemoDataError(
            f"Cannot reset: the audit log holds {events} by demo users, and audit events are "
            f"never deleted. {_start_again_advice()}"
        )
    with transaction.atomic():
        for domain in reversed(DOMAINS):
            domain.reset(partnership)


def _start_again_advice() -> str:
    if connection.vendor != "sqlite":
        return "Drop and recreate the database, then run demo_data again."
    path = Path(str(connection.settings_dict["NAME"]))
    with contextlib.suppress(ValueError):
        path = path.relative_to(settings.PROJECT_ROOT)
    return f"Delete the database file ({path}) and start again, for example with `make demo`."
