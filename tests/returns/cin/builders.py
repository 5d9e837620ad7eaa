"""Small builders for CIN records in tests: a correct child, and ways to change one part of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from masa.core.calendar import WorkingDayCalendar
from masa.returns.cin import (
    Assessment,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)

D = dt.date
# The library's bank holidays only: no database needed for the working-day rules.
CALENDAR = WorkingDayCalendar()
UPN = "N355000012347"  # LA 355, check letter N
TEMPORARY_UPN = "P35500001234A"

ASSESSMENT = Assessment(
    AssessmentActualStartDate=D(2025, 6, 2),
    AssessmentAuthorisationDate=D(2025, 7, 14),
    AssessmentFactors=("3A", "4B"),
    ref="assessment-1",
)
ENQUIRY = Section47Enquiry(
    S47ActualStartDate=D(2025, 6, 3),
    InitialCPCtarget=D(2025, 6, 24),  # a Tuesday
    DateOfInitialCPC=D(2025, 6, 20),  # a Friday
    ICPCnotRequired=False,
    ref="s47-1",
)
PLAN = ChildProtectionPlan(
    CPPstartDate=D(2025, 6, 20),
    InitialCategoryOfAbuse="NEG",
    LatestCategoryOfAbuse="NEG",
    NumberOfPreviousCPP=0,
    Reviews=(D(2025, 9, 19),),
    ref="cpp-1",
)
EPISODE = CINEpisode(
    CINreferralDate=D(2025, 6, 2),
    ReferralSource="2A",
    PrimaryNeedCode="N1",
    ReferralNFA=False,
    Assessments=(ASSESSMENT,),
    Section47=(ENQUIRY,),
    ChildProtectionPlans=(PLAN,),
    ref="referral-1",
)
# A referral that went no further: no assessment, no enquiry, no plan.
NFA_EPISODE = CINEpisode(
    CINreferralDate=D(2025, 6, 2),
    ReferralSource="2A",
    ReferralNFA=True,
    CINclosureDate=D(2025, 6, 2),
    ReasonForClosure="RC7",
)

# A correct 2025 to 2026 record: a school-age child referred by her school, assessed, a section
# 47 enquiry, an initial conference and a child protection plan that is still open.
CHILD = CINChild(
    ChildIdentifiers=ChildIdentifiers(
        LAchildID="NB0001",
        UPN=UPN,
        PersonBirthDate=D(2015, 3, 10),
        Sex="F",
    ),
    ChildCharacteristics=ChildCharacteristics(Ethnicity="WBRI", Disabilities=("NONE",)),
    CINdetails=(EPISODE,),
)
# The same child for 2023-24 and earlier, when the element was GenderCurrent.
CHILD_2024 = replace(
    CHILD, ChildIdentifiers=replace(CHILD.ChildIdentifiers, Sex=None, GenderCurrent="2")
)


def ids(child: CINChild = CHILD, **changes: Any) -> CINChild:
    return replace(child, ChildIdentifiers=replace(child.ChildIdentifiers, **changes))


def chars(child: CINChild = CHILD, **changes: Any) -> CINChild:
    return replace(child, ChildCharacteristics=replace(child.ChildCharacteristics, **changes))


def episode(child: CINChild = CHILD, e: int = 0, **changes: Any) -> CINChild:
    episodes = list(child.CINdetails)
    episodes[e] = replace(episodes[e], **changes)
    return replace(child, CINdetails=tuple(episodes))


def add_episode(child: CINChild, new: CINEpisode) -> CINChild:
    return replace(child, CINdetails=(*child.CINdetails, new))


def _row(child: CINChild, group: str, e: int, i: int, changes: dict[str, Any]) -> CINChild:
    rows = list(getattr(child.CINdetails[e], group))
    rows[i] = replace(rows[i], **changes)
    return episode(child, e, **{group: tuple(rows)})


def assessment(child: CINChild = CHILD, i: int = 0, e: int = 0, **changes: Any) -> CINChild:
    return _row(child, "Assessments", e, i, changes)


def s47(child: CINChild = CHILD, i: int = 0, e: int = 0, **changes: Any) -> CINChild:
    return _row(child, "Section47", e, i, changes)


def cpp(child: CINChild = CHILD, i: int = 0, e: int = 0, **changes: Any) -> CINChild:
    return _row(child, "ChildProtectionPlans", e, i, changes)


def cin_plan(child: CINChild, i: int = 0, e: int = 0, **changes: Any) -> CINChild:
    return _row(child, "CINPlanDates", e, i, changes)


def add(child: CINChild, group: str, record: object, e: int = 0) -> CINChild:
    return episode(child, e, **{group: (*getattr(child.CINdetails[e], group), record)})


# The child stepped down: the child protection plan ended at its review on 19 September 2025
# and a CIN plan started that day.
STEPPED_DOWN = episode(
    cpp(CHILD, CPPendDate=D(2025, 9, 19)),
    CINPlanDates=(CINPlan(CINPlanStartDate=D(2025, 9, 19), ref="cin-plan-1"),),
)
