"""Every CIN rule unit: a record that breaks it gets the DfE code and message; a correct one not.

Messages are DfE's wording (CIN census validation rules, as carried by the open-source
data-to-insight CIN validator), copied here as the oracle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from masa.returns.cin import (
    Assessment,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    RuleFailure,
    Section47Enquiry,
    all_rules,
    check_on_entry,
    get_rule,
    validate_child,
)

from .builders import (
    CALENDAR,
    CHILD,
    EPISODE,
    NFA_EPISODE,
    STEPPED_DOWN,
    UPN,
    D,
    add,
    add_episode,
    assessment,
    chars,
    cin_plan,
    cpp,
    episode,
    ids,
    s47,
)


@dataclass(frozen=True)
class Case:
    code: str
    message: str
    fails: CINChild
    passes: CINChild
    focus: str
    year: int = 2026


UNBORN = ids(PersonBirthDate=None, ExpectedPersonBirthDate=D(2026, 5, 1), Sex="U")
CLOSED = episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC7")
BARE_OPEN = CINEpisode(CINreferralDate=D(2025, 9, 1), ReferralSource="1A", ReferralNFA=False)
SECOND_OPEN_ASSESSMENT = Assessment(AssessmentActualStartDate=D(2025, 8, 1))
OPEN_ENQUIRY = Section47Enquiry(S47ActualStartDate=D(2025, 8, 1), ICPCnotRequired=False)
RC8_ASSESSED = CINEpisode(
    CINreferralDate=D(2025, 5, 1),
    ReferralSource="1A",
    PrimaryNeedCode="N1",
    ReferralNFA=False,
    CINclosureDate=D(2025, 5, 20),
    ReasonForClosure="RC8",
    Assessments=(
        Assessment(
            AssessmentActualStartDate=D(2025, 5, 1),
            AssessmentAuthorisationDate=D(2025, 5, 20),
            AssessmentFactors=("21",),
        ),
    ),
)
EARLIER_PLAN_EPISODE = CINEpisode(
    CINreferralDate=D(2025, 2, 3),
    ReferralSource="6",
    PrimaryNeedCode="N1",
    ReferralNFA=False,
    CINclosureDate=D(2025, 6, 1),
    ReasonForClosure="RC7",
)


def earlier_plan(end: D | None) -> CINChild:
    plan = ChildProtectionPlan(
        CPPstartDate=D(2025, 3, 3),
        CPPendDate=end,
        InitialCategoryOfAbuse="EMO",
        LatestCategoryOfAbuse="EMO",
        NumberOfPreviousCPP=0,
    )
    return add_episode(
        CHILD,
        replace(EARLIER_PLAN_EPISODE, ChildProtectionPlans=(plan,)),
    )


CASES = [
    # ---------------------------------------------------------------- ChildIdentifiers
    Case("8500", "LA Child ID missing", ids(LAchildID=" "), CHILD, "ChildIdentifiers"),
    Case(
        "1570",
        "LA Child ID must not be longer than 20 characters",
        ids(LAchildID="N" * 21),
        ids(LAchildID="N" * 20),
        "ChildIdentifiers",
    ),
    Case(
        "1580",
        "LA Child ID must not contain any non-alphanumeric characters",
        ids(LAchildID="NB-0001"),
        CHILD,
        "ChildIdentifiers",
    ),
    Case(
        "1510",
        "UPN invalid (wrong check letter at character 1)",
        ids(UPN="A" + UPN[1:]),
        CHILD,
        "ChildIdentifiers",
    ),
    Case(
        "1530",
        "UPN invalid (characters 2-4 not a recognised LA code)",
        ids(UPN="N999000012347"),
        CHILD,
        "ChildIdentifiers",
    ),
    Case(
        "1540",
        "UPN invalid (characters 5-12 not all numeric)",
        ids(UPN="N3550000X2347"),
        CHILD,
        "ChildIdentifiers",
    ),
    Case(
        "1550",
        "UPN invalid (character 13 not a recognised value)",
        ids(UPN="N35500001234I"),
        ids(UPN="P35500001234A"),
        "ChildIdentifiers",
    ),
    Case(
        "1560Q",
        "Please check: Former UPN wrongly formatted",
        ids(FormerUPN="N3550000123"),
        ids(FormerUPN="P35500001234A"),
        "ChildIdentifiers",
    ),
    Case(
        "8520",
        "Date of Birth is after data collection period (must be on or before the end of the "
        "census period)",
        ids(PersonBirthDate=D(2026, 4, 1)),
        ids(PersonBirthDate=D(2026, 3, 31)),
        "ChildIdentifiers",
    ),
    Case(
        "8525",
        "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
        ids(ExpectedPersonBirthDate=D(2026, 5, 1)),
        UNBORN,
        "ChildIdentifiers",
    ),
    Case(
        "8530Q",
        "Please check: Expected Date of Birth is outside the expected range for this census "
        "(March to December of the Census Year end)",
        ids(UNBORN, ExpectedPersonBirthDate=D(2025, 12, 1)),
        UNBORN,
        "ChildIdentifiers",
    ),
    Case(
        "8535Q",
        "Please check: Child’s date of death should not be prior to the date of birth",
        ids(PersonDeathDate=D(2015, 3, 9)),
        ids(PersonDeathDate=D(2015, 3, 10)),
        "ChildIdentifiers",
    ),
    Case(
        "8545Q",
        "Please check: Child's date of death should be within the census year",
        ids(PersonDeathDate=D(2025, 3, 31)),
        ids(PersonDeathDate=D(2025, 4, 1)),
        "ChildIdentifiers",
    ),
    Case(
        "4180",
        "Sex must be provided and equal M, F, or U",
        ids(Sex="2"),
        ids(Sex="U"),
        "ChildIdentifiers",
    ),
    Case(
        "8750",
        "Sex must equal U for an unborn child",
        ids(UNBORN, Sex="F"),
        UNBORN,
        "ChildIdentifiers",
    ),
    Case(
        "8770Q",
        "Please check and either amend data or provide a reason: UPN is missing or reason UPN "
        "is missing or is UN1 for a child who is of school age.",
        ids(UPN=None, UPNunknown="UN1"),
        ids(UPN=None, UPNunknown="UN5"),
        "ChildIdentifiers",
    ),
    Case(
        "8772",
        "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN "
        "details is a referral going on to further action",
        ids(UPN=None, UPNunknown="UN7"),
        ids(
            CINChild(ChildIdentifiers=CHILD.ChildIdentifiers, CINdetails=(NFA_EPISODE,)),
            UPN=None,
            UPNunknown="UN7",
        ),
        "ChildIdentifiers",
    ),
    Case(
        "8775Q",
        "Please check: Child is over 25 years old",
        ids(PersonBirthDate=D(2001, 3, 30)),
        ids(PersonBirthDate=D(2001, 4, 1)),
        "ChildIdentifiers",
    ),
    Case(
        "8590",
        "Child does not have a recorded CIN episode.",
        CINChild(ChildIdentifiers=CHILD.ChildIdentifiers),
        CHILD,
        "ChildIdentifiers",
    ),
    # ---------------------------------------------------------------- ChildCharacteristics
    Case(
        "4220",
        "Ethnicity is missing or invalid (see Ethnicity table)",
        chars(Ethnicity="WBR"),
        chars(Ethnicity="NOBT"),
        "ChildCharacteristics",
    ),
    Case(
        "8540",
        "Child’s disability is missing or invalid (see Disability table)",
        chars(Disabilities=()),
        chars(Disabilities=("AUT",)),
        "ChildCharacteristics",
    ),
    Case(
        "8790",
        "Disability information includes both None and other values",
        chars(Disabilities=("NONE", "AUT")),
        chars(Disabilities=("AUT", "LD")),
        "ChildCharacteristics",
    ),
    Case(
        "8794",
        "Child has two or more disabilities with the same code",
        chars(Disabilities=("AUT", "AUT")),
        chars(Disabilities=("AUT", "LD")),
        "ChildCharacteristics",
    ),
    # ---------------------------------------------------------------- CINdetails (referral)
    Case(
        "8600",
        "Child referral date missing or after data collection period",
        episode(CINreferralDate=D(2026, 4, 1)),
        episode(CINreferralDate=D(2026, 3, 31)),
        "Referral",
    ),
    Case(
        "8606",
        "Child referral date is more than 40 weeks before DOB or expected DOB",
        episode(CINreferralDate=D(2014, 6, 2)),  # 281 days before 10 March 2015
        episode(CINreferralDate=D(2014, 6, 3)),
        "Referral",
    ),
    Case(
        "8555",
        "Child cannot be referred after its recorded date of death",
        ids(PersonDeathDate=D(2025, 6, 1)),
        ids(PersonDeathDate=D(2025, 6, 2)),
        "Referral",
    ),
    Case(
        "8866",
        "Source of Referral is missing or an invalid code",
        episode(ReferralSource="11"),
        episode(ReferralSource="5D"),
        "Referral",
    ),
    Case(
        "8650",
        "Primary Need Code invalid (see Primary Need table in CIN census code set)",
        episode(PrimaryNeedCode="N10"),
        episode(PrimaryNeedCode="N0"),
        "Referral",
    ),
    Case(
        "8610",
        "Primary Need code is missing for a referral which led to further action.",
        episode(PrimaryNeedCode=None),
        CINChild(ChildIdentifiers=CHILD.ChildIdentifiers, CINdetails=(NFA_EPISODE,)),
        "Referral",
    ),
    Case(
        "8568",
        "RNFA flag is missing or invalid",
        episode(ReferralNFA=None),
        episode(ReferralNFA="0"),
        "Referral",
    ),
    Case(
        "8569",
        "A case with referral date before one working day prior to the collection start date "
        "must not be flagged as a no further action case",
        # 2024-25 starts on Easter Monday 1 April 2024; Good Friday was 29 March, so the working
        # day before the start is Thursday 28 March.
        episode(CHILD, CINreferralDate=D(2024, 3, 27), ReferralNFA=True),
        episode(CHILD, CINreferralDate=D(2024, 3, 28), ReferralNFA=True),
        "Referral",
        year=2025,
    ),
    Case(
        "8620",
        "CIN Closure Date present and does not fall within the Census year",
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 3, 3),
                ReferralNFA=True,
                CINclosureDate=D(2025, 3, 31),
                ReasonForClosure="RC7",
            ),
        ),
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 3, 3),
                ReferralNFA=True,
                CINclosureDate=D(2025, 4, 1),
                ReasonForClosure="RC7",
            ),
        ),
        "Referral",
    ),
    Case(
        "8630",
        "CIN Closure Date is before CIN Referral Date for the same CIN episode",
        episode(CINclosureDate=D(2025, 6, 1), ReasonForClosure="RC7"),
        episode(CINclosureDate=D(2025, 6, 2), ReasonForClosure="RC7"),
        "Referral",
    ),
    Case(
        "8640",
        "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC10"),
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC9"),
        "Referral",
    ),
    Case(
        "8805",
        "A CIN case cannot have a CIN closure date without a Reason for Closure",
        episode(CINclosureDate=D(2025, 12, 1)),
        CLOSED,
        "Referral",
    ),
    Case(
        "8810",
        "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
        episode(ReasonForClosure="RC7"),
        CLOSED,
        "Referral",
    ),
    Case(
        "8565",
        "Activity shown after a case has been closed",
        episode(CINclosureDate=D(2025, 7, 13), ReasonForClosure="RC7"),
        episode(CINclosureDate=D(2025, 7, 14), ReasonForClosure="RC7"),
        "Referral",
    ),
    Case(
        "8585Q",
        "Please check and either amend or provide a reason: CIN episode shows Died as the "
        "Closure Reason, however child has no recorded Date of Death",
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC2"),
        ids(
            episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC2"),
            PersonDeathDate=D(2025, 12, 1),
        ),
        "Referral",
    ),
    Case(
        "8825Q",
        "Please check and either amend data or provide a reason: Reason for Closure code RC8 "
        "(case closed after assessment) or RC9 (case closed after assessment, referred to early "
        "help) has been returned but there is no assessment present for the episode.",
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC9", Assessments=()),
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC9"),
        "Referral",
    ),
    Case(
        "2990",
        "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
        "action’.",
        episode(CINclosureDate=D(2025, 12, 1), ReasonForClosure="RC8"),
        add_episode(CHILD, RC8_ASSESSED),
        "Referral",
    ),
    Case(
        "8831",
        "Activity is recorded against a case marked as a referral with no further action",
        episode(ReferralNFA=True),
        CINChild(ChildIdentifiers=CHILD.ChildIdentifiers, CINdetails=(NFA_EPISODE,)),
        "Referral",
    ),
    Case(
        "8815",
        "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
        "provided for this child and case is not a referral with no further action.",
        add_episode(CHILD, BARE_OPEN),
        add_episode(
            CHILD,
            CINEpisode(CINreferralDate=D(2025, 9, 1), ReferralSource="1A", ReferralNFA=True),
        ),
        "Referral",
    ),
    Case(
        "8816",
        "An open CIN episode is shown and case is not a referral with no further action, but it "
        "is not the latest episode.",
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 9, 1),
                ReferralNFA=True,
                CINclosureDate=D(2025, 9, 1),
                ReasonForClosure="RC7",
            ),
        ),
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 5, 1),
                ReferralNFA=True,
                CINclosureDate=D(2025, 5, 1),
                ReasonForClosure="RC7",
            ),
        ),
        "Referral",
    ),
    Case(
        "8820",
        "The dates on the CIN episodes for this child overlap",
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 1, 6),
                ReferralNFA=False,
                CINclosureDate=D(2025, 6, 3),
                ReasonForClosure="RC7",
            ),
        ),
        # One episode may close on the day the next is referred.
        add_episode(
            CHILD,
            CINEpisode(
                CINreferralDate=D(2025, 1, 6),
                ReferralNFA=False,
                CINclosureDate=D(2025, 6, 2),
                ReasonForClosure="RC7",
            ),
        ),
        "Referral",
    ),
    Case(
        "8867",
        "CIN episode is shown as closed, however Assessment is not shown as completed",
        assessment(CLOSED, AssessmentAuthorisationDate=None, AssessmentFactors=()),
        CLOSED,
        "Referral",
    ),
    Case(
        "8868",
        "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by "
        "ICPC date or ICPC not required flag",
        s47(CLOSED, DateOfInitialCPC=None),
        s47(CLOSED, DateOfInitialCPC=None, ICPCnotRequired=True),
        "Referral",
    ),
    Case(
        "2884",
        "An initial child protection conference is recorded at both the S47 and CIN Details "
        "level and it should only be recorded in one",
        episode(DateOfInitialCPC=D(2025, 6, 20)),
        CHILD,
        "Section47",
    ),
    # ---------------------------------------------------------------- Assessments
    Case(
        "1103",
        "The assessment start date cannot be before the referral date",
        assessment(AssessmentActualStartDate=D(2025, 6, 1)),
        assessment(AssessmentActualStartDate=D(2025, 6, 2)),
        "Assessment",
    ),
    Case(
        "8608",
        "Assessment Start Date cannot be later than its End Date",
        assessment(AssessmentActualStartDate=D(2025, 7, 15)),
        assessment(AssessmentActualStartDate=D(2025, 7, 14)),
        "Assessment",
    ),
    Case(
        "8614",
        "Parental or child factors at assessment should only be present for a completed "
        "assessment.",
        assessment(AssessmentAuthorisationDate=None),
        assessment(AssessmentAuthorisationDate=None, AssessmentFactors=()),
        "Assessment",
    ),
    Case(
        "8617",
        "Code 8A has been returned. This code is not a valid code.",
        assessment(AssessmentFactors=("8A",)),
        assessment(AssessmentFactors=("8B",)),
        "Assessment",
    ),
    Case(
        "8869",
        "The assessment factors code “21” cannot be used in conjunction with any other "
        "assessment factors.",
        assessment(AssessmentFactors=("21", "3A")),
        assessment(AssessmentFactors=("21",)),
        "Assessment",
    ),
    Case(
        "8897",
        "Parental or child factors at assessment information is missing from a completed "
        "assessment",
        assessment(AssessmentFactors=()),
        assessment(AssessmentFactors=("24A",)),
        "Assessment",
    ),
    Case(
        "8898",
        "The assessment has more than one parental or child factors with the same code",
        assessment(AssessmentFactors=("3A", "3A")),
        assessment(AssessmentFactors=("3A", "3B")),
        "Assessment",
    ),
    Case(
        "8896",
        "Within one CINDetails group there are 2 or more open Assessments groups",
        add(
            assessment(AssessmentAuthorisationDate=None, AssessmentFactors=()),
            "Assessments",
            SECOND_OPEN_ASSESSMENT,
        ),
        add(CHILD, "Assessments", SECOND_OPEN_ASSESSMENT),
        "Assessment",
    ),
    Case(
        "8863",
        "An Assessment is shown as starting when there is another Assessment ongoing",
        add(CHILD, "Assessments", Assessment(AssessmentActualStartDate=D(2025, 7, 14))),
        add(CHILD, "Assessments", Assessment(AssessmentActualStartDate=D(2025, 7, 15))),
        "Assessment",
    ),
    Case(
        "8696",
        "Assessment end date must fall within the census year",
        assessment(AssessmentAuthorisationDate=D(2025, 3, 31)),
        assessment(AssessmentAuthorisationDate=D(2025, 4, 1)),
        "Assessment",
    ),
    Case(
        "8736",
        "For an Assessment that has not been completed, the start date must fall within the "
        "census year",
        assessment(
            AssessmentActualStartDate=D(2025, 3, 31),
            AssessmentAuthorisationDate=None,
            AssessmentFactors=(),
        ),
        assessment(
            AssessmentActualStartDate=D(2025, 4, 1),
            AssessmentAuthorisationDate=None,
            AssessmentFactors=(),
        ),
        "Assessment",
    ),
    Case(
        "8670Q",
        "Please check: Assessment started more than 45 working days before the end of the census "
        "year. However, there is no Assessment end date.",
        # 46 and 45 working days before Tuesday 31 March 2026.
        assessment(
            AssessmentActualStartDate=D(2026, 1, 26),
            AssessmentAuthorisationDate=None,
            AssessmentFactors=(),
        ),
        assessment(
            AssessmentActualStartDate=D(2026, 1, 27),
            AssessmentAuthorisationDate=None,
            AssessmentFactors=(),
        ),
        "Assessment",
    ),
    Case(
        "8899Q",
        "Please check: A child identified as having a disability does not have a disability "
        "factor recorded at the end of assessment.",
        chars(Disabilities=("AUT",)),
        assessment(chars(Disabilities=("AUT",)), AssessmentFactors=("3A", "6A")),
        "Assessment",
    ),
    Case(
        "8945Q",
        "Please check and either amend data or provide a reason: the assessment factors code "
        "'18A' should not be used ('18B' or '18C' should be used instead)",
        assessment(AssessmentFactors=("18A",)),
        assessment(AssessmentFactors=("18B",)),
        "Assessment",
    ),
    Case(
        "8950Q",
        "Please check and either amend data or provide a reason: the assessment factors code "
        "'19A' should not be used ('19B' or '19C' should be used instead)",
        assessment(AssessmentFactors=("19A",)),
        assessment(AssessmentFactors=("19C",)),
        "Assessment",
    ),
    Case(
        "8873",
        "When there is only one assessment on the episode and the factors code “21 No factors "
        "identified” has been used for the completed assessment, the reason for closure ‘RC8’ "
        "must be used.",
        add_episode(CHILD, replace(RC8_ASSESSED, ReasonForClosure="RC9")),
        add_episode(CHILD, RC8_ASSESSED),
        "Assessment",
    ),
    # ---------------------------------------------------------------- Section47
    Case(
        "2889",
        "The S47 start date cannot be before the referral date.",
        s47(S47ActualStartDate=D(2025, 6, 1)),
        s47(S47ActualStartDate=D(2025, 6, 2)),
        "Section47",
    ),
    Case(
        "8615",
        "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
        "initial Child Protection Conference",
        s47(S47ActualStartDate=D(2025, 6, 23)),
        s47(S47ActualStartDate=D(2025, 6, 20)),
        "Section47",
    ),
    Case(
        "1104",
        "The date of the initial child protection conference cannot be before the referral date",
        s47(DateOfInitialCPC=D(2025, 5, 30)),
        s47(DateOfInitialCPC=D(2025, 6, 2)),
        "Section47",
    ),
    Case(
        "8839",
        "Within one CINDetails group there are 2 or more open S47 Assessments",
        add(s47(DateOfInitialCPC=None), "Section47", OPEN_ENQUIRY),
        add(s47(DateOfInitialCPC=None, ICPCnotRequired=True), "Section47", OPEN_ENQUIRY),
        "Section47",
    ),
    Case(
        "8890",
        "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry "
        "ongoing",
        add(
            CHILD,
            "Section47",
            Section47Enquiry(S47ActualStartDate=D(2025, 6, 20), ICPCnotRequired=True),
        ),
        add(
            CHILD,
            "Section47",
            Section47Enquiry(S47ActualStartDate=D(2025, 6, 23), ICPCnotRequired=True),
        ),
        "Section47",
    ),
    Case(
        "8875",
        "The Date of Initial Child Protection Conference cannot be a weekend",
        s47(DateOfInitialCPC=D(2025, 6, 21)),
        s47(DateOfInitialCPC=D(2025, 6, 23)),
        "Section47",
    ),
    Case(
        "8870Q",
        "Please check: The Target Date for Initial Child Protection Conference should not be a "
        "weekend",
        s47(InitialCPCtarget=D(2025, 6, 22)),
        s47(InitialCPCtarget=D(2025, 6, 23)),
        "Section47",
    ),
    Case(
        "2991Q",
        "Please check: A Section 47 module is recorded and there is no assessment on the episode",
        episode(Assessments=()),
        CHILD,
        "Section47",
    ),
    Case(
        "8740",
        "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by "
        "the end of the census year, the start date must fall within the census year",
        s47(S47ActualStartDate=D(2025, 3, 31), DateOfInitialCPC=None),
        s47(S47ActualStartDate=D(2025, 4, 1), DateOfInitialCPC=None),
        "Section47",
    ),
    Case(
        "8715",
        "Date of Initial Child Protection Conference must fall within the census year",
        s47(DateOfInitialCPC=D(2025, 3, 31)),
        s47(DateOfInitialCPC=D(2025, 4, 1)),
        "Section47",
    ),
    Case(
        "8675Q",
        "Please check: S47 Enquiry started more than 15 working days before the end of the "
        "census year. However, there is no date of Initial Child Protection Conference.",
        # 16 and 15 working days before Tuesday 31 March 2026.
        s47(S47ActualStartDate=D(2026, 3, 9), DateOfInitialCPC=None),
        s47(S47ActualStartDate=D(2026, 3, 10), DateOfInitialCPC=None),
        "Section47",
    ),
    # ---------------------------------------------------------------- ChildProtectionPlans
    Case(
        "1105",
        "The child protection plan start date cannot be before the referral date",
        cpp(CPPstartDate=D(2025, 6, 1)),
        cpp(CPPstartDate=D(2025, 6, 2)),
        "ChildProtectionPlan",
    ),
    Case(
        "8720",
        "Child Protection Plan Start Date missing or out of data collection period",
        cpp(CPPstartDate=None),
        CHILD,
        "ChildProtectionPlan",
    ),
    Case(
        "8905",
        "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
        "Census code set)",
        cpp(InitialCategoryOfAbuse="NEGLECT"),
        cpp(InitialCategoryOfAbuse="MUL"),
        "ChildProtectionPlan",
    ),
    Case(
        "8910",
        "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
        "Census code set)",
        cpp(LatestCategoryOfAbuse=None),
        cpp(LatestCategoryOfAbuse="EMO"),
        "ChildProtectionPlan",
    ),
    Case(
        "8730",
        "Total Number of previous Child Protection Plans missing",
        cpp(NumberOfPreviousCPP=None),
        cpp(NumberOfPreviousCPP=2),
        "ChildProtectionPlan",
    ),
    Case(
        "8840",
        "Child Protection Plan cannot start and end on the same day",
        cpp(CPPendDate=D(2025, 6, 20), Reviews=()),
        cpp(CPPendDate=D(2025, 6, 21), Reviews=()),
        "ChildProtectionPlan",
    ),
    Case(
        "8925",
        "Child Protection Plan End Date earlier than Start Date",
        cpp(CPPendDate=D(2025, 6, 19), Reviews=()),
        cpp(CPPendDate=D(2025, 9, 19)),
        "ChildProtectionPlan",
    ),
    Case(
        "8841",
        "The review date cannot be on the same day or before the Child protection Plan start date.",
        cpp(Reviews=(D(2025, 6, 20),)),
        cpp(Reviews=(D(2025, 6, 23),)),
        "ChildProtectionPlan",
    ),
    Case(
        "8842Q",
        "Please check: Review Record has a missing date",
        cpp(Reviews=(D(2025, 9, 19), None)),
        CHILD,
        "Review",
    ),
    Case(
        "8915",
        "Child Protection Plan shown as starting after the child’s Date of Death",
        ids(PersonDeathDate=D(2025, 6, 19)),
        ids(cpp(CPPendDate=D(2025, 6, 21), Reviews=()), PersonDeathDate=D(2025, 6, 21)),
        "ChildProtectionPlan",
    ),
    Case(
        "8920",
        "Child Protection Plan cannot end after the child’s Date of Death",
        ids(cpp(CPPendDate=D(2025, 7, 2), Reviews=()), PersonDeathDate=D(2025, 7, 1)),
        ids(cpp(CPPendDate=D(2025, 7, 1), Reviews=()), PersonDeathDate=D(2025, 7, 1)),
        "ChildProtectionPlan",
    ),
    Case(
        "8935",
        "This child is showing more than one open Child Protection plan, i.e. with no End Date",
        earlier_plan(end=None),
        earlier_plan(end=D(2025, 5, 30)),
        "ChildProtectionPlan",
    ),
    Case(
        "8940",
        "Child Protection Plan data contains overlapping dates",
        earlier_plan(end=D(2025, 6, 20)),  # the current plan starts on the day this one ends
        earlier_plan(end=D(2025, 6, 19)),
        "ChildProtectionPlan",
    ),
    Case(
        "2885",
        "Child protection plan shown as starting a different day to the initial child "
        "protection conference.",
        cpp(CPPstartDate=D(2025, 6, 23)),
        # The conference is recorded on the episode (no enquiry held one).
        episode(
            cpp(s47(DateOfInitialCPC=None, ICPCnotRequired=True), CPPstartDate=D(2025, 6, 23)),
            DateOfInitialCPC=D(2025, 6, 23),
        ),
        "ChildProtectionPlan",
    ),
    Case(
        "8832",
        "Child Protection details provided for a referral with no further action.",
        episode(ReferralNFA=True),
        CHILD,
        "ChildProtectionPlan",
    ),
    Case(
        "8930",
        "Child Protection Plan End Date must fall within the census year",
        earlier_plan(end=D(2025, 3, 31)),
        earlier_plan(end=D(2025, 4, 1)),
        "ChildProtectionPlan",
    ),
    # ---------------------------------------------------------------- CINPlanDates
    Case(
        "4000",
        "CIN Plan details provided for a referral with no further action",
        episode(STEPPED_DOWN, ReferralNFA=True),
        STEPPED_DOWN,
        "CINPlan",
    ),
    Case(
        "4001",
        "A CIN Plan cannot run concurrently with a Child Protection Plan",
        cpp(STEPPED_DOWN, CPPendDate=None),
        STEPPED_DOWN,
        "CINPlan",
    ),
    Case(
        "4003",
        "A CPP review date is shown as being held at the same time as an open CIN Plan.",
        cpp(STEPPED_DOWN, Reviews=(D(2025, 9, 19), D(2025, 9, 30))),
        STEPPED_DOWN,
        "CINPlan",
    ),
    Case(
        "4004",
        "This child is showing more than one open CIN Plan, i.e. with no End Date",
        add(STEPPED_DOWN, "CINPlanDates", CINPlan(CINPlanStartDate=D(2025, 10, 1))),
        add(
            cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 10, 1)),
            "CINPlanDates",
            CINPlan(CINPlanStartDate=D(2025, 10, 1)),
        ),
        "CINPlan",
    ),
    Case(
        "4008",
        "CIN Plan shown as starting after the child’s Date of Death.",
        ids(STEPPED_DOWN, PersonDeathDate=D(2025, 9, 18)),
        ids(STEPPED_DOWN, PersonDeathDate=D(2025, 9, 19)),
        "CINPlan",
    ),
    Case(
        "4009",
        "CIN Plan cannot end after the child’s Date of Death",
        ids(cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 10, 2)), PersonDeathDate=D(2025, 10, 1)),
        ids(cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 10, 1)), PersonDeathDate=D(2025, 10, 1)),
        "CINPlan",
    ),
    Case(
        "4010",
        "CIN Plan start date is missing or out of data collection period",
        cin_plan(STEPPED_DOWN, CINPlanStartDate=None),
        STEPPED_DOWN,
        "CINPlan",
    ),
    Case(
        "4011",
        "CIN Plan End Date earlier than Start Date",
        cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 9, 18)),
        cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 9, 19)),
        "CINPlan",
    ),
    Case(
        "4012Q",
        "CIN Plan shown as starting and ending on the same day - please check",
        cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 9, 19)),
        cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 9, 20)),
        "CINPlan",
    ),
    Case(
        "4013",
        "CIN Plan end date must fall within the census year",
        add_episode(
            STEPPED_DOWN,
            replace(EARLIER_PLAN_EPISODE, CINPlanDates=(CINPlan(D(2025, 2, 10), D(2025, 3, 31)),)),
        ),
        add_episode(
            STEPPED_DOWN,
            replace(EARLIER_PLAN_EPISODE, CINPlanDates=(CINPlan(D(2025, 2, 10), D(2025, 4, 1)),)),
        ),
        "CINPlan",
    ),
    Case(
        "4014",
        "CIN Plan data contains overlapping dates",
        add(STEPPED_DOWN, "CINPlanDates", CINPlan(D(2025, 10, 1), D(2025, 10, 10))),
        # One CIN plan may start on the day the last one ended.
        add(
            cin_plan(STEPPED_DOWN, CINPlanEndDate=D(2025, 10, 1)),
            "CINPlanDates",
            CINPlan(D(2025, 10, 1), D(2025, 10, 10)),
        ),
        "CINPlan",
    ),
    Case(
        "4015",
        "The CIN Plan start date cannot be before the referral date",
        add(CHILD, "CINPlanDates", CINPlan(D(2025, 5, 30), D(2025, 6, 1))),
        add(CHILD, "CINPlanDates", CINPlan(D(2025, 6, 2), D(2025, 6, 10))),
        "CINPlan",
    ),
    Case(
        "4016",
        "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        cin_plan(STEPPED_DOWN, CINPlanStartDate=D(2025, 9, 18)),
        STEPPED_DOWN,  # starts the day the child protection plan ended
        "CINPlan",
    ),
    Case(
        "4017",
        "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        add(CHILD, "CINPlanDates", CINPlan(D(2025, 6, 10), D(2025, 7, 1))),
        add(CHILD, "CINPlanDates", CINPlan(D(2025, 6, 10), D(2025, 6, 20))),
        "ChildProtectionPlan",
    ),
]


def run(case: Case, child: CINChild) -> list[RuleFailure]:
    if get_rule(case.code).census_only:
        return validate_child(child, case.year, calendar=CALENDAR)
    return check_on_entry(child, focus=case.focus, year=case.year, calendar=CALENDAR)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code)
def test_a_record_breaking_the_rule_gets_its_dfe_code_and_message(case: Case) -> None:
    found = [f for f in run(case, case.fails) if f.code == case.code]
    assert found, f"rule {case.code} did not fire"
    assert {f.message for f in found} == {case.message}
    assert found[0].text == f"CIN rule {case.code}: {case.message}"
    assert found[0].query == case.code.endswith("Q")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code)
def test_a_record_meeting_the_rule_does_not_fail_it(case: Case) -> None:
    assert case.code not in {f.code for f in run(case, case.passes)}


@pytest.mark.parametrize("child", [CHILD, STEPPED_DOWN], ids=["on a plan", "stepped down"])
def test_a_correct_record_fails_no_rule_at_all(child: CINChild) -> None:
    assert validate_child(child, 2026, calendar=CALENDAR) == []


def test_every_registered_rule_has_a_failing_and_a_passing_case() -> None:
    assert sorted(c.code for c in CASES) == [r.code for r in all_rules()]


def test_the_episode_builder_used_here_matches_the_base_record() -> None:
    assert CHILD.CINdetails == (EPISODE,)
