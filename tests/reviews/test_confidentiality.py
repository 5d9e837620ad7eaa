"""Who sees a review, and who sees who the children are (``masa.reviews.confidentiality``).

Only current members of the review group see the children's names, the pack and the group;
the business unit's readers (scrutineer, analyst) see the review as "Child K"; anyone else
gets the 404 of a review that does not exist. ``redact`` takes names out of published text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from masa.core.models import AgencyKind, AuditEvent
from masa.people.models import FamilyMember, Relationship, RelationshipKind
from masa.reviews.confidentiality import (
    is_member,
    names_to_redact,
    redact,
    review_for_user,
    sees_names,
)
from masa.reviews.models import AgencyContribution, CaseReview, RedactionTerm, ReviewGroupMember
from masa.reviews.services_pack import pack_draft, review_child_add, review_member_remove

from ..casework_factories import make_chronology_entry
from ..conftest import World
from ..reviews_factories import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(world: World) -> CaseReview:
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 25),
        source_agency=world.agencies[AgencyKind.HEALTH],
        summary="Missed the 12-week check",
    )
    review = make_review(world)
    pack_draft(actor=world.users["business_manager"], review=review, version=1)
    return review


def pages(review: CaseReview) -> dict[str, str]:
    section = AgencyContribution.objects.filter(review=review).first()
    assert section is not None
    return {
        "pack": f"/reviews/{review.pk}/pack/",
        "section": f"/reviews/{review.pk}/pack/{section.pk}/",
        "group": f"/reviews/{review.pk}/group/",
    }


def test_a_member_sees_the_childs_name_on_the_pack_and_the_viewing_is_audited(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("health_safeguarding_practitioner").get(pages(review)["pack"])

    text = response.content.decode()
    assert response.status_code == 200
    assert "Kira Holt" in text
    assert world.child.masa_id in text
    viewed = AuditEvent.objects.get(object_type="rapid_review_pack", action="view")
    assert viewed.actor == world.users["health_safeguarding_practitioner"]
    assert viewed.child_id == world.child.pk


@pytest.mark.parametrize("role", ["social_worker", "police_officer", "lado"])
def test_a_practitioner_outside_the_group_gets_404_on_the_review_and_the_pack(
    world: World, review: CaseReview, client_for, role: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role)

    assert client.get(f"/reviews/{review.pk}/").status_code == 404
    for name, path in pages(review).items():
        assert client.get(path).status_code == 404, name
    with pytest.raises(Http404):
        review_for_user(world.users[role], review.pk)
    assert "Child K" not in client.get("/reviews/").content.decode()


@pytest.mark.parametrize("role", ["independent_scrutineer", "data_analyst"])
def test_scrutineer_and_analyst_read_the_review_as_child_k_and_never_the_name(
    world: World, review: CaseReview, client_for, role: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role)
    user = world.users[role]

    listing = client.get("/reviews/")
    detail = client.get(f"/reviews/{review.pk}/")

    for response in (listing, detail):
        text = response.content.decode()
        assert response.status_code == 200
        assert "Child K" in text
        assert "Kira" not in text
        assert "Holt" not in text
        assert world.child.masa_id not in text
    for name, path in pages(review).items():
        assert client.get(path).status_code == 404, name
    assert review_for_user(user, review.pk) == review
    assert sees_names(user, review) is False


def test_a_removed_member_loses_access_at_once(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    health = world.users["health_safeguarding_practitioner"]
    client = client_for("health_safeguarding_practitioner")
    assert client.get(pages(review)["pack"]).status_code == 200
    member = ReviewGroupMember.objects.get(review=review, user=health)

    review_member_remove(
        actor=world.users["business_manager"],
        review=review,
        member=member,
        reason="Conflict of interest: treated the mother",
    )

    for name, path in pages(review).items():
        assert client.get(path).status_code == 404, name  # the same session, the next request
    assert client.get(f"/reviews/{review.pk}/").status_code == 404
    assert is_member(health, review) is False
    assert sees_names(health, review) is False


def test_membership_without_the_permission_shows_nothing(world: World) -> None:
    # A row made directly (not through the service) for someone who may not join.
    review = make_review(world, members={"independent_scrutineer": "agency_representative"})

    assert sees_names(world.users["independent_scrutineer"], review) is False


# ---------------------------------------------------------------- redaction


@pytest.fixture
def family(world: World) -> CaseReview:
    review = make_review(world)
    mother = FamilyMember.objects.create(
        partnership=world.partnership, first_name="Ann", last_name="Holt"
    )
    partner = FamilyMember.objects.create(
        partnership=world.partnership, first_name="Dean", last_name="Rourke"
    )
    Relationship.objects.create(child=world.child, family_member=mother, kind="parent")
    Relationship.objects.create(child=world.child, family_member=partner, kind="household")
    RedactionTerm.objects.create(
        review=review,
        term="Ashby Close",
        replacement="[street]",
        added_by=world.users["business_manager"],
    )
    return review


def test_redact_takes_out_the_childs_and_family_members_names_in_any_case(
    world: World, family: CaseReview
) -> None:
    pairs = names_to_redact(family)

    text = redact(
        "Kira Holt lived with ann HOLT and DEAN at Ashby Close. KIRA's mother Ann spoke to "
        "Dean Rourke; kira holt was 4 months old.",
        pairs,
    )

    assert text == (
        "Child K lived with [parent] and [household member] at [street]. Child K's mother "
        "[parent] spoke to [household member]; Child K was 4 months old."
    )


def test_redact_leaves_words_that_only_contain_a_name(world: World, family: CaseReview) -> None:
    pairs = names_to_redact(family)

    text = redact(
        "The Annual report; Annabel and Deanna at Holton school; Kiran said hello.", pairs
    )

    assert text == "The Annual report; Annabel and Deanna at Holton school; Kiran said hello."


def test_redact_names_a_linked_sibling_by_their_review_name_and_an_unlinked_one_by_relation(
    world: World, family: CaseReview
) -> None:
    Relationship.objects.create(
        child=world.la_only_child, other_child=world.child, kind=RelationshipKind.SIBLING
    )
    pairs = names_to_redact(family)
    assert redact("Jay Moss and Jay visited.", pairs) == "[sibling] and [sibling] visited."
    assert redact("The Moss family", pairs) == "The [family name] family"

    review_child_add(
        actor=world.users["business_manager"],
        review=family,
        child_id=world.la_only_child.pk,
        anonymised_name="Sibling 1",
    )

    assert redact("Jay Moss and jay visited.", names_to_redact(family)) == (
        "Sibling 1 and Sibling 1 visited."
    )
