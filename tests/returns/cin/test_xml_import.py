"""Reading a CIN census file: hostile input refused with a reason, schema errors and DfE rule
failures as row-level findings with lines, the return-level rules, the report files."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from masa.people.identifiers import upn_check_letter
from masa.returns.cin.report import (
    StoredValidation,
    load_validation,
    store_validation,
    to_csv,
    xlsx_bytes,
)
from masa.returns.cin.xml_read import (
    CensusReadError,
    read_census,
    validate_census,
    validate_file,
)
from masa.returns.cin.xml_write import CensusHeader, census_xml

from .builders import CALENDAR, CHILD, CHILD_2024, D, assessment, episode, ids

HEADER_2026 = CensusHeader(Year="2026", ReferenceDate="2026-03-31", LEA="359")


def census(*children: object, year: int = 2026, header: CensusHeader | None = HEADER_2026) -> bytes:
    return census_xml(children, year, header)  # type: ignore[arg-type]


def findings_of(data: bytes, year: int | None = None) -> list[tuple[str, str, str]]:
    result = validate_file(data, source="census.xml", year=year, calendar=CALENDAR)
    return [(f.child, f.rule, f.element) for f in result.findings]


# ---------------------------------------------------------------- hostile input


def test_a_clean_file_reads_into_the_model_with_no_findings() -> None:
    second_upn = upn_check_letter("355000012348") + "355000012348"
    data = census(CHILD, ids(CHILD, LAchildID="NB0002", UPN=second_upn))
    result = validate_file(data, source="census.xml", calendar=CALENDAR)
    assert result.census.year == 2026
    assert [c.ChildIdentifiers.LAchildID for c in result.census.children] == ["NB0001", "NB0002"]
    read = result.census.children[0]
    assert read.CINdetails[0].Section47[0].DateOfInitialCPC == D(2025, 6, 20)
    assert read.CINdetails[0].ReferralNFA == "0"  # the token as written
    assert result.findings == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol2;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(CensusReadError, match="declares a DTD or entities"):
        read_census(data, source="census.xml", year=2026)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    data = census(CHILD)
    with pytest.raises(CensusReadError, match=r"over the 1 KB limit"):
        read_census(data, source="census.xml", max_bytes=1024)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04rest-of-a-workbook", "zip file or an XLSX workbook"),
        (b"<Message><Children>", "not well-formed XML"),
        (b"<EXPSSDA903><CHILD/></EXPSSDA903>", "root element is <EXPSSDA903>"),
        (b'<?xml version="1.0" encoding="klingon"?><Message/>', "encoding 'klingon'"),
    ],
)
def test_files_that_are_not_a_census_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(CensusReadError, match=reason):
        read_census(data, source="census.xml", year=2026)


def test_bytes_that_are_not_utf_8_are_refused_with_their_line() -> None:
    data = census(ids(CHILD, LAchildID="NB0001")).replace(b"NB0001", b"NB\xe90001")
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    with pytest.raises(
        CensusReadError, match=rf"not valid UTF-8 text \(byte 0xE9 on line {line}\)"
    ):
        read_census(data, source="census.xml")


def test_other_encodings_are_read_when_the_file_says_which() -> None:
    text = census(ids(CHILD, LAchildID="NB0001")).decode("utf-8")
    latin = text.replace('encoding="UTF-8"', 'encoding="windows-1252"').replace(
        "NB0001", "NB\u00e90001"
    )
    read = read_census(latin.encode("cp1252"), source="census.xml")
    assert read.children[0].ChildIdentifiers.LAchildID == "NB\u00e90001"
    utf16 = codecs.BOM_UTF16_LE + text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
        "utf-16-le"
    )
    assert read_census(utf16, source="census.xml").children[0].ChildIdentifiers.LAchildID == (
        "NB0001"
    )


def test_the_year_comes_from_the_header_or_must_be_given() -> None:
    with pytest.raises(CensusReadError, match="say which year"):
        read_census(census(CHILD, header=None), source="census.xml")
    read = read_census(census(CHILD, header=None), source="census.xml", year=2026)
    assert read.year == 2026
    told = read_census(census(CHILD), source="census.xml", year=2025)
    assert told.year == 2025
    assert "checked as 2024 to 2025, as asked" in told.notes[0]


# ---------------------------------------------------------------- findings


def test_a_file_with_known_errors_gives_each_finding_with_its_child_rule_and_line() -> None:
    bad_date = census(CHILD).replace(
        b"2025-06-02</CINreferralDate>", b"2025-13-45</CINreferralDate>"
    )
    found = findings_of(bad_date)
    assert ("NB0001", "XSD", "CINreferralDate") in found
    assert ("NB0001", "8600", "CINreferralDate") in found  # the rules see no referral date
    result = validate_file(bad_date, source="census.xml", calendar=CALENDAR)
    schema_error = next(f for f in result.findings if f.rule == "XSD")
    assert (
        schema_error.message == "CINreferralDate: '2025-13-45' is not a date written as YYYY-MM-DD"
    )
    assert schema_error.where == "CIN episode 1"
    lines = bad_date.decode().splitlines()
    assert "2025-13-45" in lines[schema_error.line - 1]  # type: ignore[operator]

    closed_before_referral = episode(
        CHILD, CINclosureDate=D(2025, 5, 1), ReasonForClosure="RC7", CINreferralDate=D(2025, 6, 2)
    )
    factor_21_and_more = assessment(CHILD, AssessmentFactors=("21", "3A"))
    result = validate_file(
        census(
            replace(closed_before_referral, CINdetails=closed_before_referral.CINdetails),
            ids(factor_21_and_more, LAchildID="NB0002"),
        ),
        source="census.xml",
        calendar=CALENDAR,
    )
    by_rule = {(f.child, f.rule): f for f in result.findings}
    assert by_rule["NB0001", "8630"].where == "CIN episode 1"
    assert by_rule["NB0002", "8869"].where == "CIN episode 1, assessment 1"
    assert by_rule["NB0002", "8869"].line is not None


def test_codes_that_are_not_the_years_are_schema_findings_and_rule_failures() -> None:
    data = census(ids(CHILD, Sex="X"))
    found = findings_of(data)
    assert ("NB0001", "XSD", "Sex") in found
    assert ("NB0001", "4180", "Sex") in found
    result = validate_file(data, source="census.xml", calendar=CALENDAR)
    xsd = next(f for f in result.findings if f.rule == "XSD")
    assert xsd.message == "Sex: 'X' is not one of the 2025-26 codes for Sex"


def test_the_return_level_rules_need_the_whole_file() -> None:
    twice = census(
        CHILD, CHILD, header=CensusHeader(Year="2026", ReferenceDate="2026-04-01", LEA="359")
    )
    found = findings_of(twice)
    assert found.count(("NB0001", "8510", "LAchildID")) == 2
    assert found.count(("NB0001", "1520", "UPN")) == 2
    assert ("", "100", "ReferenceDate") in found


def test_earlier_years_are_checked_against_their_schema_and_say_so() -> None:
    old = replace(CHILD_2024, CINdetails=(replace(CHILD_2024.CINdetails[0], CINPlanDates=()),))
    data = census(
        old, year=2020, header=CensusHeader(Year="2020", ReferenceDate="2020-03-31", LEA="359")
    )
    result = validate_file(data, source="census.xml", calendar=CALENDAR)
    assert result.census.schema_valid
    assert "checked against its year's schema and the return-level rules only" in result.notes[-1]
    # 18C is a 2020-21 code, not a 2019-20 one.
    bad = data.replace(b"<AssessmentFactors>3A", b"<AssessmentFactors>18C")
    assert ("NB0001", "XSD", "AssessmentFactors") in findings_of(bad)


def test_a_2023_to_2024_file_uses_gender_current() -> None:
    data = census(
        CHILD_2024,
        year=2024,
        header=CensusHeader(Year="2024", ReferenceDate="2024-03-31", LEA="359"),
    )
    assert b"<GenderCurrent>2</GenderCurrent>" in data
    result = validate_census(read_census(data, source="census.xml"), calendar=CALENDAR)
    assert not [f for f in result.findings if f.rule == "XSD"]


# ---------------------------------------------------------------- the report


FORMULA = '=HYPERLINK("http://example.com")'


def test_the_csv_report_is_formula_safe() -> None:
    data = census(ids(CHILD, LAchildID=FORMULA))
    result = validate_file(data, source="census.xml", calendar=CALENDAR)
    rows = list(csv.reader(io.StringIO(to_csv(result.findings))))
    assert rows[0] == ["child", "table", "element", "rule", "message", "where", "line"]
    assert rows[1][0] == "'" + FORMULA


def test_the_xlsx_report_writes_text_never_formulas() -> None:
    data = census(ids(CHILD, LAchildID=FORMULA))
    result = validate_file(data, source="census.xml", calendar=CALENDAR)
    book = load_workbook(io.BytesIO(xlsx_bytes(result.findings)))
    sheet = book["Findings"]
    assert sheet["A1"].value == "Child (LAchildID)"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "'" + FORMULA
    assert isinstance(sheet["G2"].value, int)
    assert book["Rules"]["A2"].value


def test_a_kept_validation_is_for_its_user_only(tmp_path: object) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        stored = StoredValidation(
            token="",
            user_id=7,
            created="2026-11-23T10:00:00",
            file_name="census.xml",
            year=2026,
            children=1,
            rules_ran=100,
        )
        token = store_validation(stored)
        assert load_validation(token, user_id=7) is not None
        assert load_validation(token, user_id=8) is None
        assert load_validation("../../etc/passwd", user_id=7) is None
