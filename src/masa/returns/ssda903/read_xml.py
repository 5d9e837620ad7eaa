"""Read the DfE's XML form of the 903 (``CLA.xsd``: ``EXPSSDA903`` > ``CHILD`` > ``HEADER`` and
``EPISODE``) into the same tables as the CSV files.

Parsed with ``defusedxml``: a document type declaration, entity declarations and external
references are refused, and nothing is fetched from the network. The size limit is applied
before parsing (``read.read_bytes``).

How the XML maps to the tables (as the DfE's CSV files lay them out):

- ``HEADER`` -> one Header row (``CHILDID`` is ``CHILD``); a UASC row when ``UASC`` is 1 or
  ``DUC`` is given; an AD1 row when any adoption item is given; an OC3 row when any care
  leaver item is given; an OC2 row for an ``OC2`` element; a PrevPerm row for ``PERMANENCE``;
  one Missing row per ``AMISSING``, one Reviews row per ``AREVIEW``, one PlacedAdoption row per
  ``AD_PLACED``.
- ``EPISODE`` -> one Episodes row (``PL`` is ``PLACE``).
- ``SW_EPISODE`` (``SW_ID``, ``SW_DECOM``, ``SW_DEC``, ``SW_REASON``) -> one SWEpisodes row.
  CLA.xsd (the 2021 form) has no social worker episodes; this element name is masa's own, for
  the years that have the table, until the DfE publishes one.

Row numbers are positions in each table in document order, counting from 1. Elements masa does
not know are noted (``Return903.notes``), not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .read import ReadError, build_frame
from .spec import Spec

HEADER_ITEMS = {"CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "MOTHER", "MC_DOB"}
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
GROUPS = {"AMISSING", "AREVIEW", "PERMANENCE", "OC2", "AD_PLACED"}
EPISODE_ITEMS = {
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PL",
    "PL_POST",
    "HOME_POST",
    "URN",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
}
SW_ITEMS = {"SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}
MAX_NOTES = 20


def _text(parent: Element, tag: str) -> str | None:
    node = parent.find(tag)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _values(parent: Element) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for node in parent:
        value = (node.text or "").strip()
        out[node.tag] = value or None
    return out


def parse_xml(
    data: bytes, spec: Spec, source: str, notes: list[str]
) -> Iterator[tuple[str, pl.DataFrame]]:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ReadError(
            source,
            f"declares a DTD or entities, which masa refuses in XML ({type(error).__name__})",
        ) from None
    except ParseError as error:
        raise ReadError(source, f"is not well-formed XML ({error})") from None
    if root.tag != "EXPSSDA903":
        raise ReadError(source, f"is XML but its root element is {root.tag}, not EXPSSDA903")

    rows: dict[str, list[list[str | None]]] = {name: [] for name in spec.tables}
    unknown: dict[str, int] = {}

    def add(table: str, values: dict[str, str | None]) -> None:
        if table not in spec.tables:
            unknown[table] = unknown.get(table, 0) + 1
            return
        rows[table].append([values.get(c) for c in spec.tables[table].column_names])

    def note(tag: str) -> None:
        unknown[tag] = unknown.get(tag, 0) + 1

    for number, child in enumerate(root, start=1):
        if child.tag != "CHILD":
            note(child.tag)
            continue
        header = child.find("HEADER")
        if header is None:
            raise ReadError(source, f"CHILD number {number} has no HEADER")
        h = _values(header)
        child_id, dob = h.get("CHILDID"), h.get("DOB")
        base = {"CHILD": child_id, "DOB": dob}
        add("Header", {**h, "CHILD": child_id})
        if h.get("UASC") == "1" or h.get("DUC"):
            add("UASC", {**base, "SEX": h.get("SEX"), "DUC": h.get("DUC")})
        if any(h.get(i) for i in AD1_ITEMS):
            add("AD1", {**base, **{i: h.get(i) for i in AD1_ITEMS}})
        if any(h.get(i) for i in OC3_ITEMS):
            add("OC3", {**base, **{i: h.get(i) for i in OC3_ITEMS}})
        for node in header:
            tag = node.tag
            if tag == "AMISSING":
                add("Missing", {**base, **_values(node)})
            elif tag == "AREVIEW":
                add("Reviews", {**base, **_values(node)})
            elif tag == "PERMANENCE":
                add("PrevPerm", {**base, **_values(node)})
            elif tag == "OC2":
                add("OC2", {**base, **_values(node)})
            elif tag == "AD_PLACED":
                add("PlacedAdoption", {**base, **_values(node)})
            elif tag not in HEADER_ITEMS and tag not in AD1_ITEMS and tag not in OC3_ITEMS:
                note(f"HEADER/{tag}")
        for node in child:
            if node.tag == "EPISODE":
                values = _values(node)
                for tag in values:
                    if tag not in EPISODE_ITEMS:
                        note(f"EPISODE/{tag}")
                add("Episodes", {**values, "CHILD": child_id, "PLACE": values.get("PL")})
            elif node.tag == "SW_EPISODE":
                add("SWEpisodes", {**base, **_values(node)})
            elif node.tag != "HEADER":
                note(f"CHILD/{node.tag}")
    for tag, count in list(unknown.items())[:MAX_NOTES]:
        notes.append(
            f"{source}: {count} <{tag}> element(s) not part of the {spec.label} return; not read"
        )
    for name, table_rows in rows.items():
        if table_rows:
            table = spec.tables[name]
            yield name, build_frame(table, table_rows, list(range(1, len(table_rows) + 1)))
