"""Export, import, export again: the same bytes, for every census year masa has a schema for,
each export valid against its year's schema (the issue's evidence for the CIN census XML)."""

from __future__ import annotations

import pytest

from masa.indicators.services import local_authority_link
from masa.returns.cin.export import cin_census_exported
from masa.returns.cin.xml_read import read_census, validate_census
from masa.returns.cin.xml_write import census_xml, schema_errors
from masa.returns.cin.xsd import census_years

from ...conftest import World
from .test_xml_export import casework_for_year


@pytest.mark.django_db
def test_every_years_export_is_valid_and_round_trips_byte_for_byte(world: World) -> None:
    local_authority_link(world.partnership, "359", "Wigan")
    years = census_years()
    assert years == tuple(range(2017, 2028))
    for year in years:
        casework_for_year(world, year)
    for year in years:
        export = cin_census_exported(partnership=world.partnership, year=year, actor=None)
        assert schema_errors(export.content, year) == (), year
        census = read_census(export.content, source="export.xml")
        assert census.year == year
        assert census.schema_valid, (year, census.schema_findings[:3])
        # Each year holds its own six children bar the one closed before it, plus the child
        # whose CIN plan runs into the next year.
        assert len(census.children) == export.children
        again = census_xml(census.children, year, census.header)
        assert again == export.content, year


@pytest.mark.django_db
def test_a_round_tripped_census_meets_the_dfe_rules_the_export_is_built_for(world: World) -> None:
    local_authority_link(world.partnership, "359", "Wigan")
    kids = casework_for_year(world, 2026)
    export = cin_census_exported(partnership=world.partnership, year=2026, actor=None)
    result = validate_census(read_census(export.content, source="export.xml"))
    codes = {(f.child, f.rule) for f in result.findings}
    # masa's own export never fails the rules about its shape: header, ICPC recorded twice,
    # episodes, codes, duplicates.
    for rule in ("100", "2884", "8510", "1520", "8866", "4220", "8568", "XSD"):
        assert not any(code == rule for _, code in codes), rule
    assert (kids.protected.masa_id, "2884") not in codes
