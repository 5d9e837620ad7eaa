"""Committed case review situations for the browser journeys (issue 7), made through the services
so each review reaches its stage the way the business unit's forms would take it there.

Like ``casework_data``, what is written here is committed at once (the ``site`` fixture keeps the
database unblocked and rolls nothing back), and each situation has its own child and review, so
the journeys do not depend on the order they run in. Every date is counted back from today in
working days, so the clocks shown are the ones a user would see on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from masa.assurance import services as assurance
from masa.assurance.models import Action, Priority
from masa.core.models import AgencyKind, User
from masa.people.models import Child
from masa.reviews import services, services_learning, services_pack
from masa.reviews.models import (
    Briefing,
    CaseReview,
    HarmOutcome,
    LearningTheme,
    PanelResponse,
    ReviewDecision,
)

from ..casework_factories import make_chronology_entry
from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory
from .casework_data import working_days_before

PRIORITY_TITLE = "Neglect is recognised early and responded to across agencies"


def _user(world: World, role: str) -> User:
    return world.users[role]


def family_child(world: World, first_name: str, last_name: str, incident_on: dt.date) -> Child:
    """A child known to health and the police for two years, with one line from each in the
    multi-agency chronology before the incident (what the rapid review pack is drafted from)."""
    child = cast(
        Child,
        ChildFactory(
            partnership=world.partnership,
            first_name=first_name,
            last_name=last_name,
            owning_team=world.la_team,
            allocated_worker=_user(world, "social_worker"),
        ),
    )
    for kind in (AgencyKind.HEALTH, AgencyKind.POLICE):
        InvolvementFactory(child=child, agency=world.agencies[kind])
    make_chronology_entry(
        child,
        occurred_on=incident_on - dt.timedelta(days=40),
        source_agency=world.agencies[AgencyKind.HEALTH],
        summary="Missed the 12-month health review; two letters to the family went unanswered",
        significance="medium",
    )
    make_chronology_entry(
        child,
        occurred_on=incident_on - dt.timedelta(days=12),
        source_agency=world.agencies[AgencyKind.POLICE],
        summary="Domestic incident at the family home: mother's partner arrested",
        significance="high",
    )
    return child


def learning_set_up(world: World) -> Priority:
    """The partnership's starting learning themes and its first priority (both made once)."""
    services_learning.theme_defaults(world.partnership)
    priority = Priority.objects.filter(partnership=world.partnership, number=1).first()
    if priority is None:
        priority = assurance.priority_create(
            actor=_user(world, "business_manager"),
            number=1,
            title=PRIORITY_TITLE,
            description="From the Ofsted inspection: measurable partnership priorities",
            starts_on=dt.date(2024, 4, 1),
        )
    return priority


def _refer(
    world: World, child: Child, *, incident_on: dt.date, aware_on: dt.date, reason: str
) -> CaseReview:
    return services.review_refer(
        actor=_user(world, "health_safeguarding_practitioner"),
        child=child,
        incident_date=incident_on,
        aware_on=aware_on,
        harm_outcome=HarmOutcome.SERIOUS_HARM,
        abuse_or_neglect_suspected=True,
        referral_reason=reason,
        referred_on=aware_on,
    )


def _notify(
    world: World,
    review: CaseReview,
    *,
    acknowledged_on: dt.date,
    notified_on: dt.date,
    summary: str,
) -> CaseReview:
    manager = _user(world, "business_manager")
    review = services.review_acknowledge(
        actor=manager, review=review, acknowledged_on=acknowledged_on, version=review.version
    )
    review = services.review_triage_notifiable(
        actor=manager,
        review=review,
        notifiable=True,
        reason="Serious harm; neglect is suspected",
        version=review.version,
    )
    review = services.review_notify(
        actor=manager,
        review=review,
        notified_on=notified_on,
        details=services.NotificationDetails(
            notifying_local_authority="Test local authority",
            incident_location="The family home",
            incident_summary=summary,
            notifier_name=manager.display_name,
            notifier_role="Partnership business manager",
            abuse_category="N",
            known_to_early_help=True,
        ),
        version=review.version,
    )
    return services.review_partners_told(
        actor=manager, review=review, told_on=notified_on, version=review.version
    )


def referred_review(world: World, today: dt.date) -> CaseReview:
    """A case the health safeguarding practitioner referred 13 working days ago, waiting for the
    business unit (its acknowledgement, due in 3 working days, is overdue)."""
    incident_on = working_days_before(today, 15)
    child = family_child(world, "Esme", "Darby", incident_on)
    return _refer(
        world,
        child,
        incident_on=incident_on,
        aware_on=working_days_before(today, 13),
        reason="Esme, aged 2, was admitted to hospital with a head injury the family could not "
        "explain. Health visitors had not seen her for a year.",
    )


def review_with_pack(world: World, today: dt.date) -> CaseReview:
    """A notified case whose rapid review pack is drafted and waiting for the agencies to
    confirm their sections. The health safeguarding practitioner referred it, so is a member
    of the review group."""
    incident_on = working_days_before(today, 6)
    child = family_child(world, "Noah", "Pryce", incident_on)
    review = _refer(
        world,
        child,
        incident_on=incident_on,
        aware_on=working_days_before(today, 5),
        reason="Noah, aged 4 months, was found with a fractured arm.",
    )
    review = _notify(
        world,
        review,
        acknowledged_on=working_days_before(today, 4),
        notified_on=working_days_before(today, 3),
        summary="A baby of 4 months with a fractured arm and no explanation.",
    )
    services_pack.pack_draft(
        actor=_user(world, "business_manager"), review=review, version=review.version
    )
    review.refresh_from_db()
    return review


# Text about Kira Holt as the review group writes it: names and all. Outside the group it is shown
# with the names taken out.
KIRA_REFERRAL = (
    "Kira Holt, aged 9, was admitted to hospital malnourished. Kira had missed school for weeks "
    "and the Holt family had moved twice in a year."
)
KIRA_FINDING = (
    "Kira's school, the GP and the police each held part of the picture; nobody put Kira Holt's "
    "absences next to the police call-outs."
)


@dataclass(frozen=True)
class ScrutinisedReview:
    review: CaseReview
    action: Action
    briefing: Briefing
    theme: LearningTheme


def scrutinised_review(world: World, today: dt.date) -> ScrutinisedReview:
    """A local child safeguarding practice review about Kira Holt, the world's child, from
    referral to commissioning, with a finding, a recommendation, an action and an approved
    briefing. Its free text names Kira and her family throughout."""
    priority = learning_set_up(world)
    manager = _user(world, "business_manager")
    incident_on = working_days_before(today, 40)
    review = _refer(
        world,
        world.child,
        incident_on=incident_on,
        aware_on=working_days_before(today, 39),
        reason=KIRA_REFERRAL,
    )
    review = _notify(
        world,
        review,
        acknowledged_on=working_days_before(today, 38),
        notified_on=working_days_before(today, 36),
        summary="Kira Holt was found malnourished at home by the police.",
    )
    review = services.review_rapid_review_sent(
        actor=manager,
        review=review,
        meeting_on=working_days_before(today, 30),
        sent_on=working_days_before(today, 28),
        version=review.version,
    )
    review = services.review_decide(
        actor=manager,
        review=review,
        decision=ReviewDecision.LCSPR,
        reason="Kira Holt's case shows learning about neglect across agencies.",
        decided_on=working_days_before(today, 25),
        version=review.version,
    )
    review = services.review_panel_response(
        actor=manager,
        review=review,
        response=PanelResponse.AGREES,
        responded_on=working_days_before(today, 20),
        version=review.version,
    )
    services.review_commission(
        actor=manager,
        review=review,
        reviewer_name="Dr Ann Reviewer",
        commissioned_on=working_days_before(today, 18),
        terms_of_reference="How agencies worked together with the Holt family.",
        methodology="A systems approach with a practitioner learning event",
        family_involvement="Kira's mother will be invited to meet the reviewer.",
        agreed_fee=Decimal("6500"),
        commissioning_notice_sent_on=working_days_before(today, 18),
        version=review.version,
    )
    review.refresh_from_db()
    theme = LearningTheme.objects.get(partnership=world.partnership, name="Neglect")
    finding = services_learning.finding_add(
        actor=manager,
        review=review,
        title="Nobody saw the whole picture of Kira's neglect",
        detail=KIRA_FINDING,
        themes=[theme],
    )
    recommendation = services_learning.recommendation_add(
        actor=manager,
        review=review,
        text="Schools share persistent absence of a child known to the police with the MASH, "
        "as they would have for Kira.",
        finding=finding,
        themes=[theme],
    )
    action = assurance.action_create_from_recommendation(
        actor=manager,
        recommendation=recommendation,
        title="Attendance officers refer persistent absence to the MASH",
        detail="",
        priority=priority,
        assignment=assurance.Assignment(
            owning_agency=world.agencies[AgencyKind.SCHOOL],
            owner=_user(world, "designated_safeguarding_lead"),
            due_on=today + dt.timedelta(days=90),
        ),
    )
    briefing = services_learning.briefing_generate(actor=manager, review=review)
    briefing.refresh_from_db()
    services_learning.briefing_update(
        actor=manager,
        briefing=briefing,
        title=briefing.title,
        sections=briefing.sections,
        version=briefing.version,
        approve=True,
    )
    briefing.refresh_from_db()
    return ScrutinisedReview(review, action, briefing, theme)
