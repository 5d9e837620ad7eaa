"""Conferences scheduled ahead so the papers reach attendees and the family before the meeting:
scheduling, sharing the papers, recording the conference as held (perhaps on another day) or
cancelling it, decisions only once held, and the clocks that only a held conference stops.

"Today" is fixed (23 November 2026 unless a test moves it) so the worked examples do not depend
on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from masa.core.models import AgencyKind, AuditEvent
from masa.journey.deadlines import Scope, open_deadlines
from masa.journey.models import Case, ChronologyEntry, EventType, Stage
from masa.protection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceStatus,
    PackShare,
    S47Enquiry,
)

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    fix_today,
    make_icpc_case,
    make_scheduled_conference,
)
from ..conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)  # Monday
# 15 working days from Wednesday 11 November 2026 (no bank holidays in between): 12, 13, 16 to
# 20 (7), 23 to 27 (12), 30 November, 1 and 2 December (15). Both clocks are due 2 December.
STRATEGY = dt.date(2026, 11, 11)
DUE = dt.date(2026, 12, 2)

SetToday = Callable[[dt.date], None]


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> SetToday:
    """Today is 23 November 2026; call the fixture's value to move on."""
    return fix_today(monkeypatch, TODAY)


@pytest.fixture
def case(world: World, set_today: SetToday) -> Case:
    return make_icpc_case(world.child, strategy_on=STRATEGY, actor=world.users["social_worker"])


def agencies(world: World, *kinds: AgencyKind) -> list[str]:
    return [str(agency_of_kind(world.child, kind).pk) for kind in kinds]


def schedule_data(world: World, day: dt.date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **date_fields("scheduled_on", day),
        "agencies": agencies(world, AgencyKind.POLICE, AgencyKind.HEALTH),
        "chair": str(world.users["independent_reviewing_officer"].pk),
        "other_children": "",
    }
    data.update(overrides)
    return data


def held_data(world: World, day: dt.date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **date_fields("held_on", day),
        "agencies": agencies(world, AgencyKind.POLICE, AgencyKind.HEALTH),
        "family_attended": "yes",
        "chair": str(world.users["independent_reviewing_officer"].pk),
        "summary": "Mother and grandmother attended; school report read out",
    }
    data.update(overrides)
    return data


def share_data(
    world: World, kind: str, name: str, day: dt.date, agency: AgencyKind | None = None
) -> dict[str, str]:
    data = {"recipient_kind": kind, "recipient": name, **date_fields("shared_on", day)}
    if agency is not None:
        data["agency"] = str(agency_of_kind(world.child, agency).pk)
    return data


DECISION = {
    "plan_needed": "yes",
    "category": "NEG",
    "plan": "Breakfast club daily; health visitor fortnightly",
    "contingency_plan": "If Kira is found without food again, legal advice will be sought",
    "visit_frequency_working_days": "10",
    "next_step": "",
    "cin_plan": "",
    "closure_reason": "",
}


def icpc_deadline_due(world: World, today: dt.date) -> dt.date | None:
    found = open_deadlines(Scope(world.partnership.pk), today=today)
    return next((d.due for d in found if d.code == "icpc"), None)


def page_text(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(client.get(url).content.decode().split())


def test_schedule_share_the_papers_record_held_decide_and_the_plan_starts(
    world: World, case: Case, set_today: SetToday, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = client_for("social_worker")
    chair = client_for("independent_reviewing_officer")
    listing = page_text(sw, f"/protection/children/{world.child.pk}/conferences/")
    assert "Schedule the initial child protection conference" in listing

    # Scheduled for Friday 4 December: two days after the conference is due.
    response = sw.post(
        f"/protection/cases/{case.pk}/conferences/schedule/",
        schedule_data(world, dt.date(2026, 12, 4)),
    )
    conference = Conference.objects.get()
    assert response["Location"] == f"/protection/conferences/{conference.pk}/"
    assert (conference.status, conference.scheduled_on, conference.held_on) == (
        ConferenceStatus.SCHEDULED,
        dt.date(2026, 12, 4),
        None,
    )
    assert not ChronologyEntry.objects.filter(event_type=EventType.CONFERENCE).exists()
    assert AuditEvent.objects.filter(object_type="conference", action="create").count() == 1
    detail = page_text(sw, response["Location"])
    assert "Scheduled for 4 December 2026 (due 2 December 2026: will be late)" in detail
    assert "Recorded once the conference has been held" in detail
    enquiry = S47Enquiry.objects.get()
    s47_page = page_text(sw, f"/protection/section-47-enquiries/{enquiry.pk}/")
    assert "Scheduled for 4 December 2026 (due 2 December 2026: will be late)" in s47_page

    # Moved to Tuesday 1 December: in time.
    moved = sw.post(
        f"/protection/conferences/{conference.pk}/change/",
        {**schedule_data(world, dt.date(2026, 12, 1)), "version": "1"},
    )
    assert moved.status_code == 302
    detail = page_text(sw, f"/protection/conferences/{conference.pk}/")
    assert "Scheduled for 1 December 2026 (due 2 December 2026: in time)" in detail

    # Papers go out before the meeting. 3 working days' notice are needed: Tuesday 24 November
    # gives 5 (25, 26, 27, 30 November, 1 December); Friday 27 November gives only 2.
    set_today(dt.date(2026, 11, 27))
    police = client_for("police_officer")
    report = police.post(
        f"/protection/conferences/{conference.pk}/pack/report/",
        {"report": "Two call-outs to the home in October"},
    )
    assert report.status_code == 302
    share_url = f"/protection/conferences/{conference.pk}/pack/shares/new/"
    chair.post(
        share_url,
        share_data(world, "agency", "DS Khan", dt.date(2026, 11, 24), AgencyKind.POLICE),
    )
    chair.post(share_url, share_data(world, "family", "Ms Holt", dt.date(2026, 11, 27)))
    assert PackShare.objects.count() == 2
    pack = chair.get(f"/protection/conferences/{conference.pk}/pack/").content.decode()
    rows = pack.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0].split("</tr>")
    khan = next(r for r in rows if "DS Khan" in r)
    family = next(r for r in rows if "Ms Holt" in r)
    assert ">5<" in khan and "In time" in khan
    assert ">2<" in family and "Late" in family
    assert "Notice is counted back from the conference scheduled for 1 December 2026" in (
        " ".join(pack.split())
    )
    assert "Two call-outs to the home in October" in pack

    # The day of the conference, before it is recorded: no decision yet.
    set_today(dt.date(2026, 12, 1))
    decision_url = f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/"
    refused = page_text(chair, decision_url)
    assert "Decisions are recorded once it has been held" in refused
    early = " ".join(chair.post(decision_url, DECISION).content.decode().split())
    assert (
        "The initial child protection conference is scheduled for 1 December 2026 and has not "
        "been recorded as held. Record it as held before recording decisions"
    ) in early
    assert not ChildProtectionPlan.objects.exists()

    # It was put back a day and held on Wednesday 2 December.
    set_today(dt.date(2026, 12, 2))
    held = sw.post(
        f"/protection/conferences/{conference.pk}/held/",
        {**held_data(world, dt.date(2026, 12, 2)), "version": "2"},
    )
    assert held.status_code == 302
    conference.refresh_from_db()
    assert (conference.status, conference.scheduled_on, conference.held_on) == (
        ConferenceStatus.HELD,
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
    )
    line = ChronologyEntry.objects.get(event_type=EventType.CONFERENCE)
    assert line.occurred_on == dt.date(2026, 12, 2) and "The family attended." in line.summary
    # Notice is now counted back from the day it was held: the family's papers gave 3 days.
    pack = page_text(chair, f"/protection/conferences/{conference.pk}/pack/")
    assert "Notice is counted back from the conference held on 2 December 2026" in pack
    assert pack.count(">In time</strong>") == 2 and ">Late</strong>" not in pack

    decided = chair.post(decision_url, DECISION)
    plan = ChildProtectionPlan.objects.get()
    assert decided["Location"] == f"/protection/cp-plans/{plan.pk}/"
    assert plan.started_on == dt.date(2026, 12, 2)
    case.refresh_from_db()
    assert case.stage == Stage.CP_PLAN
    detail = page_text(sw, f"/protection/conferences/{conference.pk}/")
    assert "Due 2 December 2026" in detail and "Met" in detail and "will be late" not in detail


def test_a_scheduled_conference_does_not_stop_the_icpc_clock_but_a_held_one_does(
    world: World, case: Case, set_today: SetToday, client_for
) -> None:  # type: ignore[no-untyped-def]
    assert icpc_deadline_due(world, TODAY) == DUE
    sw = client_for("social_worker")
    sw.post(
        f"/protection/cases/{case.pk}/conferences/schedule/",
        schedule_data(world, dt.date(2026, 12, 1)),
    )
    conference = Conference.objects.get()
    assert icpc_deadline_due(world, TODAY) == DUE
    # Past its scheduled day and still not recorded as held: the clock is overdue.
    set_today(dt.date(2026, 12, 3))
    found = open_deadlines(Scope(world.partnership.pk), today=dt.date(2026, 12, 3))
    [icpc] = [d for d in found if d.code == "icpc"]
    assert icpc.state == "overdue"

    sw.post(
        f"/protection/conferences/{conference.pk}/held/",
        {**held_data(world, dt.date(2026, 12, 1)), "version": "1"},
    )
    assert icpc_deadline_due(world, dt.date(2026, 12, 3)) is None
    page = page_text(sw, f"/protection/conferences/{conference.pk}/")
    assert "(held 1 December 2026)" in page and "Met" in page


def test_scheduling_bad_input_is_refused_with_messages_that_name_the_field(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/cases/{case.pk}/conferences/schedule/"
    sw = client_for("social_worker")
    form = page_text(sw, url)
    assert "Schedule the initial child protection conference for Kira Holt" in form
    assert "Due 2 December 2026" in form  # the clocks the date should meet
    empty = sw.post(url, {}).content.decode()
    assert 'href="#scheduled_on_day">Enter date of the conference' in empty
    past = sw.post(url, schedule_data(world, dt.date(2026, 11, 20))).content.decode()
    assert (
        'href="#scheduled_on_day">Date of the conference must be today or in the future. If the '
        "conference has already been held, record it as held instead"
    ) in past
    not_real = sw.post(
        url, {**schedule_data(world, TODAY), "scheduled_on_day": "31", "scheduled_on_month": "11"}
    ).content.decode()
    assert "Date of the conference must be a real date" in not_real
    bad_ids = sw.post(url, schedule_data(world, TODAY, other_children="Kira")).content.decode()
    assert "&#39;Kira&#39; is not a masa ID" in bad_ids
    assert not Conference.objects.exists()

    assert sw.post(url, schedule_data(world, TODAY)).status_code == 302  # today is allowed
    again = sw.post(url, schedule_data(world, dt.date(2026, 12, 1))).content.decode()
    assert (
        "Kira Holt already has a conference scheduled for 23 November 2026. Record that "
        "conference as held, change its date or cancel it instead"
    ) in again
    assert Conference.objects.count() == 1


def test_recording_held_keeps_the_date_rules(
    world: World, case: Case, set_today: SetToday, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_scheduled_conference(
        [case], scheduled_on=dt.date(2026, 12, 1), actor=world.users["social_worker"]
    )
    url = f"/protection/conferences/{conference.pk}/held/"
    sw = client_for("social_worker")
    future = sw.post(url, {**held_data(world, dt.date(2026, 11, 24)), "version": "1"})
    assert "Date of the conference must be today or in the past" in future.content.decode()
    before = sw.post(url, {**held_data(world, dt.date(2026, 11, 10)), "version": "1"})
    assert (
        'href="#held_on_day">Date of the conference must be the same as or after the strategy '
        "discussion that started the section 47 enquiry for Kira Holt (11 November 2026)"
    ) in before.content.decode()
    blank = sw.post(url, {"version": "1"}).content.decode()
    assert "Enter date of the conference" in blank
    assert "Select whether the family attended" in blank
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED

    # Held earlier than scheduled (today) is fine; a second attempt from the same page is refused.
    assert sw.post(url, {**held_data(world, TODAY), "version": "1"}).status_code == 302
    again = client_for("team_manager").post(url, {**held_data(world, TODAY), "version": "1"})
    assert (
        "The initial child protection conference was recorded as held on 23 November 2026. "
        "Check the conference as it is now"
    ) in again.content.decode()
    assert ChronologyEntry.objects.filter(event_type=EventType.CONFERENCE).count() == 1


def test_cancelling_needs_a_reason_and_leaves_the_clock_running(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = client_for("social_worker")
    sw.post(
        f"/protection/cases/{case.pk}/conferences/schedule/",
        schedule_data(world, dt.date(2026, 12, 1)),
    )
    conference = Conference.objects.get()
    url = f"/protection/conferences/{conference.pk}/cancel/"
    no_reason = sw.post(url, {"reason": " ", "version": "1"}).content.decode()
    assert 'href="#reason">Enter why the conference was cancelled' in no_reason
    assert client_for("police_officer").post(url, {"reason": "x"}).status_code == 403

    response = sw.post(url, {"reason": "Mother in hospital", "version": "1"})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.status, conference.cancelled_on, conference.cancel_reason) == (
        ConferenceStatus.CANCELLED,
        TODAY,
        "Mother in hospital",
    )
    line = ChronologyEntry.objects.get(event_type=EventType.CONFERENCE)
    assert line.occurred_on == TODAY
    assert line.summary == (
        "Initial child protection conference scheduled for 1 December 2026 cancelled: "
        "Mother in hospital"
    )
    event = AuditEvent.objects.get(object_type="conference", action="update")
    assert event.reason == "Mother in hospital"
    assert icpc_deadline_due(world, TODAY) == DUE

    detail = page_text(sw, f"/protection/conferences/{conference.pk}/")
    assert "Cancelled" in detail and "Mother in hospital" in detail
    assert "Due 2 December 2026" in detail and "will be late" not in detail
    # Nothing more happens at a cancelled conference: no decision, no papers, no holding it.
    decision = client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/children/{world.child.pk}/decision/", DECISION
    )
    assert "was cancelled on 23 November 2026" in decision.content.decode()
    share = client_for("independent_reviewing_officer").post(
        f"/protection/conferences/{conference.pk}/pack/shares/new/",
        share_data(world, "family", "Ms Holt", TODAY),
    )
    assert "its papers can no longer be changed or shared" in share.content.decode()
    held = sw.post(
        f"/protection/conferences/{conference.pk}/held/",
        {**held_data(world, TODAY), "version": "2"},
    )
    assert "was cancelled on 23 November 2026" in held.content.decode()
    assert not PackShare.objects.exists() and not ChildProtectionPlan.objects.exists()
    assert ConferenceChild.objects.get().plan_needed is None

    # Another conference can be scheduled.
    listing = page_text(sw, f"/protection/children/{world.child.pk}/conferences/")
    assert "Schedule the initial child protection conference" in listing
    assert (
        sw.post(
            f"/protection/cases/{case.pk}/conferences/schedule/",
            schedule_data(world, dt.date(2026, 12, 2)),
        ).status_code
        == 302
    )


def test_only_caseworkers_arrange_conferences(world: World, case: Case, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/cases/{case.pk}/conferences/schedule/"
    for role in ("independent_reviewing_officer", "police_officer", "data_analyst"):
        assert client_for(role).post(url, schedule_data(world, TODAY)).status_code == 403
    assert not Conference.objects.exists()
    conference = make_scheduled_conference(
        [case], scheduled_on=dt.date(2026, 12, 1), actor=world.users["social_worker"]
    )
    held = f"/protection/conferences/{conference.pk}/held/"
    assert client_for("independent_reviewing_officer").get(held).status_code == 403
    assert client_for("social_worker").get(held).status_code == 200
    # The police officer involved with the child sees the scheduled conference and its pack.
    police = client_for("police_officer")
    assert "Scheduled for 1 December 2026" in page_text(
        police, f"/protection/conferences/{conference.pk}/"
    )
    assert police.get(f"/protection/conferences/{conference.pk}/pack/").status_code == 200


def test_changing_the_date_refuses_a_past_date_and_a_stale_page(
    world: World, case: Case, client_for
) -> None:  # type: ignore[no-untyped-def]
    conference = make_scheduled_conference(
        [case], scheduled_on=dt.date(2026, 12, 1), actor=world.users["social_worker"]
    )
    url = f"/protection/conferences/{conference.pk}/change/"
    sw = client_for("social_worker")
    form = page_text(sw, url)
    assert "Change the arrangements for the initial child protection conference" in form
    past = sw.post(url, {**schedule_data(world, dt.date(2026, 11, 2)), "version": "1"})
    assert "Date of the conference must be today or in the future" in past.content.decode()
    assert (
        sw.post(url, {**schedule_data(world, dt.date(2026, 12, 2)), "version": "1"}).status_code
        == 302
    )
    # A manager who opened the page before that change is refused; nothing is overwritten.
    stale = client_for("team_manager").post(
        url, {**schedule_data(world, dt.date(2026, 12, 3)), "version": "1"}
    )
    assert "Someone else changed this record while you were working on it" in (
        stale.content.decode()
    )
    cancel = client_for("team_manager").post(
        f"/protection/conferences/{conference.pk}/cancel/", {"reason": "Chair ill", "version": "1"}
    )
    assert "Someone else changed this record" in cancel.content.decode()
    conference.refresh_from_db()
    assert (conference.status, conference.scheduled_on) == ("scheduled", dt.date(2026, 12, 2))
    event = AuditEvent.objects.get(object_type="conference", action="update")
    assert (event.before["scheduled_on"], event.after["scheduled_on"]) == (
        "2026-12-01",
        "2026-12-02",
    )
