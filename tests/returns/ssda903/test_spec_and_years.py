"""The field specification per year as data, regenerated from the yml files when they are here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masa.returns.ssda903 import parse_year
from masa.returns.ssda903.spec import HERE, available_years, spec_for
from masa.returns.ssda903.spec.build import build, render

SCHEMAS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "dfe-schemas"


def test_every_collection_year_from_2017_to_18_to_2025_to_26_has_a_specification() -> None:
    assert available_years() == tuple(range(2018, 2027))


def test_tables_and_columns_in_the_dfe_spelling() -> None:
    spec = spec_for(2025)
    assert list(spec.tables) == [
        "Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
        "PrevPerm", "Missing", "SWEpisodes",
    ]  # fmt: skip
    assert spec.tables["Episodes"].column_names == (
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    )  # fmt: skip
    assert spec.tables["Episodes"].column("DECOM").type == "date"


def test_year_specific_code_lists() -> None:
    assert "SWEpisodes" not in spec_for(2023).tables and "SWEpisodes" in spec_for(2024).tables
    assert spec_for(2024).codes("Header", "SEX") == {"1", "2"}
    assert spec_for(2025).codes("Header", "SEX") == {"M", "F", "U"}
    assert "H5" in spec_for(2024).codes("Episodes", "PLACE")
    assert "H5" not in spec_for(2025).codes("Episodes", "PLACE")
    assert "Z11" in spec_for(2026).codes("Episodes", "PLACE")
    assert "E45" not in spec_for(2018).codes("Episodes", "REC")
    assert "E45" in spec_for(2019).codes("Episodes", "REC")
    assert "CUSTOD" in spec_for(2019).codes("Episodes", "REASON_PLACE_CHANGE")
    assert {"F3", "P3"} <= spec_for(2021).codes("OC3", "ACTIV")
    assert not {"F3", "P3"} & spec_for(2022).codes("OC3", "ACTIV")
    assert "PCCHAN" in spec_for(2024).codes("SWEpisodes", "SW_REASON")  # the yml's stray space gone


@pytest.mark.skipif(not SCHEMAS.exists(), reason="the shared yml specifications are not here")
def test_the_shipped_json_is_what_the_yml_files_give() -> None:
    for year, spec in build(SCHEMAS).items():
        shipped = (HERE / f"{year}.json").read_text(encoding="utf-8")
        assert shipped == render(spec), f"{year}.json is stale: run spec/build.py"
        assert json.loads(shipped)["year"] == year


@pytest.mark.parametrize("text", ["2024/25", "2024-25", "2024/2025", "2025", " 2024/25 "])
def test_a_year_can_be_written_as_people_do(text: str) -> None:
    assert parse_year(text).year == 2025


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024/26", "is not a collection year"),
        ("last year", "is not a collection year"),
        ("2016/17", "masa has no SSDA903 specification for 2016/17"),
    ],
)
def test_a_year_masa_cannot_handle_is_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_year(text)
