"""The catalogue of measures: what each one counts, in words, with its DfE source.

Definitions follow shared/domain/indicators.md and the DfE's own methodology text (LAIT data
dictionary). Measures that need records masa does not hold yet (children looked after,
placements, missing episodes, care leavers, LADO: issue 5) are in the catalogue with
``available=False`` and the reason, so the list is complete and says honestly what is missing.
The computation of each available measure is in ``masa.indicators.measures``.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHER = "higher"
LOWER = "lower"
NEITHER = "neither"

PER_10K = "per 10,000 children"
PERCENT = "%"

POPULATION_0_17 = (
    "Children aged 0 to 17 living in the area: the ONS mid-year estimate (the DfE's denominator)"
)
CIN_SOURCE = "Children's social care records, as reported in the DfE children in need census"
FRONT_DOOR_SOURCE = "Front door (MASH) records: contacts and threshold decisions"
NOT_YET = (
    "Needs children looked after, placement, missing and care leaver records (SSDA903), which "
    "masa does not hold yet (issue 5)."
)
NOT_YET_LADO = "Needs LADO allegation records, which masa does not hold yet (issue 5)."
NOT_YET_MISSING = (
    "Needs missing episodes and return home interviews, which masa does not hold yet (issue 5)."
)


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    numerator: str
    denominator: str  # "" for a count
    period: str
    population: str
    source: str
    unit: str  # "per 10,000 children" | "%" | "referrals" | "children" | ...
    good: str  # "higher" | "lower" | "neither": the direction of good
    dfe_comparable: bool
    published_as: str  # the DfE/LAIT measure it matches, "" if local
    group: str = ""
    available: bool = True
    unavailable_reason: str = ""
    note: str = ""  # how masa applies the definition, where a choice was made

    @property
    def is_rate(self) -> bool:
        return self.unit == PER_10K

    @property
    def is_percentage(self) -> bool:
        return self.unit == PERCENT

    @property
    def is_count(self) -> bool:
        return not (self.is_rate or self.is_percentage)

    @property
    def good_label(self) -> str:
        return {
            HIGHER: "Higher is better",
            LOWER: "Lower is better",
            NEITHER: "Neither higher nor lower is better in itself",
        }[self.good]


FRONT_DOOR = "Front door"
ASSESSMENT = "Assessment and children in need"
PROTECTION = "Section 47 enquiries and child protection"
EARLY_HELP = "Early help"
LOOKED_AFTER = "Children looked after"
CARE_LEAVERS = "Care leavers"
MISSING = "Missing children"
LADO = "Allegations against people who work with children (LADO)"

GROUPS = [
    FRONT_DOOR,
    ASSESSMENT,
    PROTECTION,
    EARLY_HELP,
    LOOKED_AFTER,
    CARE_LEAVERS,
    MISSING,
    LADO,
]

IN_PERIOD = "Events dated in the period (both days included)"
AT_END = "A snapshot on the last day of the period (31 March for a DfE year)"
UNBORN = "Unborn children are counted, as in the DfE's totals."


def _m(**fields: object) -> Measure:
    return Measure(**fields)  # type: ignore[arg-type]


_ALL: list[Measure] = [
    # ------------------------------------------------------------ front door
    _m(
        code="contacts",
        name="Contacts",
        numerator="Contacts received by the front door",
        denominator="",
        period=IN_PERIOD + ", by the day the contact was received",
        population="Every contact about a child, whatever the decision",
        source=FRONT_DOOR_SOURCE,
        unit="contacts",
        good=NEITHER,
        dfe_comparable=False,
        published_as="",
        group=FRONT_DOOR,
    ),
    _m(
        code="contact_conversion",
        name="Contacts that became referrals",
        numerator="Contacts in the denominator that became a referral to children's social care",
        denominator="Contacts received in the period with a threshold decision recorded",
        period=IN_PERIOD + ", by the day the contact was received",
        population="Contacts about children",
        source=FRONT_DOOR_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=False,
        published_as="",
        group=FRONT_DOOR,
        note=(
            "Contacts still awaiting a decision are left out of both counts, so a month to date "
            "is not pulled down by the contacts not yet screened."
        ),
    ),
    _m(
        code="referrals",
        name="Referrals",
        numerator=(
            "Referrals to children's social care (requests for services for a child whose case "
            "was not already open), including those ending in no further action; each referral "
            "counts, so a child referred twice counts twice"
        ),
        denominator="",
        period=IN_PERIOD + ", by referral date",
        population="Children referred (" + UNBORN + ")",
        source=CIN_SOURCE,
        unit="referrals",
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table C1: referrals (LAIT CPP_Total_NumRef)",
        group=FRONT_DOOR,
    ),
    _m(
        code="referral_rate",
        name="Referrals per 10,000 children",
        numerator="Referrals with a referral date in the period",
        denominator="Children aged 0 to 17 (ONS mid-year estimate)",
        period=IN_PERIOD + ", by referral date",
        population=POPULATION_0_17,
        source=CIN_SOURCE,
        unit=PER_10K,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table C1: referral rate (LAIT CPP_Total_Rateper10,000)",
        group=FRONT_DOOR,
    ),
    _m(
        code="re_referrals",
        name="Re-referrals within 12 months",
        numerator=(
            "Referrals in the denominator where the same child had a previous referral within "
            "12 months before (the previous one may be in an earlier year)"
        ),
        denominator="Referrals with a referral date in the period",
        period=IN_PERIOD + ", by referral date",
        population="Referrals",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=LOWER,
        dfe_comparable=True,
        published_as="CIN census table C1: re-referrals within 12 months (LAIT ReReferral)",
        group=FRONT_DOOR,
        note=(
            "12 months are calendar months from the previous referral, and the anniversary "
            "itself is within them: after a referral on 23 November 2025, one on 23 November "
            "2026 is a re-referral and one on 24 November 2026 is not. Only referrals recorded "
            "in masa count, so a referral in another authority is not a previous one."
        ),
    ),
    _m(
        code="referrals_nfa",
        name="Referrals closed with no further action",
        numerator="Referrals in the denominator closed with no further action straight away",
        denominator="Referrals with a referral date in the period",
        period=IN_PERIOD + ", by referral date",
        population="Referrals",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table C1: referrals NFA (LAIT CIN_Refferals_NFA)",
        group=FRONT_DOOR,
    ),
    _m(
        code="referrals_from_police",
        name="Referrals from the police",
        numerator="Referrals in the denominator whose source is the police (code 6)",
        denominator="Referrals with a referral date in the period",
        period=IN_PERIOD + ", by referral date",
        population="Referrals",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census: referrals by source, police (LAIT RefBySource_Police_%)",
        group=FRONT_DOOR,
    ),
    _m(
        code="referrals_from_schools",
        name="Referrals from schools",
        numerator="Referrals in the denominator whose source is a school (code 2A)",
        denominator="Referrals with a referral date in the period",
        period=IN_PERIOD + ", by referral date",
        population="Referrals",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census: referrals by source, schools (LAIT RefBySource_Schl_%)",
        group=FRONT_DOOR,
    ),
    _m(
        code="referrals_from_health",
        name="Referrals from health services",
        numerator="Referrals in the denominator whose source is a health service (codes 3A to 3F)",
        denominator="Referrals with a referral date in the period",
        period=IN_PERIOD + ", by referral date",
        population="Referrals",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census: referrals by source, health (LAIT RefBySource_HealthServ_%)",
        group=FRONT_DOOR,
    ),
    # ------------------------------------------------------------ assessment and CIN
    _m(
        code="assessments_completed",
        name="Assessments completed",
        numerator="Single assessments authorised by a manager in the period",
        denominator="",
        period=IN_PERIOD + ", by the date the assessment was authorised",
        population="Assessments of children (" + UNBORN + ")",
        source=CIN_SOURCE,
        unit="assessments",
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table C2: assessments completed",
        group=ASSESSMENT,
    ),
    _m(
        code="assessments_45_days",
        name="Assessments completed within 45 working days",
        numerator=(
            "Assessments in the denominator authorised within 45 working days of the "
            "assessment's start date"
        ),
        denominator="Assessments authorised in the period",
        period=IN_PERIOD + ", by the date the assessment was authorised",
        population="Completed assessments; assessments still open are not counted",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=HIGHER,
        dfe_comparable=True,
        published_as=(
            "CIN census table C2: assessments completed within 45 working days "
            "(LAIT Continue_Assess_Comp)"
        ),
        group=ASSESSMENT,
        note=(
            "Working days are Monday to Friday except England and Wales bank holidays; the start "
            "date is day 0 and an assessment authorised on working day 45 is in time."
        ),
    ),
    _m(
        code="assessments_45_days_from_referral",
        name="Assessments completed within 45 working days of the referral",
        numerator=(
            "Assessments in the denominator authorised within 45 working days of the referral "
            "that opened the case (the Working Together 2023 timescale)"
        ),
        denominator="Assessments authorised in the period whose case has a referral",
        period=IN_PERIOD + ", by the date the assessment was authorised",
        population="Completed assessments",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=HIGHER,
        dfe_comparable=False,
        published_as="",
        group=ASSESSMENT,
        note="The DfE measure counts from the assessment's start date; this one from referral.",
    ),
    _m(
        code="cin_rate",
        name="Children in need per 10,000 children",
        numerator=(
            "Children with an episode of need open on the last day of the period (a referral "
            "not yet closed), counted once each"
        ),
        denominator="Children aged 0 to 17 (ONS mid-year estimate)",
        period=AT_END,
        population=POPULATION_0_17,
        source=CIN_SOURCE,
        unit=PER_10K,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table B1: children in need at 31 March (LAIT CIN)",
        group=ASSESSMENT,
        note=(
            "An episode is open on the day if the referral is dated on or before it and the "
            "case was not closed on or before it. Young people who are 18 or over on the day "
            "are not counted; unborn children are, as in the DfE's totals. Disabled children "
            "receiving services without a referral recorded in masa are not counted."
        ),
    ),
    # ------------------------------------------------------------ s47 and child protection
    _m(
        code="s47_enquiries",
        name="Section 47 enquiries",
        numerator="Section 47 enquiries starting in the period (each enquiry counts)",
        denominator="",
        period=IN_PERIOD + ", by the enquiry's actual start date",
        population="Children (" + UNBORN + ")",
        source=CIN_SOURCE,
        unit="enquiries",
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D1: section 47 enquiries",
        group=PROTECTION,
    ),
    _m(
        code="s47_rate",
        name="Section 47 enquiries per 10,000 children",
        numerator="Section 47 enquiries starting in the period",
        denominator="Children aged 0 to 17 (ONS mid-year estimate)",
        period=IN_PERIOD + ", by the enquiry's actual start date",
        population=POPULATION_0_17,
        source=CIN_SOURCE,
        unit=PER_10K,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D1: section 47 enquiry rate (LAIT Section_47)",
        group=PROTECTION,
    ),
    _m(
        code="icpc_rate",
        name="Initial child protection conferences per 10,000 children",
        numerator=(
            "Children considered at an initial child protection conference held in the period "
            "(each child at each conference; transfer-in conferences are not included)"
        ),
        denominator="Children aged 0 to 17 (ONS mid-year estimate)",
        period=IN_PERIOD + ", by the date the conference was held",
        population=POPULATION_0_17,
        source=CIN_SOURCE,
        unit=PER_10K,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D1: initial child protection conferences (LAIT ISCP_Conf)",
        group=PROTECTION,
    ),
    _m(
        code="icpc_15_days",
        name="Initial conferences within 15 working days of the section 47 enquiry starting",
        numerator=(
            "Conferences in the denominator held within 15 working days of the section 47 "
            "enquiry's actual start date"
        ),
        denominator=(
            "Initial conferences held in the period that followed a section 47 enquiry (each "
            "enquiry counts separately; conferences held before the enquiry started are left out)"
        ),
        period=IN_PERIOD + ", by the date the conference was held",
        population="Section 47 enquiries that led to an initial conference",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=HIGHER,
        dfe_comparable=True,
        published_as=(
            "CIN census table D1: ICPCs within 15 working days of the start of the section 47 "
            "enquiry (LAIT CP_conf_15days)"
        ),
        group=PROTECTION,
        note=(
            "An enquiry's conference is the first initial conference for the child in the same "
            "case held on or after the enquiry started, as in masa's CIN census return. "
            "Enquiries whose outcome was not a conference are not counted."
        ),
    ),
    _m(
        code="cp_plans_starting",
        name="Child protection plans starting",
        numerator="Children who became the subject of a child protection plan in the period",
        denominator="",
        period=IN_PERIOD + ", by the plan's start date",
        population="Children (" + UNBORN + "); a child starting two plans counts twice",
        source=CIN_SOURCE,
        unit="plans",
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D2: plans starting (LAIT CPP_Abuse)",
        group=PROTECTION,
    ),
    _m(
        code="cp_rate",
        name="Children on a child protection plan per 10,000 children",
        numerator="Children subject to a child protection plan on the last day of the period",
        denominator="Children aged 0 to 17 (ONS mid-year estimate)",
        period=AT_END,
        population=POPULATION_0_17,
        source=CIN_SOURCE,
        unit=PER_10K,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D4: children on a plan at 31 March (LAIT CPP_rate)",
        group=PROTECTION,
        note=(
            "A plan is open on the day if it started on or before it and had not ended on or "
            "before it. Each child counts once. Unborn children are counted, as in the DfE's "
            "totals; young people who are 18 or over on the day are not."
        ),
    ),
    *[
        _m(
            code=f"cp_category_{letter.lower()}",
            name=f"Children on a plan at period end: {label}",
            numerator=(
                f"Children on a plan on the last day of the period whose initial category of "
                f"abuse is {label.lower()}"
            ),
            denominator="Children subject to a child protection plan on the last day",
            period=AT_END,
            population="Children on a child protection plan",
            source=CIN_SOURCE,
            unit=PERCENT,
            good=NEITHER,
            dfe_comparable=True,
            published_as=f"CIN census table D4: plans at 31 March by initial category ({letter})",
            group=PROTECTION,
        )
        for letter, label in [
            ("N", "Neglect"),
            ("P", "Physical abuse"),
            ("E", "Emotional abuse"),
            ("S", "Sexual abuse"),
            ("M", "Multiple categories"),
        ]
    ],
    _m(
        code="cp_second_ever",
        name="Plans starting that were a second or subsequent plan",
        numerator=(
            "Plans in the denominator for a child who had been the subject of a child "
            "protection plan here before, however long ago"
        ),
        denominator=(
            "Children who became the subject of a plan in the period (each occasion counts)"
        ),
        period=IN_PERIOD + ", by the plan's start date",
        population="Children starting a child protection plan",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=LOWER,
        dfe_comparable=True,
        published_as="CIN census table D3: second or subsequent plans (LAIT PrevRegCPR)",
        group=PROTECTION,
        note=(
            "Only plans recorded in masa count as previous plans, so a plan in another "
            "authority before the child moved here does not. Plans recorded against a duplicate "
            "record later merged into the child's count."
        ),
    ),
    _m(
        code="cp_second_two_years",
        name="Plans starting within two years of a previous plan ending",
        numerator=(
            "Plans in the denominator for a child whose previous plan ended within two years "
            "before this one started (or had not ended)"
        ),
        denominator="Children who became the subject of a plan in the period",
        period=IN_PERIOD + ", by the plan's start date",
        population="Children starting a child protection plan",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=LOWER,
        dfe_comparable=False,
        published_as="",
        group=PROTECTION,
        note=(
            "Two years are 24 calendar months: a plan ending on 1 March 2022 is within two years "
            "of one starting on 1 March 2024, not of one starting on 2 March 2024."
        ),
    ),
    _m(
        code="cp_ended_2_years",
        name="Plans ending that had lasted two years or more",
        numerator=(
            "Plans in the denominator that had lasted two years or more (more than 729 days "
            "counting both the first and the last day)"
        ),
        denominator="Child protection plans ending in the period",
        period=IN_PERIOD + ", by the plan's end date",
        population="Child protection plans ending",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=LOWER,
        dfe_comparable=True,
        published_as="CIN census table D7: plans ceasing after 2 years or more (LAIT CPPlans2yrs)",
        group=PROTECTION,
    ),
    _m(
        code="cp_ended_3_months",
        name="Plans ending within three months",
        numerator="Plans in the denominator that lasted three months or less",
        denominator="Child protection plans ending in the period",
        period=IN_PERIOD + ", by the plan's end date",
        population="Child protection plans ending",
        source=CIN_SOURCE,
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=True,
        published_as="CIN census table D7: plans ceasing, 3 months or less",
        group=PROTECTION,
        note=(
            "Three calendar months from the start: a plan starting on 30 November and ending on "
            "28 February is within three months."
        ),
    ),
    # ------------------------------------------------------------ early help
    _m(
        code="early_help_started",
        name="Early help episodes started",
        numerator="Early help episodes starting in the period, stepped down ones included",
        denominator="",
        period=IN_PERIOD + ", by the episode's start date",
        population="Children and families offered early help",
        source="Early help records led by any agency",
        unit="episodes",
        good=NEITHER,
        dfe_comparable=False,
        published_as="",
        group=EARLY_HELP,
    ),
    _m(
        code="early_help_open",
        name="Early help episodes open at period end",
        numerator="Early help episodes open on the last day of the period",
        denominator="",
        period=AT_END,
        population="Children and families in early help",
        source="Early help records led by any agency",
        unit="episodes",
        good=NEITHER,
        dfe_comparable=False,
        published_as="",
        group=EARLY_HELP,
    ),
    _m(
        code="early_help_stepped_down",
        name="Early help episodes started as a step down from social care",
        numerator="Episodes in the denominator stepped down from children's social care",
        denominator="Early help episodes starting in the period",
        period=IN_PERIOD + ", by the episode's start date",
        population="Early help episodes",
        source="Early help records led by any agency",
        unit=PERCENT,
        good=NEITHER,
        dfe_comparable=False,
        published_as="",
        group=EARLY_HELP,
    ),
]


def _unavailable(
    code: str,
    name: str,
    numerator: str,
    denominator: str,
    unit: str,
    good: str,
    published_as: str,
    group: str,
    reason: str = NOT_YET,
    period: str = AT_END,
    population: str = POPULATION_0_17,
    source: str = "Children looked after (SSDA903 return)",
) -> Measure:
    return Measure(
        code=code,
        name=name,
        numerator=numerator,
        denominator=denominator,
        period=period,
        population=population,
        source=source,
        unit=unit,
        good=good,
        dfe_comparable=bool(published_as),
        published_as=published_as,
        group=group,
        available=False,
        unavailable_reason=reason,
    )


_ALL += [
    _unavailable(
        "cla_rate",
        "Children looked after per 10,000 children",
        "Children looked after on the last day of the period (short breaks only excluded)",
        "Children aged 0 to 17 (ONS mid-year estimate)",
        PER_10K,
        NEITHER,
        "CLA table A1: children looked after at 31 March (LAIT LAC)",
        LOOKED_AFTER,
    ),
    _unavailable(
        "cla_started",
        "Children starting to be looked after",
        "Children who started to be looked after in the period",
        "",
        "children",
        NEITHER,
        "CLA: children starting to be looked after (LAIT LACnum_Start)",
        LOOKED_AFTER,
        period=IN_PERIOD,
        population="Children looked after",
    ),
    _unavailable(
        "cla_ceased",
        "Children ceasing to be looked after",
        "Children who ceased to be looked after in the period",
        "",
        "children",
        NEITHER,
        "CLA: children ceasing to be looked after (LAIT LACceased)",
        LOOKED_AFTER,
        period=IN_PERIOD,
        population="Children looked after",
    ),
    _unavailable(
        "cla_in_borough",
        "Children looked after placed inside the area",
        "Children in the denominator placed inside the local authority's boundary",
        "Children looked after on the last day of the period",
        PERCENT,
        NEITHER,
        "",
        LOOKED_AFTER,
        population="Children looked after",
    ),
    _unavailable(
        "cla_over_20_miles",
        "Children looked after placed outside the area and more than 20 miles from home",
        "Children in the denominator placed outside the boundary and more than 20 miles away",
        "Children looked after on the last day whose distance can be worked out",
        PERCENT,
        LOWER,
        "CLA: placed more than 20 miles from home, outside the LA boundary (LAIT LACDistance)",
        LOOKED_AFTER,
        population="Children looked after",
    ),
    _unavailable(
        "cla_family_and_friends",
        "Children looked after placed with family and friends",
        "Children in the denominator placed with family or friends (kinship carers)",
        "Children looked after on the last day of the period",
        PERCENT,
        NEITHER,
        "",
        LOOKED_AFTER,
        population="Children looked after",
    ),
    _unavailable(
        "cla_three_placements",
        "Children looked after with three or more placements in the year",
        "Children in the denominator with three or more placements during the period",
        "Children looked after on the last day of the period",
        PERCENT,
        LOWER,
        "CLA: three or more placements (LAIT LACStable_2016on)",
        LOOKED_AFTER,
        population="Children looked after",
    ),
    _unavailable(
        "cla_long_term_stability",
        "Long-term placement stability",
        "Children in the denominator living with the same carer for at least 2 years",
        "Children looked after on the last day, under 16, looked after for 2.5 years or more",
        PERCENT,
        HIGHER,
        "CLA: long-term placement stability (LAIT LAC_LongStable%)",
        LOOKED_AFTER,
        population="Children looked after",
    ),
    _unavailable(
        "cla_missing",
        "Children looked after who went missing",
        "Children in the denominator with a missing incident in the period",
        "Children looked after at any time in the period",
        PERCENT,
        NEITHER,
        "CLA: children who had a missing incident (LAIT Children_missing)",
        MISSING,
        period=IN_PERIOD,
        population="Children looked after",
    ),
    _unavailable(
        "rhi_72_hours",
        "Return home interviews offered within 72 hours",
        "Missing episodes in the denominator where an interview was offered within 72 hours",
        "Missing episodes ending in the period",
        PERCENT,
        HIGHER,
        "",
        MISSING,
        reason=NOT_YET_MISSING,
        period=IN_PERIOD,
        population="Children who went missing",
        source="Missing episode records",
    ),
    _unavailable(
        "care_leavers_accommodation",
        "Care leavers aged 19 to 21 in suitable accommodation",
        "Care leavers in the denominator whose accommodation is judged suitable",
        "Former relevant young people aged 19, 20 or 21 in the period",
        PERCENT,
        HIGHER,
        "CLA: care leavers in suitable accommodation (LAIT CareLeaverAcc)",
        CARE_LEAVERS,
        period=IN_PERIOD + ", status around the young person's birthday",
        population="Care leavers",
    ),
    _unavailable(
        "care_leavers_eet",
        "Care leavers aged 19 to 21 in education, employment or training",
        "Care leavers in the denominator in education, employment or training",
        "Former relevant young people aged 19, 20 or 21 in the period",
        PERCENT,
        HIGHER,
        "CLA: care leavers in education, employment or training (LAIT CareLeaverEET)",
        CARE_LEAVERS,
        period=IN_PERIOD + ", status around the young person's birthday",
        population="Care leavers",
    ),
    _unavailable(
        "lado_referrals",
        "LADO referrals",
        "Allegations referred to the LADO in the period",
        "",
        "referrals",
        NEITHER,
        "",
        LADO,
        reason=NOT_YET_LADO,
        period=IN_PERIOD,
        population="Allegations against people who work with children",
        source="LADO records",
    ),
    _unavailable(
        "lado_substantiated",
        "LADO allegations substantiated",
        "Allegations in the denominator concluded as substantiated",
        "LADO allegations concluded in the period",
        PERCENT,
        NEITHER,
        "",
        LADO,
        reason=NOT_YET_LADO,
        period=IN_PERIOD,
        population="Allegations against people who work with children",
        source="LADO records",
    ),
]

MEASURES: dict[str, Measure] = {measure.code: measure for measure in _ALL}
assert len(MEASURES) == len(_ALL), "measure codes must be unique"


def measures_in_groups() -> list[tuple[str, list[Measure]]]:
    """The catalogue grouped for a page, in the order of ``GROUPS``."""
    return [(group, [m for m in MEASURES.values() if m.group == group]) for group in GROUPS]
