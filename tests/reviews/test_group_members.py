"""The review group: who is in it, who may join, and leaving with a reason (rows are kept)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.reviews.models import ReviewGroupMember, ReviewGroupRole, ReviewStatus
from masa.reviews.services_pack import review_member_add, review_member_remove

from ..conftest import World
from ..reviews_factories import make_review

pytestmark = pytest.mark.django_db


def group_url(review_id: int) -> str:
    return f"/reviews/{review_id}/group/"


def add(client, review_id: int, user_id: int | str, role: str = "agency_representative"):  # type: ignore[no-untyped-def]
    return client.post(group_url(review_id), {"user": str(user_id), "role": role})


def test_the_business_manager_adds_a_police_officer_who_then_sees_the_pack(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    officer = world.users["police_officer"]
    police = client_for("police_officer")
    assert police.get(f"/reviews/{review.pk}/pack/").status_code == 404

    bm = client_for("business_manager")
    response = add(bm, review.pk, officer.pk)

    assert response.status_code == 302
    member = ReviewGroupMember.objects.get(review=review, user=officer)
    assert member.role == ReviewGroupRole.AGENCY_REPRESENTATIVE
    assert member.added_by == world.users["business_manager"]
    page = police.get(f"/reviews/{review.pk}/pack/")
    assert page.status_code == 200
    assert "Kira Holt" in page.content.decode()
    audit = AuditEvent.objects.get(object_type="review_group_member", object_id=str(member.pk))
    assert audit.child_id == world.child.pk
    assert audit.after == {"user": officer.pk, "role": "agency_representative"}
    assert "s16H" in audit.reason
    text = bm.get(group_url(review.pk)).content.decode()
    assert f"{officer.display_name} added to the review group" in text


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            "independent_scrutineer",
            "Independent scrutineers see reviews by their anonymised name only and cannot join "
            "a review group",
        ),
        (
            "data_analyst",
            "Data analysts see reviews by their anonymised name only and cannot join a review "
            "group",
        ),
        (
            "system_administrator",
            "System administrators cannot see case reviews and cannot join a review group",
        ),
    ],
)
def test_people_whose_role_cannot_see_names_are_refused_with_the_reason(
    world: World, client_for, role: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)

    response = add(client_for("business_manager"), review.pk, world.users[role].pk)

    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert message in text
    assert 'href="#user"' in text
    assert not ReviewGroupMember.objects.filter(user=world.users[role]).exists()


def test_missing_choices_and_a_current_member_are_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    bm = client_for("business_manager")

    empty = bm.post(group_url(review.pk), {}).content.decode()
    assert "Select the person to add to the review group" in empty
    assert "Select their role in the review group" in empty

    # A current member is not offered; added meanwhile by a colleague, the service says so.
    health = world.users["health_safeguarding_practitioner"]
    offered = add(bm, review.pk, health.pk).content.decode()
    assert "Select the person to add to the review group" in offered
    with pytest.raises(ServiceError, match=f"{health.display_name} is already in the review"):
        review_member_add(
            actor=world.users["business_manager"],
            review=review,
            user_id=health.pk,
            role=ReviewGroupRole.CHAIR,
        )
    assert ReviewGroupMember.objects.filter(review=review, user=health).count() == 1


def test_a_member_leaves_with_a_reason_and_the_row_is_kept(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    health = world.users["health_safeguarding_practitioner"]
    member = ReviewGroupMember.objects.get(review=review, user=health)
    bm = client_for("business_manager")
    url = f"/reviews/{review.pk}/group/{member.pk}/remove/"

    blank = bm.post(url, {"reason": "  "}).content.decode()
    assert "Enter why they are leaving the review group" in blank
    assert bm.post(url, {"reason": "Moved to another trust"}).status_code == 302

    member.refresh_from_db()
    assert member.removed_at is not None
    assert member.removed_reason == "Moved to another trust"
    audit = AuditEvent.objects.get(object_type="review_group_member", action="update")
    assert (audit.reason, audit.child_id) == ("Moved to another trust", world.child.pk)
    page = bm.get(group_url(review.pk)).content.decode()
    assert "Former members" in page
    assert "Moved to another trust" in page
    assert timezone.localdate().strftime("%-d %B %Y") in page

    with pytest.raises(ServiceError, match="left the review group on"):
        review_member_remove(
            actor=world.users["business_manager"], review=review, member=member, reason="Again"
        )
    # Joining again is a new row: the old one still says when and why they left.
    review_member_add(
        actor=world.users["business_manager"],
        review=review,
        user_id=health.pk,
        role=ReviewGroupRole.AGENCY_REPRESENTATIVE,
    )
    assert ReviewGroupMember.objects.filter(review=review, user=health).count() == 2


def test_the_service_refuses_a_blank_reason_with_the_members_name(world: World) -> None:
    review = make_review(world)
    member = ReviewGroupMember.objects.get(review=review, user=world.users["team_manager"])

    with pytest.raises(ServiceError) as refused:
        review_member_remove(
            actor=world.users["business_manager"], review=review, member=member, reason=" "
        )

    name = world.users["team_manager"].display_name
    assert refused.value.message == f"Enter why {name} is leaving the review group"
    assert refused.value.field == "reason"


def test_members_and_managers_see_the_group_and_only_managers_change_it(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    member_page = client_for("health_safeguarding_practitioner").get(group_url(review.pk))
    text = member_page.content.decode()
    assert member_page.status_code == 200
    assert "Add a member" not in text
    assert "/remove/" not in text
    manager_text = client_for("business_manager").get(group_url(review.pk)).content.decode()
    assert "Add a member" in manager_text
    assert manager_text.count("/remove/") == 3

    refused = add(client_for("health_safeguarding_practitioner"), review.pk, world.users["lado"].pk)
    assert refused.status_code == 403
    for role in ("social_worker", "police_officer", "independent_scrutineer", "data_analyst"):
        assert client_for(role).get(group_url(review.pk)).status_code == 404, role
    assert (
        client_for("health_safeguarding_practitioner")
        .get(f"/reviews/{review.pk}/group/1/remove/")
        .status_code
        == 403
    )


def test_a_manager_outside_the_group_sees_anonymised_names_only(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    review = make_review(
        world, members={"health_safeguarding_practitioner": ReviewGroupRole.AGENCY_REPRESENTATIVE}
    )

    response = client_for("business_manager").get(group_url(review.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Child K" in text
    assert "Kira Holt" not in text
    assert world.child.masa_id not in text
    assert "Open the rapid review pack" not in text


def test_a_withdrawn_review_group_cannot_grow(world: World) -> None:
    review = make_review(world, status=ReviewStatus.WITHDRAWN)

    with pytest.raises(ServiceError, match="Child K was withdrawn: it can no longer change"):
        review_member_add(
            actor=world.users["business_manager"],
            review=review,
            user_id=world.users["lado"].pk,
            role=ReviewGroupRole.AGENCY_REPRESENTATIVE,
        )
