"""Year-end snapshots: a year's figures frozen as submitted while the live ones move on.

Today is fixed at 1 July 2025: 2024-25 has ended (31 March 2025) and can be frozen; 2025-26
cannot until 1 April 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.indicators.catalogue import MEASURES
from masa.indicators.models import SnapshotFigure, YearEndSnapshot
from masa.indicators.periods import financial_year
from masa.indicators.selectors import Figure
from masa.indicators.snapshots import difference, snapshot_take
from masa.journey.models import Stage

from ..casework_factories import fix_today, make_case, make_referral
from ..conftest import World
from ..factories import ChildFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 7, 1)


def refer(world: World, how_many: int, day: D) -> None:
    sw = world.users["social_worker"]
    for _ in range(how_many):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.REFERRAL, opened_on=day, actor=sw)
        make_referral(case, referral_date=day, actor=sw)


def test_a_frozen_year_keeps_its_figures_while_the_live_ones_change(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    refer(world, 7, D(2024, 10, 1))
    analyst = client_for("data_analyst")
    response = analyst.post(
        "/indicators/snapshots/", {"year": "2024", "note": "CIN census submitted 30 June 2025"}
    )
    assert response.status_code == 302
    snapshot = YearEndSnapshot.objects.get(partnership=world.partnership, start_year=2024)
    assert snapshot.taken_by == world.users["data_analyst"] and snapshot.note.startswith("CIN")
    frozen = SnapshotFigure.objects.get(snapshot=snapshot, measure_code="referrals")
    assert (frozen.numerator, frozen.denominator, frozen.value) == (7, None, 7.0)
    assert not SnapshotFigure.objects.filter(snapshot=snapshot, measure_code="cla_rate").exists()
    assert AuditEvent.objects.filter(object_type="year-end snapshot", action="create").count() == 1

    refer(world, 6, D(2025, 3, 20))  # recorded late, for March 2025
    frozen.refresh_from_db()
    assert frozen.numerator == 7
    page = analyst.get("/indicators/referrals/").content.decode()
    figures = page[page.index('<tbody class="govuk-table__body">') :]  # the first table
    row = figures[figures.index("2024-25") :].split("</tr>")[0]
    assert ">13<" in row  # live
    assert ">+6<" in row and "frozen" in row  # as submitted: 7, and the drift since
    assert "As submitted at year end" in page
    dashboard = analyst.get("/indicators/dashboard/?period=fy-2024").content.decode()
    assert "As submitted (frozen on" in dashboard and "(data_analyst))" in dashboard
    assert "Live figure since: No change" in dashboard  # re-referrals: 0 then and now
    listing = analyst.get("/indicators/snapshots/").content.decode()
    assert "2024-25 as submitted" in listing and "CIN census submitted 30 June 2025" in listing


def test_a_year_is_frozen_once_and_only_after_it_ends(
    world: World,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    analyst = world.users["data_analyst"]
    with pytest.raises(ServiceError, match=r"2025-26 has not ended yet: .* from 1 April 2026"):
        snapshot_take(partnership=world.partnership, start_year=2025, actor=analyst)
    snapshot_take(partnership=world.partnership, start_year=2024, actor=analyst)
    with pytest.raises(ServiceError, match=r"2024-25 was frozen on .* a snapshot is never changed"):
        snapshot_take(partnership=world.partnership, start_year=2024, actor=analyst)
    with pytest.raises(ServiceError, match="Your role cannot freeze"):
        snapshot_take(
            partnership=world.partnership, start_year=2023, actor=world.users["business_manager"]
        )


def test_only_the_role_that_submits_the_returns_freezes_a_year(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    manager = client_for("business_manager")
    page = manager.get("/indicators/snapshots/").content.decode()
    assert "No year has been frozen yet" in page and "Freeze the figures" not in page
    assert manager.post("/indicators/snapshots/", {"year": "2024"}).status_code == 403
    analyst = client_for("data_analyst")
    assert "Freeze the figures" in analyst.get("/indicators/snapshots/").content.decode()
    refused = analyst.post("/indicators/snapshots/", {"year": "2025"})  # not offered: not ended
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not YearEndSnapshot.objects.exists()


def test_a_small_drift_is_hidden_from_readers_without_access_to_children() -> None:
    year = financial_year(2024)
    measure = MEASURES["referral_rate"]
    live = Figure(measure, year, 102, 30_000, 34.0, 2024)
    frozen = Figure(measure, year, 100, 30_000, 100 * 10_000 / 30_000, 2024)
    assert difference(live, frozen, suppress=False) == "+0.7"  # 34.0 against 33.3
    assert difference(live, frozen, suppress=True) == "c"  # it rests on 2 referrals
    count = MEASURES["referrals"]
    assert (
        difference(
            Figure(count, year, 112, None, 112.0, None),
            Figure(count, year, 100, None, 100.0, None),
            suppress=True,
        )
        == "+12"
    )
    assert (
        difference(
            Figure(count, year, 100, None, 100.0, None),
            Figure(count, year, 100, None, 100.0, None),
            suppress=True,
        )
        == "No change"
    )
