"""Child protection plans: the plan page's clocks on worked examples with bank holidays, core
groups, review conferences, the category, changes and the end of the plan."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.calendar import ClockState
from masa.core.models import AgencyKind, AuditEvent
from masa.journey.deadlines import Scope, open_deadlines
from masa.journey.models import Case, ChronologyEntry, EventType, Stage
from masa.protection import selectors
from masa.protection.models import (
    ChildProtectionPlan,
    CINPlan,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMeeting,
    Visit,
)

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    fix_today,
    make_case,
    make_cp_plan,
    make_scheduled_conference,
)
from ..conftest import World

pytestmark = pytest.mark.django_db


TODAY = dt.date(2026, 11, 23)  # the date masa takes as today in the scheduling tests
EASTER_ICPC = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return fix_today(monkeypatch, TODAY)


def plan_from(world: World, icpc_on: dt.date = EASTER_ICPC) -> ChildProtectionPlan:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=icpc_on, actor=sw)
    return make_cp_plan(case, icpc_on=icpc_on, actor=sw)


def review_data(world: World, held_on: dt.date, **overrides: str) -> dict:
    data: dict[str, object] = {
        **date_fields("held_on", held_on),
        "agencies": [str(agency_of_kind(world.child, AgencyKind.SCHOOL).pk)],
        "family_attended": "yes",
        "decision": "continue",
        "latest_category": "NEG",
        "end_reason": "no_longer_at_risk",
        "next_step": "",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_first_core_group_and_first_review_clocks_over_easter(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    today = dt.date(2024, 4, 3)
    # By hand: 10 working days after Thursday 28 March 2024, skipping Good Friday (29 March),
    # the weekend and Easter Monday (1 April): 2, 3, 4, 5, 8, 9, 10, 11, 12, 15 April.
    core = selectors.core_group_clocks(plan, today).next_due
    assert core is not None and core.clock.due == dt.date(2024, 4, 15)
    assert core.state is ClockState.DUE
    review = selectors.review_clocks(plan, today).next_due
    assert review is not None and review.clock.due == dt.date(2024, 6, 28)  # 3 calendar months

    page = client_for("health_safeguarding_practitioner").get(f"/protection/cp-plans/{plan.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Due 15 April 2024" in text and "Good Friday (29 March 2024)" in text
    assert "Due 28 June 2024" in text
    assert "If the plan is not followed, legal advice will be sought" in text  # contingency


def test_first_review_three_months_after_31_august_is_30_november(world: World) -> None:
    plan = plan_from(world, icpc_on=dt.date(2023, 8, 31))
    review = selectors.review_clocks(plan, dt.date(2023, 9, 1)).next_due
    assert review is not None and review.clock.due == dt.date(2023, 11, 30)


def test_core_groups_are_met_or_missed_and_the_next_follows_the_local_rule(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    client = client_for("social_worker")
    url = f"/protection/cp-plans/{plan.pk}/core-groups/new/"
    early = client.post(url, date_fields("held_on", dt.date(2024, 3, 27))).content.decode()
    assert (
        "Date of the core group must be the same as or after the date the plan started "
        "(28 March 2024)"
    ) in early
    future = client.post(url, date_fields("held_on", dt.date(2099, 3, 27))).content.decode()
    assert "Date of the core group must be today or in the past" in future
    assert "Enter date of the core group" in client.post(url, {}).content.decode()

    police = str(agency_of_kind(world.child, AgencyKind.POLICE).pk)
    response = client.post(
        url, {**date_fields("held_on", dt.date(2024, 4, 16)), "agencies": [police]}
    )
    assert response.status_code == 302
    line = ChronologyEntry.objects.get(event_type=EventType.CORE_GROUP)
    assert line.occurred_on == dt.date(2024, 4, 16) and "Test Police" in line.summary

    meetings = selectors.core_group_clocks(plan, dt.date(2024, 4, 17))
    [(_meeting, first)] = meetings.held
    assert first.state is ClockState.MISSED  # due 15 April, held 16 April
    # Later core groups: the local rule's 30 working days from Tuesday 16 April 2024. By hand:
    # 17 to 30 April make 10; 1 to 3 May, 13; 7 to 10 May (6 May is a bank holiday), 17;
    # 13 to 17 May, 22; 20 to 24 May, 27; 28 to 30 May (27 May is a bank holiday), 30.
    assert meetings.next_due is not None and meetings.next_due.clock.due == dt.date(2024, 5, 30)
    page = client.get(f"/protection/cp-plans/{plan.pk}/").content.decode()
    assert "Missed" in page and "Due 30 May 2024" in page


def test_a_review_that_continues_the_plan_and_changes_the_category(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world, icpc_on=dt.date(2023, 8, 31))
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/cp-plans/{plan.pk}/reviews/new/"
    too_early = chair.post(url, review_data(world, dt.date(2023, 8, 31))).content.decode()
    assert (
        "Date of the review conference must be after the conference that made the plan "
        "(31 August 2023)"
    ) in too_early
    no_decision = chair.post(url, review_data(world, dt.date(2023, 11, 30), decision=""))
    assert "Select whether the plan continues or ends" in no_decision.content.decode()

    response = chair.post(url, review_data(world, dt.date(2023, 11, 30), latest_category="EMO"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category, plan.ended_on) == ("NEG", "EMO", None)
    assert AuditEvent.objects.filter(object_type="cp_plan", after__latest_category="EMO").exists()
    reviews = selectors.review_clocks(plan, dt.date(2023, 12, 1))
    [(subject, first)] = reviews.held
    assert subject.conference.kind == ConferenceKind.REVIEW
    assert (first.clock.due, first.state) == (dt.date(2023, 11, 30), ClockState.MET)
    assert reviews.next_due is not None and reviews.next_due.clock.due == dt.date(2024, 5, 30)
    page = chair.get(f"/protection/cp-plans/{plan.pk}/").content.decode()
    assert "Emotional abuse" in page and "Met" in page and "Due 30 May 2024" in page


def test_a_review_that_ends_the_plan_starts_a_child_in_need_plan(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world, icpc_on=dt.date(2023, 8, 31))
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/cp-plans/{plan.pk}/reviews/new/"
    no_next = chair.post(url, review_data(world, dt.date(2023, 11, 30), decision="end"))
    assert "Select what happens to the case when the plan ends" in no_next.content.decode()
    chair.post(
        url,
        review_data(
            world,
            dt.date(2023, 11, 30),
            decision="end",
            next_step="cin_plan",
            cin_plan="Family support worker weekly",
        ),
    )
    plan.refresh_from_db()
    assert (plan.ended_on, plan.end_reason) == (dt.date(2023, 11, 30), "no_longer_at_risk")
    case = Case.objects.get()
    assert case.stage == Stage.CIN_PLAN
    assert CINPlan.objects.get().started_on == dt.date(2023, 11, 30)
    ended = ChronologyEntry.objects.filter(summary__startswith="Child protection plan ended")
    assert list(ended.values_list("occurred_on", flat=True)) == [dt.date(2023, 11, 30)]


def test_ending_a_plan_checks_the_dates_and_closes_the_case(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    manager = client_for("team_manager")
    url = f"/protection/cp-plans/{plan.pk}/end/"
    base = {
        "end_reason": "moved_away",
        "next_step": "close",
        "closure_reason": "RC5",
        "version": "1",
    }
    before = manager.post(url, {**base, **date_fields("ended_on", dt.date(2024, 3, 27))})
    assert (
        'href="#ended_on_day">The date the plan ended must be the same as or after the date it '
        "started (28 March 2024)"
    ) in before.content.decode()
    future = manager.post(url, {**base, **date_fields("ended_on", dt.date(2099, 1, 1))})
    assert "The date the plan ended must be today or in the past" in future.content.decode()
    no_reason = manager.post(
        url, {**base, "end_reason": "", **date_fields("ended_on", dt.date(2024, 9, 2))}
    )
    assert "Select why the plan is ending" in no_reason.content.decode()
    assert ChildProtectionPlan.objects.get().ended_on is None

    assert (
        manager.post(url, {**base, **date_fields("ended_on", dt.date(2024, 9, 2))}).status_code
        == 302
    )
    plan.refresh_from_db()
    assert (plan.ended_on, plan.end_reason) == (dt.date(2024, 9, 2), "moved_away")
    case = Case.objects.get()
    assert (case.stage, case.closed_on) == (Stage.CLOSED, dt.date(2024, 9, 2))
    assert client_for("social_worker").get(url).status_code == 403  # only managers end plans


def test_changing_the_plan_needs_a_contingency_plan_and_the_current_version(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    url = f"/protection/cp-plans/{plan.pk}/change/"
    data = {
        "plan": "Breakfast club daily",
        "contingency_plan": "Legal planning meeting",
        "visit_frequency_working_days": "5",
        "version": "1",
    }
    sw = client_for("social_worker")
    blank = sw.post(url, {**data, "contingency_plan": ""}).content.decode()
    assert (
        "Enter the contingency plan: what will happen if the plan does not keep Kira safe" in blank
    )
    assert sw.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.plan, plan.visit_frequency_working_days, plan.version) == (
        "Breakfast club daily",
        5,
        2,
    )
    stale = client_for("team_manager").post(url, {**data, "plan": "Something else"})
    assert "Someone else changed this record" in stale.content.decode()
    assert ChildProtectionPlan.objects.get().plan == "Breakfast club daily"


def test_the_chair_changes_the_latest_category_with_a_reason(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    url = f"/protection/cp-plans/{plan.pk}/category/"
    chair = client_for("independent_reviewing_officer")
    same = chair.post(url, {"latest_category": "NEG", "reason": "x", "version": "1"})
    assert "The category is already Neglect: select a different category" in same.content.decode()
    no_reason = chair.post(url, {"latest_category": "MUL", "reason": "", "version": "1"})
    assert "Enter why the category is changing" in no_reason.content.decode()
    assert (
        client_for("social_worker")
        .post(url, {"latest_category": "MUL", "reason": "r", "version": "1"})
        .status_code
        == 403
    )
    chair.post(url, {"latest_category": "MUL", "reason": "Emotional harm too", "version": "1"})
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "MUL")
    event = AuditEvent.objects.get(object_type="cp_plan", action="update")
    assert (event.before, event.after) == ({"latest_category": "NEG"}, {"latest_category": "MUL"})
    assert event.reason == "Emotional harm too"


def test_the_plan_page_summarises_visits_and_when_the_child_must_next_be_seen(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    sw = world.users["social_worker"]
    for day, seen, alone in (
        (dt.date(2024, 4, 5), True, True),
        (dt.date(2024, 4, 10), False, False),
    ):
        Visit.objects.create(
            case=plan.case, child=world.child, visited_on=day, child_seen=seen,
            seen_alone=alone, visited_by=sw,
        )  # fmt: skip
    summary = selectors.visit_summary(plan, dt.date(2024, 4, 11))
    assert (summary.visits, summary.seen, summary.seen_alone) == (2, 1, 1)
    assert summary.last_seen == dt.date(2024, 4, 5)
    # 10 working days after Friday 5 April 2024 (the child last seen): 19 April 2024.
    assert summary.next_due is not None and summary.next_due.clock.due == dt.date(2024, 4, 19)
    page = client_for("social_worker").get(f"/protection/cp-plans/{plan.pk}/").content.decode()
    assert "Due 19 April 2024" in page and "5 April 2024" in page


def test_an_ended_plan_refuses_meetings_after_its_end(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world)
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=dt.date(2024, 5, 1))
    late = client_for("social_worker").post(
        f"/protection/cp-plans/{plan.pk}/core-groups/new/",
        date_fields("held_on", dt.date(2024, 5, 2)),
    )
    assert "must be the same as or before the date the plan ended (1 May 2024)" in (
        late.content.decode()
    )
    assert not CoreGroupMeeting.objects.exists()
    review = client_for("independent_reviewing_officer").post(
        f"/protection/cp-plans/{plan.pk}/reviews/new/", review_data(world, dt.date(2024, 4, 30))
    )
    assert "This plan ended on 1 May 2024" in review.content.decode()


# ---------------------------------------------------------------- review conferences scheduled


def test_a_scheduled_review_shows_if_it_will_be_late_and_is_then_recorded_as_held(
    world: World, client_for, set_today
) -> None:  # type: ignore[no-untyped-def]
    # The plan started at a conference on Wednesday 2 September 2026: the first review is due
    # 3 calendar months later, on Wednesday 2 December 2026.
    plan = plan_from(world, icpc_on=dt.date(2026, 9, 2))
    sw = client_for("social_worker")
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/cp-plans/{plan.pk}/reviews/schedule/"
    school = [str(agency_of_kind(world.child, AgencyKind.SCHOOL).pk)]
    form = " ".join(sw.get(url).content.decode().split())
    assert "Schedule a review conference for Kira Holt" in form and "Due 2 December 2026" in form
    blank = sw.post(url, {}).content.decode()
    assert 'href="#scheduled_on_day">Enter date of the review conference' in blank
    past = sw.post(url, date_fields("scheduled_on", dt.date(2026, 11, 2))).content.decode()
    assert "Date of the review conference must be today or in the future" in past
    assert chair.post(url, date_fields("scheduled_on", dt.date(2026, 12, 7))).status_code == 403

    response = sw.post(
        url, {**date_fields("scheduled_on", dt.date(2026, 12, 7)), "agencies": school}
    )
    assert response.status_code == 302
    again = sw.post(url, date_fields("scheduled_on", dt.date(2026, 12, 8))).content.decode()
    assert (
        "A review conference for Kira Holt is already scheduled for 7 December 2026. Change or "
        "cancel that one instead"
    ) in again
    page = " ".join(sw.get(f"/protection/cp-plans/{plan.pk}/").content.decode().split())
    assert "Scheduled for 7 December 2026 (due 2 December 2026: will be late)" in page
    scheduled = chair.get(response["Location"]).content.decode()
    assert f'href="/protection/cp-plans/{plan.pk}/reviews/new/"' in scheduled
    assert "Record the review conference as held" in scheduled and "Test School" in scheduled
    # Scheduled is not held: the first review is still open on the work lists.
    found = {d.code: d for d in open_deadlines(Scope(world.partnership.pk), today=TODAY)}
    assert found["review_conference_first"].due == dt.date(2026, 12, 2)

    # Brought forward and held on Tuesday 1 December: the chair records it from the plan.
    set_today(dt.date(2026, 12, 1))
    review = chair.post(
        f"/protection/cp-plans/{plan.pk}/reviews/new/", review_data(world, dt.date(2026, 12, 1))
    )
    assert review.status_code == 302
    conference = Conference.objects.get(kind=ConferenceKind.REVIEW)  # the same one, now held
    assert (conference.status, conference.scheduled_on, conference.held_on) == (
        ConferenceStatus.HELD,
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 1),
    )
    assert review["Location"] == f"/protection/conferences/{conference.pk}/"
    reviews = selectors.review_clocks(plan, dt.date(2026, 12, 1))
    [(_subject, first)] = reviews.held
    assert first.state is ClockState.MET
    assert reviews.next_due is not None and reviews.next_due.clock.due == dt.date(2027, 6, 1)
    found = {d.code: d for d in open_deadlines(Scope(world.partnership.pk), today=TODAY)}
    assert "review_conference_first" not in found
    assert found["review_conference_next"].due == dt.date(2027, 6, 1)


def test_ending_a_plan_cancels_its_scheduled_review(world: World, client_for, set_today) -> None:  # type: ignore[no-untyped-def]
    plan = plan_from(world, icpc_on=dt.date(2026, 9, 2))
    review = make_scheduled_conference(
        [plan.case],
        scheduled_on=dt.date(2026, 12, 2),
        actor=world.users["social_worker"],
        kind=ConferenceKind.REVIEW,
    )
    response = client_for("team_manager").post(
        f"/protection/cp-plans/{plan.pk}/end/",
        {
            **date_fields("ended_on", TODAY),
            "end_reason": "moved_away",
            "next_step": "close",
            "closure_reason": "RC5",
            "version": "1",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ConferenceStatus.CANCELLED
    assert review.cancel_reason.startswith("Child protection plan ended on 23 November 2026")
    line = ChronologyEntry.objects.get(summary__startswith="Review child protection conference")
    assert line.occurred_on == TODAY and "cancelled" in line.summary
