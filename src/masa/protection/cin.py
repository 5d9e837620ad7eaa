"""A child's casework records in DfE children in need census terms, and the census rules checked
when a record is saved.

``to_cin_child`` maps masa's records to ``masa.returns.cin.CINChild``: one ``CINdetails`` episode
per referral (the referral's case holds the assessments, enquiries and plans of that episode).
``check_case`` runs the DfE rules that look at the record being saved and turns a failure about
that record into a ``ServiceError`` naming the DfE rule code, so the save is refused. DfE
queries ("Q" rules: please check) never block a save, and older problems elsewhere in the child's
record do not block a new one.

DfE element names, and the masa fields they come from:

=========================== ===============================================================
CINreferralDate             Referral.referral_date
ReasonForClosure            Referral.closure_reason (set when the case closes)
AssessmentActualStartDate   Assessment.started_on
AssessmentAuthorisationDate Assessment.authorised_on
AssessmentFactors           Assessment.factors
CINPlanStartDate / EndDate  CINPlan.started_on / ended_on
S47ActualStartDate          S47Enquiry.started_on
DateOfInitialCPC            the first initial conference of the case on or after the start
ICPCnotRequired             an enquiry outcome other than an initial conference
CPPstartDate / CPPendDate   ChildProtectionPlan.started_on / ended_on
=========================== ===============================================================
"""

from __future__ import annotations

import datetime as dt

from masa.core.services import ServiceError
from masa.frontdoor.models import Referral
from masa.journey.deadlines import clock_for
from masa.journey.models import Case
from masa.people.models import Child
from masa.returns import cin as dfe

from .models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    ConferenceChild,
    ConferenceKind,
    S47Enquiry,
    S47Outcome,
)

# Which DfE record each masa record is, and the key a failure carries back to it.
FOCUS = {
    Assessment: ("Assessment", "assessment"),
    S47Enquiry: ("Section47", "s47"),
    CINPlan: ("CINPlan", "cinplan"),
    ChildProtectionPlan: ("ChildProtectionPlan", "cpplan"),
}

# The form field a DfE element is entered in, so a refusal shows next to it.
FIELDS = {
    "AssessmentActualStartDate": "started_on",
    "AssessmentAuthorisationDate": "authorised_on",
    "AssessmentFactors": "factors",
    "S47ActualStartDate": "started_on",
    "CINPlanStartDate": "started_on",
    "CINPlanEndDate": "ended_on",
    "CPPstartDate": "started_on",
    "CPPendDate": "ended_on",
}


def ref_of(record: object) -> str:
    _, prefix = FOCUS[type(record)]  # type: ignore[index]
    return f"{prefix}:{record.pk}"  # type: ignore[attr-defined]


def _initial_conferences(case: Case) -> list[dt.date]:
    days = ConferenceChild.objects.filter(
        case=case, conference__kind=ConferenceKind.INITIAL
    ).values_list("conference__held_on", flat=True)
    # Scheduled and cancelled conferences have no date held: only held ones are reported.
    return sorted(day for day in days if day is not None)


def _first_on_or_after(days: list[dt.date], start: dt.date) -> dt.date | None:
    return next((day for day in days if day >= start), None)


def _episode(referral: Referral) -> dfe.CINEpisode:
    case = referral.case
    conferences = _initial_conferences(case)
    assessments = tuple(
        dfe.Assessment(
            AssessmentActualStartDate=a.started_on,
            AssessmentAuthorisationDate=a.authorised_on,
            AssessmentFactors=tuple(a.factors),
            ref=ref_of(a),
        )
        for a in Assessment.objects.filter(case=case).order_by("started_on", "pk")
    )
    cin_plans = tuple(
        dfe.CINPlan(CINPlanStartDate=p.started_on, CINPlanEndDate=p.ended_on, ref=ref_of(p))
        for p in CINPlan.objects.filter(case=case).order_by("started_on", "pk")
    )
    enquiries = tuple(
        dfe.Section47Enquiry(
            S47ActualStartDate=s.started_on,
            InitialCPCtarget=clock_for(case.partnership_id, "icpc_dfe", s.started_on).due,
            DateOfInitialCPC=_first_on_or_after(conferences, s.started_on),
            ICPCnotRequired=bool(s.outcome) and s.outcome != S47Outcome.ICPC,
            ref=ref_of(s),
        )
        for s in S47Enquiry.objects.filter(case=case).order_by("started_on", "pk")
    )
    reviews = sorted(
        day
        for day in ConferenceChild.objects.filter(
            case=case, conference__kind=ConferenceKind.REVIEW
        ).values_list("conference__held_on", flat=True)
        if day is not None
    )
    plans = []
    for plan in ChildProtectionPlan.objects.filter(case=case).order_by("started_on", "pk"):
        ended = plan.ended_on
        plans.append(
            dfe.ChildProtectionPlan(
                CPPstartDate=plan.started_on,
                CPPendDate=ended,
                InitialCategoryOfAbuse=plan.initial_category,
                LatestCategoryOfAbuse=plan.latest_category,
                NumberOfPreviousCPP=ChildProtectionPlan.objects.filter(
                    child_id=plan.child_id, started_on__lt=plan.started_on
                ).count(),
                Reviews=tuple(
                    day
                    for day in reviews
                    if day > plan.started_on and (ended is None or day <= ended)
                ),
                ref=ref_of(plan),
            )
        )
    return dfe.CINEpisode(
        CINreferralDate=referral.referral_date,
        ReferralSource=referral.source,
        PrimaryNeedCode=referral.primary_need or None,
        CINclosureDate=referral.closure_date,
        ReasonForClosure=referral.closure_reason or None,
        DateOfInitialCPC=conferences[0] if conferences else None,
        ReferralNFA=referral.no_further_action,
        Assessments=assessments,
        CINPlanDates=cin_plans,
        Section47=enquiries,
        ChildProtectionPlans=tuple(plans),
        ref=f"referral:{referral.pk}",
    )


def to_cin_child(child: Child) -> tuple[dfe.CINChild, list[int]]:
    """The child's CIN census record, and the case id behind each episode (in episode order)."""
    referrals = list(
        Referral.objects.filter(child=child).select_related("case").order_by("referral_date", "pk")
    )
    record = dfe.CINChild(
        ChildIdentifiers=dfe.ChildIdentifiers(
            LAchildID=child.masa_id,
            UPN=child.upn or None,
            PersonBirthDate=child.date_of_birth,
            ExpectedPersonBirthDate=child.expected_date_of_birth,
            Sex=child.sex,
        ),
        ChildCharacteristics=dfe.ChildCharacteristics(
            Ethnicity=child.ethnicity or None, Disabilities=tuple(child.disabilities)
        ),
        CINdetails=tuple(_episode(r) for r in referrals),
        ref=f"child:{child.pk}",
    )
    return record, [r.case_id for r in referrals]


def check_case(case: Case, *, focus: object) -> None:
    """Refuse the save if the DfE rules find a fault in the record just saved (``focus``).

    Call inside the writing transaction, after the write: the ``ServiceError`` rolls it back.
    A case without a referral is not (yet) a CIN census episode, so there is nothing to check.
    """
    record, case_ids = to_cin_child(case.child)
    if case.pk not in case_ids:
        return
    dfe_record, _ = FOCUS[type(focus)]  # type: ignore[index]
    ref = ref_of(focus)
    failures = dfe.check_on_entry(record, focus=dfe_record, episode=case_ids.index(case.pk))
    for failure in failures:
        about_this = failure.location.ref == ref or any(r.ref == ref for r in failure.related)
        if about_this and not failure.query:
            raise ServiceError(
                f"{failure.text.rstrip('.')}. Check the dates and codes of this record.",
                FIELDS.get(failure.field or ""),
            )
