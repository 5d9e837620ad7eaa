"""Exporting a partnership's SSDA903 return for a collection year: the DfE's CSV files or XML.

The tables come from ``returns903.tables_for_year`` (live records, set-based). Files are written
so that the same records always give the same bytes:

- **CSV**: one file per table with the DfE's names (``header.csv``, ``episodes.csv``...), every
  table of the year even when empty, columns in the field specification's order, UTF-8 without a
  byte-order mark, CRLF line ends, quoting only where a value needs it. Values are never altered
  to defuse spreadsheet formulas: masa refuses them when they come in (rule MASA-FORMULA), so what
  it exports is already safe and a round trip is byte-exact. The zip holds the files with a fixed
  timestamp.
- **XML**: the DfE's ``CLA.xsd`` form (``EXPSSDA903`` > ``CHILD`` > ``HEADER`` and ``EPISODE``), in
  the schema's element order. CLA.xsd has no social worker episodes: from 2023/24 they follow each
  child's episodes as ``SW_EPISODE`` (``SW_ID``, ``SW_DECOM``, ``SW_DEC``, ``SW_REASON``), masa's
  own element following the year's field specification, which masa's reader reads back. An OC3
  row with every item blank is not written, because the XML has no record for it apart from its
  items (the reader makes an OC3 row only from an item).

Every export writes an audit record (who, which year, which form, how many children).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from masa.core import audit
from masa.core.models import AuditAction, Partnership, User
from masa.core.services import ServiceError
from masa.returns.ssda903 import label
from masa.returns.ssda903.spec import available_years

from .returns903 import FILE_NAMES, Tables903, tables_for_year

AUDIT_TYPE = "ssda903_export"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

HEADER_ITEMS = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
MISSING_ITEMS = ("MISSING", "MIS_START", "MIS_END")
REVIEW_ITEMS = ("REVIEW", "REVIEW_CODE")
PERMANENCE_ITEMS = ("PREV_PERM", "LA_PERM", "DATE_PERM")
OC2_ITEMS = (
    "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
    "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
)  # fmt: skip
PLACED_ITEMS = ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
# CLA.xsd's EPISODE, in its order; PL is the CSV's PLACE.
EPISODE_ITEMS = (
    "DECOM", "RNE", "LS", "CIN", "PL", "PL_POST", "HOME_POST", "URN", "PLACE_PROVIDER", "DEC",
    "REC", "REASON_PLACE_CHANGE",
)  # fmt: skip
SW_ITEMS = ("SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")


def csv_bytes(tables: Tables903, table: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(tables.columns(table))
    writer.writerows(tables.rows.get(table, []))
    return out.getvalue().encode("utf-8")


def csv_files(tables: Tables903) -> dict[str, bytes]:
    """The DfE CSV file set: file name -> bytes, every table of the year."""
    return {FILE_NAMES[table]: csv_bytes(tables, table) for table in tables.spec.tables}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


class _Writer:
    """XML text built directly (ElementTree's objects cost more than the return's rows)."""

    def __init__(self) -> None:
        self.parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n']

    def items(self, depth: int, names: tuple[str, ...], values: dict[str, str]) -> None:
        pad = "  " * depth
        for name in names:
            value = values.get(name, "")
            self.parts.append(
                f"{pad}<{name}>{escape(value)}</{name}>\n" if value else f"{pad}<{name} />\n"
            )

    def group(self, depth: int, tag: str, names: tuple[str, ...], values: dict[str, str]) -> None:
        pad = "  " * depth
        self.parts.append(f"{pad}<{tag}>\n")
        self.items(depth + 1, names, values)
        self.parts.append(f"{pad}</{tag}>\n")

    def open(self, depth: int, tag: str) -> None:
        self.parts.append(f"{'  ' * depth}<{tag}>\n")

    def close(self, depth: int, tag: str) -> None:
        self.parts.append(f"{'  ' * depth}</{tag}>\n")


def xml_bytes(tables: Tables903) -> bytes:
    """The return as the DfE's XML (CLA.xsd), one CHILD per header row, in CHILD order."""
    by_child: dict[str, dict[str, list[dict[str, str]]]] = {}
    for table in tables.spec.tables:
        for row in tables.as_dicts(table):
            by_child.setdefault(row["CHILD"], {}).setdefault(table, []).append(row)
    out = _Writer()
    for ref, rows in sorted(by_child.items()):
        header_row = rows["Header"][0]
        out.open(1, "CHILD")
        out.open(2, "HEADER")
        out.items(3, HEADER_ITEMS, {**header_row, "CHILDID": ref})
        uasc = rows.get("UASC", [])
        out.items(3, ("UASC",), {"UASC": "1" if uasc else "0"})
        if uasc:
            out.items(3, ("DUC",), uasc[0])
        for ad1 in rows.get("AD1", [])[:1]:
            out.items(3, AD1_ITEMS, ad1)
        for oc3 in rows.get("OC3", [])[:1]:
            if any(oc3[item] for item in OC3_ITEMS):
                out.items(3, OC3_ITEMS, oc3)
        for missing in rows.get("Missing", []):
            out.group(3, "AMISSING", MISSING_ITEMS, missing)
        for review in rows.get("Reviews", []):
            out.group(3, "AREVIEW", REVIEW_ITEMS, review)
        out.items(3, ("MOTHER", "MC_DOB"), header_row)
        for permanence in rows.get("PrevPerm", [])[:1]:
            out.group(3, "PERMANENCE", PERMANENCE_ITEMS, permanence)
        for oc2 in rows.get("OC2", [])[:1]:
            out.group(3, "OC2", OC2_ITEMS, oc2)
        for placed in rows.get("PlacedAdoption", []):
            out.group(3, "AD_PLACED", PLACED_ITEMS, placed)
        out.close(2, "HEADER")
        for episode in rows.get("Episodes", []):
            out.group(2, "EPISODE", EPISODE_ITEMS, {**episode, "PL": episode["PLACE"]})
        for spell in rows.get("SWEpisodes", []):
            out.group(2, "SW_EPISODE", SW_ITEMS, spell)
        out.close(1, "CHILD")
    out.parts.append("</EXPSSDA903>\n")
    return "".join(out.parts).encode("utf-8")


# ---------------------------------------------------------------- the service


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes
    children: int


def check_year(year: int) -> None:
    if year not in available_years():
        known = ", ".join(label(y) for y in available_years())
        raise ServiceError(f"masa has no SSDA903 specification for {label(year)} (it has {known})")


def return_exported(
    *,
    partnership: Partnership,
    year: int,
    form: str,
    actor: User | None,
    actor_label: str = "",
) -> Export:
    """The year's return as ``form`` "csv" (a zip of the CSV files) or "xml", audited."""
    check_year(year)
    if form not in ("csv", "xml"):
        raise ServiceError("Choose CSV files or XML", "form")
    tables = tables_for_year(partnership.pk, year)
    stem = f"ssda903-{label(year).replace('/', '-')}"
    if form == "xml":
        export = Export(f"{stem}.xml", "application/xml", xml_bytes(tables), len(tables.children))
    else:
        content = zip_bytes(csv_files(tables))
        export = Export(f"{stem}.zip", "application/zip", content, len(tables.children))
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.EXPORT,
        object_type=AUDIT_TYPE,
        object_label=f"SSDA903 {label(year)} return ({form.upper()})",
        after={"year": label(year), "form": form, "children": export.children, **tables.counts()},
    )
    return export
