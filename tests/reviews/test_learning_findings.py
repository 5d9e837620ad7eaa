"""Findings and recommendations per review: numbered, versioned, withdrawn (never deleted) with a
reason, and read by anonymised name outside the review group."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.assurance.models import Action, ActionSource, ActionStatus
from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.reviews.models import Finding, Recommendation, ReviewStatus
from masa.reviews.services_learning import (
    finding_add,
    finding_update,
    finding_withdraw,
    recommendation_add,
    recommendation_update,
    recommendation_withdraw,
    theme_add,
)

from ..conftest import World
from ..reviews_factories import make_review


@pytest.fixture
def review(world: World):  # type: ignore[no-untyped-def]
    return make_review(world)


def add(world: World, review, title: str = "Finding", detail: str = "Detail") -> Finding:  # type: ignore[no-untyped-def]
    return finding_add(
        actor=world.users["business_manager"], review=review, title=title, detail=detail
    )


@pytest.mark.django_db
def test_findings_are_numbered_in_order_and_keep_their_number_when_withdrawn(
    world: World, review
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    first, second = add(world, review, "One"), add(world, review, "Two")
    finding_withdraw(actor=bm, finding=second, reason="Duplicate of 1", version=second.version)
    third = add(world, review, "Three")

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert Finding.objects.filter(review=review).count() == 3  # nothing deleted
    # Another review starts at 1.
    other = make_review(world, anonymised_name="Child L")
    assert add(world, other).number == 1


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_happens_once(world: World, review) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    finding = add(world, review)

    with pytest.raises(ServiceError, match="Enter why the finding is being withdrawn") as error:
        finding_withdraw(actor=bm, finding=finding, reason="  ", version=finding.version)
    assert error.value.field == "reason"
    finding_withdraw(actor=bm, finding=finding, reason="Not supported", version=finding.version)
    finding.refresh_from_db()
    assert finding.withdrawn_reason == "Not supported"
    with pytest.raises(ServiceError, match="already been withdrawn"):
        finding_withdraw(actor=bm, finding=finding, reason="Again", version=finding.version)
    with pytest.raises(ServiceError, match="Finding 1 was withdrawn: it cannot be changed"):
        finding_update(
            actor=bm, finding=finding, title="T", detail="D", themes=[], version=finding.version
        )
    event = (
        AuditEvent.objects.filter(object_type="review_finding", object_id=finding.pk)
        .order_by("pk")
        .last()
    )
    assert event is not None and event.reason == "Not supported"
    assert event.object_label == "Child K: finding 1"


@pytest.mark.django_db
def test_an_edit_from_an_old_version_is_refused(world: World, review) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    finding = add(world, review)
    seen = finding.version
    finding_update(actor=bm, finding=finding, title="New", detail="D", themes=[], version=seen)

    with pytest.raises(StaleVersion):
        finding_update(actor=bm, finding=finding, title="Old", detail="D", themes=[], version=seen)
    finding.refresh_from_db()
    assert (finding.title, finding.version) == ("New", seen + 1)


@pytest.mark.django_db
def test_a_withdrawn_review_takes_no_new_learning(world: World) -> None:
    review = make_review(world, status=ReviewStatus.WITHDRAWN)
    with pytest.raises(ServiceError, match="Child K’s review was withdrawn"):
        add(world, review)


@pytest.mark.django_db
def test_a_recommendation_points_to_a_finding_of_its_review_and_to_agencies(
    world: World, review
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    finding = add(world, review)
    police, health = world.agencies[AgencyKind.POLICE], world.agencies[AgencyKind.HEALTH]
    theme = theme_add(actor=bm, name="Information sharing")

    rec = recommendation_add(
        actor=bm,
        review=review,
        text="Share strategy discussion minutes within a day.",
        finding=finding,
        themes=[theme],
        agencies=[police, health],
    )
    assert rec.number == 1
    assert set(rec.agencies.all()) == {police, health}

    other_finding = add(world, make_review(world, anonymised_name="Child L"))
    with pytest.raises(ServiceError, match="Choose a finding from this review") as error:
        recommendation_add(actor=bm, review=review, text="X", finding=other_finding)
    assert error.value.field == "finding"
    with pytest.raises(ServiceError, match="Enter the recommendation"):
        recommendation_add(actor=bm, review=review, text=" ")

    recommendation_update(
        actor=bm,
        recommendation=rec,
        text="Share minutes within one working day.",
        finding=None,
        themes=[],
        agencies=[],
        version=rec.version,
    )
    rec.refresh_from_db()
    assert rec.finding is None and not rec.agencies.exists()
    with pytest.raises(ServiceError, match="Enter why the recommendation is being withdrawn"):
        recommendation_withdraw(actor=bm, recommendation=rec, reason="", version=rec.version)
    recommendation_withdraw(actor=bm, recommendation=rec, reason="Superseded", version=rec.version)
    assert Recommendation.objects.get(pk=rec.pk).withdrawn_reason == "Superseded"


@pytest.mark.django_db
def test_the_page_shows_names_to_the_review_group_only(world: World, review, client_for) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    add(world, review, "Kira was not seen alone", "Kira Holt was not seen alone by any agency.")
    recommendation_add(actor=bm, review=review, text="See Kira's siblings too.")
    url = f"/reviews/{review.pk}/findings/"

    member = client_for("team_manager").get(url).content.decode()
    assert "Kira Holt was not seen alone by any agency." in member

    for role in ("independent_scrutineer", "data_analyst"):
        response = client_for(role).get(url)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Kira" not in text and "Holt" not in text
        assert "Finding 1: Child K was not seen alone" in text
        assert "Child K was not seen alone by any agency." in text
        assert "See Child K&#39;s siblings too." in text
        assert "Add a finding" not in text  # reading only

    # A practitioner outside the review group cannot open it at all; no review role: refused.
    assert client_for("social_worker").get(url).status_code == 404
    assert client_for("system_administrator").get(url).status_code == 403


@pytest.mark.django_db
def test_adding_and_withdrawing_through_the_pages(world: World, review, client_for) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    client = client_for("business_manager")
    neglect = theme_add(actor=bm, name="Neglect")
    retired = theme_add(actor=bm, name="Safe sleep")
    client.post(f"/reviews/themes/{retired.pk}/", {"action": "retire"})
    client.get("/reviews/themes/")  # shows (and so clears) the "retired" message

    form = client.get(f"/reviews/{review.pk}/findings/new/").content.decode()
    assert "Neglect" in form and "Safe sleep" not in form  # retired: not offered

    response = client.post(
        f"/reviews/{review.pk}/findings/new/",
        {
            "title": "Neglect was not recognised",
            "detail": "Agencies saw it separately.",
            "themes": [str(neglect.pk)],
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(review=review)
    assert list(finding.themes.all()) == [neglect]

    response = client.post(
        f"/reviews/{review.pk}/findings/new/",
        {"title": "", "detail": "", "themes": [str(retired.pk)]},
    )
    text = response.content.decode()
    assert "Enter a short title for the finding" in text
    assert "Enter what the review found" in text

    url = f"/reviews/{review.pk}/findings/{finding.pk}/withdraw/"
    refused = client.post(url, {"reason": "", "version": finding.version})
    assert "Enter why it is being withdrawn" in refused.content.decode()
    client.post(url, {"reason": "Not borne out by the chronology", "version": finding.version})
    page = client.get(f"/reviews/{review.pk}/findings/").content.decode()
    assert "Withdrawn" in page and "Not borne out by the chronology" in page

    response = client.post(
        f"/reviews/{review.pk}/recommendations/new/",
        {
            "text": "Use the neglect toolkit.",
            "finding": "",
            "agencies": [str(world.agencies[AgencyKind.SCHOOL].pk)],
            "themes": [str(neglect.pk)],
        },
    )
    assert response.status_code == 302
    page = client.get(f"/reviews/{review.pk}/findings/").content.decode()
    assert "Recommendation 1" in page and "Test School" in page
    assert "No actions on the actions tracker" in page


@pytest.mark.django_db
def test_the_page_counts_the_actions_a_recommendation_led_to(
    world: World, review, client_for
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    rec = recommendation_add(actor=bm, review=review, text="Train staff on neglect.")
    for title, status in (("Run training", ActionStatus.ON_TRACK), ("Old", ActionStatus.WITHDRAWN)):
        Action.objects.create(
            partnership=world.partnership,
            title=title,
            source=ActionSource.CASE_REVIEW,
            recommendation=rec,
            owning_agency=world.agencies[AgencyKind.HEALTH],
            owner=world.users["health_safeguarding_practitioner"],
            due_on=dt.date(2026, 12, 1),
            status=status,
            created_by=bm,
        )

    page = client_for("independent_scrutineer").get(f"/reviews/{review.pk}/findings/")
    assert "1 action on the actions tracker" in page.content.decode()


def test_a_manager_outside_the_review_group_cannot_overwrite_the_wording_with_redacted_text(
    world: World,
) -> None:
    """The business manager who is not in the group sees "Child K" in place of the name: saving
    that text unchanged keeps the group's wording; changing it is refused."""
    review = make_review(
        world, anonymised_name="Child N", members={"team_manager": "agency_representative"}
    )
    manager = world.users["business_manager"]
    finding = finding_add(
        actor=manager, review=review, title="Missed signs", detail="Kira was seen at school."
    )
    redacted = "Child N was seen at school."

    finding_update(
        actor=manager,
        finding=finding,
        title="Missed signs",
        detail=redacted,
        themes=[],
        version=finding.version,
    )
    finding.refresh_from_db()
    assert finding.detail == "Kira was seen at school."

    with pytest.raises(ServiceError) as refused:
        finding_update(
            actor=manager,
            finding=finding,
            title="Missed signs",
            detail="Child N was not seen.",
            themes=[],
            version=finding.version,
        )
    assert "Only Child N's review group can change this wording" in refused.value.message
    finding.refresh_from_db()
    assert finding.detail == "Kira was seen at school."
