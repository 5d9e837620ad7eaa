"""Children in need plans: starting (from a page or another service), reviews and the review
clock, corrections, and ending the plan with the case's next step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind
from masa.core.services import ServiceError
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.frontdoor.models import Referral
from masa.journey.models import Case, ChronologyEntry, Stage
from masa.protection.models import CINPlan, CINPlanReview
from masa.protection.services_cin import cin_plan_start

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    make_case,
    make_cin_plan,
    make_cp_plan,
    make_referred_case,
)
from ..conftest import World

OPENED = dt.date(2026, 8, 3)
STARTED = dt.date(2026, 8, 31)


@pytest.fixture
def case(world: World) -> Case:
    made = make_referred_case(world.child, referral_date=OPENED, actor=world.users["social_worker"])
    Case.objects.filter(pk=made.pk).update(stage=Stage.ASSESSMENT)
    made.refresh_from_db()
    return made


@pytest.fixture
def plan(world: World, case: Case) -> CINPlan:
    Case.objects.filter(pk=case.pk).update(stage=Stage.CIN_PLAN)
    return make_cin_plan(case, started_on=STARTED, actor=world.users["social_worker"])


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("&#39;", "'")


def stage_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).stage


# ---------------------------------------------------------------- starting


@pytest.mark.django_db
def test_starting_a_plan_moves_the_case_and_adds_a_chronology_line(case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/cin-plans/new/",
        {
            **date_fields("started_on", STARTED),
            "plan": "Family support twice a week",
            "reason": "Assessment found needs",
        },
    )
    plan = CINPlan.objects.get(case=case)
    assert response["Location"] == f"/protection/cin-plans/{plan.pk}/"
    assert stage_of(case) == Stage.CIN_PLAN
    line = ChronologyEntry.objects.get(record_type="protection.cinplan", record_id=plan.pk)
    assert line.occurred_on == STARTED
    # Every partner reads this line, so the reason stays on the stage history, not here.
    assert line.summary == "Child in need plan started"
    assert case.transitions.last().reason == "Assessment found needs"  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"reason": ""}, "reason", "Enter why the child needs a child in need plan"),
        ({"started_on_month": "13"}, "started_on_day", "Date the plan started must be a real date"),
        (
            date_fields("started_on", OPENED - dt.timedelta(days=1)),
            "started_on_day",
            "The date the plan started must be on or after the date the case opened "
            "(3 August 2026)",
        ),
        (
            date_fields("started_on", timezone.localdate() + dt.timedelta(days=1)),
            "started_on_day",
            "The date the plan started must be today or in the past",
        ),
    ],
)
def test_bad_start_is_refused_with_a_message(
    case: Case, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    data = {**date_fields("started_on", STARTED), "plan": "", "reason": "Needs", **overrides}
    response = client_for("social_worker").post(f"/protection/cases/{case.pk}/cin-plans/new/", data)
    assert f'href="#{anchor}">{message}' in body_of(response)
    assert not CINPlan.objects.exists()
    assert stage_of(case) == Stage.ASSESSMENT


@pytest.mark.django_db
def test_a_second_open_plan_and_a_closed_case_are_refused(
    world: World, plan: CINPlan, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    data = {**date_fields("started_on", STARTED), "plan": "", "reason": "Needs"}
    again = client.post(f"/protection/cases/{plan.case_id}/cin-plans/new/", data)
    assert "This case already has a child in need plan, started on 31 August 2026" in body_of(again)
    closed = make_case(
        world.la_only_child,
        stage=Stage.CLOSED,
        opened_on=OPENED,
        actor=world.users["social_worker"],
    )
    refused = client.post(f"/protection/cases/{closed.pk}/cin-plans/new/", data)
    assert "This case is closed" in body_of(refused)
    assert CINPlan.objects.count() == 1


@pytest.mark.django_db
def test_the_conference_services_can_start_a_plan_when_a_cp_plan_ends(world: World) -> None:
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=OPENED, actor=worker)
    make_cp_plan(case, icpc_on=dt.date(2026, 8, 20), actor=worker, ended_on=STARTED)
    plan = cin_plan_start(
        actor=worker, case=case, started_on=STARTED, plan="Step down", reason="CP plan ended"
    )
    assert (plan.started_on, stage_of(case)) == (STARTED, Stage.CIN_PLAN)
    with pytest.raises(ServiceError, match="already has a child in need plan"):
        cin_plan_start(actor=worker, case=case, started_on=STARTED, plan="", reason="Again")


# ---------------------------------------------------------------- reviews and the clock


@pytest.mark.django_db
def test_the_review_clock_runs_three_months_from_the_start_then_from_each_review(
    plan: CINPlan, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    url = f"/protection/cin-plans/{plan.pk}/"
    page = body_of(client.get(url))
    assert "Due 30 November 2026" in page  # 31 August + 3 months: no 31 November
    assert (
        "Child in need plan review: 3 months from the plan started or was last reviewed on "
        "31 August 2026 (day 0), due 30 November 2026. Rule: local rule" in page
    )
    review = {**date_fields("held_on", dt.date(2026, 11, 20)), "summary": "Good progress"}
    assert client.post(f"{url}reviews/new/", review).status_code == 302
    page = body_of(client.get(url))
    assert "Due 20 February 2027" in page and "Good progress" in page
    line = ChronologyEntry.objects.get(
        record_type="protection.cinplanreview", record_id=CINPlanReview.objects.get().pk
    )
    assert line.occurred_on == dt.date(2026, 11, 20)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            STARTED - dt.timedelta(days=1),
            "The date of the review must be on or after the date the plan started (31 August 2026)",
        ),
        (
            timezone.localdate() + dt.timedelta(days=1),
            "The date of the review must be today or in the past",
        ),
    ],
)
def test_bad_review_dates_are_refused(
    plan: CINPlan, client_for, day: dt.date, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cin-plans/{plan.pk}/reviews/new/", date_fields("held_on", day)
    )
    assert f'href="#held_on_day">{message}' in body_of(response)
    assert not CINPlanReview.objects.exists()


@pytest.mark.django_db
def test_an_ended_plan_takes_no_reviews(world: World, case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    ended = make_cin_plan(
        case, started_on=STARTED, ended_on=dt.date(2026, 10, 1), actor=world.users["social_worker"]
    )
    response = client_for("social_worker").post(
        f"/protection/cin-plans/{ended.pk}/reviews/new/",
        date_fields("held_on", dt.date(2026, 10, 2)),
    )
    assert "This plan ended on 1 October 2026. Reviews cannot be added to it." in body_of(response)


# ---------------------------------------------------------------- corrections


@pytest.mark.django_db
def test_correcting_the_start_date_moves_the_chronology_line(case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.post(
        f"/protection/cases/{case.pk}/cin-plans/new/",
        {**date_fields("started_on", STARTED), "plan": "", "reason": "Needs"},
    )
    plan = CINPlan.objects.get()
    url = f"/protection/cin-plans/{plan.pk}/change/"
    corrected = dt.date(2026, 9, 1)
    data = {**date_fields("started_on", corrected), "plan": "Weekly visits", "version": "1"}
    assert client.post(url, data).status_code == 302
    line = ChronologyEntry.objects.get(record_type="protection.cinplan", record_id=plan.pk)
    assert line.occurred_on == corrected
    assert "Due 1 December 2026" in body_of(client.get(f"/protection/cin-plans/{plan.pk}/"))
    stale = client_for("team_manager").post(url, {**data, "plan": "Other words"})
    assert "Someone else changed this record while you were working on it" in body_of(stale)
    assert CINPlan.objects.get().plan == "Weekly visits"


# ---------------------------------------------------------------- ending


def ending(day: dt.date, **overrides: str) -> dict[str, str]:
    data = {
        **date_fields("ended_on", day),
        "end_reason": "Needs met",
        "next_step": "close",
        "closure_reason": "RC7",
        "lead_agency": "",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_ending_the_plan_closes_the_case_with_the_reason_chosen(plan: CINPlan, client_for) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2026, 11, 2)
    response = client_for("social_worker").post(
        f"/protection/cin-plans/{plan.pk}/end/", ending(day)
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.ended_on, plan.end_reason) == (day, "Needs met")
    case = Case.objects.get(pk=plan.case_id)
    assert (case.stage, case.closed_on) == (Stage.CLOSED, day)
    referral = Referral.objects.get(case=case)
    assert (referral.closure_date, referral.closure_reason) == (day, "RC7")
    line = ChronologyEntry.objects.get(record_type="protection.cinplan.end", record_id=plan.pk)
    assert line.occurred_on == day
    assert "Next review" not in body_of(
        client_for("social_worker").get(f"/protection/cin-plans/{plan.pk}/")
    )


@pytest.mark.django_db
def test_ending_the_plan_can_step_down_to_early_help(
    world: World, plan: CINPlan, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = agency_of_kind(world.child, AgencyKind.HEALTH)
    client_for("social_worker").post(
        f"/protection/cin-plans/{plan.pk}/end/",
        ending(dt.date(2026, 11, 2), next_step="early_help", lead_agency=str(health.pk)),
    )
    assert stage_of(plan.case) == Stage.EARLY_HELP
    episode = EarlyHelpEpisode.objects.get(case_id=plan.case_id)
    assert (episode.lead_agency, episode.stepped_down) == (health, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"end_reason": ""}, "end_reason", "Enter why the plan is ending"),
        ({"next_step": ""}, "next_step", "Select what happens to the case next"),
        ({"closure_reason": ""}, "closure_reason", "Select the reason for closing the case"),
        (
            {"next_step": "early_help"},
            "lead_agency",
            "Select the agency that will lead the early help",
        ),
        (
            {"next_step": "continue"},
            "next_step",
            "The case is open only for this plan: select whether to close it or step down to "
            "early help",
        ),
        (
            date_fields("ended_on", STARTED - dt.timedelta(days=1)),
            "ended_on_day",
            "The date the plan ended must be on or after the date it started (31 August 2026)",
        ),
        (
            date_fields("ended_on", dt.date(2026, 10, 1)),
            "ended_on_day",
            "The date the plan ended must be on or after its last review (15 October 2026)",
        ),
        (
            date_fields("ended_on", timezone.localdate() + dt.timedelta(days=1)),
            "ended_on_day",
            "The date the plan ended must be today or in the past",
        ),
    ],
)
def test_bad_endings_are_refused_with_a_message_at_the_field(
    world: World, plan: CINPlan, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    CINPlanReview.objects.create(
        plan=plan, held_on=dt.date(2026, 10, 15), recorded_by=world.users["social_worker"]
    )
    response = client_for("social_worker").post(
        f"/protection/cin-plans/{plan.pk}/end/", ending(dt.date(2026, 11, 2), **overrides)
    )
    assert f'href="#{anchor}">{message}' in body_of(response)
    plan.refresh_from_db()
    assert plan.ended_on is None
    assert stage_of(plan.case) == Stage.CIN_PLAN


@pytest.mark.django_db
def test_a_plan_that_ends_while_a_cp_plan_runs_leaves_the_case_open(
    world: World, plan: CINPlan, client_for
) -> None:  # type: ignore[no-untyped-def]
    Case.objects.filter(pk=plan.case_id).update(stage=Stage.CP_PLAN)
    client_for("social_worker").post(
        f"/protection/cin-plans/{plan.pk}/end/",
        ending(dt.date(2026, 11, 2), next_step="continue", closure_reason=""),
    )
    plan.refresh_from_db()
    assert plan.ended_on == dt.date(2026, 11, 2)
    assert stage_of(plan.case) == Stage.CP_PLAN


@pytest.mark.django_db
def test_scope_and_permissions(world: World, plan: CINPlan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/cin-plans/{plan.pk}/"
    school = client_for("designated_safeguarding_lead")
    assert school.get(url).status_code == 200
    assert school.get(f"{url}end/").status_code == 403
    hidden_case = make_referred_case(
        world.la_only_child, referral_date=OPENED, actor=world.users["social_worker"]
    )
    hidden = make_cin_plan(hidden_case, started_on=STARTED, actor=world.users["social_worker"])
    assert school.get(f"/protection/cin-plans/{hidden.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_dfe_rule_against_a_cin_plan_beside_an_open_cp_plan_refuses_the_start(
    world: World, case: Case
) -> None:
    worker = world.users["social_worker"]
    Case.objects.filter(pk=case.pk).update(stage=Stage.CP_PLAN)
    case.refresh_from_db()
    cp_plan = make_cp_plan(case, icpc_on=dt.date(2026, 8, 20), actor=worker)
    with pytest.raises(ServiceError, match="CIN rule 4001: A CIN Plan cannot run concurrently"):
        cin_plan_start(actor=worker, case=case, started_on=STARTED, plan="", reason="Step down")
    assert not CINPlan.objects.exists()
    assert stage_of(case) == Stage.CP_PLAN  # the move was rolled back with the plan
    cp_plan.ended_on = STARTED
    cp_plan.save()
    cin_plan_start(actor=worker, case=case, started_on=STARTED, plan="", reason="Step down")
    assert stage_of(case) == Stage.CIN_PLAN
