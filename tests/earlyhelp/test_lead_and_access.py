"""Who may change early help (children's social care or the lead agency), who may hand the lead
to an agency new to the child, and the scope that leading gives ending with the lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, User
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.earlyhelp.services import early_help_start
from masa.journey.models import Case, Stage
from masa.people.models import AgencyInvolvement
from masa.people.selectors import children_visible_to
from tests.casework_factories import make_case
from tests.conftest import World, signed_in_client
from tests.factories import UserFactory
from tests.frontdoor.factories import date_fields

pytestmark = pytest.mark.django_db

SCHOOL_LEADS = "Only children&#39;s social care or Test School or education setting"


def _family_worker(world: World) -> User:
    return UserFactory(
        username="family.worker",
        role="health_safeguarding_practitioner",
        agency=world.agencies[AgencyKind.VOLUNTARY],
    )


def _school_led(world: World, *, days_ago: int = 60) -> EarlyHelpEpisode:
    """Early help for Kira, led by her school (already working with her)."""
    sw = world.users["social_worker"]
    started_on = timezone.localdate() - dt.timedelta(days=days_ago)
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=started_on, actor=sw)
    return early_help_start(
        actor=sw,
        case=case,
        started_on=started_on,
        lead_agency=world.agencies[AgencyKind.SCHOOL],
        lead_professional=world.users["designated_safeguarding_lead"],
        reason="Threshold decision: early help",
    )


def _lead_form(world: World, kind: str, version: int) -> dict[str, str]:
    return {
        "lead_agency": str(world.agencies[kind].pk),
        "lead_professional": "",
        "version": str(version),
    }


def _url(episode: EarlyHelpEpisode, action: str = "") -> str:
    return f"/early-help/{episode.pk}/{action}"


def test_a_school_cannot_hand_the_lead_to_an_agency_new_to_the_child(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = _school_led(world)
    family_worker = _family_worker(world)
    response = client_for("designated_safeguarding_lead").post(
        _url(episode, "lead/"), _lead_form(world, AgencyKind.VOLUNTARY, episode.version)
    )
    body = response.content.decode()
    assert (
        'href="#lead_agency">Test Voluntary and community sector is not working with Kira Holt'
        in body
    )
    assert "ask a social worker or team manager in children&#39;s social care" in body
    episode.refresh_from_db()
    assert episode.lead_agency == world.agencies[AgencyKind.SCHOOL]
    assert world.child not in children_visible_to(family_worker)


def test_a_school_cannot_start_early_help_led_by_an_agency_new_to_the_child(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("designated_safeguarding_lead").post(
        "/early-help/start/",
        {
            "child_id": world.child.masa_id,
            **date_fields("started_on", timezone.localdate()),
            "lead_agency": str(world.agencies[AgencyKind.VOLUNTARY].pk),
            "reason": "A family support worker could help with routines",
        },
    )
    assert "Test Voluntary and community sector is not working with Kira Holt" in (
        response.content.decode()
    )
    assert not EarlyHelpEpisode.objects.exists()
    assert not Case.objects.exists()


def test_a_social_worker_hands_the_lead_to_a_new_agency_which_loses_the_child_when_it_stops(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    episode = _school_led(world)
    family_worker = _family_worker(world)
    client = client_for("social_worker")
    assert (
        client.post(
            _url(episode, "lead/"), _lead_form(world, AgencyKind.VOLUNTARY, episode.version)
        ).status_code
        == 302
    )
    episode.refresh_from_db()
    assert episode.lead_involvement is not None
    assert episode.lead_involvement.agency == world.agencies[AgencyKind.VOLUNTARY]
    assert world.child in children_visible_to(family_worker)

    assert (
        client.post(
            _url(episode, "lead/"), _lead_form(world, AgencyKind.SCHOOL, episode.version)
        ).status_code
        == 302
    )
    episode.refresh_from_db()
    # The school was already working with Kira: nothing was created, so nothing will end.
    assert episode.lead_involvement is None
    # The voluntary agency's involvement began today, so it ends today: kept, not deleted, and
    # gone from the agency's scope from tomorrow.
    ended = AgencyInvolvement.objects.get(agency=world.agencies[AgencyKind.VOLUNTARY])
    assert ended.ended_on == ended.started_on
    assert not AgencyInvolvement.objects.filter(
        agency=world.agencies[AgencyKind.VOLUNTARY], ended_on__isnull=True
    ).exists()
    school = world.users["designated_safeguarding_lead"]
    assert world.child in children_visible_to(school)


def test_ending_early_help_ends_the_lead_agencys_involvement_from_the_episode(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    family_worker = _family_worker(world)
    started_on = timezone.localdate() - dt.timedelta(days=90)
    case = make_case(
        world.la_only_child,
        stage=Stage.REFERRAL,
        opened_on=started_on,
        actor=world.users["social_worker"],
    )
    episode = early_help_start(
        actor=world.users["team_manager"],
        case=case,
        started_on=started_on,
        lead_agency=world.agencies[AgencyKind.VOLUNTARY],
        lead_professional=family_worker,
        stepped_down=True,
        reason="Needs can be met by a family support worker",
    )
    assert world.la_only_child in children_visible_to(family_worker)

    response = signed_in_client(family_worker).post(
        _url(episode, "end/"),
        {
            **date_fields("ended_on", timezone.localdate()),
            "end_reason": "outcomes_met",
            "note": "Routines settled",
            "version": str(episode.version),
        },
    )
    assert response.status_code == 302
    assert world.la_only_child not in children_visible_to(family_worker)
    involvement = AgencyInvolvement.objects.get(agency=world.agencies[AgencyKind.VOLUNTARY])
    assert (involvement.started_on, involvement.ended_on) == (
        started_on,
        timezone.localdate() - dt.timedelta(days=1),
    )


def test_ending_early_help_keeps_an_involvement_the_agency_already_had(world: World) -> None:
    episode = _school_led(world)
    from masa.earlyhelp.services import early_help_end

    early_help_end(actor=world.users["designated_safeguarding_lead"], episode=episode,
                   ended_on=timezone.localdate(), end_reason="outcomes_met", note="",
                   version=episode.version)  # fmt: skip
    assert world.child in children_visible_to(world.users["designated_safeguarding_lead"])


def test_stepping_up_ends_the_lead_agencys_involvement_from_the_episode(world: World) -> None:
    from masa.earlyhelp.services import early_help_step_up

    family_worker = _family_worker(world)
    started_on = timezone.localdate() - dt.timedelta(days=30)
    case = make_case(world.la_only_child, stage=Stage.CONTACT, opened_on=started_on,
                     actor=world.users["team_manager"])  # fmt: skip
    episode = early_help_start(actor=world.users["team_manager"], case=case,
                               started_on=started_on,
                               lead_agency=world.agencies[AgencyKind.VOLUNTARY],
                               reason="Early help decision")  # fmt: skip
    early_help_step_up(actor=world.users["social_worker"], episode=episode,
                       stepped_up_on=timezone.localdate(), source="5D", primary_need="N1",
                       reason="Disclosure of harm", version=episode.version)  # fmt: skip
    assert world.la_only_child not in children_visible_to(family_worker)


TODAY_FIELD = {
    "end/": "ended_on",
    "assessment/": "completed_on",
    "plan/": "agreed_on",
    "reviews/new/": "held_on",
}


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("end/", {"end_reason": "outcomes_met", "note": ""}),
        ("assessment/", {}),
        ("plan/", {"plan": "Weekly sessions with the school nurse"}),
        ("reviews/new/", {"progress": "Going well"}),
        ("lead/", {"lead_professional": ""}),
    ],
)
def test_another_agency_that_can_see_the_child_cannot_change_the_schools_early_help(
    world: World, client_for, action: str, data: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    episode = _school_led(world)
    EarlyHelpEpisode.objects.filter(pk=episode.pk).update(
        assessment_completed_on=episode.started_on, plan_agreed_on=episode.started_on
    )
    form = {**data, "version": str(episode.version)}
    if action in TODAY_FIELD:
        form.update(date_fields(TODAY_FIELD[action], timezone.localdate()))
    else:
        form["lead_agency"] = str(world.agencies[AgencyKind.HEALTH].pk)
    health = client_for("health_safeguarding_practitioner")
    response = health.post(_url(episode, action), form)
    assert SCHOOL_LEADS + ", which leads this early help, can change it" in (
        response.content.decode()
    )
    episode.refresh_from_db()
    assert episode.ended_on is None and episode.lead_agency == world.agencies[AgencyKind.SCHOOL]
    assert not episode.reviews.exists()
    assert Case.objects.get(pk=episode.case_id).stage == Stage.EARLY_HELP
    page = health.get(_url(episode)).content.decode()
    assert "End early help" not in page
    lead_page = client_for("designated_safeguarding_lead").get(_url(episode)).content.decode()
    assert "End early help" in lead_page
