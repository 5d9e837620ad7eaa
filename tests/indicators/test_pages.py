"""The indicator pages: definitions on screen, this year's figures, and small numbers hidden
from roles without access to children's records."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.indicators.catalogue import MEASURES
from masa.indicators.services import population_set
from masa.journey.models import Stage

from ..casework_factories import fix_today, make_case, make_cp_plan, make_referral
from ..conftest import World
from ..factories import ChildFactory

pytestmark = pytest.mark.django_db
D = dt.date


def referrals(world: World, how_many: int, day: D) -> None:  # type: ignore[valid-type]
    sw = world.users["social_worker"]
    for _ in range(how_many):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.REFERRAL, opened_on=day, actor=sw)
        make_referral(case, referral_date=day, actor=sw)


def test_the_catalogue_shows_every_measure_with_its_definition_and_this_year_so_far(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 3, 31))
    referrals(world, 12, D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)
    response = client_for("business_manager").get("/indicators/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 April 2024 to 31 March 2025" in text
    for measure in MEASURES.values():
        assert measure.name.replace("'", "&#39;") in text
    assert "Re-referrals within 12 months" in text and "Lower is better" in text
    assert "ONS mid-2024 estimate" in text
    assert "4.0 per 10,000 children" in text  # 12 referrals over 30,000 children
    assert "Not available yet" in text  # children looked after, until issue 5


def test_small_numbers_are_hidden_from_the_scrutineer(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 3, 31))
    referrals(world, 3, D(2024, 10, 1))
    population_set(world.partnership, 2024, 30_000)
    text = client_for("independent_scrutineer").get("/indicators/referrals/").content.decode()
    assert "Small numbers are hidden" in text
    # Row for 2024-25 so far: 3 referrals, shown as c.
    row = text[text.index("1 April 2024 to 31 March 2025") :].split("</tr>")[0]
    assert ">c<" in row and ">3<" not in row


def test_the_measure_page_shows_five_reporting_years(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 11, 23))
    referrals(world, 7, D(2023, 5, 1))
    population_set(world.partnership, 2023, 28_000)
    response = client_for("data_analyst").get("/indicators/referral_rate/")
    assert response.status_code == 200
    text = response.content.decode()
    for label in ["1 April to 23 November 2025", "2024-25", "2023-24", "2022-23", "2021-22"]:
        assert label in text
    assert "2020-21" not in text
    row = text[text.index("2023-24") :].split("</tr>")[0]
    assert "2.5" in row and ">7<" in row and "ONS mid-2023 estimate" in row
    # 2024-25 has no estimate of its own yet: the latest earlier one is used and named.
    later = text[text.index("2024-25") :].split("</tr>")[0]
    assert "ONS mid-2023 estimate" in later


def test_categories_of_abuse_hide_the_same_cells_on_every_page(
    world: World,
    client_for,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    fix_today(monkeypatch, D(2025, 3, 31))
    sw = world.users["social_worker"]
    for n in range(12):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.CP_PLAN, opened_on=D(2024, 6, 3), actor=sw)
        make_cp_plan(case, icpc_on=D(2024, 6, 3), actor=sw, category="PHY" if n < 2 else "NEG")
    client = client_for("data_analyst")
    # 10 neglect and 2 physical: the 2 is hidden, so the 10 must be too (12 - 10 = 2).
    for code in ("cp_category_n", "cp_category_p"):
        text = client.get(f"/indicators/{code}/").content.decode()
        row = text[text.index("1 April 2024 to 31 March 2025") :].split("</tr>")[0]
        assert ">c<" in row and ">12<" in row


def test_unknown_measures_are_not_found_and_caseworkers_are_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("data_analyst").get("/indicators/no_such_measure/").status_code == 404
    assert client_for("social_worker").get("/indicators/").status_code == 403
    unavailable = client_for("data_analyst").get("/indicators/cla_rate/").content.decode()
    assert "Not available yet" in unavailable and "issue 5" in unavailable
