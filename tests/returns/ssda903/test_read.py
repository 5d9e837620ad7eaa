"""Reading 903 CSV files: identification by columns, encodings, size, shape, dates, row numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import read_return, validate
from masa.returns.ssda903.read import DEFAULT_MAX_BYTES, ReadError, decode, size_text

Y2025 = CollectionYear(2025)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,"
    "URN\r\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_files_are_identified_by_their_columns_in_any_order_and_case(tmp_path: Path) -> None:
    write(
        tmp_path, "a.csv", "dob,CHILD,sex,ETHNIC,UPN,MOTHER,MC_DOB\r\n01/06/2012,7,M,WBRI,UN2,,\r\n"
    )
    write(tmp_path, "b.csv", EPISODES + "7,01/05/2024,S,C2,N1,U1,PR1,,,,AB1 2CD,AB1 3CD,\r\n")
    result = read_return([tmp_path], Y2025)
    assert result.errors == []
    assert result.data.sources == {"Header": "a.csv", "Episodes": "b.csv"}
    header = result.data.tables["Header"]
    assert header.row(0, named=True)["DOB"] == "01/06/2012"
    assert header.row(0, named=True)["SEX"] == "M"


def test_a_file_matching_no_table_names_its_columns_and_the_nearest_table(tmp_path: Path) -> None:
    write(tmp_path, "odd.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MUM\r\n")
    result = read_return([tmp_path / "odd.csv"], Y2025)
    [error] = result.errors
    assert error.source == "odd.csv"
    assert "its columns (CHILD, SEX, DOB, ETHNIC, UPN, MUM) match no table of the 2024/25" in str(
        error
    )
    assert "the nearest is Header (missing MOTHER, MC_DOB; not expected MUM)" in str(error)


def test_social_worker_episodes_before_2023_to_24_are_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    write(tmp_path, "sw.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\n")
    [error] = read_return([tmp_path], CollectionYear(2022)).errors
    assert (
        "columns of SWEpisodes, which the 2021/22 return does not have (it starts in 2023/24)"
        in (error.message)
    )


def test_two_files_for_one_table_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "h1.csv", HEADER)
    write(tmp_path, "h2.csv", HEADER)
    [error] = read_return([tmp_path], Y2025).errors
    assert error.source == "h2.csv"
    assert "second Header file (the first was h1.csv)" in error.message


def test_utf8_with_a_byte_order_mark_and_windows_1252_are_read(tmp_path: Path) -> None:
    write(tmp_path, "h.csv", "\ufeff" + HEADER + "Zoë,M,01/06/2012,WBRI,UN2,,\r\n")
    write(
        tmp_path,
        "r.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\nZoë,01/06/2012,01/06/2024,PN1\r\n",
        "cp1252",
    )
    result = read_return([tmp_path], Y2025)
    assert result.errors == []
    assert result.data.tables["Header"]["CHILD"].to_list() == ["Zoë"]
    assert result.data.tables["Reviews"]["CHILD"].to_list() == ["Zoë"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfeC\x00H\x00", "is UTF-16 text; save it as 'CSV UTF-8 (comma delimited)'"),
        (b"PK\x03\x04rest", "is a spreadsheet workbook (XLSX), not CSV"),
        (b"CHILD\x00", "contains NUL bytes"),
        (b"CHILD,\x81\x8d", "is neither UTF-8 nor Windows-1252 text (byte 0x81 at position 6)"),
    ],
)
def test_unreadable_encodings_are_refused_with_what_to_do(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=None) as raised:
        decode(data, "x.csv")
    assert message in raised.value.message


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    write(tmp_path, "big.csv", HEADER + "1,M,01/06/2012,WBRI,UN2,,\r\n" * 100)
    [error] = read_return([tmp_path], Y2025, max_bytes=1024).errors
    assert error.message == "is 3 KB, over the 1 KB limit for one file"
    assert error.source == "big.csv"


def test_the_default_limit_is_50_mb() -> None:
    assert size_text(DEFAULT_MAX_BYTES) == "50 MB"
    assert size_text(int(2.5 * 1_048_576)) == "2.5 MB"


def test_a_row_with_more_values_than_columns_is_refused_naming_the_row(tmp_path: Path) -> None:
    write(
        tmp_path,
        "h.csv",
        HEADER + "1,M,01/06/2012,WBRI,UN2,,\r\n2,M,01/06/2012,WBRI,UN2,,,extra\r\n",
    )
    [error] = read_return([tmp_path], Y2025).errors
    assert error.message == "row 2 has 8 values but the file has 7 columns"


def test_rows_are_numbered_from_the_first_line_after_the_column_names_counting_blank_lines(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "h.csv",
        HEADER + "1,M,01/06/2012,WBRI,UN2,,\r\n\r\n,,,,,,\r\n2,X,01/06/2012,WBRI,UN2,,\r\n",
    )
    result = read_return([tmp_path], Y2025)
    assert result.data.tables["Header"]["_row"].to_list() == [1, 4]
    findings = validate(result.data, codes={"101"}).findings
    assert [(f.child, f.table, f.row, f.fields) for f in findings] == [("2", "Header", 4, ("SEX",))]


def test_a_bad_date_is_a_finding_with_row_and_field_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "h.csv", HEADER + "1,M,2012-06-01,WBRI,UN2,,\r\n2,M,1/6/2012,WBRI,UN2,,\r\n")
    result = read_return([tmp_path], Y2025)
    header = result.data.tables["Header"]
    assert header["DOB__date"].to_list()[0] is None
    assert str(header["DOB__date"].to_list()[1]) == "2012-06-01"  # one-digit day and month accepted
    findings = validate(result.data, codes={"102"}).findings
    assert [(f.child, f.row, f.fields, f.code) for f in findings] == [("1", 1, ("DOB",), "102")]


def test_formula_looking_values_are_refused_at_validation_but_negative_numbers_are_not(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "oc2.csv",
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\r\n"
        "1,01/06/2012,-3,,,,,,,,,\r\n"
        "2,01/06/2012,,@SUM(A1),,,,,,,,\r\n"
        "3,01/06/2012,,,,,+1,,,,,\r\n"
        '4,01/06/2012,,,,,,,,,,"=HYPERLINK(""x"")"\r\n',
    )
    findings = validate(read_return([tmp_path], Y2025).data, codes={"MASA-FORMULA"}).findings
    assert [(f.child, f.row, f.fields) for f in findings] == [
        ("2", 2, ("SDQ_REASON",)),
        ("3", 3, ("IMMUNISATIONS",)),
        ("4", 4, ("INTERVENTION_OFFERED",)),
    ]


def test_a_folder_with_no_903_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    [error] = read_return([tmp_path], Y2025).errors
    assert "no CSV or XML files" in error.message
