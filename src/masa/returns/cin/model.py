"""A child's CIN census record in DfE terms: frozen dataclasses mirroring the CIN XML schema.

Leaf attributes carry the DfE element names exactly as the schema spells them (``CINreferralDate``,
``S47ActualStartDate``, ``CPPstartDate``...), so a failure can name the element DfE will name.
Repeating groups are tuples in document order; their position is what a failure's location
points at. Every record also takes an optional ``ref``: masa's own key for the row it came from,
so a service can map a failure back to the form it is showing. ``ref`` is not a DfE element.

Shape, from ``CIN_schema_2024.xsd`` to ``CIN_schema_2026.xsd``::

    Child
      ChildIdentifiers     LAchildID UPN FormerUPN UPNunknown PersonBirthDate
                           ExpectedPersonBirthDate GenderCurrent (to 2023-24) | Sex (from 2024-25)
                           PersonDeathDate
      ChildCharacteristics Ethnicity Disabilities/Disability*
      CINdetails*          CINreferralDate ReferralSource PrimaryNeedCode CINclosureDate
                           ReasonForClosure DateOfInitialCPC ReferralNFA
        Assessments*       AssessmentActualStartDate AssessmentInternalReviewDate
                           AssessmentAuthorisationDate
                           FactorsIdentifiedAtAssessment/AssessmentFactors*
        CINPlanDates*      CINPlanStartDate CINPlanEndDate
        Section47*         S47ActualStartDate InitialCPCtarget DateOfInitialCPC ICPCnotRequired
        ChildProtectionPlans*  CPPstartDate CPPendDate InitialCategoryOfAbuse
                           LatestCategoryOfAbuse NumberOfPreviousCPP Reviews/CPPreviewDate*
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# A DfE yes/no element: a bool from masa's own records, or the raw token read from a return
# ("0", "1", "true"...), which rule 8568 checks against the year's schema values.
YesNo = bool | str | None


@dataclass(frozen=True)
class ChildIdentifiers:
    LAchildID: str | None = None
    UPN: str | None = None
    FormerUPN: str | None = None
    UPNunknown: str | None = None
    PersonBirthDate: dt.date | None = None
    ExpectedPersonBirthDate: dt.date | None = None
    # The schema renamed the element and changed its codes in 2024-25: GenderCurrent (1, 2, 0, 9)
    # up to 2023-24, Sex (M, F, U) from 2024-25. The year's code list says which one is read.
    GenderCurrent: str | None = None
    Sex: str | None = None
    PersonDeathDate: dt.date | None = None


@dataclass(frozen=True)
class ChildCharacteristics:
    Ethnicity: str | None = None
    Disabilities: tuple[str, ...] = ()  # Disabilities/Disability


@dataclass(frozen=True)
class Assessment:
    """One ``Assessments`` group."""

    AssessmentActualStartDate: dt.date | None = None
    AssessmentInternalReviewDate: dt.date | None = None
    AssessmentAuthorisationDate: dt.date | None = None
    AssessmentFactors: tuple[str, ...] = ()  # FactorsIdentifiedAtAssessment/AssessmentFactors
    ref: str | None = None


@dataclass(frozen=True)
class CINPlan:
    """One ``CINPlanDates`` group."""

    CINPlanStartDate: dt.date | None = None
    CINPlanEndDate: dt.date | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Section47Enquiry:
    """One ``Section47`` group."""

    S47ActualStartDate: dt.date | None = None
    InitialCPCtarget: dt.date | None = None
    DateOfInitialCPC: dt.date | None = None
    ICPCnotRequired: YesNo = None
    ref: str | None = None


@dataclass(frozen=True)
class ChildProtectionPlan:
    """One ``ChildProtectionPlans`` group."""

    CPPstartDate: dt.date | None = None
    CPPendDate: dt.date | None = None
    InitialCategoryOfAbuse: str | None = None
    LatestCategoryOfAbuse: str | None = None
    NumberOfPreviousCPP: int | None = None
    Reviews: tuple[dt.date | None, ...] = ()  # Reviews/CPPreviewDate
    ref: str | None = None


@dataclass(frozen=True)
class CINEpisode:
    """One ``CINdetails`` group: a referral and everything that followed it."""

    CINreferralDate: dt.date | None = None
    ReferralSource: str | None = None
    PrimaryNeedCode: str | None = None
    CINclosureDate: dt.date | None = None
    ReasonForClosure: str | None = None
    DateOfInitialCPC: dt.date | None = None
    ReferralNFA: YesNo = None
    Assessments: tuple[Assessment, ...] = ()
    CINPlanDates: tuple[CINPlan, ...] = ()
    Section47: tuple[Section47Enquiry, ...] = ()
    ChildProtectionPlans: tuple[ChildProtectionPlan, ...] = ()
    ref: str | None = None


@dataclass(frozen=True)
class CINChild:
    """One ``Child`` element of the CIN census."""

    ChildIdentifiers: ChildIdentifiers = field(default_factory=ChildIdentifiers)
    ChildCharacteristics: ChildCharacteristics = field(default_factory=ChildCharacteristics)
    CINdetails: tuple[CINEpisode, ...] = ()
    ref: str | None = None
