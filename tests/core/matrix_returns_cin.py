"""Placeholders for the returns rows (CIN census and Annex A) of docs/permission-matrix.csv.

``{cin_findings}`` is a real check of a CIN census file made by the data analyst, so the
findings page answers 200 to them (and 403 to every role that cannot prepare returns, before
the page looks for the check).
"""

from __future__ import annotations

from masa.returns.cin.xml_read import census_file_validated
from masa.returns.cin.xml_write import CensusHeader, census_xml

from ..conftest import World
from ..returns.cin.builders import CHILD


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    data = census_xml(
        [CHILD], 2026, CensusHeader(Year="2026", ReferenceDate="2026-03-31", LEA="359")
    )
    stored = census_file_validated(
        user=world.users["data_analyst"], data=data, file_name="census.xml", year=None
    )
    return {"{cin_findings}": stored.token}
