"""Builders for casework records in tests: a case at a given stage with the records behind it.

They write rows directly (not through the services) so a test can set up any past situation;
tests of the services themselves call the services. Add builders at the end; do not change the
behaviour of existing ones (several test modules share them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from masa.core.models import Agency, AgencyKind, User
from masa.frontdoor.models import ConsentBasis, Contact, Referral, ReferralSource
from masa.journey.models import Case, CaseTransition, ChronologyEntry, Stage
from masa.people.models import Child
from masa.protection.models import (
    Assessment,
    CategoryOfAbuse,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    ConferenceChild,
    ConferenceKind,
    S47Enquiry,
    StrategyDiscussion,
)


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def make_case(child: Child, *, stage: Stage, opened_on: dt.date, actor: User) -> Case:
    case = Case.objects.create(
        partnership_id=child.partnership_id,
        child=child,
        stage=stage,
        opened_on=opened_on,
        team=child.owning_team,
        worker=child.allocated_worker,
    )
    CaseTransition.objects.create(
        case=case, to_stage=stage, effective_on=opened_on, moved_by=actor, reason="Test set-up"
    )
    return case


def make_contact(case: Case, *, received_on: dt.date, actor: User, **fields: object) -> Contact:
    values: dict[str, object] = {
        "child": case.child,
        "case": case,
        "received_at": at_noon(received_on),
        "source": ReferralSource.SCHOOLS,
        "reason": "Worried about bruising",
        "presenting_factors": ["18A"],
        "consent_basis": ConsentBasis.CONSENT_GIVEN,
        "recorded_by": actor,
    }
    values.update(fields)
    return Contact.objects.create(**values)


def make_referral(case: Case, *, referral_date: dt.date, actor: User) -> Referral:
    return Referral.objects.create(
        child=case.child,
        case=case,
        referral_date=referral_date,
        source=ReferralSource.SCHOOLS,
        primary_need="N1",
        recorded_by=actor,
    )


def make_assessment(case: Case, *, started_on: dt.date, actor: User) -> Assessment:
    return Assessment.objects.create(
        case=case, child=case.child, started_on=started_on, recorded_by=actor
    )


def make_strategy_and_s47(
    case: Case, *, held_on: dt.date, actor: User, agencies: list[Agency] | None = None
) -> S47Enquiry:
    strategy = StrategyDiscussion.objects.create(
        case=case,
        child=case.child,
        held_on=held_on,
        summary="Police, health and social care agreed to start enquiries",
        start_s47=True,
        recorded_by=actor,
    )
    if agencies:
        strategy.agencies.set(agencies)
    return S47Enquiry.objects.create(
        case=case,
        child=case.child,
        strategy_discussion=strategy,
        started_on=held_on,
        recorded_by=actor,
    )


def make_cp_plan(
    case: Case,
    *,
    icpc_on: dt.date,
    actor: User,
    category: str = CategoryOfAbuse.NEGLECT,
    ended_on: dt.date | None = None,
) -> ChildProtectionPlan:
    conference = Conference.objects.create(
        kind=ConferenceKind.INITIAL, held_on=icpc_on, recorded_by=actor
    )
    ConferenceChild.objects.create(
        conference=conference, case=case, child=case.child, plan_needed=True, category=category
    )
    return ChildProtectionPlan.objects.create(
        case=case,
        child=case.child,
        conference=conference,
        started_on=icpc_on,
        initial_category=category,
        latest_category=category,
        contingency_plan="If the plan is not followed, legal advice will be sought",
        ended_on=ended_on,
        recorded_by=actor,
    )


def la_agency(child: Child) -> Agency:
    return child.owning_team.agency


def agency_of_kind(child: Child, kind: AgencyKind) -> Agency:
    return Agency.objects.get(partnership_id=child.partnership_id, kind=kind)


def make_chronology_entry(
    child: Child,
    *,
    occurred_on: dt.date,
    source_agency: Agency,
    event_type: str = "significant_event",
    summary: str = "Something happened",
    audience: str = "",
    recorded_at: dt.datetime | None = None,
    significance: str = "medium",
    recorded_by: User | None = None,
) -> ChronologyEntry:
    """A chronology line written directly; ``audience`` is the stored form ("|police|school|")."""
    return ChronologyEntry.objects.create(
        child=child,
        occurred_on=occurred_on,
        recorded_at=recorded_at or at_noon(occurred_on),
        event_type=event_type,
        significance=significance,
        summary=summary,
        source_agency=source_agency,
        recorded_by=recorded_by,
        audience=audience,
    )


# ---------------------------------------------------------------- assessments, CIN plans, visits


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    """A date as the GOV.UK date input posts it."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def make_referred_case(child: Child, *, referral_date: dt.date, actor: User) -> Case:
    """A case opened on the referral date, at the referral stage, with its referral."""
    case = make_case(child, stage=Stage.REFERRAL, opened_on=referral_date, actor=actor)
    make_referral(case, referral_date=referral_date, actor=actor)
    return case


def make_cin_plan(
    case: Case, *, started_on: dt.date, actor: User, ended_on: dt.date | None = None
) -> CINPlan:
    return CINPlan.objects.create(
        case=case,
        child=case.child,
        started_on=started_on,
        plan="Weekly support from the family support worker",
        ended_on=ended_on,
        recorded_by=actor,
    )


# ---------------------------------------------------------------- conferences and plans


def make_icpc_case(
    child: Child,
    *,
    strategy_on: dt.date,
    actor: User,
    s47_on: dt.date | None = None,
    opened_on: dt.date | None = None,
) -> Case:
    """A case waiting for its initial conference: a strategy discussion started a section 47
    enquiry whose outcome is an initial conference."""
    from masa.protection.models import S47Outcome

    case = make_case(child, stage=Stage.ICPC, opened_on=opened_on or strategy_on, actor=actor)
    enquiry = make_strategy_and_s47(case, held_on=strategy_on, actor=actor)
    S47Enquiry.objects.filter(pk=enquiry.pk).update(
        started_on=s47_on or strategy_on, outcome=S47Outcome.ICPC
    )
    return case


def make_conference_for(
    cases: list[Case],
    *,
    held_on: dt.date,
    actor: User,
    kind: str = ConferenceKind.INITIAL,
    agencies: list[Agency] | None = None,
) -> Conference:
    """A conference considering these children, with no decision recorded yet."""
    conference = Conference.objects.create(kind=kind, held_on=held_on, recorded_by=actor)
    if agencies:
        conference.agencies.set(agencies)
    for case in cases:
        ConferenceChild.objects.create(conference=conference, case=case, child=case.child)
    return conference


def make_scheduled_conference(
    cases: list[Case],
    *,
    scheduled_on: dt.date,
    actor: User,
    kind: str = ConferenceKind.INITIAL,
    agencies: list[Agency] | None = None,
) -> Conference:
    """A conference arranged for a date and not yet held, considering these children."""
    from masa.protection.models import ConferenceStatus

    conference = Conference.objects.create(
        kind=kind, status=ConferenceStatus.SCHEDULED, scheduled_on=scheduled_on, recorded_by=actor
    )
    if agencies:
        conference.agencies.set(agencies)
    for case in cases:
        ConferenceChild.objects.create(conference=conference, case=case, child=case.child)
    return conference


def fix_today(monkeypatch: Any, day: dt.date) -> Callable[[dt.date], None]:
    """Make ``day`` the date masa takes as today (``timezone.localdate()``), for worked examples
    that must not depend on the day the tests run. Returns a function to move to another day."""
    real = timezone.localdate

    def move_to(new_day: dt.date) -> None:
        def localdate(value: dt.datetime | None = None, tz: Any = None) -> dt.date:
            return new_day if value is None else real(value, tz)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    move_to(day)
    return move_to
