"""Case reviews and their learning: the reviews the seed documents describe, in Northbury.

The reviews are those of the Wigan 2017/18 report (serious case reviews "Child M", "Child F" and
"Child G", "Child R", the road collision and home education cases), the Wirral 2023 paper
("Ollie", "Noah", three adopted siblings, a care leaver's learning review) and the Wigan 2023-24
report (an LCSPR in progress, one newly recommended, two awaiting publication, rapid reviews that
led to no further review), moved to the demo's dates (REFERENCE_DATE 23 November 2026) so the
pipeline shows every state: published, completed and not published, report awaiting publication,
commissioned and paused for a criminal trial, decided, a rapid review overdue, a referral waiting
to be acknowledged, closed with no further review, and withdrawn. The seeds' anonymised names are
kept; the names of the reviews not named in the seeds are new letters.

Each review is linked to a demo child whose casework the journey domain wrote: child protection
history first, of about the age the seed describes, with history before the incident for the
rapid review pack to draw on, and, for a death, no casework after it; one review per family. The
incident date falls in the review's window. When the borough has nobody who fits (the small demo
has two years of casework and few babies), the wishes are relaxed one at a time (``TIERS``), and
the deaths try each order of choosing until every one fits if it can. Names that could be taken
for other words on a page (staff's, agencies', "Grace") are not chosen, so that a search of the
pages for the children's names finds only real leaks. Rows are written directly (the demo is a
generator, not a user)
but as the services would write them: statuses consistent with the dates filled in, one
``ReviewTransition`` per step passed (who, when, why), no review date before the incident, clocks
met or missed as described. Findings are tagged with learning themes so that the thematic
analysis shows themes recurring across the years 2024-25, 2025-26 and 2026-27.

Actions for the recommendations are made by the assurance domain from ``ActionPlan`` rows kept
here with each recommendation (``RECOMMENDATION_ACTIONS``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Max, Min, Q

from masa.core.calendar import WorkingDayCalendar, add_months, working_day_calendar
from masa.core.models import Agency, Partnership, Team, User
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.journey.models import Case, ChronologyEntry
from masa.people.models import AgencyInvolvement, Child, Relationship
from masa.protection.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    PlanEndReason,
    S47Enquiry,
)
from masa.reviews.models import (
    AgencyContribution,
    Briefing,
    CaseReview,
    Finding,
    HarmOutcome,
    IncidentNotification,
    LearningTheme,
    PanelResponse,
    PauseReason,
    Recommendation,
    RedactionTerm,
    ReviewChild,
    ReviewCommission,
    ReviewCost,
    ReviewDecision,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewPause,
    ReviewSettings,
    ReviewStatus,
    ReviewTransition,
)
from masa.reviews.services_learning import DEFAULT_THEMES

from .base import DemoContext
from .core import BUSINESS_UNIT, ICB, LA, POLICE

LONDON = zoneinfo.ZoneInfo("Europe/London")
S = ReviewStatus
D = ReviewDecision
YEAR = 365
PUBLICATION_SITE = "https://www.northburyscp.example/learning"

LEAD = "business.manager"
HEALTH = "health.practitioner"
MANAGER = "team.manager"
# The review group of every review: the business manager leads; health and children's social
# care are represented. Never the scrutineer or the data analyst (they see anonymised names).
REVIEW_GROUP = ((LEAD, ReviewGroupRole.LEAD), (HEALTH, ReviewGroupRole.AGENCY_REPRESENTATIVE),
                (MANAGER, ReviewGroupRole.AGENCY_REPRESENTATIVE))  # fmt: skip

# --- Learning themes ---------------------------------------------------------------------------

NEGLECT = "Neglect"
EXPLOITATION = "Exploitation"
DOMESTIC_ABUSE = "Domestic abuse"
INFORMATION_SHARING = "Information sharing"
CURIOSITY = "Professional curiosity"
VOICE = "Voice of the child"
ESCALATION = "Escalation"
INTRAFAMILIAL = "Intrafamilial sexual abuse"
ADOLESCENT = "Adolescent risk"
MENTAL_HEALTH = "Mental health"
SUBSTANCES = "Parental substance misuse"
THINK_FAMILY = "Think family"
SAFE_SLEEP = "Safe sleep"
HIDDEN_MEN = "Hidden men"
DISGUISED = "Disguised compliance"
SUPERVISION = "Supervision"
LEARNING_DIFFICULTIES = "Learning difficulties"
PLANS = "Quality of plans"
TRAUMA = "Trauma and parenting capacity"
GUARDIANS = "Special guardianship support"
CROSS_BORDER = "Cross-border working"
TRANSITIONS = "Transitions between services"
HOME_EDUCATION = "Elective home education"

# The themes the findings are tagged with: all from the starting taxonomy the product offers
# (``masa.reviews.services_learning.DEFAULT_THEMES``), which the demo loads as it is.
TAGGED = (NEGLECT, EXPLOITATION, DOMESTIC_ABUSE, INFORMATION_SHARING, CURIOSITY, VOICE, ESCALATION,
          INTRAFAMILIAL, ADOLESCENT, MENTAL_HEALTH, SUBSTANCES, THINK_FAMILY, SAFE_SLEEP,
          HIDDEN_MEN, DISGUISED, SUPERVISION, LEARNING_DIFFICULTIES, PLANS, TRAUMA, GUARDIANS,
          CROSS_BORDER, TRANSITIONS, HOME_EDUCATION)  # fmt: skip


# --- What the reviews are ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPlan:
    """An action the assurance domain makes for a recommendation.

    ``owner`` is a demo account's username, or ``"manager:<team>"`` for the generated manager of
    that local authority team. ``progress`` is where the action stands on REFERENCE_DATE:
    not_started, on_track, at_risk, overdue (open, past its due date), complete, closed or
    withdrawn. ``months`` after the recommendation it falls due.
    """

    title: str
    owner: str
    progress: str
    months: int
    evidence: str = ""
    priority: int | None = None


@dataclass(frozen=True)
class Rec:
    text: str
    agencies: tuple[str, ...] = ()
    actions: tuple[ActionPlan, ...] = ()


@dataclass(frozen=True)
class Learning:
    title: str
    detail: str
    themes: tuple[str, ...]
    recommendations: tuple[Rec, ...] = ()


@dataclass(frozen=True)
class Commission:
    reviewer: str
    organisation: str
    methodology: str
    terms: str
    family: str
    practitioners: str
    fee: int | None


@dataclass(frozen=True)
class Pause:
    reason: str
    detail: str
    after_days: int  # days after the review was commissioned
    days: int | None  # None: still paused


@dataclass(frozen=True)
class ReviewPlan:
    name: str
    status: str
    reason: str  # "{age}" becomes e.g. "a baby aged 7 weeks", from the linked child
    referrer: str
    ages: tuple[int, int]  # the subject's age at the incident, in days
    window: tuple[dt.date, dt.date] | None = None  # the incident falls in here...
    working_days_ago: int | None = None  # ...or this many working days before today
    latest: dt.date | None = None  # ...or, if no child fits the window, as late as this
    children: tuple[str, ...] = ()  # the children's names in the review (default: the name)
    # "protection": the deepest child protection history first; "after": a child unknown to
    # services until the incident.
    casework: str = "protection"
    new_to_area: bool = False  # known to services only for a few months before the incident
    after_care: bool = False  # may have become looked after before the incident
    decision: str = ""
    harm: str = HarmOutcome.SERIOUS_HARM
    abuse_suspected: bool = True
    notifiable: bool = True
    notifiable_reason: str = ""
    category: str = "N"
    location: str = "The family home, Northbury"
    police_investigation: bool = False
    media_interest: bool = False
    home_educated: bool = False
    rr_working_days: int = 14  # the rapid review went to the Panel this many days after
    decision_reason: str = ""
    panel: str = PanelResponse.AGREES
    panel_note: str = ""
    commission: Commission | None = None
    pauses: tuple[Pause, ...] = ()
    not_published_reason: str = ""
    withdrawn_reason: str = ""
    redactions: tuple[tuple[str, str], ...] = ()
    learning: tuple[Learning, ...] = ()

    @property
    def child_names(self) -> tuple[str, ...]:
        return self.children or (self.name,)

    @property
    def died(self) -> bool:
        return self.harm == HarmOutcome.DIED

    @property
    def slug(self) -> str:
        return self.name.lower().replace(",", "").replace(" ", "-")


SILP = (
    "Significant Incident Learning Process (SILP): agency reports, a practitioner learning event "
    "and a recall event, led by the independent reviewer with the review group."
)
SYSTEMS = (
    "Systems approach: a multi-agency chronology, conversations with practitioners and managers "
    "one to one, and a learning event to test the findings."
)
REFLECTIVE = (
    "Reflective learning review: a facilitated session with the practitioners involved, using "
    "the chronology and each agency's summary, led by the business unit."
)
FAMILY_INVITED = (
    "The parents were written to at the start and invited to contribute; the reviewer met them "
    "with their advocate and shared the findings before the report was finalised."
)
FAMILY_CHILD = (
    "The young person's family and foster carers were invited to contribute and met the reviewer; "
    "their account of what helped and what did not is in the report in their words."
)
PRACTITIONERS = (
    "Practitioners and first-line managers from each agency involved met the reviewer one to one "
    "and at the learning event."
)

# Owners of actions: demo accounts by username, or a generated local authority team manager.
POLICE_OFFICER = "police.officer"
SCHOOL_DSL = "dsl.school"
ANALYST = "data.analyst"
LEAVING_CARE_MANAGER = "manager:Leaving Care Team"
CP_MANAGER = "manager:Child Protection and Court Team"
EARLY_HELP_MANAGER = "manager:Early Help Hub"
REVIEWING_MANAGER = "manager:Safeguarding and Reviewing Unit"
FRONT_DOOR_MANAGER = "manager:Front Door (MASH)"
SCHOOL = "Northbury High School"

REVIEWS: tuple[ReviewPlan, ...] = (
    # Wigan 2017/18: "Child R's case", information from adult substance misuse services.
    ReviewPlan(
        name="Child R",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        reason=(
            "{age} was admitted to hospital after swallowing a parent's prescribed methadone. The "
            "parent was in treatment with the adult substance misuse service."
        ),
        referrer=HEALTH,
        ages=(YEAR, 4 * YEAR),
        window=(dt.date(2025, 1, 6), dt.date(2025, 2, 21)),
        latest=dt.date(2025, 6, 30),
        notifiable_reason="Serious harm; neglect suspected (unsafe storage of medication).",
        category="N",
        police_investigation=True,
        decision_reason=(
            "The rapid review found learning about how adult services and children's services "
            "share information about parents in treatment that no single agency could act on "
            "alone."
        ),
        panel_note="The Panel agreed and asked for the final report by the end of September.",
        commission=Commission(
            "Dr Anne Whitworth",
            "Independent safeguarding consultant",
            SILP,
            "How agencies shared what they knew about a parent's drug treatment and the children "
            "at home, from the start of treatment to the incident.",
            FAMILY_INVITED,
            PRACTITIONERS,
            9500,
        ),
        learning=(
            Learning(
                "The adult substance misuse service did not know a young child lived at home",
                "The parent's treatment record listed no children in the household. Safe storage "
                "of take-home doses was not discussed, and the child was not part of the "
                "treatment plan.",
                (SUBSTANCES, THINK_FAMILY, INFORMATION_SHARING),
                (
                    Rec(
                        "The adult substance misuse service asks at every assessment and review "
                        "who lives in or visits the household, gives safe storage advice and "
                        "tells children's social care when a child may be at risk.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Add household and safe storage questions to substance misuse "
                                "assessment and review forms",
                                HEALTH,
                                "closed",
                                4,
                                "Audit of 40 treatment records a year on: 38 recorded who lives "
                                "at home and that safe storage advice was given (none before).",
                                3,
                            ),
                        ),
                    ),
                    Rec(
                        "Children's social care and the adult substance misuse service agree how "
                        "they share information about parents in treatment.",
                        (LA, ICB),
                        (
                            ActionPlan(
                                "Agree a joint working protocol between children's social care "
                                "and adult substance misuse services",
                                MANAGER,
                                "closed",
                                6,
                                "Protocol signed off by both services; 27 joint visits in its "
                                "first six months; practitioners in the follow-up survey said "
                                "they knew whom to call.",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Practitioners accepted the parent's account of reduced drug use without checking",
                "Several practitioners recorded that drug use had reduced on the parent's word, "
                "while test results and missed appointments said otherwise.",
                (CURIOSITY, DISGUISED),
                (
                    Rec(
                        "The partnership's training includes testing what parents say against "
                        "what agencies know.",
                        (),
                        (
                            ActionPlan(
                                "Add a session on professional curiosity and disguised compliance "
                                "to the multi-agency training programme",
                                LEAD,
                                "closed",
                                6,
                                "212 practitioners attended; 81% said in the follow-up survey "
                                "three months later that they now check accounts against "
                                "records.",
                                2,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wigan 2017/18: death in a road collision in circumstances of sexual exploitation.
    ReviewPlan(
        name="Child C",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        harm=HarmOutcome.DIED,
        reason=(
            "{age} died of injuries from a road collision, a passenger in a car driven by an "
            "adult. Police were concerned that the young person was being sexually exploited and "
            "had been reported missing several times."
        ),
        referrer=POLICE_OFFICER,
        ages=(13 * YEAR, 17 * YEAR + 300),
        window=(dt.date(2025, 1, 6), dt.date(2025, 2, 21)),
        latest=dt.date(2026, 1, 30),
        notifiable_reason="Death; sexual exploitation suspected.",
        category="S",
        location="A road on the edge of Northbury",
        police_investigation=True,
        media_interest=True,
        decision_reason=(
            "The rapid review found learning about missing episodes and exploitation across "
            "police, children's social care and the school that merits a local review."
        ),
        commission=Commission(
            "Graham Oates",
            "Independent reviewer",
            SYSTEMS,
            "How agencies understood and responded to the risk of sexual exploitation, from the "
            "first missing episode to the collision.",
            FAMILY_INVITED,
            PRACTITIONERS,
            11000,
        ),
        pauses=(
            Pause(
                PauseReason.INQUEST,
                "The coroner asked that the report is not finalised before the inquest.",
                60,
                70,
            ),
        ),
        redactions=(("Riverside Academy", "[secondary school]"),),
        learning=(
            Learning(
                "Missing episodes were recorded one by one and never analysed for a pattern",
                "Each missing episode was handled well on the night, but nobody looked at where "
                "the young person went, with whom, and how often, across all of them.",
                (EXPLOITATION, ADOLESCENT),
                (
                    Rec(
                        "Police and children's social care analyse missing episodes for patterns "
                        "every month and take them to the exploitation panel (MACE).",
                        (POLICE, LA),
                        (
                            ActionPlan(
                                "Monthly missing-pattern analysis presented to the MACE panel",
                                POLICE_OFFICER,
                                "closed",
                                4,
                                "Analysis presented at every MACE since June; 11 young people "
                                "identified from patterns and given exploitation plans.",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The young person's own account of the adults they met was not recorded",
                "Return home interviews recorded that the young person was safe and well, not "
                "what they said about where they had been and the adults they were with.",
                (VOICE, EXPLOITATION),
                (
                    Rec(
                        "Return home interviews record the young person's own words about where "
                        "they were and with whom, and are shared with the police.",
                        (LA,),
                        (
                            ActionPlan(
                                "Revise the return home interview record and train interviewers",
                                EARLY_HELP_MANAGER,
                                "closed",
                                3,
                                "New record in use; audit of 30 interviews found the young "
                                "person's words in 27; police intelligence submissions from "
                                "interviews doubled.",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Information about the adult driver was held in three agencies",
                "Police, the school and the sexual health service each knew something about the "
                "adult. Nobody brought it together until after the collision.",
                (INFORMATION_SHARING, EXPLOITATION),
                (
                    Rec(
                        "The partnership introduces one form for sharing intelligence about "
                        "exploitation, open to every agency.",
                        (POLICE,),
                        (
                            ActionPlan(
                                "Launch the partnership exploitation intelligence form",
                                POLICE_OFFICER,
                                "complete",
                                5,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wigan 2017/18: "Child F + G SCR", disclosures of abuse followed by retraction.
    ReviewPlan(
        name="Child F",
        children=("Child F", "Child G"),
        status=S.NOT_PUBLISHED,
        decision=D.LCSPR,
        reason=(
            "{age} told a teacher of long-term physical and sexual abuse by a family member, then "
            "withdrew what they had said. The police investigation was discontinued. A younger "
            "sibling later made a similar disclosure."
        ),
        referrer=SCHOOL_DSL,
        ages=(8 * YEAR, 16 * YEAR),
        window=(dt.date(2025, 3, 3), dt.date(2025, 5, 30)),
        latest=dt.date(2025, 9, 30),
        notifiable_reason="Serious harm; sexual and physical abuse suspected.",
        category="M",
        police_investigation=True,
        decision_reason=(
            "The rapid review found that agencies treated the retraction as the end of the "
            "matter; the partners want to understand why, across the system."
        ),
        commission=Commission(
            "Dr Anne Whitworth",
            "Independent safeguarding consultant",
            SYSTEMS,
            "How agencies responded to the first disclosure and its retraction, and what "
            "happened for the siblings in the year between the two disclosures.",
            "The children's non-abusing parent contributed; the children were offered a "
            "conversation with the reviewer and chose to write instead.",
            PRACTITIONERS,
            10500,
        ),
        pauses=(
            Pause(
                PauseReason.CRIMINAL_TRIAL,
                "The police reopened the investigation after the second disclosure; the reviewer "
                "waited for the charging decision before meeting the family.",
                40,
                90,
            ),
        ),
        not_published_reason=(
            "The reviewer, the partners and the independent scrutineer agreed that publishing, "
            "even anonymised, was likely to identify the children, who still live in Northbury "
            "and asked that it is not published. The Panel and the Department for Education were "
            "told when the report was sent. The learning is shared through a 7-minute briefing "
            "and learning circles instead."
        ),
        learning=(
            Learning(
                "After the retraction, agencies treated the matter as closed",
                "The child's retraction was recorded as the outcome. Nobody asked why the child "
                "withdrew the account, or who was at home when they did.",
                (INTRAFAMILIAL, VOICE),
                (
                    Rec(
                        "The partnership publishes guidance on responding to a child who "
                        "retracts an allegation of sexual abuse, and trains staff in it.",
                        (),
                        (
                            ActionPlan(
                                "Publish and deliver a briefing on disclosure and retraction in "
                                "child sexual abuse",
                                LEAD,
                                "closed",
                                5,
                                "Briefing delivered to 340 practitioners in 14 sessions; the "
                                "intrafamilial sexual abuse audit found it used in 9 of 12 cases.",
                                2,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "A professional difference about the threshold was not escalated",
                "The school disagreed with the decision to close the case but did not use the "
                "escalation policy; the disagreement stayed in the school's own records.",
                (ESCALATION, CURIOSITY),
                (
                    Rec(
                        "Every agency reminds staff of the escalation policy and records each "
                        "escalation and its outcome.",
                        (SCHOOL, LA),
                        (
                            ActionPlan(
                                "Add escalations to designated safeguarding leads' supervision "
                                "and the school safeguarding log",
                                SCHOOL_DSL,
                                "on_track",
                                14,
                                priority=2,
                            ),
                            ActionPlan(
                                "Report escalations and their outcomes to the quality assurance "
                                "subgroup every quarter",
                                MANAGER,
                                "at_risk",
                                14,
                                priority=2,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The mother's own history of abuse was not considered",
                "Practitioners knew the mother had been abused as a child but did not think "
                "about how it affected her response to her children's disclosures.",
                (TRAUMA, THINK_FAMILY),
                (
                    Rec(
                        "Health visiting and school nursing assessments ask about parents' own "
                        "experiences of abuse, with consent, and offer support.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Include parents' adverse childhood experiences in health "
                                "visiting and school nursing assessments",
                                HEALTH,
                                "on_track",
                                16,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wigan 2017/18: "Child M", neglect, safe sleep, sleeping in car seats.
    ReviewPlan(
        name="Child M",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        harm=HarmOutcome.DIED,
        reason=(
            "Sudden unexpected death of {age}, found unresponsive after sleeping overnight in a "
            "car seat. The family were known to health visiting and children's social care "
            "because of concerns about neglect."
        ),
        referrer=HEALTH,
        ages=(14, YEAR),
        window=(dt.date(2025, 4, 1), dt.date(2025, 7, 31)),
        latest=dt.date(2026, 1, 30),
        notifiable_reason="Death of a baby; neglect suspected.",
        category="N",
        police_investigation=True,
        decision_reason=(
            "The rapid review found learning about safe sleep advice and neglect seen by each "
            "agency separately, for the partnership as a whole."
        ),
        commission=Commission(
            "Susan Kerridge",
            "Northern Practice Review Associates",
            SILP,
            "Safe sleep advice to the family, the response to neglect, and how agencies shared "
            "information in the year before the death.",
            FAMILY_INVITED,
            PRACTITIONERS,
            9800,
        ),
        pauses=(
            Pause(
                PauseReason.INQUEST,
                "The report waited for the coroner's inquest into the death.",
                75,
                56,
            ),
        ),
        learning=(
            Learning(
                "Safe sleep advice was given once and not revisited when circumstances changed",
                "Advice was given at the new birth visit. When the family moved in with "
                "relatives and the baby slept in a car seat, no agency returned to it.",
                (SAFE_SLEEP, NEGLECT),
                (
                    Rec(
                        "Midwifery and health visiting talk about safe sleep at every contact, "
                        "including babies sleeping in car seats, and record it.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Record a safe sleep conversation at every health visitor contact",
                                HEALTH,
                                "closed",
                                6,
                                "Recorded at 96% of contacts in the last quarter (from 41%); "
                                "no sudden infant deaths in unsafe sleep settings since.",
                                1,
                            ),
                        ),
                    ),
                    Rec(
                        "The partnership asks for consistent national advice on babies sleeping "
                        "in car seats.",
                        (),
                        (
                            ActionPlan(
                                "Ask the national Panel and the Department of Health and Social "
                                "Care for consistent advice on babies sleeping in car seats",
                                LEAD,
                                "overdue",
                                6,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Each agency saw part of the neglect and none saw the whole",
                "Missed health appointments, a cold and dirty home and a parent's low mood were "
                "each recorded by a different agency and never put together.",
                (NEGLECT, INFORMATION_SHARING),
                (
                    Rec(
                        "Partners use one neglect assessment tool (the Graded Care Profile 2) "
                        "and share its results.",
                        (LA, ICB),
                        (
                            ActionPlan(
                                "Train practitioners in the Graded Care Profile 2 and use it in "
                                "every neglect case",
                                CP_MANAGER,
                                "on_track",
                                15,
                                priority=2,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The father was not part of the assessment or the plan",
                "The father stayed at the home most nights but agencies spoke only to the "
                "mother; his needs and the risks he posed were not assessed.",
                (HIDDEN_MEN, THINK_FAMILY),
            ),
        ),
    ),
    # Wirral 2023: "Ollie", a two-month-old baby, unsafe co-sleeping, neglect, substance misuse.
    ReviewPlan(
        name="Ollie",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        harm=HarmOutcome.DIED,
        reason=(
            "{age} died after co-sleeping with a parent who had been drinking alcohol and using "
            "drugs. There had been earlier concerns about neglect."
        ),
        referrer=POLICE_OFFICER,
        ages=(21, 240),
        window=(dt.date(2025, 5, 1), dt.date(2025, 9, 30)),
        latest=dt.date(2026, 1, 30),
        notifiable_reason="Death of a baby; neglect suspected.",
        category="N",
        police_investigation=True,
        decision_reason=(
            "The rapid review found learning about safe sleep where parents use alcohol or drugs "
            "that repeats an earlier review's; the partners want to know why it did not stick."
        ),
        commission=Commission(
            "Susan Kerridge",
            "Northern Practice Review Associates",
            SILP,
            "Pre-birth and postnatal work with the family, safe sleep advice and the response to "
            "the parents' alcohol and drug use.",
            FAMILY_INVITED,
            PRACTITIONERS,
            9800,
        ),
        learning=(
            Learning(
                "The risk of co-sleeping after drinking or drug use was not explained to both "
                "parents",
                "Safe sleep advice was given to the mother only, and did not cover what changes "
                "when a parent has been drinking or using drugs.",
                (SAFE_SLEEP, SUBSTANCES, HIDDEN_MEN),
                (
                    Rec(
                        "Families where a parent uses alcohol or drugs have a written safe sleep "
                        "plan agreed with both parents.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Written safe sleep plans for families where parents use alcohol "
                                "or drugs",
                                HEALTH,
                                "complete",
                                6,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The pre-birth assessment did not draw on adult services' knowledge",
                "The parents were known to adult mental health and drug services; the pre-birth "
                "assessment did not ask them.",
                (THINK_FAMILY, INFORMATION_SHARING, SUBSTANCES),
                (
                    Rec(
                        "Pre-birth assessments include checks with adult services for both "
                        "parents.",
                        (LA,),
                        (
                            ActionPlan(
                                "Add adult services checks to the pre-birth assessment pathway",
                                MANAGER,
                                "on_track",
                                14,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wirral 2023: "Noah", a two-year-old who died at home; domestic abuse and alcohol misuse.
    ReviewPlan(
        name="Noah",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        harm=HarmOutcome.DIED,
        reason=(
            "{age} died at home. Police had been called to the address for domestic abuse, and a "
            "parent's alcohol misuse was known to several agencies."
        ),
        referrer=POLICE_OFFICER,
        ages=(YEAR, 4 * YEAR),
        window=(dt.date(2025, 3, 3), dt.date(2025, 8, 29)),
        latest=dt.date(2026, 1, 30),
        notifiable_reason="Death of a child; neglect and domestic abuse suspected.",
        category="N",
        police_investigation=True,
        media_interest=True,
        rr_working_days=17,
        decision_reason=(
            "The rapid review found learning about domestic abuse and alcohol misuse across "
            "police, health and children's social care that merits a local review."
        ),
        commission=Commission(
            "Graham Oates",
            "Independent reviewer",
            SYSTEMS,
            "How agencies understood domestic abuse and alcohol misuse in the household and what "
            "they meant for a young child.",
            FAMILY_INVITED,
            PRACTITIONERS,
            10200,
        ),
        pauses=(
            Pause(
                PauseReason.INQUEST,
                "The coroner's inquest was heard before the report was finalised.",
                50,
                63,
            ),
        ),
        learning=(
            Learning(
                "Police call-outs for domestic abuse did not reach the child's health visitor",
                "Officers attended four domestic abuse incidents at the address. Health visiting "
                "did not know of any of them.",
                (DOMESTIC_ABUSE, INFORMATION_SHARING),
                (
                    Rec(
                        "Police tell health visiting the next working day about domestic abuse "
                        "incidents where a child under five lives at the address.",
                        (POLICE, ICB),
                        (
                            ActionPlan(
                                "Notify health visiting of domestic abuse incidents where a child "
                                "under five lives",
                                POLICE_OFFICER,
                                "closed",
                                4,
                                "1,140 notifications to health visiting in the first year; "
                                "health visitors contacted 92% of families within a week.",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The mother's partner was unknown to the agencies working with the family",
                "A new partner moved in six months before the death. No assessment asked who he "
                "was or checked his history.",
                (HIDDEN_MEN, CURIOSITY),
                (
                    Rec(
                        "Assessments ask about every adult living in or regularly visiting the "
                        "household, and check them.",
                        (LA,),
                        (
                            ActionPlan(
                                "Audit whether assessments identify and check every adult in the "
                                "household",
                                MANAGER,
                                "overdue",
                                8,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Alcohol misuse was seen as the parent's problem, not a risk to the child",
                "The GP and the alcohol service supported the parent well but did not ask what "
                "drinking meant for the care of a two-year-old.",
                (SUBSTANCES, THINK_FAMILY),
                (
                    Rec(
                        "GPs and alcohol services ask about children in the household when they "
                        "treat a parent's alcohol misuse.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Add a 'think family' prompt to GP and alcohol service templates",
                                HEALTH,
                                "on_track",
                                15,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wirral 2023: the learning review of a care leaver who took his own life.
    ReviewPlan(
        name="Young Person J",
        status=S.PUBLISHED,
        decision=D.OTHER_LEARNING,
        harm=HarmOutcome.DIED,
        abuse_suspected=False,
        notifiable=False,
        notifiable_reason=(
            "Abuse or neglect is not known or suspected, so this does not meet the criteria for a "
            "serious incident notification."
        ),
        reason=(
            "{age}, who was leaving care, took their own life. The young person had been "
            "supported by child and adolescent mental health services and was due to move to "
            "adult services."
        ),
        referrer=MANAGER,
        ages=(16 * YEAR, 19 * YEAR),
        window=(dt.date(2025, 3, 3), dt.date(2025, 10, 31)),
        latest=dt.date(2026, 4, 30),
        after_care=True,
        category="",
        decision_reason=(
            "A multi-agency learning review, because of what the case says about young people "
            "moving from children's to adults' services."
        ),
        commission=Commission(
            "Janet Moorcroft",
            "Learning and Improvement team, NSCP business unit",
            REFLECTIVE,
            "Support to the young person in the year before and after their move towards adult "
            "services: mental health, housing and their leaving care plan.",
            FAMILY_CHILD,
            PRACTITIONERS,
            None,
        ),
        learning=(
            Learning(
                "Mental health support was planned to stop at 18 with no handover",
                "The move from child and adolescent to adult mental health services was left to "
                "the last month; the young person was on a waiting list when they died.",
                (TRANSITIONS, MENTAL_HEALTH),
                (
                    Rec(
                        "Care leavers supported by CAMHS have a transition plan agreed with adult "
                        "services from age 17.",
                        (ICB, LA),
                        (
                            ActionPlan(
                                "Transition plans from age 17 for care leavers in CAMHS",
                                HEALTH,
                                "on_track",
                                12,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The young person's wish to stay with their foster family was not acted on",
                "The young person asked more than once to stay with their foster carers after "
                "18. The pathway plan recorded the wish but no decision.",
                (VOICE, TRANSITIONS),
                (
                    Rec(
                        "Every pathway plan records whether staying put was offered and what the "
                        "young person wanted.",
                        (LA,),
                        (
                            ActionPlan(
                                "Offer staying put and record the young person's view in every "
                                "pathway plan",
                                LEAVING_CARE_MANAGER,
                                "closed",
                                5,
                                "Pathway plan audit: staying put discussed and the young person's "
                                "view recorded in 24 of 25 plans; staying put arrangements up "
                                "from 9 to 16.",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wigan 2017/18: a young person unknown to services for years while electively home educated.
    ReviewPlan(
        name="Child E",
        status=S.PUBLISHED,
        decision=D.LCSPR,
        casework="after",
        reason=(
            "{age} was admitted to hospital severely malnourished with untreated health "
            "conditions. The young person had been educated at home for several years and had not "
            "been seen by any agency in that time."
        ),
        referrer=HEALTH,
        ages=(10 * YEAR, 16 * YEAR),
        window=(dt.date(2025, 4, 1), dt.date(2025, 8, 29)),
        latest=dt.date(2025, 12, 31),
        notifiable_reason="Serious harm; neglect suspected.",
        category="N",
        home_educated=True,
        decision_reason=(
            "The rapid review found a child out of sight of every service for years; the "
            "partners want to learn how the system allowed it."
        ),
        commission=Commission(
            "Dr Anne Whitworth",
            "Independent safeguarding consultant",
            SYSTEMS,
            "How the child came to be unseen by education, health and social care after leaving "
            "school, and the parents' own needs.",
            FAMILY_INVITED,
            PRACTITIONERS,
            9900,
        ),
        redactions=(("St Aidan's Primary School", "[primary school]"),),
        learning=(
            Learning(
                "No agency saw the child after they were withdrawn from school",
                "The child was removed from the school roll to be educated at home. There was "
                "one visit, then none for four years; health appointments lapsed unnoticed.",
                (HOME_EDUCATION, NEGLECT, VOICE),
                (
                    Rec(
                        "The local authority sees every newly home-educated child within four "
                        "weeks, and every year after, and tells health.",
                        (LA,),
                        (
                            ActionPlan(
                                "Visit every newly home-educated child within four weeks and "
                                "yearly after",
                                EARLY_HELP_MANAGER,
                                "closed",
                                6,
                                "All 63 children newly home-educated since April seen within four "
                                "weeks; three referred to early help.",
                                1,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The parent's learning difficulties were not recognised",
                "Letters about missed appointments went unanswered; nobody found out that the "
                "parent could not read them.",
                (LEARNING_DIFFICULTIES, THINK_FAMILY, CURIOSITY),
                (
                    Rec(
                        "Health services check that parents can read and understand letters "
                        "before treating no reply as a choice.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Easy-read appointment letters and a 'was not brought' follow-up "
                                "call",
                                HEALTH,
                                "complete",
                                9,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    # Wigan 2023-24: a rapid review that led to no further review; learning taken by agencies.
    ReviewPlan(
        name="Child W",
        status=S.CLOSED,
        decision=D.NO_FURTHER_REVIEW,
        reason=(
            "{age} suffered a fractured arm. The family had moved to Northbury from another area "
            "a few months earlier, and their health records had not followed them."
        ),
        referrer=POLICE_OFFICER,
        ages=(0, 5 * YEAR),
        window=(dt.date(2025, 9, 1), dt.date(2025, 12, 19)),
        latest=dt.date(2026, 3, 31),
        new_to_area=True,
        notifiable_reason="Serious harm; physical abuse suspected.",
        category="P",
        police_investigation=True,
        decision_reason=(
            "The learning (records transfer between areas, escalation) is already being acted on "
            "by the agencies involved; a local review would not add to it."
        ),
        panel_note="The Panel agreed and asked to hear how the records transfer work progresses.",
        learning=(
            Learning(
                "Health records did not follow the family when they moved from another area",
                "The GP registration and health visiting records from the previous area arrived "
                "ten weeks after the move; concerns recorded there were not known here.",
                (CROSS_BORDER, INFORMATION_SHARING),
                (
                    Rec(
                        "Health visiting asks the previous area for records on the day a family "
                        "with a child under five registers, and follows up after a week.",
                        (ICB,),
                        (
                            ActionPlan(
                                "Same-day request for health visiting records when a family moves "
                                "into Northbury",
                                HEALTH,
                                "closed",
                                3,
                                "Records from the previous area now arrive within 8 working days "
                                "on average (was 47).",
                                3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "A disagreement about the threshold was not escalated",
                "The health visitor thought the case needed a strategy discussion; the front "
                "door decided advice. The difference was not escalated.",
                (ESCALATION,),
            ),
        ),
    ),
    # Wigan 2023-24: a complex adolescent; exploitation across borders; awaiting publication.
    ReviewPlan(
        name="Child H",
        status=S.REPORT_COMPLETED,
        decision=D.LCSPR,
        reason=(
            "{age} was seriously assaulted after going missing. Police believe the young person "
            "was being criminally exploited across Northbury and a neighbouring area."
        ),
        referrer=POLICE_OFFICER,
        ages=(13 * YEAR, 17 * YEAR + 200),
        window=(dt.date(2026, 3, 2), dt.date(2026, 5, 15)),
        latest=dt.date(2026, 6, 30),
        notifiable_reason="Serious harm; criminal exploitation suspected.",
        category="P",
        location="A house in a neighbouring local authority",
        police_investigation=True,
        decision_reason=(
            "The rapid review found gaps in wrap-around support for a young person with complex "
            "needs, and in working with the neighbouring area."
        ),
        panel=PanelResponse.QUERIES,
        panel_note=(
            "The Panel asked whether the review would look at the arrangements with the "
            "neighbouring partnership; the terms of reference were widened to include them."
        ),
        commission=Commission(
            "Graham Oates",
            "Independent reviewer",
            SYSTEMS,
            "Support to the young person over the two years before the assault, including the "
            "arrangements with the neighbouring partnership.",
            FAMILY_CHILD,
            PRACTITIONERS,
            10800,
        ),
        learning=(
            Learning(
                "No agency held the whole picture as the young person moved between areas",
                "Police and health in the two areas each held part of the picture; the young "
                "person's plan in Northbury did not mention the other area.",
                (CROSS_BORDER, EXPLOITATION, INFORMATION_SHARING),
                (
                    Rec(
                        "The partnership agrees an exploitation information-sharing protocol with "
                        "the neighbouring partnerships.",
                        (POLICE,),
                        (
                            ActionPlan(
                                "Agree a cross-border exploitation protocol with neighbouring "
                                "partnerships",
                                LEAD,
                                "not_started",
                                6,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Services closed when the young person did not engage",
                "Three services closed the young person's case for non-engagement within a "
                "month; none asked what would have helped.",
                (ADOLESCENT, VOICE),
                (
                    Rec(
                        "No service closes a young person at risk of exploitation for "
                        "non-engagement without a multi-agency discussion.",
                        (LA, ICB),
                        (
                            ActionPlan(
                                "Multi-agency discussion before closing any young person at risk "
                                "of exploitation",
                                EARLY_HELP_MANAGER,
                                "not_started",
                                6,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Concerns about the plan were raised but not escalated",
                "The school raised concerns about the plan twice at core group; neither was "
                "escalated beyond it.",
                (ESCALATION, SUPERVISION),
            ),
        ),
    ),
    # Wigan 2023-24: special guardians and past trauma; a reflective learning review.
    ReviewPlan(
        name="Child L",
        status=S.REPORT_COMPLETED,
        decision=D.OTHER_LEARNING,
        notifiable=False,
        notifiable_reason=(
            "The injuries did not amount to serious harm as the guidance defines it; the partners "
            "agreed a reflective learning review."
        ),
        reason=(
            "{age}, living with special guardians, had bruising from being restrained by a "
            "guardian who was struggling to cope as the child's needs grew."
        ),
        referrer=MANAGER,
        ages=(3 * YEAR, 11 * YEAR),
        window=(dt.date(2026, 5, 1), dt.date(2026, 7, 31)),
        latest=dt.date(2026, 8, 31),
        category="P",
        decision_reason=(
            "A reflective learning review about support to special guardians as the child's "
            "needs grew, and the guardians' own history."
        ),
        commission=Commission(
            "Janet Moorcroft",
            "Learning and Improvement team, NSCP business unit",
            REFLECTIVE,
            "Support to the special guardians from the order to the breakdown.",
            "The special guardians took part and said what support would have helped.",
            PRACTITIONERS,
            None,
        ),
        learning=(
            Learning(
                "The special guardians were not offered more support as the child's needs grew",
                "The support plan agreed at the order was never reviewed, although the school and "
                "the GP saw the child's needs change.",
                (GUARDIANS, PLANS),
                (
                    Rec(
                        "Special guardianship support plans are reviewed every year and when "
                        "another agency raises a concern.",
                        (LA,),
                        (
                            ActionPlan(
                                "Yearly review of every special guardianship support plan",
                                CP_MANAGER,
                                "not_started",
                                6,
                                priority=1,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "The guardian's own trauma was not considered",
                "The guardian had experienced abuse as a child; nobody asked how the child's "
                "behaviour affected her.",
                (TRAUMA, CURIOSITY),
            ),
        ),
    ),
    # Wirral 2023: three adopted siblings, familial sexual abuse; review paused for the trial.
    ReviewPlan(
        name="Siblings A, B and C",
        children=("Sibling A", "Sibling B", "Sibling C"),
        status=S.COMMISSIONED,
        decision=D.LCSPR,
        reason=(
            "Three siblings, adopted together when young, disclosed sexual abuse by a family "
            "member over several years. The eldest, {age}, told a teacher first."
        ),
        referrer=SCHOOL_DSL,
        ages=(6 * YEAR, 16 * YEAR),
        window=(dt.date(2026, 3, 2), dt.date(2026, 6, 26)),
        latest=dt.date(2026, 7, 31),
        notifiable_reason="Serious harm; sexual abuse within the family.",
        category="S",
        police_investigation=True,
        decision_reason=(
            "The rapid review found learning about recognising sexual abuse in adoptive "
            "families that merits a local review."
        ),
        commission=Commission(
            "Dr Anne Whitworth",
            "Independent safeguarding consultant",
            SYSTEMS,
            "How agencies understood the children's behaviour and what they said, from the "
            "adoption order to the disclosures.",
            "The family will be invited to contribute when the criminal trial has ended.",
            PRACTITIONERS,
            11200,
        ),
        pauses=(
            Pause(
                PauseReason.CRIMINAL_TRIAL,
                "An adult has been charged and the trial is listed for spring 2027. The police "
                "and the Crown Prosecution Service asked that the family and the witnesses among "
                "the practitioners are not interviewed until it ends.",
                45,
                None,
            ),
        ),
        learning=(
            Learning(
                "Signs of sexual abuse were seen as behaviour at school",
                "The eldest child's behaviour at school was managed as behaviour for two years; "
                "nobody asked what it might be telling them.",
                (INTRAFAMILIAL, VOICE, CURIOSITY),
                (
                    Rec(
                        "Schools' safeguarding training covers behaviour as communication and "
                        "signs of sexual abuse.",
                        (SCHOOL,),
                        (
                            ActionPlan(
                                "Add behaviour as communication to designated safeguarding lead "
                                "training",
                                SCHOOL_DSL,
                                "on_track",
                                5,
                                priority=2,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Adoption support did not share what it knew with the school",
                "The adoption support service knew of concerns at home that the school did not.",
                (INFORMATION_SHARING,),
            ),
        ),
    ),
    # Wigan 2023-24: "one new local review recommended": decided, reviewer being appointed.
    ReviewPlan(
        name="Child D",
        status=S.DECIDED,
        decision=D.LCSPR,
        reason=(
            "{age} was found at home with serious injuries from long-term neglect. The family had "
            "been known to children's social care at different levels for some time."
        ),
        referrer="social.worker",
        ages=(4 * YEAR, 12 * YEAR),
        working_days_ago=18,
        notifiable_reason="Serious harm; neglect.",
        category="N",
        decision_reason=(
            "The rapid review found that cumulative neglect was not recognised across several "
            "episodes of help; the partners want a local review."
        ),
        learning=(
            Learning(
                "Neglect was assessed afresh each time, not as a history",
                "Five assessments in four years each started again; none brought together what "
                "the earlier ones found.",
                (NEGLECT, CURIOSITY, PLANS),
                (
                    Rec(
                        "Assessments of neglect start from the chronology of earlier episodes.",
                        (LA,),
                        (
                            ActionPlan(
                                "Start every neglect assessment from the child's chronology",
                                CP_MANAGER,
                                "not_started",
                                4,
                                priority=3,
                            ),
                        ),
                    ),
                ),
            ),
            Learning(
                "Differences about stepping the case down were not escalated",
                "Health disagreed with the last step down but the difference went no further "
                "than the core group.",
                (ESCALATION, SUPERVISION),
            ),
        ),
    ),
    # A rapid review under way, with its step overdue.
    ReviewPlan(
        name="Child P",
        status=S.NOTIFIED,
        reason=(
            "{age} was brought to the emergency department with a head injury and bruising that "
            "doctors believe were not accidental."
        ),
        referrer=HEALTH,
        ages=(14, 300),
        working_days_ago=19,
        notifiable_reason="Serious harm to a baby; physical abuse suspected.",
        category="P",
        police_investigation=True,
    ),
    # A referral waiting to be acknowledged.
    ReviewPlan(
        name="Child S",
        status=S.REFERRED,
        reason=(
            "{age} was stabbed in the town centre. Police believe the young person was being "
            "criminally exploited."
        ),
        referrer=POLICE_OFFICER,
        ages=(14 * YEAR, 17 * YEAR + 300),
        working_days_ago=2,
        location="Northbury town centre",
        category="P",
        police_investigation=True,
    ),
    # A referral withdrawn once the injury was found to be accidental.
    ReviewPlan(
        name="Child B",
        status=S.WITHDRAWN,
        reason=(
            "{age} was admitted with a fractured leg; the explanation given did not at first fit "
            "the injury."
        ),
        referrer=HEALTH,
        ages=(60, 2 * YEAR),
        window=(dt.date(2026, 8, 3), dt.date(2026, 10, 16)),
        latest=dt.date(2026, 11, 6),
        category="P",
        withdrawn_reason=(
            "The paediatrician's assessment and a skeletal survey found the injury consistent "
            "with the accident described and no other concerns. The referring agency withdrew "
            "the referral before a notification was needed."
        ),
    ),
)

# (review name, recommendation number) -> the actions the assurance domain makes for it.
RECOMMENDATION_ACTIONS: dict[tuple[str, int], tuple[ActionPlan, ...]] = {}
for _plan in REVIEWS:
    _recs = [rec for finding in _plan.learning for rec in finding.recommendations]
    for _number, _rec in enumerate(_recs, start=1):
        RECOMMENDATION_ACTIONS[(_plan.name, _number)] = _rec.actions

# Words that are not names but could be taken for one on a page (capitalised at the start of a
# sentence, or a month): a child whose first or last name is one of these, or a staff member's,
# an agency's, a team's or a review's name, is not linked to a review, so that a search of the
# pages for the children's names finds only real leaks.
COMMON_WORDS = frozenset(
    (
        "young", "child", "children", "baby", "family", "north", "south", "east", "west", "will",
        "may", "april", "june", "july", "august", "january", "march", "hope", "faith", "grace",
        "joy", "case", "plan", "plans", "review", "reviews", "home", "care", "page", "day",
        "summer", "autumn", "winter", "dawn", "rose", "mark", "note", "notes", "well",
    )
)  # fmt: skip


# --- Choosing the children ----------------------------------------------------------------------


@dataclass
class _Candidate:
    id: int
    first_name: str
    last_name: str
    born: dt.date
    first_seen: dt.date | None = None  # the first case opened
    last_seen: dt.date | None = None  # the last chronology line
    open_case: bool = False
    cases: int = 0
    cp_start: dt.date | None = None
    s47_start: dt.date | None = None
    assessed: dt.date | None = None
    looked_after_on: dt.date | None = None  # a child protection plan ended by coming into care
    siblings: list[int] = field(default_factory=list)

    def depth(self, on: dt.date) -> int:
        """How much child protection history the child had before ``on``."""
        for level, started in ((3, self.cp_start), (2, self.s47_start), (1, self.assessed)):
            if started is not None and started < on:
                return level
        return 0


def _candidates(partnership: Partnership) -> dict[int, _Candidate]:
    children = Child.objects.filter(
        partnership=partnership,
        merged_into__isnull=True,
        is_restricted=False,
        date_of_birth__isnull=False,
    )
    found = {
        pk: _Candidate(pk, first, last, born)
        for pk, first, last, born in children.values_list(
            "pk", "first_name", "last_name", "date_of_birth"
        )
        if born is not None
    }
    cases = (
        Case.objects.filter(child_id__in=children.values("pk"))
        .values("child_id")
        .annotate(
            first=Min("opened_on"),
            n=models.Count("pk"),
            open=models.Count("pk", filter=Q(closed_on__isnull=True)),
        )
    )
    for row in cases:
        child = found.get(row["child_id"])
        if child is not None:
            child.first_seen, child.cases, child.open_case = row["first"], row["n"], row["open"] > 0
    lines = (
        ChronologyEntry.objects.filter(child_id__in=children.values("pk"))
        .values("child_id")
        .annotate(last=Max("occurred_on"))
    )
    for row in lines:
        if row["child_id"] in found:
            found[row["child_id"]].last_seen = row["last"]
    for model, attribute in (
        (ChildProtectionPlan, "cp_start"),
        (S47Enquiry, "s47_start"),
        (Assessment, "assessed"),
    ):
        starts = (
            model._default_manager.filter(child_id__in=children.values("pk"))
            .values("child_id")
            .annotate(first=Min("started_on"))
        )
        for row in starts:
            if row["child_id"] in found:
                setattr(found[row["child_id"]], attribute, row["first"])
    into_care = (
        ChildProtectionPlan.objects.filter(
            child_id__in=children.values("pk"), end_reason=PlanEndReason.LOOKED_AFTER
        )
        .values("child_id")
        .annotate(first=Min("ended_on"))
    )
    for row in into_care:
        if row["child_id"] in found:
            found[row["child_id"]].looked_after_on = row["first"]
    pairs = Relationship.objects.filter(
        child_id__in=children.values("pk"), other_child__isnull=False
    ).values_list("child_id", "other_child_id")
    for child_id, other_id in pairs:
        if child_id in found and other_id in found:
            found[child_id].siblings.append(other_id)
            found[other_id].siblings.append(child_id)
    for child in found.values():
        child.siblings = sorted(set(child.siblings))
    # Records that look like one child recorded twice (same birthday and a name in common) are
    # left out: the duplicate would outlive a review about the other.
    seen: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
    for child in found.values():
        seen[(child.born, child.last_name.lower())].append(child.id)
        seen[(child.born, child.first_name.lower())].append(child.id)
    doubtful = {pk for ids in seen.values() if len(ids) > 1 for pk in ids}
    return {pk: child for pk, child in found.items() if pk not in doubtful}


def _taken_words(partnership: Partnership) -> set[str]:
    """Names that appear on pages for other reasons: staff, agencies, teams, the reviews."""
    words = set(COMMON_WORDS)
    for first, last in User.objects.filter(agency__partnership=partnership).values_list(
        "first_name", "last_name"
    ):
        words |= {first.lower(), last.lower()}
    names = [
        *Agency.objects.filter(partnership=partnership).values_list("name", flat=True),
        *Team.objects.filter(agency__partnership=partnership).values_list("name", flat=True),
        *(name for plan in REVIEWS for name in (plan.name, *plan.child_names)),
        partnership.name,
    ]
    for name in names:
        words |= {word.strip("'(),").lower() for word in name.split()}
    return words


@dataclass(frozen=True)
class _Choice:
    children: list[_Candidate]
    incident: dt.date
    tier: int  # how many of the review's wishes had to be relaxed (see TIERS)


@dataclass(frozen=True)
class _Tier:
    """Which of a review's wishes hold while looking for its child."""

    stretch: bool  # the incident may fall after the window, up to the plan's ``latest``
    age: bool  # the child is of the age the seed describes
    siblings: bool  # with as many siblings as the review names
    death: bool  # for a death, no casework after it
    casework: bool  # the history the plan asks for (before the incident, or brought by it)


# Relaxed one wish at a time, the least visible first, when the borough has nobody who meets them
# all (a small borough has two years of casework and few babies). The age goes last but one: it is
# in the referral reason everyone reads, while casework after a death shows only to the review
# group, on the child's record.
TIERS = (
    _Tier(stretch=False, age=True, siblings=True, death=True, casework=True),
    _Tier(stretch=True, age=True, siblings=True, death=True, casework=True),
    _Tier(stretch=True, age=True, siblings=False, death=True, casework=True),
    _Tier(stretch=True, age=True, siblings=False, death=False, casework=True),
    _Tier(stretch=True, age=False, siblings=False, death=False, casework=True),
    _Tier(stretch=True, age=False, siblings=False, death=False, casework=False),
)


def _choose(
    plan: ReviewPlan,
    window: tuple[dt.date, dt.date],
    pool: Sequence[_Candidate],
    found: dict[int, _Candidate],
    allowed: set[int],
    used: set[int],
    seed: float,
) -> _Choice | None:
    """The best child (and siblings) for the review, and the incident date."""
    wanted_siblings = len(plan.child_names) - 1
    for number, tier in enumerate(TIERS):
        best: tuple[float, _Candidate, dt.date, dt.date, list[_Candidate]] | None = None
        for child in pool:
            if child.id in used:
                continue
            span = _span(plan, window, child, tier)
            if span is None:
                continue
            earliest, latest = span
            penalty = 0.0
            if not tier.age:
                age = (earliest - child.born).days
                penalty = max(0, age - plan.ages[1], plan.ages[0] - age) / 30
            siblings = [
                found[s]
                for s in child.siblings
                if s in allowed
                and s not in used
                and found[s].born < earliest - dt.timedelta(days=30)
            ][:wanted_siblings]
            if tier.siblings and len(siblings) < wanted_siblings:
                continue
            if plan.casework == "protection":
                score = child.depth(earliest) * 10 - penalty
            else:
                score = -child.cases - penalty  # the child services knew least
            score += 5 * len(siblings)
            if plan.died and not tier.death:  # the least casework after the death
                score -= 20 * child.open_case
                if child.last_seen is not None and child.last_seen > earliest:
                    score -= (child.last_seen - earliest).days / 30
            if best is None or score > best[0]:
                best = (score, child, earliest, latest, siblings)
        if best is not None:
            _, child, earliest, latest, siblings = best
            spare = min(45, (latest - earliest).days)
            # A generator of the review's own, so trying another order (see _assign) draws the
            # same day for the same child.
            day = random.Random(f"{seed}:{plan.name}:{child.id}").randint(0, spare)
            # The eldest first: the seeds' stories start with the eldest child's disclosure.
            group = sorted([child, *siblings], key=lambda c: (c.born, c.id))
            return _Choice(group, earliest + dt.timedelta(days=day), number)
    return None


def _assign(
    plans: Sequence[ReviewPlan],
    windows: dict[str, tuple[dt.date, dt.date]],
    pool: Sequence[_Candidate],
    found: dict[int, _Candidate],
    allowed: set[int],
    seed: float,
) -> dict[str, _Choice]:
    """A child for every review. Deaths choose first (no casework may follow them), trying their
    orders until each fits; then sibling groups; then the rest, in order."""
    deaths = [plan for plan in plans if plan.died]
    rest = sorted((p for p in plans if not p.died), key=lambda p: len(p.child_names) == 1)
    best: tuple[int, dict[str, _Choice], set[int]] | None = None
    for order in itertools.islice(itertools.permutations(deaths), 120):
        used: set[int] = set()
        choices: dict[str, _Choice] = {}
        for plan in order:
            choice = _choose(plan, windows[plan.name], pool, found, allowed, used, seed)
            if choice is not None:
                choices[plan.name] = choice
                used |= _family(choice)
        cost = sum(c.tier for c in choices.values()) + 100 * (len(deaths) - len(choices))
        if best is None or cost < best[0]:
            best = (cost, choices, used)
        if all(c.tier < 3 for c in choices.values()):  # every death fits its casework
            break
    assert best is not None
    _, choices, used = best
    for plan in rest:
        choice = _choose(plan, windows[plan.name], pool, found, allowed, used, seed)
        if choice is not None:
            choices[plan.name] = choice
            used |= _family(choice)
    return choices


def _family(choice: _Choice) -> set[int]:
    """One review per family: a family in two reviews would be a story of its own."""
    return {s for child in choice.children for s in (child.id, *child.siblings)}


def _span(
    plan: ReviewPlan, window: tuple[dt.date, dt.date], child: _Candidate, tier: _Tier
) -> tuple[dt.date, dt.date] | None:
    """The dates the incident could fall on for this child, or None."""
    youngest = plan.ages[0] if tier.age else 0
    earliest = max(window[0], child.born + dt.timedelta(days=max(youngest, 1)))
    latest = (plan.latest or window[1]) if tier.stretch else window[1]
    if tier.age:
        latest = min(latest, child.born + dt.timedelta(days=plan.ages[1]))
    if tier.casework:
        if child.first_seen is None:
            return None
        if plan.casework == "after":
            # Unknown to services until the incident brought the child to their attention.
            earliest = max(earliest, child.first_seen - dt.timedelta(days=7))
            latest = min(latest, child.first_seen)
        else:
            # Some history before the incident, for the rapid review pack to draw on.
            earliest = max(earliest, child.first_seen + dt.timedelta(days=21))
            if plan.new_to_area:
                latest = min(latest, child.first_seen + dt.timedelta(days=150))
        if child.looked_after_on is not None and not plan.after_care:
            latest = min(latest, child.looked_after_on - dt.timedelta(days=1))
    if plan.died and tier.death:
        if child.open_case or child.last_seen is None:
            return None
        earliest = max(earliest, child.last_seen + dt.timedelta(days=7))
    if earliest > latest:
        return None
    return earliest, latest


def _age_phrase(born: dt.date, on: dt.date) -> str:
    days = (on - born).days
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if days < 92:
        return f"a baby aged {max(1, days // 7)} weeks"
    if years < 1:
        months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
        return f"a baby aged {months} months"
    if years < 13:
        return f"a child aged {years}"
    return f"a young person aged {years}"


# --- The review's dates ------------------------------------------------------------------------


@dataclass
class _Step:
    status: str
    on: dt.date
    by: str
    reason: str


@dataclass
class _Timeline:
    values: dict[str, Any] = field(default_factory=dict)  # CaseReview field -> date
    steps: list[_Step] = field(default_factory=list)
    commissioned_on: dt.date | None = None
    pauses: list[tuple[Pause, dt.date, dt.date | None]] = field(default_factory=list)
    learning_on: dt.date | None = None  # when findings and recommendations were recorded


def _timeline(
    plan: ReviewPlan, incident: dt.date, cal: WorkingDayCalendar, today: dt.date, rng: random.Random
) -> _Timeline:
    """Every date of the review up to its status, as the services would have recorded them."""
    t = _Timeline()
    v = t.values
    aware = incident if rng.random() < 0.7 else incident + dt.timedelta(days=1)
    referred = cal.add_working_days(aware, 1)
    v.update(aware_on=aware, referred_on=referred)
    agency = plan.referrer
    t.steps.append(_Step(S.REFERRED, referred, agency, "Referred for consideration"))
    if plan.status == S.REFERRED:
        return t
    acknowledged = cal.add_working_days(referred, rng.randint(1, 2))
    v["acknowledged_on"] = acknowledged
    t.steps.append(_Step(S.ACKNOWLEDGED, acknowledged, LEAD, "Acknowledged; review group formed"))
    if plan.status == S.WITHDRAWN:  # withdrawn at triage, before the notification was due
        withdrawn = cal.add_working_days(aware, 4)
        v.update(withdrawn_on=withdrawn, withdrawn_reason=plan.withdrawn_reason)
        t.steps.append(_Step(S.WITHDRAWN, withdrawn, LEAD, plan.withdrawn_reason))
        return t
    v.update(notifiable=plan.notifiable, notifiable_reason=plan.notifiable_reason)
    if plan.notifiable:
        # The local authority notifies once the business unit has triaged the referral.
        notified = max(acknowledged, cal.add_working_days(aware, rng.randint(2, 4)))
        v.update(notified_on=notified, partners_told_on=notified)
        t.steps.append(
            _Step(S.NOTIFIED, notified, MANAGER, f"Notified to the Panel. {plan.notifiable_reason}")
        )
        if plan.status == S.NOTIFIED:
            return t
        meeting = cal.add_working_days(aware, plan.rr_working_days - 2)
        sent = cal.add_working_days(aware, plan.rr_working_days)
        v.update(rapid_review_meeting_on=meeting, rapid_review_sent_on=sent)
        late = " (late: agencies' returns were delayed)" if plan.rr_working_days > 15 else ""
        t.steps.append(
            _Step(S.RAPID_REVIEW_SENT, sent, LEAD, f"Rapid review held and sent to the Panel{late}")
        )
        decided = sent
    else:
        decided = cal.add_working_days(acknowledged, rng.randint(8, 12))
    v.update(decision=plan.decision, decision_on=decided, decision_reason=plan.decision_reason)
    t.steps.append(_Step(S.DECIDED, decided, LEAD, plan.decision_reason))
    t.learning_on = decided
    responded = None
    if plan.notifiable:
        responded = decided + dt.timedelta(days=rng.randint(14, 26))
        if responded <= today:
            v.update(
                panel_response=plan.panel,
                panel_response_on=responded,
                panel_response_note=plan.panel_note,
            )
    if plan.status == S.DECIDED:
        return t
    if plan.status == S.CLOSED:
        closed = cal.add_working_days(responded or decided, 2)
        v["closed_on"] = closed
        t.steps.append(_Step(S.CLOSED, closed, LEAD, "No further review: " + plan.decision_reason))
        return t
    if plan.decision == D.LCSPR:
        v["commissioning_notice_sent_on"] = cal.add_working_days(decided, rng.randint(2, 5))
    commissioned = decided + dt.timedelta(days=rng.randint(18, 32))
    t.commissioned_on = commissioned
    assert plan.commission is not None, plan.name
    t.steps.append(
        _Step(S.COMMISSIONED, commissioned, LEAD, f"{plan.commission.reviewer} commissioned")
    )
    paused_days = 0
    for pause in plan.pauses:
        started = commissioned + dt.timedelta(days=pause.after_days)
        ended = None if pause.days is None else started + dt.timedelta(days=pause.days)
        t.pauses.append((pause, started, ended))
        paused_days += pause.days or 0
    months = 6 if plan.decision == D.LCSPR else 4
    report = add_months(decided, months) + dt.timedelta(days=paused_days + rng.randint(-12, 20))
    if plan.status == S.COMMISSIONED:
        return t
    if plan.status == S.REPORT_COMPLETED:
        # Completed in the last few weeks; publication still to come.
        report = min(report, today - dt.timedelta(days=rng.randint(8, 24)))
        planned = max(report + dt.timedelta(days=49), today + dt.timedelta(days=21))
    else:
        published = report + dt.timedelta(days=rng.randint(35, 56))
        if published > today - dt.timedelta(days=14):  # never in the future, whatever the child
            published = today - dt.timedelta(days=14 + rng.randint(0, 14))
            report = min(report, published - dt.timedelta(days=35))
        planned = published
    report = max(report, commissioned + dt.timedelta(days=60))
    v.update(report_completed_on=report, planned_publication_on=planned)
    t.steps.append(_Step(S.REPORT_COMPLETED, report, LEAD, "Final report received and agreed"))
    if plan.status == S.REPORT_COMPLETED:
        return t
    v["report_sent_to_panel_on"] = cal.subtract_working_days(planned, rng.randint(8, 10))
    if plan.status == S.PUBLISHED:
        v.update(published_on=planned, publication_url=f"{PUBLICATION_SITE}/{plan.slug}/")
        t.steps.append(_Step(S.PUBLISHED, planned, LEAD, "Published on the partnership's website"))
    else:
        v["not_published_reason"] = plan.not_published_reason
        t.steps.append(_Step(S.NOT_PUBLISHED, planned, LEAD, plan.not_published_reason))
    return t


def _moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


# --- Building ----------------------------------------------------------------------------------


def build(ctx: DemoContext, rng: random.Random) -> None:
    partnership = ctx.get_partnership()
    users = ctx.users
    cal = working_day_calendar()
    today = ctx.today
    themes = LearningTheme.objects.bulk_create(
        [
            LearningTheme(partnership=partnership, name=name, description=text, order=n)
            for n, (name, text) in enumerate(DEFAULT_THEMES, start=1)
        ]
    )
    theme_by_name = {theme.name: theme for theme in themes}

    found = _candidates(partnership)
    taken = _taken_words(partnership)
    pool = [
        child
        for child in found.values()
        if child.first_name.lower() not in taken and child.last_name.lower() not in taken
    ]
    pool.sort(key=lambda child: child.id)
    rng.shuffle(pool)
    allowed = {child.id for child in pool}

    windows = {}
    for plan in REVIEWS:
        if plan.working_days_ago is not None:
            day = cal.subtract_working_days(today, plan.working_days_ago)
            windows[plan.name] = (day, day)
        else:
            assert plan.window is not None, plan.name
            windows[plan.name] = plan.window
    choices = _assign(REVIEWS, windows, pool, found, allowed, rng.random())

    built: list[tuple[ReviewPlan, CaseReview, _Timeline, _Choice]] = []
    for plan in REVIEWS:
        choice = choices.get(plan.name)
        if choice is None:
            continue  # a borough without children: nothing to review
        timeline = _timeline(plan, choice.incident, cal, today, rng)
        referrer = users[plan.referrer]
        assert referrer.agency is not None
        subject = choice.children[0]
        review = CaseReview(
            partnership=partnership,
            anonymised_name=plan.name,
            status=timeline.steps[-1].status,
            referred_by=referrer,
            referring_agency=referrer.agency,
            incident_date=choice.incident,
            harm_outcome=plan.harm,
            abuse_or_neglect_suspected=plan.abuse_suspected,
            referral_reason=plan.reason.format(age=_age_phrase(subject.born, choice.incident)),
            lead=users[LEAD],
            version=len(timeline.steps),
            **timeline.values,
        )
        built.append((plan, review, timeline, choice))

    reviews = CaseReview.objects.bulk_create([review for _, review, _, _ in built])
    for (_, _, timeline, _), review in zip(built, reviews, strict=True):
        review.created_at = _moment(timeline.steps[0].on, 9, 30)
    CaseReview.objects.bulk_update(reviews, ["created_at"])

    transitions: list[ReviewTransition] = []
    links: list[ReviewChild] = []
    members: list[ReviewGroupMember] = []
    for plan, review, timeline, choice in built:
        before = ""
        for n, step in enumerate(timeline.steps):
            transitions.append(
                ReviewTransition(
                    review=review,
                    from_status=before,
                    to_status=step.status,
                    on=step.on,
                    by=users[step.by],
                    at=_moment(step.on, 11 + n % 5, 7 * n % 60),
                    reason=step.reason,
                )
            )
            before = step.status
        for child, name in zip(choice.children, plan.child_names, strict=False):
            links.append(ReviewChild(review=review, child_id=child.id, anonymised_name=name))
        # The group forms when the referral is acknowledged; until then only the lead is in it.
        formed = timeline.steps[min(1, len(timeline.steps) - 1)].on
        group = REVIEW_GROUP if len(timeline.steps) > 1 else REVIEW_GROUP[:1]
        for username, role in group:
            members.append(
                ReviewGroupMember(
                    review=review,
                    user=users[username],
                    role=role,
                    added_by=users[LEAD],
                    added_at=_moment(formed, 14),
                )
            )
    bulk_create_at(ReviewTransition, transitions, "at")
    ReviewChild.objects.bulk_create(links)
    bulk_create_at(ReviewGroupMember, members, "added_at")

    _notifications(built, users)
    _commissions(built, ctx, rng)
    counts = _learning(built, ctx, theme_by_name)

    statuses = Counter(review.status for review in reviews)
    ctx.summary.append(
        (
            "Case reviews",
            f"{len(reviews)} ("
            + ", ".join(f"{statuses[s]} {S(s).label.lower()}" for s in S.values if statuses.get(s))
            + f"); {counts['findings']} findings, {counts['recommendations']} recommendations, "
            f"{len(themes)} learning themes",
        )
    )


def bulk_create_at(model: type[models.Model], rows: list[Any], attribute: str) -> list[Any]:
    """bulk_create, then put back the times ``auto_now_add`` overwrote with now."""
    wanted = [getattr(row, attribute) for row in rows]
    created = model._default_manager.bulk_create(rows)
    for row, value in zip(created, wanted, strict=True):
        setattr(row, attribute, value)
    model._default_manager.bulk_update(created, [attribute], batch_size=500)
    return created


def _notifications(
    built: Iterable[tuple[ReviewPlan, CaseReview, _Timeline, _Choice]], users: dict[str, User]
) -> None:
    """The Panel's serious incident notification, from what the records held on the day."""
    manager = users[MANAGER]
    rows = []
    for plan, review, _, choice in built:
        if review.notified_on is None:
            continue
        subject = choice.children[0]
        on = review.incident_date
        plans = list(
            ChildProtectionPlan.objects.filter(child_id=subject.id, started_on__lte=on).values(
                "ended_on", "end_reason"
            )
        )
        current = [p for p in plans if p["ended_on"] is None or p["ended_on"] > on]
        ended = [p for p in plans if p not in current]
        agencies = sorted(
            set(
                AgencyInvolvement.objects.filter(child_id=subject.id, started_on__lte=on)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
                .values_list("agency__name", flat=True)
            )
        )
        rows.append(
            IncidentNotification(
                review=review,
                notifying_local_authority="Northbury Council",
                incident_location=plan.location,
                incident_summary=f"{plan.name}: {review.referral_reason}",
                abuse_category=plan.category,
                child_looked_after=any(p["end_reason"] == "looked_after" for p in ended),
                on_protection_plan=bool(current),
                previously_on_protection_plan=bool(ended),
                child_in_need=CINPlan.objects.filter(child_id=subject.id, started_on__lte=on)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
                .exists(),
                known_to_early_help=EarlyHelpEpisode.objects.filter(
                    child_id=subject.id, started_on__lte=on
                ).exists(),
                educated_otherwise_than_at_school=plan.home_educated,
                other_children_in_household=bool(subject.siblings),
                police_investigation=plan.police_investigation,
                media_interest=plan.media_interest,
                agencies_involved="\n".join(agencies),
                notifier_name=manager.get_full_name(),
                notifier_role="Team manager, children's social care",
                submitted_on=review.notified_on,
                recorded_by=manager,
            )
        )
    IncidentNotification.objects.bulk_create(rows)


def _commissions(
    built: Iterable[tuple[ReviewPlan, CaseReview, _Timeline, _Choice]],
    ctx: DemoContext,
    rng: random.Random,
) -> None:
    lead = ctx.users[LEAD]
    funders = [ctx.agency(LA), ctx.agency(ICB), ctx.agency(POLICE)]
    commissions: list[ReviewCommission] = []
    pauses: list[ReviewPause] = []
    costs: list[ReviewCost] = []
    redactions: list[RedactionTerm] = []
    for plan, review, timeline, _ in built:
        for term, replacement in plan.redactions:
            redactions.append(
                RedactionTerm(review=review, term=term, replacement=replacement, added_by=lead)
            )
        if timeline.commissioned_on is None or plan.commission is None:
            continue
        c = plan.commission
        commissioned = timeline.commissioned_on
        paused = sum(p.days or 0 for p in plan.pauses)
        months = 6 if plan.decision == D.LCSPR else 4
        commissions.append(
            ReviewCommission(
                review=review,
                reviewer_name=c.reviewer,
                reviewer_organisation=c.organisation,
                commissioned_on=commissioned,
                terms_of_reference=c.terms,
                methodology=c.methodology,
                family_involvement=c.family,
                practitioner_involvement=c.practitioners,
                agreed_fee=Decimal(c.fee) if c.fee else None,
                planned_completion_on=add_months(review.decision_on or commissioned, months)
                + dt.timedelta(days=paused),
                recorded_by=lead,
            )
        )
        for pause, started, ended in timeline.pauses:
            pauses.append(
                ReviewPause(
                    review=review,
                    reason=pause.reason,
                    detail=pause.detail,
                    started_on=started,
                    ended_on=ended,
                    recorded_by=lead,
                )
            )
        if c.fee:
            funder = funders[len(costs) % len(funders)]
            half = Decimal(c.fee) / 2
            costs.append(
                ReviewCost(
                    review=review,
                    description="Reviewer's fee: first half, on commissioning",
                    amount=half,
                    incurred_on=commissioned,
                    funded_by=funder,
                    recorded_by=lead,
                )
            )
            event = commissioned + dt.timedelta(days=rng.randint(30, 50))
            if event <= ctx.today:
                costs.append(
                    ReviewCost(
                        review=review,
                        description="Practitioner learning event: venue and refreshments",
                        amount=Decimal(rng.choice((280, 320, 365, 410))),
                        incurred_on=event,
                        funded_by=ctx.agency(BUSINESS_UNIT),
                        recorded_by=lead,
                    )
                )
            if review.report_completed_on is not None:
                costs.append(
                    ReviewCost(
                        review=review,
                        description="Reviewer's fee: second half, on the final report",
                        amount=half,
                        incurred_on=review.report_completed_on,
                        funded_by=funder,
                        recorded_by=lead,
                    )
                )
            if review.published_on is not None:
                costs.append(
                    ReviewCost(
                        review=review,
                        description="Redaction check and accessible publication",
                        amount=Decimal(650),
                        incurred_on=review.published_on,
                        funded_by=ctx.agency(BUSINESS_UNIT),
                        recorded_by=lead,
                    )
                )
    ReviewCommission.objects.bulk_create(commissions)
    ReviewPause.objects.bulk_create(pauses)
    ReviewCost.objects.bulk_create(costs)
    RedactionTerm.objects.bulk_create(redactions)


def _learning(
    built: Iterable[tuple[ReviewPlan, CaseReview, _Timeline, _Choice]],
    ctx: DemoContext,
    themes: dict[str, LearningTheme],
) -> dict[str, int]:
    """Findings and recommendations, recorded when the report (or the rapid review) gave them."""
    lead = ctx.users[LEAD]
    agencies = ctx.agencies
    findings: list[Finding] = []
    finding_themes: list[tuple[int, list[str]]] = []
    recommendations: list[Recommendation] = []
    rec_links: list[tuple[int, int, list[str], list[str]]] = []  # (rec, finding index, ...)
    for plan, review, timeline, _ in built:
        if not plan.learning or timeline.learning_on is None:
            continue
        # Learning is recorded from the final report once there is one; from the rapid review
        # (or the local decision) before that.
        on = review.report_completed_on or timeline.learning_on
        number = 0
        for f_number, learning in enumerate(plan.learning, start=1):
            finding = Finding(
                review=review,
                number=f_number,
                title=learning.title,
                detail=learning.detail,
                recorded_by=lead,
                recorded_at=_moment(on, 15, f_number),
            )
            findings.append(finding)
            finding_themes.append((len(findings) - 1, list(learning.themes)))
            for rec in learning.recommendations:
                number += 1
                recommendations.append(
                    Recommendation(
                        review=review,
                        number=number,
                        text=rec.text,
                        recorded_by=lead,
                        recorded_at=_moment(on, 16, number),
                    )
                )
                rec_links.append(
                    (len(recommendations) - 1, len(findings) - 1, list(learning.themes),
                     list(rec.agencies))
                )  # fmt: skip
    findings = bulk_create_at(Finding, findings, "recorded_at")
    for index, finding_index, _, _ in rec_links:
        recommendations[index].finding = findings[finding_index]
    recommendations = bulk_create_at(Recommendation, recommendations, "recorded_at")
    Finding.themes.through.objects.bulk_create(
        [
            Finding.themes.through(finding_id=findings[i].pk, learningtheme_id=themes[name].pk)
            for i, names in finding_themes
            for name in names
        ]
    )
    Recommendation.themes.through.objects.bulk_create(
        [
            Recommendation.themes.through(
                recommendation_id=recommendations[i].pk, learningtheme_id=themes[name].pk
            )
            for i, _, names, _ in rec_links
            for name in names
        ]
    )
    Recommendation.agencies.through.objects.bulk_create(
        [
            Recommendation.agencies.through(
                recommendation_id=recommendations[i].pk, agency_id=agencies[name].pk
            )
            for i, _, _, names in rec_links
            for name in names
        ]
    )
    return {"findings": len(findings), "recommendations": len(recommendations)}


# --- Reset -------------------------------------------------------------------------------------


def reset(partnership: Partnership) -> None:
    """Remove the partnership's reviews and learning, leaves first (the assurance domain's
    actions, which point at recommendations, are already gone)."""
    reviews = CaseReview.objects.filter(partnership=partnership)
    recommendations = Recommendation.objects.filter(review__in=reviews)
    findings = Finding.objects.filter(review__in=reviews)
    for queryset in (
        Briefing.objects.filter(review__in=reviews),
        Recommendation.themes.through.objects.filter(recommendation__in=recommendations),
        Recommendation.agencies.through.objects.filter(recommendation__in=recommendations),
        recommendations,
        Finding.themes.through.objects.filter(finding__in=findings),
        findings,
        LearningTheme.objects.filter(partnership=partnership),
        RedactionTerm.objects.filter(review__in=reviews),
        ReviewCost.objects.filter(review__in=reviews),
        ReviewCommission.objects.filter(review__in=reviews),
        ReviewPause.objects.filter(review__in=reviews),
        AgencyContribution.objects.filter(review__in=reviews),
        IncidentNotification.objects.filter(review__in=reviews),
        ReviewGroupMember.objects.filter(review__in=reviews),
        ReviewChild.objects.filter(review__in=reviews),
        ReviewTransition.objects.filter(review__in=reviews),
        ReviewSettings.objects.filter(partnership=partnership),
        reviews,
    ):
        queryset.delete()
