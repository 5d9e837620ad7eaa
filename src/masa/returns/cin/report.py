"""The CIN census findings: one row per failing place, as CSV or XLSX, and kept for its page.

A finding names the child (``LAchildID``), the DfE table, the element(s), the rule (a DfE code;
``XSD`` for a schema error; ``MASA-...`` for masa's own reading checks), the message, where in
the child's record it is ("CIN episode 2, assessment 1") and the line of the file.

Cells are formula-safe: the values came from an untrusted file, so text starting with =, +, -,
@, a tab or a carriage return gets a leading apostrophe (the 903 report's rule, reused), and
XLSX cells are written as text.

Validations made on the web are kept for the findings page and its downloads: as JSON under
``MEDIA_ROOT/cin-census`` (``var/media`` in the project by default, which masa never serves,
as the 903 uploads are), one file per validation named by a random token, readable only by the
user who uploaded the file, and removed after ``KEEP_HOURS``. The uploaded file itself is never
kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from masa.returns.ssda903.report import safe

COLUMNS = ("child", "table", "element", "rule", "message", "where", "line")
HEADINGS = ("Child (LAchildID)", "Table", "Element", "Rule", "Message", "Where", "Line")
SCHEMA_RULE = "XSD"
KEEP_HOURS = 12
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True)
class CensusFinding:
    child: str
    table: str
    element: str
    rule: str
    message: str
    where: str = ""
    line: int | None = None
    query: bool = False

    @property
    def is_schema_error(self) -> bool:
        return self.rule == SCHEMA_RULE

    def cells(self) -> list[str]:
        values = [self.child, self.table, self.element, self.rule, self.message, self.where]
        return [safe(v) for v in values] + ["" if self.line is None else str(self.line)]


def to_csv(findings: Iterable[CensusFinding]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(f.cells() for f in findings)
    return out.getvalue()


def to_xlsx(findings: Sequence[CensusFinding], target: Path | io.BytesIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Findings"
    sheet.append(list(HEADINGS))
    for finding in findings:
        *text, line = finding.cells()
        sheet.append([*text, int(line) if line else None])
    for row in sheet.iter_rows(min_row=2, max_col=len(HEADINGS) - 1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFG", (18, 22, 30, 8, 90, 36, 8), strict=True):
        sheet.column_dimensions[letter].width = width

    summary = book.create_sheet("Rules")
    summary.append(["Rule", "Findings", "Message"])
    messages = {f.rule: f.message for f in findings if not f.is_schema_error}
    messages[SCHEMA_RULE] = "Does not meet the year's DfE schema (XSD)"
    for code, count in sorted(Counter(f.rule for f in findings).items(), key=lambda i: -i[1]):
        summary.append([safe(code), count, safe(messages.get(code, ""))])
        summary.cell(summary.max_row, 1).data_type = "s"
        summary.cell(summary.max_row, 3).data_type = "s"
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.column_dimensions["C"].width = 100
    book.save(target)


def xlsx_bytes(findings: Sequence[CensusFinding]) -> bytes:
    buffer = io.BytesIO()
    to_xlsx(findings, buffer)
    return buffer.getvalue()


def write_report(findings: Sequence[CensusFinding], path: str | Path) -> Path:
    """Write ``findings`` to ``path``: XLSX when it ends .xlsx, CSV (UTF-8, CRLF) otherwise."""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        to_xlsx(findings, target)
    else:
        target.write_text(to_csv(findings), encoding="utf-8", newline="")
    return target


# ---------------------------------------------------------------- validations kept for the page


@dataclass
class StoredValidation:
    token: str
    user_id: int
    created: str  # ISO date and time
    file_name: str
    year: int
    children: int
    rules_ran: int
    notes: list[str] = field(default_factory=list)
    findings: list[CensusFinding] = field(default_factory=list)

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)

    def to_json(self) -> str:
        data = asdict(self)
        data["findings"] = [
            [f.child, f.table, f.element, f.rule, f.message, f.where, f.line, f.query]
            for f in self.findings
        ]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> StoredValidation:
        data: dict[str, Any] = json.loads(text)
        data["findings"] = [CensusFinding(*row) for row in data["findings"]]
        return cls(**data)


def work_dir() -> Path:
    media = getattr(settings, "MEDIA_ROOT", "") or Path(settings.PROJECT_ROOT) / "var" / "media"
    folder = Path(media) / "cin-census"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(token: str) -> Path:
    return work_dir() / f"cin-validation-{token}.json"


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_HOURS * 3600
    for old in folder.glob("cin-validation-*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue  # another process removed it first


def store_validation(validation: StoredValidation) -> str:
    """Keep ``validation`` for its page; returns its token (a new one is made if empty)."""
    folder = work_dir()
    _remove_old(folder)
    if not validation.token:
        validation.token = secrets.token_urlsafe(16)
    path = _path(validation.token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(validation.to_json())
    return validation.token


def load_validation(token: str, *, user_id: int) -> StoredValidation | None:
    """The validation kept under ``token`` if this user made it and it has not expired."""
    if not TOKEN.match(token):
        return None
    path = _path(token)
    try:
        if path.stat().st_mtime < time.time() - KEEP_HOURS * 3600:
            return None
        stored = StoredValidation.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return stored if stored.user_id == user_id else None
