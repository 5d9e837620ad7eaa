"""The partnership's priorities, their outcome measures, and the actions tracker.

Priorities are the three of the Wigan 2023-24 report (early help and prevention; the workforce's
confidence, knowledge and skills; core and contextual safeguarding), as Northbury's three-year
strategic plan from September 2024, each with outcome measures (live indicators where masa
computes one, readings the partnership records otherwise) so the golden thread priority → action
→ measure → impact can be shown. Actions come from the case reviews' recommendations (the
``ActionPlan`` kept with each recommendation in ``reviews.py``), from Ofsted's 2017 inspection
(each recommendation one action, referenced "Ofsted inspection 2017, recommendation N"), from
Section 11 and multi-agency audits, and from the priorities themselves.

Statuses are consistent with the dates, as ``masa.assurance.services`` would have left them:
every move is an ``ActionUpdate`` allowed by ``masa.assurance.transitions``; closed actions have
their evidence of impact; open actions past their due date are the overdue ones (overdue is
derived, never stored).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from masa.assurance.models import (
    Action,
    ActionSource,
    ActionStatus,
    ActionUpdate,
    MeasureDirection,
    MeasureReading,
    OutcomeMeasure,
    Priority,
)
from masa.core.calendar import add_months
from masa.core.models import Partnership, User
from masa.indicators.catalogue import MEASURES
from masa.indicators.models import PopulationEstimate
from masa.reviews import briefing
from masa.reviews.models import Briefing, CaseReview, Recommendation, ReviewStatus

from .base import DemoContext
from .core import BUSINESS_UNIT, LA, POLICE
from .reviews import (
    ANALYST,
    CP_MANAGER,
    EARLY_HELP_MANAGER,
    FRONT_DOOR_MANAGER,
    HEALTH,
    LEAD,
    LEAVING_CARE_MANAGER,
    MANAGER,
    POLICE_OFFICER,
    RECOMMENDATION_ACTIONS,
    REVIEWING_MANAGER,
    SCHOOL_DSL,
    ActionPlan,
    _moment,
    bulk_create_at,
)

St = ActionStatus
STRATEGY_STARTS = dt.date(2024, 9, 1)
STRATEGY_ENDS = dt.date(2027, 8, 31)

# Indicator codes from masa.indicators' catalogue (computed live on the golden-thread page); a
# code the catalogue no longer holds is left blank rather than pointing at nothing.
REFERRALS_PER_10K = "referral_rate"
REREFERRALS = "re_referrals"
REPEAT_PLANS = "cp_second_ever"

# The borough has ~65,000 children aged 0 to 17 and ~3,500 referrals a year at full size; a
# smaller demo gets the population that keeps its referral rate realistic.
BOROUGH_CHILDREN_0_TO_17 = 65_000
BOROUGH_CHILDREN_REFERRED_A_YEAR = 35_000 / 10
POPULATION_SOURCE = "Invented for the fictional borough of Northbury (demo data)"


@dataclass(frozen=True)
class MeasurePlan:
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    indicator: str = ""
    readings: tuple[tuple[str, dt.date, float, str], ...] = ()  # label, measured on, value, note


@dataclass(frozen=True)
class PriorityPlan:
    number: int
    title: str
    description: str
    lead_agency: str
    measures: tuple[MeasurePlan, ...]


L, H = MeasureDirection.LOWER_IS_BETTER, MeasureDirection.HIGHER_IS_BETTER
PRIORITIES: tuple[PriorityPlan, ...] = (
    PriorityPlan(
        1,
        "Early help and prevention",
        "Deliver the early help and prevention strategy: gather families' voice, develop the "
        "early help workforce, build family hubs in every neighbourhood with the voluntary and "
        "community sector, and use evidence and data to show better outcomes for families.",
        LA,
        (
            MeasurePlan(
                "Referrals to children's social care per 10,000 children",
                "per 10,000 children",
                L,
                512,
                480,
                REFERRALS_PER_10K,
            ),
            MeasurePlan(
                "Early help assessments started by partner agencies",
                "assessments",
                H,
                310,
                450,
                readings=(
                    ("2024-25", dt.date(2025, 4, 30), 310, "Baseline from the early help system"),
                    ("2025-26", dt.date(2026, 4, 30), 362, ""),
                    ("April to September 2026", dt.date(2026, 10, 15), 214, "Half year"),
                ),
            ),
            MeasurePlan(
                "Families who felt listened to (early help audit)",
                "%",
                H,
                64,
                80,
                readings=(
                    ("2024-25", dt.date(2025, 5, 20), 64, "Audit of 50 families"),
                    ("2025-26", dt.date(2026, 5, 19), 71, "Audit of 48 families"),
                    ("Quarter 2 2026-27", dt.date(2026, 10, 20), 76, "Audit of 25 families"),
                ),
            ),
        ),
    ),
    PriorityPlan(
        2,
        "Confidence, knowledge and skills of the workforce to safeguard",
        "A multi-agency workforce offer across the continuum, from earliest help to child "
        "protection, based on a core set of competencies, so that what practitioners learn is "
        "carried into practice.",
        BUSINESS_UNIT,
        (
            MeasurePlan(
                "Practitioners more confident three months after multi-agency training",
                "%",
                H,
                58,
                75,
                readings=(
                    ("2024-25", dt.date(2025, 4, 25), 58, "Follow-up survey, 412 replies"),
                    ("2025-26", dt.date(2026, 4, 24), 68, "Follow-up survey, 455 replies"),
                    ("Quarter 2 2026-27", dt.date(2026, 10, 16), 73, "Follow-up survey"),
                ),
            ),
            MeasurePlan(
                "Multi-agency training places filled",
                "%",
                H,
                71,
                85,
                readings=(
                    ("2024-25", dt.date(2025, 4, 25), 71, ""),
                    ("2025-26", dt.date(2026, 4, 24), 78, ""),
                    ("April to September 2026", dt.date(2026, 10, 9), 82, ""),
                ),
            ),
            MeasurePlan(
                "Agencies with at least 85% of staff trained to the right level (Section 11)",
                "agencies",
                H,
                6,
                11,
                readings=(
                    ("Section 11 audit 2024", dt.date(2024, 12, 13), 6, "Of 11 agencies"),
                    ("Section 11 audit 2025", dt.date(2025, 12, 12), 8, "Of 11 agencies"),
                ),
            ),
        ),
    ),
    PriorityPlan(
        3,
        "Core and contextual safeguarding",
        "Scrutinise and improve the core statutory duties and the wider offer to keep children "
        "safe, with a focus on adolescents at risk of exploitation and harm outside the family.",
        POLICE,
        (
            MeasurePlan(
                "Re-referrals to children's social care within 12 months",
                "%",
                L,
                21.5,
                18,
                REREFERRALS,
            ),
            MeasurePlan(
                "Child protection plans starting that are second or subsequent",
                "%",
                L,
                23,
                18,
                REPEAT_PLANS,
            ),
            MeasurePlan(
                "Missing episodes with a return home interview offered within 72 hours",
                "%",
                H,
                78,
                95,
                readings=(
                    ("2024-25", dt.date(2025, 4, 28), 78, ""),
                    ("2025-26", dt.date(2026, 4, 27), 86, ""),
                    ("Quarter 2 2026-27", dt.date(2026, 10, 19), 91, ""),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class OtherAction:
    source: str
    reference: str
    title: str
    detail: str
    plan: ActionPlan
    created: dt.date


# Ofsted's inspection of Wigan's children's services and review of the LSCB (2017): ten
# recommendations to the local authority, then six to the Board, numbered through.
OFSTED = "Ofsted inspection 2017, recommendation {n}"
OFSTED_CREATED = dt.date(2017, 5, 15)
OFSTED_RECOMMENDATIONS: tuple[tuple[str, str, str, int, str], ...] = (
    # (recommendation, short title, owner, months to complete, evidence of impact)
    (
        "Ensure that information gathering from family members and partner agencies is "
        "comprehensive to better inform assessments and decision-making.",
        "Gather information from family members and partner agencies for every assessment",
        MANAGER,
        9,
        "Assessment audits: partner agency views in 88% of assessments (from 52%).",
    ),
    (
        "Ensure that children and families receive copies of documents prior to key meetings "
        "and that written plans consistently describe what needs to happen and include "
        "contingency plans that are clearly recorded for families.",
        "Share reports before key meetings; plans with clear contingency plans",
        REVIEWING_MANAGER,
        9,
        "Families had reports three working days before 91% of conferences; contingency plans "
        "in 94% of plans audited.",
    ),
    (
        "Ensure that children who go missing are offered a return home interview and that the "
        "information gathered is used to inform strategic planning.",
        "Offer every missing child a return home interview; use what they say strategically",
        EARLY_HELP_MANAGER,
        6,
        "Return home interviews offered after 95% of episodes; quarterly themes report to the "
        "exploitation subgroup.",
    ),
    (
        "Review the current capacity of senior management to ensure sufficient leadership to "
        "support future change, training and improvement.",
        "Review senior management capacity",
        MANAGER,
        6,
        "Two additional service manager posts created and filled.",
    ),
    (
        "Ensure that the revised quality assurance framework makes audit work more effective in "
        "analysing the quality of practice alongside compliance, and that this is evaluated and "
        "analysed systematically to inform learning and further improvement.",
        "Quality assurance framework that analyses the quality of practice, not only compliance",
        REVIEWING_MANAGER,
        12,
        "Revised framework in place; quarterly audit analysis to the improvement board shows "
        "practice rated good or better rising from 48% to 67%.",
    ),
    (
        "Ensure that children's reviews capture the progress made by families and that minutes "
        "from these meetings are clear about the next steps necessary to progress the plan "
        "further.",
        "Reviews that record families' progress and clear next steps",
        REVIEWING_MANAGER,
        9,
        "New review record; audit found next steps clear in 90% of minutes.",
    ),
    (
        "Ensure that adult mental health services are involved in all cases where concerns "
        "regarding parent and carer mental health are identified.",
        "Involve adult mental health services wherever a parent's mental health is a concern",
        HEALTH,
        9,
        "Adult mental health practitioner based in the front door; involved in 84% of cases "
        "audited where a parent's mental health was a concern.",
    ),
    (
        "Ensure that pathway planning for care leavers consistently starts early enough for "
        "children and reflects the information gathering and assessment that take place with "
        "care leavers.",
        "Start pathway planning early, based on assessment with the young person",
        LEAVING_CARE_MANAGER,
        9,
        "Pathway plans started by 16 years and 1 month for 96% of eligible young people.",
    ),
    (
        "Ensure that care leavers who are receiving support from child and adolescent mental "
        "health services (CAMHS) are supported to make the transition to adult mental health "
        "services smoothly.",
        "Smooth transition from CAMHS to adult mental health services for care leavers",
        HEALTH,
        12,
        "Joint transition protocol agreed; every care leaver moving from CAMHS had a joint "
        "meeting before 18.",
    ),
    (
        "Ensure that a pledge is developed for children leaving care, so that they understand "
        "clearly their entitlements and the continued support that will be available to them, "
        "and ensure that all care leavers have easy online access to the information that they "
        "need.",
        "A care leavers' pledge and the local offer online",
        LEAVING_CARE_MANAGER,
        6,
        "Pledge written with the children in care council; local offer published online and "
        "viewed 2,300 times in its first year.",
    ),
    (
        "The Board should develop its strategic priorities to reflect local safeguarding issues, "
        "which can be monitored and measured effectively. The annual report should demonstrate "
        "this by clearly identifying strengths and weaknesses in local safeguarding practice and "
        "including learning from the range of serious case reviews within the reporting period.",
        "Measurable strategic priorities; an annual report showing strengths, weaknesses and "
        "learning",
        LEAD,
        12,
        "Priorities each with outcome measures; the yearly report sets out strengths, weaknesses "
        "and the learning from every review in the year.",
    ),
    (
        "The Board should ensure that it provides robust oversight of business plan objectives "
        "in order that the pace of progress is effectively monitored and work plans are "
        "completed in a timely way.",
        "Oversight of the business plan and the pace of work plans",
        LEAD,
        6,
        "Business plan tracker reviewed at every executive; 85% of actions on time in the year.",
    ),
    (
        "The Board should evidence that it is holding partners to account and offers effective "
        "challenge that leads to improved outcomes for children.",
        "Evidence of holding partners to account through challenge",
        LEAD,
        9,
        "Challenge log kept and reported yearly; 14 challenges with their outcomes in the year.",
    ),
    (
        "The Board should strengthen the learning and improvement framework to ensure that it "
        "provides clear criteria for the serious case review and local learning review process "
        "and disseminates the learning from case reviews in a timely way.",
        "Clear criteria for case reviews; timely dissemination of learning",
        LEAD,
        9,
        "Case review criteria agreed; 7-minute briefings issued within a month of every "
        "published review.",
    ),
    (
        "The Board should ensure that it applies rigorous and timely evaluation of multi-agency "
        "audits, which leads to effective learning and improvement, and that the schools comply "
        "with auditing requirements.",
        "Rigorous, timely evaluation of multi-agency audits; schools' audit returns",
        SCHOOL_DSL,
        9,
        "Audit reports within six weeks of each audit; 98% of schools returned their safeguarding "
        "audit.",
    ),
    (
        "The Board should ensure that the protocols for children who are missing or absent are "
        "compliant with statutory guidance and that robust performance data is collected.",
        "Missing and absent protocols in line with guidance; robust missing data",
        ANALYST,
        6,
        "Protocol revised to statutory guidance; monthly missing data set reconciled between "
        "police and children's social care.",
    ),
)

OTHER_ACTIONS: tuple[OtherAction, ...] = (
    OtherAction(
        ActionSource.SECTION_11,
        "Section 11 audit 2025, standard 5 (training)",
        "Recovery plans for agencies below 85% of staff trained to the right level",
        "Agencies that did not meet their training target agree a plan to reach it.",
        ActionPlan("", POLICE_OFFICER, "at_risk", 10, priority=2),
        dt.date(2025, 12, 19),
    ),
    OtherAction(
        ActionSource.SECTION_11,
        "Section 11 audit 2025, standard 8 (the child's voice)",
        "Children's views recorded in every plan",
        "Some plans were missing children's views; every agency checks its plans for them.",
        ActionPlan("", HEALTH, "on_track", 12, priority=2),
        dt.date(2025, 12, 19),
    ),
    OtherAction(
        ActionSource.AUDIT,
        "Multi-agency audit 2025: step up and step down",
        "Use the resolution policy when agencies disagree at step up or step down",
        "Gaps in communication between agencies and too little use of the resolution policy.",
        ActionPlan(
            "",
            MANAGER,
            "closed",
            6,
            "Follow-up step down audit: the resolution policy used in each of the 6 "
            "disagreements found (none in the first audit).",
            1,
        ),
        dt.date(2025, 3, 14),
    ),
    OtherAction(
        ActionSource.AUDIT,
        "Multi-agency audit 2025: police powers of protection",
        "Record police protection with the same codes in police and social care systems",
        "Data on police powers of protection did not match between police and children's social "
        "care.",
        ActionPlan("", POLICE_OFFICER, "complete", 6, priority=3),
        dt.date(2025, 6, 20),
    ),
    OtherAction(
        ActionSource.AUDIT,
        "Multi-agency audit 2026: partner-led early help",
        "SMART plans in partner-led early help",
        "Plans in partner-led early help were not specific or measurable enough.",
        ActionPlan("", EARLY_HELP_MANAGER, "on_track", 9, priority=1),
        dt.date(2026, 5, 22),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 1",
        "Open family hubs in the two remaining neighbourhoods",
        "Family hubs bring preventative services together in one place in each neighbourhood.",
        ActionPlan("", EARLY_HELP_MANAGER, "on_track", 18, priority=1),
        dt.date(2025, 9, 5),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 2",
        "Appoint an early help workforce development officer",
        "A dedicated officer to take the workforce strategy from implementation to maturity.",
        ActionPlan(
            "",
            LEAD,
            "closed",
            6,
            "Officer in post since March 2025; core competencies framework published and 22 "
            "workshops with managers held.",
            2,
        ),
        dt.date(2024, 10, 4),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 2",
        "Training needs analysis for everyone working with children and families",
        "Extend the training needs analysis beyond early help to the whole workforce.",
        ActionPlan("", LEAD, "complete", 9, priority=2),
        dt.date(2025, 4, 11),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 3",
        "A cognitive behavioural therapy approach in the adolescent safeguarding service",
        "Therapeutic support to prevent and address harmful behaviour in adolescents.",
        ActionPlan("", CP_MANAGER, "not_started", 8, priority=3),
        dt.date(2026, 10, 2),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 3",
        "Commission a separate peer review of adolescent safeguarding",
        "An external view of the adolescent safeguarding service.",
        ActionPlan("", LEAD, "withdrawn", 9, priority=3),
        dt.date(2025, 11, 7),
    ),
    OtherAction(
        ActionSource.PRIORITY,
        "Strategic plan 2024-27, priority 3",
        "Governance and reporting on adolescent exploitation to the executive",
        "A shared understanding of performance on adolescent exploitation across the partnership.",
        ActionPlan("", FRONT_DOOR_MANAGER, "overdue", 6, priority=3),
        dt.date(2025, 11, 7),
    ),
)
WITHDRAWN_REASON = (
    "Replaced by the regional peer review framework, which covers the same ground; withdrawn at "
    "the executive's request."
)

NOTES = {
    St.ON_TRACK: "Work started; plan agreed with the subgroup.",
    St.AT_RISK: "Delayed by staff capacity; a new date is being agreed with the subgroup chair.",
    St.COMPLETE: "Work done; evidence of impact to follow.",
    St.CLOSED: "Closed by the business unit on the evidence of impact.",
}


def build(ctx: DemoContext, rng: random.Random) -> None:
    partnership = ctx.get_partnership()
    analyst = ctx.users[ANALYST]
    _population(ctx)

    priorities = Priority.objects.bulk_create(
        [
            Priority(
                partnership=partnership,
                number=p.number,
                title=p.title,
                description=p.description,
                starts_on=STRATEGY_STARTS,
                ends_on=STRATEGY_ENDS,
                lead_agency=ctx.agency(p.lead_agency),
            )
            for p in PRIORITIES
        ]
    )
    by_number = {priority.number: priority for priority in priorities}
    measures: list[OutcomeMeasure] = []
    planned: list[MeasurePlan] = []
    for priority, p in zip(priorities, PRIORITIES, strict=True):
        for m in p.measures:
            measures.append(
                OutcomeMeasure(
                    priority=priority,
                    name=m.name,
                    indicator_code=m.indicator if m.indicator in MEASURES else "",
                    unit=m.unit,
                    direction=m.direction,
                    baseline=Decimal(str(m.baseline)),
                    baseline_label="2024-25",
                    target=Decimal(str(m.target)),
                    target_by=STRATEGY_ENDS,
                )
            )
            planned.append(m)
    measures = OutcomeMeasure.objects.bulk_create(measures)
    MeasureReading.objects.bulk_create(
        [
            MeasureReading(
                measure=measure,
                period_label=label,
                measured_on=on,
                value=Decimal(str(value)),
                note=note,
                recorded_by=analyst,
            )
            for measure, m in zip(measures, planned, strict=True)
            for label, on, value, note in m.readings
            if on <= ctx.today
        ]
    )

    book = _Book(ctx, rng, by_number)
    recommendations = Recommendation.objects.filter(review__partnership=partnership).values_list(
        "pk", "review__anonymised_name", "number", "text", "recorded_at"
    )
    for pk, review_name, number, text, recorded_at in recommendations.order_by("pk"):
        for plan in RECOMMENDATION_ACTIONS.get((review_name, number), ()):
            created = recorded_at.date() + dt.timedelta(days=rng.randint(3, 12))
            book.add(
                plan,
                ActionSource.CASE_REVIEW,
                "",
                plan.title,
                f"{review_name}, recommendation {number}: {text}",
                min(created, ctx.today),
                recommendation_id=pk,
            )
    for n, (text, title, owner, months, evidence) in enumerate(OFSTED_RECOMMENDATIONS, start=1):
        plan = ActionPlan(title, owner, "closed", months, evidence)
        book.add(plan, ActionSource.INSPECTION, OFSTED.format(n=n), title, text, OFSTED_CREATED)
    for other in OTHER_ACTIONS:
        book.add(
            other.plan, other.source, other.reference, other.title, other.detail, other.created
        )
    actions = bulk_create_at(Action, book.actions, "created_at")
    for update in book.updates:
        update.action = actions[update.action_index]  # type: ignore[attr-defined]
    bulk_create_at(ActionUpdate, book.updates, "at")

    briefings = _briefings(ctx)

    statuses = Counter(action.status for action in actions)
    overdue = sum(
        1
        for action in actions
        if action.status in (St.NOT_STARTED, St.ON_TRACK, St.AT_RISK) and action.due_on < ctx.today
    )
    ctx.summary.append(
        (
            "Actions",
            f"{len(actions)} ("
            + ", ".join(
                f"{statuses[s]} {St(s).label.lower()}" for s in St.values if statuses.get(s)
            )
            + f"; {overdue} overdue); {len(priorities)} priorities with {len(measures)} "
            f"outcome measures",
        )
    )
    approved = sum(1 for b in briefings if b.approved_on)
    ctx.summary.append(("7-minute briefings", f"{len(briefings)} ({approved} approved)"))


class _Book:
    """Actions and their updates, dated as the owners would have recorded them."""

    def __init__(
        self, ctx: DemoContext, rng: random.Random, priorities: dict[int, Priority]
    ) -> None:
        self.ctx, self.rng, self.priorities = ctx, rng, priorities
        self.today = ctx.today
        self.lead = ctx.users[LEAD]
        self.actions: list[Action] = []
        self.updates: list[ActionUpdate] = []

    def owner(self, name: str) -> User:
        if name.startswith("manager:"):
            team = name.removeprefix("manager:")
            for user in self.ctx.users.values():
                if user.role == "team_manager" and user.team is not None and user.team.name == team:
                    return user
            return self.ctx.users[MANAGER]
        return self.ctx.users[name]

    def add(
        self,
        plan: ActionPlan,
        source: str,
        reference: str,
        title: str,
        detail: str,
        created: dt.date,
        recommendation_id: int | None = None,
    ) -> None:
        rng, today = self.rng, self.today
        owner = self.owner(plan.owner)
        assert owner.agency is not None
        due = add_months(created, plan.months)
        progress = plan.progress
        moves: list[tuple[str, dt.date, User, str, str]] = []  # to, on, by, note, evidence
        completed = closed = None
        started = min(created + dt.timedelta(days=rng.randint(7, 21)), today)
        if progress in ("on_track", "at_risk", "not_started") and due < today + dt.timedelta(
            days=14
        ):
            due = today + dt.timedelta(days=rng.randint(30, 120))  # re-planned, still ahead
        if progress == "overdue":
            if due >= today:
                due = max(today - dt.timedelta(days=rng.randint(10, 50)), started)
            if due >= today:  # too recent to be overdue honestly: keep it on track
                progress = "on_track"
        if progress in ("on_track", "at_risk", "overdue", "complete", "closed"):
            moves.append((St.ON_TRACK, started, owner, NOTES[St.ON_TRACK], ""))
        if progress in ("at_risk", "overdue"):
            slipped = min(started + (due - started) * 2 // 3 + dt.timedelta(days=1), today)
            moves.append((St.AT_RISK, max(slipped, started), owner, NOTES[St.AT_RISK], ""))
        if progress in ("complete", "closed"):
            latest = today - dt.timedelta(days=45 if progress == "closed" else 5)
            completed = min(due - dt.timedelta(days=rng.randint(0, 30)), latest)
            completed = max(completed, started)
            moves.append((St.COMPLETE, completed, owner, NOTES[St.COMPLETE], ""))
        if progress == "closed":
            assert completed is not None and plan.evidence, title
            closed = min(completed + dt.timedelta(days=rng.randint(14, 40)), today)
            moves.append((St.CLOSED, closed, self.lead, NOTES[St.CLOSED], plan.evidence))
        status = {"overdue": St.AT_RISK, "withdrawn": St.WITHDRAWN}.get(progress, progress)
        withdrawn_reason = ""
        if progress == "withdrawn":
            withdrawn_reason = WITHDRAWN_REASON
            moves.append((St.WITHDRAWN, started, self.lead, WITHDRAWN_REASON, ""))
        index = len(self.actions)
        self.actions.append(
            Action(
                partnership=self.ctx.get_partnership(),
                title=title,
                detail=detail,
                source=source,
                recommendation_id=recommendation_id,
                source_reference=reference,
                priority=self.priorities.get(plan.priority) if plan.priority else None,
                owning_agency=owner.agency,
                owner=owner,
                due_on=due,
                status=status,
                evidence_of_impact=plan.evidence if progress == "closed" else "",
                completed_on=completed,
                closed_on=closed,
                withdrawn_reason=withdrawn_reason,
                created_by=self.lead,
                created_at=_moment(created, 9, 15),
                version=1 + len(moves),
            )
        )
        before: str = St.NOT_STARTED
        self._update(index, "", St.NOT_STARTED, created, self.lead, "Action created.", "", 0)
        for n, (to, on, by, note, evidence) in enumerate(moves, start=1):
            self._update(index, before, to, on, by, note, evidence, n)
            before = to

    def _update(
        self,
        index: int,
        before: str,
        to: str,
        on: dt.date,
        by: User,
        note: str,
        evidence: str,
        n: int,
    ) -> None:
        update = ActionUpdate(
            from_status=before,
            to_status=to,
            note=note,
            evidence=evidence,
            by=by,
            at=_moment(on, 10 + n),
        )
        update.action_index = index  # type: ignore[attr-defined]
        self.updates.append(update)


def _briefings(ctx: DemoContext) -> list[Briefing]:
    """A 7-minute briefing for each review with a final report, drafted as the product drafts
    them; made here, after the actions, because a briefing reports what has changed. Approved
    when the review was published (or its learning shared instead); a draft while the report
    awaits publication."""
    lead = ctx.users[LEAD]
    reported = (ReviewStatus.PUBLISHED, ReviewStatus.NOT_PUBLISHED, ReviewStatus.REPORT_COMPLETED)
    reviews = CaseReview.objects.filter(
        partnership=ctx.get_partnership(), status__in=reported
    ).order_by("pk")
    rows = []
    for review in reviews:
        assert review.report_completed_on is not None
        text = briefing.draft(review)
        created = min(review.report_completed_on + dt.timedelta(days=7), ctx.today)
        approved = None
        if review.status != ReviewStatus.REPORT_COMPLETED and review.planned_publication_on:
            approved = min(review.planned_publication_on + dt.timedelta(days=10), ctx.today)
        rows.append(
            Briefing(
                review=review,
                title=text.title,
                sections=text.sections,
                approved_by=lead if approved else None,
                approved_on=approved,
                created_by=lead,
                created_at=_moment(created, 12),
            )
        )
    return bulk_create_at(Briefing, rows, "created_at")


def _population(ctx: DemoContext) -> None:
    """Mid-year estimates for every year of the demo's history, for the indicators' rates.

    Written directly, as the rest of the demo (``masa.indicators.services.population_set`` is
    the service a user's change goes through, and it audits)."""
    profile = ctx.profile
    per_year = profile.children / profile.history_years
    now = round(BOROUGH_CHILDREN_0_TO_17 * per_year / BOROUGH_CHILDREN_REFERRED_A_YEAR)
    first = ctx.today.year - profile.history_years - 1
    PopulationEstimate.objects.bulk_create(
        [
            PopulationEstimate(
                partnership=ctx.get_partnership(),
                year=year,
                # About 0.4% fewer children each year back.
                children_0_to_17=round(now * (1 - 0.004 * (ctx.today.year - year))),
                source=POPULATION_SOURCE,
            )
            for year in range(first, ctx.today.year + 1)
        ]
    )


def reset(partnership: Partnership) -> None:
    actions = Action.objects.filter(partnership=partnership)
    priorities = Priority.objects.filter(partnership=partnership)
    measures = OutcomeMeasure.objects.filter(priority__in=priorities)
    for queryset in (
        Briefing.objects.filter(review__partnership=partnership),
        ActionUpdate.objects.filter(action__in=actions),
        actions,
        MeasureReading.objects.filter(measure__in=measures),
        measures,
        priorities,
        PopulationEstimate.objects.filter(partnership=partnership, source=POPULATION_SOURCE),
    ):
        queryset.delete()
