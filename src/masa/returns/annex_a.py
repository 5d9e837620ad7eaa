"""Ofsted's Annex A: the child-level lists inspectors ask for, as one XLSX workbook.

Sheets "List 1" to "List 11" follow Ofsted's Annex A (ILACS) lists and column headings, with
the coded answers written as Ofsted's template lists them ("a) Male", "e) 2A: Schools",
"N1 - Abuse or neglect"...). A cover sheet states the inspection date, each list's period and
row count, the lists masa cannot fill and why, and the columns it leaves blank and why.

Periods: each list covers the months before the inspection date Ofsted asks for (6 months for
lists 1 to 7, the front door and child protection; 12 months for lists 8 to 11, children in
care, care leavers and adoption), or 6 or 12 months for every list when the user chooses. A
period runs from the day after the same date that many months earlier to the inspection date:
for an inspection on 23 November 2026, six months is 24 May 2026 to 23 November 2026.

Who is on each list (masa's reading of Ofsted's definitions):

1. Contacts received in the period.
2. Early help episodes whose assessment was open at some point in the period.
3. Referrals received in the period.
4. Assessments open at some point in the period (started by the end, not authorised before
   the start).
5. Section 47 enquiries started in the period.
6. Children in need: episodes (referrals that led to further action) open at some point in the
   period.
7. Child protection plans open at some point in the period.
8. Children looked after at some point in the period.
9. Care leavers: young people aged 16 to 24 at the inspection date who are eligible, relevant,
   former relevant or qualifying, worked out from their episodes of care (13 weeks looked after
   since their 14th birthday, some of it after their 16th).
10. Children with a decision that they should be placed for adoption, whose adoption was still
    in progress at some point in the period.
11. Adopters: masa holds no records of prospective adopters, so the list is not filled.

"In the last 12 months" counts (referrals, enquiries, conferences, missing episodes,
placements) are the child's records dated in the 12 months up to the inspection date. Ages are
in whole years on the inspection date. Child-level lists are not suppressed: only roles allowed
to prepare returns can produce them, and every workbook produced is audited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from openpyxl.utils import get_column_letter

from masa.core import audit
from masa.core.calendar import add_months
from masa.core.models import AuditAction, Partnership, User
from masa.core.presenters import format_masa_id, govuk_date
from masa.core.services import ServiceError
from masa.returns.ssda903.report import safe

AUDIT_TYPE = "annex_a_export"
DATE_FORMAT = "DD/MM/YYYY"
PERIOD_CHOICES = {
    "ofsted": "The period Ofsted asks for: 6 months for lists 1 to 7, 12 months for lists 8 to 11",
    "6": "6 months for every list",
    "12": "12 months for every list",
}
NOT_ALLOCATED = "Not allocated"

# ---------------------------------------------------------------- Ofsted's coded answers

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITY = {
    code: f"{letter}) {code}"
    for letter, code in zip(
        "abcdefghijklmnopqrst",
        (
            "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
            "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
        ),
        strict=True,
    )
}  # fmt: skip
SOURCE = {
    "1A": "a) 1A: Individual", "1B": "b) 1B: Individual", "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual", "2A": "e) 2A: Schools", "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services", "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services", "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services", "3F": "l) 3F: Health services", "4": "m) 4: Housing",
    "5A": "n) 5A: LA services", "5B": "o) 5B: LA services", "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services", "6": "q) 6: Police", "7": "r) 7: Other legal agency",
    "8": "s) 8: Other", "9": "t) 9: Anonymous", "10": "u) 10: Unknown",
}  # fmt: skip
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
PRIMARY_NEED = {
    "N1": "N1 - Abuse or neglect", "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness", "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction", "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income", "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need", "N0": "N0 - Not stated",
}  # fmt: skip
CLOSURE = {
    "RC1": "RC1 - Adopted", "RC2": "RC2 - Died", "RC3": "RC3 - Child arrangements order",
    "RC4": "RC4 - Special guardianship order",
    "RC5": "RC5 - Transferred to services of another local authority",
    "RC6": "RC6 - Transferred to adult social care services",
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
    "RC9": "RC9 - Case closed after assessment, referred to early help",
}  # fmt: skip
CASE_STATUS = {
    "looked_after": "a) Looked after child",
    "cp": "b) Child Protection plan",
    "cin": "c) Child in need plan",
    "assessment": "d) Open assessment",
    "closed": "e) Closed episode",
}
ABUSE = {
    "NEG": "a) Neglect", "PHY": "b) Physical abuse", "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse", "MUL": "e) Multiple/not recommended",
}  # fmt: skip
LEGAL_STATUS = {
    "C1": "C1: ICO", "C2": "C2: FCO", "D1": "D1: Freeing order", "E1": "E1: Placement order",
    "V2": "V2: Single period under S20", "V3": "V3: Short term breaks, episodes recorded",
    "V4": "V4: Short term breaks, agreements recorded",
    "L1": "L1: Police protection LA accommodation", "L2": "L2: EPO",
    "L3": "L3: Child assessment order LA accommodation",
    "J1": "J1: Remanded to LA or youth detention", "J2": "J2: LA accommodation under PACE",
    "J3": "J3: Youth rehabilitation order",
}  # fmt: skip
REASON_CEASED = {
    "E11": "a) E11: Adopted - application unopposed",
    "E12": "b) E12: Adopted - consent dispensed",
    "E2": "c) E2: Died", "E3": "d) E3: Care taken by another LA",
    "E4A": "e) E4A: Returned home to live with parents or relatives - part of planning",
    "E4B": "f) E4B: Returned home to live with parents or relatives - not part of planning",
    "E13": "g) E13: Parents, relatives or other with no parental responsibility",
    "E41": "h) E41: Residence order granted",
    "E45": "i) E45: Special Guardianship Orders - former carer relative/friend",
    "E46": "j) E46: Special Guardianship Orders - former carer other",
    "E47": "k) E47: Special Guardianship Orders - relative/friend",
    "E48": "l) E48: Special Guardianship Orders - other",
    "E5": "m) E5: Moved into independent living - supported",
    "E6": "n) E6: Moved into independent living - no support",
    "E7": "o) E7: Transferred to residential care funded by adult social services",
    "E9": "p) E9: Sentenced to custody", "E14": "q) E14: Accommodation on remand ended",
    "E15": "r) E15: Age assessment determined child was 18 or over",
    "E16": "s) E16: Child moved abroad", "E8": "t) E8: Care ceased for any other reason",
    "E17": "v) E17: Aged 18+ and remained with current carers",
}  # fmt: skip
PLACEMENT_TYPE = {
    "U1": "a) U1: Foster placement - relatives - long term",
    "U2": "b) U2: Foster placement - relative - FFA",
    "U3": "c) U3: Foster placement - relative - not FFA",
    "U4": "d) U4: Foster placement - long term", "U5": "e) U5: Foster placement - FFA",
    "U6": "f) U6: Foster placement - not FFA",
    "A3": "g) A3: Placed for adoption - consent - current foster",
    "A4": "h) A4: Placed for adoption - consent - not foster",
    "A5": "i) A5: Placed for adoption - order - foster",
    "A6": "j) A6: Placed for adoption - order - not foster",
    "P1": "k) P1: Placed with parents", "P2": "l) P2: Independent living",
    "P3": "m) P3: Residential employment", "H5": "n) H5: Residential accommodation",
    "K1": "o) K1: Secure Children's Homes", "K2": "p) K2: Children's Homes",
    "R1": "q) R1: Residential Care Home", "R2": "r) R2: NHS/Health Trust",
    "R3": "s) R3: Family Centre or Mother and Baby Unit",
    "R5": "t) R5: Young Offender Institution", "S1": "u) S1: Residential school",
    "Z1": "v) Z1: Other placements", "T0": "w) T0: Temporary placement",
    "T1": "x) T1: Temporary placement - hospital", "T2": "y) T2: Temporary placement - holiday",
    "T3": "z) T3: Temporary placement - carer holiday",
    "T4": "zz) T4: Temporary placement - seven days or less",
}  # fmt: skip
PROVIDER = {
    "PR0": "a) PR0: Parents/Parental responsibility", "PR1": "b) PR1: Own provision",
    "PR2": "c) PR2: Other LA provision", "PR3": "d) PR3: Other public provision",
    "PR4": "e) PR4: Private provision", "PR5": "f) PR5: Voluntary/third sector",
}  # fmt: skip
IN_TOUCH = {
    "YES": "a) Yes", "NO": "b) No", "DIED": "c) Died", "REFU": "d) Refu", "NREQ": "e) NREQ",
    "RHOM": "f) Rhom",
}  # fmt: skip
ACCOMMODATION = {
    "B": "B: Parents/relatives", "C": "C: Community home/residential care",
    "D": "D: Semi-independent, transitional accommodation and self-contained accommodation",
    "E": "E: Supported lodgings", "G": "G: Abroad", "H": "H: Deported",
    "K": "K: Ordinary lodgings, without formal support", "R": "R: Residence not known",
    "S": "S: No fixed adobe/homeless", "T": "T: Foyers and similar supported accommodation",
    "U": "U: Independent living", "V": "V: Emergency accommodation",
    "W": "W: Bed and breakfast", "X": "X: In custody", "Y": "Y: Other accommodation",
    "Z": "Z: With former foster carers",
}  # fmt: skip
SUITABILITY = {"1": "a) Suitable", "2": "b) Unsuitable"}
ACTIVITY = {
    "F1": "F1: Full time in higher education", "P1": "P1: Part time in higher education",
    "F2": "F2: Full time in education other than higher",
    "P2": "P2: Part time in education other than higher",
    "F3": "F3: Full time in training or employment",
    "P3": "P3: Part time in training or employment",
    "F4": "F4: Young person engaged full time in an apprenticeship",
    "P4": "P4: Young person engaged part time in an apprenticeship",
    "F5": "F5: Young person engaged full time in training or employment (not apprenticeship)",
    "P5": "P5: Young person engaged part time in training or employment (not apprenticeship)",
    "G4": "G4: Not in education, employment or training - illness or disability",
    "G5": "G5: Not in education, employment or training - other",
    "G6": "G6: Not in education, employment or training - pregnancy or parenting",
}  # fmt: skip
NO_LONGER_ADOPTION = {
    "RD1": "RD1 - The child’s needs changed subsequent to the decision",
    "RD2": "RD2 - The Court did not make a placement order",
    "RD3": "RD3 - Prospective adopters could not be found",
    "RD4": "RD4 - Any other reason",
}
ELIGIBLE, RELEVANT = "d) Eligible child", "a) Relevant child"
FORMER_RELEVANT, QUALIFYING = "b) Former relevant child", "c) Qualifying care leaver"
ADOPTION_PLACEMENTS = {"A3", "A4", "A5", "A6"}
FFA_PLACEMENTS = {"U2", "U5"}
NEW_PLACEMENT = {"S", "P", "B", "T", "U"}  # reasons for a new episode that start a placement
STARTED_CARE, CONTINUES = "S", "X1"

CHILD_HEADINGS = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
TEAM_WORKER = ("Allocated Team", "Allocated Worker")


# ---------------------------------------------------------------- the lists


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    months: int

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def text(self) -> str:
        return f"{govuk_date(self.start)} to {govuk_date(self.end)}"


def period_before(end: dt.date, months: int) -> Period:
    return Period(add_months(end, -months) + dt.timedelta(days=1), end, months)


Row = list[Any]
Builder = Callable[["ListContext"], list[Row]]


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    headings: tuple[str, ...]
    months: int
    who: str
    build: Builder | None = None
    not_filled: str = ""
    blank: Mapping[str, str] = field(default_factory=dict)  # heading -> why masa leaves it blank

    @property
    def sheet(self) -> str:
        return f"List {self.number}"

    @property
    def date_columns(self) -> frozenset[int]:
        words = ("Date", "date")
        return frozenset(
            i
            for i, h in enumerate(self.headings)
            if any(w in h for w in words) and "Number" not in h and "Was the" not in h
        )


@dataclass
class ListContext:
    partnership_id: int
    period: Period
    inspection: dt.date

    @property
    def year_before(self) -> dt.date:
        return add_months(self.inspection, -12) + dt.timedelta(days=1)


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _child_cells(child: Any, on: dt.date) -> Row:
    return [
        format_masa_id(child.pk),
        GENDER.get(child.sex, GENDER["U"]),
        ETHNICITY.get(child.ethnicity, ""),
        child.date_of_birth,
        _age(child.date_of_birth, on),
    ]


def _disability(child: Any) -> str:
    codes = list(child.disabilities or [])
    if not codes:
        return UNKNOWN
    return NO if codes == ["NONE"] else YES


def _name(user: Any) -> str:
    """A user's name as masa shows it (``User.display_name``), or "Not allocated"."""
    if user is None:
        return NOT_ALLOCATED
    full = f"{user.first_name or ''} {user.last_name or ''}".strip()
    return full or user.username or NOT_ALLOCATED


def _team_worker(case: Any) -> Row:
    if case is None:
        return ["", NOT_ALLOCATED]
    team = case.team.name if case.team is not None else ""
    return [team or "", _name(case.worker)]


# Fields read for the child and the case of a record, fetched as values (no model instances):
# the big lists run to tens of thousands of rows.
CHILD_FIELDS = (
    "child_id", "child__pk", "child__sex", "child__ethnicity", "child__date_of_birth",
    "child__disabilities",
)  # fmt: skip
CASE_FIELDS = (
    "case_id", "case__team__name", "case__worker__first_name", "case__worker__last_name",
    "case__worker__username",
)  # fmt: skip


class _Light:
    """A record read as values: "child__sex" reads as ``record.child.sex``."""

    def __getattr__(self, name: str) -> Any:  # a missing part (no worker) reads as None
        return None


def _light(queryset: QuerySet[Any], *fields: str) -> list[Any]:
    records = []
    for values in queryset.values_list(*fields):
        record = _Light()
        for name, value in zip(fields, values, strict=True):
            target, *path, last = [record, *name.split("__")]
            for part in path:
                nested = target.__dict__.get(part)
                if nested is None:
                    nested = _Light()
                    setattr(target, part, nested)
                target = nested
            setattr(target, last, value)
        for part in ("worker",):  # a case with no worker: all its names are None
            case = record.__dict__.get("case")
            if case is not None and case.__dict__.get(part) is not None:
                worker = case.__dict__[part]
                if worker.username is None:
                    setattr(case, part, None)
        records.append(record)
    return records


def _owner(child: Any) -> Row:
    return [child.owning_team.name if child.owning_team_id else "", _name(child.allocated_worker)]


def _yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else (YES if value else NO)


def _children(records: Any, partnership_id: int, field_name: str = "child") -> QuerySet[Any]:
    """A model's records (its manager or a queryset) for the partnership's children."""
    queryset: QuerySet[Any] = records.all()
    return queryset.filter(
        **{f"{field_name}__partnership_id": partnership_id, f"{field_name}__merged_into": None}
    )


def _open_in(queryset: QuerySet[Any], start: str, end: str, period: Period) -> QuerySet[Any]:
    return queryset.filter(**{f"{start}__lte": period.end}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period.start})
    )


def _upto(day: dt.date | None, end: dt.date) -> dt.date | None:
    """A date known by the inspection date (a later one is not shown)."""
    return day if day is not None and day <= end else None


# List 1 ---------------------------------------------------------------------------------------


def contacts(ctx: ListContext) -> list[Row]:
    from masa.frontdoor.models import Contact

    start = timezone.make_aware(dt.datetime.combine(ctx.period.start, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(ctx.period.end + dt.timedelta(days=1), dt.time.min)
    )
    rows = []
    found = (
        _children(Contact.objects, ctx.partnership_id)
        .filter(received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "pk")
    )
    for contact in _light(found, "received_at", "source", *CHILD_FIELDS):
        rows.append(
            [
                *_child_cells(contact.child, ctx.inspection),
                timezone.localtime(contact.received_at).date(),
                SOURCE.get(contact.source, contact.source),
            ]
        )
    return rows


# List 2 ---------------------------------------------------------------------------------------


def early_help(ctx: ListContext) -> list[Row]:
    from masa.earlyhelp.models import EarlyHelpEpisode

    episodes = _children(EarlyHelpEpisode.objects, ctx.partnership_id)
    episodes = _open_in(episodes, "started_on", "assessment_completed_on", ctx.period).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=ctx.period.start)
    )
    return [
        [
            *_child_cells(e.child, ctx.inspection),
            e.started_on,
            _upto(e.assessment_completed_on, ctx.period.end),
            e.lead_agency.name,
        ]
        for e in _light(
            episodes.order_by("started_on", "pk"),
            "started_on",
            "assessment_completed_on",
            "lead_agency__name",
            *CHILD_FIELDS,
        )
    ]


# List 3 ---------------------------------------------------------------------------------------


def _counts_in_last_year(
    queryset: QuerySet[Any], date_field: str, ctx: ListContext, child_field: str = "child_id"
) -> Counter[int]:
    values = queryset.filter(
        **{f"{date_field}__gte": ctx.year_before, f"{date_field}__lte": ctx.inspection}
    ).values_list(child_field, flat=True)
    return Counter(values)


def referrals(ctx: ListContext) -> list[Row]:
    from masa.frontdoor.models import Referral

    in_period = _children(Referral.objects, ctx.partnership_id).filter(
        referral_date__gte=ctx.period.start, referral_date__lte=ctx.period.end
    )
    counts = _counts_in_last_year(
        Referral.objects.filter(child_id__in=in_period.values("child_id")), "referral_date", ctx
    )
    return [
        [
            *_child_cells(r.child, ctx.inspection),
            r.referral_date,
            SOURCE.get(r.source, r.source),
            YES if r.no_further_action else NO,
            counts[r.child_id],
            *_team_worker(r.case),
        ]
        for r in _light(
            in_period.order_by("referral_date", "pk"),
            "referral_date",
            "source",
            "no_further_action",
            *CHILD_FIELDS,
            *CASE_FIELDS,
        )
    ]


# List 4 ---------------------------------------------------------------------------------------


def _seen_visits(case_ids: QuerySet[Any], end: dt.date) -> dict[int, list[tuple[dt.date, bool]]]:
    from masa.protection.models import Visit

    seen: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for case_id, day, alone in (
        Visit.objects.filter(case_id__in=case_ids, child_seen=True, visited_on__lte=end)
        .order_by("visited_on", "pk")
        .values_list("case_id", "visited_on", "seen_alone")
    ):
        seen[case_id].append((day, alone))
    return seen


NEEDS_SUPPORT = {"cin_plan": YES, "strategy": YES, "nfa": NO, "early_help": NO}


def assessments(ctx: ListContext) -> list[Row]:
    from masa.protection.models import Assessment

    found = _open_in(
        _children(Assessment.objects, ctx.partnership_id), "started_on", "authorised_on", ctx.period
    )
    visits = _seen_visits(found.values("case_id"), ctx.period.end)
    rows = []
    for a in _light(
        found.order_by("started_on", "pk"),
        "started_on",
        "authorised_on",
        "outcome",
        *CHILD_FIELDS,
        *CASE_FIELDS,
    ):
        authorised = _upto(a.authorised_on, ctx.period.end)
        until = authorised or ctx.period.end
        seen = any(a.started_on <= day <= until for day, _ in visits.get(a.case_id, []))
        rows.append(
            [
                *_child_cells(a.child, ctx.inspection),
                _disability(a.child),
                a.started_on,
                YES if seen else NO,
                authorised,
                NEEDS_SUPPORT.get(a.outcome, "") if authorised else "",
                *_team_worker(a.case),
            ]
        )
    return rows


# List 5 ---------------------------------------------------------------------------------------


def _initial_conferences(
    case_ids: QuerySet[Any], end: dt.date
) -> dict[int, list[tuple[dt.date, Any]]]:
    from masa.protection.models import ConferenceChild, ConferenceKind

    found: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for case_id, held_on, plan_needed in (
        ConferenceChild.objects.filter(
            case_id__in=case_ids,
            conference__kind=ConferenceKind.INITIAL,
            conference__held_on__isnull=False,
            conference__held_on__lte=end,
        )
        .order_by("conference__held_on")
        .values_list("case_id", "conference__held_on", "plan_needed")
    ):
        found[case_id].append((held_on, plan_needed))
    return found


def section47(ctx: ListContext) -> list[Row]:
    from masa.protection.models import ConferenceChild, ConferenceKind, S47Enquiry, S47Outcome

    found = _children(S47Enquiry.objects, ctx.partnership_id).filter(
        started_on__gte=ctx.period.start, started_on__lte=ctx.period.end
    )
    conferences = _initial_conferences(found.values("case_id"), ctx.period.end)
    children = found.values("child_id")
    enquiries = _counts_in_last_year(
        S47Enquiry.objects.filter(child_id__in=children), "started_on", ctx
    )
    icpcs = _counts_in_last_year(
        ConferenceChild.objects.filter(
            child_id__in=children, conference__kind=ConferenceKind.INITIAL
        ),
        "conference__held_on",
        ctx,
    )
    rows = []
    for s in _light(
        found.order_by("started_on", "pk"),
        "started_on",
        "completed_on",
        "outcome",
        "strategy_discussion__held_on",
        *CHILD_FIELDS,
        *CASE_FIELDS,
    ):
        icpc = next(((d, p) for d, p in conferences.get(s.case_id, []) if d >= s.started_on), None)
        decided = bool(s.outcome) and _upto(s.completed_on or s.started_on, ctx.period.end)
        unnecessary = (YES if s.outcome != S47Outcome.ICPC else NO) if decided else ""
        rows.append(
            [
                *_child_cells(s.child, ctx.inspection),
                _disability(s.child),
                s.strategy_discussion.held_on,
                unnecessary,
                icpc[0] if icpc else None,
                (_yes_no(icpc[1]) if icpc[1] is not None else "") if icpc else "",
                enquiries[s.child_id],
                icpcs[s.child_id],
                *_team_worker(s.case),
            ]
        )
    return rows


# List 6 ---------------------------------------------------------------------------------------


def _last_seen(child_ids: QuerySet[Any], end: dt.date) -> dict[int, dt.date]:
    from masa.protection.models import Visit

    return dict(
        Visit.objects.filter(child_id__in=child_ids, child_seen=True, visited_on__lte=end)
        .values("child_id")
        .annotate(last=Max("visited_on"))
        .values_list("child_id", "last")
    )


def _open_on(queryset: QuerySet[Any], start: str, end: str, day: dt.date) -> QuerySet[Any]:
    return queryset.filter(**{f"{start}__lte": day}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day})
    )


def children_in_need(ctx: ListContext) -> list[Row]:
    from masa.care.models import Episode
    from masa.frontdoor.models import Referral
    from masa.protection.models import Assessment, ChildProtectionPlan, CINPlan

    found = _open_in(
        _children(Referral.objects, ctx.partnership_id).filter(no_further_action=False),
        "referral_date",
        "closure_date",
        ctx.period,
    )
    day = ctx.period.end
    cases, kids = found.values("case_id"), found.values("child_id")

    def open_ids(queryset: QuerySet[Any], end: str, key: str) -> set[int]:
        return set(_open_on(queryset, "started_on", end, day).values_list(key, flat=True))

    looked_after = open_ids(Episode.objects.filter(child_id__in=kids), "ended_on", "child_id")
    on_cp = open_ids(ChildProtectionPlan.objects.filter(case_id__in=cases), "ended_on", "case_id")
    on_cin = open_ids(CINPlan.objects.filter(case_id__in=cases), "ended_on", "case_id")
    assessing = open_ids(Assessment.objects.filter(case_id__in=cases), "authorised_on", "case_id")
    seen = _last_seen(kids, day)
    rows = []
    for r in _light(
        found.order_by("referral_date", "pk"),
        "referral_date",
        "closure_date",
        "closure_reason",
        "primary_need",
        *CHILD_FIELDS,
        *CASE_FIELDS,
    ):
        closed = _upto(r.closure_date, day)
        if closed:
            status = "closed"
        elif r.child_id in looked_after:
            status = "looked_after"
        elif r.case_id in on_cp:
            status = "cp"
        elif r.case_id in on_cin:
            status = "cin"
        elif r.case_id in assessing:
            status = "assessment"
        else:
            status = ""
        rows.append(
            [
                *_child_cells(r.child, ctx.inspection),
                _disability(r.child),
                r.referral_date,
                PRIMARY_NEED.get(r.primary_need, ""),
                seen.get(r.child_id),
                closed,
                CLOSURE.get(r.closure_reason, "") if closed else "",
                CASE_STATUS.get(status, ""),
                *_team_worker(r.case),
            ]
        )
    return rows


# List 7 ---------------------------------------------------------------------------------------


def child_protection(ctx: ListContext) -> list[Row]:
    from masa.care.models import Episode
    from masa.protection.models import ChildProtectionPlan, ConferenceChild, ConferenceKind

    found = _open_in(
        _children(ChildProtectionPlan.objects, ctx.partnership_id),
        "started_on",
        "ended_on",
        ctx.period,
    )
    day = ctx.period.end
    visits = _seen_visits(found.values("case_id"), day)
    reviews: dict[int, list[Any]] = defaultdict(list)
    for case_id, held_on in ConferenceChild.objects.filter(
        case_id__in=found.values("case_id"),
        conference__kind=ConferenceKind.REVIEW,
        conference__held_on__lte=day,
    ).values_list("case_id", "conference__held_on"):
        reviews[case_id].append(held_on)
    kids = found.values("child_id")
    six_months_before = add_months(ctx.inspection, -6)
    protected = set(
        Episode.objects.filter(
            child_id__in=kids, legal_status__in=("L1", "L2"), started_on__lte=ctx.inspection
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=six_months_before))
        .values_list("child_id", flat=True)
    )
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, started_on in ChildProtectionPlan.objects.filter(child_id__in=kids).values_list(
        "child_id", "started_on"
    ):
        starts[child_id].append(started_on)
    rows = []
    for p in _light(
        found.order_by("started_on", "pk"),
        "started_on",
        "ended_on",
        "initial_category",
        "latest_category",
        *CHILD_FIELDS,
        *CASE_FIELDS,
    ):
        ended = _upto(p.ended_on, day)
        until = ended or day
        during = [
            (d, alone) for d, alone in visits.get(p.case_id, []) if p.started_on <= d <= until
        ]
        last_visit = during[-1] if during else None
        latest_review = max(
            (d for d in reviews.get(p.case_id, []) if p.started_on <= d <= until), default=None
        )
        rows.append(
            [
                *_child_cells(p.child, ctx.inspection),
                _disability(p.child),
                p.started_on,
                ABUSE.get(p.initial_category, p.initial_category),
                ABUSE.get(p.latest_category, p.latest_category),
                last_visit[0] if last_visit else None,
                _yes_no(last_visit[1]) if last_visit else "",
                latest_review,
                ended,
                YES if p.child_id in protected else NO,
                sum(d < p.started_on for d in starts[p.child_id]),
                *_team_worker(p.case),
            ]
        )
    return rows


# Lists 8 to 10: care -------------------------------------------------------------------------


@dataclass
class CareEpisode:
    started_on: dt.date
    ended_on: dt.date | None
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement_type: str
    placement_provider: str
    placement_postcode: str
    urn: str
    reason_ceased: str


EPISODE_FIELDS = (
    "child_id", "started_on", "ended_on", "reason_new_episode", "legal_status",
    "category_of_need", "placement_type", "placement_provider", "placement_postcode", "urn",
    "reason_ceased",
)  # fmt: skip


def _episodes(child_ids: QuerySet[Any] | Iterable[int]) -> dict[int, list[CareEpisode]]:
    from masa.care.models import Episode

    found: dict[int, list[CareEpisode]] = defaultdict(list)
    for row in (
        Episode.objects.filter(child_id__in=child_ids)
        .order_by("child_id", "started_on", "pk")
        .values_list(*EPISODE_FIELDS)
    ):
        found[row[0]].append(CareEpisode(*row[1:]))
    return found


def periods_of_care(episodes: Sequence[CareEpisode]) -> list[list[CareEpisode]]:
    """A child's episodes grouped into periods of care: a period starts with an episode whose
    reason for new episode is S (or that follows a period that ended) and runs until an episode
    ceases with a reason other than X1 (the DfE's 903 counting)."""
    periods: list[list[CareEpisode]] = []
    for episode in episodes:
        current = periods[-1] if periods else None
        if (
            current is not None
            and episode.reason_new_episode != STARTED_CARE
            and current[-1].reason_ceased in (CONTINUES, "")
        ):
            current.append(episode)
        else:
            periods.append([episode])
    return periods


def _known(episodes: Sequence[CareEpisode], end: dt.date) -> list[CareEpisode]:
    """The episodes as known on ``end``: later ones left out, later endings not yet happened."""
    kept = []
    for e in episodes:
        if e.started_on > end:
            continue
        if e.ended_on is not None and e.ended_on > end:
            e = CareEpisode(**{**e.__dict__, "ended_on": None, "reason_ceased": ""})
        kept.append(e)
    return kept


def _period_end(period: Sequence[CareEpisode]) -> dt.date | None:
    last = period[-1]
    return None if last.reason_ceased in (CONTINUES, "") else last.ended_on


def _run_start(
    period: Sequence[CareEpisode], same: Callable[[CareEpisode, CareEpisode], bool]
) -> dt.date:
    """When the latest run of episodes that are the same in some respect began."""
    start = period[-1].started_on
    for earlier, later in zip(reversed(period[:-1]), reversed(period[1:]), strict=True):
        if not same(earlier, later):
            break
        start = earlier.started_on
    return start


def _placements_since(episodes: Sequence[CareEpisode], since: dt.date) -> int:
    """Placements in the 12 months: the one the child was in when they began, and each new one
    started since (an episode whose reason for new episode starts a placement)."""
    at_start = any(
        e.started_on < since and (e.ended_on is None or e.ended_on >= since) for e in episodes
    )
    new = sum(e.started_on >= since and e.reason_new_episode in NEW_PLACEMENT for e in episodes)
    return new + (1 if at_start else 0)


def _latest_by_child(
    queryset: QuerySet[Any], date_field: str, end: dt.date, child_field: str = "child_id"
) -> dict[int, dt.date]:
    return dict(
        queryset.filter(**{f"{date_field}__lte": end})
        .values(child_field)
        .annotate(last=Max(date_field))
        .values_list(child_field, "last")
    )


def looked_after(ctx: ListContext) -> list[Row]:
    from masa.care.models import (
        CareProfile,
        CareReview,
        Episode,
        HealthAndEducationEvent,
        HealthEventKind,
        MissingEpisode,
    )
    from masa.people.models import Child
    from masa.protection.models import Visit

    day, since = ctx.period.end, ctx.year_before
    in_care = _open_in(
        _children(Episode.objects, ctx.partnership_id), "started_on", "ended_on", ctx.period
    ).values("child_id")
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in=in_care).select_related(
            "owning_team", "allocated_worker"
        )
    }
    episodes = _episodes(in_care)
    profiles = {p.child_id: p for p in CareProfile.objects.filter(child_id__in=in_care)}
    reviews = _latest_by_child(CareReview.objects.filter(child_id__in=in_care), "held_on", day)
    visits = _latest_by_child(Visit.objects.filter(child_id__in=in_care), "visited_on", day)
    events = HealthAndEducationEvent.objects.filter(child_id__in=in_care)
    health = _latest_by_child(
        events.filter(
            kind__in=(
                HealthEventKind.INITIAL_HEALTH_ASSESSMENT,
                HealthEventKind.REVIEW_HEALTH_ASSESSMENT,
            )
        ),
        "done_on",
        day,
    )
    dental = _latest_by_child(events.filter(kind=HealthEventKind.DENTAL_CHECK), "done_on", day)
    missing: dict[int, list[Any]] = defaultdict(list)
    for row in (
        MissingEpisode.objects.filter(child_id__in=in_care, started_at__date__lte=ctx.inspection)
        .order_by("started_at", "pk")
        .values_list("child_id", "kind", "started_at", "rhi_offered_at", "rhi_accepted")
    ):
        missing[row[0]].append(row)
    rows = []
    for child_id, child in sorted(children.items()):
        known = _known(episodes[child_id], day)
        periods = periods_of_care(known)
        if not periods:
            continue
        current = periods[-1]
        started = current[0].started_on
        earlier_end = _period_end(periods[-2]) if len(periods) > 1 else None
        again = earlier_end is not None and earlier_end >= add_months(started, -12)
        latest = current[-1]
        ended = _period_end(current)
        profile = profiles.get(child_id)
        uasc = bool(
            profile
            and profile.uasc
            and (profile.uasc_ceased_on is None or profile.uasc_ceased_on >= since)
        )
        recent = [m for m in missing[child_id] if timezone.localtime(m[2]).date() >= since]
        went_missing = [m for m in recent if m[1] == "M"]
        last_missing = went_missing[-1] if went_missing else None
        rows.append(
            [
                *_child_cells(child, ctx.inspection),
                YES if uasc else NO,
                _disability(child),
                started,
                PRIMARY_NEED.get(latest.category_of_need, latest.category_of_need),
                YES if again else NO,
                _run_start(current, lambda a, b: a.legal_status == b.legal_status),
                LEGAL_STATUS.get(latest.legal_status, latest.legal_status),
                reviews.get(child_id),
                visits.get(child_id),
                None,  # permanence plan: not recorded in masa
                None,  # IRO visit or contact: not recorded in masa
                health.get(child_id),
                dental.get(child_id),
                _placements_since(known, since),
                ended,
                REASON_CEASED.get(latest.reason_ceased, latest.reason_ceased) if ended else "",
                _run_start(current, lambda a, b: b.reason_new_episode not in NEW_PLACEMENT),
                PLACEMENT_TYPE.get(latest.placement_type, latest.placement_type),
                PROVIDER.get(latest.placement_provider, latest.placement_provider),
                latest.placement_postcode,
                latest.urn,
                None,  # placement location (in or out of the area)
                None,  # LA of placement
                len(went_missing),
                sum(m[1] == "A" for m in recent),
                (YES if last_missing[3] else NO) if last_missing else "",
                (_yes_no(last_missing[4]) if last_missing[3] else "") if last_missing else "",
                *_owner(child),
            ]
        )
    return rows


def care_leaver_category(
    born: dt.date | None, episodes: Sequence[CareEpisode], on: dt.date
) -> str | None:
    """Eligible, relevant, former relevant or qualifying, from the episodes of care (None when
    the young person is not a care leaver on ``on``). Looked after for 13 weeks (91 days) or
    more since 14, some of it at 16 or over: eligible while still looked after, relevant once
    out of care before 18, former relevant from 18; looked after at 16 or over for less:
    qualifying. Up to the 25th birthday."""
    age = _age(born, on)
    if born is None or age is None or age < 16 or age >= 25:
        return None
    fourteen, sixteen = add_months(born, 14 * 12), add_months(born, 16 * 12)
    known = _known(episodes, on)
    days_since_14 = 0
    after_16 = False
    for e in known:
        until = e.ended_on or on
        start = max(e.started_on, fourteen)
        if until >= start:
            days_since_14 += (until - start).days + 1
        after_16 = after_16 or until >= sixteen
    periods = periods_of_care(known)
    in_care = bool(periods) and _period_end(periods[-1]) is None
    eligible_history = days_since_14 >= 91 and after_16
    if age < 18:
        if eligible_history:
            return ELIGIBLE if in_care else RELEVANT
        return QUALIFYING if after_16 and not in_care else None
    if eligible_history:
        return FORMER_RELEVANT
    return QUALIFYING if after_16 else None


def care_leavers(ctx: ListContext) -> list[Row]:
    from masa.care.models import CareLeaverContact, CareProfile, Episode, PathwayPlan
    from masa.people.models import Child

    on = ctx.inspection
    oldest = add_months(on, -25 * 12) + dt.timedelta(days=1)
    youngest = add_months(on, -16 * 12)
    candidates = (
        _children(Episode.objects, ctx.partnership_id)
        .filter(child__date_of_birth__gte=oldest, child__date_of_birth__lte=youngest)
        .values("child_id")
    )
    episodes = _episodes(candidates)
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in=candidates).select_related(
            "owning_team", "allocated_worker"
        )
    }
    profiles = {p.child_id: p for p in CareProfile.objects.filter(child_id__in=candidates)}
    plans: dict[int, Any] = {}
    for pathway in (
        PathwayPlan.objects.filter(child_id__in=candidates, agreed_on__lte=on)
        .select_related("personal_adviser")
        .order_by("child_id", "agreed_on", "reviewed_on", "pk")
    ):
        plans[pathway.child_id] = pathway
    contacts: dict[int, Any] = {}
    for touch in CareLeaverContact.objects.filter(child_id__in=candidates).order_by(
        "child_id", "year_ending", "contacted_on"
    ):
        if touch.contacted_on is None or touch.contacted_on <= on:
            contacts[touch.child_id] = touch
    rows = []
    for child_id, child in sorted(children.items()):
        category = care_leaver_category(child.date_of_birth, episodes[child_id], on)
        if category is None:
            continue
        profile = profiles.get(child_id)
        plan = plans.get(child_id)
        contact = contacts.get(child_id)
        accommodation = (contact.accommodation or "") if contact else ""
        adviser = plan.personal_adviser.display_name if plan and plan.personal_adviser_id else ""
        rows.append(
            [
                *_child_cells(child, on),
                YES if profile and profile.uasc else NO,
                _disability(child),
                *_owner(child),
                adviser or NOT_ALLOCATED,
                category,
                (plan.reviewed_on or plan.agreed_on) if plan else None,
                IN_TOUCH.get(contact.in_touch, contact.in_touch) if contact else "",
                contact.contacted_on if contact else None,
                ACCOMMODATION.get(accommodation[:1], accommodation),
                SUITABILITY.get(accommodation[1:2], ""),
                ACTIVITY.get(contact.activity, contact.activity) if contact else "",
            ]
        )
    return rows


def _first_start(
    period: Sequence[CareEpisode], test: Callable[[CareEpisode], bool]
) -> dt.date | None:
    return next((e.started_on for e in period if test(e)), None)


def adoption(ctx: ListContext) -> list[Row]:
    from masa.care.models import AdoptionDecision, AdoptionMatch
    from masa.people.models import Child

    day = ctx.period.end
    decisions = _children(AdoptionDecision.objects, ctx.partnership_id).filter(decided_on__lte=day)
    latest: dict[int, Any] = {}
    for decision in decisions.order_by("child_id", "decided_on", "pk"):
        latest[decision.child_id] = decision
    kids = decisions.values("child_id")
    episodes = _episodes(kids)
    children = {c.pk: c for c in Child.objects.filter(pk__in=kids)}
    matched = _latest_by_child(AdoptionMatch.objects.filter(child_id__in=kids), "matched_on", day)
    rows = []
    for child_id, decision in sorted(latest.items()):
        known = _known(episodes[child_id], day)
        period = next(
            (p for p in reversed(periods_of_care(known)) if p[0].started_on <= decision.decided_on),
            [],
        )
        adopted = next(
            (e.ended_on for e in period if e.reason_ceased in ("E11", "E12") and e.ended_on), None
        )
        stopped = _upto(decision.ceased_on, day)
        if (adopted and adopted < ctx.period.start) or (stopped and stopped < ctx.period.start):
            continue  # finished before the period

        rows.append(
            [
                format_masa_id(child_id),
                None,  # family identifier: masa keeps no adoption sibling-group identifier
                *_child_cells(children[child_id], ctx.inspection)[1:],
                _disability(children[child_id]),
                period[0].started_on if period else None,
                decision.decided_on,
                _first_start(period, lambda e: e.legal_status == "E1"),
                matched.get(child_id),
                _first_start(period, lambda e: e.placement_type in ADOPTION_PLACEMENTS),
                adopted,
                stopped,
                NO_LONGER_ADOPTION.get(decision.reason_ceased, decision.reason_ceased)
                if stopped
                else "",
                _first_start(period, lambda e: e.placement_type in FFA_PLACEMENTS),
            ]
        )
    return rows


LISTS: tuple[AnnexList, ...] = (
    AnnexList(
        1, "Contacts", (*CHILD_HEADINGS, "Date of Contact", "Contact Source"), 6,
        "Contacts received in the period.", contacts,
    ),
    AnnexList(
        2, "Early help",
        (*CHILD_HEADINGS, "Assessment start date", "Assessment completion date",
         "Organisation completing assessment"),
        6, "Early help episodes whose assessment was open at some point in the period.",
        early_help,
    ),
    AnnexList(
        3, "Referrals",
        (*CHILD_HEADINGS, "Date of referral", "Referral Source", "Referral NFA?",
         "Number of Referrals in Last 12 Months", *TEAM_WORKER),
        6, "Referrals received in the period.", referrals,
    ),
    AnnexList(
        4, "Assessments",
        (*CHILD_HEADINGS, DISABILITY, "Continuous Assessment Start Date",
         "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
         "Was the child assessed as requiring LA children's social care support?", *TEAM_WORKER),
        6, "Assessments open at some point in the period.", assessments,
    ),
    AnnexList(
        5, "Section 47 enquiries and ICPCs",
        (*CHILD_HEADINGS, DISABILITY,
         "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Was an Initial Child Protection Conference deemed unnecessary?",
         "Date of Initial Child Protection Conference",
         "Did the Initial Child Protection Conference Result in a Child Protection Plan",
         "Number of Section 47 Enquiries in the last 12 months",
         "Number of ICPCs in the last 12 months", *TEAM_WORKER),
        6, "Section 47 enquiries started in the period.", section47,
    ),
    AnnexList(
        6, "Children in need",
        (*CHILD_HEADINGS, DISABILITY, "CIN Start Date", "Primary Need Code",
         "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
         *TEAM_WORKER),
        6, "Children in need episodes (referrals that led to further action) open at some point "
        "in the period.", children_in_need,
    ),
    AnnexList(
        7, "Child protection",
        (*CHILD_HEADINGS, DISABILITY, "Child Protection Plan Start Date",
         "Initial Category of Abuse", "Latest Category of Abuse",
         "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
         "Date of latest review conference", "Child Protection Plan End Date",
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
         "Months (Y/N)", "Number of Previous Child Protection Plans", *TEAM_WORKER),
        6, "Child protection plans open at some point in the period.", child_protection,
    ),
    AnnexList(
        8, "Children in care",
        (*CHILD_HEADINGS,
         "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
         DISABILITY, "Date Started to be Looked After", "Child's Category of Need",
         "Is this a second or subsequent period of being a Looked After Child within the last "
         "12 months (Y/N)", "Start date of current legal status", "Child's Legal Status",
         "Date of Latest Statutory Review", "Date of Last Social Work Visit",
         "What is the permanence plan for this child?",
         "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
         "Date of Last Dental Check", "Number of Placements in the Last 12 months",
         "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
         "Start Date of Most Recent Placement", "Placement Type", "Placement Provider",
         "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
         "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 "
         "months",
         "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 "
         "months",
         "Was the child offered a Return Interview after their last missing episode (Y/N)?",
         "Did the child accept a Return Interview after their last missing episode (Y/N)?",
         *TEAM_WORKER),
        12, "Children looked after at some point in the period.", looked_after,
        blank={
            "What is the permanence plan for this child?": "masa does not record the "
            "permanence plan yet",
            "Date of Last IRO Visit / Contact to the Child": "masa records IRO reviews, not "
            "their visits or contacts between reviews",
            "Placement Location": "needs the local authority of each placement postcode, which "
            "masa does not hold yet",
            "LA of Placement": "needs the local authority of each placement postcode, which masa "
            "does not hold yet",
        },
    ),
    AnnexList(
        9, "Care leavers",
        (*CHILD_HEADINGS,
         "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
         DISABILITY, *TEAM_WORKER, "Allocated Personal Advisor", "Eligibility Category",
         "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
         "Type of Accommodation", "Suitability of Accommodation", "Activity Status"),
        12, "Care leavers aged 16 to 24 on the inspection date (eligible, relevant, former "
        "relevant or qualifying, worked out from their episodes of care).", care_leavers,
    ),
    AnnexList(
        10, "Adoption",
        ("Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
         "Age of Child (Years)", DISABILITY, "Date the Child Entered Care",
         "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
         "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
         "Date of Adoption Order",
         "Date of Decision that Child Should No Longer be Placed for Adoption",
         "Reason Why Child No Longer Placed for Adoption",
         "Date the child was placed for fostering in FFA or concurrent planning placement"),
        12, "Children with a decision that they should be placed for adoption, still in "
        "progress at some point in the period.", adoption,
        blank={"Family identifier": "masa keeps no identifier for adoptive sibling groups"},
    ),
    AnnexList(
        11, "Adopters",
        ("Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
         "Disability", "Is the (prospective) adopter fostering for adoption?",
         "Date enquiry received", "Date Stage 1 started", "Date Stage 1 ended",
         "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
         "Date application approved", "Date adopter matched with child(ren)",
         "Date child/children placed with adopter(s)", "No. of children placed",
         "Date of Adoption Order", "Date of leaving adoption process",
         "Reason for leaving adoption process"),
        12, "Prospective adopters.",
        not_filled="masa holds no records of prospective adopters: the adoption agency's "
        "system does.",
    ),
)  # fmt: skip


# ---------------------------------------------------------------- the workbook


@dataclass(frozen=True)
class FilledList:
    annex: AnnexList
    period: Period
    rows: list[Row]


def fill_lists(
    partnership_id: int, inspection: dt.date, choice: str = "ofsted"
) -> list[FilledList]:
    filled = []
    for annex in LISTS:
        months = annex.months if choice == "ofsted" else int(choice)
        period = period_before(inspection, months)
        ctx = ListContext(partnership_id, period, inspection)
        rows = annex.build(ctx) if annex.build else []
        filled.append(FilledList(annex, period, rows))
    return filled


def workbook_bytes(
    filled: Sequence[FilledList],
    *,
    partnership: Partnership,
    inspection: dt.date,
    made: dt.datetime,
) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode keeps large lists fast)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(sheet: Any, value: Any, *, font: Any = None, number_format: str = "") -> Any:
        made_cell = WriteOnlyCell(sheet, value=safe(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            made_cell.data_type = "s"  # text, never a formula
        if font is not None:
            made_cell.font = font
        if number_format:
            made_cell.number_format = number_format
        made_cell.alignment = wrap
        return made_cell

    cover = book.create_sheet("Cover")
    for letter, width in zip("ABCDEFG", (16, 30, 12, 12, 8, 60, 90), strict=True):
        cover.column_dimensions[letter].width = width
    cover.append([cell(cover, "Ofsted Annex A: child-level lists", font=Font(bold=True, size=14))])
    cover.append(["Partnership", cell(cover, partnership.name)])
    cover.append(["Inspection date", cell(cover, inspection, number_format=DATE_FORMAT)])
    produced = made.replace(tzinfo=None, microsecond=0)
    cover.append(["Produced", cell(cover, produced, number_format="DD/MM/YYYY HH:MM")])
    cover.append(["Produced by", "masa, from the partnership's live records"])
    cover.append(
        ["Restricted", "Child-level data: keep and share only as the inspection requires."]
    )
    cover.append([])
    headings = ("List", "Title", "From", "To", "Rows", "Who is listed", "Notes")
    cover.append([cell(cover, h, font=bold) for h in headings])
    for item in filled:
        annex = item.annex
        if annex.not_filled:
            notes = f"Not filled: {annex.not_filled}"
        else:
            notes = "; ".join(f"'{h}' left blank: {why}" for h, why in annex.blank.items())
        cover.append(
            [
                cell(cover, annex.sheet),
                cell(cover, annex.title),
                cell(cover, item.period.start, number_format=DATE_FORMAT),
                cell(cover, item.period.end, number_format=DATE_FORMAT),
                None if annex.not_filled else len(item.rows),
                cell(cover, annex.who),
                cell(cover, notes),
            ]
        )

    for item in filled:
        sheet = book.create_sheet(item.annex.sheet)
        for index in range(len(item.annex.headings)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 22
        sheet.freeze_panes = "B2"
        sheet.append([cell(sheet, h, font=bold) for h in item.annex.headings])
        dates = item.annex.date_columns
        for row in item.rows:
            values: list[Any] = []
            for index, value in enumerate(row):
                if index in dates and value is not None:
                    date_cell = WriteOnlyCell(sheet, value=value)
                    date_cell.number_format = DATE_FORMAT
                    values.append(date_cell)
                elif isinstance(value, str):
                    values.append(safe(value))  # never starts a formula
                else:
                    values.append(value)
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class AnnexExport:
    filename: str
    content: bytes
    rows: dict[str, int]
    inspection: dt.date

    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def annex_a_exported(
    *,
    partnership: Partnership,
    inspection: dt.date,
    period: str = "ofsted",
    actor: User | None,
    actor_label: str = "",
    made_at: dt.datetime | None = None,
) -> AnnexExport:
    """The Annex A workbook for an inspection on ``inspection``, audited."""
    if period not in PERIOD_CHOICES:
        raise ServiceError("Choose the period the lists cover", "period")
    if inspection.year < 2000:
        raise ServiceError("Inspection date must be a real date after 2000", "inspection")
    made = timezone.localtime(made_at or timezone.now())
    filled = fill_lists(partnership.pk, inspection, period)
    content = workbook_bytes(filled, partnership=partnership, inspection=inspection, made=made)
    rows = {f.annex.sheet: len(f.rows) for f in filled if not f.annex.not_filled}
    export = AnnexExport(
        filename=f"annex-a-{partnership.slug}-{inspection.isoformat()}.xlsx",
        content=content,
        rows=rows,
        inspection=inspection,
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.EXPORT,
            object_type=AUDIT_TYPE,
            object_label=f"Ofsted Annex A lists for an inspection on {govuk_date(inspection)}",
            after={"inspection": inspection.isoformat(), "period": period, "rows": rows},
        )
    return export
