"""Section 47 enquiries: both initial conference clocks, and each outcome's effect on the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.frontdoor.models import Referral
from masa.journey.models import Case, ChronologyEntry, Stage
from masa.protection.models import (
    CINPlan,
    Conference,
    ConferenceChild,
    ConferenceKind,
    S47Enquiry,
)

from ..casework_factories import date_fields, make_referred_case, make_strategy_and_s47
from ..conftest import World

# Strategy discussion on Thursday 28 March 2024, the day before Good Friday; the enquiry started
# on Tuesday 2 April, the day after Easter Monday.
STRATEGY_ON = dt.date(2024, 3, 28)
STARTED = dt.date(2024, 4, 2)


@pytest.fixture
def enquiry(world: World) -> S47Enquiry:
    worker = world.users["social_worker"]
    case = make_referred_case(world.child, referral_date=STRATEGY_ON, actor=worker)
    Case.objects.filter(pk=case.pk).update(stage=Stage.S47)
    made = make_strategy_and_s47(case, held_on=STRATEGY_ON, actor=worker)
    made.started_on = STARTED
    made.save()
    return made


def outcome(day: dt.date, **overrides: str) -> dict[str, str]:
    data = {
        "outcome": "icpc",
        **date_fields("completed_on", day),
        "summary": "Injuries were non-accidental; father arrested",
        "next_step": "",
        "closure_reason": "",
        "version": "1",
    }
    data.update(overrides)
    return data


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("&#39;", "'")


def stage_of(enquiry: S47Enquiry) -> str:
    return Case.objects.get(pk=enquiry.case_id).stage


@pytest.mark.django_db
def test_both_conference_clocks_worked_out_by_hand(
    world: World, enquiry: S47Enquiry, client_for
) -> None:  # type: ignore[no-untyped-def]
    # Working Together: 15 working days from the strategy discussion on Thursday 28 March 2024,
    # skipping Good Friday and Easter Monday: day 1 is Tuesday 2 April, day 4 Friday 5 April,
    # day 9 Friday 12 April, day 14 Friday 19 April, day 15 Monday 22 April 2024.
    # DfE: 15 working days from the enquiry's start on Tuesday 2 April: Tuesday 23 April 2024.
    client = client_for("social_worker")
    url = f"/protection/section-47-enquiries/{enquiry.pk}/"
    body = body_of(client.get(url))
    assert "Due 22 April 2024" in body and "Due 23 April 2024" in body
    assert (
        "15 working days from the strategy discussion that started the section 47 enquiry on "
        "28 March 2024 (day 0), due 22 April 2024" in body
    )
    assert "Good Friday (29 March 2024), Easter Monday (1 April 2024)" in body
    assert "no bank holidays fall in this period" in body
    # The conference (recorded by the conference pages) held on 23 April: late by Working
    # Together's count, in time by the DfE's.
    conference = Conference.objects.create(
        kind=ConferenceKind.INITIAL,
        held_on=dt.date(2024, 4, 23),
        recorded_by=world.users["team_manager"],
    )
    ConferenceChild.objects.create(conference=conference, case=enquiry.case, child=world.child)
    body = body_of(client.get(url))
    assert "Missed" in body and "Met" in body
    assert body.count("(done 23 April 2024)") == 2


@pytest.mark.django_db
def test_an_initial_conference_outcome_moves_the_case_to_the_conference_stage(
    enquiry: S47Enquiry, client_for
) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 4, 10)
    response = client_for("social_worker").post(
        f"/protection/section-47-enquiries/{enquiry.pk}/outcome/", outcome(day)
    )
    assert response["Location"] == f"/protection/section-47-enquiries/{enquiry.pk}/"
    assert stage_of(enquiry) == Stage.ICPC
    enquiry.refresh_from_db()
    assert (enquiry.outcome, enquiry.completed_on) == ("icpc", day)
    line = ChronologyEntry.objects.get(
        record_type="protection.s47enquiry.outcome", record_id=enquiry.pk
    )
    assert line.occurred_on == day and "initial child protection conference" in line.summary


@pytest.mark.django_db
def test_a_child_in_need_outcome_starts_a_plan(enquiry: S47Enquiry, client_for) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 4, 10)
    client_for("social_worker").post(
        f"/protection/section-47-enquiries/{enquiry.pk}/outcome/", outcome(day, outcome="cin")
    )
    assert stage_of(enquiry) == Stage.CIN_PLAN
    assert CINPlan.objects.get(case_id=enquiry.case_id).started_on == day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "stage"),
    [
        (
            {"outcome": "not_substantiated", "next_step": "close", "closure_reason": "RC8"},
            Stage.CLOSED,
        ),
        ({"outcome": "not_substantiated", "next_step": "assessment"}, Stage.ASSESSMENT),
        ({"outcome": "substantiated_no_icpc", "next_step": "cin_plan"}, Stage.CIN_PLAN),
    ],
)
def test_no_conference_closes_the_case_or_sends_it_back(
    enquiry: S47Enquiry, client_for, overrides: dict[str, str], stage: Stage
) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 4, 10)
    client_for("social_worker").post(
        f"/protection/section-47-enquiries/{enquiry.pk}/outcome/", outcome(day, **overrides)
    )
    assert stage_of(enquiry) == stage
    if stage == Stage.CLOSED:
        referral = Referral.objects.get(case_id=enquiry.case_id)
        assert (referral.closure_date, referral.closure_reason) == (day, "RC8")
    page = body_of(
        client_for("social_worker").get(f"/protection/section-47-enquiries/{enquiry.pk}/")
    )
    assert "No conference is needed" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"outcome": ""}, "outcome", "Select the outcome of the enquiry"),
        (
            {"completed_on_year": ""},
            "completed_on_day",
            "Date the enquiry was completed must include a year",
        ),
        (
            date_fields("completed_on", STARTED - dt.timedelta(days=1)),
            "completed_on_day",
            "The date the enquiry was completed must be on or after the date it started "
            "(2 April 2024)",
        ),
        (
            date_fields("completed_on", timezone.localdate() + dt.timedelta(days=1)),
            "completed_on_day",
            "The date the enquiry was completed must be today or in the past",
        ),
        ({"outcome": "not_substantiated"}, "next_step", "Select what happens next for the child"),
        (
            {"outcome": "not_substantiated", "next_step": "close"},
            "closure_reason",
            "Select the reason for closing the case",
        ),
        (
            {"outcome": "not_substantiated", "next_step": "cin_plan"},
            "next_step",
            "For a child in need plan, select the outcome 'Concerns not substantiated: child in "
            "need services continue'",
        ),
    ],
)
def test_bad_outcomes_are_refused_with_a_message_at_the_field(
    enquiry: S47Enquiry, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/section-47-enquiries/{enquiry.pk}/outcome/",
        outcome(dt.date(2024, 4, 10), **overrides),
    )
    assert f'href="#{anchor}">{message}' in body_of(response)
    enquiry.refresh_from_db()
    assert enquiry.outcome == ""
    assert stage_of(enquiry) == Stage.S47


@pytest.mark.django_db
def test_the_outcome_is_recorded_once(enquiry: S47Enquiry, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    url = f"/protection/section-47-enquiries/{enquiry.pk}/outcome/"
    client.post(url, outcome(dt.date(2024, 4, 10)))
    again = client.post(url, outcome(dt.date(2024, 4, 11), outcome="cin", version="2"))
    assert "The outcome of this enquiry was already recorded" in body_of(again)
    assert stage_of(enquiry) == Stage.ICPC


@pytest.mark.django_db
def test_only_caseworkers_record_outcomes_and_scope_hides_other_children(
    world: World, enquiry: S47Enquiry, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/section-47-enquiries/{enquiry.pk}/"
    police = client_for("police_officer")
    assert police.get(url).status_code == 200
    assert police.post(f"{url}outcome/", outcome(dt.date(2024, 4, 10))).status_code == 403
    hidden_case = make_referred_case(
        world.la_only_child, referral_date=STRATEGY_ON, actor=world.users["social_worker"]
    )
    hidden = make_strategy_and_s47(
        hidden_case, held_on=STRATEGY_ON, actor=world.users["social_worker"]
    )
    assert police.get(f"/protection/section-47-enquiries/{hidden.pk}/").status_code == 404
    assert (
        client_for("social_worker")
        .get(f"/protection/section-47-enquiries/{hidden.pk}/")
        .status_code
        == 200
    )
