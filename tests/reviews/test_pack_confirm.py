"""Each agency confirms its section of the rapid review pack and adds what the chronology lacks."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError
from masa.reviews.models import AgencyContribution, CaseReview, ContributionStatus
from masa.reviews.services_pack import contribution_confirm, pack_draft

from ..casework_factories import make_chronology_entry
from ..conftest import World
from ..reviews_factories import make_review

pytestmark = pytest.mark.django_db

INCIDENT = dt.date(2026, 3, 2)


@pytest.fixture
def review(world: World) -> CaseReview:
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 25),
        source_agency=world.agencies[AgencyKind.HEALTH],
        summary="Missed the 12-week check",
    )
    review = make_review(world, incident_date=INCIDENT)
    pack_draft(actor=world.users["business_manager"], review=review, version=1)
    return review


def section_of(review: CaseReview, world: World, kind: str) -> AgencyContribution:
    return AgencyContribution.objects.get(review=review, agency=world.agencies[kind])


def url(review: CaseReview, contribution: AgencyContribution) -> str:
    return f"/reviews/{review.pk}/pack/{contribution.pk}/"


def answers(version: int, **changes: str) -> dict[str, str]:
    return {
        "involvement_summary": "Health visiting since birth; the 12-week check was missed",
        "additional_information": "GP saw the baby on 27 February for colic",
        "immediate_actions": "Safeguarding supervision for the health visitor",
        "learning_identified": "Follow up missed checks within a week",
        "version": str(version),
        **changes,
    }


def test_the_health_member_confirms_health_and_the_pack_shows_it(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = section_of(review, world, AgencyKind.HEALTH)
    client = client_for("health_safeguarding_practitioner")
    page = client.get(url(review, health)).content.decode()
    assert "Missed the 12-week check" in page
    assert "Kira Holt (Child K)" in page
    assert "Confirm your agency&#39;s section" in page

    response = client.post(url(review, health), answers(health.version))

    assert response.status_code == 302
    health.refresh_from_db()
    assert health.status == ContributionStatus.CONFIRMED
    assert health.confirmed_by == world.users["health_safeguarding_practitioner"]
    assert health.additional_information == "GP saw the baby on 27 February for colic"
    pack = client.get(f"/reviews/{review.pk}/pack/").content.decode()
    assert "Test Health (ICB or provider)&#39;s section is confirmed" in pack
    assert "Confirmed by Test Health (ICB or provider)" in pack
    outstanding = pack.split('id="outstanding"')[1].split("</ul>")[0]
    assert "Test Police" in outstanding
    assert "Test Health" not in outstanding
    assert "2 of 3 agencies have not confirmed their section yet" in pack
    audit = AuditEvent.objects.filter(object_type="rapid_review_pack", action="update").get()
    assert audit.after["status"] == "confirmed"
    assert audit.before["status"] == "drafted"


def test_the_summary_is_required(world: World, review: CaseReview, client_for) -> None:  # type: ignore[no-untyped-def]
    health = section_of(review, world, AgencyKind.HEALTH)

    response = client_for("health_safeguarding_practitioner").post(
        url(review, health), answers(health.version, involvement_summary="  ")
    )

    text = response.content.decode()
    assert "Enter a summary of your agency&#39;s involvement with the child and family" in text
    assert 'href="#involvement_summary"' in text
    health.refresh_from_db()
    assert health.status == ContributionStatus.DRAFTED


def test_another_agencys_member_reads_the_section_but_cannot_confirm_it(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = section_of(review, world, AgencyKind.HEALTH)
    social_care = client_for("team_manager")

    page = social_care.get(url(review, health))
    assert page.status_code == 200
    assert "Confirm your agency" not in page.content.decode()
    assert social_care.post(url(review, health), answers(health.version)).status_code == 403
    with pytest.raises(ServiceError) as refused:
        contribution_confirm(
            actor=world.users["team_manager"],
            contribution=health,
            involvement_summary="Not ours to say",
            version=health.version,
        )
    assert refused.value.message == (
        "Only a member of the review group from Test Health (ICB or provider), or the review's "
        "lead, can confirm Test Health (ICB or provider)'s section"
    )


def test_the_lead_confirms_for_an_agency_without_a_member(world: World, review: CaseReview) -> None:
    police = section_of(review, world, AgencyKind.POLICE)

    confirmed = contribution_confirm(
        actor=world.users["business_manager"],
        contribution=police,
        involvement_summary="Police had no involvement beyond the involvement record",
        version=police.version,
    )

    assert confirmed.status == ContributionStatus.CONFIRMED
    assert confirmed.confirmed_by == world.users["business_manager"]


def test_two_people_saving_the_same_section_the_second_is_told_and_nothing_is_lost(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = section_of(review, world, AgencyKind.HEALTH)
    seen = health.version
    contribution_confirm(
        actor=world.users["business_manager"],
        contribution=health,
        involvement_summary="Written by the lead first",
        version=seen,
    )

    response = client_for("health_safeguarding_practitioner").post(
        url(review, health), answers(seen)
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record while you were working on it" in text
    health.refresh_from_db()
    assert health.involvement_summary == "Written by the lead first"
    assert f'name="version" value="{health.version}"' in text


def test_a_confirmed_section_can_be_added_to_and_stays_confirmed(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = section_of(review, world, AgencyKind.HEALTH)
    client = client_for("health_safeguarding_practitioner")
    client.post(url(review, health), answers(health.version))
    health.refresh_from_db()
    assert "Change what your agency confirmed" in client.get(url(review, health)).content.decode()

    client.post(
        url(review, health),
        answers(health.version, learning_identified="Share missed checks with the GP"),
    )

    health.refresh_from_db()
    assert health.status == ContributionStatus.CONFIRMED
    assert health.learning_identified == "Share missed checks with the GP"
    latest = AuditEvent.objects.filter(object_type="rapid_review_pack", action="update").first()
    assert latest is not None
    assert latest.after["learning_identified"] == "Share missed checks with the GP"
    assert "involvement_summary" not in latest.after  # only what changed


def test_once_the_rapid_review_is_sent_the_pack_cannot_change(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    CaseReview.objects.filter(pk=review.pk).update(rapid_review_sent_on=dt.date(2026, 3, 20))
    health = section_of(review, world, AgencyKind.HEALTH)
    client = client_for("health_safeguarding_practitioner")

    page = client.get(url(review, health)).content.decode()
    assert "Confirm your agency" not in page
    refused = client.post(url(review, health), answers(health.version)).content.decode()

    assert "The rapid review was sent to the Panel on 20 March 2026" in refused
    health.refresh_from_db()
    assert health.status == ContributionStatus.DRAFTED
    pack = client.get(f"/reviews/{review.pk}/pack/").content.decode()
    assert "can no longer change" in pack
