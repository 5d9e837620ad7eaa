"""Assessments: starting one, recording it under the practice model, completion, a manager's
authorisation with factors and outcome, both clocks, date corrections and scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditEvent
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.frontdoor.models import Referral
from masa.journey.models import Case, ChronologyEntry, PracticeModel, Stage
from masa.journey.services import practice_settings
from masa.protection.models import Assessment, CINPlan

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    make_assessment,
    make_case,
    make_referred_case,
)
from ..conftest import World

# Thursday before Easter 2024: Good Friday (29 March) and Easter Monday (1 April) follow.
REFERRAL = dt.date(2024, 3, 28)
STARTED = dt.date(2024, 4, 2)  # Tuesday
COMPLETED = dt.date(2024, 5, 30)


@pytest.fixture
def case(world: World) -> Case:
    return make_referred_case(
        world.child, referral_date=REFERRAL, actor=world.users["social_worker"]
    )


@pytest.fixture
def assessment(world: World, case: Case) -> Assessment:
    case.stage = Stage.ASSESSMENT
    case.save()
    made = make_assessment(case, started_on=STARTED, actor=world.users["social_worker"])
    made.completed_on = COMPLETED
    made.save()
    return made


def authorise(day: dt.date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **date_fields("authorised_on", day),
        "factors": ["16A", "3A"],
        "outcome": "cin_plan",
        "reason": "Neglect and domestic abuse: support needed under a plan",
        "lead_agency": "",
        "version": "1",
    }
    data.update(overrides)
    return data


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# ---------------------------------------------------------------- starting


@pytest.mark.django_db
def test_starting_an_assessment_moves_the_case_and_adds_a_chronology_line(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/assessments/new/",
        {**date_fields("started_on", STARTED), "summary": "Bruising seen at school"},
    )
    assessment = Assessment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"/protection/assessments/{assessment.pk}/"
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT
    assert case.transitions.last().effective_on == STARTED  # type: ignore[union-attr]
    line = ChronologyEntry.objects.get(record_type="protection.assessment", record_id=assessment.pk)
    assert (line.occurred_on, line.summary) == (STARTED, "Assessment started")
    assert AuditEvent.objects.filter(
        object_type="assessment", object_id=str(assessment.pk)
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"started_on_day": ""}, "Date the assessment started must include a day"),
        (
            {"started_on_day": "31", "started_on_month": "4"},
            "Date the assessment started must be a real date",
        ),
        (
            date_fields("started_on", REFERRAL - dt.timedelta(days=1)),
            "The date the assessment started must be on or after the referral date (28 March 2024)",
        ),
        (
            date_fields("started_on", timezone.localdate() + dt.timedelta(days=1)),
            "The date the assessment started must be today or in the past",
        ),
    ],
)
def test_a_bad_start_date_is_refused_with_a_message(
    case: Case, client_for, fields: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    data = {**date_fields("started_on", STARTED), **fields}
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/assessments/new/", data
    )
    assert response.status_code == 200
    assert message in body_of(response).replace("&#39;", "'")
    assert not Assessment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.stage == Stage.REFERRAL


@pytest.mark.django_db
def test_an_assessment_cannot_start_on_a_closed_case(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    closed = make_case(
        world.child, stage=Stage.CLOSED, opened_on=REFERRAL, actor=world.users["social_worker"]
    )
    response = client_for("social_worker").post(
        f"/protection/cases/{closed.pk}/assessments/new/", date_fields("started_on", STARTED)
    )
    assert "This case is closed. Log a new contact to start new work with the child." in body_of(
        response
    )
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_an_assessment_cannot_start_during_an_enquiry(world: World, case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    Case.objects.filter(pk=case.pk).update(stage=Stage.S47)
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/assessments/new/", date_fields("started_on", STARTED)
    )
    assert (
        "An assessment can only start on an accepted referral. This case is at the stage "
        "&#39;Section 47 enquiry&#39;." in body_of(response)
    )


@pytest.mark.django_db
def test_a_second_assessment_waits_for_the_first_to_be_authorised(
    assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{assessment.case_id}/assessments/new/",
        date_fields("started_on", COMPLETED),
    )
    assert "This case already has an assessment in progress" in body_of(response)
    assert Assessment.objects.count() == 1


# ---------------------------------------------------------------- the clocks


@pytest.mark.django_db
def test_both_clocks_worked_out_by_hand_across_easter_and_the_may_bank_holidays(
    assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    # Working Together: 45 working days from the referral on Thursday 28 March 2024. Skipping
    # weekends, Good Friday 29 March, Easter Monday 1 April, the early May bank holiday (6 May)
    # and the spring bank holiday (27 May): working day 1 is Tuesday 2 April, day 20 is Friday
    # 26 April... day 42 is Friday 31 May, so day 45 is Wednesday 5 June 2024.
    # DfE: 45 working days from the start on Tuesday 2 April: Thursday 6 June 2024.
    client = client_for("social_worker")
    body = body_of(client.get(f"/protection/assessments/{assessment.pk}/"))
    assert "Due 5 June 2024" in body
    assert "Due 6 June 2024" in body
    assert "Good Friday (29 March 2024), Easter Monday (1 April 2024)" in body
    assert "from the referral on 28 March 2024 (day 0), due 5 June 2024" in body
    assert "from the assessment started on 2 April 2024 (day 0), due 6 June 2024" in body
    assert body.count("Overdue") == 2  # not authorised, and long past both dates

    # Authorised on 6 June: a day late by Working Together, in time by the DfE's counting.
    manager = client_for("team_manager")
    manager.post(
        f"/protection/assessments/{assessment.pk}/authorise/", authorise(dt.date(2024, 6, 6))
    )
    body = body_of(client.get(f"/protection/assessments/{assessment.pk}/"))
    assert "Missed" in body and "Met" in body
    assert body.count("(done 6 June 2024)") == 2


# ---------------------------------------------------------- recording under the practice model


@pytest.mark.django_db
def test_signs_of_safety_records_the_mapping_and_scaling(
    assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    url = f"/protection/assessments/{assessment.pk}/change/"
    form = body_of(client.get(url))
    assert "What are we worried about?" in form and "Scaling" in form
    data = {
        **date_fields("started_on", STARTED),
        "summary": "Seen at home and at school",
        "worries": "Bruises on both arms",
        "working_well": "Grandmother visits daily",
        "needs_to_happen": "Safety plan with grandmother",
        "scaling": "4",
        "version": "1",
    }
    refused = client.post(url, {**data, "scaling": "11"})
    assert 'href="#scaling">Scaling must be a number from 0 to 10' in body_of(refused)
    assert client.post(url, data).status_code == 302
    page = body_of(client.get(f"/protection/assessments/{assessment.pk}/"))
    assert "Grandmother visits daily" in page and "4 out of 10" in page


@pytest.mark.django_db
def test_other_practice_models_record_an_analysis_instead(
    world: World, assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    settings = practice_settings(world.partnership.pk)
    settings.practice_model = PracticeModel.SYSTEMIC
    settings.save()
    client = client_for("social_worker")
    url = f"/protection/assessments/{assessment.pk}/change/"
    form = body_of(client.get(url))
    assert "Analysis" in form
    assert "What are we worried about?" not in form and "Scaling" not in form
    data = {**date_fields("started_on", STARTED), "analysis": "Father's drinking", "version": "1"}
    assert client.post(url, data).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).analysis == "Father's drinking"


@pytest.mark.django_db
def test_correcting_the_start_date_moves_the_chronology_line_and_the_dfe_clock(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.post(f"/protection/cases/{case.pk}/assessments/new/", date_fields("started_on", STARTED))
    assessment = Assessment.objects.get(case=case)
    url = f"/protection/assessments/{assessment.pk}/change/"
    corrected = dt.date(2024, 4, 3)
    data = {**date_fields("started_on", corrected), "version": "1"}
    assert client.post(url, data).status_code == 302
    line = ChronologyEntry.objects.get(record_type="protection.assessment", record_id=assessment.pk)
    assert line.occurred_on == corrected
    assert "Due 7 June 2024" in body_of(client.get(f"/protection/assessments/{assessment.pk}/"))
    # A second editor working from the first version is refused; nothing is overwritten.
    stale = client_for("team_manager").post(url, {**data, "summary": "Other words"})
    assert "Someone else changed this record while you were working on it" in body_of(stale)
    assert 'name="version" value="2"' in body_of(stale)  # saving again is a deliberate choice
    assert Assessment.objects.get(pk=assessment.pk).summary == ""


# ---------------------------------------------------------------- completion and authorisation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            STARTED - dt.timedelta(days=1),
            "The date the assessment was completed must be on or after the date it started "
            "(2 April 2024)",
        ),
        (
            timezone.localdate() + dt.timedelta(days=1),
            "The date the assessment was completed must be today or in the past",
        ),
    ],
)
def test_a_bad_completion_date_is_refused(
    assessment: Assessment, client_for, day: dt.date, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/assessments/{assessment.pk}/complete/",
        {**date_fields("completed_on", day), "version": "1"},
    )
    assert message in body_of(response)
    assert Assessment.objects.get(pk=assessment.pk).completed_on == COMPLETED


@pytest.mark.django_db
def test_a_social_worker_cannot_authorise(assessment: Assessment, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/assessments/{assessment.pk}/authorise/"
    assert client_for("social_worker").post(url, authorise(COMPLETED)).status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).authorised_on is None


@pytest.mark.django_db
def test_an_assessment_must_be_completed_before_it_is_authorised(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    Case.objects.filter(pk=case.pk).update(stage=Stage.ASSESSMENT)
    fresh = make_assessment(case, started_on=STARTED, actor=world.users["social_worker"])
    response = client_for("team_manager").post(
        f"/protection/assessments/{fresh.pk}/authorise/", authorise(COMPLETED)
    )
    assert "The assessment has not been completed" in body_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"factors": []}, "factors", "Select at least one factor identified at assessment"),
        (
            {"factors": ["21", "16A"]},
            "factors",
            "&#39;21 No factors identified&#39; cannot be selected with other factors",
        ),
        (
            {"factors": ["21"]},
            "factors",
            "&#39;21 No factors identified&#39; can only be used when no further action is taken",
        ),
        ({"factors": ["99Z"]}, "factors", "Select factors from the list"),
        ({"outcome": ""}, "outcome", "Select the outcome of the assessment"),
        ({"reason": ""}, "reason", "Enter the reasons for your decision"),
        (
            {"outcome": "early_help"},
            "lead_agency",
            "Select the agency that will lead the early help",
        ),
        (
            date_fields("authorised_on", COMPLETED - dt.timedelta(days=1)),
            "authorised_on",
            "The date the assessment was authorised must be on or after the date it was "
            "completed (30 May 2024)",
        ),
        (
            date_fields("authorised_on", timezone.localdate() + dt.timedelta(days=1)),
            "authorised_on",
            "The date the assessment was authorised must be today or in the past",
        ),
    ],
)
def test_bad_authorisations_are_refused_with_a_message_at_the_field(
    assessment: Assessment, client_for, overrides: dict[str, object], field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("team_manager").post(
        f"/protection/assessments/{assessment.pk}/authorise/",
        authorise(dt.date(2024, 6, 3), **overrides),
    )
    body = body_of(response)
    assert response.status_code == 200
    anchor = f"{field}_day" if field == "authorised_on" else field
    assert f'href="#{anchor}">{message}' in body
    assessment.refresh_from_db()
    assert assessment.authorised_on is None
    assert Case.objects.get(pk=assessment.case_id).stage == Stage.ASSESSMENT


@pytest.mark.django_db
def test_no_further_action_closes_the_case_with_reason_rc8(
    assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 6, 3)
    client_for("team_manager").post(
        f"/protection/assessments/{assessment.pk}/authorise/",
        authorise(day, factors=["21"], outcome="nfa"),
    )
    case = Case.objects.get(pk=assessment.case_id)
    assert (case.stage, case.closed_on) == (Stage.CLOSED, day)
    assert "RC8" in case.closure_reason
    referral = Referral.objects.get(case=case)
    assert (referral.closure_date, referral.closure_reason) == (day, "RC8")
    assessment.refresh_from_db()
    assert (assessment.factors, assessment.outcome, assessment.authorised_on) == (
        ["21"],
        "nfa",
        day,
    )


@pytest.mark.django_db
def test_a_child_in_need_plan_outcome_starts_the_plan(assessment: Assessment, client_for) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 6, 3)
    client_for("team_manager").post(
        f"/protection/assessments/{assessment.pk}/authorise/", authorise(day)
    )
    assert Case.objects.get(pk=assessment.case_id).stage == Stage.CIN_PLAN
    plan = CINPlan.objects.get(case_id=assessment.case_id)
    assert plan.started_on == day
    assessment.refresh_from_db()
    assert assessment.factors == ["3A", "16A"]  # in the DfE's order


@pytest.mark.django_db
def test_a_strategy_outcome_moves_the_case_to_strategy(assessment: Assessment, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for("team_manager").post(
        f"/protection/assessments/{assessment.pk}/authorise/",
        authorise(dt.date(2024, 6, 3), outcome="strategy", factors=["18C"]),
    )
    assert Case.objects.get(pk=assessment.case_id).stage == Stage.STRATEGY


@pytest.mark.django_db
def test_an_early_help_outcome_steps_the_case_down(
    world: World, assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    school = agency_of_kind(world.child, AgencyKind.SCHOOL)
    day = dt.date(2024, 6, 3)
    client_for("team_manager").post(
        f"/protection/assessments/{assessment.pk}/authorise/",
        authorise(day, outcome="early_help", factors=["4B"], lead_agency=str(school.pk)),
    )
    assert Case.objects.get(pk=assessment.case_id).stage == Stage.EARLY_HELP
    episode = EarlyHelpEpisode.objects.get(case_id=assessment.case_id)
    assert (episode.lead_agency, episode.stepped_down, episode.started_on) == (school, True, day)
    assert Referral.objects.get(case_id=assessment.case_id).closure_reason == "RC9"


@pytest.mark.django_db
def test_an_assessment_cannot_be_authorised_twice(assessment: Assessment, client_for) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    url = f"/protection/assessments/{assessment.pk}/authorise/"
    manager.post(url, authorise(dt.date(2024, 6, 3)))
    again = manager.post(url, authorise(dt.date(2024, 6, 4), version="2"))
    assert "This assessment was authorised on 3 June 2024" in body_of(again)
    assert CINPlan.objects.count() == 1


@pytest.mark.django_db
def test_correcting_the_authorisation_date_moves_its_chronology_line_only(
    assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    manager.post(
        f"/protection/assessments/{assessment.pk}/authorise/",
        authorise(dt.date(2024, 6, 6), outcome="strategy", factors=["18C"]),
    )
    url = f"/protection/assessments/{assessment.pk}/authorisation/change/"
    refused = manager.post(
        url, {**date_fields("authorised_on", dt.date(2024, 6, 5)), "reason": "", "version": "2"}
    )
    assert "Enter why the date is being corrected" in body_of(refused)
    data = {
        **date_fields("authorised_on", dt.date(2024, 6, 5)),
        "reason": "Typed the wrong day",
        "version": "2",
    }
    assert manager.post(url, data).status_code == 302
    line = ChronologyEntry.objects.get(
        record_type="protection.assessment.authorised", record_id=assessment.pk
    )
    assert line.occurred_on == dt.date(2024, 6, 5)
    started = ChronologyEntry.objects.filter(
        record_type="protection.assessment", record_id=assessment.pk
    )
    assert all(entry.occurred_on == STARTED for entry in started)
    page = body_of(manager.get(f"/protection/assessments/{assessment.pk}/"))
    assert "Missed" not in page  # 5 June meets both clocks
    stale = manager.post(url, data)
    assert "Someone else changed this record" in body_of(stale)


# ---------------------------------------------------------------- scoping


@pytest.mark.django_db
def test_a_police_officer_sees_only_assessments_of_children_police_work_with(
    world: World, assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    other_case = make_referred_case(
        world.la_only_child, referral_date=REFERRAL, actor=world.users["social_worker"]
    )
    hidden = make_assessment(other_case, started_on=STARTED, actor=world.users["social_worker"])
    police = client_for("police_officer")
    assert police.get(f"/protection/assessments/{hidden.pk}/").status_code == 404
    assert police.get("/protection/assessments/999999/").status_code == 404
    assert police.get(f"/protection/assessments/{assessment.pk}/").status_code == 200
    assert police.get(f"/protection/assessments/{assessment.pk}/change/").status_code == 403
    viewed = AuditEvent.objects.filter(
        object_type="child", child_id=world.child.pk, actor=world.users["police_officer"]
    )
    assert viewed.exists()


@pytest.mark.django_db
def test_the_dfe_rule_against_overlapping_assessments_refuses_a_start(
    world: World, assessment: Assessment, client_for
) -> None:  # type: ignore[no-untyped-def]
    assessment.authorised_on = dt.date(2024, 6, 5)
    assessment.factors = ["16A"]
    assessment.outcome = "strategy"
    assessment.save()
    client = client_for("social_worker")
    url = f"/protection/cases/{assessment.case_id}/assessments/new/"
    overlapping = client.post(url, date_fields("started_on", dt.date(2024, 5, 3)))
    assert (
        'href="#started_on_day">CIN rule 8863: An Assessment is shown as starting when there is '
        "another Assessment ongoing" in body_of(overlapping)
    )
    assert Assessment.objects.count() == 1
    assert client.post(url, date_fields("started_on", dt.date(2024, 6, 6))).status_code == 302
    assert Assessment.objects.count() == 2
