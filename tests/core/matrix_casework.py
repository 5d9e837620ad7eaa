"""Casework records for the permission matrix: one of each kind, so each record page's row shows
who may open a real record (not only that a missing one is 404).

Kira Holt (known to children's social care, police, health and her school) is on a child
protection plan with the whole history behind it and a contact awaiting a decision; Jay Moss
(known to children's social care only) is on a child in need plan; Ella Early (social care and
her school) has early help under way.
"""

from __future__ import annotations

import datetime as dt

from masa.core.models import AgencyKind
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.journey.models import Stage
from masa.protection.models import MeetingPack, S47Enquiry, S47Outcome, Visit

from ..casework_factories import (
    agency_of_kind,
    make_assessment,
    make_case,
    make_cin_plan,
    make_contact,
    make_cp_plan,
    make_referral,
    make_strategy_and_s47,
)
from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory

OPENED = dt.date(2026, 9, 1)


def build_casework(world: World) -> dict[str, str]:
    worker = world.users["social_worker"]
    kira = make_case(world.child, stage=Stage.CP_PLAN, opened_on=OPENED, actor=worker)
    make_contact(kira, received_on=OPENED, actor=worker, decision="strategy", decided_on=OPENED)
    pending = make_contact(kira, received_on=dt.date(2026, 11, 20), actor=worker)
    referral = make_referral(kira, referral_date=OPENED, actor=worker)
    assessment = make_assessment(kira, started_on=dt.date(2026, 9, 2), actor=worker)
    enquiry = make_strategy_and_s47(kira, held_on=dt.date(2026, 9, 3), actor=worker)
    S47Enquiry.objects.filter(pk=enquiry.pk).update(outcome=S47Outcome.ICPC)
    plan = make_cp_plan(kira, icpc_on=dt.date(2026, 9, 21), actor=worker)
    MeetingPack.objects.create(conference=plan.conference, assembled_by=worker)
    visit = Visit.objects.create(
        case=kira,
        child=world.child,
        visited_on=dt.date(2026, 10, 1),
        child_seen=True,
        seen_alone=True,
        visited_by=worker,
    )

    jay = make_case(world.la_only_child, stage=Stage.CIN_PLAN, opened_on=OPENED, actor=worker)
    make_referral(jay, referral_date=OPENED, actor=worker)
    cin_plan = make_cin_plan(jay, started_on=dt.date(2026, 10, 5), actor=worker)

    ella = ChildFactory(
        partnership=world.partnership,
        first_name="Ella",
        last_name="Early",
        owning_team=world.la_team,
    )
    InvolvementFactory(child=ella, agency=world.agencies[AgencyKind.SCHOOL])
    early = make_case(ella, stage=Stage.EARLY_HELP, opened_on=OPENED, actor=worker)
    episode = EarlyHelpEpisode.objects.create(
        case=early,
        child=ella,
        started_on=OPENED,
        lead_agency=agency_of_kind(ella, AgencyKind.SCHOOL),
        lead_professional=world.users["designated_safeguarding_lead"],
        recorded_by=worker,
    )
    referred = make_case(
        ChildFactory(partnership=world.partnership, owning_team=world.la_team),
        stage=Stage.REFERRAL,
        opened_on=OPENED,
        actor=worker,
    )
    make_referral(referred, referral_date=OPENED, actor=worker)
    return {
        "{case}": str(kira.pk),
        "{contact}": str(pending.pk),
        "{referral}": str(referral.pk),
        "{referred_case}": str(referred.pk),
        "{assessment}": str(assessment.pk),
        "{strategy}": str(enquiry.strategy_discussion_id),
        "{s47}": str(enquiry.pk),
        "{conference}": str(plan.conference_id),
        "{plan}": str(plan.pk),
        "{visit}": str(visit.pk),
        "{cin_case}": str(jay.pk),
        "{cin_plan}": str(cin_plan.pk),
        "{episode}": str(episode.pk),
    }
