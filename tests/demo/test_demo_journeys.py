"""The demo journeys: consistent stages and dates, a chronology line per record, a caseload
with overdue work for the demo social worker, and a clean reset (small size)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Model

from masa.core.calendar import ClockState
from masa.core.models import Partnership, User
from masa.demo.factories.base import REFERENCE_DATE
from masa.earlyhelp.models import EarlyHelpEpisode, EarlyHelpReview
from masa.frontdoor.models import AgencyCheck, Contact, Referral
from masa.journey.deadlines import Scope, open_deadlines
from masa.journey.models import Case, CaseTransition, ChronologyEntry, Stage
from masa.journey.services import DEFAULT_AUDIENCE, audience_text
from masa.journey.transitions import is_allowed
from masa.protection.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    CINPlanReview,
    Conference,
    ConferenceChild,
    ConferenceKind,
    CoreGroupMeeting,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)

pytestmark = pytest.mark.django_db
TODAY = REFERENCE_DATE


def demo_data(*args: str) -> None:
    call_command("demo_data", "--size", "small", *args, stdout=StringIO())


@pytest.fixture
def small() -> Partnership:
    demo_data()
    return Partnership.objects.get(slug="northbury")


def test_every_case_moved_only_by_allowed_transitions_to_its_stage(small: Partnership) -> None:
    moves: dict[int, list[CaseTransition]] = defaultdict(list)
    for move in CaseTransition.objects.order_by("case_id", "id"):
        moves[move.case_id].append(move)
    cases = list(Case.objects.all())
    assert len(cases) > 100
    for case in cases:
        history = moves[case.pk]
        assert history[0].from_stage == "" and history[0].to_stage == Stage.CONTACT
        assert history[-1].to_stage == case.stage, case.pk
        for before, after in itertools.pairwise(history):
            assert after.from_stage == before.to_stage
            assert is_allowed(Stage(after.from_stage), Stage(after.to_stage)), (case.pk, after)
            assert before.effective_on <= after.effective_on
            assert after.reason.strip()
        assert (case.closed_on is not None) == (case.stage == Stage.CLOSED)
        if case.closed_on:
            assert history[-1].effective_on == case.closed_on
        assert case.opened_on == history[0].effective_on
    # Every stage of the journey is represented somewhere.
    seen = {m.to_stage for ms in moves.values() for m in ms}
    assert seen >= {s.value for s in Stage}


def test_no_child_has_two_open_cases_and_open_cases_match_the_child(small: Partnership) -> None:
    open_cases = Case.objects.exclude(stage=Stage.CLOSED)
    per_child = Counter(open_cases.values_list("child_id", flat=True))
    assert per_child and max(per_child.values()) == 1
    # Each open case beyond the front door sits with the child's owning team and worker.
    for case in open_cases.exclude(stage=Stage.CONTACT).select_related("child"):
        assert case.team_id == case.child.owning_team_id
        assert case.worker_id == case.child.allocated_worker_id


def test_dates_are_in_order_and_never_in_the_future(small: Partnership) -> None:
    for model, field in [
        (Case, "opened_on"),
        (Referral, "referral_date"),
        (Assessment, "started_on"),
        (StrategyDiscussion, "held_on"),
        (S47Enquiry, "started_on"),
        (Conference, "held_on"),
        (ChildProtectionPlan, "started_on"),
        (CoreGroupMeeting, "held_on"),
        (CINPlan, "started_on"),
        (Visit, "visited_on"),
        (EarlyHelpEpisode, "started_on"),
        (ChronologyEntry, "occurred_on"),
    ]:
        assert not model._default_manager.filter(**{f"{field}__gt": TODAY}).exists(), model
    assert not Contact.objects.filter(received_at__date__gt=TODAY).exists()

    assert not Assessment.objects.filter(started_on__lt=F("case__referral__referral_date")).exists()
    assert not Assessment.objects.filter(authorised_on__lt=F("started_on")).exists()
    assert not S47Enquiry.objects.filter(started_on__lt=F("strategy_discussion__held_on")).exists()
    assert not S47Enquiry.objects.filter(completed_on__lt=F("started_on")).exists()
    for plan in ChildProtectionPlan.objects.select_related("conference"):
        s47 = S47Enquiry.objects.filter(case_id=plan.case_id).order_by("-started_on").first()
        assert s47 is not None
        assert s47.strategy_discussion.held_on <= s47.started_on <= plan.conference.held_on
        assert plan.started_on == plan.conference.held_on
        end = plan.ended_on or TODAY
        assert plan.started_on <= end
        for held_on in plan.core_groups.values_list("held_on", flat=True):
            assert plan.started_on <= held_on <= end
        reviews = Conference.objects.filter(
            kind=ConferenceKind.REVIEW, subjects__case_id=plan.case_id
        ).values_list("held_on", flat=True)
        for held_on in reviews:
            assert plan.started_on < held_on <= end
    assert not CINPlan.objects.filter(ended_on__lt=F("started_on")).exists()
    assert not CINPlanReview.objects.filter(held_on__lt=F("plan__started_on")).exists()
    assert not EarlyHelpEpisode.objects.filter(ended_on__lt=F("started_on")).exists()
    assert not EarlyHelpReview.objects.filter(held_on__lt=F("episode__started_on")).exists()
    assert not Case.objects.filter(closed_on__lt=F("opened_on")).exists()
    # Records belong to their case's child and to the case's lifetime.
    for model in (Contact, Referral, Assessment, S47Enquiry, ChildProtectionPlan, CINPlan, Visit):
        assert not model._default_manager.exclude(child_id=F("case__child_id")).exists(), model
    assert not Visit.objects.filter(visited_on__lt=F("case__opened_on")).exists()
    assert not Visit.objects.filter(visited_on__gt=F("case__closed_on")).exists()


def _lines(model: type[Model]) -> set[int]:
    label = model._meta.label_lower
    return set(
        ChronologyEntry.objects.filter(record_type=label).values_list("record_id", flat=True)
    )


def test_every_record_has_its_chronology_line(small: Partnership) -> None:
    for model in (
        Contact,
        AgencyCheck,
        Referral,
        Assessment,
        StrategyDiscussion,
        S47Enquiry,
        Conference,
        ChildProtectionPlan,
        CoreGroupMeeting,
        CINPlan,
        CINPlanReview,
        Visit,
        EarlyHelpEpisode,
        EarlyHelpReview,
    ):
        ids = set(model._default_manager.values_list("pk", flat=True))
        assert ids, model
        assert ids <= _lines(model), model
    # Lines point at their own child's case, with the default audience of their kind.
    assert not ChronologyEntry.objects.exclude(child_id=F("case__child_id")).exists()
    for event, kinds in DEFAULT_AUDIENCE.items():
        wrong = ChronologyEntry.objects.filter(event_type=event).exclude(
            audience=audience_text(kinds)
        )
        assert not wrong.exists(), event


def test_lines_are_mostly_recorded_the_same_day_and_some_late(small: Partnership) -> None:
    entries = list(ChronologyEntry.objects.values_list("occurred_on", "recorded_at"))
    lag = Counter(
        (min(recorded.date(), TODAY) - occurred).days > 7 for occurred, recorded in entries
    )
    assert all(recorded.date() >= occurred - dt.timedelta(days=1) for occurred, recorded in entries)
    assert lag[True] > 0, "some entries are recorded late on purpose"
    assert lag[False] > 10 * lag[True]


@pytest.mark.parametrize("seed", ["2026", "1", "99"])
def test_social_worker_and_team_have_overdue_work(seed: str) -> None:
    demo_data("--seed", seed)
    small = Partnership.objects.get(slug="northbury")
    worker = User.objects.get(username="social.worker")
    mine = open_deadlines(Scope(small.pk, worker_id=worker.pk), today=TODAY)
    overdue = {d.code for d in mine if d.state == ClockState.OVERDUE}
    assert {"assessment", "cp_visit", "cin_review"} <= overdue

    manager = User.objects.get(username="team.manager")
    team = open_deadlines(Scope(small.pk, team_id=manager.team_id), today=TODAY)
    assert len(team) >= len(mine)
    everyone = open_deadlines(Scope(small.pk), today=TODAY)
    kinds = {d.code for d in everyone if d.state == ClockState.OVERDUE}
    assert "contact_decision" in kinds


@pytest.mark.parametrize("seed", ["2026", "1", "99"])
def test_the_demo_shows_each_part_of_the_journey(seed: str) -> None:
    demo_data("--seed", seed)
    worker = User.objects.get(username="social.worker")
    plan = ChildProtectionPlan.objects.filter(case__worker=worker, ended_on__isnull=True).first()
    assert plan is not None, "the social worker holds a child protection plan"
    case = plan.case
    contact = Contact.objects.get(case=case)
    assert contact.agency_checks.count() >= 2
    assert Referral.objects.get(case=case).contact_id == contact.pk
    assert Assessment.objects.filter(case=case, authorised_on__isnull=False).exists()
    assert StrategyDiscussion.objects.filter(case=case, start_s47=True).exists()
    assert S47Enquiry.objects.filter(case=case, outcome="icpc").exists()
    assert plan.core_groups.count() >= 2
    assert ConferenceChild.objects.filter(
        case=case, conference__kind=ConferenceKind.REVIEW
    ).exists()
    # A sibling group considered together at one conference.
    assert Conference.objects.annotate(n=Count("subjects")).filter(n__gte=2).exists()
    assert EarlyHelpEpisode.objects.filter(ended_on__isnull=True).exists()
    assert CINPlan.objects.filter(ended_on__isnull=True).exists()
    assert Contact.objects.filter(decision="").exists()


def test_rerunning_resets_cleanly_and_gives_the_same_journeys(small: Partnership) -> None:
    def shape() -> tuple[object, ...]:
        return (
            tuple(
                Case.objects.order_by("opened_on", "child__first_name", "stage").values_list(
                    "child__first_name", "child__last_name", "stage", "opened_on", "closed_on"
                )
            ),
            ChronologyEntry.objects.count(),
            CaseTransition.objects.count(),
            Contact.objects.count(),
            ChildProtectionPlan.objects.count(),
        )

    first = shape()
    demo_data("--reset")
    assert shape() == first
    demo_data("--reset", "--seed", "9")
    assert shape() != first
    # Nothing is left over from the earlier borough.
    assert Partnership.objects.count() == 1
    assert not Case.objects.exclude(partnership__slug="northbury").exists()
