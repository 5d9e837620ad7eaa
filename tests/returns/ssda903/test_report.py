"""The findings report: CSV and XLSX with the agreed columns, and no cell that runs a formula."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from masa.returns.ssda903 import validate, write_report

from .builders import e, h, make_return


def findings():  # type: ignore[no-untyped-def]
    data = make_return(
        {
            "Header": [h(CHILD="=HYPERLINK(1)", SEX="X")],
            "Episodes": [e(CHILD="=HYPERLINK(1)", RNE="Z")],
        }
    )
    return validate(data, codes={"101", "143", "MASA-FORMULA"}).findings


def test_csv_report_has_one_line_per_failing_row_and_formula_safe_cells(tmp_path: Path) -> None:
    path = write_report(findings(), tmp_path / "report.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["child", "table", "row", "field", "rule", "message"]
    assert lines[1] == ["'=HYPERLINK(1)", "Header", "1", "SEX", "101", "Gender code is not valid."]
    assert lines[2][:5] == ["'=HYPERLINK(1)", "Header", "1", "CHILD", "MASA-FORMULA"]
    assert lines[3][:5] == ["'=HYPERLINK(1)", "Episodes", "1", "RNE", "143"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_xlsx_report_holds_text_not_formulas_and_a_summary_by_rule(tmp_path: Path) -> None:
    path = write_report(findings(), tmp_path / "report.xlsx")
    book = load_workbook(path)
    sheet = book["Findings"]
    assert [c.value for c in sheet[1]] == ["Child", "Table", "Row", "Field", "Rule", "Message"]
    assert [c.value for c in sheet[2]][:5] == ["'=HYPERLINK(1)", "Header", 1, "SEX", "101"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.auto_filter.ref == "A1:F5"
    summary = [[c.value for c in row] for row in book["Rules"].iter_rows(min_row=2)]
    assert sorted(r[0] for r in summary) == ["101", "143", "MASA-FORMULA"]
    assert {r[0]: r[1] for r in summary}["MASA-FORMULA"] == 2
