"""The figures' cache: served again while nothing changes, recomputed as soon as a record the
measures read is added or changed, and never filled from inside a transaction.

These tests commit their records (``transaction=True``): the cache only holds figures computed
outside a transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache as django_cache
from django.db import connection

from masa.core import audit
from masa.core.models import AuditAction
from masa.frontdoor.models import Referral
from masa.indicators import cache, selectors
from masa.indicators.frames import TABLES, Window, load_frames
from masa.indicators.periods import financial_year
from masa.indicators.services import population_set
from masa.journey.models import Stage

from ..casework_factories import fix_today, make_case, make_referral
from ..conftest import World
from ..factories import ChildFactory

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date
YEAR = financial_year(2024)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    django_cache.clear()
    yield
    django_cache.clear()


def refer(world: World, day: D) -> Referral:
    sw = world.users["social_worker"]
    child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
    case = make_case(child, stage=Stage.REFERRAL, opened_on=day, actor=sw)
    return make_referral(case, referral_date=day, actor=sw)


class Computations:
    """Counts how often the figures are really computed (not served from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = selectors.figures_for_periods

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(cache.selectors, "figures_for_periods", counting)


def test_adding_a_record_changes_the_dashboard_figure(
    world: World,
    client_for,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 7, 1))
    for _ in range(7):
        refer(world, D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)
    computed = Computations(monkeypatch)
    client = client_for("data_analyst")
    assert "7 out of 30,000" in client.get("/indicators/dashboard/").content.decode()
    assert "7 out of 30,000" in client.get("/indicators/dashboard/").content.decode()
    assert computed.calls == 1  # the second page came from the cache
    refer(world, D(2025, 3, 31))  # a late referral for the last day of 2024-25
    assert "8 out of 30,000" in client.get("/indicators/dashboard/").content.decode()
    assert computed.calls == 2


def test_a_changed_record_or_population_changes_the_key(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = refer(world, D(2024, 10, 1))
    computed = Computations(monkeypatch)
    assert cache.figures(world.partnership.pk, YEAR, ["referrals"])[0].numerator == 1
    before = cache.data_fingerprint()
    # Viewing records changes nothing.
    audit.record(actor=world.users["social_worker"], action=AuditAction.VIEW, object_type="child")
    assert cache.data_fingerprint() == before
    # The referral's date corrected to the year before, as a service does it (with its audit).
    Referral.objects.filter(pk=referral.pk).update(referral_date=D(2024, 3, 1), version=2)
    audit.record(
        actor=world.users["social_worker"],
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=referral.pk,
    )
    assert cache.data_fingerprint() != before
    assert cache.figures(world.partnership.pk, YEAR, ["referrals"])[0].numerator == 0
    population_set(world.partnership, 2024, 30_000)
    rate = cache.figures(world.partnership.pk, YEAR, ["referral_rate"])[0]
    population_set(world.partnership, 2024, 40_000)
    assert cache.figures(world.partnership.pk, YEAR, ["referral_rate"])[0].denominator == 40_000
    assert rate.denominator == 30_000 and computed.calls == 4


def test_the_same_figures_for_another_partnership_or_period_are_not_shared(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    refer(world, D(2024, 10, 1))
    assert cache.figures(world.partnership.pk, YEAR, ["referrals"])[0].numerator == 1
    assert cache.figures(world.partnership.pk + 1, YEAR, ["referrals"])[0].numerator == 0
    assert (
        cache.figures(world.partnership.pk, financial_year(2023), ["referrals"])[0].numerator == 0
    )


@pytest.mark.django_db
def test_nothing_is_cached_inside_a_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert connection.in_atomic_block  # the test's own transaction
    computed = Computations(monkeypatch)
    cache.figures(world.partnership.pk, YEAR, ["referrals"])
    cache.figures(world.partnership.pk, YEAR, ["referrals"])
    assert computed.calls == 2


def test_every_table_the_frames_read_is_in_the_fingerprint(world: World) -> None:
    """If a measure starts reading another table (children looked after, say), that table must
    join ``cache.SOURCE_TABLES`` or the cache could serve figures from before a change."""
    statements: list[str] = []

    def note(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        load_frames(world.partnership.pk, Window(YEAR.start, YEAR.end), frozenset(TABLES))
        selectors.population_estimates(world.partnership.pk)
    read = {
        name
        for sql in statements
        for name in re.findall(r'(?:FROM|JOIN)\s+"?([a-z_0-9]+)"?', sql, flags=re.IGNORECASE)
    }
    assert read, "no queries seen"
    unknown = read - cache.source_db_tables() - {"core_partnership", "core_agency", "core_team"}
    assert unknown == set(), f"tables read but not in the fingerprint: {sorted(unknown)}"
