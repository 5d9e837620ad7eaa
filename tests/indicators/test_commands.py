"""manage.py load_population and manage.py indicators, and the population service."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.indicators.catalogue import MEASURES
from masa.indicators.models import LocalAuthorityLink, PopulationEstimate
from masa.indicators.services import population_set
from masa.journey.models import Stage

from ..casework_factories import make_case, make_referral
from ..conftest import World
from ..factories import ChildFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_load_population_reads_the_copy_shipped_with_masa(world: World) -> None:
    call_command("load_population", "--la", "359", "--partnership", world.partnership.slug)
    held = dict(
        PopulationEstimate.objects.filter(partnership=world.partnership).values_list(
            "year", "children_0_to_17"
        )
    )
    assert held[2023] == 70_691 and held[2024] == 71_697 and min(held) == 2012
    link = LocalAuthorityLink.objects.get(partnership=world.partnership)
    assert (link.la_code, link.la_name) == ("359", "Wigan")


def test_load_population_reads_the_full_dfe_file_and_replaces_revised_years(
    world: World, tmp_path: Path
) -> None:
    population_set(world.partnership, 2023, 1)
    path = tmp_path / "ons.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,new_la_code,la_name,age_group,population_estimate\n"
        "2023,Reporting year,National,E92000001,England,,,,,,Children aged 0 to 17 years,"
        "12059476\n"
        "2023,Reporting year,Local authority,E92000001,England,E12000002,North West,344,"
        "E08000015,Wirral,Children aged 0 to 17 years,66000\n"
        "2022,Reporting year,Local authority,E92000001,England,E12000002,North West,344,"
        "E08000015,Wirral,Children aged 0 to 17 years,x\n"
    )
    call_command("load_population", str(path), "--la", "344")
    held = dict(PopulationEstimate.objects.values_list("year", "children_0_to_17"))
    assert held == {2023: 66_000}  # "x" (not available) is skipped, not stored as 0
    assert AuditEvent.objects.filter(object_type="population estimate").count() == 2


def test_load_population_refuses_an_unknown_authority_and_a_missing_file(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="no figures for local authority 999"):
        call_command("load_population", "--la", "999")
    with pytest.raises(CommandError, match="No file"):
        call_command("load_population", str(tmp_path / "nothing.csv"), "--la", "359")
    bad = tmp_path / "bad.csv"
    bad.write_text("year,value\n2023,5\n")
    with pytest.raises(CommandError, match="no time_period, old_la_code"):
        call_command("load_population", str(bad), "--la", "359")


def test_population_set_refuses_nonsense(world: World) -> None:
    with pytest.raises(ServiceError, match="more than 0"):
        population_set(world.partnership, 2024, 0)
    with pytest.raises(ServiceError, match="such as 2024"):
        population_set(world.partnership, 24, 10_000)


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_the_indicators_command_writes_every_measure(world: World, tmp_path: Path) -> None:
    sw = world.users["social_worker"]
    for day in (D(2024, 4, 1), D(2024, 9, 2), D(2025, 3, 31)):
        child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
        case = make_case(child, stage=Stage.REFERRAL, opened_on=day, actor=sw)
        make_referral(case, referral_date=day, actor=sw)
    population_set(world.partnership, 2024, 20_000)
    out = tmp_path / "indicators.csv"
    call_command(
        "indicators",
        "--year",
        "2024/25",
        "--partnership",
        world.partnership.slug,
        "--out",
        str(out),
        "--no-suppression",
    )
    rows = _rows(out)
    assert set(rows) == set(MEASURES)
    rate = rows["referral_rate"]
    assert (rate["period"], rate["numerator"], rate["denominator"], rate["value"]) == (
        "2024-25",
        "3",
        "20000",
        "1.5",
    )
    assert (rate["population_year"], rate["dfe_comparable"]) == ("2024", "yes")
    assert rows["cla_rate"]["note"].startswith("Not available yet")

    # By default the file may leave the system, so small numbers are suppressed.
    call_command("indicators", "--year", "2024-25", "--out", str(out))
    assert _rows(out)["referrals"]["numerator"] == "c"


def test_a_calendar_year_is_labelled_and_not_dfe_comparable(world: World, tmp_path: Path) -> None:
    out = tmp_path / "calendar.csv"
    call_command("indicators", "--calendar-year", "2023", "--out", str(out))
    row = _rows(out)["referrals"]
    assert (row["period"], row["numerator"], row["dfe_comparable"]) == (
        "January to December 2023",
        "0",
        "no",
    )
    assert _rows(out)["referral_rate"]["note"] == "No population estimate is held for this period"


def test_the_indicators_command_refuses_a_year_that_is_not_april_to_march(world: World) -> None:
    with pytest.raises(CommandError, match="2024/25"):
        call_command("indicators", "--year", "2024/26")
    with pytest.raises(CommandError, match="at least one"):
        call_command("indicators")
