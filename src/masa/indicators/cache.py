"""Computed figures, cached until a record they are computed from changes (never stale).

The cache key holds a fingerprint of the data the measures read, made of two parts:

- for each table the frames are loaded from (``SOURCE_TABLES``), its largest id: any new record
  (a late referral, a plan recorded today) gives a new key;
- the latest entry of the audit log that records a change (anything but views, exports and
  sign-ins): services write one with every change they make (``masa.core.audit``), so an edited
  or removed record (a plan's end date, a merge, a corrected referral date, a new population
  estimate) gives a new key too.

Each part is one indexed look-up (the largest id; the audit log read backwards from its end), a
few milliseconds in all on the borough's ten years, where counting or summing the tables took
hundreds. A test reads the SQL ``load_frames`` sends and fails if a table it reads is missing
from ``SOURCE_TABLES``. A change made outside a service (a raw ``update()`` with no audit entry)
is not seen: masa's rules send every change through a service.

Figures are kept unsuppressed (suppression depends on who looks) in Django's cache framework
(the default in-memory cache unless ``CACHES`` says otherwise), per partnership, periods and
measures. Nothing is cached while the database connection is inside a transaction: the rows it
sees may not be committed yet, or may be rolled back (tests run inside one), and no other request
may see figures built on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from masa.core.models import AuditAction, AuditEvent

from . import selectors
from .periods import Period
from .selectors import Figure

# Raise when the measures or the Figure change, so figures computed by older code are not read.
CACHE_VERSION = 1
TIMEOUT_SECONDS = 6 * 60 * 60  # only frees memory: a change of data changes the key at once


SOURCE_TABLES: tuple[str, ...] = (
    "people.Child",
    "journey.Case",
    "frontdoor.Contact",
    "frontdoor.Referral",
    "protection.Assessment",
    "protection.S47Enquiry",
    "protection.Conference",
    "protection.ConferenceChild",
    "protection.ChildProtectionPlan",
    "protection.CINPlan",
    "earlyhelp.EarlyHelpEpisode",
    "indicators.PopulationEstimate",
    "core.AdditionalBankHoliday",
)
# Audit entries that change nothing: reading, exporting, signing in and out.
NOT_CHANGES = (
    AuditAction.VIEW,
    AuditAction.EXPORT,
    AuditAction.SIGN_IN,
    AuditAction.SIGN_IN_FAILED,
    AuditAction.ACCOUNT_LOCKED,
    AuditAction.SIGN_OUT,
)


def source_db_tables() -> set[str]:
    return {apps.get_model(model)._meta.db_table for model in SOURCE_TABLES}


def last_change() -> int:
    """The id of the latest audit entry recording a change (0 if none)."""
    found = (
        AuditEvent.objects.exclude(action__in=NOT_CHANGES)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return found or 0


def data_fingerprint() -> str:
    """A short digest that changes whenever a row the measures read is added, or a service
    changes or removes one, in any partnership."""
    parts = [
        f"{model}:{apps.get_model(model)._default_manager.order_by().aggregate(last=Max('pk'))['last']}"
        for model in SOURCE_TABLES
    ]
    parts.append(f"audit:{last_change()}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _key(partnership_id: int, periods: list[Period], codes: list[str] | None) -> str:
    what = repr(
        (
            [(p.start.isoformat(), p.end.isoformat(), p.kind, p.label) for p in periods],
            codes,
        )
    )
    digest = hashlib.sha256(what.encode()).hexdigest()[:20]
    return f"masa:indicators:{CACHE_VERSION}:{partnership_id}:{data_fingerprint()}:{digest}"


def caching_allowed() -> bool:
    """Not inside a transaction: what it sees may yet be rolled back."""
    return not connection.in_atomic_block


def figures_for_periods(
    partnership_id: int, periods: list[Period], codes: Iterable[str] | None = None
) -> dict[Period, list[Figure]]:
    """``selectors.figures_for_periods``, from the cache when nothing has changed since."""
    chosen = None if codes is None else list(codes)
    if not caching_allowed():
        return selectors.figures_for_periods(partnership_id, periods, chosen)
    key = _key(partnership_id, periods, chosen)
    held = cache.get(key)
    if held is not None:
        return dict(held)
    computed = selectors.figures_for_periods(partnership_id, periods, chosen)
    cache.set(key, computed, TIMEOUT_SECONDS)
    return computed


def figures(
    partnership_id: int, period: Period, codes: Iterable[str] | None = None
) -> list[Figure]:
    return figures_for_periods(partnership_id, [period], codes)[period]
