"""The dashboard, the measure page's trend chart and benchmarks, the CSV download, and the
choice of the local authority the partnership is compared with.

Today is fixed at 1 July 2025, so the dashboard opens on 2024-25 (the latest whole DfE year),
and the hand-made published set (``test_comparators``) stops at 2023-24.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from masa.core.models import AuditEvent
from masa.indicators.models import LocalAuthorityLink
from masa.indicators.services import population_set
from masa.journey.models import Case, Stage
from masa.people.models import Child

from ..casework_factories import fix_today, make_case, make_referral
from ..conftest import World
from ..factories import ChildFactory
from .test_comparators import load_small_set, published_set

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 7, 1)


def child(world: World) -> Child:
    return ChildFactory(partnership=world.partnership, owning_team=world.la_team)


def referred(world: World, who: Child, day: D, *, closed_on: D | None = None) -> None:
    sw = world.users["social_worker"]
    case = make_case(
        who, stage=Stage.CLOSED if closed_on else Stage.REFERRAL, opened_on=day, actor=sw
    )
    make_referral(case, referral_date=day, actor=sw)
    if closed_on:
        Case.objects.filter(pk=case.pk).update(closed_on=closed_on)


def twelve_referred_six_again(world: World) -> None:
    """2024-25: 18 referrals, 6 of them re-referrals (33.3%); 30,000 children (6.0 per 10,000)."""
    for n in range(12):
        who = child(world)
        if n < 6:
            referred(world, who, D(2024, 5, 1), closed_on=D(2024, 6, 3))
            referred(world, who, D(2024, 12, 2))
        else:
            referred(world, who, D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)


def test_the_dashboard_shows_live_figures_beside_the_latest_published_comparators(
    world: World,
    client_for,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    twelve_referred_six_again(world)
    load_small_set(tmp_path, world.partnership)
    response = client_for("business_manager").get("/indicators/dashboard/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<strong>2024-25</strong>" in text  # the latest whole DfE year by default
    assert "Compared with <strong>Wigan</strong> (DfE code 359)" in text
    assert "2025 statistical neighbour model" in text and "St. Helens" in text
    # Re-referrals: 6 of 18, against the 2023-24 comparators (the latest published).
    section = text[text.index("Re-referrals within 12 months") :]
    section = section[: section.index("</dl>")]
    assert "33.3%" in section and "6 out of 18" in section
    assert "Published comparators, 2023-24" in section
    assert "England: <strong>22.4</strong>" in section
    assert "Higher than England (not good)" in section
    # Referrals per 10,000: neither direction is better, so no judgement.
    rate = text[text.index("Referrals per 10,000 children") :]
    rate = rate[: rate.index("</dl>")]
    assert "6.0 per 10,000 children" in rate and "Lower than England" in rate
    assert "(good)" not in rate and "(not good)" not in rate
    # Each headline has a trend chart with its table.
    assert text.count('role="img"') >= 5 and "Show the data as a table" in text
    assert "2019-20" in text  # five years before 2024-25
    assert "Not available yet" in text  # children looked after, until their records exist


def test_the_scrutineer_sees_small_numbers_hidden_and_no_comparison_for_them(
    world: World,
    client_for,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    for _ in range(3):
        referred(world, child(world), D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)
    load_small_set(tmp_path, world.partnership)
    text = client_for("independent_scrutineer").get("/indicators/dashboard/").content.decode()
    assert "Small numbers are hidden" in text
    rate = text[text.index("Referrals per 10,000 children") :]
    rate = rate[: rate.index("</dl>")]
    assert "<strong>c per 10,000 children</strong>" in rate and "3 out of" not in rate
    assert "Higher than" not in rate and "Lower than" not in rate
    assert "Small numbers are hidden, so there is no comparison" in rate


def test_without_published_figures_the_dashboard_says_how_to_load_them(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    text = client_for("data_analyst").get("/indicators/dashboard/").content.decode()
    assert "published figures for England, the regions and local authorities are not loaded" in text
    assert "manage.py load_published_figures" in text


def test_the_period_can_be_a_calendar_year_or_the_year_so_far(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    referred(world, child(world), D(2024, 2, 1))
    client = client_for("data_analyst")
    text = client.get("/indicators/dashboard/?period=cy-2024").content.decode()
    assert "<strong>January to December 2024</strong>" in text
    assert ">2019<" in text  # the trend runs over calendar years
    so_far = client.get("/indicators/dashboard/?period=ytd").content.decode()
    assert "<strong>1 April to 1 July 2025</strong>" in so_far and "2025-26 so far" in so_far
    # Nonsense falls back to the latest whole DfE year.
    assert (
        "<strong>2024-25</strong>"
        in client.get("/indicators/dashboard/?period=fy-2999").content.decode()
    )
    assert client_for("social_worker").get("/indicators/dashboard/").status_code == 403


def test_the_measure_page_has_a_trend_chart_with_comparators_and_its_table(
    world: World,
    client_for,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    twelve_referred_six_again(world)
    load_small_set(tmp_path, world.partnership)
    text = client_for("data_analyst").get("/indicators/re_referrals/").content.decode()
    chart = text[text.index("<figure") : text.index("</figure>")]
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    for line in (
        "masa, live",
        "Wigan (published)",
        "Statistical neighbours (mean)",
        "North West",
        "England",
    ):
        assert line in chart
    # The table alternative: 2023-24 with every comparator, 2024-25 with none published yet.
    table = chart[chart.index("<table") :]
    row = table[table.index(">2023-24<") :].split("</tr>")[0]
    assert ">24.4<" in row and ">24.0<" in row and ">21.2<" in row and ">22.4<" in row
    later = table[table.index(">2024-25<") :].split("</tr>")[0]
    assert ">33.3<" in later and "Not published" in later
    assert "How it compares" in text and "Published comparators, 2023-24" in text
    assert "/indicators/re_referrals/csv/" in text


def test_every_csv_download_hides_small_numbers_and_is_audited(
    world: World,
    client_for,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, TODAY)
    for _ in range(3):
        referred(world, child(world), D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)
    load_small_set(tmp_path, world.partnership)
    response = client_for("data_analyst").get("/indicators/referral_rate/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    year = next(r for r in rows if r["period"] == "2024-25")
    assert (year["numerator"], year["value"], year["denominator"]) == ("c", "c", "30000")
    assert year["comparator_year"] == "2023-24"
    assert year["Wigan"] == "529.6" and year["England"] == "518.2"
    assert AuditEvent.objects.filter(action="export", object_type="indicator figures").count() == 1


def test_the_business_manager_chooses_the_authority_to_compare_with(
    world: World,
    client_for,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from masa.indicators.load_published import load_published

    load_published([published_set(tmp_path / "published")])
    client = client_for("business_manager")
    page = client.get("/indicators/compare-with/").content.decode()
    assert "Wigan (359)" in page and "St. Helens (342)" in page
    refused = client.post("/indicators/compare-with/", {"la_code": "999"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    response = client.post("/indicators/compare-with/", {"la_code": "342"})
    assert response.status_code == 302
    link = LocalAuthorityLink.objects.get(partnership=world.partnership)
    assert (link.la_code, link.la_name) == ("342", "St. Helens")
    assert client_for("independent_scrutineer").get("/indicators/compare-with/").status_code == 403
