"""The CIN census XML schemas, one per collection year, and what masa reads from them.

``CIN_schema_<year>.xsd`` is the schema of the census year ending in ``<year>`` (2025 is 2024 to
2025). ``README.md`` says where each file comes from and what masa changed. A year with code
lists but no published schema yet (``codes/<year>.json`` marked ``carried_forward_from``) uses
the schema of the year it was carried forward from, and says so.

The schemas are read with a parser that fetches nothing and expands no entities. Besides
validating, masa reads each schema's *layout*: the order of the elements in every group (so the
writer puts them exactly where the year's schema wants them) and the codes each element allows
(so the export can tell when a code recorded today did not exist in an earlier year).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

HERE = Path(__file__).parent
XS = "{http://www.w3.org/2001/XMLSchema}"
_FILE = re.compile(r"^CIN_schema_(\d{4})\.xsd$")
_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def safe_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no network, no DTD loading, no entity expansion."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def schema_years() -> tuple[int, ...]:
    """The census years masa holds a published schema for."""
    years = (_FILE.match(p.name) for p in HERE.iterdir())
    return tuple(sorted(int(m.group(1)) for m in years if m))


def carried_forward(year: int) -> int | None:
    """The year whose schema a later year uses until the DfE publishes its own (or None)."""
    if year in schema_years():
        return None
    from masa.returns.cin.codes import available_years, code_lists

    if year not in available_years():
        return None
    source = code_lists(year).carried_forward_from
    return source if source in schema_years() else None


def census_years() -> tuple[int, ...]:
    """Every year masa can write and read: published schemas and carried-forward years."""
    from masa.returns.cin.codes import available_years

    extra = [y for y in available_years() if carried_forward(y) is not None]
    return tuple(sorted({*schema_years(), *extra}))


def label(year: int) -> str:
    """2025 -> "2024 to 2025", the way the DfE names census years."""
    return f"{year - 1} to {year}"


def short_label(year: int) -> str:
    """2025 -> "2024-25", for file names and compact lists."""
    return f"{year - 1}-{str(year)[2:]}"


def parse_census_year(text: str) -> int:
    """ "2024/25", "2024-25", "2024/2025" or "2025" (the year it ends) -> 2025.

    Raises ValueError naming the years masa can write and read.
    """
    value = text.strip()
    match = _YEAR.match(value)
    if match:
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if end != start + 1:
            raise ValueError(f"{text!r} is not a census year: write it as 2024/25")
    elif value.isdigit() and len(value) == 4:
        end = int(value)
    else:
        raise ValueError(f"{text!r} is not a census year: write it as 2024/25")
    check_year(end)
    return end


def check_year(year: int) -> None:
    if year not in census_years():
        known = ", ".join(short_label(y) for y in census_years())
        raise ValueError(f"masa has no CIN census schema for {label(year)} (it has {known})")


def schema_path(year: int) -> Path:
    check_year(year)
    return HERE / f"CIN_schema_{carried_forward(year) or year}.xsd"


@cache
def schema(year: int) -> etree.XMLSchema:
    """The year's schema, ready to validate a parsed document."""
    return etree.XMLSchema(etree.parse(str(schema_path(year)), safe_parser()))


@dataclass(frozen=True)
class Layout:
    """What a year's schema says about element order and codes.

    ``sequences`` maps each group element (Message, Child, CINdetails, Reviews...) to its child
    element names in schema order; ``codes`` maps each coded element to the values it allows;
    ``required`` maps each group element to the children it must have (minOccurs 1).
    """

    year: int
    sequences: Mapping[str, tuple[str, ...]]
    codes: Mapping[str, frozenset[str]]
    required: Mapping[str, frozenset[str]]

    def has(self, group: str, element: str) -> bool:
        return element in self.sequences.get(group, ())

    def allows(self, element: str, value: str) -> bool:
        """Whether ``value`` is one of the element's codes (an element with no code list
        allows anything)."""
        allowed = self.codes.get(element)
        return allowed is None or value in allowed


def _enumeration(simple: etree._Element, simple_types: Mapping[str, etree._Element]) -> set[str]:
    values: set[str] = set()
    for restriction in simple.iter(f"{XS}restriction"):
        values.update(e.get("value", "") for e in restriction.findall(f"{XS}enumeration"))
        base = (restriction.get("base") or "").split(":")[-1]
        if base in simple_types and simple_types[base] is not simple:
            values.update(_enumeration(simple_types[base], simple_types))
    return values


@cache
def layout(year: int) -> Layout:
    root = etree.parse(str(schema_path(year)), safe_parser()).getroot()
    complex_types = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
    simple_types = {t.get("name"): t for t in root.findall(f"{XS}simpleType")}
    sequences: dict[str, tuple[str, ...]] = {}
    codes: dict[str, frozenset[str]] = {}
    required: dict[str, frozenset[str]] = {}

    def visit(element: etree._Element) -> None:
        name = element.get("name")
        type_name = (element.get("type") or "").split(":")[-1]
        complex_type = complex_types.get(type_name)
        if complex_type is None:
            complex_type = element.find(f"{XS}complexType")
        if complex_type is not None:
            sequence = complex_type.find(f"{XS}sequence")
            children = [] if sequence is None else sequence.findall(f"{XS}element")
            sequences[name] = tuple(c.get("name") for c in children)
            required[name] = frozenset(
                c.get("name") for c in children if c.get("minOccurs", "1") != "0"
            )
            for child in children:
                visit(child)
            return
        simple = simple_types.get(type_name)
        if simple is None:
            simple = element.find(f"{XS}simpleType")
        if simple is not None:
            values = _enumeration(simple, simple_types)
            if values:
                codes[name] = frozenset(values)

    message = next(e for e in root.findall(f"{XS}element") if e.get("name") == "Message")
    visit(message)
    return Layout(year=year, sequences=sequences, codes=codes, required=required)
