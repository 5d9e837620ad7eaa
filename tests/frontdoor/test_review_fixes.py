"""Front door scope and step-up: the referral page follows the sharing table, a contact's source
agency is the practitioner's own, and a contact about a child in early help can step up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind
from masa.earlyhelp.models import EarlyHelpEndReason, EarlyHelpEpisode
from masa.earlyhelp.services import early_help_start
from masa.frontdoor.models import Contact, Referral, ThresholdDecision
from masa.journey.models import Case, Stage
from tests.casework_factories import make_case, make_referral
from tests.conftest import World, signed_in_client
from tests.factories import InvolvementFactory, UserFactory

from .factories import contact_form, contact_on, decision_form

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the referral page


def test_the_referral_page_is_not_found_for_an_agency_that_does_not_read_referrals(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    voluntary = world.agencies[AgencyKind.VOLUNTARY]
    InvolvementFactory(child=world.child, agency=voluntary)
    family_worker = UserFactory(
        username="family.worker", role="health_safeguarding_practitioner", agency=voluntary
    )
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.REFERRAL, opened_on=dt.date(2026, 11, 2), actor=sw)
    referral = make_referral(case, referral_date=dt.date(2026, 11, 2), actor=sw)
    url = f"/front-door/referrals/{referral.pk}/"

    assert signed_in_client(family_worker).get(url).status_code == 404
    assert signed_in_client(family_worker).get("/front-door/referrals/999999/").status_code == 404
    page = client_for("police_officer").get(url)
    assert page.status_code == 200
    assert "Referral of Kira Holt" in page.content.decode()


# ---------------------------------------------------------------- the contact's source agency


def test_a_school_logs_contacts_only_as_itself(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("designated_safeguarding_lead")
    form_page = client.get("/front-door/contacts/new/").content.decode()
    assert 'name="source_agency"' not in form_page
    assert "Test School or education setting (your agency)" in form_page

    police = world.agencies[AgencyKind.POLICE]
    response = client.post(
        "/front-door/contacts/new/", contact_form(world.child, source_agency=str(police.pk))
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.source_agency == world.agencies[AgencyKind.SCHOOL]
    # The police, who did not make the contact, cannot read it.
    assert client_for("police_officer").get(f"/front-door/contacts/{contact.pk}/").status_code == (
        404
    )


def test_a_police_officer_cannot_log_a_contact_as_a_member_of_the_public(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("police_officer").post(
        "/front-door/contacts/new/", contact_form(world.child, source="1B", source_agency="")
    )
    assert response.status_code == 302
    assert Contact.objects.get().source_agency == world.agencies[AgencyKind.POLICE]


@pytest.mark.parametrize("role", ["social_worker", "mash_practitioner"])
def test_social_care_and_the_mash_record_the_agency_that_made_the_contact(
    world: World, client_for, role: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role)
    assert 'name="source_agency"' in client.get("/front-door/contacts/new/").content.decode()
    health = world.agencies[AgencyKind.HEALTH]
    response = client.post(
        "/front-door/contacts/new/", contact_form(world.child, source_agency=str(health.pk))
    )
    assert response.status_code == 302
    assert Contact.objects.get().source_agency == health


def test_a_bad_source_agency_is_refused_for_those_who_choose_it(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        "/front-door/contacts/new/", contact_form(world.child, source_agency="999999")
    )
    assert 'href="#source_agency">Select the agency from the list' in response.content.decode()
    assert not Contact.objects.exists()


# ---------------------------------------------------------------- a contact about early help


def _contact_in_early_help(world: World) -> tuple[Contact, EarlyHelpEpisode]:
    sw = world.users["social_worker"]
    started = timezone.localdate() - dt.timedelta(days=40)
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=started, actor=sw)
    episode = early_help_start(actor=sw, case=case, started_on=started,
                               lead_agency=world.agencies[AgencyKind.SCHOOL],
                               reason="Threshold decision: early help")  # fmt: skip
    received = timezone.localdate() - dt.timedelta(days=1)
    return contact_on(episode.case, sw, received_on=received), episode


def _decide_url(contact: Contact) -> str:
    return f"/front-door/contacts/{contact.pk}/decision/"


def test_a_contact_about_a_child_in_early_help_offers_the_step_up_decisions(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact, _ = _contact_in_early_help(world)
    page = client_for("team_manager").get(_decide_url(contact)).content.decode()
    for label in (
        "Passed to the lead professional",
        "Referral to children&#39;s social care",
        "Strategy discussion now",
    ):
        assert label in page
    assert "No further action" not in page
    assert "Kira Holt has early help under way" in page


@pytest.mark.parametrize(
    ("decision", "stage"), [("referral", Stage.REFERRAL), ("strategy", Stage.STRATEGY)]
)
def test_a_contact_steps_a_child_up_from_early_help(
    world: World, client_for, decision: str, stage: Stage
) -> None:  # type: ignore[no-untyped-def]
    contact, episode = _contact_in_early_help(world)
    response = client_for("team_manager").post(
        _decide_url(contact), decision_form(contact, decision=decision, primary_need="N1")
    )
    assert response.status_code == 302
    today = timezone.localdate()
    episode.refresh_from_db()
    assert (episode.ended_on, episode.end_reason) == (today, EarlyHelpEndReason.STEPPED_UP)
    referral = Referral.objects.get()
    assert referral.contact == contact
    assert referral.referral_date == today - dt.timedelta(days=1)  # when the contact arrived
    assert Case.objects.get(pk=referral.case_id).stage == stage
    contact.refresh_from_db()
    assert contact.decision == decision


def test_a_contact_passed_to_the_lead_professional_leaves_early_help_running(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact, episode = _contact_in_early_help(world)
    response = client_for("team_manager").post(
        _decide_url(contact), decision_form(contact, decision="open_case", primary_need="")
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    episode.refresh_from_db()
    assert contact.decision == ThresholdDecision.OPEN_CASE
    assert episode.ended_on is None
    assert Case.objects.get(pk=episode.case_id).stage == Stage.EARLY_HELP
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"primary_need": ""}, "Select the child&#39;s primary need for the referral"),
        ({"decision": "early_help"}, "Select the decision"),
        ({"decision": "nfa"}, "Select the decision"),
    ],
)
def test_bad_step_ups_from_a_contact_are_refused(
    world: World, client_for, overrides: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    contact, episode = _contact_in_early_help(world)
    response = client_for("team_manager").post(
        _decide_url(contact), decision_form(contact, **overrides)
    )
    assert message in response.content.decode()
    episode.refresh_from_db()
    assert episode.ended_on is None
    assert not Referral.objects.exists()
