"""The threshold decision: each decision's effect on the case, refusals, concurrency and clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.frontdoor.models import Contact, Referral, ThresholdDecision
from masa.frontdoor.services import agency_check_add, threshold_decide
from masa.journey.models import Case, CaseTransition, ChronologyEntry, EventType, Stage
from tests.conftest import World
from tests.factories import ChildFactory

from .factories import contact_awaiting, contact_on, date_fields, decision_form

pytestmark = pytest.mark.django_db
EASTER_2024 = dt.date(2024, 3, 28)  # Thursday; Good Friday and Easter Monday follow


def _decide_url(contact: Contact) -> str:
    return f"/front-door/contacts/{contact.pk}/decision/"


@pytest.mark.parametrize(
    ("decision", "stage"),
    [
        ("nfa", Stage.CLOSED),
        ("advice", Stage.CLOSED),
        ("early_help", Stage.EARLY_HELP),
        ("referral", Stage.REFERRAL),
        ("strategy", Stage.STRATEGY),
    ],
)
def test_each_decision_moves_the_case_and_records_who_and_why(
    world: World, client_for, decision: str, stage: Stage
) -> None:  # type: ignore[no-untyped-def]
    received = timezone.localdate() - dt.timedelta(days=3)
    contact = contact_awaiting(world.child, world.users["social_worker"], received_on=received)
    manager = world.users["team_manager"]
    decided = timezone.localdate() - dt.timedelta(days=1)
    response = client_for("team_manager").post(
        _decide_url(contact),
        decision_form(
            contact,
            decision=decision,
            lead_agency=str(world.agencies[AgencyKind.SCHOOL].pk),
            decision_reason="Reason given by the manager",
            **date_fields("decided_on", decided),
        ),
    )
    assert response.status_code == 302

    contact.refresh_from_db()
    assert (contact.decision, contact.decided_on, contact.decided_by) == (
        decision,
        decided,
        manager,
    )
    assert contact.continuum_level == "3"
    case = Case.objects.get(pk=contact.case_id)
    assert case.stage == stage
    move = CaseTransition.objects.filter(case=case).last()
    assert move is not None
    assert (move.to_stage, move.moved_by, move.effective_on) == (stage, manager, decided)
    assert "Reason given by the manager" in move.reason
    assert ChronologyEntry.objects.filter(event_type=EventType.THRESHOLD_DECISION).exists()
    assert AuditEvent.objects.filter(object_type="contact", after__decision=decision).exists()

    referral = Referral.objects.filter(contact=contact).first()
    if decision in ("referral", "strategy"):
        assert referral is not None
        # The referral date is the date the contact was received, not the decision date.
        assert (referral.referral_date, referral.source, referral.primary_need) == (
            received,
            contact.source,
            "N1",
        )
    else:
        assert referral is None
    episode = EarlyHelpEpisode.objects.filter(case=case).first()
    if decision == "early_help":
        assert episode is not None
        assert (episode.started_on, episode.lead_agency) == (
            decided,
            world.agencies[AgencyKind.SCHOOL],
        )
    else:
        assert episode is None
    if stage == Stage.CLOSED:
        assert case.closed_on == decided

    page = client_for("team_manager").get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert ThresholdDecision(decision).label.replace("'", "&#39;") in page
    assert "Specialist: acute needs" not in page and "Targeted: complex needs" in page


def test_an_empty_decision_says_what_is_missing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"])
    response = client_for("team_manager").post(_decide_url(contact), {"version": "1"})
    body = response.content.decode()
    for message in (
        'href="#decision">Select the decision',
        'href="#continuum_level">Select the level of need on the continuum',
        'href="#decision_reason">Enter the reason for the decision',
        'href="#decided_on_day">Enter date of the decision',
    ):
        assert message in body
    contact.refresh_from_db()
    assert contact.decision == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"primary_need": ""}, "Select the child&#39;s primary need for the referral"),
        (
            {"decision": "early_help", "lead_agency": ""},
            "Select the agency that will lead the early help",
        ),
        (
            date_fields("decided_on", timezone.localdate() + dt.timedelta(days=1)),
            "The date of the decision must be today or in the past",
        ),
        (
            date_fields("decided_on", timezone.localdate() - dt.timedelta(days=10)),
            "The date of the decision must be on or after the date the contact was received",
        ),
        ({"continuum_level": "9"}, "Select the level of need on the continuum"),
        ({"decision": "open_case"}, "Select the decision"),
    ],
)
def test_bad_decisions_are_refused_and_the_case_stays_put(
    world: World, client_for, overrides: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(
        world.child,
        world.users["social_worker"],
        received_on=timezone.localdate() - dt.timedelta(days=2),
    )
    response = client_for("team_manager").post(
        _decide_url(contact), decision_form(contact, **overrides)
    )
    assert message in response.content.decode()
    assert Case.objects.get(pk=contact.case_id).stage == Stage.CONTACT
    assert not Referral.objects.exists()


def test_deciding_twice_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"])
    client = client_for("team_manager")
    assert client.post(_decide_url(contact), decision_form(contact)).status_code == 302
    contact.refresh_from_db()

    again = client.post(_decide_url(contact), decision_form(contact, decision="nfa"))
    assert "The decision on this contact has been recorded: Referral" in again.content.decode()
    with pytest.raises(ServiceError, match="already been recorded"):
        threshold_decide(
            actor=world.users["team_manager"],
            contact=contact,
            decision="nfa",
            continuum_level="1",
            reason="Second thoughts",
            decided_on=timezone.localdate(),
            version=contact.version,
        )
    assert Case.objects.get(pk=contact.case_id).stage == Stage.REFERRAL
    assert Referral.objects.count() == 1


def test_a_check_added_while_the_manager_decides_makes_them_look_again(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"])
    opened = decision_form(contact, decision="nfa")  # the page the manager has open
    agency_check_add(
        actor=world.users["mash_practitioner"],
        contact=contact,
        information_held=True,
        information="Father has a conviction for violence",
    )
    response = client_for("team_manager").post(_decide_url(contact), opened)
    body = response.content.decode()
    assert "Someone else changed this record while you were working on it" in body
    assert "Father has a conviction for violence" in body
    assert Case.objects.get(pk=contact.case_id).stage == Stage.CONTACT


def test_a_second_contact_on_a_case_already_moved_on_is_passed_to_the_worker(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    first = contact_awaiting(world.child, sw)
    second = contact_on(first.case, sw, received_on=timezone.localdate())
    client = client_for("team_manager")
    client.post(_decide_url(first), decision_form(first))
    second.refresh_from_db()

    with pytest.raises(ServiceError, match="passed to the allocated worker of an open case"):
        threshold_decide(
            actor=world.users["team_manager"],
            contact=second,
            decision="referral",
            continuum_level="3",
            reason="Same concern again",
            decided_on=timezone.localdate(),
            primary_need="N1",
            version=second.version,
        )
    response = client.post(
        _decide_url(second), decision_form(second, decision="open_case", primary_need="")
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.decision == ThresholdDecision.OPEN_CASE
    assert Case.objects.get(pk=first.case_id).stage == Stage.REFERRAL
    assert CaseTransition.objects.filter(case_id=first.case_id).count() == 2


def test_a_contact_whose_case_another_decision_closed_opens_a_new_case(world: World) -> None:
    sw, manager = world.users["social_worker"], world.users["team_manager"]
    first = contact_awaiting(world.child, sw)
    second = contact_on(first.case, sw, received_on=timezone.localdate())
    today = timezone.localdate()
    threshold_decide(actor=manager, contact=first, decision="nfa", continuum_level="1",
                     reason="Universal services", decided_on=today, version=None)  # fmt: skip
    second.refresh_from_db()
    threshold_decide(actor=manager, contact=second, decision="referral", continuum_level="3",
                     reason="New information", decided_on=today, primary_need="N1",
                     version=second.version)  # fmt: skip
    second.refresh_from_db()
    assert second.case_id != first.case_id
    assert Case.objects.get(pk=first.case_id).stage == Stage.CLOSED
    assert Case.objects.get(pk=second.case_id).stage == Stage.REFERRAL


def test_a_late_decision_is_accepted_and_the_clock_shows_missed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"], received_on=EASTER_2024)
    response = client_for("team_manager").post(
        _decide_url(contact),
        decision_form(contact, decision="nfa", **date_fields("decided_on", dt.date(2024, 4, 3))),
    )
    assert response.status_code == 302
    page = client_for("team_manager").get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert "Missed" in page
    assert "2 April 2024" in page


def test_a_referral_failing_a_dfe_rule_is_refused_naming_the_rule(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    unborn = ChildFactory(
        partnership=world.partnership,
        owning_team=world.la_team,
        first_name="Baby",
        last_name="Holt",
        date_of_birth=None,
        expected_date_of_birth=timezone.localdate() + dt.timedelta(days=300),
    )
    contact = contact_awaiting(unborn, world.users["social_worker"])
    response = client_for("team_manager").post(_decide_url(contact), decision_form(contact))
    body = response.content.decode()
    assert "CIN rule 8606: Child referral date is more than 40 weeks before DOB" in body
    assert not Referral.objects.exists()
    assert Case.objects.get(pk=contact.case_id).stage == Stage.CONTACT


def test_only_managers_decide(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.child, world.users["social_worker"])
    assert client_for("social_worker").get(_decide_url(contact)).status_code == 403
    assert client_for("mash_practitioner").post(_decide_url(contact), {}).status_code == 403
    page = client_for("team_manager").get(_decide_url(contact)).content.decode()
    assert "Universal: needs met by universal services" in page  # the partnership's levels


def test_deciding_an_out_of_scope_childs_contact_is_not_found(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    contact = contact_awaiting(world.la_only_child, world.users["social_worker"])
    # Police MASH screen it while it awaits a decision; other police officers never see it.
    assert (
        client_for("police_officer").get(f"/front-door/contacts/{contact.pk}/").status_code == 404
    )
    assert (
        client_for("mash_practitioner").get(f"/front-door/contacts/{contact.pk}/").status_code
        == 200
    )
