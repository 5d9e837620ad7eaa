"""The DfE SSDA903 code lists masa records care in, with their labels, by collection year.

Kept as data: each code carries its label and the collection years it is valid in (a year is
named by the year it ends, so 2025 is 2024/25, as in ``AnnualOutcomes.year_ending``). The lists
follow the DfE field specifications for 2016/17 to 2025/26 (``shared/data/dfe-schemas``:
``ssda903_fields_liia_tools`` and the yearly diffs in ``..._pipeline``): E43/E44 gave way to
E45-E48 and CUSTOD arrived in 2018/19; H5 and P2 gave way to K3 in 2024/25; Z11-Z14 arrived in
2025/26. A year after the last one masa knows uses that last year's list; a year before the first
uses the first.

``codes(field, year)`` and ``label(field, code, year)`` are the interface the care services,
forms and pages share. The 903 rule units (``masa.returns.ssda903``) keep their own per-year
specification; a test checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FIRST_YEAR = 2017  # 2016/17
LAST_YEAR = 2026  # 2025/26


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR

    def valid_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _c(code: str, label: str, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> Code:
    return Code(code, label, first, last)


CODE_LISTS: dict[str, tuple[Code, ...]] = {
    # Reason for new episode.
    "RNE": (
        _c("S", "Started to be looked after"),
        _c("L", "Change of legal status only"),
        _c("P", "Change of placement and carer"),
        _c("T", "Change of placement only, with the same carer"),
        _c("B", "Change of legal status and of placement, with the same carer"),
        _c("U", "Change of legal status, placement and carer at the same time"),
    ),
    # Legal status.
    "LS": (
        _c("C1", "Interim care order"),
        _c("C2", "Full care order"),
        _c("D1", "Freeing order granted"),
        _c("E1", "Placement order granted"),
        _c("V2", "Single period of accommodation under section 20 (Children Act 1989)"),
        _c("V3", "Accommodated under an agreed series of short-term breaks (individual episodes)"),
        _c("V4", "Accommodated under an agreed series of short-term breaks (agreements recorded)"),
        _c("L1", "Under police protection and in local authority accommodation"),
        _c("L2", "Emergency protection order"),
        _c("L3", "Under a child assessment order and in local authority accommodation"),
        _c("J1", "Remanded to local authority accommodation or youth detention accommodation"),
        _c("J2", "Placed in local authority accommodation under PACE 1984"),
        _c("J3", "Sentenced to a youth rehabilitation order with residence or fostering"),
    ),
    # Category of need.
    "CIN": (
        _c("N1", "Abuse or neglect"),
        _c("N2", "Child's disability"),
        _c("N3", "Parental illness or disability"),
        _c("N4", "Family in acute stress"),
        _c("N5", "Family dysfunction"),
        _c("N6", "Socially unacceptable behaviour"),
        _c("N7", "Low income"),
        _c("N8", "Absent parenting"),
    ),
    # Placement type.
    "PLACE": (
        _c("A3", "Placed for adoption with consent, with current foster carer"),
        _c("A4", "Placed for adoption with consent, not with current foster carer"),
        _c("A5", "Placed for adoption with a placement order, with current foster carer"),
        _c("A6", "Placed for adoption with a placement order, not with current foster carer"),
        _c("H5", "Semi-independent living accommodation", last=2024),
        _c("K1", "Secure children's home"),
        _c("K2", "Children's home subject to the Children's Homes Regulations"),
        _c("K3", "Supported accommodation", first=2025),
        _c("P1", "Placed with own parent or other person with parental responsibility"),
        _c("P2", "Independent living, for example in a flat, lodgings or with friends", last=2024),
        _c("P3", "Residential employment"),
        _c("R1", "Residential care home"),
        _c("R2", "NHS or health trust establishment providing medical or nursing care"),
        _c("R3", "Family centre or mother and baby unit"),
        _c("R5", "Young offender institution"),
        _c("S1", "Residential school (not dual-registered as a children's home)"),
        _c("T0", "Temporary move of any type"),
        _c("T1", "Temporary period in hospital"),
        _c("T2", "Temporary absence of the child on holiday"),
        _c("T3", "Temporary accommodation while the usual foster carer is on holiday"),
        _c("T4", "Temporary accommodation of seven days or less, for any other reason"),
        _c("U1", "Foster placement with relative or friend: long-term fostering"),
        _c("U2", "Foster placement with relative or friend who is an approved adopter"),
        _c("U3", "Foster placement with relative or friend: not long-term or for adoption"),
        _c("U4", "Foster placement with other foster carer: long-term fostering"),
        _c("U5", "Foster placement with other foster carer who is an approved adopter"),
        _c("U6", "Foster placement with other foster carer: not long-term or for adoption"),
        _c("Z1", "Other placement"),
        # New in 2025/26; the DfE guide's wording is not held here yet (?).
        _c("Z11", "Other placement (Z11, 2025/26 sub-type)", first=2026),
        _c("Z12", "Other placement (Z12, 2025/26 sub-type)", first=2026),
        _c("Z13", "Other placement (Z13, 2025/26 sub-type)", first=2026),
        _c("Z14", "Other placement (Z14, 2025/26 sub-type)", first=2026),
    ),
    # Placement provider.
    "PLACE_PROVIDER": (
        _c("PR0", "Parent or other person with parental responsibility"),
        _c("PR1", "Own provision (by the local authority)"),
        _c("PR2", "Other local authority provision"),
        _c("PR3", "Other public provision"),
        _c("PR4", "Private provision"),
        _c("PR5", "Voluntary or third sector provision"),
    ),
    # Reason episode ceased.
    "REC": (
        _c("X1", "Episode ceased and a new episode began on the same day"),
        _c("E11", "Adopted: application unopposed"),
        _c("E12", "Adopted: consent dispensed with by the court"),
        _c("E2", "Died"),
        _c("E3", "Care taken over by another local authority in the UK"),
        _c("E4A", "Returned home to parents or others with parental responsibility, as planned"),
        _c("E4B", "Returned home to parents or others with parental responsibility, not planned"),
        _c("E13", "Left care to live with relatives or others without parental responsibility"),
        _c("E41", "Residence order or child arrangements order granted"),
        _c("E43", "Special guardianship order made to former foster carers", last=2018),
        _c("E44", "Special guardianship order made to carers other than foster carers", last=2018),
        _c(
            "E45",
            "Special guardianship order to former foster carers who are relatives or friends",
            first=2019,
        ),
        _c(
            "E46",
            "Special guardianship order to former foster carers, not relatives or friends",
            first=2019,
        ),
        _c(
            "E47",
            "Special guardianship order to other carers who are relatives or friends",
            first=2019,
        ),
        _c(
            "E48",
            "Special guardianship order to other carers, not relatives or friends",
            first=2019,
        ),
        _c("E5", "Moved into independent living with formal advice or support"),
        _c("E6", "Moved into independent living without formal advice or support"),
        _c("E7", "Transferred to residential care funded by adult social care"),
        _c("E9", "Sentenced to custody"),
        _c("E14", "Accommodation on remand ended"),
        _c("E15", "Age assessment found the child to be 18 or over"),
        _c("E16", "Child moved abroad"),
        _c("E17", "Aged 18 or over and remained with current carers (including staying put)"),
        _c("E8", "Care ceased for any other reason"),
    ),
    # Reason for placement change.
    "REASON_PLACE_CHANGE": (
        _c("CARPL", "Change to or carrying out of the care plan"),
        _c("CLOSE", "Resignation or closure of the provision"),
        _c("ALLEG", "Allegation (section 47)"),
        _c("STAND", "Concern about standards of care"),
        _c("APPRR", "Approval removed"),
        _c("CREQB", "Carer asked for the placement to end because of the child's behaviour"),
        _c("CREQO", "Carer asked for the placement to end for another reason"),
        _c("CHILD", "Child asked for the placement to end"),
        _c("LAREQ", "Responsible or area authority asked for the placement to end"),
        _c("PLACE", "Change in the status of the placement only"),
        _c("CUSTOD", "Child moved into custody", first=2019),
        _c("OTHER", "Other"),
    ),
    # How the child took part in the review.
    "REVIEW_CODE": (
        _c("PN0", "Child aged under 4 at the time of the review"),
        _c("PN1", "Child attended and spoke for themselves"),
        _c("PN2", "Child attended and an advocate spoke for them"),
        _c("PN3", "Child attended and conveyed their views symbolically (non-verbally)"),
        _c("PN4", "Child attended but did not convey their views"),
        _c("PN5", "Child did not attend but briefed an advocate to speak for them"),
        _c("PN6", "Child did not attend but conveyed their views by another means"),
        _c("PN7", "Child did not attend and their views were not conveyed"),
    ),
    # Reason the social worker changed (social worker episodes, 2023/24 on).
    "SW_REASON": (
        _c("MANAGE", "Management decision", first=2024),
        _c("FCONTA", "Fixed-term or agency contract ended", first=2024),
        _c("LEFTRL", "Social worker left the role", first=2024),
        _c("ORGRST", "Organisational restructure", first=2024),
        _c("TSPROC", "Transfer between teams as a standard process", first=2024),
        _c("ABSENC", "Social worker absence", first=2024),
        _c("CHCHAN", "Change in the child's circumstances", first=2024),
        _c("PCCHAN", "Parent or carer asked for a change", first=2024),
        _c("SWDIED", "Social worker died", first=2024),
        _c("OTHERS", "Other", first=2024),
    ),
    # Adoption (AD1, PlacedAdoption) and previous permanence. Labels in plain words (?).
    "SEX_ADOPTR": (
        _c("M1", "Single male adopter"),
        _c("F1", "Single female adopter"),
        _c("MM", "Male couple"),
        _c("FF", "Female couple"),
        _c("MF", "Male and female couple"),
    ),
    "LS_ADOPTR": (
        _c("L0", "Single adopter"),
        _c("L11", "Married couple"),
        _c("L12", "Couple in a civil partnership"),
        _c("L2", "Couple, not married or in a civil partnership"),
        _c("L3", "Couple, one the child's parent (step-parent adoption)"),
        _c("L4", "Other"),
    ),
    "REASON_PLACED_CEASED": (
        _c("RD1", "The child was adopted"),
        _c("RD2", "The child's needs changed after the decision"),
        _c("RD3", "The court did not make a placement order"),
        _c("RD4", "Prospective adopters could not be found"),
    ),
    "PREV_PERM": (
        _c("P1", "Adoption"),
        _c("P2", "Special guardianship order"),
        _c("P3", "Residence order or child arrangements order"),
        _c("P4", "Child arrangements order"),
        _c("Z1", "Not known"),
    ),
    "SDQ_REASON": (
        _c("SDQ1", "Child aged under 4 or over 16 at the date of the latest assessment"),
        _c("SDQ2", "Carer refused to complete and return the questionnaire"),
        _c("SDQ3", "Not possible because of the severity of the child's disability"),
        _c("SDQ4", "Other"),
        _c("SDQ5", "Child or young person refused to allow an SDQ to be completed"),
    ),
}

# Family and friends (kinship) foster care: placements with relatives or friends (the indicator
# in shared/domain/indicators.md; Wigan's yearly report counts these).
FAMILY_AND_FRIENDS_PLACEMENTS = frozenset({"U1", "U2", "U3"})
# Temporary placements: the 903 records no reason for a placement change into or out of these.
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Reasons for a new episode that are a change of placement (for placement counts and reasons).
PLACEMENT_CHANGES = frozenset({"P", "T", "B", "U"})
STARTED_CARE = "S"
LEGAL_STATUS_ONLY = "L"
CONTINUES = "X1"  # reason ceased: a new episode starts the same day


def collection_year(day: dt.date) -> int:
    """The collection year a date falls in, by the year it ends: 1 April 2026 is in 2027."""
    return day.year + 1 if day.month >= 4 else day.year


def _known(year: int) -> int:
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def codes(field: str, year: int) -> tuple[Code, ...]:
    """The codes valid for a 903 field in a collection year, in the DfE's order."""
    known = _known(year)
    return tuple(code for code in CODE_LISTS[field] if code.valid_in(known))


def is_valid(field: str, code: str, year: int) -> bool:
    return any(c.code == code for c in codes(field, year))


def label(field: str, code: str, year: int | None = None) -> str:
    """The label of a code; a code not valid in ``year`` still gets its label (old records are
    shown as recorded). An unknown code is shown as itself."""
    matches = [c for c in CODE_LISTS.get(field, ()) if c.code == code]
    if year is not None:
        in_year = [c for c in matches if c.valid_in(_known(year))]
        matches = in_year or matches
    return matches[0].label if matches else code


def described(field: str, code: str, year: int | None = None) -> str:
    """ "C2: Full care order", as pages and messages show a code."""
    return f"{code}: {label(field, code, year)}" if code else ""


def choices(field: str, year: int) -> list[tuple[str, str]]:
    """Form choices for a field in a year: ("C2", "C2: Full care order")."""
    return [(c.code, f"{c.code}: {c.label}") for c in codes(field, year)]
