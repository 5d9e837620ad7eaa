"""Reading a CIN census XML file (any year masa has a schema for) and validating it.

The file is read into the census model (``CINChild`` records), never into casework records:
a census file is checked here, not imported into children's cases (see ADR 0021).

Hostile input: the file is untrusted.

- **Size:** over ``max_bytes`` (50 MB by default) is refused before anything is parsed.
- **Not XML:** an empty file, a zip or XLSX workbook, or a file whose root is not ``Message`` is
  refused with what it seems to be.
- **DTDs and entities** are refused (``defusedxml`` with DTDs, entities and external references
  forbidden; the lxml parser that follows fetches nothing and expands no entity either).
- **Encoding:** UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or the
  encoding the XML declaration names. Bytes that are not valid in that encoding are refused
  with the line they are on.
- **Values** are read as text, trimmed, blank as missing. A bad date or code is not a reading
  error: the year's schema reports it (rule ``XSD``, with its line) and the DfE rules then see
  the value as missing or invalid.

Validation gives row-level findings (``report.CensusFinding``): the schema's errors, three
return-level DfE rules that need the whole file (100 Reference Date, 8510 duplicate LA child
ID, 1520 duplicate UPN), and every DfE rule unit in ``masa.returns.cin`` for the year. masa
holds the DfE rules from 2022-23; an earlier year's file is checked against its schema and the
return-level rules only, and the result says so.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree

from .check import validate_child
from .codes import available_years
from .model import (
    Assessment,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)
from .registry import (
    ASSESSMENTS,
    CHILD_CHARACTERISTICS,
    CHILD_IDENTIFIERS,
    CHILD_PROTECTION_PLANS,
    CIN_DETAILS,
    CIN_PLAN_DATES,
    REVIEWS,
    SECTION_47,
    TABLES,
    Location,
    RuleFailure,
)
from .report import SCHEMA_RULE, CensusFinding, StoredValidation, store_validation
from .xml_write import CensusHeader
from .xsd import label, safe_parser, schema, short_label
from .years import CollectionYear

if TYPE_CHECKING:
    from masa.core.calendar import WorkingDayCalendar
    from masa.core.models import User

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
VALIDATION_AUDIT_TYPE = "cin_census_validation"
MAX_SCHEMA_FINDINGS = 5000
HEADER = "Header"
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_STEP = re.compile(r"^([A-Za-z0-9_]+)(?:\[(\d+)\])?$")

# Return-level rules: need every child of the file, so they run here rather than per child.
RETURN_RULES = {
    "100": "Reference Date is incorrect",
    "8510": "More than one child record with the same LA Child ID",
    "1520": "More than one record with the same UPN",
}


class CensusReadError(Exception):
    """A file that cannot be read as a CIN census; the message says why and what to do."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source} {message}")
        self.source = source
        self.message = message


@dataclass(frozen=True)
class ChildLines:
    """Where a child's parts start in the file, for findings about them."""

    child: int
    identifiers: int | None
    characteristics: int | None


@dataclass
class CensusFile:
    source: str
    year: int
    header: CensusHeader | None
    children: tuple[CINChild, ...]
    lines: tuple[ChildLines, ...]
    schema_findings: list[CensusFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def schema_valid(self) -> bool:
        return not self.schema_findings


@dataclass
class CensusValidation:
    census: CensusFile
    findings: list[CensusFinding]
    rules_ran: int

    @property
    def notes(self) -> list[str]:
        return self.census.notes


# ---------------------------------------------------------------- bytes to a tree


def size_text(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def _line_of(text: bytes, offset: int) -> int:
    return text.count(b"\n", 0, offset) + 1


def as_utf8(data: bytes, source: str) -> bytes:
    """The document as UTF-8 bytes with the same lines, whatever encoding it came in."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        declared = _DECLARED.match(data[:300])
        encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        body = data
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CensusReadError(
            source, f"declares the encoding {encoding!r}, which masa cannot read; save it as UTF-8"
        ) from None
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        line = _line_of(body, error.start) if encoding != "utf-16" else None
        where = f" on line {line}" if line else ""
        raise CensusReadError(
            source,
            f"is not valid {encoding.upper()} text (byte 0x{body[error.start]:02X}{where}); "
            "save it as UTF-8 and try again",
        ) from None
    text = text.removeprefix("\ufeff")
    # The declaration now describes UTF-8, on the same line, so line numbers do not move.
    text = re.sub(
        r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[A-Za-z0-9._-]+\2",
        r"\1\2UTF-8\2",
        text,
        count=1,
    )
    return text.encode("utf-8")


def parse_tree(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """The document's root element, or ``CensusReadError`` saying why it cannot be read."""
    if len(data) > max_bytes:
        raise CensusReadError(
            source,
            f"is {size_text(len(data))}, over the {size_text(max_bytes)} limit for one file",
        )
    if not data.strip():
        raise CensusReadError(source, "is empty")
    if data.startswith(b"PK\x03\x04"):
        raise CensusReadError(
            source, "is a zip file or an XLSX workbook, not XML; choose the census XML file"
        )
    document = as_utf8(data, source)
    try:
        defused_fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise CensusReadError(
            source,
            f"declares a DTD or entities, which masa refuses in XML ({type(error).__name__})",
        ) from None
    except ParseError as error:
        raise CensusReadError(source, f"is not well-formed XML ({error})") from None
    try:
        root = etree.fromstring(document, safe_parser())
    except etree.XMLSyntaxError as error:  # pragma: no cover - defusedxml refused it first
        raise CensusReadError(source, f"is not well-formed XML ({error})") from None
    if root.getroottree().docinfo.doctype:  # pragma: no cover - refused above
        raise CensusReadError(source, "declares a DTD, which masa refuses in XML")
    if root.tag != "Message":
        raise CensusReadError(
            source,
            f"is XML but its root element is <{root.tag}>, not <Message>: it is not a "
            "CIN census file",
        )
    return root


# ---------------------------------------------------------------- a tree to the model


def _text(parent: etree._Element, tag: str) -> str | None:
    node = parent.find(tag)
    return _value(node)


def _value(node: etree._Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _date(value: str | None) -> dt.date | None:
    if value is None or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _texts(parent: etree._Element, wrapper: str, tag: str) -> tuple[str, ...]:
    holder = parent.find(wrapper)
    if holder is None:
        return ()
    return tuple(v for v in (_value(n) for n in holder.findall(tag)) if v is not None)


def _ref(node: etree._Element) -> str:
    return f"line {node.sourceline}"


def _assessment(node: etree._Element) -> Assessment:
    return Assessment(
        AssessmentActualStartDate=_date(_text(node, "AssessmentActualStartDate")),
        AssessmentInternalReviewDate=_date(_text(node, "AssessmentInternalReviewDate")),
        AssessmentAuthorisationDate=_date(_text(node, "AssessmentAuthorisationDate")),
        AssessmentFactors=_texts(node, "FactorsIdentifiedAtAssessment", "AssessmentFactors"),
        ref=_ref(node),
    )


def _section47(node: etree._Element) -> Section47Enquiry:
    return Section47Enquiry(
        S47ActualStartDate=_date(_text(node, "S47ActualStartDate")),
        InitialCPCtarget=_date(_text(node, "InitialCPCtarget")),
        DateOfInitialCPC=_date(_text(node, "DateOfInitialCPC")),
        ICPCnotRequired=_text(node, "ICPCnotRequired"),
        ref=_ref(node),
    )


def _plan(node: etree._Element) -> ChildProtectionPlan:
    reviews = node.find("Reviews")
    found = [] if reviews is None else reviews.findall("CPPreviewDate")
    dates = tuple(_date(_value(n)) for n in found)
    return ChildProtectionPlan(
        CPPstartDate=_date(_text(node, "CPPstartDate")),
        CPPendDate=_date(_text(node, "CPPendDate")),
        InitialCategoryOfAbuse=_text(node, "InitialCategoryOfAbuse"),
        LatestCategoryOfAbuse=_text(node, "LatestCategoryOfAbuse"),
        NumberOfPreviousCPP=_int(_text(node, "NumberOfPreviousCPP")),
        Reviews=dates,
        ref=_ref(node),
    )


def _episode(node: etree._Element) -> CINEpisode:
    return CINEpisode(
        CINreferralDate=_date(_text(node, "CINreferralDate")),
        ReferralSource=_text(node, "ReferralSource"),
        PrimaryNeedCode=_text(node, "PrimaryNeedCode"),
        CINclosureDate=_date(_text(node, "CINclosureDate")),
        ReasonForClosure=_text(node, "ReasonForClosure"),
        DateOfInitialCPC=_date(_text(node, "DateOfInitialCPC")),
        ReferralNFA=_text(node, "ReferralNFA"),
        Assessments=tuple(_assessment(n) for n in node.findall("Assessments")),
        CINPlanDates=tuple(
            CINPlan(
                CINPlanStartDate=_date(_text(n, "CINPlanStartDate")),
                CINPlanEndDate=_date(_text(n, "CINPlanEndDate")),
                ref=_ref(n),
            )
            for n in node.findall("CINPlanDates")
        ),
        Section47=tuple(_section47(n) for n in node.findall("Section47")),
        ChildProtectionPlans=tuple(_plan(n) for n in node.findall("ChildProtectionPlans")),
        ref=_ref(node),
    )


def _child(node: etree._Element) -> tuple[CINChild, ChildLines]:
    ids = node.find("ChildIdentifiers")
    chars = node.find("ChildCharacteristics")
    empty = etree.Element("none")
    i = ids if ids is not None else empty
    c = chars if chars is not None else empty
    record = CINChild(
        ChildIdentifiers=ChildIdentifiers(
            LAchildID=_text(i, "LAchildID"),
            UPN=_text(i, "UPN"),
            FormerUPN=_text(i, "FormerUPN"),
            UPNunknown=_text(i, "UPNunknown"),
            PersonBirthDate=_date(_text(i, "PersonBirthDate")),
            ExpectedPersonBirthDate=_date(_text(i, "ExpectedPersonBirthDate")),
            GenderCurrent=_text(i, "GenderCurrent"),
            Sex=_text(i, "Sex"),
            PersonDeathDate=_date(_text(i, "PersonDeathDate")),
        ),
        ChildCharacteristics=ChildCharacteristics(
            Ethnicity=_text(c, "Ethnicity"),
            Disabilities=_texts(c, "Disabilities", "Disability"),
        ),
        CINdetails=tuple(_episode(n) for n in node.findall("CINdetails")),
        ref=_ref(node),
    )
    lines = ChildLines(
        child=node.sourceline or 0,
        identifiers=None if ids is None else ids.sourceline,
        characteristics=None if chars is None else chars.sourceline,
    )
    return record, lines


def _header(root: etree._Element) -> CensusHeader | None:
    node = root.find("Header")
    if node is None:
        return None
    details = node.find("CollectionDetails")
    source = node.find("Source")
    d = details if details is not None else etree.Element("none")
    s = source if source is not None else etree.Element("none")
    return CensusHeader(
        Collection=_text(d, "Collection"),
        Year=_text(d, "Year"),
        ReferenceDate=_text(d, "ReferenceDate"),
        SourceLevel=_text(s, "SourceLevel"),
        LEA=_text(s, "LEA"),
        SoftwareCode=_text(s, "SoftwareCode"),
        Release=_text(s, "Release"),
        SerialNo=_text(s, "SerialNo"),
        DateTime=_text(s, "DateTime"),
    )


def _year_of(header: CensusHeader | None, given: int | None, source: str) -> tuple[int, str]:
    from .xsd import census_years

    stated = None
    if header is not None and header.Year and header.Year.isdigit():
        stated = int(header.Year)
    if given is not None:
        if stated is not None and stated != given:
            return given, (
                f"The file's header says the census year ending in {stated}; it was checked as "
                f"{label(given)}, as asked."
            )
        return given, ""
    if stated is None:
        raise CensusReadError(
            source, "has no census year in its header (CollectionDetails/Year): say which year"
        )
    if stated not in census_years():
        known = ", ".join(short_label(y) for y in census_years())
        raise CensusReadError(
            source,
            f"is for the census year ending in {stated}, which masa has no schema for "
            f"(it has {known})",
        )
    return stated, ""


def read_census(
    data: bytes, *, source: str, year: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> CensusFile:
    """Read a census file into the model and check it against its year's schema.

    ``year`` (the year it ends, 2025 for 2024-25) overrides the year in the file's header.
    Raises ``CensusReadError`` when the file cannot be read at all.
    """
    root = parse_tree(data, source, max_bytes=max_bytes)
    header = _header(root)
    census_year, note = _year_of(header, year, source)
    children: list[CINChild] = []
    lines: list[ChildLines] = []
    container = root.find("Children")
    for node in [] if container is None else container.findall("Child"):
        record, where = _child(node)
        children.append(record)
        lines.append(where)
    census = CensusFile(source, census_year, header, tuple(children), tuple(lines))
    if note:
        census.notes.append(note)
    census.schema_findings = schema_findings(root, census)
    return census


# ---------------------------------------------------------------- the schema's findings

_ENUMERATION = re.compile(
    r"^Element '([^']+)': \[facet 'enumeration'\] The value '(.*)' is not an element of the set"
)
_ATOMIC = re.compile(
    r"^Element '([^']+)': '(.*)' is not a valid value of the atomic type '([^']+)'"
)
_ELEMENT = re.compile(r"^Element '([^']+)': (.*)$", re.DOTALL)
TYPE_WORDS = {
    "xs:date": "a date written as YYYY-MM-DD",
    "xs:gYear": "a year written as YYYY",
    "xs:dateTime": "a date and time written as YYYY-MM-DDThh:mm:ss",
    "xs:nonNegativeInteger": "a whole number (0 or more)",
    "xs:integer": "a whole number",
}


def plain_message(message: str, year: int) -> str:
    """lxml's schema message in plainer words (the code lists are not repeated)."""
    text = message.strip()
    if match := _ENUMERATION.match(text):
        element, value = match.groups()
        return f"{element}: '{value}' is not one of the {short_label(year)} codes for {element}"
    if match := _ATOMIC.match(text):
        element, value, type_name = match.groups()
        wanted = TYPE_WORDS.get(type_name, type_name)
        return f"{element}: '{value}' is not {wanted}"
    if match := _ELEMENT.match(text):
        element, rest = match.groups()
        rest = rest.replace("This element is not expected.", "not expected here.")
        return f"{element}: {rest}".replace("( ", "").replace(" )", "").rstrip(".")
    return text.rstrip(".")


def _steps(path: str | None) -> list[tuple[str, int]]:
    steps = []
    for part in (path or "").strip("/").split("/"):
        match = _STEP.match(part)
        if match:
            steps.append((match.group(1), int(match.group(2) or 1)))
    return steps


def _where(steps: list[tuple[str, int]]) -> tuple[str, str]:
    """The DfE table and the place ("CIN episode 1, assessment 2") an element path points at."""
    table, episode, row, item = "Message", None, None, None
    for name, number in steps:
        if name in ("Header", "CollectionDetails", "Source"):
            table = HEADER
        elif name == CIN_DETAILS:
            table, episode = CIN_DETAILS, number - 1
        elif name in (ASSESSMENTS, CIN_PLAN_DATES, SECTION_47, CHILD_PROTECTION_PLANS):
            table, row = name, number - 1
        elif name == REVIEWS:
            table = REVIEWS
        elif name == "CPPreviewDate" and table == REVIEWS:
            item = number - 1
        elif name in (CHILD_IDENTIFIERS, CHILD_CHARACTERISTICS):
            table = name
    if table in TABLES:
        return table, Location(table, episode=episode, row=row, item=item).describe()
    return table, ""


def schema_findings(root: etree._Element, census: CensusFile) -> list[CensusFinding]:
    checker = schema(census.year)
    if checker.validate(root.getroottree()):
        return []
    ids = [c.ChildIdentifiers.LAchildID or "" for c in census.children]
    findings = []
    errors = list(checker.error_log)
    for error in errors[:MAX_SCHEMA_FINDINGS]:
        steps = _steps(error.path)
        child_number = next((n for name, n in steps if name == "Child"), None)
        child = ids[child_number - 1] if child_number and child_number <= len(ids) else ""
        table, where = _where(steps)
        element = steps[-1][0] if steps else ""
        findings.append(
            CensusFinding(
                child=child,
                table=table,
                element=element,
                rule=SCHEMA_RULE,
                message=plain_message(error.message, census.year),
                where=where,
                line=error.line,
            )
        )
    if len(errors) > MAX_SCHEMA_FINDINGS:
        census.notes.append(
            f"The schema found {len(errors):,} errors; the first {MAX_SCHEMA_FINDINGS:,} are "
            "listed."
        )
    return findings


# ---------------------------------------------------------------- validating


def _line(location: Location, lines: ChildLines) -> int | None:
    for ref in (location.ref,):
        if ref and ref.startswith("line "):
            return int(ref[5:])
    if location.table == CHILD_IDENTIFIERS:
        return lines.identifiers or lines.child
    if location.table == CHILD_CHARACTERISTICS:
        return lines.characteristics or lines.child
    return lines.child


def _from_failure(failure: RuleFailure, lines: ChildLines) -> CensusFinding:
    return CensusFinding(
        child=failure.child_id or "",
        table=failure.table,
        element=", ".join(failure.fields),
        rule=failure.code,
        message=failure.message,
        where=failure.location.describe(),
        line=_line(failure.location, lines),
        query=failure.query,
    )


def return_level_findings(census: CensusFile) -> list[CensusFinding]:
    """DfE rules 100, 8510 and 1520: they need the header or every child of the file."""
    findings = []
    reference = CollectionYear(census.year).reference_date.isoformat()
    stated = census.header.ReferenceDate if census.header else None
    if stated != reference:
        findings.append(
            CensusFinding(
                child="",
                table=HEADER,
                element="ReferenceDate",
                rule="100",
                message=RETURN_RULES["100"],
                where=f"the header (expected {reference}, found {stated or 'none'})",
            )
        )
    for code, element in (("8510", "LAchildID"), ("1520", "UPN")):
        seen: dict[str, list[int]] = defaultdict(list)
        for index, child in enumerate(census.children):
            value = getattr(child.ChildIdentifiers, element)
            if value:
                seen[value].append(index)
        for indexes in seen.values():
            if len(indexes) < 2:
                continue
            for index in indexes:
                child = census.children[index]
                lines = census.lines[index]
                findings.append(
                    CensusFinding(
                        child=child.ChildIdentifiers.LAchildID or "",
                        table=CHILD_IDENTIFIERS,
                        element=element,
                        rule=code,
                        message=RETURN_RULES[code],
                        where=f"child {index + 1} of {len(census.children)} in the file",
                        line=lines.identifiers or lines.child,
                    )
                )
    return findings


def validate_census(
    census: CensusFile, *, calendar: WorkingDayCalendar | None = None
) -> CensusValidation:
    """Every finding for the file: schema, return-level rules and the DfE rule units."""
    findings = [*census.schema_findings, *return_level_findings(census)]
    rules_ran = len(RETURN_RULES)
    if census.year in available_years():
        from .check import rules_for

        if calendar is None:
            from masa.core.calendar import working_day_calendar

            calendar = working_day_calendar()
        rules_ran += len(rules_for(census.year))
        for child, lines in zip(census.children, census.lines, strict=True):
            failures = validate_child(child, census.year, calendar=calendar)
            findings.extend(_from_failure(f, lines) for f in failures)
    else:
        first = short_label(min(available_years()))
        census.notes.append(
            f"masa holds the DfE's validation rules from {first}: this {short_label(census.year)} "
            "file was checked against its year's schema and the return-level rules only."
        )
    return CensusValidation(census, findings, rules_ran)


def validate_file(
    data: bytes,
    *,
    source: str,
    year: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    calendar: WorkingDayCalendar | None = None,
) -> CensusValidation:
    """Read and validate a census file in one step (what the command and the page do)."""
    census = read_census(data, source=source, year=year, max_bytes=max_bytes)
    return validate_census(census, calendar=calendar)


def counts_by_rule(findings: Sequence[CensusFinding]) -> list[tuple[str, int, str]]:
    """(rule, findings, message) with the commonest first."""
    counts: dict[str, int] = defaultdict(int)
    messages: dict[str, str] = {}
    for f in findings:
        counts[f.rule] += 1
        schema_words = "Does not meet the year's schema"
        messages.setdefault(f.rule, schema_words if f.is_schema_error else f.message)
    return sorted(((r, n, messages[r]) for r, n in counts.items()), key=lambda i: (-i[1], i[0]))


# ---------------------------------------------------------------- the service behind the page


def census_file_validated(
    *,
    user: User,
    data: bytes,
    file_name: str,
    year: int | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StoredValidation:
    """Validate an uploaded census file and keep its findings for the findings page.

    Refused with ``ServiceError`` (on the file field) when the file cannot be read. The file is
    not kept; the findings are, for ``report.KEEP_HOURS``, for this user only. Audited: who
    checked which file, for which year, and how many findings it had.
    """
    from django.db import transaction
    from django.utils import timezone

    from masa.core import audit
    from masa.core.models import AuditAction
    from masa.core.services import ServiceError

    name = Path(file_name or "census.xml").name[:200]
    try:
        result = validate_file(data, source=name, year=year, max_bytes=max_bytes)
    except CensusReadError as error:
        raise ServiceError(f"The file {error.message}", "census_file") from None
    stored = StoredValidation(
        token="",
        user_id=user.pk,
        created=timezone.localtime().replace(microsecond=0).isoformat(),
        file_name=name,
        year=result.census.year,
        children=len(result.census.children),
        rules_ran=result.rules_ran,
        notes=list(result.notes),
        findings=result.findings,
    )
    store_validation(stored)
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.CREATE,
            object_type=VALIDATION_AUDIT_TYPE,
            object_id=stored.token[:8],
            object_label=f"CIN census {label(stored.year)} file checked: {name}",
            after={
                "year": short_label(stored.year),
                "children": stored.children,
                "findings": len(stored.findings),
                "schema_errors": sum(f.is_schema_error for f in stored.findings),
            },
        )
    return stored
