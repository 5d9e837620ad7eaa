"""The 903 round trip: records -> export -> import into an empty partnership -> export again
gives the same bytes, for every collection year masa supports (2017/18 to 2025/26), as CSV
files and as XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from masa.care.import903 import import_return
from masa.care.models import Episode
from masa.people.models import Child
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import read_return
from masa.returns.ssda903.spec import spec_for
from tests.conftest import World
from tests.factories import AgencyFactory, PartnershipFactory, TeamFactory

from .test_returns903_support import YEARS, build_records, export_csv, export_xml


def empty_partnership():  # type: ignore[no-untyped-def]
    other = PartnershipFactory(slug="elsewhere", name="Elsewhere Partnership")
    team = TeamFactory(agency=AgencyFactory(partnership=other), name="Children in care")
    return other, team


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_csv_files_re_import_unchanged_in_every_year(
    world: World, tmp_path: Path, year: int
) -> None:
    build_records(world.partnership, world.la_team, year)
    first = export_csv(world.partnership, year, tmp_path / "first")
    assert set(first) >= {"header.csv", "episodes.csv", "oc2.csv", "oc3.csv", "ad1.csv"}
    assert ("social_worker_episodes.csv" in first) == (year >= 2024)
    assert first["header.csv"].count(b"\r\n") == 5  # columns + Ava, Ben, Cat, Dan

    other, team = empty_partnership()
    result = import_return(
        [tmp_path / "first"], CollectionYear(year), partnership=other, team=team, actor=None
    )
    assert len(result.summary["create"]) == 4
    assert result.summary["refused"] == []
    second = export_csv(other, year, tmp_path / "second")
    assert second == first  # byte for byte, every file


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_xml_re_imports_unchanged_in_every_year(world: World, tmp_path: Path, year: int) -> None:
    build_records(world.partnership, world.la_team, year)
    first = export_xml(world.partnership, year, tmp_path / "first.xml")
    other, team = empty_partnership()
    import_return(
        [tmp_path / "first.xml"], CollectionYear(year), partnership=other, team=team, actor=None
    )
    second = export_xml(other, year, tmp_path / "second.xml")
    assert second == first
    assert Child.objects.filter(partnership=other).count() == 4
    assert Episode.objects.filter(child__partnership=other).count() == 5


@pytest.mark.django_db
def test_the_exported_files_read_as_the_years_tables(world: World, tmp_path: Path) -> None:
    build_records(world.partnership, world.la_team, 2025)
    export_csv(world.partnership, 2025, tmp_path)
    result = read_return([tmp_path], CollectionYear(2025))
    assert result.errors == []
    assert set(result.data.tables) == set(spec_for(2025).tables)
