"""Distance from home, in or out of borough, family and friends care, placement counts, and
loading postcode centroids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masa.care.distance import (
    distance_between,
    great_circle_miles,
    in_borough,
    is_family_and_friends,
    normalise_postcode,
    placements_in_year,
)
from masa.care.models import Episode, PostcodeCentroid

from .factories import make_centroid

pytestmark = pytest.mark.django_db


def test_a_known_pair_of_postcodes_is_measured_in_miles_to_one_decimal_place() -> None:
    # Half a degree of latitude on one meridian: 0.5 x pi/180 x 3,958.76 miles = 34.547 miles.
    make_centroid("NB1 2AB", "52.000000", "-1.000000")
    make_centroid("NB9 9ZZ", "52.500000", "-1.000000")

    distance = distance_between("nb12ab", "NB9 9ZZ")

    assert distance.miles == Decimal("34.5")
    assert str(distance) == "34.5 miles"
    assert distance.far_from_home is True


def test_a_short_move_is_not_far_from_home() -> None:
    # A tenth of a degree of longitude at the equator: 6.9 miles.
    assert round(great_circle_miles(0, 0, 0, Decimal("0.1")), 1) == 6.9
    make_centroid("NB1 1AA", "53.500000", "-2.600000")
    make_centroid("NB1 1AB", "53.500000", "-2.500000")
    distance = distance_between("NB1 1AA", "NB1 1AB")
    assert distance.miles == Decimal("4.1")  # 0.1 degree x 69.09 miles x cos(53.5 degrees)
    assert distance.far_from_home is False


def test_a_postcode_without_a_centroid_gives_an_unknown_distance_never_a_guess() -> None:
    make_centroid("NB1 2AB", "52.000000", "-1.000000")
    # A postcode next door in the same district is not used instead.
    make_centroid("NB9 9ZY", "52.500000", "-1.000000")

    distance = distance_between("NB1 2AB", "NB9 9ZZ")

    assert distance.miles is None and not distance.known
    assert distance.far_from_home is None
    assert str(distance) == "Distance unknown: masa holds no location for NB9 9ZZ"


def test_a_missing_postcode_gives_an_unknown_distance_saying_which() -> None:
    assert str(distance_between("NB1 2AB", "")) == (
        "Distance unknown: no placement postcode is recorded"
    )
    assert distance_between("", "").reason_unknown == "no home or placement postcode is recorded"


def test_in_borough_compares_the_placement_postcodes_local_authority() -> None:
    make_centroid("NB1 2AB", "53.5", "-2.6", local_authority_code="E08000010")
    make_centroid("XY1 1AA", "53.4", "-2.2", local_authority_code="E08000003")
    make_centroid("ZZ1 1ZZ", "53.4", "-2.2")  # no authority held

    assert in_borough("NB1 2AB", "E08000010") is True
    assert in_borough("XY1 1AA", "E08000010") is False
    assert in_borough("ZZ1 1ZZ", "E08000010") is None
    assert in_borough("QQ1 1QQ", "E08000010") is None  # no centroid
    assert in_borough("NB1 2AB", "") is None  # the partnership's code is not known


def test_family_and_friends_care_is_foster_care_with_relatives_or_friends() -> None:
    assert [is_family_and_friends(code) for code in ("U1", "U2", "U3")] == [True] * 3
    assert [is_family_and_friends(code) for code in ("U4", "U6", "K2", "P1")] == [False] * 4


def test_postcodes_are_normalised_to_the_form_centroids_are_held_in() -> None:
    assert normalise_postcode(" nb1  2ab ") == "NB1 2AB"
    assert normalise_postcode("M11AE") == "M1 1AE"
    assert normalise_postcode("EC1A1BB") == "EC1A 1BB"
    assert normalise_postcode("not a postcode") == "NOTAPOSTCODE"


def _episode(start: str, rne: str, place: str, end: str | None = None) -> Episode:
    return Episode(
        started_on=dt.date.fromisoformat(start),
        reason_new_episode=rne,
        placement_type=place,
        ended_on=dt.date.fromisoformat(end) if end else None,
    )


def test_placements_in_a_year_count_moves_not_legal_status_or_temporary_changes() -> None:
    episodes = [
        _episode("2024-01-10", "S", "U4", "2024-06-01"),  # in placement on 1 April 2024: 1
        _episode("2024-06-01", "L", "U4", "2024-08-01"),  # legal status only: not a placement
        _episode("2024-08-01", "P", "K2", "2024-09-01"),  # a move: 2
        _episode("2024-09-01", "P", "T1", "2024-09-05"),  # hospital: temporary, not counted
        _episode("2024-09-05", "P", "K2", "2025-01-10"),  # back after hospital: counted, 3
        _episode("2025-01-10", "T", "A5", "2025-04-02"),  # placed for adoption with carer: no
        _episode("2025-04-02", "P", "U1"),  # next year
    ]
    assert placements_in_year(episodes, 2025) == 3
    assert placements_in_year(episodes, 2026) == 2  # the adoptive placement, then the move


# ---------------------------------------------------------------- loading centroids


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("pcds,doterm,lat,long,oslaua\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_load_postcodes_reads_the_ons_directory_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masa.care.management.commands import load_postcodes

    monkeypatch.setattr(load_postcodes, "BATCH", 2)  # several chunks from a small file
    make_centroid("NB1 2AB", "50.000000", "-3.000000")  # held already: updated
    path = _write(
        tmp_path / "onspd.csv",
        [
            "NB1 2AB,,52.000000,-1.000000,E08000010",
            "NB9 9ZZ,,52.500000,-1.000000,E08000010",
            "NB3 3CC,201001,53.1,-2.1,E08000011",
            "ZZ99 3CZ,,99.999999,0.000000,",  # no grid reference: skipped
            "NB4 4DD,,53.2,-2.2,E08000012",
        ],
    )
    out = call_command_output(path)

    assert "Loaded 4 postcodes" in out and "skipped 1" in out
    held = {c.postcode: c for c in PostcodeCentroid.objects.all()}
    assert set(held) == {"NB1 2AB", "NB9 9ZZ", "NB3 3CC", "NB4 4DD"}
    assert held["NB1 2AB"].latitude == Decimal("52.000000")
    assert held["NB1 2AB"].local_authority_code == "E08000010"
    assert held["NB1 2AB"].source == "ONS Postcode Directory (onspd.csv)"
    assert str(distance_between("NB1 2AB", "NB9 9ZZ")) == "34.5 miles"


def test_load_postcodes_refuses_a_file_without_the_directorys_columns(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("postcode,latitude,longitude\nNB1 2AB,52,-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no pcds, lat, long, oslaua columns"):
        call_command("load_postcodes", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_postcodes", str(tmp_path / "missing.csv"))
    assert not PostcodeCentroid.objects.exists()


def call_command_output(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_postcodes", str(path), stdout=out)
    return out.getvalue()
