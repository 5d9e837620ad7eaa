"""Published comparators: loading the DfE's files, choosing the comparator year, the mean of the
statistical neighbours and the comparisons in words.

The hand-made set: Wigan (359, North West) and ten neighbours in the 2025 model, with EES
figures for 2022-23 and 2023-24 only (``time_period`` 2023 and 2024), so a local 2024-25 is
compared with 2023-24. Re-referrals in 2023-24: England 22.4%, North West 21.2%, Wigan 24.4%,
the neighbours 20% to 28% and one suppressed ("c"), whose mean is 24.0 over nine.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masa.core.models import AuditEvent, Partnership
from masa.indicators.catalogue import MEASURES
from masa.indicators.comparators import (
    NATIONAL,
    NEIGHBOURS,
    Comparator,
    benchmarks,
    comparator_set,
    comparison,
    latest_dfe_year_by,
)
from masa.indicators.load_published import (
    LayoutError,
    load_published,
    region_key,
    reporting_year,
)
from masa.indicators.models import PublishedArea, PublishedFigure, StatisticalNeighbour
from masa.indicators.periods import calendar_year, financial_year, year_to_date
from masa.indicators.services import local_authority_link

from ..conftest import World

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe-published"
AREA_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]
NEIGHBOURS_2025 = [
    ("342", "St. Helens"),
    ("372", "Rotherham"),
    ("807", "Redcar and Cleveland"),
    ("371", "Doncaster"),
    ("370", "Barnsley"),
    ("373", "Sheffield"),
    ("392", "North Tyneside"),
    ("355", "Salford"),
    ("356", "Stockport"),
    ("358", "Trafford"),
]
# Re-referrals (%) in 2023-24: nine published, Trafford suppressed.
NEIGHBOUR_REREFERRALS = ["20", "21", "22", "23", "24", "25", "26", "27", "28", "c"]


def _area(level: str, code: str = "", name: str = "") -> list[str]:
    if level == "National":
        return ["National", "E92000001", "England", "", "", "", "", ""]
    if level == "Regional":
        return ["Regional", "E92000001", "England", "E12000002", "North West", "", "", ""]
    return ["Local authority", "E92000001", "England", "E12000002", "North West", code, "", name]


def write_ees(
    path: Path, value_columns: list[str], rows: list[tuple[str, list[str], list[str]]]
) -> Path:
    """An EES CSV: each row is (time_period, area columns, values)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(AREA_COLUMNS + value_columns)
        for period, area, values in rows:
            writer.writerow([period, "Reporting year", *area, *values])
    return path


def published_set(folder: Path) -> Path:
    """The hand-made set: c1 referrals, the ONS population and the 2025 neighbour model."""
    folder.mkdir(exist_ok=True)
    c1 = []
    for period, england, region, wigan in (
        ("2023", "21.5", "20.9", "23.7"),
        ("2024", "22.4", "21.2", "24.4"),
    ):
        c1.append((period, _area("National"), ["621880", england, "6.3"]))
        c1.append((period, _area("Regional"), ["81950", region, "5.4"]))
        c1.append((period, _area("LA", "359", "Wigan"), ["3744", wigan, "1.1"]))
        for (code, name), rate in zip(NEIGHBOURS_2025, NEIGHBOUR_REREFERRALS, strict=True):
            c1.append((period, _area("LA", code, name), ["1000", rate, "c"]))
    write_ees(
        folder / "c1_referrals.csv",
        ["referral_count", "rereferral_percent", "no_further_action_percent"],
        c1,
    )
    population = [
        ("2023", _area("National"), ["Children aged 0 to 17 years", "12000000"]),
        ("2023", _area("Regional"), ["Children aged 0 to 17 years", "1600000"]),
        ("2023", _area("LA", "359", "Wigan"), ["Children aged 0 to 17 years", "70691"]),
    ] + [
        ("2023", _area("LA", code, name), ["Children aged 0 to 17 years", "50000"])
        for code, name in NEIGHBOURS_2025
    ]
    write_ees(folder / "ons_population.csv", ["age_group", "population_estimate"], population)
    with (folder / "sn_model_2025_wide.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header = ["old_la_code", "la_name", "region_ind", "region_name"]
        for rank in range(1, 11):
            header += [f"SN_{rank}", f"SN_{rank}P"]
        writer.writerow(header)
        row = ["359", "Wigan", "2", "North West"]
        for code, _ in NEIGHBOURS_2025:
            row += [code, "Close "]
        writer.writerow(row)
    return folder


def load_small_set(tmp_path: Path, partnership: Partnership) -> None:
    load_published([published_set(tmp_path / "published")])
    local_authority_link(partnership, "359", "Wigan")


# ---------------------------------------------------------------- loading


def test_the_loader_reads_the_ees_layout_and_works_out_rates_from_counts(tmp_path: Path) -> None:
    report = load_published([published_set(tmp_path / "published")])
    assert [name for name, _, _ in report.files] == [
        "c1_referrals.csv",
        "ons_population.csv",
        "sn_model_2025_wide.csv",
    ]
    wigan = PublishedFigure.objects.get(area_code="359", measure_code="re_referrals", year=2024)
    assert (wigan.value_text, wigan.value, wigan.time_period) == ("24.4", 24.4, "2024")
    suppressed = PublishedFigure.objects.get(
        area_code="358", measure_code="re_referrals", year=2024
    )
    assert (suppressed.value_text, suppressed.value) == ("c", None)
    # 3,744 referrals in 2023-24 over the mid-2023 estimate of 70,691 children: 529.6.
    rate = PublishedFigure.objects.get(area_code="359", measure_code="referral_rate", year=2024)
    assert (rate.value_text, rate.priority) == ("529.6", 3)
    assert "ONS mid-2023 estimate" in rate.source
    # 2022-23's rate needs mid-2022, which the file does not give: not worked out, and said so.
    assert not PublishedFigure.objects.filter(measure_code="referral_rate", year=2023).exists()
    assert report.not_worked_out == 13
    assert "load the ONS population file too" in "\n".join(report.lines())
    region = PublishedArea.objects.get(code=region_key("North West"))
    assert (region.level, region.ons_code) == ("regional", "E12000002")
    assert PublishedArea.objects.get(code="359").region_code == region.code
    assert list(
        StatisticalNeighbour.objects.filter(la_code="359", model="2025").values_list(
            "neighbour_code", flat=True
        )
    ) == [code for code, _ in NEIGHBOURS_2025]
    assert AuditEvent.objects.filter(object_type="published figures").count() == 1


def test_loading_again_changes_nothing_and_a_newer_file_replaces_values(tmp_path: Path) -> None:
    folder = published_set(tmp_path / "published")
    first = load_published([folder])
    again = load_published([folder])
    assert first.created > 0 and (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert PublishedFigure.objects.count() == first.created
    # A revised file in the same layout (the DfE corrects Wigan's 2023-24 figure).
    write_ees(
        tmp_path / "c1_revised.csv",
        ["referral_count", "rereferral_percent"],
        [("2024", _area("LA", "359", "Wigan"), ["3744", "24.6"])],
    )
    revised = load_published([tmp_path / "c1_revised.csv"])
    # The re-referrals changed; the count and the rate worked out from it now name the new file.
    assert revised.updated == 3
    assert (
        PublishedFigure.objects.get(area_code="359", measure_code="re_referrals", year=2024).value
        == 24.6
    )


def test_a_figure_published_by_lait_wins_over_one_masa_worked_out(tmp_path: Path) -> None:
    load_published([published_set(tmp_path / "published")])
    lait = tmp_path / "lait_wide.csv"
    lait.write_text(
        'la_number,area,region,year,ReReferral,"CPP_Total_Rateper10,000"\n'
        "359,Wigan,North West,2024,24.4,529.7\n"
        "970,England,NA,2024,22.4,518.8\n"
    )
    report = load_published([lait])
    rate = PublishedFigure.objects.get(area_code="359", measure_code="referral_rate", year=2024)
    assert (rate.value_text, rate.priority) == ("529.7", 2)
    # EES's values as published stay (Wigan's and England's re-referrals): LAIT does not
    # replace them.
    assert report.kept == 2
    assert (
        PublishedFigure.objects.get(
            area_code="england", measure_code="re_referrals", year=2024
        ).priority
        == 1
    )


def test_a_file_in_another_layout_is_refused_with_its_name(tmp_path: Path) -> None:
    wrong = tmp_path / "lookup.csv"
    wrong.write_text("LTLA23CD,LTLA23NM,UTLA23CD\nE06000001,Hartlepool,E06000001\n")
    with pytest.raises(LayoutError, match=r"lookup.csv is not in a layout masa can read.*LTLA23CD"):
        load_published([wrong])
    with pytest.raises(CommandError, match=r"lookup\.csv is not in a layout"):
        call_command("load_published_figures", str(wrong))
    assert not PublishedFigure.objects.exists()
    # In a folder, the same file is skipped and listed; the rest loads.
    folder = published_set(tmp_path / "published")
    (folder / "lookup.csv").write_text(wrong.read_text())
    report = load_published([folder])
    assert ("lookup.csv", "not a layout masa reads") in report.skipped


def test_the_command_loads_reports_counts_and_links_the_partnership(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = published_set(tmp_path / "published")
    call_command(
        "load_published_figures",
        str(folder),
        "--compare-with",
        "359",
        "--partnership",
        world.partnership.slug,
    )
    out = capsys.readouterr().out
    assert "c1_referrals.csv: ees" in out and "new, 0 changed" in out
    assert "is compared with Wigan (359)" in out
    with pytest.raises(CommandError, match="No local authority 999"):
        call_command("load_published_figures", str(folder), "--compare-with", "999")


def test_years_as_the_dfe_publishes_them() -> None:
    assert reporting_year("2024") == 2024  # EES and LAIT: the year ending 31 March 2024
    assert reporting_year("202324") == 2024
    assert reporting_year("2014-16") is None and reporting_year("202325") is None
    assert region_key("Yorkshire and The Humber") == region_key("Yorkshire and the Humber")
    assert region_key("Inner London") == region_key("London (Inner)")


# ---------------------------------------------------------------- comparators


def test_local_2024_25_is_compared_with_2023_24_the_latest_published(
    world: World, tmp_path: Path
) -> None:
    load_small_set(tmp_path, world.partnership)
    cset = comparator_set(world.partnership.pk)
    assert cset is not None and cset.sn_model == "2025" and len(cset.neighbours) == 10
    assert "2025 statistical neighbour model" in cset.sn_model_label
    year = financial_year(2024)  # 2024-25: not published in the set
    assert latest_dfe_year_by(year.end) == 2025
    found = benchmarks(cset, year, [MEASURES["re_referrals"]], {"re_referrals": (30.0, False)})
    bench = found["re_referrals"]
    assert (bench.year, bench.year_label) == (2024, "2023-24")
    shown = {c.name: (c.text, c.year_label) for c in bench.comparators}
    assert shown == {
        "Wigan": ("24.4", "2023-24"),
        "Statistical neighbours": ("24.0", "2023-24"),
        "North West": ("21.2", "2023-24"),
        "England": ("22.4", "2023-24"),
    }
    # Lower is better for re-referrals: 30% is higher than every comparator, and not good.
    assert bench.comparisons == [
        "Higher than Wigan (not good)",
        "Higher than statistical neighbours (not good)",
        "Higher than North West (not good)",
        "Higher than England (not good)",
    ]
    # 2023-24 itself is compared with its own year.
    same_year = benchmarks(
        cset, financial_year(2023), [MEASURES["re_referrals"]], {"re_referrals": (22.4, False)}
    )["re_referrals"]
    assert same_year.year_label == "2023-24" and "The same as England" in same_year.comparisons
    # 2022-23 is compared with 2022-23 (published before 2023-24).
    earlier = benchmarks(
        cset, financial_year(2022), [MEASURES["re_referrals"]], {"re_referrals": (20.0, False)}
    )["re_referrals"]
    assert earlier.year_label == "2022-23"
    assert next(c for c in earlier.comparators if c.kind == NATIONAL).text == "21.5"


def test_the_neighbours_mean_leaves_out_a_suppressed_neighbour_and_names_it(
    world: World, tmp_path: Path
) -> None:
    load_small_set(tmp_path, world.partnership)
    cset = comparator_set(world.partnership.pk)
    assert cset is not None
    bench = benchmarks(
        cset, financial_year(2024), [MEASURES["re_referrals"]], {"re_referrals": (24.0, False)}
    )["re_referrals"]
    mean = next(c for c in bench.comparators if c.kind == NEIGHBOURS)
    assert mean.value == pytest.approx(24.0)  # (20 + 21 + ... + 28) / 9
    assert mean.note.startswith("Mean of 9 of 10 neighbours (the DfE's 2025")
    assert mean.note.endswith("not published: Trafford")
    assert "The same as statistical neighbours" in bench.comparisons


def test_no_judgement_where_neither_direction_is_better_and_none_for_part_of_a_year(
    world: World, tmp_path: Path
) -> None:
    load_small_set(tmp_path, world.partnership)
    cset = comparator_set(world.partnership.pk)
    assert cset is not None
    rate = benchmarks(
        cset, financial_year(2024), [MEASURES["referral_rate"]], {"referral_rate": (600.0, False)}
    )["referral_rate"]
    assert "Higher than Wigan" in rate.comparisons  # 600 against the worked-out 529.6
    assert all("good" not in words for words in rate.comparisons)
    # The neighbours' rates are 1,000 referrals over 50,000 children each: 200.0.
    assert next(c for c in rate.comparators if c.kind == NEIGHBOURS).text == "200.0"
    # Part of a year: comparators shown, labelled, but no comparison in words.
    so_far = year_to_date(financial_year(2025).start.replace(month=11, day=23))
    partial = benchmarks(cset, so_far, [MEASURES["re_referrals"]], {"re_referrals": (10.0, False)})[
        "re_referrals"
    ]
    assert partial.comparisons == [] and "part of a year" in partial.caveat
    # A suppressed local figure: no comparison either.
    hidden = benchmarks(
        cset, financial_year(2024), [MEASURES["re_referrals"]], {"re_referrals": (40.0, True)}
    )["re_referrals"]
    assert hidden.comparisons == [] and "Small numbers are hidden" in hidden.caveat
    # A calendar year is a whole year: compared, with the difference of periods stated.
    calendar = benchmarks(
        cset, calendar_year(2024), [MEASURES["re_referrals"]], {"re_referrals": (10.0, False)}
    )["re_referrals"]
    assert calendar.year_label == "2023-24" and "Lower than England (good)" in calendar.comparisons
    assert "DfE years" in calendar.caveat


def test_comparison_words_follow_the_direction_of_good() -> None:
    england = Comparator(NATIONAL, "England", 2024, 80.0, "80.0")
    timely = MEASURES["assessments_45_days"]  # higher is better
    assert comparison(timely, 85.0, england) == "Higher than England (good)"
    assert comparison(timely, 75.0, england) == "Lower than England (not good)"
    assert comparison(timely, 80.04, england) == "The same as England"  # 80.0 as shown
    assert comparison(timely, None, england) == ""
    assert comparison(MEASURES["cp_rate"], 85.0, england) == "Higher than England"


def test_counts_are_compared_with_the_authoritys_own_count_only(
    world: World, tmp_path: Path
) -> None:
    load_small_set(tmp_path, world.partnership)
    cset = comparator_set(world.partnership.pk)
    assert cset is not None
    bench = benchmarks(
        cset, financial_year(2023), [MEASURES["referrals"]], {"referrals": (3700.0, False)}
    )
    assert [(c.name, c.text) for c in bench["referrals"].comparators] == [("Wigan", "3,744")]
    # A local measure has no published comparator at all.
    assert benchmarks(cset, financial_year(2023), [MEASURES["contacts"]], {}) == {}


@pytest.mark.skipif(not SHARED.is_dir(), reason="the DfE's published files are not here")
def test_the_dfe_files_give_wigans_published_rates(world: World) -> None:
    folder = SHARED / "csc_outcomes_enablers"
    load_published(
        [
            folder / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
            folder / "ons_mid-year_population_estimates_2012_to_2024.csv",
            folder / "d5_cpps_at31march_by_duration_2013_to_2025.csv",
            folder / "sn_model_2025_wide.csv",
        ]
    )
    local_authority_link(world.partnership, "359", "Wigan")

    def value(code: str, measure: str, year: int) -> str:
        return PublishedFigure.objects.get(
            area_code=code, measure_code=measure, year=year
        ).value_text

    # Rates worked out from EES counts and the ONS estimates are LAIT's published rates for
    # 2023-24 (CPP_Total_Rateper10,000 529.6, CPP_rate 43.1) and 2024-25 (479.4, 39.2).
    assert value("359", "referral_rate", 2024) == "529.6"
    assert value("359", "cp_rate", 2024) == "43.1"
    assert value("359", "referral_rate", 2025) == "479.4"
    assert value("359", "cp_rate", 2025) == "39.2"
    assert value("359", "re_referrals", 2024) == "24.4"  # EES c1, as published
    cset = comparator_set(world.partnership.pk)
    assert cset is not None and cset.region_name == "North West" and len(cset.neighbours) == 10
