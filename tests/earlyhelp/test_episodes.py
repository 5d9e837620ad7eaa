"""Early help: starting (front door, step-down, an agency), assessment, plan, reviews, the lead
professional from any agency, ending, stepping up, clocks and concurrency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind
from masa.core.services import ServiceError
from masa.earlyhelp.models import EarlyHelpEndReason, EarlyHelpEpisode, EarlyHelpReview
from masa.earlyhelp.services import early_help_start
from masa.frontdoor.models import Referral
from masa.journey.models import Case, CaseTransition, ChronologyEntry, EventType, Stage
from tests.casework_factories import make_case, make_referral
from tests.conftest import World
from tests.frontdoor.factories import date_fields

pytestmark = pytest.mark.django_db
EASTER_2024 = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


def _episode(
    world: World, *, started_on: dt.date | None = None, **fields: object
) -> EarlyHelpEpisode:
    sw = world.users["social_worker"]
    started_on = started_on or timezone.localdate() - dt.timedelta(days=60)
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=started_on, actor=sw)
    episode = early_help_start(
        actor=sw,
        case=case,
        started_on=started_on,
        lead_agency=world.agencies[AgencyKind.SCHOOL],
        lead_professional=world.users["designated_safeguarding_lead"],
        reason="Threshold decision: early help",
    )
    if fields:
        EarlyHelpEpisode.objects.filter(pk=episode.pk).update(**fields)
        episode.refresh_from_db()
    return episode


def _url(episode: EarlyHelpEpisode, action: str = "") -> str:
    return f"/early-help/{episode.pk}/{action}"


# ---------------------------------------------------------------- starting


def test_a_step_down_from_assessment_moves_the_case_to_early_help(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 9, 1), actor=sw)
    episode = early_help_start(
        actor=sw,
        case=case,
        started_on=dt.date(2026, 11, 2),
        lead_agency=world.agencies[AgencyKind.HEALTH],
        stepped_down=True,
        reason="Assessment: needs can be met by early help",
    )
    case.refresh_from_db()
    assert case.stage == Stage.EARLY_HELP
    move = CaseTransition.objects.filter(case=case).last()
    assert move is not None
    assert (move.from_stage, move.to_stage, move.moved_by) == (
        Stage.ASSESSMENT,
        Stage.EARLY_HELP,
        sw,
    )
    assert episode.stepped_down and episode.lead_professional is None
    line = ChronologyEntry.objects.get(event_type=EventType.EARLY_HELP)
    assert line.summary.startswith("Early help stepped down from children's social care")


def test_a_caller_that_already_moved_the_case_is_not_moved_twice(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.EARLY_HELP, opened_on=dt.date(2026, 9, 1), actor=sw)
    early_help_start(actor=sw, case=case, started_on=dt.date(2026, 9, 1),
                     lead_agency=world.agencies[AgencyKind.SCHOOL], stepped_down=True,
                     reason="Step down from a CIN plan")  # fmt: skip
    assert CaseTransition.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lead_professional": "police_officer"}, "cannot lead early help"),
        (
            {"lead_professional": "health_safeguarding_practitioner"},
            "must work for the lead agency",
        ),
        ({"started_on": dt.date(2026, 8, 1)}, "on or after the date the case opened"),
        ({"reason": " "}, "Enter the reason for starting early help"),
    ],
)
def test_early_help_start_refuses_bad_input(
    world: World, change: dict[str, object], message: str
) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 9, 1), actor=sw)
    args: dict[str, object] = {
        "actor": sw,
        "case": case,
        "started_on": dt.date(2026, 9, 2),
        "lead_agency": world.agencies[AgencyKind.SCHOOL],
        "reason": "Early help decision",
    }
    if "lead_professional" in change:
        args["lead_professional"] = world.users[str(change["lead_professional"])]
    else:
        args.update(change)
    with pytest.raises(ServiceError, match=message):
        early_help_start(**args)  # type: ignore[arg-type]
    assert not EarlyHelpEpisode.objects.exists()


def test_a_second_open_episode_on_a_case_is_refused(world: World) -> None:
    episode = _episode(world)
    with pytest.raises(ServiceError, match="already has early help under way"):
        early_help_start(actor=world.users["social_worker"], case=episode.case,
                         started_on=timezone.localdate(),
                         lead_agency=world.agencies[AgencyKind.SCHOOL], reason="Again")  # fmt: skip


def test_a_school_starts_early_help_for_a_child_it_can_see(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    dsl = world.users["designated_safeguarding_lead"]
    page = client.get(f"/early-help/start/?child={world.child.pk}").content.decode()
    assert f'value="{world.child.masa_id}"' in page
    response = client.post(
        "/early-help/start/",
        {
            "child_id": world.child.masa_id,
            **date_fields("started_on", timezone.localdate()),
            "lead_agency": str(world.agencies[AgencyKind.SCHOOL].pk),
            "lead_professional": str(dsl.pk),
            "reason": "Attendance falling and mum asked for help with routines",
        },
    )
    assert response.status_code == 302
    episode = EarlyHelpEpisode.objects.get()
    assert (episode.case.stage, episode.lead_professional) == (Stage.EARLY_HELP, dsl)
    assert client.get(f"/early-help/start/?child={world.la_only_child.pk}").status_code == 404


def test_starting_early_help_with_bad_input_says_what_is_wrong(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    body = client.post("/early-help/start/", {"child_id": ""}).content.decode()
    for message in (
        'href="#child_id">Enter the child&#39;s masa ID',
        'href="#started_on_day">Enter date early help started',
        'href="#lead_agency">Select the lead agency',
        'href="#reason">Enter why early help is starting',
    ):
        assert message in body
    hidden = client.post(
        "/early-help/start/",
        {
            "child_id": world.la_only_child.masa_id,
            **date_fields("started_on", timezone.localdate()),
            "lead_agency": str(world.agencies[AgencyKind.SCHOOL].pk),
            "reason": "Worried",
        },
    )
    assert "No child you can see has that masa ID" in hidden.content.decode()
    make_case(world.child, stage=Stage.CONTACT, opened_on=timezone.localdate(),
              actor=world.users["social_worker"])  # fmt: skip
    screening = client.post(
        "/early-help/start/",
        {
            "child_id": world.child.masa_id,
            **date_fields("started_on", timezone.localdate()),
            "lead_agency": str(world.agencies[AgencyKind.SCHOOL].pk),
            "reason": "Worried",
        },
    )
    assert "is being screened by the front door" in screening.content.decode()
    assert not EarlyHelpEpisode.objects.exists()


# ---------------------------------------------------------------- the episode


def test_the_episode_page_shows_the_assessment_clock_with_its_explanation(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world, started_on=EASTER_2024)
    page = client_for("health_safeguarding_practitioner").get(_url(episode)).content.decode()
    # 30 working days from Thursday 28 March 2024, skipping Good Friday, Easter Monday and the
    # early May bank holiday (May Day): Tuesday 14 May 2024.
    assert (
        "Early help assessment completed: 30 working days from early help started on "
        "28 March 2024 (day 0), due 14 May 2024" in page
    )
    assert "May Day (6 May 2024)" in page
    assert "Overdue" in page


def test_assessment_plan_and_reviews_are_recorded_in_order(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world)
    client = client_for("designated_safeguarding_lead")
    start = episode.started_on

    early_review = client.post(
        _url(episode, "reviews/new/"),
        {**date_fields("held_on", start), "progress": "Going well"},
    )
    assert "Record the agreed plan before adding a review" in early_review.content.decode()

    before_start = client.post(
        _url(episode, "assessment/"),
        {**date_fields("completed_on", start - dt.timedelta(days=1)), "version": "1"},
    )
    assert "must be on or after the date early help started" in before_start.content.decode()

    done = start + dt.timedelta(days=10)
    ok = client.post(
        _url(episode, "assessment/"), {**date_fields("completed_on", done), "version": "1"}
    )
    assert ok.status_code == 302
    no_plan = client.post(
        _url(episode, "plan/"), {**date_fields("agreed_on", done), "plan": "", "version": "2"}
    )
    assert 'href="#plan">Enter the plan agreed with the family' in no_plan.content.decode()
    agreed = done + dt.timedelta(days=3)
    plan = "School nurse to see Kira weekly; parenting course for mum by January"
    assert (
        client.post(
            _url(episode, "plan/"),
            {**date_fields("agreed_on", agreed), "plan": plan, "version": "2"},
        ).status_code
        == 302
    )
    empty = client.post(_url(episode, "reviews/new/"), {**date_fields("held_on", agreed)})
    assert 'href="#progress">Enter the progress made against the plan' in empty.content.decode()
    reviewed = agreed + dt.timedelta(days=20)
    assert (
        client.post(
            _url(episode, "reviews/new/"),
            {**date_fields("held_on", reviewed), "progress": "Attendance up to 94%"},
        ).status_code
        == 302
    )

    episode.refresh_from_db()
    assert (episode.assessment_completed_on, episode.plan_agreed_on, episode.plan) == (
        done,
        agreed,
        plan,
    )
    assert EarlyHelpReview.objects.get().held_on == reviewed
    page = client.get(_url(episode)).content.decode()
    assert "Attendance up to 94%" in page
    assert "Early help plan review: 3 months from the plan was agreed or last reviewed on" in page
    assert "Met" in page  # the assessment was done in time


def test_two_people_editing_the_same_episode_do_not_overwrite_each_other(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world, assessment_completed_on=timezone.localdate() - dt.timedelta(days=30))
    first, second = client_for("designated_safeguarding_lead"), client_for("social_worker")
    day = date_fields("agreed_on", timezone.localdate())
    assert (
        first.post(
            _url(episode, "plan/"), {**day, "plan": "First plan", "version": "1"}
        ).status_code
        == 302
    )
    clash = second.post(_url(episode, "plan/"), {**day, "plan": "Second plan", "version": "1"})
    assert "Someone else changed this record while you were working on it" in clash.content.decode()
    episode.refresh_from_db()
    assert episode.plan == "First plan"


def test_the_lead_professional_can_come_from_any_agency(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world)
    health = world.users["health_safeguarding_practitioner"]
    client = client_for("social_worker")
    page = client.get(_url(episode, "lead/")).content.decode()
    assert health.display_name in page and world.users["police_officer"].display_name not in page
    wrong = client.post(
        _url(episode, "lead/"),
        {
            "lead_agency": str(world.agencies[AgencyKind.SCHOOL].pk),
            "lead_professional": str(health.pk),
            "version": "1",
        },
    )
    assert "The lead professional must work for the lead agency" in wrong.content.decode()
    right = client.post(
        _url(episode, "lead/"),
        {
            "lead_agency": str(world.agencies[AgencyKind.HEALTH].pk),
            "lead_professional": str(health.pk),
            "version": "1",
        },
    )
    assert right.status_code == 302
    episode.refresh_from_db()
    assert (episode.lead_agency, episode.lead_professional) == (
        world.agencies[AgencyKind.HEALTH],
        health,
    )


def test_ending_early_help_closes_a_case_that_was_only_early_help(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world)
    client = client_for("designated_safeguarding_lead")
    missing = client.post(
        _url(episode, "end/"), {**date_fields("ended_on", timezone.localdate()), "version": "1"}
    )
    assert 'href="#end_reason">Select why early help is ending' in missing.content.decode()
    stepped = client.post(
        _url(episode, "end/"),
        {
            **date_fields("ended_on", timezone.localdate()),
            "end_reason": "stepped_up",
            "version": "1",
        },
    )
    assert "Select why early help is ending" in stepped.content.decode()
    response = client.post(
        _url(episode, "end/"),
        {
            **date_fields("ended_on", timezone.localdate()),
            "end_reason": "outcomes_met",
            "note": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.end_reason == EarlyHelpEndReason.OUTCOMES_MET
    case = Case.objects.get(pk=episode.case_id)
    assert (case.stage, case.closed_on) == (Stage.CLOSED, timezone.localdate())
    again = client.post(
        _url(episode, "reviews/new/"),
        {**date_fields("held_on", timezone.localdate()), "progress": "x"},
    )
    assert "cannot be changed" in again.content.decode()


# ---------------------------------------------------------------- step-up


def _step_up(day: dt.date, **overrides: str) -> dict[str, str]:
    data = {
        **date_fields("stepped_up_on", day),
        "source": "5D",
        "primary_need": "N4",
        "reason": "Domestic abuse disclosed at a review",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_step_up_makes_a_referral_and_ends_early_help(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world)
    today = timezone.localdate()
    assert (
        client_for("designated_safeguarding_lead")
        .post(_url(episode, "step-up/"), _step_up(today))
        .status_code
        == 403
    )
    response = client_for("social_worker").post(_url(episode, "step-up/"), _step_up(today))
    assert response.status_code == 302

    referral = Referral.objects.get()
    assert (referral.referral_date, referral.source, referral.primary_need) == (today, "5D", "N4")
    assert referral.case_id == episode.case_id
    case = Case.objects.get(pk=episode.case_id)
    assert case.stage == Stage.REFERRAL
    move = CaseTransition.objects.filter(case=case).last()
    assert move is not None and (move.from_stage, move.to_stage) == (
        Stage.EARLY_HELP,
        Stage.REFERRAL,
    )
    episode.refresh_from_db()
    assert (episode.ended_on, episode.end_reason) == (today, EarlyHelpEndReason.STEPPED_UP)
    page = client_for("social_worker").get(_url(episode)).content.decode()
    assert "Stepped up to children&#39;s social care" in page and "See the referral" in page


def test_step_up_after_a_step_down_starts_a_new_cin_episode_on_a_new_case(world: World) -> None:
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 6, 1), actor=sw)
    make_referral(case, referral_date=dt.date(2026, 6, 1), actor=sw)
    episode = early_help_start(actor=sw, case=case, started_on=dt.date(2026, 7, 1),
                               lead_agency=world.agencies[AgencyKind.SCHOOL], stepped_down=True,
                               reason="Stepped down after assessment")  # fmt: skip
    from masa.earlyhelp.services import early_help_step_up

    referral = early_help_step_up(actor=sw, episode=episode, stepped_up_on=dt.date(2026, 11, 2),
                                  source="5D", primary_need="N1", reason="New injury",
                                  version=episode.version)  # fmt: skip
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == (Stage.CLOSED, dt.date(2026, 11, 2))
    assert referral.case_id != case.pk
    assert referral.case.stage == Stage.REFERRAL


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"primary_need": ""},
            'href="#primary_need">Select the child&#39;s primary need for the referral',
        ),
        ({"source": ""}, 'href="#source">Select where the referral came from'),
        ({"reason": ""}, 'href="#reason">Enter why early help is stepping up'),
        ({"stepped_up_on_month": "13"}, "Date of the step up must be a real date"),
    ],
)
def test_bad_step_ups_are_refused(
    world: World, client_for, overrides: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    episode = _episode(world)
    response = client_for("team_manager").post(
        _url(episode, "step-up/"), _step_up(timezone.localdate(), **overrides)
    )
    assert message in response.content.decode()
    assert not Referral.objects.exists()
    assert Case.objects.get(pk=episode.case_id).stage == Stage.EARLY_HELP


def test_early_help_pages_follow_the_childs_scope(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(
        world.la_only_child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 2), actor=sw
    )
    hidden = early_help_start(actor=sw, case=case, started_on=dt.date(2026, 11, 2),
                              lead_agency=world.agencies[AgencyKind.LOCAL_AUTHORITY],
                              reason="Early help decision")  # fmt: skip
    assert client_for("social_worker").get(_url(hidden)).status_code == 200
    assert client_for("designated_safeguarding_lead").get(_url(hidden)).status_code == 404
    assert client_for("designated_safeguarding_lead").get(_url(hidden, "plan/")).status_code == 404
    listing = client_for("designated_safeguarding_lead").get("/early-help/").content.decode()
    assert "Jay Moss" not in listing
    assert "Jay Moss" in client_for("social_worker").get("/early-help/").content.decode()


def test_the_early_help_list_takes_the_same_number_of_queries_for_3_and_12_episodes(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ChildFactory

    sw = world.users["social_worker"]

    def add(count: int) -> None:
        for _ in range(count):
            child = ChildFactory(partnership=world.partnership, owning_team=world.la_team)
            case = make_case(child, stage=Stage.CONTACT, opened_on=dt.date(2026, 10, 1), actor=sw)
            early_help_start(actor=sw, case=case, started_on=dt.date(2026, 10, 1),
                             lead_agency=world.agencies[AgencyKind.SCHOOL],
                             reason="Early help decision")  # fmt: skip

    client = client_for("social_worker")
    client.get("/early-help/")
    add(3)
    with CaptureQueriesContext(connection) as few:
        assert "3 open" in client.get("/early-help/").content.decode()
    add(9)
    with CaptureQueriesContext(connection) as many:
        assert "12 open" in client.get("/early-help/").content.decode()
    assert len(many) == len(few)


def test_a_lead_agency_new_to_the_child_gains_the_child_in_its_scope(world: World) -> None:
    from masa.people.selectors import children_visible_to
    from tests.factories import UserFactory

    voluntary = world.agencies[AgencyKind.VOLUNTARY]
    family_worker = UserFactory(
        username="family.worker", role="health_safeguarding_practitioner", agency=voluntary
    )
    assert world.la_only_child not in children_visible_to(family_worker)
    case = make_case(
        world.la_only_child,
        stage=Stage.REFERRAL,
        opened_on=dt.date(2026, 9, 1),
        actor=world.users["social_worker"],
    )

    early_help_start(
        actor=world.users["team_manager"],
        case=case,
        started_on=dt.date(2026, 9, 2),
        lead_agency=voluntary,
        lead_professional=family_worker,
        stepped_down=True,
        reason="Needs can be met by a family support worker",
    )

    assert world.la_only_child in children_visible_to(family_worker)
