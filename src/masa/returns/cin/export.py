"""The CIN census for a collection year, from masa's live records: set-based, audited, validated.

Which records belong in the year (1 April to 31 March, the DfE's rules as masa reads them):

- **Episodes** (``CINdetails``, one per referral, as ``masa.protection.cin`` maps them): referred
  on or before 31 March and not closed before 1 April. Children are those with at least one.
- **Assessments, CIN plans, section 47 enquiries and child protection plans** of those episodes
  that were open at some point in the year: started by 31 March and not ended before 1 April
  (an assessment ends when authorised; an enquiry at its initial conference, or when it closed
  with no conference needed). Each failure of the DfE's in-year rules (8696, 8736, 8740, 4013,
  8930...) is left for the rules to report, not hidden.
- **Reviews** of a plan: review conferences held in the year, after the plan started and not
  after it ended.
- The census shows the record **as at 31 March**: a closure, an authorisation, an end date or
  a conference after the reference date is not written (the episode, assessment or plan is
  shown open), nor is a "no conference needed" decided after it.

The mapping from masa's fields to DfE elements is ``masa.protection.cin``'s (which builds one
child at a time for the checks on save); this module builds every child of the year with one
query per table. Two differences, both so the file meets the DfE rules: the episode's
``DateOfInitialCPC`` is written only for an initial conference no section 47 enquiry of the
episode carries (rule 2884: "recorded at both the S47 and CIN Details level"), and records are
cut at 31 March as above.

Codes of another year: the file uses the year's schema and its codes (``xsd.layout``). Sex is
``GenderCurrent`` (1, 2, 0) up to 2023-24 and ``Sex`` (M, F, U) from 2024-25. A code masa
records today that the year did not have is written as its predecessor where the DfE split or
renamed a code (18B and 18C were 18A before 2021; 19B and 19C were 19A; RC9 was part of RC8
before 2023; 5D early help was 5B, other internal LA services; 24A child criminal exploitation
was 20 "Other"); a code with no predecessor is left out. A child with no ethnicity recorded is
written as NOBT (information not yet obtained). CIN plans are not part of a census before
2021-22. Every such change is counted in the export's notes.

The header's LA code comes from the partnership's ``LocalAuthorityLink`` (masa.indicators) if it
has one, else from the ``MASA_LA_CODE`` setting; with neither, masa refuses to export.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from masa.core import audit
from masa.core.calendar import WorkingDayCalendar, compute_clock, working_day_calendar
from masa.core.models import AuditAction, Partnership, User
from masa.core.presenters import format_masa_id
from masa.core.services import ServiceError
from masa.frontdoor.models import Referral
from masa.journey.clocks import rules_for_partnership
from masa.people.models import Child
from masa.protection.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    ConferenceChild,
    ConferenceKind,
    S47Enquiry,
    S47Outcome,
)

from . import model as dfe
from .xml_write import CensusHeader, census_xml, schema_errors
from .xsd import Layout, check_year, label, layout, short_label
from .years import CollectionYear

AUDIT_TYPE = "cin_census_export"
SOFTWARE = "masa"
# Sex as masa records it -> GenderCurrent, the element up to 2023-24.
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}
NOT_OBTAINED = "NOBT"
# Where the DfE split or renamed a code: today's code -> the code an earlier year used.
PREDECESSORS: dict[str, dict[str, str]] = {
    "AssessmentFactors": {"18B": "18A", "18C": "18A", "19B": "19A", "19C": "19A", "24A": "20"},
    "ReasonForClosure": {"RC9": "RC8"},
    "ReferralSource": {"5D": "5B"},
}
ELEMENT_WORDS = {
    "AssessmentFactors": "Assessment factor",
    "ReasonForClosure": "Reason for closure",
    "ReferralSource": "Referral source",
    "PrimaryNeedCode": "Primary need code",
    "Disability": "Disability",
    "Ethnicity": "Ethnicity",
}


class Notes:
    """What the export changed or left out to fit the year, counted."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.counts: Counter[str] = Counter()

    def add(self, text: str) -> None:
        self.counts[text] += 1

    def lines(self) -> list[str]:
        return [
            f"{text} ({count} time{'s' if count != 1 else ''})"
            for text, count in sorted(self.counts.items())
        ]


class YearCodes:
    """Today's codes written as the year's schema allows them."""

    def __init__(self, shape: Layout, notes: Notes) -> None:
        self.shape = shape
        self.notes = notes
        self.label = short_label(shape.year)

    def code(self, element: str, value: str | None) -> str | None:
        if value is None or self.shape.allows(element, value):
            return value
        earlier = PREDECESSORS.get(element, {}).get(value)
        words = ELEMENT_WORDS.get(element, element)
        if earlier is not None and self.shape.allows(element, earlier):
            self.notes.add(f"{words} {value} is not a {self.label} code: written as {earlier}")
            return earlier
        self.notes.add(f"{words} {value} is not a {self.label} code: left out")
        return None

    def codes(self, element: str, values: Iterable[str]) -> tuple[str, ...]:
        kept: list[str] = []
        for value in values:
            code = self.code(element, value)
            if code is not None and code not in kept:
                kept.append(code)
        return tuple(kept)


# ---------------------------------------------------------------- the records of the year


def _in_year_referrals(partnership_id: int, year: CollectionYear) -> QuerySet[Referral]:
    return Referral.objects.filter(
        child__partnership_id=partnership_id,
        child__merged_into__isnull=True,
        referral_date__lte=year.reference_date,
    ).filter(Q(closure_date__isnull=True) | Q(closure_date__gte=year.start))


def _open_in_year(
    queryset: QuerySet[Any], start: str, end: str, year: CollectionYear
) -> QuerySet[Any]:
    return queryset.filter(**{f"{start}__lte": year.reference_date}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": year.start})
    )


def _by_case(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.case_id].append(row)
    return grouped


def _cut(day: dt.date | None, year: CollectionYear) -> dt.date | None:
    """A date as known on 31 March: a later one is not written."""
    return day if day is not None and day <= year.reference_date else None


@dataclass(frozen=True)
class YearRecords:
    """Every record of a year's census, fetched once (one query per table)."""

    referrals: list[Referral]
    children: dict[int, Child]
    la_child_ids: dict[int, str]
    assessments: dict[int, list[Assessment]]
    cin_plans: dict[int, list[CINPlan]]
    enquiries: dict[int, list[S47Enquiry]]
    plans: dict[int, list[ChildProtectionPlan]]
    initial_conferences: dict[int, list[dt.date]]
    review_conferences: dict[int, list[dt.date]]
    plan_starts: dict[int, list[dt.date]]  # every plan of each child, for NumberOfPreviousCPP


def year_records(partnership_id: int, year: CollectionYear) -> YearRecords:
    from masa.care.models import ReturnIdentifier

    referrals = list(
        _in_year_referrals(partnership_id, year)
        .select_related("child")
        .order_by("child_id", "referral_date", "pk")
    )
    in_year = _in_year_referrals(partnership_id, year)
    cases = in_year.values("case_id")
    children_of_year = in_year.values("child_id")
    assessments = _open_in_year(
        Assessment.objects.filter(case_id__in=cases), "started_on", "authorised_on", year
    ).only("case_id", "started_on", "authorised_on", "factors")
    cin_plans = _open_in_year(
        CINPlan.objects.filter(case_id__in=cases), "started_on", "ended_on", year
    ).only("case_id", "started_on", "ended_on")
    enquiries = S47Enquiry.objects.filter(
        case_id__in=cases, started_on__lte=year.reference_date
    ).only("case_id", "started_on", "completed_on", "outcome")
    plans = _open_in_year(
        ChildProtectionPlan.objects.filter(case_id__in=cases), "started_on", "ended_on", year
    ).only(
        "case_id",
        "child_id",
        "started_on",
        "ended_on",
        "initial_category",
        "latest_category",
    )
    conferences: dict[str, dict[int, list[Any]]] = {
        ConferenceKind.INITIAL: defaultdict(list),
        ConferenceKind.REVIEW: defaultdict(list),
    }
    for case_id, kind, held_on in ConferenceChild.objects.filter(
        case_id__in=cases,
        conference__kind__in=list(conferences),
        conference__held_on__isnull=False,
    ).values_list("case_id", "conference__kind", "conference__held_on"):
        conferences[kind][case_id].append(held_on)
    for grouped in conferences.values():
        for days in grouped.values():
            days.sort()
    plan_starts: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, started_on in ChildProtectionPlan.objects.filter(
        child_id__in=children_of_year
    ).values_list("child_id", "started_on"):
        plan_starts[child_id].append(started_on)
    la_child_ids = dict(
        ReturnIdentifier.objects.filter(
            partnership_id=partnership_id,
            scheme=ReturnIdentifier.Scheme.CIN,
            child_id__in=children_of_year,
        ).values_list("child_id", "value")
    )
    order = ("started_on", "pk")
    return YearRecords(
        referrals=referrals,
        children={r.child_id: r.child for r in referrals},
        la_child_ids=la_child_ids,
        assessments=_by_case(assessments.order_by("case_id", *order)),
        cin_plans=_by_case(cin_plans.order_by("case_id", *order)),
        enquiries=_by_case(enquiries.order_by("case_id", *order)),
        plans=_by_case(plans.order_by("case_id", *order)),
        initial_conferences=conferences[ConferenceKind.INITIAL],
        review_conferences=conferences[ConferenceKind.REVIEW],
        plan_starts=plan_starts,
    )


# ---------------------------------------------------------------- records -> DfE records


class CensusBuilder:
    def __init__(
        self,
        records: YearRecords,
        year: CollectionYear,
        *,
        icpc_rule: Any,
        calendar: WorkingDayCalendar,
    ) -> None:
        self.records = records
        self.year = year
        self.shape = layout(year.year)
        self.notes = Notes(year.year)
        self.codes = YearCodes(self.shape, self.notes)
        self.icpc_rule = icpc_rule
        self.calendar = calendar

    def _enquiry(self, s: S47Enquiry, conferences: list[dt.date]) -> dfe.Section47Enquiry | None:
        year = self.year
        icpc = next((day for day in conferences if day >= s.started_on), None)
        icpc = _cut(icpc, year)
        decided = bool(s.outcome) and s.outcome != S47Outcome.ICPC
        not_required = decided and (s.completed_on is None or s.completed_on <= year.reference_date)
        ended = icpc or ((s.completed_on or s.started_on) if not_required else None)
        if ended is not None and ended < year.start:
            return None  # finished before the year began
        return dfe.Section47Enquiry(
            S47ActualStartDate=s.started_on,
            InitialCPCtarget=compute_clock(self.icpc_rule, s.started_on, self.calendar).due,
            DateOfInitialCPC=icpc,
            ICPCnotRequired=not_required,
            ref=f"s47:{s.pk}",
        )

    def _plan(self, p: ChildProtectionPlan, reviews: list[dt.date]) -> dfe.ChildProtectionPlan:
        year = self.year
        ended = _cut(p.ended_on, year)
        earlier = sum(day < p.started_on for day in self.records.plan_starts[p.child_id])
        return dfe.ChildProtectionPlan(
            CPPstartDate=p.started_on,
            CPPendDate=ended,
            InitialCategoryOfAbuse=p.initial_category,
            LatestCategoryOfAbuse=p.latest_category,
            NumberOfPreviousCPP=earlier,
            Reviews=tuple(
                day
                for day in reviews
                if day in year and day > p.started_on and (ended is None or day <= ended)
            ),
            ref=f"cpplan:{p.pk}",
        )

    def _assessment(self, a: Assessment) -> dfe.Assessment:
        authorised = _cut(a.authorised_on, self.year)
        factors = self.codes.codes("AssessmentFactors", a.factors) if authorised else ()
        return dfe.Assessment(
            AssessmentActualStartDate=a.started_on,
            AssessmentAuthorisationDate=authorised,
            AssessmentFactors=factors,
            ref=f"assessment:{a.pk}",
        )

    def episode(self, referral: Referral) -> dfe.CINEpisode:
        year, r = self.year, self.records
        case_id = referral.case_id
        initial = r.initial_conferences.get(case_id, [])
        enquiries = [
            e
            for e in (self._enquiry(s, initial) for s in r.enquiries.get(case_id, []))
            if e is not None
        ]
        closed = _cut(referral.closure_date, year)
        on_enquiries = {e.DateOfInitialCPC for e in enquiries}
        episode_icpc = next(
            (day for day in initial if day in year and day not in on_enquiries), None
        )
        cin_plans = tuple(
            dfe.CINPlan(
                CINPlanStartDate=p.started_on,
                CINPlanEndDate=_cut(p.ended_on, year),
                ref=f"cinplan:{p.pk}",
            )
            for p in r.cin_plans.get(case_id, [])
        )
        if cin_plans and not self.shape.has("CINdetails", "CINPlanDates"):
            self.notes.add(
                f"CIN plans are not part of the {short_label(year.year)} census: left out"
            )
            cin_plans = ()
        reviews = r.review_conferences.get(case_id, [])
        return dfe.CINEpisode(
            CINreferralDate=referral.referral_date,
            ReferralSource=self.codes.code("ReferralSource", referral.source),
            PrimaryNeedCode=self.codes.code("PrimaryNeedCode", referral.primary_need or None),
            CINclosureDate=closed,
            ReasonForClosure=(
                self.codes.code("ReasonForClosure", referral.closure_reason or None)
                if closed
                else None
            ),
            DateOfInitialCPC=episode_icpc,
            ReferralNFA=referral.no_further_action,
            Assessments=tuple(self._assessment(a) for a in r.assessments.get(case_id, [])),
            CINPlanDates=cin_plans,
            Section47=tuple(enquiries),
            ChildProtectionPlans=tuple(self._plan(p, reviews) for p in r.plans.get(case_id, [])),
            ref=f"referral:{referral.pk}",
        )

    def child(self, child: Child, referrals: list[Referral]) -> dfe.CINChild:
        ethnicity = child.ethnicity or None
        if ethnicity is None:
            ethnicity = NOT_OBTAINED
            self.notes.add("No ethnicity recorded: written as NOBT (information not yet obtained)")
        sex = child.sex or "U"
        if self.shape.has("ChildIdentifiers", "GenderCurrent"):
            gender, sex_code = GENDER_CURRENT.get(sex, "0"), None
        else:
            gender, sex_code = None, sex
        return dfe.CINChild(
            ChildIdentifiers=dfe.ChildIdentifiers(
                LAchildID=self.records.la_child_ids.get(child.pk) or format_masa_id(child.pk),
                UPN=child.upn or None,
                PersonBirthDate=child.date_of_birth,
                ExpectedPersonBirthDate=child.expected_date_of_birth,
                GenderCurrent=gender,
                Sex=sex_code,
            ),
            ChildCharacteristics=dfe.ChildCharacteristics(
                Ethnicity=self.codes.code("Ethnicity", ethnicity),
                Disabilities=self.codes.codes("Disability", child.disabilities or ()),
            ),
            CINdetails=tuple(self.episode(r) for r in referrals),
            ref=f"child:{child.pk}",
        )

    def build(self) -> list[dfe.CINChild]:
        by_child: dict[int, list[Referral]] = defaultdict(list)
        for referral in self.records.referrals:
            by_child[referral.child_id].append(referral)
        return [self.child(self.records.children[pk], refs) for pk, refs in by_child.items()]


def census_children(
    partnership_id: int, year: int, *, calendar: WorkingDayCalendar | None = None
) -> tuple[list[dfe.CINChild], list[str]]:
    """The year's census records for the partnership, and the notes on what was changed to fit
    the year's codes. A fixed number of queries, however many children."""
    check_year(year)
    census_year = CollectionYear(year)
    records = year_records(partnership_id, census_year)
    builder = CensusBuilder(
        records,
        census_year,
        icpc_rule=rules_for_partnership(partnership_id)["icpc_dfe"],
        calendar=calendar or working_day_calendar(),
    )
    children = builder.build()
    return children, builder.notes.lines()


# ---------------------------------------------------------------- the header and the service


def la_code_for(partnership: Partnership) -> tuple[str | None, str]:
    """The local authority's 3-digit DfE code, and where it came from."""
    from masa.indicators.models import LocalAuthorityLink

    link = LocalAuthorityLink.objects.filter(partnership=partnership).first()
    if link is not None and link.la_code:
        return link.la_code, f"the partnership's local authority link ({link})"
    code = str(getattr(settings, "MASA_LA_CODE", "") or "").strip()
    if code:
        return code, "the MASA_LA_CODE setting"
    return None, ""


def _release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("masa")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "development"


def census_header(year: int, la_code: str, *, made_at: dt.datetime | None = None) -> CensusHeader:
    moment = timezone.localtime(made_at or timezone.now()).replace(microsecond=0, tzinfo=None)
    return CensusHeader(
        Collection="CIN",
        Year=str(year),
        ReferenceDate=CollectionYear(year).reference_date.isoformat(),
        SourceLevel="L",
        LEA=la_code,
        SoftwareCode=SOFTWARE,
        Release=_release(),
        SerialNo="001",
        DateTime=moment.isoformat(),
    )


@dataclass(frozen=True)
class CensusExport:
    year: int
    filename: str
    content: bytes
    children: int
    episodes: int
    la_code: str
    la_code_source: str
    notes: tuple[str, ...]

    content_type = "application/xml"


def cin_census_exported(
    *,
    partnership: Partnership,
    year: int,
    actor: User | None,
    actor_label: str = "",
    la_code: str | None = None,
    made_at: dt.datetime | None = None,
) -> CensusExport:
    """The year's CIN census as the DfE's XML, checked against the year's schema, audited.

    Refused (``ServiceError``) when masa does not know the LA code or the file would not meet
    the schema; nothing is offered then.
    """
    try:
        check_year(year)
    except ValueError as error:
        raise ServiceError(str(error), "year") from None
    source = "given"
    if la_code is None:
        la_code, source = la_code_for(partnership)
    if not la_code or not (len(la_code) == 3 and la_code.isdigit()):
        raise ServiceError(
            "masa does not know the local authority's 3-digit DfE code (for example 359), which "
            "the census header needs. Link the partnership to its local authority on the "
            "indicators pages, or ask an administrator to set MASA_LA_CODE.",
            "year",
        )
    children, notes = census_children(partnership.pk, year)
    content = census_xml(children, year, census_header(year, la_code, made_at=made_at))
    errors = schema_errors(content, year, limit=5)
    if errors:
        raise ServiceError(
            f"The {label(year)} census from masa's records does not meet the DfE schema, so it "
            f"is not offered: {'; '.join(errors)}. Correct the records and export again.",
            "year",
        )
    episodes = sum(len(c.CINdetails) for c in children)
    export = CensusExport(
        year=year,
        filename=f"cin-census-{short_label(year)}-{la_code}.xml",
        content=content,
        children=len(children),
        episodes=episodes,
        la_code=la_code,
        la_code_source=source,
        notes=tuple(notes),
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.EXPORT,
            object_type=AUDIT_TYPE,
            object_label=f"CIN census {label(year)} (XML)",
            after={
                "year": short_label(year),
                "children": export.children,
                "episodes": episodes,
                "la_code": la_code,
                "la_code_from": source,
                "notes": list(notes)[:50],
            },
        )
    return export
