"""Writing the CIN census XML for a collection year, in the year's schema layout.

The writer knows no element order of its own: it asks the year's schema (``xsd.layout``) for
the order of every group and writes each ``CINChild`` attribute under the element of the same
name. An attribute the year's schema has no element for is not written (``Sex`` before 2024-25,
``GenderCurrent`` from 2024-25, ``CINPlanDates`` before 2021-22); turning masa's records into
the year's codes is the export's job (``export.py``), so the writer stays a plain mirror of the
model and a file read by ``xml_read`` writes back byte for byte.

Values: dates as ISO dates (2025-03-31), whole numbers as digits, a yes/no from masa's records
as 1 or 0 and a yes/no read from a file as the token it had; ``None`` leaves the element out.
The output is UTF-8 with an XML declaration, indented by two spaces, LF line ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .model import (
    Assessment,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)
from .xsd import Layout, layout

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# A group's content: element name -> a value, a list of values (repeated element), a nested
# group (Mapping) or a list of nested groups.
Content = Mapping[str, Any]


@dataclass(frozen=True)
class CensusHeader:
    """The census ``Header``: every item as the text written (all are optional in the schema).

    ``Year`` is the census year as the DfE writes it (the year it ends, "2025" for 2024 to
    2025); ``LEA`` the local authority's 3-digit code; ``DateTime`` when the file was made.
    """

    Collection: str | None = "CIN"
    Year: str | None = None
    ReferenceDate: str | None = None
    SourceLevel: str | None = "L"
    LEA: str | None = None
    SoftwareCode: str | None = None
    Release: str | None = None
    SerialNo: str | None = None
    DateTime: str | None = None

    def content(self) -> Content:
        details = {"Collection": self.Collection, "Year": self.Year}
        details["ReferenceDate"] = self.ReferenceDate
        source = {
            "SourceLevel": self.SourceLevel,
            "LEA": self.LEA,
            "SoftwareCode": self.SoftwareCode,
            "Release": self.Release,
            "SerialNo": self.SerialNo,
            "DateTime": self.DateTime,
        }
        return {
            "CollectionDetails": _group_or_none(details),
            "Source": _group_or_none(source),
        }


def _group_or_none(values: dict[str, Any]) -> dict[str, Any] | None:
    return values if any(v is not None for v in values.values()) else None


def text_of(value: object) -> str:
    """How a leaf value is written."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------- the model as content


def _assessment(a: Assessment) -> Content:
    factors = {"AssessmentFactors": list(a.AssessmentFactors)} if a.AssessmentFactors else None
    return {
        "AssessmentActualStartDate": a.AssessmentActualStartDate,
        "AssessmentInternalReviewDate": a.AssessmentInternalReviewDate,
        "AssessmentAuthorisationDate": a.AssessmentAuthorisationDate,
        "FactorsIdentifiedAtAssessment": factors,
    }


def _cin_plan(p: CINPlan) -> Content:
    return {"CINPlanStartDate": p.CINPlanStartDate, "CINPlanEndDate": p.CINPlanEndDate}


def _section47(s: Section47Enquiry) -> Content:
    return {
        "S47ActualStartDate": s.S47ActualStartDate,
        "InitialCPCtarget": s.InitialCPCtarget,
        "DateOfInitialCPC": s.DateOfInitialCPC,
        "ICPCnotRequired": s.ICPCnotRequired,
    }


def _plan(p: ChildProtectionPlan) -> Content:
    reviews = {"CPPreviewDate": list(p.Reviews)} if p.Reviews else None
    return {
        "CPPstartDate": p.CPPstartDate,
        "CPPendDate": p.CPPendDate,
        "InitialCategoryOfAbuse": p.InitialCategoryOfAbuse,
        "LatestCategoryOfAbuse": p.LatestCategoryOfAbuse,
        "NumberOfPreviousCPP": p.NumberOfPreviousCPP,
        "Reviews": reviews,
    }


def _episode(e: CINEpisode) -> Content:
    return {
        "CINreferralDate": e.CINreferralDate,
        "ReferralSource": e.ReferralSource,
        "PrimaryNeedCode": e.PrimaryNeedCode,
        "CINclosureDate": e.CINclosureDate,
        "ReasonForClosure": e.ReasonForClosure,
        "DateOfInitialCPC": e.DateOfInitialCPC,
        "Assessments": [_assessment(a) for a in e.Assessments],
        "CINPlanDates": [_cin_plan(p) for p in e.CINPlanDates],
        "Section47": [_section47(s) for s in e.Section47],
        "ReferralNFA": e.ReferralNFA,
        "ChildProtectionPlans": [_plan(p) for p in e.ChildProtectionPlans],
    }


def child_content(child: CINChild) -> Content:
    ids = child.ChildIdentifiers
    characteristics = child.ChildCharacteristics
    disabilities = (
        {"Disability": list(characteristics.Disabilities)} if characteristics.Disabilities else None
    )
    return {
        "ChildIdentifiers": {
            "LAchildID": ids.LAchildID,
            "UPN": ids.UPN,
            "FormerUPN": ids.FormerUPN,
            "UPNunknown": ids.UPNunknown,
            "PersonBirthDate": ids.PersonBirthDate,
            "ExpectedPersonBirthDate": ids.ExpectedPersonBirthDate,
            "GenderCurrent": ids.GenderCurrent,
            "Sex": ids.Sex,
            "PersonDeathDate": ids.PersonDeathDate,
        },
        "ChildCharacteristics": {
            "Ethnicity": characteristics.Ethnicity,
            "Disabilities": disabilities,
        },
        "CINdetails": [_episode(e) for e in child.CINdetails],
    }


# ---------------------------------------------------------------- writing in schema order


def _add(parent: etree._Element, name: str, value: Any, shape: Layout) -> None:
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping):
                _group(parent, name, item, shape)
            else:
                # A missing item in a list (a review with no date) keeps its place.
                etree.SubElement(parent, name).text = None if item is None else text_of(item)
        return
    if isinstance(value, Mapping):
        _group(parent, name, value, shape)
        return
    etree.SubElement(parent, name).text = text_of(value)


def _group(parent: etree._Element, name: str, content: Content, shape: Layout) -> None:
    element = etree.SubElement(parent, name)
    fill(element, content, shape)


def fill(element: etree._Element, content: Content, shape: Layout) -> None:
    """Add ``content`` under ``element`` in the order the year's schema gives its group."""
    for name in shape.sequences.get(element.tag, ()):
        _add(element, name, content.get(name), shape)


def census_xml(
    children: Iterable[CINChild], year: int, header: CensusHeader | None = None
) -> bytes:
    """The census file for ``year``: an optional ``Header`` and one ``Child`` per record."""
    shape = layout(year)
    root = etree.Element("Message")
    if header is not None and shape.has("Message", "Header"):
        fill(etree.SubElement(root, "Header"), header.content(), shape)
    container = etree.SubElement(root, "Children")
    for child in children:
        fill(etree.SubElement(container, "Child"), child_content(child), shape)
    etree.indent(root, space="  ")
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    return DECLARATION + body


def schema_errors(document: bytes, year: int, *, limit: int = 50) -> Sequence[str]:
    """What the year's schema says is wrong with ``document`` (empty when it is valid)."""
    from .xsd import safe_parser, schema

    tree = etree.fromstring(document, safe_parser()).getroottree()
    checker = schema(year)
    if checker.validate(tree):
        return ()
    return [f"line {e.line}: {e.message}" for e in list(checker.error_log)[:limit]]
