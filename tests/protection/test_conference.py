"""Initial child protection conferences: the two clocks, date rules, the chair's decision and
what it does to the case, corrections, Signs of Safety, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, AuditEvent
from masa.journey.models import Case, ChronologyEntry, EventType, PracticeModel, Stage
from masa.journey.services import practice_settings
from masa.protection.models import (
    ChildProtectionPlan,
    CINPlan,
    Conference,
    ConferenceChild,
    S47Enquiry,
)

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    make_case,
    make_conference_for,
    make_icpc_case,
    make_strategy_and_s47,
)
from ..conftest import World

pytestmark = pytest.mark.django_db

STRATEGY = dt.date(2024, 3, 11)  # Monday
S47_START = dt.date(2024, 3, 12)
HELD = dt.date(2024, 4, 4)  # Thursday after Easter


@pytest.fixture
def case(world: World) -> Case:
    return make_icpc_case(
        world.child, strategy_on=STRATEGY, s47_on=S47_START, actor=world.users["social_worker"]
    )


def conference_data(world: World, held_on: dt.date = HELD, **overrides: object) -> dict:
    data: dict[str, object] = {
        **date_fields("held_on", held_on),
        "agencies": [
            str(agency_of_kind(world.child, AgencyKind.POLICE).pk),
            str(agency_of_kind(world.child, AgencyKind.HEALTH).pk),
        ],
        "family_attended": "yes",
        "chair": str(world.users["independent_reviewing_officer"].pk),
        "summary": "Bruising explained inconsistently; school reports hunger",
        "worries": "Unexplained bruising",
        "working_well": "Grandmother visits daily",
        "needs_to_happen": "Mother attends the parenting course",
        "scaling": "3",
        "other_children": "",
    }
    data.update(overrides)
    return data


def decision_data(**overrides: str) -> dict[str, str]:
    data = {
        "plan_needed": "yes",
        "category": "NEG",
        "plan": "Daily breakfast club; health visitor fortnightly",
        "contingency_plan": "If Kira is found without food again, legal advice will be sought",
        "visit_frequency_working_days": "10",
        "next_step": "",
        "cin_plan": "",
        "closure_reason": "",
    }
    data.update(overrides)
    return data


def test_the_form_shows_the_working_together_and_dfe_clocks_with_their_explanations(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    body = client_for("social_worker").get(f"/protection/cases/{case.pk}/conferences/new/")
    text = body.content.decode()
    assert body.status_code == 200
    # 15 working days from the strategy discussion on 11 March 2024, skipping Good Friday and
    # Easter Monday: 3 April 2024. The DfE counts from the s47 start (12 March): 4 April 2024.
    assert "Due 3 April 2024" in text and "Due 4 April 2024" in text
    assert "the strategy discussion that started the section 47 enquiry on 11 March 2024" in text
    assert "Good Friday (29 March 2024)" in text


def test_recording_the_conference_shows_working_together_missed_and_dfe_met(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/conferences/new/", conference_data(world)
    )
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/protection/conferences/{conference.pk}/"
    assert conference.kind == "initial" and conference.held_on == HELD
    assert conference.family_attended and conference.scaling == 3
    assert ConferenceChild.objects.get().plan_needed is None
    entry = ChronologyEntry.objects.get(event_type=EventType.CONFERENCE)
    assert entry.occurred_on == HELD and "Test Police" in entry.summary
    assert AuditEvent.objects.filter(object_type="conference", action="create").count() == 1

    page = client_for("police_officer").get(response["Location"]).content.decode()
    assert "Due 3 April 2024" in page and "Missed" in page  # Working Together: 15 from strategy
    assert "Due 4 April 2024" in page and "Met" in page  # DfE: 15 from the s47 start
    assert "Signs of Safety mapping" in page and "Grandmother visits daily" in page


def test_bad_input_is_refused_with_messages_that_name_the_field(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/cases/{case.pk}/conferences/new/"
    client = client_for("social_worker")
    empty = client.post(url, {}).content.decode()
    assert 'href="#held_on_day">Enter date of the conference' in empty
    assert 'href="#family_attended">Select whether the family attended' in empty
    bad_scaling = client.post(url, conference_data(world, scaling="11")).content.decode()
    assert "Scaling must be a number from 0 to 10" in bad_scaling
    bad_ids = client.post(url, conference_data(world, other_children="Kira")).content.decode()
    assert "&#39;Kira&#39; is not a masa ID" in bad_ids
    assert not Conference.objects.exists()


def test_a_conference_before_the_strategy_discussion_is_refused(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        f"/protection/cases/{case.pk}/conferences/new/",
        conference_data(world, held_on=dt.date(2024, 3, 8)),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        'href="#held_on_day">Date of the conference must be the same as or after the strategy '
        "discussion that started the section 47 enquiry for Kira Holt (11 March 2024)"
    ) in body
    assert "<title>Error:" in body
    assert not Conference.objects.exists()


def test_a_conference_before_the_enquiry_started_or_in_the_future_is_refused(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/cases/{case.pk}/conferences/new/"
    client = client_for("social_worker")
    before_s47 = client.post(url, conference_data(world, held_on=STRATEGY)).content.decode()
    assert (
        "Date of the conference must be the same as or after the date the section 47 enquiry "
        "for Kira Holt started (12 March 2024)"
    ) in before_s47
    future = client.post(url, conference_data(world, held_on=dt.date(2099, 1, 5))).content.decode()
    assert "Date of the conference must be today or in the past" in future
    assert not Conference.objects.exists()


def test_a_case_not_waiting_for_a_conference_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.S47, opened_on=STRATEGY, actor=sw)
    make_strategy_and_s47(case, held_on=STRATEGY, actor=sw)
    body = (
        client_for("social_worker")
        .post(f"/protection/cases/{case.pk}/conferences/new/", conference_data(world))
        .content.decode()
    )
    assert "Kira Holt&#39;s case is at the stage &#39;Section 47 enquiry&#39;" in body
    assert not Conference.objects.exists()


def test_a_plan_needs_a_category_and_a_contingency_plan(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for([case], held_on=HELD, actor=world.users["social_worker"])
    url = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    client = client_for("independent_reviewing_officer")
    no_answer = client.post(url, decision_data(plan_needed="")).content.decode()
    assert "Select whether the child needs a child protection plan" in no_answer
    no_category = client.post(url, decision_data(category="")).content.decode()
    assert 'href="#category">Select the category of abuse' in no_category
    no_contingency = client.post(url, decision_data(contingency_plan="  ")).content.decode()
    assert (
        'href="#contingency_plan">Enter the contingency plan: what will happen if the plan does '
        "not keep Kira safe"
    ) in no_contingency
    bad_frequency = client.post(url, decision_data(visit_frequency_working_days="30"))
    assert "Visits must be every 1 to 20 working days" in bad_frequency.content.decode()
    assert not ChildProtectionPlan.objects.exists()
    case.refresh_from_db()
    assert case.stage == Stage.ICPC
    assert ConferenceChild.objects.get().plan_needed is None


def test_the_chair_decides_a_plan_is_needed_and_the_case_moves_to_the_plan_stage(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for([case], held_on=HELD, actor=world.users["social_worker"])
    url = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    response = client_for("independent_reviewing_officer").post(url, decision_data())
    plan = ChildProtectionPlan.objects.get()
    assert response["Location"] == f"/protection/cp-plans/{plan.pk}/"
    assert (plan.started_on, plan.initial_category, plan.latest_category) == (HELD, "NEG", "NEG")
    assert plan.contingency_plan.startswith("If Kira is found without food")
    case.refresh_from_db()
    assert case.stage == Stage.CP_PLAN
    transition = case.transitions.last()
    assert transition is not None and transition.effective_on == HELD
    assert "needs a child protection plan (category: Neglect)" in transition.reason
    conference.refresh_from_db()
    assert conference.chair == world.users["independent_reviewing_officer"]
    line = ChronologyEntry.objects.get(event_type=EventType.CP_PLAN)
    assert (line.occurred_on, line.record_id) == (HELD, plan.pk)
    # The decision is recorded once: a second chair's attempt is refused.
    again = client_for("independent_reviewing_officer").get(url).content.decode()
    assert "has already been recorded" in again
    assert ChildProtectionPlan.objects.count() == 1


def test_no_plan_needed_starts_a_child_in_need_plan(world: World, case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for([case], held_on=HELD, actor=world.users["social_worker"])
    url = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    client = client_for("independent_reviewing_officer")
    missing = client.post(url, decision_data(plan_needed="no")).content.decode()
    assert "Select what happens next for Kira Holt without a plan" in missing
    client.post(
        url,
        decision_data(plan_needed="no", next_step="cin_plan", cin_plan="Family support weekly"),
    )
    case.refresh_from_db()
    assert case.stage == Stage.CIN_PLAN
    cin = CINPlan.objects.get()
    assert (cin.started_on, cin.plan) == (HELD, "Family support weekly")
    assert not ChildProtectionPlan.objects.exists()
    assert ConferenceChild.objects.get().plan_needed is False


def test_no_plan_needed_can_close_the_case_with_a_reason(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for([case], held_on=HELD, actor=world.users["social_worker"])
    url = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    client = client_for("independent_reviewing_officer")
    no_reason = client.post(url, decision_data(plan_needed="no", next_step="close"))
    assert "Select the reason for closing the case" in no_reason.content.decode()
    client.post(url, decision_data(plan_needed="no", next_step="close", closure_reason="RC7"))
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == (Stage.CLOSED, HELD)


def test_correcting_the_date_moves_the_chronology_and_the_plan_start(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = client_for("social_worker")
    sw.post(f"/protection/cases/{case.pk}/conferences/new/", conference_data(world))
    conference = Conference.objects.get()
    client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/",
        decision_data(),
    )
    url = f"/protection/conferences/{conference.pk}/change/"
    before_strategy = sw.post(
        url, {**conference_data(world, held_on=dt.date(2024, 3, 1)), "version": "1"}
    )
    assert "the strategy discussion that started" in before_strategy.content.decode()

    corrected = dt.date(2024, 4, 3)
    response = sw.post(url, {**conference_data(world, held_on=corrected), "version": "1"})
    assert response.status_code == 302
    assert ChildProtectionPlan.objects.get().started_on == corrected
    dates = set(
        ChronologyEntry.objects.filter(
            event_type__in=[EventType.CONFERENCE, EventType.CP_PLAN]
        ).values_list("occurred_on", flat=True)
    )
    assert dates == {corrected}
    page = sw.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Met" in page and "Missed" not in page  # 3 April meets both clocks now

    # A second editor still holding version 1 is refused and nothing is overwritten.
    stale = client_for("team_manager").post(
        url, {**conference_data(world, held_on=dt.date(2024, 4, 2)), "version": "1"}
    )
    assert "Someone else changed this record while you were working on it" in (
        stale.content.decode()
    )
    assert Conference.objects.get().held_on == corrected


def test_signs_of_safety_is_not_shown_when_the_partnership_uses_another_model(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    settings = practice_settings(world.partnership.pk)
    settings.practice_model = PracticeModel.SYSTEMIC
    settings.save()
    client = client_for("social_worker")
    form = client.get(f"/protection/cases/{case.pk}/conferences/new/").content.decode()
    assert "Signs of Safety" not in form
    client.post(f"/protection/cases/{case.pk}/conferences/new/", conference_data(world))
    conference = Conference.objects.get()
    assert conference.worries == "" and conference.scaling is None
    page = client.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "Signs of Safety" not in page


def test_only_the_chair_records_decisions_and_only_caseworkers_record_conferences(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_conference_for([case], held_on=HELD, actor=world.users["social_worker"])
    decision = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    assert client_for("social_worker").post(decision, decision_data()).status_code == 403
    assert client_for("police_officer").get(decision).status_code == 403
    new = f"/protection/cases/{case.pk}/conferences/new/"
    assert client_for("independent_reviewing_officer").get(new).status_code == 403
    assert (
        client_for("police_officer").get(f"/protection/conferences/{conference.pk}/").status_code
        == 200
    )
    assert not ChildProtectionPlan.objects.exists()


def test_a_conference_about_a_child_out_of_scope_is_not_found(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    hidden = make_icpc_case(world.la_only_child, strategy_on=STRATEGY, actor=sw)
    conference = make_conference_for([hidden], held_on=HELD, actor=sw)
    for path in (
        f"/protection/conferences/{conference.pk}/",
        f"/protection/conferences/{conference.pk}/pack/",
        f"/protection/children/{world.la_only_child.pk}/conferences/",
    ):
        assert client_for("police_officer").get(path).status_code == 404
        assert client_for("social_worker").get(path).status_code == 200
    assert client_for("social_worker").get("/protection/conferences/999999/").status_code == 404


def test_the_child_page_lists_conferences_and_offers_the_next_step(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for("social_worker").get(f"/protection/children/{world.child.pk}/conferences/")
    text = page.content.decode()
    assert "Record the initial child protection conference" in text
    assert f"/protection/cases/{case.pk}/conferences/new/" in text
    assert AuditEvent.objects.filter(action="view", child_id=world.child.pk).exists()
    police = client_for("police_officer").get(f"/protection/children/{world.child.pk}/conferences/")
    assert "Record the initial" not in police.content.decode()


def test_the_enquiry_rule_needs_an_enquiry_that_decided_on_a_conference(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    S47Enquiry.objects.update(outcome="")
    body = (
        client_for("social_worker")
        .post(f"/protection/cases/{case.pk}/conferences/new/", conference_data(world))
        .content.decode()
    )
    assert "has no section 47 enquiry whose outcome is an initial conference" in body
