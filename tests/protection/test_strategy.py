"""Strategy discussions: who took part, the decision and where it takes the case, corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind
from masa.frontdoor.models import Referral
from masa.journey.models import Case, ChronologyEntry, Stage
from masa.protection.models import CINPlan, S47Enquiry, StrategyDiscussion

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    make_assessment,
    make_case,
    make_referred_case,
)
from ..conftest import World

OPENED = dt.date(2024, 3, 28)
HELD = dt.date(2024, 4, 4)


@pytest.fixture
def case(world: World) -> Case:
    made = make_referred_case(world.child, referral_date=OPENED, actor=world.users["social_worker"])
    Case.objects.filter(pk=made.pk).update(stage=Stage.ASSESSMENT)
    make_assessment(made, started_on=OPENED, actor=world.users["social_worker"])
    made.refresh_from_db()
    return made


def agencies(world: World, *kinds: AgencyKind) -> list[str]:
    return [str(agency_of_kind(world.child, kind).pk) for kind in kinds]


def strategy(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **date_fields("held_on", HELD),
        "is_meeting": "meeting",
        "agencies": agencies(
            world, AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH
        ),
        "summary": "Injuries consistent with being hit; police to interview",
        "start_s47": "yes",
        "s47_started_on_day": "",
        "s47_started_on_month": "",
        "s47_started_on_year": "",
        "next_step": "",
        "closure_reason": "",
    }
    data.update(overrides)
    return data


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("&#39;", "'")


@pytest.mark.django_db
def test_a_decision_to_start_an_enquiry_creates_it_and_moves_the_case_through_strategy(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/", strategy(world)
    )
    discussion = StrategyDiscussion.objects.get(case=case)
    assert response["Location"] == f"/protection/strategy-discussions/{discussion.pk}/"
    enquiry = S47Enquiry.objects.get(strategy_discussion=discussion)
    assert enquiry.started_on == HELD  # defaults to the day of the discussion
    case.refresh_from_db()
    assert case.stage == Stage.S47
    moves = [(t.from_stage, t.to_stage) for t in case.transitions.all()][-2:]
    assert moves == [(Stage.ASSESSMENT, Stage.STRATEGY), (Stage.STRATEGY, Stage.S47)]
    assert discussion.is_meeting and discussion.agencies.count() == 3
    line = ChronologyEntry.objects.get(
        record_type="protection.strategydiscussion", record_id=discussion.pk
    )
    assert line.occurred_on == HELD
    assert "Decision: start a section 47 enquiry" in line.summary
    assert line.audience == "|health|police|"
    page = body_of(
        client_for("police_officer").get(f"/protection/strategy-discussions/{discussion.pk}/")
    )
    assert "Start a section 47 enquiry" in page and "Test Police" in page


@pytest.mark.django_db
def test_the_enquiry_may_start_after_the_discussion_but_not_before(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    url = f"/protection/cases/{case.pk}/strategy-discussions/new/"
    early = client.post(
        url, strategy(world, **date_fields("s47_started_on", HELD - dt.timedelta(days=1)))
    )
    assert (
        'href="#s47_started_on_day">The date the enquiry started must be on or after the '
        "strategy discussion (4 April 2024)" in body_of(early)
    )
    assert not StrategyDiscussion.objects.exists()
    later = dt.date(2024, 4, 5)
    client.post(url, strategy(world, **date_fields("s47_started_on", later)))
    assert S47Enquiry.objects.get().started_on == later


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        (
            {"agencies": []},
            "agencies",
            "Select children's social care and at least one other agency that took part "
            "(usually police and health)",
        ),
        (
            {"agencies": "LA_ONLY"},
            "agencies",
            "Select children's social care and at least one other agency that took part",
        ),
        (
            {"agencies": "POLICE_HEALTH"},
            "agencies",
            "Select children's social care and at least one other agency that took part",
        ),
        ({"summary": ""}, "summary", "Enter a summary of the strategy discussion"),
        ({"is_meeting": ""}, "is_meeting", "Select whether it was a meeting or a discussion"),
        ({"start_s47": ""}, "start_s47", "Select whether a section 47 enquiry will start"),
        ({"held_on_day": ""}, "held_on_day", "Date of the strategy discussion must include a day"),
        (
            date_fields("held_on", OPENED - dt.timedelta(days=1)),
            "held_on_day",
            "The date of the strategy discussion must be on or after the date the case opened "
            "(28 March 2024)",
        ),
        (
            date_fields("held_on", timezone.localdate() + dt.timedelta(days=1)),
            "held_on_day",
            "The date of the strategy discussion must be today or in the past",
        ),
        (
            {"start_s47": "no"},
            "next_step",
            "Select what happens next for the child",
        ),
        (
            {"start_s47": "no", "next_step": "close"},
            "closure_reason",
            "Select the reason for closing the case",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_at_the_field(
    world: World, case: Case, client_for, overrides: dict[str, object], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    if overrides.get("agencies") == "LA_ONLY":
        overrides["agencies"] = agencies(world, AgencyKind.LOCAL_AUTHORITY)
    if overrides.get("agencies") == "POLICE_HEALTH":
        overrides["agencies"] = agencies(world, AgencyKind.POLICE, AgencyKind.HEALTH)
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/", strategy(world, **overrides)
    )
    assert response.status_code == 200
    assert f'href="#{anchor}">{message}' in body_of(response)
    assert not StrategyDiscussion.objects.exists()
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_step", "stage"),
    [("assessment", Stage.ASSESSMENT), ("cin_plan", Stage.CIN_PLAN), ("close", Stage.CLOSED)],
)
def test_no_enquiry_sends_the_case_to_the_chosen_next_step(
    world: World, case: Case, client_for, next_step: str, stage: Stage
) -> None:  # type: ignore[no-untyped-def]
    client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/",
        strategy(world, start_s47="no", next_step=next_step, closure_reason="RC8"),
    )
    case.refresh_from_db()
    assert case.stage == stage
    assert not S47Enquiry.objects.exists()
    if stage == Stage.CIN_PLAN:
        assert CINPlan.objects.get(case=case).started_on == HELD
    if stage == Stage.CLOSED:
        assert case.closed_on == HELD
        assert Referral.objects.get(case=case).closure_reason == "RC8"


@pytest.mark.django_db
def test_a_case_already_at_strategy_is_not_moved_there_again(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = make_case(
        world.child, stage=Stage.STRATEGY, opened_on=OPENED, actor=world.users["social_worker"]
    )
    client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/", strategy(world)
    )
    moves = [(t.from_stage, t.to_stage) for t in case.transitions.all()]
    assert moves == [("", Stage.STRATEGY), (Stage.STRATEGY, Stage.S47)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (
            Stage.S47,
            "A case at the stage 'Section 47 enquiry' cannot move to 'Strategy discussion'.",
        ),
        (Stage.CLOSED, "This case is closed. Log a new contact to start new work with the child."),
    ],
)
def test_a_strategy_discussion_is_refused_where_the_stage_table_does_not_allow_it(
    world: World, client_for, stage: Stage, message: str
) -> None:  # type: ignore[no-untyped-def]
    case = make_case(world.child, stage=stage, opened_on=OPENED, actor=world.users["social_worker"])
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/", strategy(world)
    )
    assert message in body_of(response)
    assert not StrategyDiscussion.objects.exists()


@pytest.mark.django_db
def test_correcting_the_date_moves_the_chronology_and_the_conference_clock(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/",
        strategy(world, **date_fields("s47_started_on", HELD)),
    )
    discussion = StrategyDiscussion.objects.get(case=case)
    enquiry = S47Enquiry.objects.get(strategy_discussion=discussion)
    url = f"/protection/strategy-discussions/{discussion.pk}/change/"
    corrected = dt.date(2024, 4, 3)
    data = {
        **date_fields("held_on", corrected),
        "is_meeting": "discussion",
        "agencies": agencies(world, AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE),
        "summary": "Corrected: held the day before",
        "version": "1",
    }
    # The enquiry started on 4 April: the discussion cannot be moved after it.
    too_late = client.post(url, {**data, **date_fields("held_on", dt.date(2024, 4, 5))})
    assert (
        "The date of the strategy discussion must be on or before the date the section 47 "
        "enquiry started (4 April 2024)" in body_of(too_late)
    )
    enquiry_page = f"/protection/section-47-enquiries/{enquiry.pk}/"
    # Before: 15 working days from Thursday 4 April 2024 is Thursday 25 April.
    assert "Due 25 April 2024" in body_of(client.get(enquiry_page))
    assert client.post(url, data).status_code == 302
    discussion.refresh_from_db()
    assert (discussion.held_on, discussion.is_meeting, discussion.agencies.count()) == (
        corrected,
        False,
        2,
    )
    line = ChronologyEntry.objects.get(
        record_type="protection.strategydiscussion", record_id=discussion.pk
    )
    assert line.occurred_on == corrected
    assert line.summary.startswith("Strategy discussion with Test Local authority")
    # After: from Wednesday 3 April 2024 it is Wednesday 24 April; the DfE clock (from the
    # enquiry's start on 4 April) stays at 25 April.
    page = body_of(client.get(enquiry_page))
    assert "Due 24 April 2024" in page and "Due 25 April 2024" in page
    stale = client_for("team_manager").post(url, {**data, "summary": "A different summary"})
    assert "Someone else changed this record while you were working on it" in body_of(stale)
    assert 'name="version" value="2"' in body_of(stale)
    discussion.refresh_from_db()
    assert discussion.summary == "Corrected: held the day before"


@pytest.mark.django_db
def test_a_strategy_discussion_during_a_plan_can_return_the_case_to_that_plan(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    from ..casework_factories import make_cp_plan

    worker = world.users["social_worker"]
    on_plan = make_referred_case(world.child, referral_date=OPENED, actor=worker)
    Case.objects.filter(pk=on_plan.pk).update(stage=Stage.CP_PLAN)
    make_cp_plan(on_plan, icpc_on=OPENED, actor=worker)
    url = f"/protection/cases/{on_plan.pk}/strategy-discussions/new/"

    client_for("social_worker").post(url, strategy(world, start_s47="no", next_step="cp_plan"))

    on_plan.refresh_from_db()
    assert on_plan.stage == Stage.CP_PLAN
    moves = [(t.from_stage, t.to_stage) for t in on_plan.transitions.all()][-2:]
    assert moves == [(Stage.CP_PLAN, Stage.STRATEGY), (Stage.STRATEGY, Stage.CP_PLAN)]


@pytest.mark.django_db
def test_continuing_a_plan_the_child_is_not_on_is_refused(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/strategy-discussions/new/",
        strategy(world, start_s47="no", next_step="cp_plan"),
    )
    assert "no current child protection plan to continue" in body_of(response)
    assert not StrategyDiscussion.objects.exists()
