"""The DfE 903 code lists by collection year, with their labels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from masa.care import codes as dfe

SPEC = Path(__file__).resolve().parents[2] / "src" / "masa" / "returns" / "ssda903" / "spec"


def values(field: str, year: int) -> list[str]:
    return [c.code for c in dfe.codes(field, year)]


def test_a_date_belongs_to_the_collection_year_ending_the_next_31_march() -> None:
    assert dfe.collection_year(dt.date(2026, 3, 31)) == 2026
    assert dfe.collection_year(dt.date(2026, 4, 1)) == 2027


def test_placement_types_change_with_the_year() -> None:
    assert "H5" in values("PLACE", 2024) and "P2" in values("PLACE", 2024)
    assert "K3" not in values("PLACE", 2024)
    assert "K3" in values("PLACE", 2025) and "H5" not in values("PLACE", 2025)
    assert "Z11" in values("PLACE", 2026) and "Z11" not in values("PLACE", 2025)
    # A year after the last one masa knows uses the last list.
    assert values("PLACE", 2027) == values("PLACE", 2026)


def test_special_guardianship_reasons_were_split_in_2018_19() -> None:
    assert {"E43", "E44"} <= set(values("REC", 2018))
    assert {"E45", "E46", "E47", "E48"}.isdisjoint(values("REC", 2018))
    assert {"E45", "E48"} <= set(values("REC", 2019)) and "E43" not in values("REC", 2019)
    assert "CUSTOD" in values("REASON_PLACE_CHANGE", 2019)
    assert "CUSTOD" not in values("REASON_PLACE_CHANGE", 2018)


def test_labels_are_shown_with_their_codes() -> None:
    assert dfe.label("LS", "C2") == "Full care order"
    assert dfe.described("PLACE", "U1", 2025) == (
        "U1: Foster placement with relative or friend: long-term fostering"
    )
    assert dfe.label("REVIEW_CODE", "PN0", 2025) == "Child aged under 4 at the time of the review"
    # An old code keeps its label on old records; an unknown code is shown as itself.
    assert dfe.label("PLACE", "H5", 2026) == "Semi-independent living accommodation"
    assert dfe.label("PLACE", "Q9", 2026) == "Q9"
    assert dfe.described("REC", "") == ""
    assert ("C1", "C1: Interim care order") in dfe.choices("LS", 2026)


@pytest.mark.parametrize("year", range(2018, 2027))
@pytest.mark.parametrize(
    ("field", "table"),
    [
        ("RNE", "Episodes"),
        ("LS", "Episodes"),
        ("CIN", "Episodes"),
        ("PLACE", "Episodes"),
        ("PLACE_PROVIDER", "Episodes"),
        ("REC", "Episodes"),
        ("REASON_PLACE_CHANGE", "Episodes"),
        ("REVIEW_CODE", "Reviews"),
    ],
)
def test_the_lists_agree_with_the_903_specification_masa_validates_returns_with(
    year: int, field: str, table: str
) -> None:
    path = SPEC / f"{year}.json"
    if not path.exists():
        pytest.skip("the 903 specification files are not present")
    spec = json.loads(path.read_text())
    assert set(values(field, year)) == set(spec["tables"][table]["columns"][field]["codes"])
