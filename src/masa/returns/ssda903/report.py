"""The row-level findings report as CSV or XLSX.

Columns: child, table, row (1 is the first record after the column names), field, rule,
message. No cell can start a spreadsheet formula: text starting with =, +, -, @, a tab or a
carriage return is written with a leading apostrophe (the values came from an untrusted file).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from masa.core.presenters import safe_cell

from .registry import Finding

COLUMNS = ("child", "table", "row", "field", "rule", "message")
HEADINGS = ("Child", "Table", "Row", "Field", "Rule", "Message")
# ``safe`` makes a value inert for spreadsheets (one rule for every export masa writes).
safe = safe_cell


def rows(findings: Iterable[Finding]) -> list[list[str]]:
    return [[safe(f.as_dict()[c]) for c in COLUMNS] for f in findings]


def to_csv(findings: Sequence[Finding]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(findings))
    return out.getvalue()


def to_xlsx(findings: Sequence[Finding], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Findings"
    sheet.append(list(HEADINGS))
    for record in rows(findings):
        row_number = int(record[2]) if record[2].isdigit() else record[2]
        sheet.append([record[0], record[1], row_number, *record[3:]])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEF", (14, 16, 7, 28, 8, 100), strict=True):
        sheet.column_dimensions[letter].width = width

    summary = book.create_sheet("Rules")
    summary.append(["Rule", "Rows failing", "Message"])
    messages = {f.code: f.message for f in findings}
    for code, count in sorted(Counter(f.code for f in findings).items(), key=lambda i: -i[1]):
        summary.append([safe(code), count, safe(messages[code])])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    book.save(path)


def write_report(findings: Sequence[Finding], path: str | Path) -> Path:
    """Write ``findings`` to ``path``: XLSX when it ends .xlsx, CSV (UTF-8, CRLF) otherwise."""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        to_xlsx(findings, target)
    else:
        target.write_text(to_csv(findings), encoding="utf-8", newline="")
    return target
