"""validate903 and list903rules, run as an analyst would (the Command objects, so the tests do
not depend on ``masa.returns`` being in INSTALLED_APPS)."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masa.returns.management.commands.list903rules import Command as List903Rules
from masa.returns.management.commands.validate903 import Command as Validate903
from masa.returns.ssda903.synthetic import synthetic_return, write_csv_files


@pytest.fixture
def return_folder(tmp_path: Path) -> Path:
    rows = synthetic_return(40, 2025, seed=7)
    rows["Header"][0]["ETHNIC"] = "XXXX"  # one finding: rule 103 on row 1
    write_csv_files(rows, tmp_path / "903", 2025)
    return tmp_path / "903"


def run(*args: str, **options: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(Validate903(), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_validate903_writes_the_row_level_report_and_a_summary(
    return_folder: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.csv"
    out, err = run(str(return_folder), year="2024/25", la="359", out=str(report))
    assert err == ""
    assert "SSDA903 2024/25: 40 children." in out
    assert "1 findings for 1 children" in out
    with report.open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert lines == [
        {
            "child": "C000001",
            "table": "Header",
            "row": "1",
            "field": "ETHNIC",
            "rule": "103",
            "message": "The ethnicity code is either not valid or has not been entered.",
        }
    ]


def test_validate903_exits_non_zero_when_a_file_cannot_be_read(
    return_folder: Path, tmp_path: Path
) -> None:
    (return_folder / "stray.csv").write_text("NAME,AGE\r\nx,1\r\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        run(str(return_folder), year="2024/25", out=str(tmp_path / "r.xlsx"))
    assert stopped.value.code == 1
    assert (tmp_path / "r.xlsx").exists()  # the readable files were still validated


def test_validate903_compares_with_last_years_return(return_folder: Path, tmp_path: Path) -> None:
    last = synthetic_return(40, 2024, seed=7)
    last["Header"][1]["DOB"] = "01/01/2001"
    write_csv_files(last, tmp_path / "last", 2024)
    report = tmp_path / "report.csv"
    run(str(return_folder), year="2024/25", previous=str(tmp_path / "last"), out=str(report))
    rules = [line["rule"] for line in csv.DictReader(report.open(encoding="utf-8"))]
    assert "203" in rules


def test_validate903_refuses_an_unknown_year(return_folder: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no SSDA903 specification for 2030/31"):
        run(str(return_folder), year="2030/31", out=str(tmp_path / "r.csv"))


def test_validate903_with_nothing_readable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("A,B\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No 903 table could be read"):
        run(str(tmp_path / "x.csv"), year="2024/25", out=str(tmp_path / "r.csv"))


def test_list903rules_lists_codes_and_messages_for_a_year() -> None:
    out = StringIO()
    call_command(List903Rules(), year="2024/25", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("SSDA903 rules for 2024/25: ")
    assert "101\tHeader\t2017/18 on\tGender code is not valid." in lines
    assert any(line.startswith("MASA-FORMULA\t") for line in lines)


def test_the_commands_are_found_by_name() -> None:
    out = StringIO()
    call_command("list903rules", year="2017/18", stdout=out)
    assert out.getvalue().startswith("SSDA903 rules for 2017/18: ")
